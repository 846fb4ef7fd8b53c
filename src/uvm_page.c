/*
 * uvm_page.c: physical pages: allocation, freeing, and the paging queues.
 *
 * Every frame is in exactly one of these states:
 *
 *   free      on page_free[PGFL_ZEROS] (contents known zero, PG_ZERO) or
 *             page_free[PGFL_UNKNOWN]; pqflags == PQ_FREE; no owner.
 *   active    owned or loaned, on page_active, PQ_ACTIVE.
 *   inactive  owned, on page_inactive, PQ_INACTIVE.
 *   wired     wire_count > 0: on no queue.
 *   unqueued  just allocated, busy with I/O, loaned to the kernel, or an
 *             orphan lent to the kernel alone: on no queue.  An orphan an
 *             anon borrowed stays on the queue it was on, as 1.6 leaves
 *             it, for the page daemon to give to the anon.
 *
 * Ownership: a page belongs to an object (uobject, filed in its tree at
 * offset), to an anon (uanon with PQ_ANON), to an object and loaned to an
 * anon (both set, PQ_ANON clear), or to nobody (a kernel page or an
 * orphan).
 *
 * Invariants (checked by uvmsim__check_pages):
 *   1. uvmexp.free, zeropages, active, inactive are the lengths of their
 *      queues, and each queued page carries the flag of its queue alone.
 *   2. uvmexp.wired counts the pages with wire_count > 0, which sit on no
 *      queue; uvmexp.anonpages counts the pages with PQ_ANON.
 *   3. a free page has no owner, no loan, no wiring, no flag but PG_ZERO.
 *   4. PG_BUSY is set iff owner_tag is (UVM_PAGE_OWN is always on).
 *   5. owner back-pointers agree: pg->uanon->u.an_page == pg, and
 *      uvm_pagelookup(pg->uobject, pg->offset) == pg.
 *   6. a loaned page with no owner (an orphan) sits on no queue.
 *
 * Locking: the active and inactive queues and the pqflags of pages on
 * them are guarded by the page queue lock; flags by the owner's lock.
 * The free lists are not the page queue lock's: 1.6 guards them with a
 * lock of their own (fpageqlock), taken inside uvm_pagealloc and
 * uvm_pagefree and never held by a caller, which the simulator leaves
 * out, as each of those calls changes the free lists in one step that
 * nothing can interrupt.  Every call here is O(1) but uvm_pagelookup and
 * the object tree updates, which are O(log n).
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/bitstring.h>

#include "uvmsim_state.h"
#include "uvmsim_cur.h"
#include "kern_lock.h"
#include "uvm_page_i.h"
#include "uvmsim_trace.h"
#include "uvmsim_frame.h"
#include "uvmsim_vm.h"
#include "uvmsim_problem.h"

/*
 * uvm_pageinsert: file pg in uobj's tree at off.
 *
 * => uobj locked; no page of uobj at off.
 */
static void
uvm_pageinsert(struct uvmsim_machine *m, struct vm_page *pg,
    struct uvm_object *uobj, voff_t off)
{
	struct vm_page *old;

	KASSERT((pg->flags & PG_TABLED) == 0);
	pg->uobject = uobj;
	pg->offset = off;
	old = RB_INSERT(uvm_pagetree, &uobj->memt, pg);
	if (old != NULL)
		uvmsim__panic(m, "uvm_pageinsert: object %u already has page "
		    "%" PRIu64 " at offset %#" PRIx64, uobj->uo_id,
		    uvmsim__pgid(m, old), (uint64_t)off);
	pg->flags |= PG_TABLED;
	uobj->uo_npages++;
}

/*
 * uvm_pageremove: take pg out of its object's tree.
 *
 * => the object locked.
 */
static void
uvm_pageremove(struct uvmsim_machine *m, struct vm_page *pg)
{
	struct uvm_object *uobj = pg->uobject;

	(void)m;
	KASSERT(pg->flags & PG_TABLED);
	RB_REMOVE(uvm_pagetree, &uobj->memt, pg);
	uobj->uo_npages--;
	pg->flags &= ~PG_TABLED;
	pg->uobject = NULL;
}

void
_uvm_lock_pageq(const char *file, int line)
{
	struct uvmsim_machine *m = uvmsim__cur();

	uvmsim__simple_lock(m, &m->uvm.pageqlock, file, line);
}

void
_uvm_unlock_pageq(const char *file, int line)
{
	struct uvmsim_machine *m = uvmsim__cur();

	uvmsim__simple_unlock(m, &m->uvm.pageqlock, file, line);
}

void __attribute__((__noinline__))
uvmsim__page_ev_emit(struct uvmsim_machine *m, unsigned type,
    const struct vm_page *pg)
{
	uvmsim__trace_emit(m, type, uvmsim__pgid(m, pg), 0, 0, 0, NULL);
}

/*
 * uvm_pagealloc: allocate a free frame and give it to obj at off, or to
 * anon, or to nobody.
 *
 * => obj and anon are not both set; an owner given must be locked.
 * => off is page aligned.
 * => UVM_PGA_ZERO: the page comes back zeroed (PG_CLEAN clear: zeros are
 *	on no backing store); otherwise its contents are undefined.
 * => UVM_PGA_USERESERVE: the allocation may use the kernel's reserve.
 * => returns the page PG_BUSY|PG_FAKE (owner tag "new alloc"), on no
 *	queue, or NULL when no frame may be had.
 */
struct vm_page *
uvm_pagealloc(struct uvm_object *obj, voff_t off, struct vm_anon *anon,
    int flags)
{
	return uvmsim__pagealloc(uvmsim__cur(), obj, off, anon, flags);
}

