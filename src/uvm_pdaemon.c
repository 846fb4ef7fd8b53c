/*
 * uvm_pdaemon.c: the page daemon, and waiting for it (uvm_wait).
 *
 * NetBSD 1.6's page daemon is a kernel thread that sleeps until memory
 * runs short (uvm_wait, or uvm_pagealloc finding free pages below
 * freemin, wakes it), then does one pass of uvm_pageout's loop:
 *
 *   targets   uvmpd_tune, at start: freemin is 1/20 of memory, kept
 *	       within 16 KiB .. 256 KiB and above reserve_kernel; freetarg
 *	       is 4/3 of freemin.  Each pass: inactarg is a third of the
 *	       pages on the two queues, above freetarg.
 *   uvmpd_scan, when free pages are below freetarg or inactive ones
 *	       below inactarg:
 *     uvmpd_scan_inactive  walks the inactive queue from its head until
 *	       free pages reach four times freetarg.  A page referenced
 *	       since it was deactivated (pmap_clear_reference says so) goes
 *	       back to the active queue.  Otherwise its owner is locked, by
 *	       try-lock since the page queues are already held (against the
 *	       lock order); a page whose owner is locked, or that is busy,
 *	       is skipped.  An orphan an anon borrowed is adopted by the
 *	       anon on the spot (PQ_ANON, its loan becomes ownership).  An
 *	       object page that is not swap-backed goes to its pager
 *	       (pgo_put with PGO_CLEANIT|PGO_FREE: a file writes it back and
 *	       frees it).  A swap-backed page (an anon's, or an aobj's) loses
 *	       its mappings (pmap_page_protect to NONE, which brings the
 *	       modified bits home); a clean one with its bytes in a swap
 *	       slot is freed; a dirty one gets a new slot (its old one
 *	       freed), is written there (uvm_swap_put), and is freed.
 *     then, for the inactive target, pages from the head of the active
 *	       queue are deactivated (and, when swap is full and nothing
 *	       could be freed, resident pages give up their swap slots).
 *
 * "Freed" is uvm_pagefree's word: a page lent out is not freed but left
 * to its borrowers (its owner drops it; it becomes an orphan), so the
 * page daemon never frees a lent page; a wired page is on no queue and a
 * busy one is skipped, so it never meets either.  A page lent by an
 * object to an anon loses its object, as 1.6's has: the anon keeps it.
 *
 * In the simulator the daemon is no thread: it runs when asked, by
 * uvmsim_pagedaemon_run (a harness) or by uvm_wait (an allocation found
 * no free frame) on a machine whose cfg.uvm_wait is
 * UVMSIM_WAIT_PAGEDAEMON.  Its I/O is synchronous: a pageout is done
 * with the page busy and its owner and the page queues locked, where 1.6
 * starts the write and frees the page when it completes
 * (uvm_aio_aiodone).  The minimum shares of memory 1.6 keeps for anon,
 * text and file pages (anonmin, vtextmin, vnodemin) are not modelled.
 *
 * Outcomes of a pageout that cannot be done, as 1.6's: swap full (no
 * slot, or the "uvm_swap_alloc" failpoint) or a write error
 * ("uvm_swap_put.eio"): the page stays resident and dirty, and goes back
 * to the active queue; after UVMPD_NUMDIRTYREACTS of them in a pass the
 * pass ends.  Nothing is lost, nothing replaced by zeros.
 *
 * Locks: the page queues, held through each scan; a page's owner (its
 * anon or object), tried while the queues are held; the swap data lock
 * inside uvm_swap_*.  The daemon runs with no lock of its caller's held
 * (a kernel thread of its own holds none): uvm_wait is called with
 * nothing locked.
 */
#include <errno.h>
#include <stdint.h>

#include "uvmsim_state.h"
#include "uvmsim_cur.h"
#include "kern_lock.h"
#include "uvmsim_trace.h"
#include "uvmsim_frame.h"
#include "uvmsim_vm.h"

/* Dirty pages put back on the active queue in one pass for want of swap
 * before the pass gives up: few, or the active pages cycle through the
 * inactive queue before anyone can reference them. */
#define UVMPD_NUMDIRTYREACTS	16

/* Passes of the daemon one library wait may run, while a pass frees
 * nothing but refills the inactive queue. */
