/*
 * uvm_loan.c: page loanout: lending the pages behind a range of a map,
 * read-only, to the kernel or to anons, and taking them back.
 *
 * A loan lets another part of the system use a page without copying it
 * (a socket sending straight from a user buffer, a pipe, a page moved
 * into another address space).  The model is NetBSD 1.6's uvm_loan.c
 * (revision 1.39); this file is written afresh from its behaviour.  A
 * machine made with loan "modern" behaves as later NetBSD instead: one
 * shared zero page for zero loans, no O->A or 0->A loans, lent pages
 * kept on the paging queues, PG_ANON for an anon's own page (the places
 * below that test m->loan_modern; docs/loan.md lists what a user sees).
 * The kinds of loan, by where the page comes from and where it goes:
 *
 *	A->K	a page held by an anon, lent to the kernel
 *	O->K	a page of an object, lent to the kernel
 *	O->A	a page of an object, lent to an anon (the anon borrows it)
 *	A->A	an anon lent to another holder: it gains a reference and
 *		becomes copy-on-write shared; no page changes hands
 *	0->K	untouched copy-on-write memory: a fresh zeroed page that
 *		nobody owns, lent to the kernel
 *	0->A	the same, as a fresh anon holding a zeroed page
 *
 * One page may be on an O->A loan and O->K loans at once.  A kernel loan
 * is an entry of the caller's array of pages; an anon loan is a reference
 * to the anon (an_ref) in the caller's array of anons.
 *
 * States of a page with loans (loan_count > 0):
 *
 *	anon-owned	uanon set, PQ_ANON; loan_count counts kernel loans.
 *	object-owned	uobject set, PQ_ANON clear; loan_count counts the
 *			kernel loans, plus one if an anon borrows the page
 *			(uanon set: the O->A loan).
 *	orphan		its owner freed it while it was lent out
 *			(uvm_pagefree disowns a loaned page rather than
 *			freeing it): no uobject; either no owner at all, or
 *			the anon that borrowed it and has not yet adopted it
 *			(uanon set, PQ_ANON clear).
 *	kernel zero	a 0->K page: no owner, loan_count 1.
 *
 * Transitions: a loan (uvm_loan) moves an unloaned page into anon-owned or
 * object-owned, or makes a kernel zero page; the owner's write fault
 * (uvm_fault) gives the owner a fresh copy and leaves the old page to
 * its borrowers, as an orphan or still borrowed by an anon; the owner's
 * freeing of the page (uvm_unmap, pgo_put, the last pgo_detach) makes an
 * orphan; the return of a loan (uvm_unloan) counts down, and with no loan
 * left frees an ownerless page or puts an owned one back on the active
 * queue.  An anon that borrowed an orphan adopts it, turning its loan
 * into ownership: here when a kernel loan of the page comes back, in
 * uvm_anon_lockloanpg when the anon itself is used or freed.
 *
 * Invariants:
 *   1. loan_count = the kernel loans of the page + 1 if an anon borrows
 *	it (uanon set, PQ_ANON clear).
 *   2. a loaned page has no writable mapping: the first loan takes write
 *	access from every mapping (pmap_page_protect), and so does an A->A
 *	loan that makes an anon's page shared; the fault handler maps such
 *	pages read-only and copies them on write.
 *   3. a kernel loan takes the page off the paging queues (modern: puts
 *	it on the active queue, except the zero page, whose loans only
 *	count); the owner's fault that maps the lent page
 *	again puts it back on the active queue, as 1.6's fault handler
 *	activates every page it maps, so a page lent to the kernel is off
 *	the queues or active (an orphan, which no fault reaches, stays
 *	off).  A page whose only loan is to an anon stays on the paging
 *	queues (the anon's loan does not pin it), and is put on the active
 *	queue when lent.
 *   4. loan_count changes only with the page queues and the page's owner
 *	(if any) locked.
 *   5. each anon in a UVM_LOAN_TOANON result holds one reference for the
 *	loan, which uvm_unloan gives back.
 * The module keeps a ledger of 1 and 5 (pg->kloan_count, the kernel's
 * loans of a page; anon->an_loans, the references loans hold) so that
 * the checker can hold loan_count and an_ref to them exactly.
 *   6. a wired page is never lent (see the defects below).  Modern, as
 *	later NetBSD: a lent page may be wired read-only afterwards
 *	(uvm_fault breaks the loan only for a writable access or wiring);
 *	uvmsim_check's loan.wired then holds for ownerless pages only.
 *   7. when uvm_loan fails, every loan it made is returned before it
 *	returns: nothing is left lent, locked or referenced.
 *   8. loan_count never wraps: a loan that would take it past UINT_MAX
 *	panics (loan_wrapcheck), and so does an anon loan that would take
 *	an_ref past INT_MAX, before anything changes.  The checker's
 *	loan.wrap sees a count below the loans that exist.
 *
 * Lock order: map (read), amap, object, anon, page queues, as the fault
 * handler takes them.  Two places go against it, by try-lock: the anon
 * layer locks the object of a page that an anon borrowed
 * (uvm_anon_lockloanpg, inside uvmfault_anonget), and uvm_unloanpage,
 * which holds only the page queues when it meets a page, locks the
 * page's owner.  Each step below notes what it holds ("locked: ...").
 *
 * Errors.  uvm_loan returns 1.39's values (0, ENOENT, EINVAL) and clears
 * the thread's last error on entry; a failure leaves there why (each step
 * that fails says so with uvmsim__error) and where (uvm_loanentry puts the
 * address in front: loan_why_at).
 *
 * Simulation notes.  Where 1.39 sleeps, nothing in the simulator runs
 * meanwhile but a harness's lock-drop hook (<uvmsim/uvmsim.h>), so:
 *   - a pager that says EAGAIN makes the step sleep on lbolt (the
 *     "tsleep" hook runs, as for 1.39's tsleep) and return 0: uvm_loan
 *     looks the range up again, with no limit, as 1.39 does; only a
 *     shortage no sleep can end (a failpoint armed for ever) panics.
 *   - uvm_loanzero out of pages waits for the page daemon (uvm_wait) and
 *     relocks, as 1.39 does, on a machine whose cfg.uvm_wait lets the
 *     daemon run and while it frees something; otherwise the loan
 *     fails.
 *   - a busy page is waited for in uvmfault_anonget (the "page_wait"
 *     hook) and the pagers' I/O runs the "pgo_get" hook; there is no
 *     wakeup to owe a sleeper, so PG_WANTED is cleared with PG_BUSY.
 *   - a try-lock loop whose lock is really held runs the "lock_retry"
 *     hook between tries; a lock the hook left held could never be had,
 *     and that panics, saying so, instead of spinning for ever.
 *
 * Defects of 1.39 fixed here (each noted again where it is fixed):
 *   D1. uvm_loanzero lending to an anon returned with the new anon still
 *	locked (uvm_analloc returns it locked); returning the loan later
 *	then locked it against itself.
 *   D2. uvm_loanuobj: when the page it read in was released meanwhile,
 *	it freed the page and returned 0 with the object still locked; the
 *	lookup that follows locked it again.
 *   D3. uvm_loanuobj, after I/O, checked whether the amap slot at
 *	ufi->orig_rvaddr (the first page of the lookup) had been filled
 *	rather than the slot of the page being lent: an anon put at va
 *	meanwhile went unseen and the object's stale page was lent.
 *   D4. uvm_loanentry, meeting a page with nothing behind it (shared
 *	anonymous memory never touched), failed with the map and the amap
 *	still locked.
 *   D5. uvm_unloanpage, when an anon adopted an orphan, set PQ_ANON
 *	without counting the page in uvmexp.anonpages.
 *   D6. uvm_loananon, lending to the kernel a page that an anon borrowed
 *	from the entry's own object (locked already by uvm_loanentry): the
 *	anon layer's try-lock of that object could never succeed (1.39
 *	flags the spot with an XXXCDC comment).  The page is resident and
 *	its owner locked: it is lent without the anon layer.
 *   D7. uvm_loananon: when uvmfault_anonget failed, the entry's object,
 *	which anonget does not know of, stayed locked (tests/test_hooks.c:
 *	the map changes while anonget waits for a busy page).
 *   D8. wired pages: lending an anon's wired page to the kernel tripped a
 *	KASSERT (a panic a user could cause by lending mlock'ed memory);
 *	the other paths lent wired pages, whose owner's next write then
 *	moved the data to a fresh, unwired page, so that unwiring later
 *	found the wrong page.  A wired page now fails the loan (-1), as
 *	later NetBSD does.
 *   D9. uvm_loanuobj, out of anons for an O->A loan of a page it had
 *	just read in: the page was left in the object on no paging queue,
 *	neither busy, wired nor lent, where no page daemon could ever
 *	reclaim it.  It now goes on the active queue.
 */
