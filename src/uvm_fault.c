/*
 * uvm_fault.c: the page fault handler.
 *
 * A fault at va of a map is resolved in four steps, as in NetBSD 1.6:
 *
 *   1. look up:   find the entry of va with the map read-locked
 *                 (uvmfault_lookup); check the access against the entry's
 *                 protection; a needs-copy entry that is written, or has
 *                 no object, gets its own amap first (amap_copy, under the
 *                 map's write lock) and the fault starts over.
 *   2. neighbours: look the surrounding pages up in the amap and, with a
 *                 locked pgo_get, in the object; map those already
 *                 resident (read-only where they are shared or
 *                 copy-on-write) so the next accesses need no fault.
 *                 How many, by the entry's advice (fault_advice): 3
 *                 behind and 4 ahead (normal), none (random), 8 behind
 *                 and 7 ahead (sequential).  Under sequential advice the
 *                 pages behind are not mapped but deactivated
 *                 (uvmfault_anonflush for the anons' pages, pgo_put
 *                 with PGO_DEACTIVATE for the object's).
 *                 An anon's page the pmap already maps there is left
 *                 as it is, as later NetBSD leaves it (1.6 entered it
 *                 again, and moved it to the end of the active queue).
 *   3. anon layer: the page is an anon's.  Get it resident
 *                 (uvmfault_anonget).  A write to an anon that others share
 *                 copies it into a new anon (copy-on-write); a write to a
 *                 loaned page the anon alone holds gives the anon a fresh
 *                 copy and leaves the old page to its borrowers.
 *   4. object layer: the page is the object's (or a zero page).  Get it
 *                 (locked pgo_get, else pgo_get with I/O and the maps
 *                 unlocked, then relock and check nothing moved); map it
 *                 in place, or promote it into a new anon in the amap: a
 *                 write to a copy-on-write entry copies it, a fault with
 *                 no object zero-fills it.
 *
 * Then pmap_enter, the page onto a queue (or wired), everything unlocked.
 *
 * Locks, in order: map (read), amap, anon or object, page queues.  Each
 * step says what it holds ("locked: ...").  Where the kernel would sleep
 * (a busy page, no free memory) nothing else can run in the simulator to
 * end the sleep: a busy page panics, saying so, and a lack of memory fails
 * the fault with ENOMEM (the page daemon, which would free memory, does
 * not exist yet).
 *
 * Return values: 0, EFAULT (no entry, or an entry with nothing behind it),
 * EACCES (protection), ENOMEM, or the pager's error.
 */
#include <errno.h>

#include "uvmsim_state.h"
#include "uvmsim_cur.h"
#include "kern_lock.h"
#include "uvmsim_trace.h"
#include "uvmsim_frame.h"
#include "uvmsim_vm.h"
#include "uvmsim_problem.h"

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

/* Protection of a mapping of a page that a copy-on-write entry may not
 * write in place. */
static inline vm_prot_t
cow_mask(const struct vm_map_entry *entry, vm_prot_t prot)
{
	return UVM_ET_ISCOPYONWRITE(entry) ? (prot & ~VM_PROT_WRITE) : prot;
}

static inline int
min_pages(int n, vsize_t bytes, size_t ps)
{
	return (vsize_t)n < bytes / ps ? n : (int)(bytes / ps);
}