/*
 * uvm_pagealloc's body is in parts, so that the common call (a page for
 * an anon or for nobody, no failpoint armed, the reserves not reached,
 * the event not traced) runs through code that calls nothing: it saves
 * only the registers it works in, and the rare cases cost it a test
 * each, not their code's registers and frame:
 *
 *   uvmsim__pagealloc	the checks, then the frame taken and set up
 *			(pagealloc_take, inline), and Valgrind's mark of
 *			its bytes (made under Valgrind only, as when
 *			instructions are counted);
 *   pagealloc_rare	a page for an object, an armed failpoint or a
 *			free count at a reserve: the failpoint and the
 *			reserves as 1.6 tests them,
 *			then pagealloc_take;
 *   pagealloc_bytes	the bytes of a UVM_PGA_ZERO request: zeroed
 *			unless known zero, and their marks;
 *   pagealloc_finish	a page for an object, or a traced event: the
 *			object's tree, the bytes, the trace record.
 *
 * Each is reached by a jump at the end of the one before (a tail call).
 * The work is 1.6's, in 1.6's order, except that the clock's tick of an
 * untraced event comes before the bytes are zeroed: nothing reads the
 * clock in between.
 */

/*
 * pagealloc_bytes: the bytes of a frame just allocated (zeroit: it is
 * not known zero), and Valgrind's marks of them.
 *
 * => as uvmsim__pagealloc; pg taken and set up by pagealloc_take.
 */
static struct vm_page * __attribute__((__noinline__))
pagealloc_bytes(struct uvmsim_machine *m, struct vm_page *pg, int flags,
    bool zeroit)
{
	if (flags & UVM_PGA_ZERO) {
		pg->flags &= ~PG_CLEAN;
		if (zeroit) {
			uvmsim__frame_undefined(m, pg);
			uvmsim__frame_zero(m, pg);
		} else
			uvmsim__frame_defined(m, pg);
	} else
		uvmsim__frame_undefined(m, pg);
	return pg;
}

/*
 * pagealloc_finish: the end of an allocation for an object, or with its
 * event traced: filing pg in its object's tree, its bytes, the event.
 *
 * => as pagealloc_bytes; pg's owner and offset set (four arguments, all
 *    in registers, so that the call is a jump).
 */
static struct vm_page * __attribute__((__noinline__))
pagealloc_finish(struct uvmsim_machine *m, struct vm_page *pg, int flags,
    bool zeroit)
{
	struct uvm_object *obj = pg->uobject;
	voff_t off = pg->offset;

	if (obj != NULL)
		uvm_pageinsert(m, pg, obj, off);
	(void)pagealloc_bytes(m, pg, flags, zeroit);
	uvmsim__ev(m, UVMSIM_EV_PAGE_ALLOC, uvmsim__pgid(m, pg),
	    uvmsim__objid(obj), (uint64_t)off, uvmsim__anonid(pg->uanon));
	return pg;
}

/*
 * pagealloc_take: take a frame off the free lists and give it to obj at
 * off, or to anon, or to nobody.
 *
 * => as uvmsim__pagealloc, the failpoint and the reserves passed: a free
 *    frame may be had.
 */
static inline UVMSIM__ALWAYS_INLINE struct vm_page *
pagealloc_take(struct uvmsim_machine *m, struct uvm_object *obj,
    voff_t off, struct vm_anon *anon, int flags)
{
	struct pglist *q;
	struct vm_page *pg;
	bool zeroit = false;

	/*
	 * Zeroed requests prefer known-zero frames; others leave them, and
	 * take one only when no other frame is free.  (One list pointer,
	 * not two, for the few registers the call has to itself.)
	 */
	q = &m->uvm.page_free[PGFL_UNKNOWN];
	if (flags & UVM_PGA_ZERO)
		q = &m->uvm.page_free[PGFL_ZEROS];
	if (__predict_false((pg = TAILQ_FIRST(q)) == NULL)) {
		q = &m->uvm.page_free[PGFL_ZEROS];
		if (flags & UVM_PGA_ZERO)
			q = &m->uvm.page_free[PGFL_UNKNOWN];
		pg = TAILQ_FIRST(q);
		KASSERT(pg != NULL);
	}
	TAILQ_REMOVE(q, pg, pageq);
	m->uvmexp.free--;
	if (pg->flags & PG_ZERO) {
		m->uvmexp.zeropages--;
		if (flags & UVM_PGA_ZERO)
			m->uvmexp.pga_zerohit++;
	} else if (flags & UVM_PGA_ZERO) {
		m->uvmexp.pga_zeromiss++;
		zeroit = true;
	}

	pg->offset = off;
	pg->uobject = obj;
	pg->uanon = anon;
	pg->flags = PG_BUSY | PG_CLEAN | PG_FAKE;
	pg->pqflags = 0;
	pg->loan_count = 0;
	pg->kloan_count = 0;
	pg->wire_count = 0;
	pg->owner_tag = "new alloc";
	pg->mdpage.mdpg_attrs = 0;	/* a new page is neither used nor dirty */
	if (anon != NULL) {
		anon->u.an_page = pg;
		uvmsim__pg_setanon(m, pg, true);
	}

	if (__predict_false(obj != NULL) ||
	    uvmsim__ev_traced(m, UVMSIM_EV_PAGE_ALLOC))
		return pagealloc_finish(m, pg, flags, zeroit);
	uvmsim__ev_tick(m);	/* uvmsim__ev, the event not traced */
	if (flags & UVM_PGA_ZERO)
		return pagealloc_bytes(m, pg, flags, zeroit);
	uvmsim__frame_undefined(m, pg);
	return pg;
}

