/*
 * uvm_aobj.c: anonymous objects (aobjs) and their pager.
 *
 * An aobj is a uvm_object with no file behind it: a page that has never
 * been touched reads as zeros, and a page that has been touched lives in
 * memory, or, once the page daemon has pushed it out, in a swap slot of
 * the object's (u_swslots, as 1.6 keeps an aobj's slots by page index).
 * Shared anonymous mappings and System V shared memory are built from
 * aobjs.  Every page of an aobj is in one of these states:
 *
 *	absent		not in the object's tree, no swap slot; reads as
 *			zeros.  A locked pgo_get creates it on the spot
 *			(uao_get, locked).
 *	swapped		not in the tree, a swap slot: only an unlocked
 *			pgo_get brings it back (it needs I/O), and the page
 *			keeps its slot, as 1.6's does, until it is written
 *			out again.
 *	resident	in the tree, PQ_AOBJ set, not busy; dirty (PG_CLEAN
 *			clear, or modified through a mapping, or with no
 *			slot holding its bytes) once anyone may have
 *			written it.
 *	busy		resident and PG_BUSY: handed out by pgo_get, owned by
 *			the caller until it clears PG_BUSY again.
 *	released	busy and PG_RELEASED: pgo_put(PGO_FREE) met it while
 *			busy; its holder frees it when done.
 *
 * Transitions: absent -> busy (uao_get allocates a zeroed page); swapped
 * -> busy (uao_get reads the slot); resident -> busy (uao_get); busy ->
 * resident (the caller unbusies); busy -> released (uao_put with
 * PGO_FREE); resident -> swapped (the page daemon, or uao_put with
 * PGO_CLEANIT|PGO_FREE, writes it to a slot and frees it); resident or
 * swapped -> absent (uao_put with PGO_FREE alone, or the last uao_detach).
 * Freeing a page without cleaning it throws its contents away, and its
 * slot with them: the page reads as zeros again, which is what the
 * kernel does when an aobj range is flushed with PGO_FREE.
 *
 * Invariants (the first two are checked by KASSERT where pages enter):
 *   1. every page in an aobj's tree carries PQ_AOBJ.
 *   2. every page's offset lies inside the object: offset < u_size.
 *   3. uo_refs > 0 while the aobj exists; the detach that drops the last
 *      reference frees every page and every slot, then the aobj (no page
 *      may be busy then: there is no other thread to wait for).
 *   4. a page absent from the tree reads as its slot's bytes, or as
 *      zeros without one; every slot in u_swslots is allocated and owned
 *      by this page alone (the checker's swap.slots).
 *
 * Locking: the object's vmobjlock guards its tree, uo_npages, uo_refs,
 * u_swslots and the PG_ flags of its pages; the page queue lock is taken
 * inside it (vmobjlock before pageqlock) for freeing and queueing pages.
 *
 * Simulation notes: where uao_get would sleep (a busy page, or no free
 * page) nothing could ever wake it here, as the simulator runs a single
 * thread of control.  A busy page therefore panics, and running out of
 * memory undoes the call and returns ENOMEM instead of calling uvm_wait.
 * Swap I/O is synchronous: a read that fails ("uvm_swap_get.eio") fails
 * the pgo_get with EIO and the page stays in swap; a write that cannot
 * be done (swap full, "uvm_swap_put.eio") leaves the page resident and
 * dirty.
 */

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "uvmsim_state.h"
#include "uvmsim_cur.h"
#include "kern_lock.h"
#include "uvmsim_trace.h"
#include "uvmsim_frame.h"
#include "uvmsim_vm.h"

/*
 * the aobj itself.  u_obj must stay the first member: the pager receives
 * a struct uvm_object pointer and converts it back (uao_of).
 */
struct uvm_aobj {
	struct uvm_object u_obj;	/* the object: must be first */
	vsize_t		u_size;		/* size in bytes, page multiple [const] */
	int		u_pages;	/* size in pages [const] */
	int		u_flags;	/* creation flags (none defined yet) [const] */
	int		*u_swslots;	/* swap slot of each page (0: none), by
					   page index; NULL until the first
					   slot [vmobjlock] */
};