static inline void
page_unbusy(struct vm_page *pg)
{
	pg->flags &= ~(PG_BUSY | PG_WANTED);
	UVM_PAGE_OWN(pg, NULL);
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
uvmfault_anonflush(struct vm_anon *const *anons, int n)
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
 * uvmfault_lookup: find the entry holding ufi->orig_rvaddr and lock its
 * map (shared, or exclusive with write_lock), following submaps.
 *
 * => orig_map, orig_rvaddr, orig_size filled in by the caller.
 * => TRUE: map locked, ufi->map, entry, size and mapv set.  FALSE: nothing
 *	is mapped there; nothing locked.
 */
boolean_t
uvmfault_lookup(struct uvm_faultinfo *ufi, boolean_t write_lock)
{
	struct vm_map *sub;

	ufi->map = ufi->orig_map;
	ufi->size = ufi->orig_size;
	for (;;) {
		if (write_lock)
			vm_map_lock(ufi->map);
		else
			vm_map_lock_read(ufi->map);
		if (!uvm_map_lookup_entry(ufi->map, ufi->orig_rvaddr,
		    &ufi->entry)) {
			uvmfault_unlockmaps(ufi, write_lock);
			return FALSE;
		}
		if (ufi->entry->end - ufi->orig_rvaddr < ufi->size)
			ufi->size = ufi->entry->end - ufi->orig_rvaddr;
		if (!UVM_ET_ISSUBMAP(ufi->entry))
			break;
		/* A submap covers the same addresses: descend into it. */
		sub = ufi->entry->object.sub_map;
		uvmfault_unlockmaps(ufi, write_lock);
		ufi->map = sub;
	}
	ufi->mapv = ufi->map->timestamp;
	return TRUE;
}

/*
 * uvmfault_unlockmaps: unlock the map a lookup locked (ufi may be NULL).
 */
void
uvmfault_unlockmaps(struct uvm_faultinfo *ufi, boolean_t write_locked)
{
	if (ufi == NULL)
		return;
	if (write_locked)
		vm_map_unlock(ufi->map);
	else
		vm_map_unlock_read(ufi->map);
}

/*
 * uvmfault_unlockall: unlock, innermost first, the anon, the object, the
 * amap (any may be NULL) and the map (read-locked).
 */
void
uvmfault_unlockall(struct uvm_faultinfo *ufi, struct vm_amap *amap,
    struct uvm_object *uobj, struct vm_anon *anon)
{
	if (anon != NULL)
		simple_unlock(&anon->an_lock);
	if (uobj != NULL)
		simple_unlock(&uobj->vmobjlock);
	if (amap != NULL)
		amap_unlock(amap);
	uvmfault_unlockmaps(ufi, FALSE);
}

/*
 * uvmfault_relock: retake the map's read lock after it was dropped, and
 * say whether the lookup still holds.
 *
 * => TRUE: the map is locked and unchanged since the lookup (ufi NULL:
 *	there is no map to check).  FALSE: it changed; it is left unlocked
 *	and the caller must look up again.
 */
boolean_t
uvmfault_relock(struct uvm_faultinfo *ufi)
{
	struct uvmsim_machine *m = uvmsim__cur();

	if (ufi == NULL)
		return TRUE;
	m->uvmexp.fltrelck++;
	vm_map_lock_read(ufi->map);
	if (ufi->mapv != ufi->map->timestamp) {
		vm_map_unlock_read(ufi->map);
		return FALSE;
	}
	m->uvmexp.fltrelckok++;
	return TRUE;
}

/*
 * uvmfault_anonget: make the page of a locked anon resident and usable.
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
 * => an anon's page can only be missing once pages can be swapped out;
 *	until then a missing page means a broken anon: that panics too.
 */
int
uvmfault_anonget(struct uvm_faultinfo *ufi, struct vm_amap *amap,
    struct vm_anon *anon)
{
	struct uvmsim_machine *m = uvmsim__cur();
	struct vm_page *pg, *waited = NULL;
	boolean_t locked;

	LOCK_ASSERT(simple_lock_held(&anon->an_lock));
	m->uvmexp.fltanget++;
	for (;;) {
		pg = anon->u.an_page;
		if (pg != NULL && pg->loan_count != 0)
			pg = uvm_anon_lockloanpg(anon);	/* may lock pg's object */
		if (pg == NULL)
			uvmsim__panic(m, "uvmfault_anonget: anon %u has no page "
			    "and no swap slot", anon->an_id);
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
	}
}

/*
 * amapcopy: give a needs-copy entry its own amap, under the map's write
 * lock.  Returns 0, EFAULT if the address is no longer mapped, or ENOMEM.
 */
static int
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
	struct vm_amap *amap;
	struct uvm_object *uobj;
	struct vm_anon *anons[FAULT_MAXPAGES], *anon, *oanon;
	struct vm_page *pages[FAULT_MAXPAGES], *pg, *uobjpage;
	vm_prot_t enter_prot, check_prot;
	uint32_t mapped;
	vaddr_t startva, currva;
	voff_t uoff;
	boolean_t wired, narrow, shadowed, promote, locked, wiring;
	int npages, centeridx, nback, nforw, lcv, gotpages, error, advice;
	paddr_t pa;
	size_t ps = m->pagesize;

	KASSERT(orig_map != NULL);
	vaddr &= ~(vaddr_t)(ps - 1);
	m->uvmexp.faults++;
	uvmsim__ev(m, UVMSIM_EV_FAULT, orig_map->map_id, vaddr,
	    (uint64_t)fault_type, (uint64_t)access_type);

	ufi.orig_map = orig_map;
	ufi.orig_rvaddr = vaddr;
	ufi.orig_size = ps;
	wiring = fault_type == VM_FAULT_WIRE || fault_type == VM_FAULT_WIREMAX;
	wired = wiring;
	narrow = wiring;	/* a wiring fault maps just its own page */

refault:
	/* ---- 1. look up, check, get an amap of our own if needed ---- */
	if (!uvmfault_lookup(&ufi, FALSE))
		return fault_done(m, orig_map, vaddr, EFAULT);
	check_prot = fault_type == VM_FAULT_WIREMAX ?
	    ufi.entry->max_protection : ufi.entry->protection;
	if ((check_prot & access_type) != access_type) {
		uvmfault_unlockmaps(&ufi, FALSE);
		return fault_done(m, orig_map, vaddr, EACCES);
	}
	enter_prot = ufi.entry->protection;
	wired = VM_MAPENT_ISWIRED(ufi.entry) || fault_type == VM_FAULT_WIRE ||
	    fault_type == VM_FAULT_WIREMAX;
	if (wired)
		access_type = enter_prot;	/* wired pages get full access */

	if (UVM_ET_ISNEEDSCOPY(ufi.entry)) {
		if ((access_type & VM_PROT_WRITE) != 0 ||
		    ufi.entry->object.uvm_obj == NULL) {
			uvmfault_unlockmaps(&ufi, FALSE);
			error = amapcopy(m, &ufi);
			if (error != 0)
				return fault_done(m, orig_map, vaddr, error);
			goto refault;
		}
		/* Reading a needs-copy entry: the object's page, read-only. */
		enter_prot &= ~VM_PROT_WRITE;
	}
	amap = ufi.entry->aref.ar_amap;
	uobj = ufi.entry->object.uvm_obj;
	if (amap == NULL && uobj == NULL) {
		uvmfault_unlockmaps(&ufi, FALSE);
		return fault_done(m, orig_map, vaddr, EFAULT);
	}

	/* ---- 2. the neighbourhood ---- */
	advice = ufi.entry->advice;
	if (narrow || advice < 0 || advice > MADV_SEQUENTIAL) {
		nback = nforw = 0;
	} else {
		nback = fault_advice[advice].nback;
		nforw = fault_advice[advice].nforw;
	}
	nback = min_pages(nback, ufi.orig_rvaddr - ufi.entry->start, ps);
	nforw = min_pages(nforw, ufi.entry->end - ufi.orig_rvaddr - ps, ps);
	startva = ufi.orig_rvaddr - (vaddr_t)nback * ps;
	npages = nback + nforw + 1;
	centeridx = nback;

	/* locked: map (read) */
	if (amap != NULL) {
		amap_lock(amap);
		amap_lookups(&ufi.entry->aref, startva - ufi.entry->start,
		    anons, npages);
	} else {
		for (lcv = 0; lcv < npages; lcv++)
			anons[lcv] = NULL;
	}
	/* locked: map (read), amap */

	/*
	 * Sequential access: the pages behind the fault will not be wanted
	 * again soon.  Deactivate them now (the anons' pages, and the
	 * object's through pgo_put with PGO_DEACTIVATE) and leave them out
	 * of the rest of the fault: only the fault's page and those ahead
	 * are mapped.
	 */
	if (advice == MADV_SEQUENTIAL && nback != 0) {
		if (amap != NULL)
			uvmfault_anonflush(anons, nback);
		if (uobj != NULL) {
			uoff = ufi.entry->offset +
			    (voff_t)(startva - ufi.entry->start);
			simple_lock(&uobj->vmobjlock);
			(void)uobj->pgops->pgo_put(uobj, uoff,
			    uoff + ((voff_t)nback << m->pageshift),
			    PGO_DEACTIVATE);
			/* (unlocked by pgo_put) */
		}
		npages -= nback;
		for (lcv = 0; lcv < npages; lcv++)
			anons[lcv] = anons[lcv + nback];
		startva += (vaddr_t)nback * ps;
		centeridx = 0;
	}
	/* Neighbours the pmap maps already keep their mappings, as later
	 * NetBSD leaves them (1.6 entered them again). */
	mapped = amap != NULL && npages > 1 ?
	    uvmsim__pmap_mapped(ufi.orig_map->pmap, startva, npages) : 0;
	shadowed = FALSE;
	for (lcv = 0, currva = startva; lcv < npages; lcv++, currva += ps) {
		if (anons[lcv] == NULL) {
			pages[lcv] = NULL;
			continue;
		}
		pages[lcv] = PGO_DONTCARE;	/* the amap has this page */
		if (lcv == centeridx) {
			shadowed = TRUE;
			continue;
		}
		if (mapped & ((uint32_t)1 << lcv))
			continue;
		anon = anons[lcv];
		simple_lock(&anon->an_lock);
		pg = anon->u.an_page;
		if (pg != NULL && pg->loan_count == 0 &&
		    (pg->flags & PG_BUSY) == 0) {
			uvm_lock_pageq();
			uvm_pageactivate(pg);
			uvm_unlock_pageq();
			m->uvmexp.fltnamap++;
			/* A shared anon's page is mapped read-only: its
			 * first write must come here to be copied. */
			(void)pmap_enter(ufi.orig_map->pmap, currva,
			    VM_PAGE_TO_PHYS(pg), anon->an_ref > 1 ?
			    (enter_prot & ~VM_PROT_WRITE) : enter_prot,
			    PMAP_CANFAIL |
			    (VM_MAPENT_ISWIRED(ufi.entry) ? PMAP_WIRED : 0));
		}
		simple_unlock(&anon->an_lock);
	}
	pmap_update(ufi.orig_map->pmap);

	uobjpage = NULL;
	if (uobj != NULL && !shadowed) {
		simple_lock(&uobj->vmobjlock);
		/* locked: map (read), amap, object */
		gotpages = npages;
		m->uvmexp.fltlget++;
		(void)uobj->pgops->pgo_get(uobj, ufi.entry->offset +
		    (voff_t)(startva - ufi.entry->start), pages, &gotpages,
		    centeridx, cow_mask(ufi.entry, access_type),
		    ufi.entry->advice, PGO_LOCKED);
		for (lcv = 0, currva = startva; lcv < npages;
		    lcv++, currva += ps) {
			pg = pages[lcv];
			if (pg == NULL || pg == PGO_DONTCARE)
				continue;
			if (lcv == centeridx) {
				uobjpage = pg;
				continue;
			}
			/* A resident neighbour: map it as a read would. */
			uvm_lock_pageq();
			uvm_pageactivate(pg);
			uvm_unlock_pageq();
			m->uvmexp.fltnomap++;
			(void)pmap_enter(ufi.orig_map->pmap, currva,
			    VM_PAGE_TO_PHYS(pg), pg->loan_count != 0 ?
			    (enter_prot & ~VM_PROT_WRITE) :
			    cow_mask(ufi.entry, enter_prot),
			    PMAP_CANFAIL |
			    (VM_MAPENT_ISWIRED(ufi.entry) ? PMAP_WIRED : 0));
			page_unbusy(pg);
		}
		pmap_update(ufi.orig_map->pmap);
	}

	if (anons[centeridx] == NULL)
		goto object_layer;

	/* ---- 3. the anon layer ---- */
	/* locked: map (read), amap; the object if uobj != NULL is not locked
	 * here: the object layer was skipped (shadowed) */
	anon = anons[centeridx];
	simple_lock(&anon->an_lock);
	error = uvmfault_anonget(&ufi, amap, anon);
	if (error == ERESTART)
		goto refault;
	if (error != 0)
		return fault_done(m, orig_map, vaddr, error);
	/* locked: map (read), amap, anon, and the page's object if loaned
	 * from one */
	pg = anon->u.an_page;
	uobj = pg->uobject;

	if (pg->loan_count != 0) {
		if ((access_type & VM_PROT_WRITE) == 0 && !wiring) {
			/* Reading a loaned page: never writable. */
			enter_prot &= ~VM_PROT_WRITE;
		} else if (anon->an_ref == 1) {
			/*
			 * The anon alone holds a loaned page and writes it,
			 * or wires it (a lent page must never be wired: the
			 * borrowers' copy would be pinned and put back on the
			 * queues at unwiring): give the anon a copy and leave
			 * the old page to its borrowers (or its object).
			 */
			if (uvm_loanbreak_anon(anon, uobj) != 0) {
				uvmfault_unlockall(&ufi, amap, uobj, anon);
				m->uvmexp.fltnoram++;
				return fault_done(m, orig_map, vaddr, ENOMEM);
			}
			uobj = NULL;		/* unlocked by the break */
			pg = anon->u.an_page;
		}
		/* else: an_ref > 1, and the copy below breaks the sharing */
	}

	oanon = anon;
	if (((access_type & VM_PROT_WRITE) != 0 ||
	    (wiring && pg->loan_count != 0)) && anon->an_ref > 1) {
		/* Copy on write: a new anon with a copy of the page. */
		struct vm_page *npg = NULL;

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
			uvmfault_unlockall(&ufi, amap, uobj, oanon);
			if (anon == NULL)
				m->uvmexp.fltnoanon++;
			else
				m->uvmexp.fltnoram++;
			return fault_done(m, orig_map, vaddr, ENOMEM);
		}
		uvm_pagecopy(oanon->u.an_page, npg);
		npg->flags &= ~(PG_BUSY | PG_FAKE);
		UVM_PAGE_OWN(npg, NULL);
		/* The slot takes our reference to the new anon and gives
		 * back its reference to the old one, never the last. */
		amap_add(&ufi.entry->aref, ufi.orig_rvaddr - ufi.entry->start,
		    anon, TRUE);
		oanon->an_ref--;
		KASSERT(oanon->an_ref > 0);
		uvmsim__ev(m, UVMSIM_EV_FAULT_COW, anon->an_id,
		    uvmsim__pgid(m, oanon->u.an_page), uvmsim__pgid(m, npg), 0);
		pg = npg;
	} else {
		m->uvmexp.flt_anon++;
		if (anon->an_ref > 1)
			enter_prot &= ~VM_PROT_WRITE;	/* still shared */
		uvmsim__ev(m, UVMSIM_EV_FAULT_ANON, anon->an_id,
		    uvmsim__pgid(m, pg), 0, 0);
	}

	/* locked: map (read), amap, oanon, anon (if not oanon), uobj (if
	 * the page is still on loan from it) */
	if (pmap_enter(ufi.orig_map->pmap, ufi.orig_rvaddr,
	    VM_PAGE_TO_PHYS(pg), enter_prot,
	    access_type | PMAP_CANFAIL | (wired ? PMAP_WIRED : 0)) != 0) {
		if (anon != oanon) {
			simple_unlock(&anon->an_lock);
			/* The copy stays in the amap (locked), so it goes on
			 * a queue as a mapped page would. */
			uvm_lock_pageq();
			uvm_pageactivate(pg);
			uvm_unlock_pageq();
		}
		uvmfault_unlockall(&ufi, amap, uobj, oanon);
		m->uvmexp.fltnoram++;
		return fault_done(m, orig_map, vaddr, ENOMEM);
	}
	uvm_lock_pageq();
	if (fault_type == VM_FAULT_WIRE || fault_type == VM_FAULT_WIREMAX)
		uvm_pagewire(pg);
	else
		uvm_pageactivate(pg);
	uvm_unlock_pageq();
	if (anon != oanon)
		simple_unlock(&anon->an_lock);
	uvmfault_unlockall(&ufi, amap, uobj, oanon);
	pmap_update(ufi.orig_map->pmap);
	return fault_done(m, orig_map, vaddr, 0);