#include <errno.h>
#include <limits.h>

#define UVMSIM_LOCK_M	m	/* locks use the functions' m (kern_lock.h) */
#include "uvmsim_state.h"
#include "uvmsim_cur.h"
#include "kern_lock.h"
#include "uvm_map_lock.h"
#include "uvm_fault_i.h"
#include "uvm_amap_i.h"
#include "uvm_page_i.h"
#include "uvmsim_frame.h"

/*
 * The fault-info helpers, inline with the function's m, as the fault
 * handler has them (uvm_fault_i.h): the same bodies as the public
 * functions, taking the same locks in the same order; and the amap's
 * slots read where the locked amap keeps them (uvm_amap_i.h).
 * uvm_page_i.h makes uvm_pageactivate, UVM_PAGE_OWN and uvm_pagealloc
 * its bodies on m likewise.
 */
#define uvmfault_lookup(ufi, write_lock)				\
	uvmsim__fault_lookup(m, (ufi), (write_lock), FALSE)
#define uvmfault_unlockall(ufi, amap, uobj, anon)			\
	uvmsim__fault_unlockall(m, (ufi), (amap), (uobj), (anon))
/* amap_slots of amap, aref's, which the caller has held locked since
 * uvm_loanentry's start, for one page at least (no checks of that). */
#define amap_slots_held(amap, aref, off, npages)			\
	uvmsim__amap_slots_held(m, (amap), (aref), (off), (npages),	\
	    "amap_lookups")

/* The amap slots uvm_loanentry checks and reads at once. */
#define LOAN_LOOKUP_CHUNK	32

/*
 * loan_put: append what was lent (a page or an anon) to the caller's
 * result array and move the caller's cursor past it.
 */
static inline void
loan_put(void ***cursor, void *what)
{
	void **slot = *cursor;

	*slot = what;
	*cursor = slot + 1;
}

/*
 * loan_why_at: put the address a step failed at in front of the reason
 * it left (uvmsim_last_error), as uvm_loan's message.
 */
static void
loan_why_at(struct uvmsim_machine *m, vaddr_t va)
{
	char why[sizeof(m->errbuf)];

	snprintf(why, sizeof(why), "%s", uvmsim_last_error());
	(void)uvmsim__error(m, EINVAL, "uvm_loan: va %#jx: %s", (uintmax_t)va,
	    why);
}

/*
 * loan_unbusy: give back the busy hold a pgo_get gave us on pg.
 *
 * => pg's owner locked.
 */
static inline void
loan_unbusy(struct uvmsim_machine *m, struct vm_page *pg)
{
	KASSERT(pg->flags & PG_BUSY);
	pg->flags &= ~(PG_BUSY | PG_WANTED);
	UVM_PAGE_OWN(pg, NULL);
}

/*
 * loan_wrapcheck: the panic of a loan that would wrap pg's loan_count.
 *
 * => pg's owner locked.
 * => loan_count is a u_int: past UINT_MAX it would read 0, and the next
 *    write fault would go straight into a frame still lent (and the
 *    modern zero page, which every zero loan on the machine counts on,
 *    would be written).  Later NetBSD asserts after each increment that
 *    the count did not wrap; here the check comes first, so that a caught
 *    panic leaves the count and the page as they were.
 */
static inline void
loan_wrapcheck(struct uvmsim_machine *m, const struct vm_page *pg)
{
	if (__predict_false(pg->loan_count == UINT_MAX))
		uvmsim__panic(m, "uvm_loan: page %" PRIu64 " is lent %u times: "
		    "one more loan would wrap loan_count to 0",
		    uvmsim__pgid(m, pg), pg->loan_count);
}

/*
 * loan_anon_ref: one more reference to anon, held by an anon loan (A->A,
 * or O->A of a page an anon borrows already).
 *
 * => anon locked.
 * => an an_ref at INT_MAX panics, before anything changes: the next
 *    reference would overflow it (the A->A counterpart of loan_wrapcheck).
 */
static inline void
loan_anon_ref(struct uvmsim_machine *m, struct vm_anon *anon)
{
	if (__predict_false(anon->an_ref == INT_MAX))
		uvmsim__panic(m, "uvm_loan: anon %u has %d references: one more "
		    "loan would wrap an_ref", anon->an_id, anon->an_ref);
	anon->an_ref++;
	anon->an_loans++;
}

