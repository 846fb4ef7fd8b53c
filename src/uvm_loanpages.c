/*
 * uvm_loanpages.c: lending an object's pages to the kernel by offset,
 * with no map in between (later NetBSD's uvm_loanuobjpages; the modern
 * loan behaviour only).
 *
 * uvm_loan lends what a range of a map shows; a kernel service that holds
 * the object itself (NetBSD's NFS server, answering a read straight from
 * a file's pages) lends by offset instead:
 *
 *   uvm_loanuobjpages	pages [pgoff, pgoff + npages pages) of an object,
 *			read in if need be, in chunks of LOAN_GET_CHUNK
 *			pages (one pgo_get with PGO_SYNCIO each); the
 *			loans come back with uvm_unloan(..., UVM_LOAN_TOPAGE)
 *			like any other.
 *   uvm_loanpage	the O->K step: pages of one object, locked and
 *			resident, lent to the kernel: loan_count and the
 *			ledger's kloan_count up by one, write access taken
 *			from every mapping at the first loan, the page on
 *			the active queue (the modern behaviour keeps lent
 *			pages on the queues).
 *
 * States and invariants are uvm_loan.c's (1: loan_count = kernel loans +
 * 1 if an anon borrows the page; 2: no writable mapping of a lent page;
 * 6: a wired page is not lent; 7: on failure nothing stays lent).  Lock
 * order as there: the object, then the page queues; uvm_unloan, which
 * takes them the other way round, is called with the object unlocked.
 *
 * Both functions are NetBSD's since well after 1.6 (uvm_loan.c 1.104 has
 * them, uvm_loanpage static); they sit in a file of their own, as
 * uvm_loanbreak.c does, so that they are present whichever loan module is
 * linked.  In the 1.39 behaviour, and so with a 1.6 kernel uvm_loan.c in
 * place of the module, they lend nothing: ENOTSUP, saying why.
 *
 * Simulation notes.  Where NetBSD pauses and asks again (the pager said
 * EAGAIN, or a page was released during the I/O), nothing else runs in
 * the simulator but a hook, so the ask is repeated at once, at most
 * LOAN_GET_RETRY times in a row for one chunk; then the call fails.
 */
#include <errno.h>
#include <limits.h>
#include <string.h>

#include "uvmsim_state.h"
#include "uvmsim_cur.h"
#include "kern_lock.h"
#include "uvmsim_frame.h"

/* Pages asked of the pager at once (NetBSD's UVM_LOAN_GET_CHUNK). */
#define LOAN_GET_CHUNK	16
/* Gets of one chunk in a row that lend nothing before the call fails. */
#define LOAN_GET_RETRY	8

/*
 * loanpages_refuse: the 1.39 behaviour has neither function.
 */
static int
loanpages_refuse(struct uvmsim_machine *m, const char *fn)
{
	return uvmsim__error(m, ENOTSUP, "%s: the 1.39 loan behaviour does "
	    "not lend an object's pages by offset (later NetBSD does): make "
	    "the machine with loan \"modern\"", fn);
}

/*
 * loanpages_putback: put back the pages of a get that lends nothing:
 * free each one released meanwhile, unbusy the others onto the active
 * queue (where a fault would leave them), and clear the slots.
 *
 * => object locked; pgpp[0 .. n) busy (the get's).
 */
static void
loanpages_putback(struct vm_page **pgpp, int n)
{
	struct vm_page *pg;
	int i;

	for (i = 0; i < n; i++) {
		pg = pgpp[i];
		pgpp[i] = NULL;
		KASSERT(pg->flags & PG_BUSY);
		uvm_lock_pageq();
		if (pg->flags & PG_RELEASED) {
			uvm_pagefree(pg);	/* or disowned, if lent */
			uvm_unlock_pageq();
			continue;
		}
		if (pg->wire_count == 0)
			uvm_pageactivate(pg);
		uvm_unlock_pageq();
		pg->flags &= ~(PG_BUSY | PG_WANTED);
		UVM_PAGE_OWN(pg, NULL);
	}
}

