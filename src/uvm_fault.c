/*
 * uvm_fault.c: the page fault handler.
 *
 * A fault at va of a map is resolved as in NetBSD 1.6, in the shape later
 * NetBSD gave the code: uvm_fault loops over a check and one of two
 * layers, each step a function that hands what it learnt to the next
 * through a fault context (struct uvm_faultctx, on uvm_fault's stack).
 * A step that returns ERESTART has unlocked everything; the loop starts
 * over with the check.
 *
 *   uvm_fault_check	   find the entry of va with the map read-locked
 *			   (uvmfault_lookup); check the access against its
 *			   protection; a needs-copy entry that is written, or
 *			   has no object, gets its own amap first (amapcopy,
 *			   under the map's write lock: ERESTART).  Size the
 *			   neighbourhood by the entry's advice (fault_advice:
 *			   3 behind and 4 ahead, none for random, 8 and 7
 *			   for sequential; a wiring fault none), lock the
 *			   amap and read its anons in place (amap_slots:
 *			   what amap_lookups would copy).  Under sequential
 *			   advice the pages behind are deactivated, not
 *			   mapped (uvmfault_anonflush; pgo_put with
 *			   PGO_DEACTIVATE) and left out of the rest.
 *   uvm_fault_upper_lookup  map the neighbours' resident anon pages
 *			   (uvm_fault_upper_neighbor; read-only where the anon
 *			   is shared).  An address the pmap already maps is
 *			   left out of the fault, anon or object page, as 1.6
 *			   leaves it (pmap_extract): not entered again, not
 *			   moved on the paging queues.  Says whether the amap
 *			   holds the fault's page.
 *   uvm_fault_upper	   it does: get it resident (uvmfault_anonget);
 *			   uvm_fault_upper_loan: a write (1.39: or wiring)
 *			   of a loaned page the anon alone holds gives the
 *			   anon a copy, the old page stays with its borrowers;
 *			   uvm_fault_upper_promote: a write to a shared anon
 *			   copies it into a new anon (copy-on-write), else
 *			   uvm_fault_upper_direct maps the anon's own page;
 *			   uvm_fault_upper_enter enters it.
 *   uvm_fault_lower	   it does not: the object's page, or a zero fill.
 *			   uvm_fault_lower_lookup: a locked pgo_get, its
 *			   resident neighbours mapped (uvm_fault_lower_neighbor,
 *			   read-only where loaned or copy-on-write);
 *			   uvm_fault_lower_io: the page not resident, pgo_get
 *			   with I/O and the maps unlocked, then relock and
 *			   check nothing moved (else ERESTART);
 *			   uvm_fault_lower_direct maps the object's page in
 *			   place (the owner writing a loaned page gets a fresh
 *			   copy), uvm_fault_lower_promote puts a copy (a write
 *			   to a copy-on-write entry) or a zeroed page (no
 *			   object) into a new anon in the amap;
 *			   uvm_fault_lower_enter enters it.
 *
 * Each *_enter does pmap_enter, puts the page on the active queue (or
 * wires it) and unlocks everything.  The context: fault_type, access_type
 * (widened to the entry's protection by a wired fault), wiring (a wiring
 * fault also maps no neighbours), pmap_wired and enter_prot (set by the
 * check, narrowed by the layers); the neighbourhood startva, npages and
 * centeridx; the entry's amap and uobj; promote (the lower layer's
 * choice).  The array of pages around va lives beside it on the stack,
 * and the anons around va (flt->anons) are read where the locked amap
 * keeps them (or from fault_noanons, without an amap): the fault
 * allocates nothing and copies no slot, and finds the slot of its page
 * there (fault_slot) when a copy or a zero fill fills it.
 *
 * Locks, in order: map (read), amap, object, anon, page queues (the
 * order docs/architecture.md gives).  Each step says what it holds ("=>"
 * and "locked: ...").  Where the kernel would sleep (a busy page, no
 * free memory) nothing else can run in the simulator to end the sleep: a
 * busy page runs the page_wait hook and panics if it is still busy.  A
 * lack of memory unlocks everything and waits for the page daemon
 * (uvm_wait) and faults again, on a machine whose cfg.uvm_wait lets the
 * daemon run and as long as it frees something; otherwise ENOMEM.
 *
 * A copy into a shared amap or a loan break takes the old page's mappings;
 * the wired ones are given back at the fault's end (uvm_fault_rewire.c).
 *
 * Return values: 0, EFAULT (no entry, or an entry with nothing behind it),
 * EACCES (protection), ENOMEM, or the pager's error.
 */
#include <errno.h>

#define UVMSIM_LOCK_M	m	/* locks use the functions' m (kern_lock.h) */
#include "uvmsim_state.h"
#include "uvmsim_cur.h"
#include "kern_lock.h"
#include "uvm_map_lock.h"
#include "uvm_fault_i.h"
#include "uvm_amap_i.h"
#include "uvm_anon_i.h"
#include "uvm_page_i.h"
#include "uvmsim_trace.h"
#include "uvmsim_frame.h"
#include "uvmsim_vm.h"
#include "uvmsim_problem.h"

/* The fault-info helpers, inline with the fault's m (uvm_fault_i.h); a
 * fault looks up one page. */
#define uvmfault_lookup(ufi, write_lock)				\
	uvmsim__fault_lookup(m, (ufi), (write_lock), TRUE)
#define uvmfault_unlockmaps(ufi, write_locked)				\
	uvmsim__fault_unlockmaps(m, (ufi), (write_locked))
#define uvmfault_unlockall(ufi, amap, uobj, anon)			\
	uvmsim__fault_unlockall(m, (ufi), (amap), (uobj), (anon))
/* And the amap's slot operations (uvm_amap_i.h); amap_add's body takes
 * the slot the check found (fault_slot, uvmsim__amap_setslot). */
#define amap_slots(aref, off, npages)					\
	uvmsim__amap_slots(m, (aref), (off), (npages), "amap_lookups")
/* And the anon allocation (uvm_anon_i.h). */
#define uvm_analloc()	uvmsim__analloc(m)

/* Neighbours mapped around a fault, by advice: pages behind and ahead. */
static const struct {
	int	nback;
	int	nforw;
} fault_advice[] = {
	[MADV_NORMAL]		= { 3, 4 },
	[MADV_RANDOM]		= { 0, 0 },
	[MADV_SEQUENTIAL]	= { 8, 7 },
};
#define FAULT_MAXPAGES	16
/* The anons of a neighbourhood without an amap: none. */
static struct vm_anon *const fault_noanons[FAULT_MAXPAGES];
/* Waits for the page daemon one fault makes before it fails (ENOMEM). */
#define FAULT_MAXWAITS	32

/* The fault's context (above), its own: no lock guards a field; a lock
 * named guards what the field points at.  It outlives a refault. */