/*
 * loan_count_up: count one more loan of pg, to the kernel or to an anon.
 *
 * => pg's owner locked; page queues unlocked.
 * => panics if the count would wrap (loan_wrapcheck).
 * => the first loan takes write access from every mapping (invariant 2).
 *    In 1.39 a kernel loan takes the page off the paging queues (until a
 *    fault maps it again) and an anon's loan puts it on the active queue
 *    (invariant 3); the modern behaviour puts every lent page on the
 *    active queue.
 * => inline: each loan of a page to the kernel makes it.
 */
static inline UVMSIM__ALWAYS_INLINE void
loan_count_up(struct uvmsim_machine *m, struct vm_page *pg, bool tokernel)
{
	uvm_lock_pageq();
	/* locked: owner, page queues */
	KASSERT(pg->wire_count == 0);
	loan_wrapcheck(m, pg);
	if (pg->loan_count == 0)
		pmap_page_protect(pg, VM_PROT_READ);	/* no writer now */
	pg->loan_count += 1;
	if (tokernel)
		pg->kloan_count += 1;
	if (tokernel && !m->loan_modern)
		uvmsim__pagedequeue(m, pg);
	else
		uvm_pageactivate(pg);
	uvm_unlock_pageq();
}

/*
 * unloan_ownerlock: the lock of pg's owner, or NULL for a page with none.
 */
static inline struct simplelock *
unloan_ownerlock(struct vm_page *pg)
{
	if (pg->uobject != NULL)
		return &pg->uobject->vmobjlock;
	if (pg->uanon != NULL)
		return &pg->uanon->an_lock;
	return NULL;
}

/*
 * unloan_lockowner_retry: unloan_lockowner after a try-lock of lk, the
 * owner's lock, failed: drop the page queues and retake them, look the
 * owner up afresh and try again, until it is had or gone.
 *
 * => page queues locked, as on return.
 * => out of line: a page's owner is locked at the first try but for a
 *    failpoint or a lock-drop hook's doing.
 */
static __attribute__((__noinline__)) struct simplelock *
unloan_lockowner_retry(struct uvmsim_machine *m, struct vm_page *pg,
    struct simplelock *lk)
{
	uint64_t hold;
	void *owner;

	for (;;) {
		/*
		 * Only another CPU could let go of a lock that is really
		 * held: the "lock_retry" hook, run while the page queues are
		 * dropped.  Still held by the same taker after it, the retry
		 * would spin for ever.
		 */
		hold = uvmsim__lock_hold(lk);
		owner = pg->uobject != NULL ? (void *)pg->uobject :
		    (void *)pg->uanon;
		uvm_unlock_pageq();
		if (hold != 0) {
			(void)uvmsim__hook(m, UVMSIM_HOOK_LOCK_RETRY);
			if ((pg->uobject != NULL ? (void *)pg->uobject :
			    (void *)pg->uanon) == owner &&
			    uvmsim__lock_hold(lk) == hold)
				uvmsim__panic(m, "uvm_unloanpage: the owner of "
				    "page %" PRIu64 " is locked (taken at %s:%d): "
				    "the retry would spin for ever",
				    uvmsim__pgid(m, pg), lk->lock_file,
				    lk->lock_line);
		}
		uvm_lock_pageq();
		if ((lk = unloan_ownerlock(pg)) == NULL)
			return NULL;
		if (simple_lock_try(lk))
			return lk;
	}
}

/*
 * unloan_lockowner: lock the owner of a page coming back from the kernel.
 *
 * => page queues locked.  That is against the lock order, so the owner is
 *    taken by try-lock; between tries the page queues are dropped and
 *    retaken, which lets the owner change or go, so it is looked up
 *    afresh each time (unloan_lockowner_retry).
 * => returns the owner's lock, held, or NULL for a page with no owner.
 */
static inline UVMSIM__ALWAYS_INLINE struct simplelock *
unloan_lockowner(struct uvmsim_machine *m, struct vm_page *pg)
{
	struct simplelock *lk;

	if ((lk = unloan_ownerlock(pg)) == NULL)
		return NULL;
	if (simple_lock_try(lk))
		return lk;
	return unloan_lockowner_retry(m, pg, lk);
}

/*
 * loananon: uvm_loananon's work, on machine m.
 *
 * => as uvm_loananon; amap and uobj are the entry's (ufi->entry), as
 *    the caller has them at hand.
 * => *letgo is set when the step may have let the amap go and taken it
 *    again (uvmfault_anonget waited): the amap's slots may have changed
 *    meanwhile.  Untouched otherwise.
 * => uvm_loananon checks what is locked on entry; inline in
 *    uvm_loanentry, for each page an anon holds (one call a page fewer),
 *    which takes those locks itself and holds them from page to page.
 */
static inline UVMSIM__ALWAYS_INLINE int
loananon(struct uvmsim_machine *m, struct uvm_faultinfo *ufi,
    void ***output, int flags, struct vm_anon *anon, struct vm_amap *amap,
    struct uvm_object *uobj, bool *letgo)
{
	struct vm_page *pg;
	int error;

	simple_lock(&anon->an_lock);
	/* locked: map, amap, uobj, anon */
	pg = anon->u.an_page;

	if (flags & UVM_LOAN_TOANON) {
		if (pg != NULL && pg->wire_count != 0) {
			/* D8: a wired page is not shared (1.39 shared it).
			 * Both behaviours: uvm_loan.c 1.104 refuses only the
			 * anon's own page with an_ref 1 (docs/loan.md). */
			simple_unlock(&anon->an_lock);
			uvmfault_unlockall(ufi, amap, uobj, NULL);
			(void)uvmsim__error(m, EINVAL, "uvm_loananon: the page "
			    "of anon %u is wired: a wired page is not lent",
			    anon->an_id);
			return -1;
		}
		/*
		 * A->A: the borrower takes a reference and the anon becomes
		 * shared.  If that makes its own page shared for the first
		 * time, the page loses write access, so that the owner's
		 * next write copies it.  A page the anon borrowed is
		 * read-only already.
		 */
		if (pg != NULL && anon->an_ref == 1 &&
		    uvmsim__pg_isanon(m, pg))
			pmap_page_protect(pg, VM_PROT_READ);
		loan_anon_ref(m, anon);
		loan_put(output, anon);
		simple_unlock(&anon->an_lock);
		return 1;
	}