/*
 * pagealloc_rare: uvmsim__pagealloc for an object, or with the failpoint
 * armed or the free count at a reserve.  (An object's page goes to
 * pagealloc_finish anyway: here the common call keeps no register for
 * the object, and tests it once.)
 */
static struct vm_page * __attribute__((__noinline__))
pagealloc_rare(struct uvmsim_machine *m, struct uvm_object *obj,
    voff_t off, struct vm_anon *anon, int flags)
{
	if (uvmsim__fp(m, UVMSIM_FP_PAGEALLOC))
		return NULL;

	/*
	 * Keep the reserves: the last reserve_kernel frames go only to
	 * callers allowed into the reserve, and the last reserve_pagedaemon
	 * frames to nobody (only the page daemon may take those).
	 */
	if ((m->uvmexp.free <= m->uvmexp.reserve_kernel &&
	    (flags & UVM_PGA_USERESERVE) == 0) ||
	    m->uvmexp.free <= m->uvmexp.reserve_pagedaemon ||
	    m->uvmexp.free == 0)
		return NULL;
	return pagealloc_take(m, obj, off, anon, flags);
}

/* uvm_pagealloc's body on m, the current machine (uvm_page_i.h). */
struct vm_page *
uvmsim__pagealloc(struct uvmsim_machine *m, struct uvm_object *obj,
    voff_t off, struct vm_anon *anon, int flags)
{
	KASSERT(obj == NULL || anon == NULL);
	KASSERT((off & (voff_t)m->uvmexp.pagemask) == 0);
	LOCK_ASSERT(obj == NULL || uvmsim__simple_lock_held(m, &obj->vmobjlock));
	LOCK_ASSERT(anon == NULL || uvmsim__simple_lock_held(m, &anon->an_lock));
	KASSERT(anon == NULL || anon->u.an_page == NULL);

	/*
	 * The failpoint unarmed (uvmsim__fp's test) and the free count
	 * above both reserves, and so above zero, as unsigned numbers: a
	 * reserve set below zero through uvmsim_uvmexp() goes the rare way
	 * too, which tests it as 1.6 does.
	 */
	if (__predict_false(obj != NULL ||
	    m->fp[UVMSIM_FP_PAGEALLOC].from != 0 ||
	    (u_int)m->uvmexp.free <= (u_int)m->uvmexp.reserve_kernel ||
	    (u_int)m->uvmexp.free <= (u_int)m->uvmexp.reserve_pagedaemon))
		return pagealloc_rare(m, obj, off, anon, flags);
	m->fp[UVMSIM_FP_PAGEALLOC].hits++;	/* uvmsim__fp: a hit */
	return pagealloc_take(m, NULL, off, anon, flags);
}

/*
 * pagefree_anon: uvm_pagefree's step off the anon that owns pg (or
 * borrowed it, and whose loan is gone): the anon forgets its page.  Its
 * flags are set whole after (pagefree_finish), so the anon's mark is
 * not cleared here (uvmsim__pg_setanon): only its count drops.
 */
static inline UVMSIM__ALWAYS_INLINE void
pagefree_anon(struct uvmsim_machine *m, struct vm_page *pg)
{
	pg->uanon->u.an_page = NULL;
	if (uvmsim__pg_isanon(m, pg))
		m->uvmexp.anonpages--;
}

/*
 * pagefree_finish: the end of uvm_pagefree, pg off its owner: off its
 * queue, unwired, onto the free list.
 */
static inline UVMSIM__ALWAYS_INLINE void
pagefree_finish(struct uvmsim_machine *m, struct vm_page *pg)
{
	uvmsim__page_unqueue(m, pg);	/* (its flag set whole below) */
	if (pg->wire_count != 0)
		m->uvmexp.wired--;

	/* (flags, wire_count and pqflags are stored together) */
	pg->uobject = NULL;
	pg->uanon = NULL;
	pg->offset = 0;
	pg->flags = 0;
	pg->wire_count = 0;
	pg->pqflags = PQ_FREE;
	pg->owner_tag = NULL;
	/*
	 * At the head, as 1.6 puts it: the last frame freed is the first
	 * handed out (uvm_pagealloc takes from the head).
	 */
	TAILQ_INSERT_HEAD(&m->uvm.page_free[PGFL_UNKNOWN], pg, pageq);
	m->uvmexp.free++;
	uvmsim__frame_noaccess(m, pg);
	uvmsim__page_ev(m, UVMSIM_EV_PAGE_FREE, pg);
}

/*
 * pagefree_owned: uvm_pagefree of a page that is loaned or an object's:
 * its loans, its object's tree (a call), then the common end.  Apart, so
 * that the usual free, an anon's page or nobody's, calls nothing that
 * makes it keep registers.
 *
 * => as uvm_pagefree, the checks made.
 */
