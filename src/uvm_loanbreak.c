/*
 * uvm_loanbreak.c: breaking a loan when the owner of a loaned page wants
 * to write it.
 *
 * A loaned page must not change while it is lent (its borrowers read it),
 * so an owner that writes to it, or wires it, takes a fresh copy and
 * leaves the old frame, unchanged, to the borrowers:
 *
 *   uvm_loanbreak	an object's page: the copy takes the old page's
 *			place in the object; the old page becomes an orphan
 *			(or stays with the anon that borrowed it).
 *   uvm_loanbreak_anon	an anon's page: the copy becomes the anon's page;
 *			the old page goes back to the object it was borrowed
 *			from, or, if the anon owned it and lent it to the
 *			kernel, becomes an orphan that the kernel's loans
 *			keep alive.
 *
 * NetBSD 1.6's uvm_fault did these steps inline; later NetBSD moved them
 * into uvm_loan.c under these names and signatures.  They live in a file
 * of their own here because the fault handler calls them whichever loan
 * module is linked: a kernel uvm_loan.c of 1.6's era, compiled in place
 * of the library's, does not have them.
 *
 * Invariants kept: the copy is made before any mapping of the old page is
 * taken away, so no reader ever sees a half-made page; the old page has no
 * mapping left (pmap_page_protect(VM_PROT_NONE)), so the owner's next
 * access faults and finds the copy; loan_count changes only with the
 * page's owner and the page queues locked.
 */
#include <errno.h>

#define UVMSIM_LOCK_M	m	/* locks use the functions' m (kern_lock.h) */
#include "uvmsim_state.h"
#include "uvmsim_cur.h"
#include "kern_lock.h"
#include "uvm_page_i.h"
#include "uvmsim_trace.h"
#include "uvmsim_frame.h"
#include "uvmsim_vm.h"

/*
 * uvm_loanbreak: give an object a private copy of its loaned page.
 *
 * => uobjpage's object locked; the page may be busy (it is unbusied).
 * => returns the copy, PG_BUSY, in the object at uobjpage's offset and on
 *	the active queue; NULL (nothing changed) when no page is free.
 */
struct vm_page *
uvm_loanbreak(struct vm_page *uobjpage)
{
	struct uvmsim_machine *m = uvmsim__cur();
	struct uvm_object *uobj = uobjpage->uobject;
	struct vm_page *pg;
	voff_t off;

	KASSERT(uobj != NULL);
	KASSERT(uobjpage->loan_count != 0);
	LOCK_ASSERT(simple_lock_held(&uobj->vmobjlock));

	pg = uvm_pagealloc(NULL, 0, NULL, 0);
	if (pg == NULL)
		return NULL;
	uvm_pagecopy(uobjpage, pg);
	pg->flags &= ~PG_FAKE;
	pmap_page_protect(uobjpage, VM_PROT_NONE);
	if (uobjpage->flags & PG_BUSY) {
		uobjpage->flags &= ~(PG_BUSY | PG_WANTED);
		UVM_PAGE_OWN(uobjpage, NULL);
	}

	uvm_lock_pageq();
	/* locked: uobj, page queues */
	off = uobjpage->offset;
	uvm_pagerealloc(uobjpage, NULL, 0);
	if (uobjpage->uanon == NULL)
		uvm_pagedequeue(uobjpage);	/* an orphan: on no queue */
	uvm_pagerealloc(pg, uobj, off);
	uvm_pageactivate(pg);
	uvm_unlock_pageq();
	uvmsim__ev(m, UVMSIM_EV_LOAN_BREAK, uvmsim__pgid(m, uobjpage),
	    uvmsim__pgid(m, pg), uvmsim__objid(uobj), 0);
	return pg;
}

/*
 * uvm_loanbreak_anon: give an anon a private copy of its loaned page.
 *
 * => anon locked, and its page's object (uobj) if the anon borrowed the
 *	page from one; uobj is unlocked on success.
 * => returns 0, the copy now the anon's page, unbusy, on the active
 *	queue; ENOMEM (nothing changed, nothing unlocked) when no page is
 *	free.
 */
int
uvm_loanbreak_anon(struct vm_anon *anon, struct uvm_object *uobj)
{
	struct uvmsim_machine *m = uvmsim__cur();
	struct vm_page *opg = anon->u.an_page, *npg;

	LOCK_ASSERT(simple_lock_held(&anon->an_lock));
	KASSERT(opg != NULL && opg->loan_count != 0);
	KASSERT(opg->uobject == uobj);
	LOCK_ASSERT(uobj == NULL || simple_lock_held(&uobj->vmobjlock));

	npg = uvm_pagealloc(NULL, 0, NULL, 0);
	if (npg == NULL)
		return ENOMEM;
	/* (uvm_pagecopy inline: a fault makes this copy on every break) */
	uvmsim__pagecopy(m, opg, npg);
	pmap_page_protect(opg, VM_PROT_NONE);

	uvm_lock_pageq();
	/* locked: anon, uobj (if any), page queues */
	if (uobj == NULL) {
		/* The anon owned the page and lent it to the kernel: the
		 * kernel's loans alone keep it now. */
		KASSERT(uvmsim__pg_isanon(m, opg));
		uvmsim__pg_setanon(m, opg, false);
		/* (uvm_pagedequeue: opg checked by the copy, the page
		 * queues locked just above) */
		uvmsim__page_unqueue(m, opg);
		uvmsim__page_ev(m, UVMSIM_EV_PAGE_DEQUEUE, opg);
	} else
		opg->loan_count--;		/* the anon's loan from uobj */
	opg->uanon = NULL;
	anon->u.an_page = npg;
	npg->uanon = anon;
	uvmsim__pg_setanon(m, npg, true);
	uvmsim__pageactivate_new(m, npg);	/* (npg: on no queue, unwired) */
	uvm_unlock_pageq();
	npg->flags &= ~(PG_BUSY | PG_FAKE);
	UVM_PAGE_OWN(npg, NULL);
	uvmsim__ev(m, UVMSIM_EV_LOAN_BREAK, uvmsim__pgid(m, opg),
	    uvmsim__pgid(m, npg), 0, anon->an_id);
	if (uobj != NULL)
		simple_unlock(&uobj->vmobjlock);
	return 0;
}