struct uvm_faultctx {
	vm_fault_t	fault_type;	/* what the MMU saw, or a wiring */
	vm_prot_t	access_type;	/* access to allow (wired: entry's) */
	vm_prot_t	enter_prot;	/* protection the page is entered with */
	boolean_t	wiring;		/* VM_FAULT_WIRE or VM_FAULT_WIREMAX;
					   no neighbours then */
	int		pmap_wired;	/* PMAP_WIRED if the entry is wired,
					   or the fault; else 0 */
	boolean_t	wirebreak;	/* a wiring breaks loans (1.39) */
	boolean_t	promote;	/* lower: the page goes into a new anon */
	int		npages;		/* pages looked at, from startva */
	int		centeridx;	/* index of the fault's page */
	uint32_t	leftout;	/* pages the lower layer leaves alone
					   (bit i: PGO_DONTCARE in pages[i]) */
	vaddr_t		startva;	/* va of anons[0] and pages[0] */
	struct vm_anon *const *anons;	/* the amap's from startva, read in
					   place (am_l from check), or
					   fault_noanons */
	struct vm_amap	*amap;		/* the entry's (map; am_l from check) */
	struct uvm_object *uobj;	/* the entry's (map; vmobjlock taken
					   by the steps that use it) */
	struct uvmsim__rewire rewire;	/* wired mappings to give back */
};

/* Protection of a mapping of a page that a copy-on-write entry may not
 * write in place. */
static inline vm_prot_t
cow_mask(const struct vm_map_entry *entry, vm_prot_t prot)
{
	return UVM_ET_ISCOPYONWRITE(entry) ? (prot & ~VM_PROT_WRITE) : prot;
}

static inline int
min_pages(int n, vsize_t bytes, unsigned pageshift)
{
	return (vsize_t)n < bytes >> pageshift ? n : (int)(bytes >> pageshift);
}

static inline void
page_unbusy(struct uvmsim_machine *m, struct vm_page *pg)
{
	pg->flags &= ~(PG_BUSY | PG_WANTED);
	UVM_PAGE_OWN(pg, NULL);
}

/*
 * fault_slot: the amap slot of the fault's page, from where its anon (or
 * NULL) is in flt->anons, the amap's array read in place by
 * uvm_fault_check (amap_slots), which checked the slots of the whole
 * neighbourhood.
 *
 * => amap locked since the check, or locked again with the map unchanged
 *	(the map's timestamp): the entry's aref is the same, and an amap
 *	keeps its array for life.
 */
static inline int
fault_slot(const struct uvm_faultctx *flt)
{
	return (int)(&flt->anons[flt->centeridx] - flt->amap->am_anon);
}

/*
 * rewire_note: uvmsim__rewire_note, its call made only for a wired page
 * the fault has noted none before: what it would do for any other, and
 * copies and loan breaks of pages that are not wired are the rule.  For
 * the upper layer (uvm_fault_upper, a function of its own); the lower
 * layer's rarer calls (a loaned object page, a copy into a shared amap)
 * stay calls, whose test inline would cost the rest of uvm_fault, which
 * the lower layer is inlined into, more than it saves them.
 */
static inline UVMSIM__ALWAYS_INLINE void
rewire_note(struct uvmsim_machine *m, struct uvmsim__rewire *rw,
    struct vm_page *old)
{
	if (__predict_false(old->wire_count != 0 && rw->old == NULL))
		uvmsim__rewire_note(m, rw, old);
}

/*
 * uvmfault_anonflush: deactivate the pages of n anons a sequential fault
 * has left behind: the process is not expected to come back to them, so
 * the page daemon may take them first.  They keep their mappings.
 *
 * => map (read) and amap locked; each anon is locked in turn.
 * => a busy, loaned or wired page is left where it is.
 */
static void
uvmfault_anonflush(struct uvmsim_machine *m, struct vm_anon *const *anons,
    int n)
{
	struct vm_page *pg;
	int lcv;

	for (lcv = 0; lcv < n; lcv++) {
		if (anons[lcv] == NULL)
			continue;
		simple_lock(&anons[lcv]->an_lock);
		pg = anons[lcv]->u.an_page;
		if (pg != NULL && (pg->flags & PG_BUSY) == 0 &&
		    pg->loan_count == 0) {
			uvm_lock_pageq();
			if (pg->wire_count == 0) {
				(void)pmap_clear_reference(pg);
				uvm_pagedeactivate(pg);
			}
			uvm_unlock_pageq();
		}
		simple_unlock(&anons[lcv]->an_lock);
	}
}

/*
 * uvmfault_anonswapin: read the page of an anon that is in swap only.
 *
 * => locked on entry: the map (read, unless ufi is NULL), the amap (if
 *	not NULL), the anon, which has a swap slot and no page.
 * => 0: the anon has its page again, resident, on the active queue, not
 *	busy, with the slot's bytes (and still its slot: the page is clean
 *	until written, as 1.6 keeps it); everything still locked.
 * => ENOMEM (no free page) or EIO (the read failed: the anon keeps its
 *	slot and its data, the page is freed): everything unlocked.
 * => 1.6 unlocks everything for the read and relocks after it; the
 *	simulator's swap read is synchronous and done with the locks held,
 *	as the pagers' is, so nothing can move meanwhile.
 */
static int
uvmfault_anonswapin(struct uvmsim_machine *m, struct uvm_faultinfo *ufi,
    struct vm_amap *amap, struct vm_anon *anon)
{
	struct vm_page *pg;
	int error;

	pg = uvm_pagealloc(NULL, 0, anon, 0);
	if (pg == NULL) {
		uvmfault_unlockall(ufi, amap, NULL, anon);
		m->uvmexp.fltnoram++;
		return ENOMEM;
	}
	error = uvm_swap_get(pg, anon->an_swslot, PGO_SYNCIO);
	uvm_lock_pageq();
	if (error != 0) {
		/* Nothing read: the data stays in the slot. */
		uvm_pagefree(pg);
		uvm_unlock_pageq();
		uvmfault_unlockall(ufi, amap, NULL, anon);
		return error;
	}
	pg->flags &= ~(PG_BUSY | PG_FAKE);
	pg->flags |= PG_CLEAN;
	UVM_PAGE_OWN(pg, NULL);
	uvm_pageactivate(pg);
	uvm_unlock_pageq();
	return 0;
}

/*
 * anonget_wait: the rest of uvmfault_anonget (below) when the anon's page,
 * pg, is not there (NULL) or is busy: read it from swap, or wait for it
 * and look again, as many times as it takes.
 *
 * => locked on entry: the map (read, unless ufi is NULL), the amap (if
 *	not NULL), the anon, and the page's object if it is on loan from
 *	one (uvm_anon_lockloanpg).  Returns as uvmfault_anonget.
 */
static __attribute__((__noinline__)) int
anonget_wait(struct uvmsim_machine *m, struct uvm_faultinfo *ufi,
    struct vm_amap *amap, struct vm_anon *anon, struct vm_page *pg)
{
	struct vm_page *waited = NULL;
	boolean_t locked;