	/*
	 * A->K: the page must be resident, not busy, and its owner locked.
	 * That is what uvmfault_anonget gives, locking the object of a
	 * borrowed page by try-lock.  D6: if the page is borrowed from the
	 * entry's own object, that object is ours already and the try-lock
	 * could never succeed; the page is resident, and the anon layer
	 * has nothing to do but find it not busy.
	 */
	if (pg != NULL && uobj != NULL && pg->uobject == uobj) {
		if (pg->flags & (PG_BUSY | PG_RELEASED))
			uvmsim__panic(m, "uvm_loananon: page %" PRIu64 " of "
			    "anon %u is busy: the sleep would never end",
			    uvmsim__pgid(m, pg), anon->an_id);
	} else if (pg != NULL && pg->loan_count == 0 &&
	    (pg->flags & (PG_BUSY | PG_RELEASED)) == 0) {
		/*
		 * The anon's own page, resident, not busy and not lent
		 * yet: the first loan of a page.  Of uvmfault_anonget all
		 * that does is count the get and find the page usable, with
		 * nothing to lock or wait for; counted here, without the
		 * call.
		 */
		m->uvmexp.fltanget++;
	} else {
		*letgo = true;
		error = uvmfault_anonget(ufi, amap, anon);
		if (error != 0) {
			/*
			 * anonget unlocked the map, the amap and the anon.
			 * D7: the entry's object is not its to unlock.
			 */
			if (uobj != NULL &&
			    simple_lock_held(&uobj->vmobjlock))
				simple_unlock(&uobj->vmobjlock);
			if (error == EAGAIN)
				uvmsim__lbolt_sleep(m, "loanagain");
			if (error == ERESTART || error == EAGAIN)
				return 0;	/* look up again */
			(void)uvmsim__error(m, EINVAL, "uvm_loananon: the page "
			    "of anon %u could not be had: %s", anon->an_id,
			    uvmsim_strerror(error));
			return -1;
		}
		/* locked: map, amap, uobj, anon, and pg->uobject if any */
		pg = anon->u.an_page;
	}

	if (pg->wire_count != 0) {
		/* D8: a wired page is not lent (1.39: KASSERT). */
		if (pg->uobject != NULL && pg->uobject != uobj)
			simple_unlock(&pg->uobject->vmobjlock);
		simple_unlock(&anon->an_lock);
		uvmfault_unlockall(ufi, amap, uobj, NULL);
		(void)uvmsim__error(m, EINVAL, "uvm_loananon: the page of anon "
		    "%u is wired: a wired page is not lent", anon->an_id);
		return -1;
	}
	loan_count_up(m, pg, true);
	loan_put(output, pg);

	/* Keep what we came in with; drop what anonget added. */
	if (pg->uobject != NULL && pg->uobject != uobj)
		simple_unlock(&pg->uobject->vmobjlock);
	simple_unlock(&anon->an_lock);
	return 1;
}

/*
 * loanentry: uvm_loanentry's work, on machine m.
 *
 * => as uvm_loanentry, which checks its arguments first; inline in
 *    uvm_loan, whose own checks and lookup give those of uvm_loanentry
 *    already (one call a loan fewer).
 */
static inline UVMSIM__ALWAYS_INLINE int
loanentry(struct uvmsim_machine *m, struct uvm_faultinfo *ufi,
    void ***output, int flags)
{
	struct vm_map_entry *entry = ufi->entry;
	struct vm_amap *amap = entry->aref.ar_amap;
	struct uvm_object *uobj = entry->object.uvm_obj;
	struct vm_anon *const *anons = NULL, *anon;
	vaddr_t va = ufi->orig_rvaddr;
	vsize_t left = ufi->size;
	int lent = 0, rv, looked = 0, next = 0;
	bool letgo = false;

	if (amap != NULL)
		amap_lock(amap);
	if (uobj != NULL)
		simple_lock(&uobj->vmobjlock);

	while (left > 0) {
		/* locked: map (read), amap, uobj */
		anon = NULL;
		if (amap != NULL) {
			/*
			 * The slots of the next pages are checked together
			 * and read where the locked amap keeps them; found
			 * again after a page whose step may have let the
			 * amap go (it waited, or read a page in), as they
			 * may have changed meanwhile.  Held all along, the
			 * amap is as it was.
			 */
			if (next == looked) {
				looked = left >> m->pageshift <
				    LOAN_LOOKUP_CHUNK ?
				    (int)(left >> m->pageshift) :
				    LOAN_LOOKUP_CHUNK;
				/* locked: amap (since the start); looked >= 1,
				 * as left > 0 */
				anons = amap_slots_held(amap, &entry->aref,
				    va - entry->start, looked);
				next = 0;
			}
			anon = anons[next++];
		}
		if (anon != NULL) {
			/* The anon layer hides the object's page. */
			rv = loananon(m, ufi, output, flags, anon, amap,
			    uobj, &letgo);
		} else if (uobj != NULL) {
			rv = uvm_loanuobj(ufi, output, flags, va);
			letgo = true;
		} else if (UVM_ET_ISCOPYONWRITE(entry)) {
			rv = uvm_loanzero(ufi, output, flags);
			letgo = true;
		} else {
			/*
			 * Nothing behind the page and nothing to copy it
			 * from: shared anonymous memory not yet touched.
			 * D4: 1.39 failed here with the map and the amap
			 * still locked.
			 */
			uvmfault_unlockall(ufi, amap, NULL, NULL);
			(void)uvmsim__error(m, EINVAL, "uvm_loanentry: nothing "
			    "to lend: shared anonymous memory never touched");
			rv = -1;
		}
		/* rv > 0: still locked: map, amap, uobj; else unlocked */
		if (rv < 0) {
			loan_why_at(m, va);
			return -1;
		}
		if (rv == 0)
			return lent;
		if (__predict_false(letgo)) {
			looked = next;		/* find the slots again */
			letgo = false;
		}
		lent++;
		va += m->pagesize;
		left -= m->pagesize;
	}

	uvmfault_unlockall(ufi, amap, uobj, NULL);
	return lent;
}

/*
 * uvm_loanentry: lend the pages of one map entry, from ufi->orig_rvaddr
 * for ufi->size bytes.
 *
 * => ufi is a successful uvmfault_lookup: the map is read-locked on
 *    entry.  It is unlocked on return, whatever the result.
 * => output is the caller's cursor in its result array; each page lent
 *    is stored there and the cursor advanced.
 * => returns the number of pages lent (all of them, or those lent before
 *    the lookup went stale), 0 if the lookup went stale before any was
 *    lent (look up again), or -1 on error (the pages lent by this call
 *    stay in the array, for the caller to return).
 */
int
uvm_loanentry(struct uvm_faultinfo *ufi, void ***output, int flags)
{
	struct uvmsim_machine *m = uvmsim__cur();
	struct vm_map_entry *entry = ufi->entry;
	vaddr_t va = ufi->orig_rvaddr;
	vsize_t left = ufi->size;

	KASSERT(output != NULL && *output != NULL);
	KASSERT(va >= entry->start && left > 0 && left <= entry->end - va);
	KASSERT(((va | left) & (m->pagesize - 1)) == 0);
	return loanentry(m, ufi, output, flags);
}