/*
 * uvm_loanpage: lend npages pages of one object to the kernel.
 *
 * => the pages' object locked; the pages resident, not released, busy if
 *    and only if busied (then they are unbusied, whatever the result).
 * => returns 0, every page lent; EBUSY when a page is wired: the pages
 *    before it are given back (the object is unlocked meanwhile, then
 *    locked again) and none stays lent; ENOTSUP in the 1.39 behaviour
 *    (nothing done: busy pages stay busy).
 * => panics before a loan that would wrap a page's loan_count.
 */
int
uvm_loanpage(struct vm_page **pgpp, int npages, bool busied)
{
	struct uvmsim_machine *m = uvmsim__cur();
	struct uvm_object *uobj;
	struct vm_page *pg;
	int i, j, error = 0;

	KASSERT(pgpp != NULL && npages > 0);
	if (!m->loan_modern)
		return loanpages_refuse(m, "uvm_loanpage");
	uobj = pgpp[0]->uobject;
	KASSERT(uobj != NULL);
	LOCK_ASSERT(simple_lock_held(&uobj->vmobjlock));

	for (i = 0; i < npages; i++) {
		pg = pgpp[i];
		uvmsim__page_valid(m, pg, "uvm_loanpage");
		KASSERT(pg->uobject == uobj);
		KASSERT((pg->flags & PG_RELEASED) == 0);
		KASSERT(busied == ((pg->flags & PG_BUSY) != 0));
		if (pg->wire_count != 0) {
			error = uvmsim__error(m, EBUSY, "uvm_loanpage: the page "
			    "at offset %#jx of object %u is wired: a wired "
			    "page is not lent", (uintmax_t)pg->offset,
			    uobj->uo_id);
			break;
		}
		/* locked: uobj */
		uvm_lock_pageq();
		if (__predict_false(pg->loan_count == UINT_MAX))
			uvmsim__panic(m, "uvm_loanpage: page %" PRIu64 " is "
			    "lent %u times: one more loan would wrap "
			    "loan_count to 0", uvmsim__pgid(m, pg),
			    pg->loan_count);
		if (pg->loan_count == 0)
			pmap_page_protect(pg, VM_PROT_READ);	/* no writer */
		pg->loan_count += 1;
		pg->kloan_count += 1;
		uvm_pageactivate(pg);
		uvm_unlock_pageq();
	}

	for (j = 0; busied && j < npages; j++) {
		pg = pgpp[j];
		if (j >= i && pg->wire_count == 0 && pg->loan_count == 0) {
			/* Not lent: on the active queue, as lent ones are. */
			uvm_lock_pageq();
			uvm_pageactivate(pg);
			uvm_unlock_pageq();
		}
		pg->flags &= ~(PG_BUSY | PG_WANTED);
		UVM_PAGE_OWN(pg, NULL);
	}
	if (error != 0 && i > 0) {
		/* Give back what was lent: uvm_unloan locks the page queues
		 * before the owner, so the object is let go meanwhile. */
		simple_unlock(&uobj->vmobjlock);
		uvm_unloan(pgpp, i, UVM_LOAN_TOPAGE);
		simple_lock(&uobj->vmobjlock);
	}
	return error;
}

/*
 * loanuobjchunk: lend pages [pgoff, pgoff + npages pages) of uobj to the
 * kernel, through one get of them all (uvm_loanuobjpages' step).
 *
 * => nothing locked; npages <= LOAN_GET_CHUNK; pgpp[0 .. npages) NULL.
 * => returns 0 with the pages lent in pgpp, or an error with none lent
 *    and pgpp NULL again: the pager's, EBUSY (a wired page), or the
 *    pager's EAGAIN after LOAN_GET_RETRY tries.
 */