static void __attribute__((__noinline__))
pagefree_owned(struct uvmsim_machine *m, struct vm_page *pg)
{
	if (pg->loan_count != 0) {
		KASSERT(pg->wire_count == 0);
		if (pg->uobject != NULL) {
			uvm_pageremove(m, pg);
			pg->flags &= ~PG_CLEAN;
		} else if (pg->uanon != NULL) {
			if (!uvmsim__pg_isanon(m, pg)) {
				/* an orphan the anon had borrowed */
				pg->loan_count--;
			} else
				uvmsim__pg_setanon(m, pg, false);
			pg->uanon->u.an_page = NULL;
			pg->uanon = NULL;
		}
		pg->flags &= ~(PG_WANTED | PG_BUSY | PG_RELEASED);
		pg->owner_tag = NULL;
		if (pg->loan_count != 0) {
			/* An orphan an anon borrowed stays where it is, as
			 * 1.6 leaves it: the page daemon finds it there and
			 * lets the anon adopt it.  One lent to the kernel
			 * alone leaves the queues. */
			if (pg->uanon == NULL)
				uvmsim__page_unqueue(m, pg);
			uvmsim__ev(m, UVMSIM_EV_PAGE_DISOWN,
			    uvmsim__pgid(m, pg), pg->loan_count, 0, 0);
			return;
		}
	}

	/* Off its owner. */
	if (pg->uobject != NULL)
		uvm_pageremove(m, pg);
	else if (pg->uanon != NULL)
		pagefree_anon(m, pg);
	pagefree_finish(m, pg);
}

/*
 * uvm_pagefree: free a page, or, if it is loaned, give up its ownership.
 *
 * => page queues locked, unless the page is on no queue.
 * => the owner, if any, locked.
 * => a loaned page is not freed: an object drops it from its tree (it was
 *	dirty as far as any borrower cares), an anon drops it (or its own
 *	loan, for a page it borrowed), and the page lives on until its last
 *	loan is returned: on its queue while an anon borrows it (the anon
 *	adopts it: uvm_anon_lockloanpg, the page daemon), on none if only
 *	the kernel does.
 */
void
uvm_pagefree(struct vm_page *pg)
{
	struct uvmsim_machine *m = uvmsim__cur();

	uvmsim__page_valid(m, pg, "uvm_pagefree");
	if (pg->pqflags & PQ_FREE)
		uvmsim__panic(m, "uvm_pagefree: freeing free page %" PRIu64,
		    uvmsim__pgid(m, pg));
	LOCK_ASSERT(PQ_LOCKED(m) ||
	    (pg->pqflags & (PQ_ACTIVE | PQ_INACTIVE)) == 0);
	LOCK_ASSERT(pg->uobject == NULL ||
	    simple_lock_held(&pg->uobject->vmobjlock));
	LOCK_ASSERT(pg->uobject != NULL || pg->uanon == NULL ||
	    simple_lock_held(&pg->uanon->an_lock));

	if (__predict_false(pg->loan_count != 0 || pg->uobject != NULL)) {
		pagefree_owned(m, pg);
		return;
	}
	if (pg->uanon != NULL)
		pagefree_anon(m, pg);
	pagefree_finish(m, pg);
}

/*
 * uvm_pageactivate: put pg at the tail of the active queue.
 *
 * => page queues locked.
 * => a wired page stays on no queue (it only leaves the inactive queue).
 */
void
uvm_pageactivate(struct vm_page *pg)
{
	uvmsim__pageactivate(uvmsim__cur(), pg);
}

/*
 * uvm_pagedeactivate: move pg to the inactive queue.
 *
 * => page queues locked; pg not wired.
 */
void
uvm_pagedeactivate(struct vm_page *pg)
{
	struct uvmsim_machine *m = uvmsim__cur();

	uvmsim__page_valid(m, pg, "uvm_pagedeactivate");
	LOCK_ASSERT(PQ_LOCKED(m));
	KASSERT((pg->pqflags & PQ_FREE) == 0);
	if (pg->pqflags & PQ_ACTIVE) {
		TAILQ_REMOVE(&m->uvm.page_active, pg, pageq);
		pg->pqflags &= ~PQ_ACTIVE;
		m->uvmexp.active--;
	}
	if ((pg->pqflags & PQ_INACTIVE) == 0) {
		KASSERT(pg->wire_count == 0);
		TAILQ_INSERT_TAIL(&m->uvm.page_inactive, pg, pageq);
		pg->pqflags |= PQ_INACTIVE;
		m->uvmexp.inactive++;
	}
	uvmsim__page_ev(m, UVMSIM_EV_PAGE_DEACTIVATE, pg);
}

/*
 * uvm_pagedequeue: take pg off whichever paging queue it is on.
 *
 * => page queues locked.
 */
void
uvm_pagedequeue(struct vm_page *pg)
{
	uvmsim__pagedequeue(uvmsim__cur(), pg);
}

/*
 * uvmsim__page_table_alloc: a frame for a page table of the pmap layer
 * (struct pmap_sim_uvm): zeroed, from the kernel's reserve if need be,
 * owned by nobody, not busy, wired once.
 *
 * => page queues locked or not (taken here if not).
 * => NULL when no frame may be had.
 */
struct vm_page *
uvmsim__page_table_alloc(struct uvmsim_machine *m)
{
	struct vm_page *pg;
	bool took;

	pg = uvm_pagealloc(NULL, 0, NULL, UVM_PGA_USERESERVE | UVM_PGA_ZERO);
	if (pg == NULL)
		return NULL;
	pg->flags &= ~(PG_BUSY | PG_FAKE);
	UVM_PAGE_OWN(pg, NULL);
	if ((took = !PQ_LOCKED(m)))
		uvm_lock_pageq();
	uvm_pagewire(pg);
	if (took)
		uvm_unlock_pageq();
	return pg;
}

/*
 * uvmsim__page_table_free: free a frame of uvmsim__page_table_alloc.
 *
 * => wired once; page queues locked or not.
 */
void
uvmsim__page_table_free(struct uvmsim_machine *m, struct vm_page *pg)
{
	bool took;

	if ((took = !PQ_LOCKED(m)))
		uvm_lock_pageq();
	uvm_pagefree(pg);
	if (took)
		uvm_unlock_pageq();
}