#define UVMPD_WAITPASSES	4

/* uvm_waits in a row with the free count unchanged: a wait for ever. */
#define UVM_WAIT_MAXIDLE	16

/* One run of the daemon: its budget and what it did. */
struct uvmpd_run {
	size_t		left;		/* pages it may still scan;
					   UVMPD_NOLIMIT: no limit */
	size_t		scanned;	/* pages looked at, both queues */
	unsigned	deact;		/* pages deactivated */
};
#define UVMPD_NOLIMIT	SIZE_MAX

/*
 * uvmpd_tune: set the free targets from the machine's memory.
 *
 * => page queues locked, or the machine not yet running.
 */
static void
uvmpd_tune(struct uvmsim_machine *m)
{
	struct uvmexp *ux = &m->uvmexp;
	int lo = (16 * 1024) >> m->pageshift, hi = (256 * 1024) >> m->pageshift;

	ux->freemin = ux->npages / 20;
	if (ux->freemin < lo)
		ux->freemin = lo;
	if (ux->freemin > hi)
		ux->freemin = hi;
	if (ux->freemin < ux->reserve_kernel + 1)
		ux->freemin = ux->reserve_kernel + 1;
	ux->freetarg = (ux->freemin * 4) / 3;
	if (ux->freetarg <= ux->freemin)
		ux->freetarg = ux->freemin + 1;
	ux->wiredmax = ux->npages / 3;
}

void
uvmsim__pdaemon_init(struct uvmsim_machine *m)
{
	uvmpd_tune(m);
	m->uvmexp.inactarg = m->uvmexp.freetarg + 1;
}

/*
 * budget_take: one more page may be scanned (and is counted), or the
 * run's budget is spent.
 */
static inline bool
budget_take(struct uvmpd_run *run)
{
	if (run->left == 0)
		return false;
	if (run->left != UVMPD_NOLIMIT)
		run->left--;
	run->scanned++;
	return true;
}

/*
 * budget_spend: n pages were scanned, counted in a loop of its own
 * (uvmpd_scan_inactive keeps the count in a register, not in *run).
 *
 * => n is at most run->left.
 */
static inline void
budget_spend(struct uvmpd_run *run, size_t n)
{
	if (run->left != UVMPD_NOLIMIT)
		run->left -= n;
	run->scanned += n;
}

/*
 * uvmpd_lockowner: try-lock the owner of a queued page, adopting an
 * orphan for the anon that borrowed it.
 *
 * => page queues locked.
 * => returns the lock taken, or NULL: the owner is locked by someone
 *	(or the page has none to lock): skip the page.  *isanonp says
 *	whether the page is its anon's (after an adoption too).
 * => the machine is the caller's (no look-up of the current one: this
 *	is the daemon's inner loop), and the body is inline in both scans,
 *	where *isanonp lives in a register: out of line, the call saved
 *	and restored six registers a page.
 */
static inline UVMSIM__ALWAYS_INLINE struct simplelock *
uvmpd_lockowner(struct uvmsim_machine *m, struct vm_page *p, bool *isanonp)
{
	struct vm_anon *anon = p->uanon;
	struct simplelock *l;
	bool isanon = uvmsim__pg_isanon(m, p);

	if (isanon || p->uobject == NULL) {
		if (anon == NULL)
			return NULL;	/* nobody's: the kernel's */
		l = &anon->an_lock;
		if (!uvmsim__simple_lock_try(m, l, __FILE__, __LINE__))
			return NULL;
		if (!isanon) {
			/* an orphan the anon borrowed: it is the anon's now */
			KASSERT(p->loan_count > 0);
			p->loan_count--;
			uvmsim__pg_setanon(m, p, true);
			uvmsim__ev(m, UVMSIM_EV_ANON_ADOPT, anon->an_id,
			    uvmsim__pgid(m, p), 0, 0);
		}
		*isanonp = true;
		return l;
	}
	l = &p->uobject->vmobjlock;
	if (!uvmsim__simple_lock_try(m, l, __FILE__, __LINE__))
		return NULL;
	*isanonp = false;
	return l;
}

/*
 * uvmpd_swapslot: the swap slot holding a swap-backed page's bytes (0:
 * none).
 *
 * => page queues and the page's owner locked.
 */