object_layer:
	/* ---- 4. the object layer ---- */
	/* locked: map (read), amap (if any), uobj (if any), uobjpage busy
	 * (if the locked get found it) */
	if (uobj == NULL) {
		uobjpage = PGO_DONTCARE;	/* zero fill */
		promote = TRUE;
	} else {
		promote = (access_type & VM_PROT_WRITE) != 0 &&
		    UVM_ET_ISCOPYONWRITE(ufi.entry);
	}

	if (uobjpage == NULL) {
		/* Not resident: I/O, with the maps and the amap unlocked. */
		uvmfault_unlockall(&ufi, amap, NULL, NULL);
		/* locked: uobj */
		gotpages = 1;
		uoff = ufi.entry->offset +
		    (voff_t)(ufi.orig_rvaddr - ufi.entry->start);
		m->uvmexp.fltget++;
		error = uobj->pgops->pgo_get(uobj, uoff, &uobjpage, &gotpages,
		    0, cow_mask(ufi.entry, access_type), ufi.entry->advice,
		    PGO_SYNCIO);
		/* locked: nothing; uobjpage busy unless error */
		if (error == EAGAIN)
			goto refault;	/* a transient shortage: try again */
		if (error != 0)
			return fault_done(m, orig_map, vaddr, error);
		uvm_lock_pageq();
		uvm_pageactivate(uobjpage);
		uvm_unlock_pageq();

		/* Relock, and make sure nothing moved while unlocked. */
		locked = uvmfault_relock(&ufi);
		if (locked && amap != NULL)
			amap_lock(amap);
		simple_lock(&uobj->vmobjlock);
		if ((uobjpage->flags & PG_RELEASED) != 0 ||
		    (locked && amap != NULL && amap_lookup(&ufi.entry->aref,
		    ufi.orig_rvaddr - ufi.entry->start) != NULL)) {
			if (locked)
				uvmfault_unlockall(&ufi, amap, NULL, NULL);
			locked = FALSE;
		}
		if (!locked) {
			/* Put the page back as we found it; start over. */
			if (uobjpage->flags & PG_RELEASED) {
				uvm_lock_pageq();
				uvm_pagefree(uobjpage);
				uvm_unlock_pageq();
			} else
				page_unbusy(uobjpage);
			simple_unlock(&uobj->vmobjlock);
			goto refault;
		}
	}

	/* locked: map (read), amap (if any), uobj (if any); uobjpage busy
	 * or PGO_DONTCARE */
	if (!promote) {
		/* Map the object's own page. */
		m->uvmexp.flt_obj++;
		anon = NULL;
		enter_prot = cow_mask(ufi.entry, enter_prot);
		pg = uobjpage;
		if (pg->loan_count != 0) {
			if ((access_type & VM_PROT_WRITE) == 0 && !wiring) {
				enter_prot &= ~VM_PROT_WRITE;
			} else {
				/*
				 * The owner writes (or wires) a page it has
				 * loaned: the object takes a fresh copy at
				 * the same offset and the old page, unchanged,
				 * stays with its borrowers.
				 */
				pg = uvm_loanbreak(uobjpage);
				if (pg == NULL) {
					page_unbusy(uobjpage);
					uvmfault_unlockall(&ufi, amap, uobj,
					    NULL);
					m->uvmexp.fltnoram++;
					return fault_done(m, orig_map, vaddr,
					    ENOMEM);
				}
				/* pg: busy, the object's now */
			}
		}
		uvmsim__ev(m, UVMSIM_EV_FAULT_OBJ, uvmsim__objid(uobj),
		    (uint64_t)pg->offset, uvmsim__pgid(m, pg), 0);
	} else {
		/* Promote: a new anon in the amap, zeroed or a copy. */
		pg = NULL;
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
				page_unbusy(uobjpage);
			uvmfault_unlockall(&ufi, amap, uobj, NULL);
			if (anon == NULL)
				m->uvmexp.fltnoanon++;
			else
				m->uvmexp.fltnoram++;
			return fault_done(m, orig_map, vaddr, ENOMEM);
		}
		if (uobjpage != PGO_DONTCARE) {
			m->uvmexp.flt_prcopy++;
			uvm_pagecopy(uobjpage, pg);
			/* Other users of a shared amap must see the copy,
			 * not the object's page. */
			if (amap_flags(amap) & AMAP_SHARED)
				pmap_page_protect(uobjpage, VM_PROT_NONE);
			page_unbusy(uobjpage);
			uvm_lock_pageq();
			uvm_pageactivate(uobjpage);
			uvm_unlock_pageq();
			uvmsim__ev(m, UVMSIM_EV_FAULT_COW, anon->an_id,
			    uvmsim__pgid(m, uobjpage), uvmsim__pgid(m, pg), 0);
			simple_unlock(&uobj->vmobjlock);
			uobj = NULL;
		} else {
			m->uvmexp.flt_przero++;
			uvmsim__ev(m, UVMSIM_EV_FAULT_ZERO, anon->an_id,
			    uvmsim__pgid(m, pg), 0, 0);
		}
		/* The amap slot takes our reference to the anon. */
		amap_add(&ufi.entry->aref, ufi.orig_rvaddr - ufi.entry->start,
		    anon, FALSE);
	}

	/* locked: map (read), amap (if any), uobj (if any), anon (if any);
	 * pg busy */
	pa = VM_PAGE_TO_PHYS(pg);
	if (pmap_enter(ufi.orig_map->pmap, ufi.orig_rvaddr, pa, enter_prot,
	    access_type | PMAP_CANFAIL | (wired ? PMAP_WIRED : 0)) != 0) {
		/* The page stays (the object's, or the new anon's in the
		 * amap): on the active queue, where 1.6's refault would put
		 * it, or no page daemon could ever reclaim it. */
		uvm_lock_pageq();
		uvm_pageactivate(pg);
		uvm_unlock_pageq();
		page_unbusy(pg);
		pg->flags &= ~PG_FAKE;
		uvmfault_unlockall(&ufi, amap, uobj, anon);
		m->uvmexp.fltnoram++;
		return fault_done(m, orig_map, vaddr, ENOMEM);
	}
	uvm_lock_pageq();
	if (fault_type == VM_FAULT_WIRE || fault_type == VM_FAULT_WIREMAX) {
		uvm_pagewire(pg);
		/* A wired aobj page can never be paged out: it is dirty for
		 * good as far as its backing store goes. */
		if (pg->pqflags & PQ_AOBJ)
			pg->flags &= ~PG_CLEAN;
	} else
		uvm_pageactivate(pg);
	uvm_unlock_pageq();
	pg->flags &= ~PG_FAKE;
	page_unbusy(pg);
	uvmfault_unlockall(&ufi, amap, uobj, anon);
	pmap_update(ufi.orig_map->pmap);
	return fault_done(m, orig_map, vaddr, 0);
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