/*
 * uvm_loan: lend the pages of [start, start + len) of map, to the kernel
 * (UVM_LOAN_TOPAGE: v is an array of struct vm_page *) or to anons
 * (UVM_LOAN_TOANON: an array of struct vm_anon *), one entry per page.
 *
 * => map unlocked; start and len page aligned; exactly one flag.
 * => returns 0 with every page lent, or an error with none: ENOENT when
 *    part of the range is not mapped, EINVAL for any other failure.
 * => the thread's last error (uvmsim_last_error) is cleared on entry; a
 *    failure leaves its reason there, with the address it failed at: a
 *    hole, a wired page, out of memory, a pager error at an offset, a
 *    loan the modern behaviour does not make.
 */
int
uvm_loan(struct vm_map *map, vaddr_t start, vsize_t len, void *v, int flags)
{
	struct uvmsim_machine *m = uvmsim__cur();
	struct uvm_faultinfo fi;
	void **first = v, **cursor = v;
	int n, error;

	KASSERT(((flags & UVM_LOAN_TOANON) != 0) !=
	    ((flags & UVM_LOAN_TOPAGE) != 0));
	KASSERT(map != NULL && (map->flags & VM_MAP_INTRSAFE) == 0);
	KASSERT(((start | len) & (m->pagesize - 1)) == 0);
	KASSERT(len == 0 || v != NULL);

	UVMSIM__ERROR_CLEAR(m);
	while (len != 0) {
		fi.orig_map = map;
		fi.orig_rvaddr = start;
		fi.orig_size = len;
		if (!uvmfault_lookup(&fi, FALSE)) {
			error = uvmsim__error(m, ENOENT, "uvm_loan: a hole at "
			    "va %#jx: nothing mapped there", (uintmax_t)start);
			goto unwind;
		}
		/* locked: map (read).  uvm_loanentry's checks hold: the
		 * range is page aligned and v has room, the lookup put
		 * [start, start + fi.size) inside fi.entry. */
		n = loanentry(m, &fi, &cursor, flags);
		/* locked: nothing */
		if (n < 0) {
			error = EINVAL;
			goto unwind;
		}
		if (n == 0)
			continue;	/* stale lookup: look again */
		start += (vaddr_t)n << m->pageshift;
		len -= (vsize_t)n << m->pageshift;
	}
	return 0;

unwind:
	/* Nothing is locked: return what was lent before the failure. */
	if (cursor != first)
		uvm_unloan(first, (int)(cursor - first), flags);
	return error;
}

/*
 * uvm_loananon: lend the page of an anon of the entry's amap (A->K), or
 * the anon itself (A->A).
 *
 * => locked on entry: map (read), amap, the entry's object if any.
 * => returns 1: lent, and everything still locked as on entry; 0: the
 *    lookup went stale, everything unlocked (look up again); -1: error,
 *    everything unlocked.
 */
int
uvm_loananon(struct uvm_faultinfo *ufi, void ***output, int flags,
    struct vm_anon *anon)
{
	struct uvmsim_machine *m = uvmsim__cur();
	struct vm_amap *amap = ufi->entry->aref.ar_amap;
	struct uvm_object *uobj = ufi->entry->object.uvm_obj;
	bool letgo;

	KASSERT(anon != NULL && amap != NULL);
	LOCK_ASSERT(simple_lock_held(&amap->am_l));
	LOCK_ASSERT(uobj == NULL || simple_lock_held(&uobj->vmobjlock));
	return loananon(m, ufi, output, flags, anon, amap, uobj, &letgo);
}

/*
 * loan_pager_error: the reason of a loan that failed in the pager.
 *
 * => returns -1, the step's error.
 */
static int
loan_pager_error(struct uvmsim_machine *m, const struct uvm_object *uobj,
    voff_t off, int error)
{
	(void)uvmsim__error(m, EINVAL, "uvm_loanuobj: pager error at offset "
	    "%#jx of object %u: %s", (uintmax_t)off, uobj->uo_id,
	    uvmsim_strerror(error));
	return -1;
}

/*
 * uvm_loanuobj: lend the page of the entry's object at address va, to
 * the kernel (O->K) or to an anon (O->A).
 *
 * => locked on entry: map (read), amap if any, the entry's object.
 * => returns 1: lent, everything still locked as on entry; 0: the lookup
 *    went stale, everything unlocked (look up again); -1: error,
 *    everything unlocked.
 * => a page that is not resident is read in with only the object locked
 *    (pgo_get with PGO_SYNCIO, which unlocks it); then everything is
 *    relocked and checked: a map that changed, a page released, or an
 *    anon put in the amap slot of va meanwhile means the lookup is stale.
 */