static void	uao_reference_op(struct uvm_object *);
static void	uao_detach_op(struct uvm_object *);
static int	uao_get(struct uvm_object *, voff_t, struct vm_page **, int *,
		    int, vm_prot_t, int, int);
static int	uao_put(struct uvm_object *, voff_t, voff_t, int);
static void	uao_teardown(struct uvm_object *);
static void	uao_dropswap_all(struct uvm_aobj *);

static const struct uvm_pagerops aobj_pager = {
	.pgo_reference = uao_reference_op,
	.pgo_detach = uao_detach_op,
	.pgo_get = uao_get,
	.pgo_put = uao_put,
	.pgo_name = "aobj",
	.pgo_teardown = uao_teardown,
};

/*
 * uao_of: the aobj that embeds uobj.
 */
static inline struct uvm_aobj *
uao_of(struct uvm_object *uobj)
{

	return (struct uvm_aobj *)((char *)uobj -
	    offsetof(struct uvm_aobj, u_obj));
}

/*
 * uao_get_locked: the PGO_LOCKED half of uao_get.
 *
 * => object locked on entry and on return; no sleeping.
 * => pps[i] == NULL asks for page i: a resident page that is neither busy
 *    nor released is busied and returned; an absent page is allocated
 *    zero-filled (PQ_AOBJ, busy, owned "new alloc") and returned.
 * => *npagesp is set to the number of pages returned.
 * => returns 0 if page centeridx is in pps (with PGO_ALLPAGES: every
 *    page), EBUSY if the caller must unlock and ask again without
 *    PGO_LOCKED.
 */
static int
uao_get_locked(struct uvmsim_machine *m, struct uvm_object *uobj,
    voff_t offset, struct vm_page **pps, int *npagesp, int centeridx,
    int flags)
{
	struct vm_page *pg;
	voff_t off;
	int i, npages = *npagesp, got = 0;
	bool done = true;

	for (i = 0; i < npages; i++) {
		if (pps[i] != NULL)
			continue;	/* caller holds it already */
		off = offset + ((voff_t)i << m->pageshift);
		pg = uvm_pagelookup(uobj, off);
		if (pg == NULL && uao_find_swslot(uobj,
		    (int)(off >> m->pageshift)) == 0) {
			/*
			 * never touched and no swap slot: make the zero page
			 * now, as no I/O is needed for it.  allocation failure
			 * just leaves the page for the unlocked pass, and so
			 * does a page in swap (it needs I/O).
			 */
			pg = uvm_pagealloc(uobj, off, NULL, UVM_PGA_ZERO);
			if (pg != NULL) {
				pg->flags &= ~PG_FAKE;
				pg->pqflags |= PQ_AOBJ;
				pps[i] = pg;
				got++;
				continue;
			}
		} else if (pg != NULL &&
		    (pg->flags & (PG_BUSY | PG_RELEASED)) == 0) {
			pg->flags |= PG_BUSY;
			UVM_PAGE_OWN(pg, "uao_get1");
			pps[i] = pg;
			got++;
			continue;
		}
		/* absent with no memory, in swap, or busy: this one needs
		 * a wait or I/O */
		if (i == centeridx || (flags & PGO_ALLPAGES) != 0)
			done = false;
	}
	*npagesp = got;
	return done ? 0 : EBUSY;
}

/*
 * uao_fill: the I/O of an aobj page (uvmsim__pgo_getpages' fill): its
 * swap slot's bytes, or zeros when it has none.
 *
 * => pg busy and PG_FAKE; the object unlocked (the I/O's time).
 * => 0, the page filled and clean (equal to its slot; a zero page is
 *	clean for want of anywhere else its bytes live, and has no slot,
 *	which makes it dirty to the page daemon); or EIO from the swap
 *	read, pg left PG_FAKE for the caller to free, the slot kept.
 */
static int
uao_fill(struct uvmsim_machine *m, struct uvm_object *uobj,
    struct vm_page *pg)
{
	int slot, error;

