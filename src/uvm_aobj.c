/*
 * uvm_aobj.c: anonymous objects (aobjs) and their pager.
 *
 * An aobj is a uvm_object with no file behind it: a page that has never
 * been touched reads as zeros, and a page that has been touched lives only
 * in memory.  Shared anonymous mappings and System V shared memory are
 * built from aobjs.  NetBSD 1.6 backs an aobj page with a swap slot once
 * the page daemon pushes it out; the simulator has no swap, so every
 * page of an aobj is in one of these states:
 *
 *	absent		not in the object's tree; reads as zeros.  A locked
 *			pgo_get creates it on the spot (uao_get, locked).
 *	resident	in the tree, PQ_AOBJ set, not busy; dirty (PG_CLEAN
 *			clear) once anyone may have written it.
 *	busy		resident and PG_BUSY: handed out by pgo_get, owned by
 *			the caller until it clears PG_BUSY again.
 *	released	busy and PG_RELEASED: pgo_put(PGO_FREE) met it while
 *			busy; its holder frees it when done.
 *
 * Transitions: absent -> busy (uao_get allocates a zeroed page); resident
 * -> busy (uao_get); busy -> resident (the caller unbusies); busy ->
 * released (uao_put with PGO_FREE); resident -> absent (uao_put with
 * PGO_FREE, or the last uao_detach).  Freeing a page throws its contents
 * away: with no swap slot the page reads as zeros again, which is exactly
 * what the kernel does when an aobj range is flushed with PGO_FREE.
 *
 * Invariants (the first two are checked by KASSERT where pages enter):
 *   1. every page in an aobj's tree carries PQ_AOBJ.
 *   2. every page's offset lies inside the object: offset < u_size.
 *   3. uo_refs > 0 while the aobj exists; the detach that drops the last
 *      reference frees every page and then the aobj (no page may be busy
 *      then: there is no other thread to wait for).
 *   4. a page absent from the tree reads as zeros (no swap yet).
 *
 * Locking: the object's vmobjlock guards its tree, uo_npages, uo_refs and
 * the PG_ flags of its pages; the page queue lock is taken inside it
 * (vmobjlock before pageqlock) for freeing and queueing pages.
 *
 * Simulation notes: where uao_get would sleep (a busy page, or no free
 * page) nothing could ever wake it here, as the simulator runs a single
 * thread of control.  A busy page therefore panics, and running out of
 * memory undoes the call and returns ENOMEM instead of calling uvm_wait.
 */

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "uvmsim_state.h"
#include "uvmsim_cur.h"
#include "kern_lock.h"
#include "uvmsim_trace.h"
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
};

static void	uao_reference_op(struct uvm_object *);
static void	uao_detach_op(struct uvm_object *);
static int	uao_get(struct uvm_object *, voff_t, struct vm_page **, int *,
		    int, vm_prot_t, int, int);
static int	uao_put(struct uvm_object *, voff_t, voff_t, int);
static void	uao_teardown(struct uvm_object *);

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
		if (pg == NULL) {
			/*
			 * never touched and no swap slot: make the zero page
			 * now, as no I/O is needed for it.  allocation failure
			 * just leaves the page for the unlocked pass.
			 */
			pg = uvm_pagealloc(uobj, off, NULL, UVM_PGA_ZERO);
			if (pg != NULL) {
				pg->flags &= ~PG_FAKE;
				pg->pqflags |= PQ_AOBJ;
				pps[i] = pg;
				got++;
				continue;
			}
		} else if ((pg->flags & (PG_BUSY | PG_RELEASED)) == 0) {
			pg->flags |= PG_BUSY;
			UVM_PAGE_OWN(pg, "uao_get1");
			pps[i] = pg;
			got++;
			continue;
		}
		/* absent with no memory, or busy: this one needs a wait */
		if (i == centeridx || (flags & PGO_ALLPAGES) != 0)
			done = false;
	}
	*npagesp = got;
	return done ? 0 : EBUSY;
}

/*
 * uao_fill: the "I/O" of an aobj page with no swap: zeros.
 */
static void
uao_fill(struct uvmsim_machine *m, struct uvm_object *uobj,
    struct vm_page *pg)
{
	(void)m;
	(void)uobj;
	uvm_pagezero(pg);
	pg->flags &= ~PG_FAKE;
	pg->flags |= PG_CLEAN;
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
 * uao_put: the aobj's pgo_put: deactivate or free pages of a range.
 *
 * => object locked on entry, unlocked on return.
 * => the range is [start, stop) rounded out to pages; PGO_ALLPAGES or
 *    stop == 0 means the whole object.
 * => busy pages are left to their holder: with PGO_FREE they are marked
 *    PG_RELEASED so the holder frees them when done.
 * => PGO_CLEANIT has nothing to write to (no swap yet): dirty pages stay
 *    dirty and resident.
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
	KASSERT(uobj != NULL && uobj->pgops == &aobj_pager);
	KASSERT(simple_lock_held(&uobj->vmobjlock));
	/* No swap yet: an aobj has nowhere to clean its pages to. */
	uvmsim__pgo_putpages(uvmsim__cur(), uobj, start, stop, flags, NULL);
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
	uvmsim__obj_freeall(uobj);
	free(uao_of(uobj));
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
	aobj = calloc(1, sizeof(*aobj));
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
	free(uao_of(uobj));
}
