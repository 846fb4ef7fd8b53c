/*
 * uvm_anon_i.h: uvm_analloc's body, inline, for the fault handler, which
 * allocates an anon on every zero fill and copy-on-write, and the look of
 * uvm_anon_lockloanpg, which every loan break makes.  Not installed.
 *
 * uvm_anon.c's public uvm_analloc and uvm_anon_lockloanpg are these
 * bodies for the current machine; the fault (uvm_fault.c) calls them
 * with its own m, without a call.  The
 * free list grows a block at a time (uvmsim__anon_grow, uvm_anon.c), out
 * of line.  Include after kern_lock.h.
 */
#ifndef UVMSIM_UVM_ANON_I_H
#define UVMSIM_UVM_ANON_I_H

#include "uvmsim_state.h"
#include "kern_lock.h"
#include "uvmsim_trace.h"

/* Add a block of anons to m's free list (afreelock held); false at the
 * machine's anon limit or out of host memory. */
bool	uvmsim__anon_grow(struct uvmsim_machine *m);

/*
 * uvmsim__analloc: uvm_analloc on m, the current machine: allocate an
 * anon.
 *
 * => returns the anon locked, with one reference and no page or swap
 *	slot; NULL when no anon can be had (out of swap).
 */
static inline UVMSIM__ALWAYS_INLINE struct vm_anon *
uvmsim__analloc(struct uvmsim_machine *m)
{
	struct vm_anon *a;

	if (uvmsim__fp(m, UVMSIM_FP_ANALLOC))
		return NULL;
	uvmsim__simple_lock(m, &m->uvm.afreelock, __FILE__, __LINE__);
	if (m->uvm.afree == NULL && !uvmsim__anon_grow(m)) {
		uvmsim__simple_unlock(m, &m->uvm.afreelock, __FILE__,
		    __LINE__);
		return NULL;
	}
	a = m->uvm.afree;
	m->uvm.afree = a->u.an_nxt;
	m->uvmexp.nfreeanon--;
	a->an_ref = 1;
	a->an_swslot = 0;
	a->u.an_page = NULL;
	a->an_id = ++m->next_anon_id;
	a->an_loans = 0;
	TAILQ_INSERT_TAIL(&m->anons, a, an_list);
	/* (a free anon's lock is free: uvmsim__simple_lock panics if not) */
	uvmsim__simple_lock(m, &a->an_lock, __FILE__, __LINE__);
	uvmsim__simple_unlock(m, &m->uvm.afreelock, __FILE__, __LINE__);
	uvmsim__ev(m, UVMSIM_EV_ANON_ALLOC, a->an_id, 0, 0, 0);
	return a;
}

/* uvm_anon_lockloanpg's work for a page of an object or an orphan
 * (uvm_anon.c, out of line). */
struct vm_page *uvmsim__anon_lockloanpg_work(struct uvmsim_machine *m,
	    struct vm_anon *anon);

/*
 * uvmsim__anon_lockloanpg: uvm_anon_lockloanpg on m, the current machine
 * (its comment in uvm_anon.c).  Inline for the fault, whose loan break of
 * the anon's own page, lent to the kernel, has nothing to lock or adopt:
 * the look at the page, and no call.
 *
 * => anon locked; it stays locked.
 */
static inline UVMSIM__ALWAYS_INLINE struct vm_page *
uvmsim__anon_lockloanpg(struct uvmsim_machine *m, struct vm_anon *anon)
{
	struct vm_page *pg = anon->u.an_page;

	LOCK_ASSERT(uvmsim__simple_lock_held(m, &anon->an_lock));
	if (pg == NULL || pg->loan_count == 0 ||
	    (pg->uobject == NULL && uvmsim__pg_isanon(m, pg)))
		return pg;	/* the anon's own, or none: nothing to do */
	return uvmsim__anon_lockloanpg_work(m, anon);
}

#endif /* UVMSIM_UVM_ANON_I_H */
