/*
 * uvm_page_i.h: uvm_pageactivate's, uvm_pagedequeue's, uvm_page_own's and
 * uvm_pagecopy's bodies, inline, and uvm_pagealloc on a given machine, for
 * the fault handler, which busies, unbusies and activates a page on every
 * fault and copies one on every copy-on-write.  Not installed.
 *
 * uvm_page.c's public functions are these bodies for the current machine.
 * A file that defines UVMSIM_LOCK_M (kern_lock.h) gets uvm_pageactivate,
 * UVM_PAGE_OWN and uvm_pagealloc as these, on that machine: each skips
 * the call (but uvm_pagealloc, a long body) and the look-up of the
 * current machine.  The copy is inline only where it is named
 * (uvmsim__pagecopy: the copy-on-write of an anon, the break of an
 * anon's loan); elsewhere a copy is rare enough to stay a call.  So is
 * the dequeue (uvmsim__pagedequeue: a page's loan to the kernel).  The
 * panics stay out of line.  Include after kern_lock.h.
 */
#ifndef UVMSIM_UVM_PAGE_I_H
#define UVMSIM_UVM_PAGE_I_H

#include "uvmsim_state.h"
#include "kern_lock.h"
#include "uvmsim_trace.h"
#include "uvmsim_frame.h"

/* uvm_pagealloc on m, the current machine. */
struct vm_page *uvmsim__pagealloc(struct uvmsim_machine *m,
	    struct uvm_object *obj, voff_t off, struct vm_anon *anon,
	    int flags);

/* The "page already owned" (tag set) or "not owned" (tag NULL) panic of
 * uvm_page_own. */
void	uvmsim__page_own_fail(struct uvmsim_machine *m,
	    const struct vm_page *pg, const char *tag)
	    __attribute__((__noreturn__));

/* The trace record of an event of pg alone (type; its other arguments
 * 0), the clock's tick made (uvmsim__page_ev). */
void	uvmsim__page_ev_emit(struct uvmsim_machine *m, unsigned type,
	    const struct vm_page *pg);

/*
 * uvmsim__page_ev: uvmsim__ev of an event of pg alone, with the page's
 * number and the record apart: an untraced event is its tick and its
 * test, and a function that ends with one jumps to the record, so it
 * needs no frame of its own for the call.
 */
static inline UVMSIM__ALWAYS_INLINE void
uvmsim__page_ev(struct uvmsim_machine *m, unsigned type,
    const struct vm_page *pg)
{
	uvmsim__ev_tick(m);
	if (uvmsim__ev_traced(m, type))
		uvmsim__page_ev_emit(m, type, pg);
}

/*
 * uvmsim__page_own: uvm_page_own on m, the current machine: record who
 * holds pg busy (tag), or that it was unbusied (NULL).
 */
static inline UVMSIM__ALWAYS_INLINE void
uvmsim__page_own(struct uvmsim_machine *m, struct vm_page *pg,
    const char *tag)
{
	if (__predict_false((pg->owner_tag != NULL) == (tag != NULL)))
		uvmsim__page_own_fail(m, pg, tag);
	pg->owner_tag = tag;
}

/*
 * uvmsim__pageactivate_held: uvmsim__pageactivate past its checks of the
 * caller's state, for a caller that has checked pg already and holds the
 * page queues all along (uvm_unloan's loop over its pages).
 *
 * => page queues locked; pg a page of m.
 */
static inline UVMSIM__ALWAYS_INLINE void
uvmsim__pageactivate_held(struct uvmsim_machine *m, struct vm_page *pg)
{
	KASSERT((pg->pqflags & PQ_FREE) == 0);
	if (pg->pqflags & PQ_INACTIVE) {
		TAILQ_REMOVE(&m->uvm.page_inactive, pg, pageq);
		pg->pqflags &= ~PQ_INACTIVE;
		m->uvmexp.inactive--;
	}
	if (pg->wire_count == 0) {
		if (pg->pqflags & PQ_ACTIVE)
			TAILQ_REMOVE(&m->uvm.page_active, pg, pageq);
		else {
			pg->pqflags |= PQ_ACTIVE;
			m->uvmexp.active++;
		}
		TAILQ_INSERT_TAIL(&m->uvm.page_active, pg, pageq);
	}
	uvmsim__page_ev(m, UVMSIM_EV_PAGE_ACTIVATE, pg);
}

/*
 * uvmsim__pageactivate: uvm_pageactivate on m, the current machine: put
 * pg at the tail of the active queue.
 *
 * => page queues locked.
 * => a wired page stays on no queue (it only leaves the inactive queue).
 */