	slot = uao_find_swslot(uobj, (int)(pg->offset >> m->pageshift));
	if (slot == 0) {
		uvm_pagezero(pg);
	} else if ((error = uvm_swap_get(pg, slot, PGO_SYNCIO)) != 0)
		return error;
	else
		uvmsim__ev(m, UVMSIM_EV_PGO_READ, uobj->uo_id,
		    (uint64_t)pg->offset, uvmsim__pgid(m, pg), 0);
	pg->flags &= ~PG_FAKE;
	pg->flags |= PG_CLEAN;
	return 0;
}

/*
 * uao_dirty: whether pg's bytes are in no slot: PG_CLEAN clear, written
 * through a mapping (the modified bit, folded into PG_CLEAN and cleared),
 * or no slot at all.
 *
 * => object locked; pg resident, not busy.
 */
static bool
uao_dirty(struct uvmsim_machine *m, struct uvm_object *uobj,
    struct vm_page *pg)
{
	if (pmap_clear_modify(pg))
		pg->flags &= ~PG_CLEAN;
	return (pg->flags & PG_CLEAN) == 0 ||
	    uao_find_swslot(uobj, (int)(pg->offset >> m->pageshift)) == 0;
}

/*
 * uao_clean: pgo_put's cleaning of an aobj page (PGO_CLEANIT): a dirty
 * page is written to a fresh swap slot, its old slot freed first (1.6
 * writes a page again where it finds room, not over its old slot).
 *
 * => object locked; pg resident, not busy.
 * => true: the page is clean, its bytes in its slot; false: swap is full
 *	or the write failed: the page stays dirty, with no slot.
 */
static bool
uao_clean(struct uvmsim_machine *m, struct uvm_object *uobj,
    struct vm_page *pg)
{
	int pageidx = (int)(pg->offset >> m->pageshift), n = 1, slot;

	if (!uao_dirty(m, uobj, pg))
		return true;
	uao_dropswap(uobj, pageidx);
	pg->flags &= ~PG_CLEAN;
	if ((slot = uvm_swap_alloc(&n, FALSE)) == 0)
		return false;
	if (uao_set_swslot(uobj, pageidx, slot) == -1) {
		uvm_swap_free(slot, 1);
		return false;
	}
	pg->flags |= PG_BUSY;
	UVM_PAGE_OWN(pg, "uao_put");
	if (uvm_swap_put(slot, &pg, 1, PGO_SYNCIO) != 0) {
		(void)uao_set_swslot(uobj, pageidx, 0);
		uvm_swap_free(slot, 1);
	} else {
		pg->flags |= PG_CLEAN;
		uvmsim__ev(m, UVMSIM_EV_PGO_WRITE, uobj->uo_id,
		    (uint64_t)pg->offset, uvmsim__pgid(m, pg), 0);
	}
	pg->flags &= ~PG_BUSY;
	UVM_PAGE_OWN(pg, NULL);
	return (pg->flags & PG_CLEAN) != 0;
}

/*
 * uao_get: the aobj's pgo_get.
 *
 * => offset is the object offset of pps[0], page aligned; page i is at
 *    offset + i * PAGE_SIZE, and every page lies inside the object.
 * => object locked on entry.  With PGO_LOCKED it stays locked and no I/O
 *    is done (see uao_get_locked); otherwise it is unlocked on return,
 *    success or failure (see uvmsim__pgo_getpages).
 * => failpoints "pgo_get.eio" and "pgo_get.eagain" fail the call with
 *    EIO / EAGAIN and no page returned; with PGO_LOCKED, "pgo_get.io"
 *    makes it return EBUSY with no page, as if the page needed I/O.
 * => pages come back busy; the caller unbusies them and must check for
 *    PG_RELEASED.
 */