	for (;;) {
		if (pg == NULL) {
			if (anon->an_swslot == 0)
				uvmsim__panic(m, "uvmfault_anonget: anon %u has "
				    "no page and no swap slot", anon->an_id);
			return uvmfault_anonswapin(m, ufi, amap, anon);
		}
		if ((pg->flags & (PG_BUSY | PG_RELEASED)) == 0)
			return 0;
		if (pg == waited)
			uvmsim__panic(m, "uvmfault_anonget: page %" PRIu64 " of "
			    "anon %u is still busy (\"%s\") after the wait: the "
			    "sleep would never end", uvmsim__pgid(m, pg),
			    anon->an_id, pg->owner_tag ? pg->owner_tag : "");
		m->uvmexp.fltpgwait++;
		pg->flags |= PG_WANTED;
		/* Sleep on the page with everything unlocked: the owner's
		 * lock (object or anon) is the last to go. */
		if (pg->uobject != NULL) {
			uvmfault_unlockall(ufi, amap, NULL, anon);
			simple_unlock(&pg->uobject->vmobjlock);
		} else
			uvmfault_unlockall(ufi, amap, NULL, anon);
		if (!uvmsim__hook(m, UVMSIM_HOOK_PAGE_WAIT))
			uvmsim__panic(m, "uvmfault_anonget: page %" PRIu64 " of "
			    "anon %u is busy (\"%s\"): the sleep would never "
			    "end", uvmsim__pgid(m, pg), anon->an_id,
			    pg->owner_tag ? pg->owner_tag : "");
		waited = pg;

		/* Awake: relock and make sure the anon is still ours. */
		locked = uvmfault_relock(ufi);
		if (locked && amap != NULL)
			amap_lock(amap);
		if (!locked)
			return ERESTART;
		simple_lock(&anon->an_lock);
		if (ufi != NULL && amap_lookup(&ufi->entry->aref,
		    ufi->orig_rvaddr - ufi->entry->start) != anon) {
			uvmfault_unlockall(ufi, amap, NULL, anon);
			return ERESTART;
		}
		m->uvmexp.fltanretry++;
		pg = anon->u.an_page;
		if (pg != NULL && pg->loan_count != 0)
			pg = uvm_anon_lockloanpg(anon);	/* may lock pg's object */
	}
}

/*
 * uvmfault_anonget (anonget, inline, with the fault's m): make the page
 * of a locked anon resident and usable.
 *
 * => locked on entry: the map (read, unless ufi is NULL), the amap (if
 *	not NULL), the anon.
 * => 0: the page is there, not busy; everything still locked, and if the
 *	page is on loan from an object, that object is locked too.
 * => ERESTART: the world changed while unlocked; everything unlocked, the
 *	caller looks up again.  Other errors: everything unlocked.
 * => a busy page is waited for as the kernel sleeps on it: everything
 *	unlocked, the "page_wait" hook runs (the other CPU that holds the
 *	page busy), then the maps are relocked and the slot checked.  A page
 *	still busy after the wait would never be unbusied: that panics.
 * => an anon whose page is in swap only gets it back
 *	(uvmfault_anonswapin: ENOMEM or EIO, everything unlocked, when it
 *	cannot); an anon with neither page nor slot is broken: a panic.
 * => inline, the page there and not busy, the usual case; the rest is
 *	anonget_wait's, out of line.  The public uvmfault_anonget asserts
 *	the anon's lock; the fault's own call comes right after it takes it.
 */
static inline UVMSIM__ALWAYS_INLINE int
anonget(struct uvmsim_machine *m, struct uvm_faultinfo *ufi,
    struct vm_amap *amap, struct vm_anon *anon)
{
	struct vm_page *pg;

	m->uvmexp.fltanget++;
	pg = anon->u.an_page;
	if (pg != NULL && pg->loan_count != 0)
		pg = uvmsim__anon_lockloanpg(m, anon); /* may lock its object */
	if (__predict_false(pg == NULL ||
	    (pg->flags & (PG_BUSY | PG_RELEASED)) != 0))
		return anonget_wait(m, ufi, amap, anon, pg);
	return 0;
}

/* The public uvmfault_anonget: the body above for the current machine;
 * the fault's own calls take it inline (anonget). */
int
uvmfault_anonget(struct uvm_faultinfo *ufi, struct vm_amap *amap,
    struct vm_anon *anon)
{
	struct uvmsim_machine *m = uvmsim__cur();

	LOCK_ASSERT(simple_lock_held(&anon->an_lock));
	return anonget(m, ufi, amap, anon);
}

/*
 * amapcopy: give a needs-copy entry its own amap, under the map's write
 * lock.  Returns 0, EFAULT if the address is no longer mapped, or ENOMEM.
 */
static __attribute__((__noinline__)) int
amapcopy(struct uvmsim_machine *m, struct uvm_faultinfo *ufi)
{
	if (!uvmfault_lookup(ufi, TRUE))
		return EFAULT;
	if (UVM_ET_ISNEEDSCOPY(ufi->entry))
		amap_copy(ufi->map, ufi->entry, AMAP_COPY_NOWAIT, TRUE,
		    ufi->orig_rvaddr, ufi->orig_rvaddr + 1);
	if (UVM_ET_ISNEEDSCOPY(ufi->entry)) {
		/* No memory for the amap; the kernel would wait for some. */
		uvmfault_unlockmaps(ufi, TRUE);
		m->uvmexp.fltnoamap++;
		return ENOMEM;
	}
	uvmfault_unlockmaps(ufi, TRUE);
	m->uvmexp.fltamcopy++;
	return 0;
}

/*
 * fault_done: the end of every return from uvm_fault.
 */
static inline int
fault_done(struct uvmsim_machine *m, struct vm_map *map, vaddr_t va,
    int error)
{
	uvmsim__ev(m, UVMSIM_EV_FAULT_DONE, map->map_id, va, (uint64_t)error,
	    0);
	return error;
}

/*
 * uvm_fault_behind: deactivate the nback pages behind a sequential
 * fault: the anons' (uvmfault_anonflush) and the object's (pgo_put with
 * PGO_DEACTIVATE).  Out of line: most faults have no such advice.
 *
 * => map (read) and amap (if any) locked, and stay so; the object is
 *	locked for pgo_put, which unlocks it.
 */
static __attribute__((__noinline__)) void
uvm_fault_behind(struct uvmsim_machine *m, struct uvm_faultinfo *ufi,
    const struct uvm_faultctx *flt, struct vm_anon *const *anons, int nback)
{
	struct uvm_object *uobj = flt->uobj;
	voff_t uoff;

	if (flt->amap != NULL)
		uvmfault_anonflush(m, anons, nback);
	if (uobj != NULL) {
		uoff = ufi->entry->offset +
		    (voff_t)(flt->startva - ufi->entry->start);
		simple_lock(&uobj->vmobjlock);
		(void)uobj->pgops->pgo_put(uobj, uoff,
		    uoff + ((voff_t)nback << m->pageshift), PGO_DEACTIVATE);
		/* (unlocked by pgo_put) */
	}
}

/*
 * uvm_fault_check: look the fault's entry up, check the access, and
 * size the neighbourhood; deactivate the pages behind a sequential fault.
 *
 * => nothing locked on entry.
 * => 0: map (read) and amap (if any) locked; flt->enter_prot,
 *	pmap_wired, amap, uobj, startva, npages, centeridx and anons set;
 *	flt->anons the amap's anons from startva, read in place (NULL
 *	where none; fault_noanons without an amap), good while the amap
 *	stays locked.
 * => ERESTART: a needs-copy entry got its own amap; nothing locked, look
 *	up again.  EFAULT, EACCES, ENOMEM: nothing locked.
 * => inline in uvm_fault: the context and the fault info stay in its
 *	frame, reached without a pointer passed, and no frame of its own.
 */
static inline UVMSIM__ALWAYS_INLINE int
uvm_fault_check(struct uvmsim_machine *m, struct uvm_faultinfo *ufi,
    struct uvm_faultctx *flt)
{
	struct vm_anon *const *anons;
	struct uvm_object *uobj;
	vm_prot_t check_prot;
	size_t ps = m->pagesize;
	int nback, nforw, error, advice;