static inline UVMSIM__ALWAYS_INLINE void
uvmsim__pageactivate(struct uvmsim_machine *m, struct vm_page *pg)
{
	uvmsim__page_valid(m, pg, "uvm_pageactivate");
	LOCK_ASSERT(uvmsim__simple_lock_held(m, &m->uvm.pageqlock));
	uvmsim__pageactivate_held(m, pg);
}

/* The page queues are locked by m's current CPU (uvm_page.c's checks). */
#define PQ_LOCKED(m)	((m)->uvm.pageqlock.lock_holder == (m)->curcpu + 1)

/*
 * uvmsim__page_unqueue: take pg off the active or inactive queue, if on
 * one; no event (the callers' own follows).
 *
 * => page queues locked.
 */
static inline UVMSIM__ALWAYS_INLINE void
uvmsim__page_unqueue(struct uvmsim_machine *m, struct vm_page *pg)
{
	if (pg->pqflags & PQ_ACTIVE) {
		TAILQ_REMOVE(&m->uvm.page_active, pg, pageq);
		pg->pqflags &= ~PQ_ACTIVE;
		m->uvmexp.active--;
	} else if (pg->pqflags & PQ_INACTIVE) {
		TAILQ_REMOVE(&m->uvm.page_inactive, pg, pageq);
		pg->pqflags &= ~PQ_INACTIVE;
		m->uvmexp.inactive--;
	}
}

/*
 * uvmsim__pagedequeue: uvm_pagedequeue on m, the current machine: take pg
 * off whichever paging queue it is on.  Inline where it is named (the
 * first loan of a page to the kernel, in 1.39's behaviour, takes it off
 * its queue on every loan).
 *
 * => page queues locked.
 */
static inline UVMSIM__ALWAYS_INLINE void
uvmsim__pagedequeue(struct uvmsim_machine *m, struct vm_page *pg)
{
	uvmsim__page_valid(m, pg, "uvm_pagedequeue");
	LOCK_ASSERT(PQ_LOCKED(m));
	KASSERT((pg->pqflags & PQ_FREE) == 0);
	uvmsim__page_unqueue(m, pg);
	uvmsim__page_ev(m, UVMSIM_EV_PAGE_DEQUEUE, pg);
}

/*
 * uvmsim__pageactivate_new: uvmsim__pageactivate of a page that
 * uvm_pagealloc has just handed out on m and the caller has checked (the
 * loan break's copy, after uvmsim__pagecopy): on no queue and not wired,
 * as the allocation left it, which one test asserts.
 *
 * => page queues locked.
 */
static inline UVMSIM__ALWAYS_INLINE void
uvmsim__pageactivate_new(struct uvmsim_machine *m, struct vm_page *pg)
{
	LOCK_ASSERT(uvmsim__simple_lock_held(m, &m->uvm.pageqlock));
	KASSERT(((pg->pqflags & (PQ_FREE | PQ_ACTIVE | PQ_INACTIVE)) |
	    pg->wire_count) == 0);
	pg->pqflags |= PQ_ACTIVE;
	m->uvmexp.active++;
	TAILQ_INSERT_TAIL(&m->uvm.page_active, pg, pageq);
	uvmsim__page_ev(m, UVMSIM_EV_PAGE_ACTIVATE, pg);
}

/*
 * uvmsim__pagecopy: uvm_pagecopy on m, the current machine: copy the
 * contents of src into dst (the frame module's copy); dst is no longer
 * clean.
 */
static inline UVMSIM__ALWAYS_INLINE void
uvmsim__pagecopy(struct uvmsim_machine *m, struct vm_page *src,
    struct vm_page *dst)
{
	uvmsim__page_valid(m, src, "uvm_pagecopy");
	uvmsim__page_valid(m, dst, "uvm_pagecopy");
	KASSERT((src->pqflags & PQ_FREE) == 0);
	KASSERT((dst->pqflags & PQ_FREE) == 0);
	dst->flags &= ~PG_CLEAN;
	uvmsim__frame_copy(m, dst, src);
	uvmsim__ev(m, UVMSIM_EV_PAGE_COPY, uvmsim__pgid(m, src),
	    uvmsim__pgid(m, dst), 0, 0);
}

#ifdef UVMSIM_LOCK_M
#undef UVM_PAGE_OWN
#define UVM_PAGE_OWN(pg, tag)	uvmsim__page_own(UVMSIM_LOCK_M, (pg), (tag))
#define uvm_pageactivate(pg)	uvmsim__pageactivate(UVMSIM_LOCK_M, (pg))
#define uvm_pagealloc(obj, off, anon, flags)				\
	uvmsim__pagealloc(UVMSIM_LOCK_M, (obj), (off), (anon), (flags))
#endif

#endif /* UVMSIM_UVM_PAGE_I_H */