int
uvm_loanuobj(struct uvm_faultinfo *ufi, void ***output, int flags,
    vaddr_t va)
{
	struct uvmsim_machine *m = uvmsim__cur();
	struct vm_map_entry *entry = ufi->entry;
	struct vm_amap *amap = entry->aref.ar_amap;
	struct uvm_object *uobj = entry->object.uvm_obj;
	struct vm_page *pg = NULL;
	struct vm_anon *anon;
	voff_t off;
	boolean_t locked;
	int error, npages = 1;

	KASSERT(uobj != NULL);
	KASSERT(va >= entry->start && va < entry->end);
	LOCK_ASSERT(amap == NULL || simple_lock_held(&amap->am_l));
	LOCK_ASSERT(simple_lock_held(&uobj->vmobjlock));
	off = entry->offset + (voff_t)(va - entry->start);

	if (m->loan_modern && (flags & UVM_LOAN_TOANON) != 0) {
		/* The modern behaviour lends no object page to an anon
		 * (later NetBSD compiles O->A out): the loan fails before
		 * any I/O. */
		uvmfault_unlockall(ufi, amap, uobj, NULL);
		(void)uvmsim__error(m, EINVAL, "uvm_loanuobj: the modern loan "
		    "behaviour lends no object page to an anon");
		return -1;
	}

	/* First the resident page, everything locked. */
	if (uobj->pgops->pgo_get == NULL)
		error = EIO;		/* a pager that cannot get pages */
	else
		error = uobj->pgops->pgo_get(uobj, off, &pg, &npages, 0,
		    VM_PROT_READ, MADV_NORMAL, PGO_LOCKED);
	if (error != 0 && error != EBUSY) {
		uvmfault_unlockall(ufi, amap, uobj, NULL);
		return loan_pager_error(m, uobj, off, error);
	}

	if (error == EBUSY) {
		/* It needs I/O: let go of all but the object. */
		uvmfault_unlockall(ufi, amap, NULL, NULL);
		/* locked: uobj */
		pg = NULL;
		npages = 1;
		error = uobj->pgops->pgo_get(uobj, off, &pg, &npages, 0,
		    VM_PROT_READ, MADV_NORMAL, PGO_SYNCIO);
		/* locked: nothing; pg busy unless error */
		if (error == EAGAIN) {
			/* A transient shortage: wait a tick, look up again. */
			uvmsim__lbolt_sleep(m, "fltagain2");
			return 0;
		}
		if (error != 0)
			return loan_pager_error(m, uobj, off, error);

		locked = uvmfault_relock(ufi);
		if (locked && amap != NULL)
			amap_lock(amap);
		simple_lock(&uobj->vmobjlock);
		/* locked: uobj, and map and amap if locked */

		/*
		 * D3: the slot to check is va's.  1.39 checked the slot of
		 * ufi->orig_rvaddr, the first page of the lookup.
		 */
		if ((pg->flags & PG_RELEASED) != 0 || (locked &&
		    amap != NULL && amap_lookup(&entry->aref,
		    va - entry->start) != NULL)) {
			if (locked)
				uvmfault_unlockall(ufi, amap, NULL, NULL);
			locked = FALSE;
		}
		if (!locked) {
			/* locked: uobj.  Put the page back; look again. */
			uvm_lock_pageq();
			if (pg->flags & PG_RELEASED) {
				uvm_pagefree(pg);	/* or disowned */
				pg = NULL;
			} else
				uvm_pageactivate(pg);
			uvm_unlock_pageq();
			if (pg != NULL)
				loan_unbusy(m, pg);
			/* D2: 1.39 kept the object locked after a free. */
			simple_unlock(&uobj->vmobjlock);
			return 0;
		}
	}

	/* locked: map, amap, uobj; pg busy (ours), not released */
	if (pg->wire_count != 0) {
		/* D8: a wired page is not lent. */
		loan_unbusy(m, pg);
		uvmfault_unlockall(ufi, amap, uobj, NULL);
		(void)uvmsim__error(m, EINVAL, "uvm_loanuobj: the page at offset "
		    "%#jx of object %u is wired: a wired page is not lent",
		    (uintmax_t)off, uobj->uo_id);
		return -1;
	}

	if ((flags & UVM_LOAN_TOANON) == 0) {
		/* O->K */
		loan_count_up(m, pg, true);
		loan_unbusy(m, pg);
		loan_put(output, pg);
		return 1;
	}

	/*
	 * O->A.  A page lent to an anon already keeps that anon: the
	 * borrower takes a reference to it.  The page is read-only since
	 * its first loan.
	 */
	if ((anon = pg->uanon) != NULL) {
		simple_lock(&anon->an_lock);
		loan_anon_ref(m, anon);
		simple_unlock(&anon->an_lock);
		loan_unbusy(m, pg);
		loan_put(output, anon);
		return 1;
	}

	/* The anon's loan counts on the page: a count that would wrap
	 * panics before an anon is made for it. */
	loan_wrapcheck(m, pg);
	anon = uvm_analloc();
	if (anon == NULL) {
		/*
		 * Out of anons (swap): the loan fails.  D9: an unlent page
		 * goes on the active queue, as the fault would leave it;
		 * 1.39 left a page it had just read in on no queue, where
		 * no page daemon could ever find it.
		 */
		uvm_lock_pageq();
		if (pg->loan_count == 0)
			uvm_pageactivate(pg);
		uvm_unlock_pageq();
		loan_unbusy(m, pg);
		uvmfault_unlockall(ufi, amap, uobj, NULL);
		(void)uvmsim__error(m, EINVAL, "uvm_loanuobj: out of memory: "
		    "no anon to borrow the page at offset %#jx of object %u "
		    "(swap is full)", (uintmax_t)off, uobj->uo_id);
		return -1;
	}
	/* locked: map, amap, uobj, anon.  The anon borrows the page. */
	anon->u.an_page = pg;
	pg->uanon = anon;
	anon->an_loans = 1;		/* the reference uvm_analloc gave */
	loan_count_up(m, pg, false);
	loan_unbusy(m, pg);
	simple_unlock(&anon->an_lock);
	loan_put(output, anon);
	return 1;
}

/*
 * The modern behaviour's zero page: one zeroed page, read-only, owned by
 * the machine's loan-zero object at offset 0, made at the first zero loan
 * and never freed.  Every 0->K loan lends that same page; its loan_count
 * counts them all.  The object's only pager operation is pgo_put, for a
 * page daemon that meets the page on a queue: it never frees the page,
 * only puts it back on the active queue (an anon borrows it) or takes it
 * off the queues.
 */
static int
loanzero_put(struct uvm_object *uobj, voff_t start, voff_t stop, int flags)
{
	struct uvmsim_machine *m = uvmsim__cur();
	struct vm_page *pg;

	(void)start;
	(void)stop;
	LOCK_ASSERT(simple_lock_held(&uobj->vmobjlock));
	if ((flags & PGO_FREE) != 0 &&
	    (pg = uvm_pagelookup(uobj, 0)) != NULL) {
		/* In use by a borrowing anon: keep it active.  Else it
		 * waits for the next loan on no queue at all. */
		uvm_lock_pageq();
		(pg->uanon == NULL ? uvm_pagedequeue : uvm_pageactivate)(pg);
		uvm_unlock_pageq();
	}
	simple_unlock(&uobj->vmobjlock);
	return 0;
}

static const struct uvm_pagerops loanzero_pager = {
	.pgo_put = loanzero_put,
	.pgo_name = "loanzero",
};

/*
 * loanzero_page: the modern zero page, made if need be.
 *
 * => returns it with the loan-zero object locked, or NULL (nothing
 *    locked) when no page is free.
 */
static struct vm_page *
loanzero_page(struct uvmsim_machine *m)
{
	struct uvm_object *zobj = &m->loanzero_obj;
	struct vm_page *pg;

	if (zobj->pgops == NULL)	/* the first zero loan */
		uvm_obj_init(zobj, &loanzero_pager, 1);	/* the kernel's own
							   reference, kept */
	simple_lock(&zobj->vmobjlock);
	if ((pg = uvm_pagelookup(zobj, 0)) != NULL)
		return pg;
	pg = uvm_pagealloc(zobj, 0, NULL, UVM_PGA_ZERO);
	if (pg == NULL) {
		simple_unlock(&zobj->vmobjlock);
		return NULL;
	}
	uvm_lock_pageq();
	uvm_pageactivate(pg);
	uvm_unlock_pageq();
	/* Zeros are its contents for good: never written, never busy. */
	pg->flags = (pg->flags & ~(PG_BUSY | PG_FAKE)) | PG_RDONLY;
	UVM_PAGE_OWN(pg, NULL);
	return pg;
}