static int
uao_get(struct uvm_object *uobj, voff_t offset, struct vm_page **pps,
    int *npagesp, int centeridx, vm_prot_t access_type, int advice,
    int flags)
{
	struct uvmsim_machine *m = uvmsim__cur();
	struct uvm_aobj *aobj;
	int error, npages;

	(void)access_type;
	(void)advice;
	KASSERT(uobj != NULL && uobj->pgops == &aobj_pager);
	KASSERT(simple_lock_held(&uobj->vmobjlock));
	KASSERT(pps != NULL && npagesp != NULL && *npagesp > 0);
	KASSERT(centeridx >= 0 && centeridx < *npagesp);
	KASSERT(offset >= 0 && (offset & (voff_t)(m->pagesize - 1)) == 0);
	aobj = uao_of(uobj);
	npages = *npagesp;
	KASSERT((vsize_t)offset + ((vsize_t)npages << m->pageshift) <=
	    aobj->u_size);

	if (uvmsim__fp(m, UVMSIM_FP_PGO_EIO))
		error = EIO;
	else if ((flags & PGO_LOCKED) == 0 &&
	    uvmsim__fp(m, UVMSIM_FP_PGO_EAGAIN))
		error = EAGAIN;
	else if ((flags & PGO_LOCKED) != 0 && uvmsim__fp(m, UVMSIM_FP_PGO_IO))
		error = EBUSY;
	else
		error = 0;
	if (error != 0) {
		if (flags & PGO_LOCKED)
			*npagesp = 0;
		else
			simple_unlock(&uobj->vmobjlock);
		uvmsim__ev(m, UVMSIM_EV_PGO_GET, uobj->uo_id, (uint64_t)offset,
		    (uint64_t)npages, (uint64_t)error);
		return error;
	}

	if (flags & PGO_LOCKED)
		error = uao_get_locked(m, uobj, offset, pps, npagesp,
		    centeridx, flags);
	else
		error = uvmsim__pgo_getpages(m, uobj, offset, pps, npages,
		    PQ_AOBJ, uao_fill, "uao_get");
	uvmsim__ev(m, UVMSIM_EV_PGO_GET, uobj->uo_id, (uint64_t)offset,
	    (uint64_t)npages, (uint64_t)error);
	return error;
}

/*
 * uao_put: the aobj's pgo_put: clean, deactivate or free pages of a
 * range.
 *
 * => object locked on entry, unlocked on return.
 * => the range is [start, stop) rounded out to pages; PGO_ALLPAGES or
 *    stop == 0 means the whole object.
 * => busy pages are left to their holder: with PGO_FREE they are marked
 *    PG_RELEASED so the holder frees them when done.
 * => PGO_CLEANIT writes each dirty page to a swap slot (uao_clean); a
 *    page that cannot be written (swap full, a write error) stays
 *    resident, dirty, where it is, even with PGO_FREE.  With PGO_FREE
 *    and without PGO_CLEANIT the range's swap slots are freed too: the
 *    range reads as zeros.
 * => PGO_DEACTIVATE moves pages that are neither wired nor loaned to the
 *    inactive queue, and wins over PGO_FREE for a page not yet inactive;
 *    PGO_FREE takes every managed mapping of each page that is not wired
 *    away, then frees it (a loaned page becomes an orphan, its loans
 *    keep it alive, its kernel mappings stay), discarding its contents:
 *    the range reads as zeros again, in every process that maps it.
 * => returns 0.
 */
static int
uao_put(struct uvm_object *uobj, voff_t start, voff_t stop, int flags)
{
	struct uvmsim_machine *m = uvmsim__cur();
	struct uvm_aobj *aobj;
	int i, first, last;

	KASSERT(uobj != NULL && uobj->pgops == &aobj_pager);
	KASSERT(simple_lock_held(&uobj->vmobjlock));
	aobj = uao_of(uobj);
	if ((flags & (PGO_FREE | PGO_CLEANIT)) == PGO_FREE &&
	    aobj->u_swslots != NULL) {
		/* Discarded: the slots of the range go; a busy page is
		 * freed by its holder (PG_RELEASED) and reads as zeros. */
		if ((flags & PGO_ALLPAGES) != 0 || stop == 0) {
			first = 0;
			last = aobj->u_pages - 1;
		} else {
			first = (int)(start >> m->pageshift);
			last = (int)((stop + (voff_t)m->pagesize - 1) >>
			    m->pageshift) - 1;
			if (last >= aobj->u_pages)
				last = aobj->u_pages - 1;
		}
		for (i = first; i <= last; i++)
			if (aobj->u_swslots[i] != 0)
				uao_dropswap(uobj, i);
	}
	uvmsim__pgo_putpages(m, uobj, start, stop, flags, uao_clean);
	return 0;
}