/*
 * uvm_pagewire: add a wiring; the first takes the page off its queue.
 *
 * => page queues locked.
 */
void
uvm_pagewire(struct vm_page *pg)
{
	struct uvmsim_machine *m = uvmsim__cur();

	uvmsim__page_valid(m, pg, "uvm_pagewire");
	LOCK_ASSERT(PQ_LOCKED(m));
	KASSERT((pg->pqflags & PQ_FREE) == 0);
	if (pg->wire_count == 0xffff)
		uvmsim__panic(m, "uvm_pagewire: page %" PRIu64 " wired 65535 "
		    "times", uvmsim__pgid(m, pg));
	if (pg->wire_count == 0) {
		uvmsim__page_unqueue(m, pg);
		m->uvmexp.wired++;
	}
	pg->wire_count++;
	uvmsim__ev(m, UVMSIM_EV_PAGE_WIRE, uvmsim__pgid(m, pg),
	    pg->wire_count, 0, 0);
}

/*
 * uvm_pageunwire: drop a wiring; the last puts the page on the active
 * queue.
 *
 * => page queues locked; pg wired.
 */
void
uvm_pageunwire(struct vm_page *pg)
{
	struct uvmsim_machine *m = uvmsim__cur();

	uvmsim__page_valid(m, pg, "uvm_pageunwire");
	LOCK_ASSERT(PQ_LOCKED(m));
	KASSERT(pg->wire_count > 0);
	pg->wire_count--;
	if (pg->wire_count == 0) {
		TAILQ_INSERT_TAIL(&m->uvm.page_active, pg, pageq);
		pg->pqflags |= PQ_ACTIVE;
		m->uvmexp.active++;
		m->uvmexp.wired--;
	}
	uvmsim__ev(m, UVMSIM_EV_PAGE_UNWIRE, uvmsim__pgid(m, pg),
	    pg->wire_count, 0, 0);
}

/*
 * uvm_pagelookup: the page of obj at off, or NULL.
 *
 * => obj locked.
 */
struct vm_page *
uvm_pagelookup(struct uvm_object *obj, voff_t off)
{
	struct vm_page key;

	LOCK_ASSERT(simple_lock_held(&obj->vmobjlock));
	key.offset = off;
	return RB_FIND(uvm_pagetree, &obj->memt, &key);
}

/*
 * uvm_pagezero: fill pg with zeros; it no longer matches backing store.
 *
 * => pg busy or otherwise held by the caller.
 */
void
uvm_pagezero(struct vm_page *pg)
{
	struct uvmsim_machine *m = uvmsim__cur();

	uvmsim__page_valid(m, pg, "uvm_pagezero");
	KASSERT((pg->pqflags & PQ_FREE) == 0);
	pg->flags &= ~PG_CLEAN;
	uvmsim__frame_zero(m, pg);
	uvmsim__ev(m, UVMSIM_EV_PAGE_ZERO, uvmsim__pgid(m, pg), 0, 0, 0);
}

/*
 * uvm_pagecopy: copy the contents of src into dst.
 */
void
uvm_pagecopy(struct vm_page *src, struct vm_page *dst)
{
	uvmsim__pagecopy(uvmsim__cur(), src, dst);	/* (uvm_page_i.h) */
}

/*
 * uvm_page_unbusy: unbusy an array of pages; free those marked released.
 *
 * => the owners of the pages locked; NULL entries are skipped.
 */
void
uvm_page_unbusy(struct vm_page **pgs, int npgs)
{
	struct uvmsim_machine *m = uvmsim__cur();
	struct vm_page *pg;
	int i, locked;

	for (i = 0; i < npgs; i++) {
		if ((pg = pgs[i]) == NULL)
			continue;
		uvmsim__page_valid(m, pg, "uvm_page_unbusy");
		KASSERT(pg->flags & PG_BUSY);
		if (pg->flags & PG_RELEASED) {
			locked = PQ_LOCKED(m);
			if (!locked)
				uvm_lock_pageq();
			uvm_pagefree(pg);
			if (!locked)
				uvm_unlock_pageq();
			continue;
		}
		pg->flags &= ~(PG_WANTED | PG_BUSY);
		UVM_PAGE_OWN(pg, NULL);
		uvmsim__ev(m, UVMSIM_EV_PAGE_UNBUSY, uvmsim__pgid(m, pg),
		    0, 0, 0);
	}
}

/*
 * uvm_pagerealloc: move pg to newobj at newoff (NULL: to no object).
 *
 * => both objects locked.
 */
void
uvm_pagerealloc(struct vm_page *pg, struct uvm_object *newobj, voff_t newoff)
{
	struct uvmsim_machine *m = uvmsim__cur();

	uvmsim__page_valid(m, pg, "uvm_pagerealloc");
	KASSERT((pg->pqflags & PQ_FREE) == 0 && !uvmsim__pg_isanon(m, pg));
	if (pg->uobject != NULL)
		uvm_pageremove(m, pg);
	if (newobj != NULL)
		uvm_pageinsert(m, pg, newobj, newoff);
	uvmsim__ev(m, UVMSIM_EV_PAGE_RENAME, uvmsim__pgid(m, pg),
	    uvmsim__objid(newobj), (uint64_t)newoff, 0);
}

/*
 * uvm_pageidlezero: zero the free frames not known to be zero, as the idle
 * loop does, so that zeroed allocations find them ready.  As in 1.6, each
 * is taken from the head of the unknown list and, zeroed, put at the head
 * of the zero list: the frame zeroed last is the next zeroed allocation's,
 * and the frames zeroed together come back in the reverse of their order
 * on the unknown list.
 *
 * => page queues unlocked.
 */