static inline int
uvmpd_swapslot(struct uvmsim_machine *m, struct vm_page *p, bool isanon)
{
	if (isanon)
		return p->uanon->an_swslot;
	return uao_find_swslot(p->uobject, (int)(p->offset >> m->pageshift));
}

/*
 * uvmpd_dropswap: free the swap slot of a swap-backed page, whose bytes
 * are about to change or be written elsewhere.
 *
 * => page queues and the page's owner locked.
 */
static void
uvmpd_dropswap(struct uvmsim_machine *m, struct vm_page *p, bool isanon)
{
	struct vm_anon *anon = p->uanon;

	if (isanon) {
		if (anon->an_swslot != 0) {
			uvm_swap_free(anon->an_swslot, 1);
			anon->an_swslot = 0;
		}
	} else
		uao_dropswap(p->uobject, (int)(p->offset >> m->pageshift));
}

/*
 * uvmpd_swapout: write a dirty swap-backed page to a new swap slot and
 * free it.
 *
 * => page queues and the page's owner locked, the page unmapped, not
 *	busy; they stay locked.
 * => true: written and freed (left to its borrowers if lent).  false:
 *	no slot or the write failed: the page is resident, dirty, with no
 *	slot, on the active queue.
 */
static bool
uvmpd_swapout(struct uvmsim_machine *m, struct vm_page *p, bool isanon)
{
	struct uvm_object *uobj = p->uobject;
	struct vm_anon *anon = p->uanon;
	int n = 1, slot, pageidx = (int)(p->offset >> m->pageshift);

	slot = uvm_swap_alloc(&n, TRUE);
	if (slot == 0) {
		uvm_pageactivate(p);
		return false;
	}
	if (isanon)
		anon->an_swslot = slot;
	else if (uao_set_swslot(uobj, pageidx, slot) == -1) {
		uvm_swap_free(slot, 1);
		uvm_pageactivate(p);
		return false;
	}
	p->flags |= PG_BUSY;
	UVM_PAGE_OWN(p, "scan_inactive");
	m->uvmexp.paging++;
	uvm_pagedequeue(p);
	m->uvmexp.pdpageouts++;
	if (uvm_swap_put(slot, &p, 1, 0) != 0) {
		/* the write failed: the page keeps its bytes, no slot */
		if (isanon)
			anon->an_swslot = 0;
		else
			(void)uao_set_swslot(uobj, pageidx, 0);
		uvm_swap_free(slot, 1);
		p->flags &= ~(PG_BUSY | PG_CLEAN);
		UVM_PAGE_OWN(p, NULL);
		m->uvmexp.paging--;
		uvm_pageactivate(p);
		return false;
	}
	m->uvmexp.paging--;
	p->flags = (p->flags & ~PG_BUSY) | PG_CLEAN;
	UVM_PAGE_OWN(p, NULL);
	uvmsim__ev(m, UVMSIM_EV_PAGEOUT, uvmsim__pgid(m, p),
	    uvmsim__objid(uobj), uvmsim__anonid(isanon ? anon : NULL),
	    (uint64_t)slot);
	uvm_pagefree(p);
	return true;
}

/*
 * uvmpd_scan_inactive: free pages of the inactive queue until the free
 * target is met.
 *
 * => page queues locked, and again on return.
 * => true if it stopped because the target was met (or too many dirty
 *	pages found no swap).
 */