/*
 * uvm_loanzero: lend a page of copy-on-write memory that was never
 * touched, whose contents are zeros.  1.39: a fresh zeroed page that
 * nobody owns (0->K), or a fresh anon holding one (0->A).  Modern: the
 * shared zero page (0->K); 0->A fails.
 *
 * => locked on entry: map (read), amap and object if any.
 * => returns 1: lent, everything still locked as on entry; 0: it waited
 *    for the page daemon and the map changed meanwhile, everything
 *    unlocked (look up again); -1: no page or anon could be had (no
 *    anon, or the wait could free nothing), everything unlocked.
 */
int
uvm_loanzero(struct uvm_faultinfo *ufi, void ***output, int flags)
{
	struct uvmsim_machine *m = uvmsim__cur();
	struct vm_map_entry *entry = ufi->entry;
	struct vm_amap *amap = entry->aref.ar_amap;
	struct uvm_object *uobj = entry->object.uvm_obj;
	struct vm_anon *anon;
	struct vm_page *pg;

	KASSERT(UVM_ET_ISCOPYONWRITE(entry));
	LOCK_ASSERT(amap == NULL || simple_lock_held(&amap->am_l));
	LOCK_ASSERT(uobj == NULL || simple_lock_held(&uobj->vmobjlock));

	if (m->loan_modern && (flags & UVM_LOAN_TOANON) != 0) {
		/* 0->A is compiled out of later NetBSD. */
		uvmfault_unlockall(ufi, amap, uobj, NULL);
		(void)uvmsim__error(m, EINVAL, "uvm_loanzero: the modern loan "
		    "behaviour makes no zero loan to an anon");
		return -1;
	}
	for (;;) {
		anon = NULL;
		if (m->loan_modern) {
			if ((pg = loanzero_page(m)) != NULL) {
				/* locked: map, amap, uobj, the loan-zero
				 * object.  Only the count changes (uvm_loan.c
				 * 1.104): the page is never mapped, and stays
				 * on whatever queue it is on, or none. */
				uvm_lock_pageq();
				loan_wrapcheck(m, pg);
				pg->loan_count += 1;
				pg->kloan_count += 1;
				uvm_unlock_pageq();
				simple_unlock(&m->loanzero_obj.vmobjlock);
				loan_put(output, pg);
				return 1;
			}
		} else if ((flags & UVM_LOAN_TOANON) == 0) {
			/* 0->K */
			pg = uvm_pagealloc(NULL, 0, NULL, UVM_PGA_ZERO);
			if (pg != NULL)
				break;
		} else {
			/* 0->A */
			anon = uvm_analloc();
			if (anon == NULL) {
				uvmfault_unlockall(ufi, amap, uobj, NULL);
				(void)uvmsim__error(m, EINVAL, "uvm_loanzero: "
				    "out of memory: no anon for a zero loan "
				    "(out of anons)");
				return -1;
			}
			pg = uvm_pagealloc(NULL, 0, anon, UVM_PGA_ZERO);
			if (pg != NULL)
				break;
		}
		/*
		 * No page: wait for the page daemon with everything
		 * unlocked, as 1.39 does, and relock; a map that changed
		 * meanwhile is looked up again (0).  A machine whose daemon
		 * cannot free anything fails the loan.
		 */
		uvmfault_unlockall(ufi, amap, uobj, anon);
		if (anon != NULL) {
			/* Ours alone, so it may be dropped unlocked. */
			anon->an_ref--;
			uvm_anfree(anon);
		}
		if (uvmsim__uvm_wait(m, anon != NULL ? "loanzero2" :
		    "loanzero1") != 0) {
			(void)uvmsim__error(m, EINVAL, "uvm_loanzero: out of "
			    "memory: no page for %s", m->loan_modern ?
			    "the zero page" : "a zero loan");
			return -1;
		}
		if (!uvmfault_relock(ufi))
			return 0;
		if (amap != NULL)
			amap_lock(amap);
		if (uobj != NULL)
			simple_lock(&uobj->vmobjlock);
	}

	if (anon == NULL) {
		/* 0->K */
		loan_unbusy(m, pg);
		/* Nobody else can reach the page yet, but the rule holds
		 * all the same: loan_count changes with the page queues
		 * locked (the page has no owner to lock). */
		uvm_lock_pageq();
		pg->loan_count = 1;
		pg->kloan_count = 1;
		uvm_unlock_pageq();
		loan_put(output, pg);
		return 1;
	}

	/* locked: map, amap, uobj, anon */
	uvm_lock_pageq();
	uvm_pageactivate(pg);
	uvm_unlock_pageq();
	pg->flags &= ~PG_FAKE;		/* the zeros are its contents */
	loan_unbusy(m, pg);
	anon->an_loans = 1;		/* the reference uvm_analloc gave */
	/* D1: 1.39 returned with the new anon still locked. */
	simple_unlock(&anon->an_lock);
	loan_put(output, anon);
	return 1;
}

/*
 * uvm_unloananon: return loans to anons: drop the reference each anon
 * holds for its loan; the last reference frees the anon (and, through
 * uvm_anfree, returns its page's loan from an object, or frees the page).
 *
 * => nothing locked.
 */
void
uvm_unloananon(struct vm_anon **aloans, int nanons)
{
	struct uvmsim_machine *m = uvmsim__cur();
	struct vm_anon *anon;
	int i, refs;

	KASSERT(nanons >= 0);
	for (i = 0; i < nanons; i++) {
		anon = aloans[i];
		if (anon->u.an_page != NULL)
			uvmsim__page_valid(m, anon->u.an_page, "uvm_unloan");
		simple_lock(&anon->an_lock);
		KASSERT(anon->an_ref > 0 && anon->an_loans > 0);
		anon->an_loans--;
		refs = --anon->an_ref;
		simple_unlock(&anon->an_lock);
		if (refs == 0)
			uvm_anfree(anon);	/* wants it unlocked */
	}
}

/*
 * unloanpage: uvm_unloanpage's work, on machine m.
 *
 * => as uvm_unloanpage.
 * => checked: every entry of ploans is known to be a page of m
 *    (unloan_checkkind said so), which is then not checked again.
 * => inline in uvm_unloan, which checks the kinds of the whole array
 *    first, and in uvm_unloanpage.
 */