	/* (ufi->orig_*: uvm_fault's, one page) */
	if (!uvmfault_lookup(ufi, FALSE))
		return EFAULT;
	check_prot = flt->fault_type == VM_FAULT_WIREMAX ?
	    ufi->entry->max_protection : ufi->entry->protection;
	if ((check_prot & flt->access_type) != flt->access_type) {
		uvmfault_unlockmaps(ufi, FALSE);
		return EACCES;
	}
	flt->enter_prot = ufi->entry->protection;
	if (VM_MAPENT_ISWIRED(ufi->entry) || flt->wiring) {
		flt->pmap_wired = PMAP_WIRED;
		flt->access_type = flt->enter_prot;	/* full access */
	} else
		flt->pmap_wired = 0;

	if (UVM_ET_ISNEEDSCOPY(ufi->entry)) {
		if ((flt->access_type & VM_PROT_WRITE) != 0 ||
		    ufi->entry->object.uvm_obj == NULL) {
			uvmfault_unlockmaps(ufi, FALSE);
			error = amapcopy(m, ufi);
			return error != 0 ? error : ERESTART;
		}
		/* Reading a needs-copy entry: the object's page, read-only. */
		flt->enter_prot &= ~VM_PROT_WRITE;
	}
	flt->amap = ufi->entry->aref.ar_amap;
	flt->uobj = uobj = ufi->entry->object.uvm_obj;
	if (flt->amap == NULL && uobj == NULL) {
		uvmfault_unlockmaps(ufi, FALSE);
		return EFAULT;
	}

	/* The neighbourhood, by advice. */
	advice = ufi->entry->advice;
	if (flt->wiring || advice < 0 || advice > MADV_SEQUENTIAL) {
		nback = nforw = 0;
	} else {
		nback = fault_advice[advice].nback;
		nforw = fault_advice[advice].nforw;
	}
	nback = min_pages(nback, ufi->orig_rvaddr - ufi->entry->start,
	    m->pageshift);
	nforw = min_pages(nforw, ufi->entry->end - ufi->orig_rvaddr - ps,
	    m->pageshift);
	flt->startva = ufi->orig_rvaddr - (vaddr_t)nback * ps;
	flt->npages = nback + nforw + 1;
	flt->centeridx = nback;

	/* locked: map (read) */
	if (flt->amap != NULL) {
		amap_lock(flt->amap);
		anons = amap_slots(&ufi->entry->aref,
		    flt->startva - ufi->entry->start, flt->npages);
	} else
		anons = fault_noanons;
	/* locked: map (read), amap */

	/*
	 * Sequential access: the pages behind the fault will not be wanted
	 * again soon.  Deactivate them now (the anons' pages, and the
	 * object's through pgo_put with PGO_DEACTIVATE) and leave them out
	 * of the rest of the fault: only the fault's page and those ahead
	 * are mapped.
	 */
	if (__predict_false(advice == MADV_SEQUENTIAL && nback != 0)) {
		uvm_fault_behind(m, ufi, flt, anons, nback);
		flt->npages -= nback;
		anons += nback;
		flt->startva += (vaddr_t)nback * ps;
		flt->centeridx = 0;
	}
	flt->anons = anons;
	return 0;
}

/*
 * uvm_fault_upper_neighbor: map the resident page of a neighbouring
 * anon, as a read of it would.
 *
 * => map (read) and amap locked (by uvm_fault_check, right before its
 *	one caller, uvm_fault_upper_lookup); the anon is locked and unlocked
 *	here.
 * => a busy or loaned page is left unmapped; a shared anon's page is
 *	mapped read-only, so that its first write comes back to be copied.
 * => wired as the entry is: a fault with neighbours is no wiring, so
 *	flt->pmap_wired is the entry's.
 */
static void
uvm_fault_upper_neighbor(struct uvmsim_machine *m, struct uvm_faultinfo *ufi,
    const struct uvm_faultctx *flt, vaddr_t currva, struct vm_anon *anon)
{
	struct vm_page *pg;

	simple_lock(&anon->an_lock);
	pg = anon->u.an_page;
	if (pg != NULL && pg->loan_count == 0 &&
	    (pg->flags & PG_BUSY) == 0) {
		uvm_lock_pageq();
		uvm_pageactivate(pg);
		uvm_unlock_pageq();
		m->uvmexp.fltnamap++;
		(void)pmap_enter(ufi->orig_map->pmap, currva,
		    VM_PAGE_TO_PHYS(pg), anon->an_ref > 1 ?
		    (flt->enter_prot & ~VM_PROT_WRITE) : flt->enter_prot,
		    PMAP_CANFAIL | flt->pmap_wired);
	}
	simple_unlock(&anon->an_lock);
}

/*
 * uvm_fault_upper_lookup: note in flt->leftout what the amap holds and
 * map the neighbours' resident anon pages.
 *
 * => map (read) and amap (if any) locked on entry and on return (by
 *	uvm_fault_check, which uvm_fault calls right before).
 * => flt->leftout: a bit for each page of the neighbourhood the lower
 *	layer leaves alone (PGO_DONTCARE in its pgo_get): where
 *	flt->anons[i] is an anon (the object's page there is shadowed), or
 *	the pmap maps a neighbour already.
 * => TRUE: the fault's own page is an anon's (the upper layer resolves
 *	it); FALSE: the object's or a zero fill (the lower layer).
 * => a neighbour the pmap maps already is left out of the fault, so
 *	neither layer enters it again or moves its page on the queues (1.6
 *	asks pmap_extract the same).  Only the pages not mapped are looked
 *	at, lowest first: the order 1.6 maps them in.
 */
static boolean_t
uvm_fault_upper_lookup(struct uvmsim_machine *m, struct uvm_faultinfo *ufi,
    struct uvm_faultctx *flt)
{
	struct vm_anon *const *const anons = flt->anons;
	const int npages = flt->npages, centeridx = flt->centeridx;
	const uint32_t centre = (uint32_t)1 << centeridx;
	uint32_t mapped, look, leftout;
	int lcv;

	KASSERT(npages >= 1 && npages <= FAULT_MAXPAGES);
	mapped = npages > 1 ? uvmsim__pmap_mapped(m, ufi->orig_map->pmap,
	    flt->startva, npages) & ~centre : 0; /* not the fault's own page */
	/* Left alone: the mapped neighbours, and the fault's page where the
	 * amap has it; then each neighbour the amap has, mapped here. */
	leftout = mapped | (anons[centeridx] != NULL ? centre : 0);
	look = ~(mapped | centre) & (((uint32_t)2 << (npages - 1)) - 1);
	for (; look != 0; look &= look - 1) {
		lcv = __builtin_ctz(look);
		if (anons[lcv] == NULL)
			continue;
		leftout |= (uint32_t)1 << lcv;	/* the amap has this page */
		uvm_fault_upper_neighbor(m, ufi, flt, flt->startva +
		    (vaddr_t)lcv * m->pagesize, anons[lcv]);
	}
	flt->leftout = leftout;
	pmap_update(ufi->orig_map->pmap);
	return (leftout >> centeridx) & 1;
}

/*
 * uvm_fault_upper_loan: the fault's anon holds a loaned page.  A read
 * maps it read-only.  A write (a wiring's: with the entry's protection)
 * by the anon's only holder gives the anon a copy and leaves the old page
 * to its borrowers (or its object), and its wired mappings to the copy;
 * so does any wiring in 1.39 (1.6 and the modern behaviour wire it
 * read-only).  With more holders, copy-on-write breaks the sharing.
 *
 * => map (read), amap, anon and *uobjp (the page's lender, if any) locked.
 * => 0: as on entry but *uobjp, NULL after a break; ENOMEM: all unlocked.
 */