static bool
uvmpd_scan_inactive(struct uvmsim_machine *m, struct uvmpd_run *run)
{
	struct uvmexp *ux = &m->uvmexp;
	struct pglist *pglst = &m->uvm.page_inactive;
	struct vm_page *p, *nextpg;
	struct uvm_object *uobj;
	struct simplelock *slock;
	/* The budget and the free target in registers: nothing the loop
	 * calls changes freetarg (uvmpd_tune runs before a scan only), and
	 * the pages scanned are counted here and given to *run at the end
	 * (budget_spend). */
	const size_t left = run->left;
	const int target = ux->freetarg << 2;
	size_t n = 0;
	int dirtyreacts = 0;
	bool isanon, met = false;

	/*
	 * Before each page: stop when the target is met, or when
	 * UVMPD_NUMDIRTYREACTS dirty pages found no swap (that count is
	 * tested where it grows, before the next page: no page pays for
	 * the test).
	 */
	for (p = TAILQ_FIRST(pglst); p != NULL; p = nextpg) {
		if (ux->free + ux->paging >= target) {
			met = true;
			break;
		}
		if (n == left)
			break;			/* the budget is spent */
		n++;
		ux->pdscans++;
		nextpg = TAILQ_NEXT(p, pageq);

		/* Used since it was deactivated: keep it. */
		if (pmap_clear_reference(p)) {
			uvm_pageactivate(p);
			ux->pdreact++;
			continue;
		}
		if ((slock = uvmpd_lockowner(m, p, &isanon)) == NULL)
			continue;
		if (p->flags & PG_BUSY) {
			uvmsim__simple_unlock(m, slock, __FILE__, __LINE__);
			ux->pdbusy++;
			continue;
		}
		uobj = p->uobject;

		/* Not swap-backed: the object's pager cleans and frees it
		 * (and unlocks the object). */
		if (!isanon && (p->pqflags & PQ_AOBJ) == 0) {
			ux->pdobscan++;
			uvmsim__ev(m, UVMSIM_EV_PAGEOUT, uvmsim__pgid(m, p),
			    uvmsim__objid(uobj), 0, 0);
			uvm_unlock_pageq();
			(void)uobj->pgops->pgo_put(uobj, p->offset,
			    p->offset + (voff_t)m->pagesize,
			    PGO_CLEANIT | PGO_FREE);
			uvm_lock_pageq();
			if (p->pqflags & PQ_FREE)
				ux->pdfreed++;
			if (nextpg != NULL &&
			    (nextpg->pqflags & PQ_INACTIVE) == 0)
				nextpg = TAILQ_FIRST(pglst);
			continue;
		}
		if (isanon)
			ux->pdanscan++;
		else
			ux->pdobscan++;

		/*
		 * Swap-backed.  Take every mapping away first, so that the
		 * modified bits say all there is to say; a clean page whose
		 * bytes are in its slot is simply freed.
		 */
		pmap_page_protect(p, VM_PROT_NONE);
		if ((p->flags & PG_CLEAN) && pmap_clear_modify(p))
			p->flags &= ~PG_CLEAN;
		if ((p->flags & PG_CLEAN) && uvmpd_swapslot(m, p, isanon) != 0) {
			uvm_pagefree(p);
			ux->pdfreed++;
			uvmsim__simple_unlock(m, slock, __FILE__, __LINE__);
			continue;
		}
		p->flags &= ~PG_CLEAN;

		/* Dirty: not worth it if the target is met anyway. */
		if (ux->free + ux->paging > target) {
			uvmsim__simple_unlock(m, slock, __FILE__, __LINE__);
			continue;
		}
		/* Its old slot holds stale bytes: it is written anew. */
		uvmpd_dropswap(m, p, isanon);
		if (uvm_swapisfull()) {
			dirtyreacts++;
			uvm_pageactivate(p);
			uvmsim__simple_unlock(m, slock, __FILE__, __LINE__);
			if (dirtyreacts == UVMPD_NUMDIRTYREACTS &&
			    nextpg != NULL) {
				met = true;
				break;
			}
			continue;
		}
		if (uvmpd_swapout(m, p, isanon))
			ux->pdfreed++;
		else
			dirtyreacts++;
		uvmsim__simple_unlock(m, slock, __FILE__, __LINE__);
		if (nextpg != NULL && (nextpg->pqflags & PQ_INACTIVE) == 0)
			nextpg = TAILQ_FIRST(pglst);
		if (dirtyreacts == UVMPD_NUMDIRTYREACTS && nextpg != NULL) {
			met = true;
			break;
		}
	}
	budget_spend(run, n);
	return met;
}

/*
 * uvmpd_scan: meet the free target from the inactive queue, then the
 * inactive target from the active queue.
 *
 * => page queues locked, and again on return.
 */