static int
loanuobjchunk(struct uvmsim_machine *m, struct uvm_object *uobj,
    voff_t pgoff, int npages, struct vm_page **pgpp)
{
	int error, n, i, tries = 0;
	bool released;

	simple_lock(&uobj->vmobjlock);
	for (;;) {
		/* locked: uobj */
		n = npages;
		error = uobj->pgops->pgo_get(uobj, pgoff, pgpp, &n, 0,
		    VM_PROT_READ, MADV_NORMAL, PGO_SYNCIO);
		/* locked: nothing; the pages busy unless error */
		if (error != 0 && error != EAGAIN)
			return uvmsim__error(m, error, "uvm_loanuobjpages: "
			    "pager error at offset %#jx of object %u: %s",
			    (uintmax_t)pgoff, uobj->uo_id,
			    uvmsim_strerror(error));
		simple_lock(&uobj->vmobjlock);
		released = false;
		for (i = 0; error == 0 && i < npages; i++) {
			KASSERT(pgpp[i] != NULL && pgpp[i]->uobject == uobj);
			if (pgpp[i]->flags & PG_RELEASED)
				released = true;
		}
		if (error == 0 && !released)
			break;
		/* EAGAIN, or a page let go of during the I/O: ask again
		 * (NetBSD pauses first). */
		if (error == 0)
			loanpages_putback(pgpp, npages);
		if (++tries >= LOAN_GET_RETRY) {
			simple_unlock(&uobj->vmobjlock);
			return uvmsim__error(m, error != 0 ? error : EAGAIN,
			    "uvm_loanuobjpages: offset %#jx of object %u: "
			    "asked the pager %d times in a row and lent "
			    "nothing (%s): gave up", (uintmax_t)pgoff,
			    uobj->uo_id, tries, error != 0 ? "it said EAGAIN" :
			    "a page was released during the I/O");
		}
	}

	/* locked: uobj; pgpp[0 .. npages) busy, ours */
	error = uvm_loanpage(pgpp, npages, true);
	simple_unlock(&uobj->vmobjlock);
	if (error != 0)
		memset(pgpp, 0, sizeof(pgpp[0]) * (size_t)npages);
	return error;
}

/*
 * uvm_loanuobjpages: lend npages pages of uobj, from offset pgoff, to the
 * kernel (O->K); they come back with uvm_unloan(pgpp, npages,
 * UVM_LOAN_TOPAGE).
 *
 * => uobj unlocked (it is locked here); pgoff page aligned; npages > 0.
 * => returns 0 with pgpp[0 .. npages) the pages lent, each read in if it
 *    was not resident; or an error with none lent and pgpp all NULL:
 *    the pager's (EIO, EINVAL past the end of a file, EAGAIN after
 *    LOAN_GET_RETRY tries), EBUSY for a wired page, ENOTSUP in the 1.39
 *    behaviour.  uvmsim_last_error() says why (cleared on entry).
 */
int
uvm_loanuobjpages(struct uvm_object *uobj, voff_t pgoff, int npages,
    struct vm_page **pgpp)
{
	struct uvmsim_machine *m = uvmsim__cur();
	int ndone, chunk, error = 0;

	KASSERT(uobj != NULL && pgpp != NULL && npages > 0);
	KASSERT(pgoff >= 0 && (pgoff & (voff_t)(m->pagesize - 1)) == 0);
	uvmsim__error_clear(m);
	memset(pgpp, 0, sizeof(pgpp[0]) * (size_t)npages);
	if (!m->loan_modern)
		return loanpages_refuse(m, "uvm_loanuobjpages");
	if (uobj->pgops->pgo_get == NULL)
		return uvmsim__error(m, EIO, "uvm_loanuobjpages: object %u "
		    "has a pager that cannot get pages", uobj->uo_id);

	for (ndone = 0; ndone < npages; ndone += chunk) {
		chunk = npages - ndone < LOAN_GET_CHUNK ? npages - ndone :
		    LOAN_GET_CHUNK;
		error = loanuobjchunk(m, uobj, pgoff +
		    ((voff_t)ndone << m->pageshift), chunk, pgpp + ndone);
		if (error != 0) {
			/* Nothing locked: the earlier chunks come back. */
			if (ndone != 0)
				uvm_unloan(pgpp, ndone, UVM_LOAN_TOPAGE);
			memset(pgpp, 0, sizeof(pgpp[0]) * (size_t)ndone);
			break;
		}
	}
	return error;
}