void
uvm_pageidlezero(void)
{
	struct uvmsim_machine *m = uvmsim__cur();
	struct vm_page *pg;

	uvm_lock_pageq();
	while ((pg = TAILQ_FIRST(&m->uvm.page_free[PGFL_UNKNOWN])) != NULL) {
		TAILQ_REMOVE(&m->uvm.page_free[PGFL_UNKNOWN], pg, pageq);
		uvmsim__frame_undefined(m, pg);
		uvmsim__frame_zero(m, pg);
		uvmsim__frame_noaccess(m, pg);
		pg->flags |= PG_ZERO;
		TAILQ_INSERT_HEAD(&m->uvm.page_free[PGFL_ZEROS], pg, pageq);
		m->uvmexp.zeropages++;
		uvmsim__ev(m, UVMSIM_EV_PAGE_IDLEZERO, uvmsim__pgid(m, pg),
		    0, 0, 0);
	}
	uvm_unlock_pageq();
}

/*
 * uvm_page_own: record who holds pg busy (tag), or that it was unbusied
 * (NULL).  Busying a page already busy, or unbusying one not busy, is the
 * kernel's "page already owned" / "not owned" panic.
 */
void
uvm_page_own(struct vm_page *pg, const char *tag)
{
	uvmsim__page_own(uvmsim__cur(), pg, tag);
}

void
uvmsim__page_own_fail(struct uvmsim_machine *m, const struct vm_page *pg,
    const char *tag)
{
	if (tag != NULL)
		uvmsim__panic(m, "uvm_page_own: page %" PRIu64 " "
		    "already owned by \"%s\", wanted by \"%s\"",
		    uvmsim__pgid(m, pg), pg->owner_tag, tag);
	uvmsim__panic(m, "uvm_page_own: unbusying page %" PRIu64
	    " that is not owned", uvmsim__pgid(m, pg));
}

/*
 * uvm_phys_to_vm_page: the page at physical address pa, or NULL.
 */
struct vm_page *
uvm_phys_to_vm_page(paddr_t pa)
{
	return uvmsim__pa_page(uvmsim__cur(), pa);
}

/* ---- checks ---- */

/*
 * walk_queue: check one queue: every page on it carries want in pqflags
 * (and, for free lists, exactly PQ_FREE), is on no other queue (seen), and
 * the queue's length is count.  Returns the length found.
 */
static long
walk_queue(struct uvmsim_machine *m, struct uvmsim_report *r,
    struct pglist *q, const char *qname, u_short want, bitstr_t *seen)
{
	struct vm_page *pg;
	char who[48];
	long n = 0;
	size_t i;

	TAILQ_FOREACH(pg, q, pageq) {
		if (pg < m->pages || pg >= m->pages + m->npages) {
			uvmsim__problem(r, "page.queue", qname, "pageq",
			    "holds a page not of this machine");
			break;
		}
		if (++n > (long)m->npages) {
			uvmsim__problem(r, "page.queue", qname, "pageq",
			    "is longer than the machine has frames (a cycle)");
			break;
		}
		i = (size_t)(pg - m->pages);
		snprintf(who, sizeof(who), "page %zu", i);
		if (bit_test(seen, i)) {
			uvmsim__problem(r, "page.queue", who, "pageq",
			    "is on %s and on another queue", qname);
			continue;
		}
		bit_set(seen, i);
		if ((pg->pqflags & want) == 0)
			uvmsim__problem(r, "page.queue", who, "pqflags",
			    "%#x on %s lacks the queue's flag %#x",
			    pg->pqflags, qname, want);
	}
	return n;
}

/*
 * check_loaned: the invariants of a page on loan (loan_count > 0) that
 * uvm_loan.c states and no other check covers:
 *
 *   [loan.writable]  no managed mapping of the page allows writing
 *	(uvm_loan.c invariant 2): the first loan takes write access from
 *	every mapping and the fault handler enters a loaned page read-only,
 *	so that the owner's write faults and copies rather than changing
 *	what the borrowers see.  It is the leaf PTE that must be read-only,
 *	pending TLB invalidations or not: pmap_page_protect drops the TLB
 *	entries at once.  Unmanaged (pmap_kenter_pa) mappings are the
 *	kernel's own business and are not looked at.
 *   [loan.wired]  the page is not wired (uvm_loan.c invariant 6, from the
 *	page's side): unwiring would put a page lent to the kernel, or an
 *	orphan, back on a paging queue.  In the modern behaviour, as in
 *	later NetBSD, the owner's read-only wiring keeps the loan (lent
 *	pages stay on the queues there anyway): only a page with no owner
 *	(an orphan) may not be wired, since no mapping of an owner could
 *	ever unwire it.
 */
static void
check_loaned(struct uvmsim_machine *m, struct uvmsim_report *r,
    const struct vm_page *pg, const char *who)
{
	vaddr_t va;
	u_int pmid;

	if (uvmsim__pmap_page_writable(m, pg, &pmid, &va))
		uvmsim__problem(r, "loan.writable", who, "mdpg_pvh",
		    "loaned %u times, yet writable through pmap %u at va "
		    "%#lx", pg->loan_count, pmid, (unsigned long)va);
	if (pg->wire_count != 0 && (!m->loan_modern ||
	    (pg->uobject == NULL && !uvmsim__pg_isanon(m, pg))))
		uvmsim__problem(r, "loan.wired", who, "wire_count",
		    "loaned %u times, yet wired %u times%s", pg->loan_count,
		    pg->wire_count, m->loan_modern ? " with no owner" : "");
}