static inline UVMSIM__ALWAYS_INLINE int
uvm_fault_upper_loan(struct uvmsim_machine *m, struct uvm_faultinfo *ufi,
    struct uvm_faultctx *flt, struct vm_anon *anon,
    struct uvm_object **uobjp)
{
	KASSERT(anon->u.an_page->loan_count != 0);
	if ((flt->access_type & VM_PROT_WRITE) == 0 && !flt->wirebreak)
		flt->enter_prot &= ~VM_PROT_WRITE;	/* never writable */
	else if (anon->an_ref == 1) {
		rewire_note(m, &flt->rewire, anon->u.an_page);
		if (uvm_loanbreak_anon(anon, *uobjp) != 0) {
			uvmfault_unlockall(ufi, flt->amap, *uobjp, anon);
			m->uvmexp.fltnoram++;
			return ENOMEM;
		}
		*uobjp = NULL;		/* unlocked by the break */
	}
	return 0;
}

/*
 * uvm_fault_upper_promote: copy on write of a shared anon: a new anon
 * with a copy of the page takes the fault's amap slot.
 *
 * => map (read), amap, oanon and uobj (if not NULL) locked; slot the
 *	fault's (fault_slot), oanon's.
 * => 0: *anonp the new anon (locked), *pgp its page (not busy); the slot
 *	gave back its reference to oanon, never the last.  ENOMEM:
 *	everything unlocked, nothing changed.
 */
static inline UVMSIM__ALWAYS_INLINE int
uvm_fault_upper_promote(struct uvmsim_machine *m, struct uvm_faultinfo *ufi,
    struct uvm_faultctx *flt, int slot, struct uvm_object *uobj,
    struct vm_anon *oanon, struct vm_anon **anonp, struct vm_page **pgp)
{
	struct vm_anon *anon;
	struct vm_page *npg = NULL;

	KASSERT(oanon->an_ref > 1);	/* (oanon: uvm_fault_upper's lock) */
	m->uvmexp.flt_acow++;
	anon = uvm_analloc();
	if (anon != NULL)
		npg = uvm_pagealloc(NULL, 0, anon, 0);
	if (anon == NULL || npg == NULL) {
		if (anon != NULL) {
			anon->an_ref--;
			simple_unlock(&anon->an_lock);
			uvm_anfree(anon);
		}
		uvmfault_unlockall(ufi, flt->amap, uobj, oanon);
		if (anon == NULL)
			m->uvmexp.fltnoanon++;
		else
			m->uvmexp.fltnoram++;
		return ENOMEM;
	}
	uvmsim__pagecopy(m, oanon->u.an_page, npg);	/* uvm_pagecopy */
	npg->flags &= ~(PG_BUSY | PG_FAKE);
	UVM_PAGE_OWN(npg, NULL);
	/* A shared amap's replace unmaps the old page: see the essay. */
	if ((amap_flags(flt->amap) & AMAP_SHARED) != 0)
		rewire_note(m, &flt->rewire, oanon->u.an_page);
	/* The slot takes our reference to the new anon and gives back its
	 * reference to the old one, never the last (amap_add, the slot
	 * found by the check). */
	uvmsim__amap_setslot(m, flt->amap, slot, anon, TRUE);
	oanon->an_ref--;
	KASSERT(oanon->an_ref > 0);
	uvmsim__ev(m, UVMSIM_EV_FAULT_COW, anon->an_id,
	    uvmsim__pgid(m, oanon->u.an_page), uvmsim__pgid(m, npg), 0);
	*anonp = anon;
	*pgp = npg;
	return 0;
}

/*
 * uvm_fault_upper_direct: map the anon's own page; while others share
 * the anon, read-only.
 *
 * => map (read), amap and anon (by uvm_fault_upper, its one caller)
 *	locked, and stay so.
 */
static inline UVMSIM__ALWAYS_INLINE void
uvm_fault_upper_direct(struct uvmsim_machine *m, struct uvm_faultctx *flt,
    struct vm_anon *anon, struct vm_page *pg)
{
	m->uvmexp.flt_anon++;
	if (anon->an_ref > 1)
		flt->enter_prot &= ~VM_PROT_WRITE;	/* still shared */
	uvmsim__ev(m, UVMSIM_EV_FAULT_ANON, anon->an_id, uvmsim__pgid(m, pg),
	    0, 0);
}

/*
 * uvm_fault_upper_enter: enter the upper layer's page, put it on the
 * active queue (or wire it), unlock everything.
 *
 * => map (read), amap, oanon, anon (if not oanon) and uobj (if not NULL:
 *	the page is still on loan from it) locked.
 * => 0 or ENOMEM (the pmap had no memory; a copy made stays in the amap,
 *	on the active queue); everything unlocked.
 */
static inline UVMSIM__ALWAYS_INLINE int
uvm_fault_upper_enter(struct uvmsim_machine *m, struct uvm_faultinfo *ufi,
    const struct uvm_faultctx *flt, struct uvm_object *uobj,
    struct vm_anon *oanon, struct vm_anon *anon, struct vm_page *pg)
{
	/* (the locks: uvm_fault_upper's, uvm_analloc's, and
	 * uvm_anon_lockloanpg's for the lender) */
	if (pmap_enter(ufi->orig_map->pmap, ufi->orig_rvaddr,
	    VM_PAGE_TO_PHYS(pg), flt->enter_prot, flt->access_type |
	    PMAP_CANFAIL | flt->pmap_wired) != 0) {
		if (anon != oanon) {
			simple_unlock(&anon->an_lock);
			/* The copy stays in the amap (locked), so it goes on
			 * a queue as a mapped page would. */
			uvm_lock_pageq();
			uvm_pageactivate(pg);
			uvm_unlock_pageq();
		}
		uvmfault_unlockall(ufi, flt->amap, uobj, oanon);
		m->uvmexp.fltnoram++;
		return ENOMEM;
	}
	uvm_lock_pageq();
	if (flt->wiring)
		uvm_pagewire(pg);
	else if (flt->pmap_wired != 0 && anon != oanon &&
	    oanon->u.an_page->wire_count > 0) {
		/* A wired entry's write copied a shared anon: its wiring
		 * moves to the copy (1.6 wired only on wiring faults). */
		uvm_pageunwire(oanon->u.an_page);
		uvm_pagewire(pg);
	} else
		uvm_pageactivate(pg);
	uvm_unlock_pageq();
	if (anon != oanon)
		simple_unlock(&anon->an_lock);
	uvmfault_unlockall(ufi, flt->amap, uobj, oanon);
	pmap_update(ufi->orig_map->pmap);
	return 0;
}

/*
 * uvm_fault_upper: resolve a fault on a page the amap holds: get it
 * resident, break a loan the anon alone holds, copy a shared anon that
 * is written, and enter the page.
 *
 * => map (read) and amap locked on entry (not the object: no lower layer).
 * => everything unlocked on return: 0, ERESTART (look up again),
 *	ENOMEM, or uvmfault_anonget's error.
 */
static __attribute__((__noinline__)) int
uvm_fault_upper(struct uvmsim_machine *m, struct uvm_faultinfo *ufi,
    struct uvm_faultctx *flt)
{
	struct vm_anon *anon = flt->anons[flt->centeridx], *oanon;
	struct uvm_object *uobj;
	struct vm_page *pg;
	int error;