/*
 * uao_reference_op: the aobj's pgo_reference: take one more reference.
 *
 * => object unlocked; the caller already holds a reference.
 */
static void
uao_reference_op(struct uvm_object *uobj)
{
	struct uvmsim_machine *m = uvmsim__cur();

	KASSERT(uobj != NULL && uobj->pgops == &aobj_pager);
	uvmsim__obj_reference(m, uobj);
}

/*
 * uao_detach_op: the aobj's pgo_detach: drop a reference; the last one
 * frees every page and the aobj itself.
 *
 * => object unlocked; the caller gives up its reference.
 * => no page may be busy when the last reference goes (the kernel would
 *    wait for it, and nothing would ever unbusy it here): that panics,
 *    before anything has changed.
 */
static void
uao_detach_op(struct uvm_object *uobj)
{
	KASSERT(uobj != NULL && uobj->pgops == &aobj_pager);
	if (!uvmsim__obj_unref(uvmsim__cur(), uobj, "uao_detach"))
		return;
	/* last reference: no one else can find the object now */
	uao_dropswap_all(uao_of(uobj));
	uvmsim__obj_freeall(uobj);
	uvmsim__free(uao_of(uobj)->u_swslots);
	uvmsim__free(uao_of(uobj));
}

/*
 * uao_create: make an aobj of size bytes, with one reference (the
 * caller's).
 *
 * => size is a nonzero multiple of the page size; flags must be 0.
 * => returns NULL on bad input or when memory runs out, with the reason
 *    in uvmsim_last_error().
 */
struct uvm_object *
uao_create(vsize_t size, int flags)
{
	struct uvmsim_machine *m = uvmsim__cur();
	struct uvm_aobj *aobj;

	if (flags != 0) {
		(void)uvmsim__error(m, EINVAL,
		    "uao_create: flags: %#x: no flags are defined", flags);
		return NULL;
	}
	if (size == 0) {
		(void)uvmsim__error(m, EINVAL, "uao_create: size: 0");
		return NULL;
	}
	if ((size & (m->pagesize - 1)) != 0) {
		(void)uvmsim__error(m, EINVAL,
		    "uao_create: size: %#jx is not a multiple of the page "
		    "size (%zu)", (uintmax_t)size, m->pagesize);
		return NULL;
	}
	if ((size >> m->pageshift) > INT_MAX) {
		(void)uvmsim__error(m, EINVAL,
		    "uao_create: size: %#jx is more than INT_MAX pages",
		    (uintmax_t)size);
		return NULL;
	}
	aobj = uvmsim__calloc(m, 1, sizeof(*aobj));
	if (aobj == NULL) {
		(void)uvmsim__error(m, ENOMEM,
		    "uao_create: no memory for the aobj");
		return NULL;
	}
	aobj->u_size = size;
	aobj->u_pages = (int)(size >> m->pageshift);
	aobj->u_flags = flags;
	uvm_obj_init(&aobj->u_obj, &aobj_pager, 1);
	uvmsim__ev(m, UVMSIM_EV_OBJ_CREATE, aobj->u_obj.uo_id, size, 0, 0);
	return &aobj->u_obj;
}

/*
 * uao_reference: take another reference to an aobj.
 *
 * => object unlocked; the caller holds a reference already.
 */
void
uao_reference(struct uvm_object *uobj)
{

	KASSERT(uvmsim_is_aobj(uobj));
	uobj->pgops->pgo_reference(uobj);
}

/*
 * uao_detach: drop a reference to an aobj, freeing it with the last one.
 *
 * => object unlocked; the caller's reference is gone on return.
 */
void
uao_detach(struct uvm_object *uobj)
{

	KASSERT(uvmsim_is_aobj(uobj));
	uobj->pgops->pgo_detach(uobj);
}