/*
 * check_queues: invariants 1-6 of uvm_page.c, and those of loaned
 * pages (check_loaned), and, when the loan module keeps the ledger:
 *
 *   [loan.count]  loan_count is the page's kernel loans (kloan_count)
 *	plus one if an anon borrows it (uanon set, the page not marked as
 *	the anon's own): uvm_loan.c invariant 1.  A loan lost or counted
 *	twice shows here before it leaks a page or frees one still in use.
 */
static void
check_queues(struct uvmsim_machine *m, struct uvmsim_report *r)
{
	struct uvmexp *ux = &m->uvmexp;
	struct vm_page *pg, key;
	long nfree, nzero, nact, ninact;
	long fact = 0, finact = 0, fwired = 0, fanon = 0, ffree = 0;
	bitstr_t *seen;
	char who[48];
	size_t i;
	u_short q;
	bool ledger = m->loan_ledger;

	seen = uvmsim__bit_alloc(NULL, (int)m->npages);
	if (seen == NULL) {
		uvmsim__problem(r, "check.memory", "checker", "-",
		    "no host memory to check the page queues");
		return;
	}
	nzero = walk_queue(m, r, &m->uvm.page_free[PGFL_ZEROS],
	    "free list (zeros)", PQ_FREE, seen);
	nfree = nzero + walk_queue(m, r, &m->uvm.page_free[PGFL_UNKNOWN],
	    "free list", PQ_FREE, seen);
	nact = walk_queue(m, r, &m->uvm.page_active, "active queue",
	    PQ_ACTIVE, seen);
	ninact = walk_queue(m, r, &m->uvm.page_inactive, "inactive queue",
	    PQ_INACTIVE, seen);

	for (i = 0; i < m->npages; i++) {
		pg = &m->pages[i];
		snprintf(who, sizeof(who), "page %zu", i);
		q = pg->pqflags & (PQ_FREE | PQ_ACTIVE | PQ_INACTIVE);
		if (q != 0 && !bit_test(seen, i))
			uvmsim__problem(r, "page.queue", who, "pqflags",
			    "%#x but the page is on no queue", pg->pqflags);
		if (q != 0 && (q & (q - 1)) != 0)
			uvmsim__problem(r, "page.queue", who, "pqflags",
			    "%#x names more than one queue", pg->pqflags);
		if (pg->pqflags & PQ_FREE) {
			ffree++;
			if (pg->uobject != NULL || pg->uanon != NULL)
				uvmsim__problem(r, "page.free_owner", who,
				    pg->uobject ? "uobject" : "uanon",
				    "a free page has an owner");
			if (pg->loan_count || pg->wire_count)
				uvmsim__problem(r, "page.free_owner", who,
				    pg->loan_count ? "loan_count" : "wire_count",
				    "a free page is loaned or wired "
				    "(loans %u, wirings %u)", pg->loan_count,
				    pg->wire_count);
			if ((pg->flags & ~PG_ZERO) != 0 ||
			    (pg->pqflags & ~PQ_FREE) != 0)
				uvmsim__problem(r, "page.free_flags", who,
				    "flags", "a free page has flags %#x "
				    "pqflags %#x", pg->flags, pg->pqflags);
			continue;
		}
		if (pg->flags & PG_ZERO)
			uvmsim__problem(r, "page.free_flags", who, "flags",
			    "PG_ZERO on a page in use");
		if (pg->pqflags & PQ_ACTIVE)
			fact++;
		if (pg->pqflags & PQ_INACTIVE)
			finact++;
		if (uvmsim__pg_isanon(m, pg))
			fanon++;
		if (pg->wire_count != 0) {
			fwired++;
			if (q != 0)
				uvmsim__problem(r, "page.wired_queue", who,
				    "pqflags", "wired %u times yet on a queue "
				    "(%#x)", pg->wire_count, pg->pqflags);
		}
		if (((pg->flags & PG_BUSY) != 0) != (pg->owner_tag != NULL))
			uvmsim__problem(r, "page.busy", who, "owner_tag",
			    "PG_BUSY is %s but the owner tag is %s",
			    (pg->flags & PG_BUSY) ? "set" : "clear",
			    pg->owner_tag ? pg->owner_tag : "NULL");
		if (uvmsim__pg_isanon(m, pg) &&
		    (pg->uanon == NULL || pg->uobject != NULL))
			uvmsim__problem(r, "page.owner", who,
			    m->loan_modern ? "flags" : "pqflags",
			    "%s on a page %s", m->loan_modern ? "PG_ANON" :
			    "PQ_ANON", pg->uanon == NULL ?
			    "with no anon" : "that an object owns");
		if (m->loan_modern && (pg->pqflags & PQ_ANON))
			uvmsim__problem(r, "page.owner", who, "pqflags",
			    "PQ_ANON on a machine that marks anon pages "
			    "with PG_ANON");
		if (!m->loan_modern && (pg->flags & PG_ANON))
			uvmsim__problem(r, "page.owner", who, "flags",
			    "PG_ANON on a machine that marks anon pages "
			    "with PQ_ANON");
		if ((pg->pqflags & PQ_AOBJ) && pg->uobject == NULL &&
		    pg->loan_count == 0)
			uvmsim__problem(r, "page.owner", who, "pqflags",
			    "PQ_AOBJ on a page with no object");
		if (pg->uanon != NULL && pg->uanon->u.an_page != pg)
			uvmsim__problem(r, "page.owner", who, "uanon",
			    "anon %u does not point back at the page",
			    pg->uanon->an_id);
		if (pg->uobject != NULL) {
			key.offset = pg->offset;
			if ((pg->flags & PG_TABLED) == 0 ||
			    RB_FIND(uvm_pagetree, &pg->uobject->memt, &key) !=
			    pg)
				uvmsim__problem(r, "page.owner", who, "uobject",
				    "object %u does not hold the page at "
				    "offset %#" PRIx64, pg->uobject->uo_id,
				    (uint64_t)pg->offset);
		} else if (pg->flags & PG_TABLED)
			uvmsim__problem(r, "page.owner", who, "flags",
			    "PG_TABLED on a page with no object");
		if (pg->loan_count != 0 && pg->uobject == NULL &&
		    pg->uanon == NULL && q != 0)
			uvmsim__problem(r, "page.orphan_queue", who, "pqflags",
			    "an orphan (loaned, no owner) is on a queue");
		if (pg->loan_count != 0)
			check_loaned(m, r, pg, who);
		if (ledger && pg->loan_count != pg->kloan_count +
		    (pg->uanon != NULL && !uvmsim__pg_isanon(m, pg)))
			uvmsim__problem(r, "loan.count", who, "loan_count",
			    "%u, but the page is lent %u times to the kernel "
			    "and %d times to an anon", pg->loan_count,
			    pg->kloan_count, pg->uanon != NULL &&
			    !uvmsim__pg_isanon(m, pg));
	}
	uvmsim__free(seen);

#define COUNT(field, have, what) do {					\
	if ((long)ux->field != (have))					\
		uvmsim__problem(r, "uvmexp." #field, "uvmexp", #field,	\
		    "is %d but %ld %s", ux->field, (long)(have), what);	\
} while (0)
	COUNT(free, nfree, "pages are on the free list");
	COUNT(zeropages, nzero, "pages are on the zero free list");
	COUNT(active, nact, "pages are on the active queue");
	COUNT(inactive, ninact, "pages are on the inactive queue");
	COUNT(wired, fwired, "pages are wired");
	COUNT(anonpages, fanon, "pages are marked as anons' own");