	/* (anon: uvm_fault_upper_lookup found it, in the amap the check
	 * locked) */
	simple_lock(&anon->an_lock);
	error = anonget(m, ufi, flt->amap, anon);
	if (error != 0)
		return error;	/* ERESTART: look up again */
	/* locked: map (read), amap, anon, and the page's object if loaned
	 * from one */
	pg = anon->u.an_page;
	uobj = pg->uobject;
	if (pg->loan_count != 0) {
		error = uvm_fault_upper_loan(m, ufi, flt, anon, &uobj);
		if (error != 0)
			return error;
		pg = anon->u.an_page;
	}

	oanon = anon;
	if (((flt->access_type & VM_PROT_WRITE) != 0 ||
	    (flt->wirebreak && pg->loan_count != 0)) && anon->an_ref > 1) {
		error = uvm_fault_upper_promote(m, ufi, flt,
		    fault_slot(flt), uobj, oanon, &anon, &pg);
		if (error != 0)
			return error;
	} else
		uvm_fault_upper_direct(m, flt, anon, pg);
	return uvm_fault_upper_enter(m, ufi, flt, uobj, oanon, anon, pg);
}

/*
 * uvm_fault_lower_neighbor: map a neighbouring page the object has
 * resident, as a read would, and unbusy it.
 *
 * => map (read), amap (if any) and object locked; pg busy (the locked
 *	pgo_get's).
 * => wired as the entry is (flt->pmap_wired: a fault with neighbours is
 *	no wiring).
 */
static void
uvm_fault_lower_neighbor(struct uvmsim_machine *m, struct uvm_faultinfo *ufi,
    const struct uvm_faultctx *flt, vaddr_t currva, struct vm_page *pg)
{
	LOCK_ASSERT(simple_lock_held(&flt->uobj->vmobjlock));
	KASSERT((pg->flags & PG_BUSY) != 0);
	uvm_lock_pageq();
	uvm_pageactivate(pg);
	uvm_unlock_pageq();
	m->uvmexp.fltnomap++;
	(void)pmap_enter(ufi->orig_map->pmap, currva, VM_PAGE_TO_PHYS(pg),
	    pg->loan_count != 0 ? (flt->enter_prot & ~VM_PROT_WRITE) :
	    cow_mask(ufi->entry, flt->enter_prot),
	    PMAP_CANFAIL | flt->pmap_wired);
	page_unbusy(m, pg);
}

/*
 * uvm_fault_lower_lookup: the locked pgo_get of the object's pages
 * around the fault (pages[] PGO_DONTCARE where flt->leftout says, NULL
 * elsewhere); map the resident neighbours.
 *
 * => map (read) and amap (if any) locked; the object is locked here and
 *	stays locked.
 * => returns the fault's own page, busy, if resident; else NULL.
 */
static struct vm_page *
uvm_fault_lower_lookup(struct uvmsim_machine *m, struct uvm_faultinfo *ufi,
    const struct uvm_faultctx *flt, struct vm_page **pages)
{
	struct uvm_object *uobj = flt->uobj;
	struct vm_page *pg, *uobjpage = NULL;
	vaddr_t currva;
	int lcv, gotpages;

	LOCK_ASSERT(flt->amap == NULL || simple_lock_held(&flt->amap->am_l));
	/* What the pager is to leave alone: the upper lookup's leftout. */
	for (lcv = 0; lcv < flt->npages; lcv++)
		pages[lcv] = (flt->leftout >> lcv) & 1 ? PGO_DONTCARE : NULL;
	simple_lock(&uobj->vmobjlock);
	/* locked: map (read), amap, object */
	gotpages = flt->npages;
	m->uvmexp.fltlget++;
	(void)uobj->pgops->pgo_get(uobj, ufi->entry->offset +
	    (voff_t)(flt->startva - ufi->entry->start), pages, &gotpages,
	    flt->centeridx, cow_mask(ufi->entry, flt->access_type),
	    ufi->entry->advice, PGO_LOCKED);
	for (lcv = 0, currva = flt->startva; lcv < flt->npages;
	    lcv++, currva += m->pagesize) {
		pg = pages[lcv];
		if (pg == NULL || pg == PGO_DONTCARE)
			continue;
		if (lcv == flt->centeridx) {
			uobjpage = pg;
			continue;
		}
		uvm_fault_lower_neighbor(m, ufi, flt, currva, pg);
	}
	pmap_update(ufi->orig_map->pmap);
	return uobjpage;
}

/*
 * uvm_fault_lower_io: get the fault's object page with I/O, the maps
 * and the amap unlocked, then relock and make sure nothing moved.
 *
 * => map (read), amap (if any) and object locked on entry.
 * => 0: the same locked again, *uobjpagep busy (on the active queue).
 * => ERESTART: the pager had a transient shortage, or the map, the amap
 *	slot or the page changed: the page is put back as found, nothing
 *	locked, look up again.  The pager's other errors: nothing locked.
 */
static int
uvm_fault_lower_io(struct uvmsim_machine *m, struct uvm_faultinfo *ufi,
    const struct uvm_faultctx *flt, struct vm_page **uobjpagep)
{
	struct uvm_object *uobj = flt->uobj;
	struct vm_amap *amap = flt->amap;
	struct vm_page *uobjpage = NULL;
	boolean_t locked;
	voff_t uoff;
	int gotpages, error;

	LOCK_ASSERT(simple_lock_held(&uobj->vmobjlock));
	uvmfault_unlockall(ufi, amap, NULL, NULL);
	/* locked: uobj */
	gotpages = 1;
	uoff = ufi->entry->offset +
	    (voff_t)(ufi->orig_rvaddr - ufi->entry->start);
	m->uvmexp.fltget++;
	error = uobj->pgops->pgo_get(uobj, uoff, &uobjpage, &gotpages, 0,
	    cow_mask(ufi->entry, flt->access_type), ufi->entry->advice,
	    PGO_SYNCIO);
	/* locked: nothing; uobjpage busy unless error */
	if (error == EAGAIN) {
		/* A transient shortage: wait a tick, as 1.6 does, and fault
		 * again. */
		uvmsim__lbolt_sleep(m, "fltagain2");
		return ERESTART;
	}
	if (error != 0)
		return error;
	uvm_lock_pageq();
	uvm_pageactivate(uobjpage);
	uvm_unlock_pageq();

	/* Relock, and make sure nothing moved while unlocked. */
	locked = uvmfault_relock(ufi);
	if (locked && amap != NULL)
		amap_lock(amap);
	simple_lock(&uobj->vmobjlock);
	if ((uobjpage->flags & PG_RELEASED) != 0 ||
	    (locked && amap != NULL && amap_lookup(&ufi->entry->aref,
	    ufi->orig_rvaddr - ufi->entry->start) != NULL)) {
		if (locked)
			uvmfault_unlockall(ufi, amap, NULL, NULL);
		locked = FALSE;
	}
	if (!locked) {
		/* Put the page back as we found it; start over. */
		if (uobjpage->flags & PG_RELEASED) {
			uvm_lock_pageq();
			uvm_pagefree(uobjpage);
			uvm_unlock_pageq();
		} else
			page_unbusy(m, uobjpage);
		simple_unlock(&uobj->vmobjlock);
		return ERESTART;
	}
	*uobjpagep = uobjpage;
	return 0;
}