/*
 * uvmsim_is_aobj: is uobj an anonymous object?
 */
int
uvmsim_is_aobj(const struct uvm_object *uobj)
{

	return uobj != NULL && uobj->pgops == &aobj_pager;
}

/*
 * uvmsim__aobj_size: an aobj's size in bytes (a page multiple).
 */
vsize_t
uvmsim__aobj_size(const struct uvm_object *uobj)
{

	KASSERT(uvmsim_is_aobj(uobj));
	return ((const struct uvm_aobj *)(const void *)((const char *)uobj -
	    offsetof(struct uvm_aobj, u_obj)))->u_size;
}

/*
 * uao_teardown: free an aobj's memory at machine destruction
 * (pgo_teardown).
 *
 * => the machine frees the frames wholesale; the pages are not touched.
 */
static void
uao_teardown(struct uvm_object *uobj)
{

	KASSERT(uvmsim_is_aobj(uobj));
	uvmsim__free(uao_of(uobj)->u_swslots);
	uvmsim__free(uao_of(uobj));
}

/*
 * uao_find_swslot: the swap slot of page pageidx of an aobj, 0 if none.
 *
 * => object locked.
 */
int
uao_find_swslot(struct uvm_object *uobj, int pageidx)
{
	struct uvm_aobj *aobj = uao_of(uobj);

	KASSERT(uvmsim_is_aobj(uobj));
	KASSERT(pageidx >= 0 && pageidx < aobj->u_pages);
	return aobj->u_swslots != NULL ? aobj->u_swslots[pageidx] : 0;
}

/*
 * uao_set_swslot: give page pageidx of an aobj the swap slot slot (0:
 * none).
 *
 * => object locked.
 * => returns the slot it had (for the caller to free), or -1 when the
 *	host has no memory for the object's table of slots (nothing
 *	changed).
 */
int
uao_set_swslot(struct uvm_object *uobj, int pageidx, int slot)
{
	struct uvm_aobj *aobj = uao_of(uobj);
	int old;

	KASSERT(uvmsim_is_aobj(uobj));
	LOCK_ASSERT(simple_lock_held(&uobj->vmobjlock));
	KASSERT(pageidx >= 0 && pageidx < aobj->u_pages);
	if (aobj->u_swslots == NULL) {
		if (slot == 0)
			return 0;
		aobj->u_swslots = uvmsim__calloc(uvmsim__cur(),
		    (size_t)aobj->u_pages, sizeof(int));
		if (aobj->u_swslots == NULL)
			return -1;
	}
	old = aobj->u_swslots[pageidx];
	aobj->u_swslots[pageidx] = slot;
	return old;
}

/*
 * uao_dropswap: free the swap slot of page pageidx of an aobj, if it has
 * one.
 *
 * => object locked.
 */
void
uao_dropswap(struct uvm_object *uobj, int pageidx)
{
	int slot;

	slot = uao_set_swslot(uobj, pageidx, 0);
	if (slot > 0)
		uvm_swap_free(slot, 1);
}

/*
 * uao_dropswap_all: free every swap slot of an aobj going away.
 *
 * => object locked or unreachable.
 */
static void
uao_dropswap_all(struct uvm_aobj *aobj)
{
	int i;

	if (aobj->u_swslots == NULL)
		return;
	for (i = 0; i < aobj->u_pages; i++)
		if (aobj->u_swslots[i] != 0) {
			uvm_swap_free(aobj->u_swslots[i], 1);
			aobj->u_swslots[i] = 0;
		}
}

/*
 * uvmsim__aobj_swslots: an aobj's table of swap slots and its length,
 * NULL if it never had a slot.
 */
const int *
uvmsim__aobj_swslots(const struct uvm_object *uobj, int *np)
{
	const struct uvm_aobj *aobj;

	KASSERT(uvmsim_is_aobj(uobj));
	aobj = (const struct uvm_aobj *)(const void *)((const char *)uobj -
	    offsetof(struct uvm_aobj, u_obj));
	*np = aobj->u_pages;
	return aobj->u_swslots;
}