static void
uvmpd_scan(struct uvmsim_machine *m, struct uvmpd_run *run)
{
	struct uvmexp *ux = &m->uvmexp;
	struct vm_page *p, *nextpg;
	struct simplelock *slock;
	int inactive_shortage, swap_shortage, pages_freed;
	bool isanon;

	ux->pdrevs++;
	pages_freed = ux->pdfreed;
	(void)uvmpd_scan_inactive(m, run);
	pages_freed = ux->pdfreed - pages_freed;

	inactive_shortage = ux->inactarg - ux->inactive;
	/* Swap full and nothing freed: resident pages give their slots
	 * up, so that other pages can be written. */
	swap_shortage = 0;
	if (ux->free < ux->freetarg && ux->swpages > 0 &&
	    ux->swpginuse == ux->swpages && pages_freed == 0)
		swap_shortage = ux->freetarg - ux->free;

	for (p = TAILQ_FIRST(&m->uvm.page_active);
	    p != NULL && (inactive_shortage > 0 || swap_shortage > 0);
	    p = nextpg) {
		nextpg = TAILQ_NEXT(p, pageq);
		if (p->flags & PG_BUSY)
			continue;
		if (!budget_take(run))
			break;
		if ((slock = uvmpd_lockowner(m, p, &isanon)) == NULL)
			continue;
		if (p->flags & PG_BUSY) {
			uvmsim__simple_unlock(m, slock, __FILE__, __LINE__);
			continue;
		}
		if (swap_shortage > 0 && (isanon ||
		    (p->pqflags & PQ_AOBJ) != 0) &&
		    uvmpd_swapslot(m, p, isanon) != 0) {
			uvmpd_dropswap(m, p, isanon);
			p->flags &= ~PG_CLEAN;
			swap_shortage--;
		}
		if (inactive_shortage > 0) {
			/* no need to look at wire_count: it is queued */
			(void)pmap_clear_reference(p);
			uvm_pagedeactivate(p);
			ux->pddeact++;
			run->deact++;
			inactive_shortage--;
		}
		uvmsim__simple_unlock(m, slock, __FILE__, __LINE__);
	}
}

/*
 * uvm_pageout: one pass of the page daemon's loop.
 *
 * => nothing locked on entry or return.
 * => returns the pages freed.
 */
static int
uvm_pageout(struct uvmsim_machine *m, struct uvmpd_run *run)
{
	struct uvmexp *ux = &m->uvmexp;
	int freed = ux->pdfreed;

	m->in_pagedaemon = true;
	ux->pdwoke++;
	uvm_lock_pageq();
	uvmpd_tune(m);
	ux->inactarg = (ux->active + ux->inactive) / 3;
	if (ux->inactarg <= ux->freetarg)
		ux->inactarg = ux->freetarg + 1;
	uvmsim__ev(m, UVMSIM_EV_PDAEMON, (uint64_t)ux->free,
	    (uint64_t)ux->freetarg, (uint64_t)ux->inactive,
	    (uint64_t)ux->inactarg);
	if (ux->free + ux->paging < ux->freetarg ||
	    ux->inactive < ux->inactarg)
		uvmpd_scan(m, run);
	freed = ux->pdfreed - freed;
	uvmsim__ev(m, UVMSIM_EV_PDAEMON_DONE, run->scanned, (uint64_t)freed,
	    run->deact, 0);
	uvm_unlock_pageq();
	m->in_pagedaemon = false;
	return freed;
}

/*
 * uvmsim_pagedaemon_run: run the page daemon once (uvm_pdaemon.h).
 */
int
uvmsim_pagedaemon_run(struct uvmsim_machine *m, unsigned budget)
{
	struct uvmsim__saved sv;
	struct uvmpd_run run = { budget != 0 ? budget : UVMPD_NOLIMIT, 0, 0 };
	struct simplelock *l;
	size_t nheld;
	int freed;

	if (m == NULL) {
		(void)uvmsim__error(NULL, EINVAL,
		    "uvmsim_pagedaemon_run: m: NULL");
		return -1;
	}
	if (m->in_pagedaemon) {
		(void)uvmsim__error(m, EINVAL, "uvmsim_pagedaemon_run: m: the "
		    "page daemon is running already (a hook inside it)");
		return -1;
	}
	if (!SLIST_EMPTY(&m->held)) {
		l = uvmsim__held_oldest(m, &nheld);
		(void)uvmsim__error(m, EINVAL, "uvmsim_pagedaemon_run: m: "
		    "%zu simple lock(s) held, the first taken at %s:%d: the "
		    "page daemon runs with none", nheld, l->lock_file,
		    l->lock_line);
		return -1;
	}
	sv = uvmsim__switch(m);
	freed = uvm_pageout(m, &run);
	uvmsim__restore(sv);
	return freed;
}