#undef COUNT
	if (ffree != nfree)
		uvmsim__problem(r, "page.queue", "free list", "pqflags",
		    "%ld pages have PQ_FREE but %ld are on the free list",
		    ffree, nfree);
	if (fact != nact)
		uvmsim__problem(r, "page.queue", "active queue", "pqflags",
		    "%ld pages have PQ_ACTIVE but %ld are on the queue",
		    fact, nact);
	if (finact != ninact)
		uvmsim__problem(r, "page.queue", "inactive queue", "pqflags",
		    "%ld pages have PQ_INACTIVE but %ld are on the queue",
		    finact, ninact);
}

/*
 * check_page_states: invariants of each page in use that no walk above
 * covers, one pass over the frames:
 *
 *   [page.unqueued]  an owned page (uobject or uanon) that is neither
 *	busy (just allocated, or held for I/O), wired nor lent sits on a
 *	paging queue: on no queue, no page daemon could ever find it to
 *	clean or free it.  The modern behaviour's zero page is the one
 *	exception: the loan-zero object keeps it for good (never cleaned,
 *	never freed), and its pgo_put takes it off the queues between loans.
 *   [loan.wrap]  loan_count is at least the loans that can be seen
 *	without the loan module's help: one when an anon borrows the page
 *	(uanon set, the page not the anon's own), and, when the loan module
 *	keeps the ledger, the kernel loans (kloan_count).  A count below
 *	that lost loans: it wrapped past UINT_MAX, or came down once too
 *	often, and the next store could reach a frame still lent.
 */
static void
check_page_states(struct uvmsim_machine *m, struct uvmsim_report *r)
{
	const struct vm_page *pg;
	char who[48];
	uint64_t seen;
	size_t i;
	bool ledger = m->loan_ledger;

	for (i = 0; i < m->npages; i++) {
		pg = &m->pages[i];
		if (pg->pqflags & PQ_FREE)
			continue;
		if ((pg->uobject != NULL || pg->uanon != NULL) &&
		    (pg->flags & PG_BUSY) == 0 && pg->wire_count == 0 &&
		    pg->loan_count == 0 &&
		    (pg->pqflags & (PQ_ACTIVE | PQ_INACTIVE)) == 0 &&
		    pg->uobject != &m->loanzero_obj) {
			snprintf(who, sizeof(who), "page %zu", i);
			uvmsim__problem(r, "page.unqueued", who, "pqflags",
			    "owned by %s %u, not busy, wired or lent, yet on no "
			    "paging queue: the page daemon could never reclaim it",
			    pg->uobject != NULL ? "object" : "anon",
			    pg->uobject != NULL ? pg->uobject->uo_id :
			    pg->uanon->an_id);
		}
		seen = (uint64_t)(pg->uanon != NULL &&
		    !uvmsim__pg_isanon(m, pg)) + (ledger ? pg->kloan_count : 0);
		if (pg->loan_count < seen) {
			snprintf(who, sizeof(who), "page %zu", i);
			uvmsim__problem(r, "loan.wrap", who, "loan_count",
			    "%u, below the %" PRIu64 " loans that exist (%s): it "
			    "wrapped or lost a loan", pg->loan_count, seen,
			    ledger ? "kernel loans and the borrowing anon's" :
			    "the borrowing anon's");
		}
	}
}

/*
 * uvmsim__check_pages: the page invariants (check_queues,
 * check_page_states), for uvmsim_check().
 */
void
uvmsim__check_pages(struct uvmsim_machine *m, struct uvmsim_report *r)
{
	check_queues(m, r);
	check_page_states(m, r);
}