/*
 * uvm_fault_lower_direct: map the object's own page in place.  The owner
 * writing (1.39: or wiring) a page it has loaned gets a fresh copy at the
 * same offset; the old page, unchanged, stays with its borrowers.
 *
 * => map (read), amap (if any) and object locked; uobjpage busy.
 * => 0: the same locked, *pgp the page to enter (busy).
 * => ENOMEM: everything unlocked, uobjpage unbusied.
 */
static int
uvm_fault_lower_direct(struct uvmsim_machine *m, struct uvm_faultinfo *ufi,
    struct uvm_faultctx *flt, struct vm_page *uobjpage,
    struct vm_page **pgp)
{
	struct uvm_object *uobj = flt->uobj;
	struct vm_page *pg = uobjpage;

	LOCK_ASSERT(simple_lock_held(&uobj->vmobjlock));
	KASSERT((uobjpage->flags & PG_BUSY) != 0);
	m->uvmexp.flt_obj++;
	flt->enter_prot = cow_mask(ufi->entry, flt->enter_prot);
	if (pg->loan_count != 0) {
		if ((flt->access_type & VM_PROT_WRITE) == 0 &&
		    !flt->wirebreak) {
			flt->enter_prot &= ~VM_PROT_WRITE;
		} else {
			uvmsim__rewire_note(m, &flt->rewire, uobjpage);
			pg = uvm_loanbreak(uobjpage);
			if (pg == NULL) {
				page_unbusy(m, uobjpage);
				uvmfault_unlockall(ufi, flt->amap, uobj, NULL);
				m->uvmexp.fltnoram++;
				return ENOMEM;
			}
			/* pg: busy, the object's now */
		}
	}
	uvmsim__ev(m, UVMSIM_EV_FAULT_OBJ, uvmsim__objid(uobj),
	    (uint64_t)pg->offset, uvmsim__pgid(m, pg), 0);
	*pgp = pg;
	return 0;
}

/*
 * uvm_fault_lower_promote: a new anon in the amap for the fault's page:
 * a copy of the object's page (a write to a copy-on-write entry), or a
 * zeroed page (uobjpage PGO_DONTCARE: no object).
 *
 * => map (read), amap and *uobjp (if any) locked; uobjpage busy, or
 *	PGO_DONTCARE.
 * => 0: *anonp the new anon (locked, in the amap), *pgp its page (busy);
 *	after a copy the object is unlocked and *uobjp NULL.  ENOMEM:
 *	everything unlocked, uobjpage unbusied.
 */
static int
uvm_fault_lower_promote(struct uvmsim_machine *m, struct uvm_faultinfo *ufi,
    struct uvm_faultctx *flt, struct uvm_object **uobjp,
    struct vm_page *uobjpage, struct vm_anon **anonp, struct vm_page **pgp)
{
	struct vm_anon *anon;
	struct vm_page *pg = NULL;

	KASSERT(flt->amap != NULL);
	LOCK_ASSERT(simple_lock_held(&flt->amap->am_l));
	anon = uvm_analloc();
	if (anon != NULL)
		pg = uvm_pagealloc(NULL, 0, anon,
		    uobjpage == PGO_DONTCARE ? UVM_PGA_ZERO : 0);
	if (anon == NULL || pg == NULL) {
		if (anon != NULL) {
			anon->an_ref--;
			simple_unlock(&anon->an_lock);
			uvm_anfree(anon);
		}
		if (uobjpage != PGO_DONTCARE)
			page_unbusy(m, uobjpage);
		uvmfault_unlockall(ufi, flt->amap, *uobjp, NULL);
		if (anon == NULL)
			m->uvmexp.fltnoanon++;
		else
			m->uvmexp.fltnoram++;
		return ENOMEM;
	}
	if (uobjpage != PGO_DONTCARE) {
		m->uvmexp.flt_prcopy++;
		uvm_pagecopy(uobjpage, pg);
		/* Other users of a shared amap must see the copy, not the
		 * object's page. */
		if (amap_flags(flt->amap) & AMAP_SHARED) {
			uvmsim__rewire_note(m, &flt->rewire, uobjpage);
			pmap_page_protect(uobjpage, VM_PROT_NONE);
		}
		page_unbusy(m, uobjpage);
		uvm_lock_pageq();
		uvm_pageactivate(uobjpage);
		uvm_unlock_pageq();
		uvmsim__ev(m, UVMSIM_EV_FAULT_COW, anon->an_id,
		    uvmsim__pgid(m, uobjpage), uvmsim__pgid(m, pg), 0);
		simple_unlock(&(*uobjp)->vmobjlock);
		*uobjp = NULL;
	} else {
		m->uvmexp.flt_przero++;
		uvmsim__ev(m, UVMSIM_EV_FAULT_ZERO, anon->an_id,
		    uvmsim__pgid(m, pg), 0, 0);
	}
	/* The amap slot takes our reference to the anon (amap_add, the
	 * slot found by the check). */
	uvmsim__amap_setslot(m, flt->amap, fault_slot(flt), anon, FALSE);
	*anonp = anon;
	*pgp = pg;
	return 0;
}

/*
 * uvm_fault_lower_enter: enter the lower layer's page, put it on the
 * active queue (or wire it), unbusy it, unlock everything.
 *
 * => map (read), amap (if any), uobj (if not NULL) and anon (if not
 *	NULL) locked; pg busy.
 * => 0 or ENOMEM (the pmap had no memory; the page stays, the object's
 *	or the new anon's, on the active queue, where 1.6's refault would
 *	put it, or no page daemon could ever reclaim it); everything
 *	unlocked, pg unbusied.
 */
static int
uvm_fault_lower_enter(struct uvmsim_machine *m, struct uvm_faultinfo *ufi,
    const struct uvm_faultctx *flt, struct uvm_object *uobj,
    struct vm_anon *anon, struct vm_page *pg)
{
	LOCK_ASSERT(uobj == NULL || simple_lock_held(&uobj->vmobjlock));
	LOCK_ASSERT(anon == NULL || simple_lock_held(&anon->an_lock));
	KASSERT((pg->flags & PG_BUSY) != 0);
	if (pmap_enter(ufi->orig_map->pmap, ufi->orig_rvaddr,
	    VM_PAGE_TO_PHYS(pg), flt->enter_prot, flt->access_type |
	    PMAP_CANFAIL | flt->pmap_wired) != 0) {
		uvm_lock_pageq();
		uvm_pageactivate(pg);
		uvm_unlock_pageq();
		page_unbusy(m, pg);
		pg->flags &= ~PG_FAKE;
		uvmfault_unlockall(ufi, flt->amap, uobj, anon);
		m->uvmexp.fltnoram++;
		return ENOMEM;
	}
	uvm_lock_pageq();
	if (flt->wiring) {
		uvm_pagewire(pg);
		/* A wired aobj page can never be paged out: it is dirty for
		 * good as far as its backing store goes. */
		if (pg->pqflags & PQ_AOBJ)
			pg->flags &= ~PG_CLEAN;
	} else
		uvm_pageactivate(pg);
	uvm_unlock_pageq();
	pg->flags &= ~PG_FAKE;
	page_unbusy(m, pg);
	uvmfault_unlockall(ufi, flt->amap, uobj, anon);
	pmap_update(ufi->orig_map->pmap);
	return 0;
}