/*
 * uvmsim__uvm_wait: uvm_wait for the library's own callers.
 *
 * => nothing locked.
 * => 0: the page daemon ran and freed a page, or a frame is free for
 *	the caller's allocation to try again (the hook freed one, or the
 *	allocation failed for another reason: at most UVM_WAIT_MAXIDLE
 *	times in a row with nothing freed by the daemon).  ENOMEM: the
 *	policy is UVMSIM_WAIT_HOOK (no wait: fail at once, no hook run),
 *	or nothing could be had.
 * => the daemon runs up to UVMPD_WAITPASSES passes while a pass frees
 *	nothing but refills the inactive queue.
 */
int
uvmsim__uvm_wait(struct uvmsim_machine *m, const char *wmsg)
{
	struct uvmexp *ux = &m->uvmexp;
	struct uvmpd_run run = { UVMPD_NOLIMIT, 0, 0 };
	int freed, pass;

	(void)wmsg;
	if (m->wait_policy != UVMSIM_WAIT_PAGEDAEMON || m->in_pagedaemon ||
	    !SLIST_EMPTY(&m->held))
		return ENOMEM;
	(void)uvmsim__hook(m, UVMSIM_HOOK_UVM_WAIT);
	/* A pass that only refilled the inactive queue is followed by
	 * another, as the daemon, still short, would run again at once. */
	for (pass = 0, freed = 0; pass < UVMPD_WAITPASSES && freed == 0;
	    pass++) {
		run.scanned = run.deact = 0;
		freed = uvm_pageout(m, &run);
		if (run.deact == 0)
			break;
	}
	if (freed > 0) {
		m->wait_fruitless = 0;
		return 0;
	}
	/*
	 * Nothing freed, yet a frame may be free (the allocation failed
	 * for another reason: a failpoint): try again, but not for ever.
	 */
	if (ux->free > ux->reserve_kernel && ux->free > ux->reserve_pagedaemon &&
	    ++m->wait_fruitless < UVM_WAIT_MAXIDLE)
		return 0;
	m->wait_fruitless = 0;
	return ENOMEM;
}

/*
 * uvm_wait: wait for the page daemon to free memory.
 *
 * => no simple lock held (LOCKDEBUG's check before a sleep: a panic).
 * => runs the "uvm_wait" hook, then, by the machine's policy, the page
 *	daemon; the caller tries its allocation again.  The
 *	UVM_WAIT_MAXIDLE-th wait in a row that finds the free count as the
 *	previous one left it panics: nothing frees memory, and a kernel
 *	would sleep for ever.
 */
void
uvm_wait(const char *wmsg)
{
	struct uvmsim_machine *m = uvmsim__cur();
	size_t nheld;
	struct simplelock *l = uvmsim__held_oldest(m, &nheld);
	struct uvmpd_run run = { UVMPD_NOLIMIT, 0, 0 };

	KASSERT(wmsg != NULL);
	if (l != NULL)
		uvmsim__panic(m, "uvm_wait: \"%s\": sleeping with %zu simple "
		    "lock(s) held, the first taken at %s:%d", wmsg, nheld,
		    l->lock_file, l->lock_line);
	if (m->in_pagedaemon)
		uvmsim__panic(m, "uvm_wait: \"%s\": the page daemon waits for "
		    "itself: deadlock", wmsg);
	if (m->wait_idle > 0 && m->uvmexp.free == m->wait_free) {
		if (++m->wait_idle >= UVM_WAIT_MAXIDLE)
			uvmsim__panic(m, "uvm_wait: \"%s\": %u waits in a row "
			    "and the free count stays at %d: no page daemon "
			    "frees memory, the wait would never end", wmsg,
			    m->wait_idle, m->uvmexp.free);
	} else
		m->wait_idle = 1;
	(void)uvmsim__hook(m, UVMSIM_HOOK_UVM_WAIT);
	if (m->wait_policy == UVMSIM_WAIT_PAGEDAEMON)
		(void)uvm_pageout(m, &run);
	m->wait_free = m->uvmexp.free;
}