static inline UVMSIM__ALWAYS_INLINE void
unloanpage(struct uvmsim_machine *m, struct vm_page **ploans, int npages,
    bool checked)
{
	struct simplelock *ownerlk;
	struct vm_page *pg;
	int i;

	KASSERT(npages >= 0);
	uvm_lock_pageq();
	for (i = 0; i < npages; i++) {
		pg = ploans[i];
		if (!checked)
			uvmsim__page_valid(m, pg, "uvm_unloan");
		ownerlk = unloan_lockowner(m, pg);
		/* locked: page queues, pg's owner (if any) */

		KASSERT(pg->loan_count > 0);
		KASSERT(pg->kloan_count > 0);	/* not an anon's loan */
		pg->loan_count -= 1;
		pg->kloan_count -= 1;
		if (pg->uanon != NULL && pg->uobject == NULL &&
		    !uvmsim__pg_isanon(m, pg)) {
			/* The borrowing anon adopts the orphan. */
			KASSERT(pg->loan_count > 0);
			pg->loan_count -= 1;
			/* D5: 1.39 did not count it in anonpages. */
			uvmsim__pg_setanon(m, pg, true);
		}

		if (pg->loan_count == 0 && pg->uobject == NULL &&
		    pg->uanon == NULL) {
			KASSERT((pg->flags & PG_BUSY) == 0);
			uvm_pagefree(pg);	/* the last of an orphan */
		} else if (!m->loan_modern && (pg->loan_count == 0 ||
		    (pg->loan_count == 1 && pg->uobject != NULL &&
		    pg->uanon != NULL))) {
			/* 1.39: back on the active queue, which the loan
			 * took it off (a fault that mapped it may have put
			 * it back already; modern loans never took it off).
			 * pg is a page of m (checked by the caller or at the
			 * top of the loop), the page queues held (locked:
			 * above): not checked again. */
			uvmsim__pageactivate_held(m, pg);
		}

		if (ownerlk != NULL)
			simple_unlock(ownerlk);
	}
	uvm_unlock_pageq();
}

/*
 * uvm_unloanpage: return pages lent to the kernel.
 *
 * => nothing locked.
 * => per page, with the page queues and its owner locked: one loan
 *    less.  An orphan that an anon borrowed becomes the anon's (its loan
 *    turns into ownership).  With no loan left, an ownerless page is
 *    freed and an owned one goes back on the active queue; with only an
 *    anon's loan from the page's object left, the page goes back on the
 *    active queue too (invariant 3).
 */
void
uvm_unloanpage(struct vm_page **ploans, int npages)
{
	unloanpage(uvmsim__cur(), ploans, npages, false);
}

/*
 * unloan_ispage: p is one of m's pages: its offset from the first, which
 * wraps past the array below it (NULL too), falls inside the array on a
 * page's start.
 */
static inline bool
unloan_ispage(const struct uvmsim_machine *m, const void *p)
{
	uintptr_t off = (uintptr_t)p - (uintptr_t)m->pages;

	return off < m->pages_len && off % sizeof(*m->pages) == 0;
}

/*
 * unloan_checkkind: panic unless every entry of an array given to
 * uvm_unloan is what its flag says: a page of this machine for
 * UVM_LOAN_TOPAGE, anything but a page (an anon) for UVM_LOAN_TOANON.
 *
 * => a page taken for an anon would have its queue links read as the
 *    anon's lock word (held, it would seem, by some CPU: a "deadlock"),
 *    an anon taken for a page its fields as a page's owner: the panic says
 *    what was given instead, before anything is touched.
 */
static __attribute__((__noinline__)) void
unloan_checkkind(struct uvmsim_machine *m, void **v, int n, int flags)
{
	struct uvmsim_anonblock *ab;
	const char *p;
	bool ispage;
	int i;

	for (i = 0; i < n; i++) {
		p = v[i];
		if (p == NULL)
			uvmsim__panic(m, "uvm_unloan: entry %d of %d is NULL",
			    i, n);
		ispage = unloan_ispage(m, p);
		if ((flags & UVM_LOAN_TOANON) != 0 && ispage)
			uvmsim__panic(m, "uvm_unloan: UVM_LOAN_TOANON, but entry "
			    "%d is page %zu: pages lent to the kernel come back "
			    "with UVM_LOAN_TOPAGE", i,
			    (size_t)((const struct vm_page *)(const void *)p -
			    m->pages));
		if ((flags & UVM_LOAN_TOPAGE) == 0 || ispage)
			continue;
		SLIST_FOREACH(ab, &m->anonblocks, ab_list)
			if (p >= (const char *)ab->ab_anons &&
			    p < (const char *)(ab->ab_anons + ab->ab_count))
				uvmsim__panic(m, "uvm_unloan: UVM_LOAN_TOPAGE, but "
				    "entry %d is anon %u: anons lent come back "
				    "with UVM_LOAN_TOANON", i,
				    ((const struct vm_anon *)(const void *)p)->an_id);
		uvmsim__panic(m, "uvm_unloan: UVM_LOAN_TOPAGE, but entry %d is "
		    "not a page of this machine", i);
	}
}

/*
 * unloan_checkpages: unloan_checkkind of an array of pages, the common
 * case: an entry that is a page of this machine passes with one
 * compare of its offset in the array of pages and one of its
 * alignment; at the first entry that is not, the whole check runs and
 * panics there with what it found.
 */
static inline UVMSIM__ALWAYS_INLINE void
unloan_checkpages(struct uvmsim_machine *m, void **v, int n)
{
	int i;

	for (i = 0; i < n; i++) {
		if (__predict_false(!unloan_ispage(m, v[i]))) {
			unloan_checkkind(m, v, n, UVM_LOAN_TOPAGE);
			return;
		}
	}
}

/*
 * uvm_unloan: return loans made by uvm_loan, to anons or to the kernel
 * (the flag uvm_loan was given).
 *
 * => nothing locked.
 * => v holds npages entries of the kind flags names: a wrong flag panics,
 *    saying so (unloan_checkkind).
 */
void
uvm_unloan(void *v, int npages, int flags)
{
	struct uvmsim_machine *m = uvmsim__cur();

	KASSERT(((flags & UVM_LOAN_TOANON) != 0) !=
	    ((flags & UVM_LOAN_TOPAGE) != 0));
	KASSERT(npages >= 0);
	if (flags & UVM_LOAN_TOPAGE)
		unloan_checkpages(m, v, npages);
	else
		unloan_checkkind(m, v, npages, flags);
	if (flags & UVM_LOAN_TOANON)
		uvm_unloananon(v, npages);
	else
		unloanpage(m, (struct vm_page **)v, npages, true);
}

/*
 * uvmsim__loan_behaviours: what this module can do (uvmsim_state.h): both
 * behaviours, with the loan ledger.
 */
unsigned
uvmsim__loan_behaviours(void)
{
	return UVMSIM__LOAN_139 | UVMSIM__LOAN_MODERN | UVMSIM__LOAN_LEDGER;
}