/*
 * uvm_fault_lower: resolve a fault on a page the amap does not hold:
 * the object's (resident, or read in), mapped in place or promoted into
 * a new anon, or a zero fill when the entry has no object.
 *
 * => map (read) and amap (if any) locked on entry.
 * => everything unlocked on return: 0, ERESTART (look up again), ENOMEM,
 *	or the pager's error.
 */
static int
uvm_fault_lower(struct uvmsim_machine *m, struct uvm_faultinfo *ufi,
    struct uvm_faultctx *flt, struct vm_page **pages)
{
	struct uvm_object *uobj = flt->uobj;
	struct vm_page *uobjpage = NULL, *pg;
	struct vm_anon *anon = NULL;
	int error;

	LOCK_ASSERT(flt->amap == NULL || simple_lock_held(&flt->amap->am_l));
	if (uobj != NULL)
		uobjpage = uvm_fault_lower_lookup(m, ufi, flt, pages);
	/* locked: map (read), amap (if any), uobj (if any), uobjpage busy
	 * (if the locked get found it) */
	if (uobj == NULL) {
		uobjpage = PGO_DONTCARE;	/* zero fill */
		flt->promote = TRUE;
	} else {
		flt->promote = (flt->access_type & VM_PROT_WRITE) != 0 &&
		    UVM_ET_ISCOPYONWRITE(ufi->entry);
	}
	if (uobjpage == NULL) {
		error = uvm_fault_lower_io(m, ufi, flt, &uobjpage);
		if (error != 0)
			return error;
	}

	/* locked: map (read), amap (if any), uobj (if any); uobjpage busy
	 * or PGO_DONTCARE */
	if (!flt->promote)
		error = uvm_fault_lower_direct(m, ufi, flt, uobjpage, &pg);
	else
		error = uvm_fault_lower_promote(m, ufi, flt, &uobj, uobjpage,
		    &anon, &pg);
	if (error != 0)
		return error;
	/* locked: map (read), amap (if any), uobj (if any), anon (if any);
	 * pg busy */
	return uvm_fault_lower_enter(m, ufi, flt, uobj, anon, pg);
}

/*
 * uvm_fault: resolve a fault at vaddr of orig_map.
 *
 * => nothing locked on entry or on return.
 * => fault_type: VM_FAULT_INVALID or VM_FAULT_PROTECT (what the MMU
 *	saw), VM_FAULT_WIRE or VM_FAULT_WIREMAX (wiring: the page is also
 *	wired, with the entry's protection, or its maximum).
 * => access_type: the access that faulted (VM_PROT_READ, _WRITE, ...).
 */
int
uvm_fault(struct vm_map *orig_map, vaddr_t vaddr, vm_fault_t fault_type,
    vm_prot_t access_type)
{
	struct uvmsim_machine *m = uvmsim__cur();
	struct uvm_faultinfo ufi;
	struct uvm_faultctx flt;
	struct vm_page *pages[FAULT_MAXPAGES];
	size_t ps = m->pagesize;
	int error, waits = 0;

	KASSERT(orig_map != NULL);
	vaddr &= ~(vaddr_t)(ps - 1);
	m->uvmexp.faults++;
	uvmsim__ev(m, UVMSIM_EV_FAULT, orig_map->map_id, vaddr,
	    (uint64_t)fault_type, (uint64_t)access_type);

	ufi.orig_map = orig_map;
	ufi.orig_rvaddr = vaddr;
	ufi.orig_size = ps;
	flt.fault_type = fault_type;
	flt.access_type = access_type;
	flt.wiring = fault_type == VM_FAULT_WIRE ||
	    fault_type == VM_FAULT_WIREMAX;	/* maps just its page */
	flt.wirebreak = flt.wiring && !m->loan_modern;
	flt.rewire.old = NULL;

	do {
		error = uvm_fault_check(m, &ufi, &flt);
		if (error == 0) {
			/* locked: map (read), amap (if any) */
			if (uvm_fault_upper_lookup(m, &ufi, &flt))
				error = uvm_fault_upper(m, &ufi, &flt);
			else
				error = uvm_fault_lower(m, &ufi, &flt, pages);
		}
		/* Out of memory, everything unlocked: wait for the page
		 * daemon and fault again, as 1.6 does, if the machine's
		 * policy lets it free something.  A fault that waited
		 * FAULT_MAXWAITS times fails: what the daemon frees, the
		 * fault's own mappings take again (the machine is too small
		 * for the fault), where 1.6 would wait for ever. */
		if (error == ENOMEM && ++waits <= FAULT_MAXWAITS &&
		    uvmsim__uvm_wait(m, "flt_noram") == 0)
			error = ERESTART;
	} while (error == ERESTART);
	if (flt.rewire.old != NULL)
		uvmsim__rewire(m, &flt.rewire);
	return fault_done(m, orig_map, vaddr, error);
}

/*
 * uvm_fault_wire: fault in and wire [start, end) of map.
 *
 * => map unlocked; on failure the part wired so far is unwired again.
 */
int
uvm_fault_wire(struct vm_map *map, vaddr_t start, vaddr_t end,
    vm_fault_t fault_type, vm_prot_t access_type)
{
	struct uvmsim_machine *m = uvmsim__cur();
	vaddr_t va;
	int error;

	for (va = start; va < end; va += m->pagesize) {
		error = uvm_fault(map, va, fault_type, access_type);
		if (error != 0) {
			if (va != start)
				uvm_fault_unwire(map, start, va);
			return error;
		}
	}
	return 0;
}

/*
 * uvm_fault_unwire: unwire [start, end) of map.
 *
 * => map unlocked.
 */
void
uvm_fault_unwire(struct vm_map *map, vaddr_t start, vaddr_t end)
{
	struct uvmsim_machine *m = uvmsim__cur();

	vm_map_lock_read(map);
	uvm_fault_unwire_locked(map, start, end);
	vm_map_unlock_read(map);
}

/*
 * uvm_fault_unwire_locked: unwire the pages mapped in [start, end) and,
 * where the entry is no longer wired, the mappings.
 *
 * => map locked; every page of the range is mapped (it was wired).
 */
void
uvm_fault_unwire_locked(struct vm_map *map, vaddr_t start, vaddr_t end)
{
	struct uvmsim_machine *m = uvmsim__cur();
	struct vm_map_entry *entry;
	struct vm_page *pg;
	paddr_t pa;
	vaddr_t va;
	int pqlocked;

	KASSERT(start >= vm_map_min(map) && end <= vm_map_max(map));
	if (!uvm_map_lookup_entry(map, start, &entry))
		uvmsim__panic(m, "uvm_fault_unwire_locked: address %#" PRIx64
		    " not mapped", (uint64_t)start);
	pqlocked = simple_lock_held(&m->uvm.pageqlock);
	if (!pqlocked)
		uvm_lock_pageq();
	for (va = start; va < end; va += m->pagesize) {
		if (!pmap_extract(map->pmap, va, &pa))
			uvmsim__panic(m, "uvm_fault_unwire_locked: unwiring "
			    "unmapped address %#" PRIx64, (uint64_t)va);
		while (va >= entry->end) {
			KASSERT(entry->next != &map->header &&
			    entry->next->start <= entry->end);
			entry = entry->next;
		}
		if (!VM_MAPENT_ISWIRED(entry))
			pmap_unwire(map->pmap, va);
		pg = PHYS_TO_VM_PAGE(pa);
		if (pg != NULL)
			uvm_pageunwire(pg);
	}
	if (!pqlocked)
		uvm_unlock_pageq();
}
