/*
 * uvmsim_check.c: the invariant checker.
 *
 * uvmsim_check() walks every structure of a machine and reports each
 * broken invariant.  Each module checks its own structures (the pages,
 * their queues and their loans in uvm_page.c, the locks left held in
 * kern_lock.c, the objects, anons, amaps, maps and the pmap in theirs);
 * this driver calls them in turn and reports what its own lock observer,
 * the loan-lock watch, saw.  No module calls the driver.
 * It reads state without taking locks and never panics: it must report on
 * a machine however broken.  Walks of lists are bounded, so a corrupted
 * list is reported rather than followed forever.
 *
 * It is for tests and tools, never for a hot path: it costs O(frames +
 * objects' pages + anons + amap slots + mappings of loaned pages).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/bitstring.h>

#include "uvmsim_state.h"
#include "uvmsim_cur.h"
#include "uvmsim_problem.h"
#include "kern_lock.h"

/*
 * loanwatch: the loan-lock watch, the checker's lock observer.
 * loan_count changes only with the page's owner (object or anon) and the
 * page queues locked
 * (uvm_loan.c invariant 4).  A change cannot be seen as it happens, but
 * it is always followed by a lock operation (the lock that guarded it
 * being released), and each lock operation looks, before it acts, for
 * pages whose loan_count differs from what was last seen: at that moment
 * the page queues and the page's present owner must be locked.  A page
 * nobody else can reach (no owner, on no queue, never lent until now) is
 * exempt: 1.39 sets the loan_count of a fresh zero-loan page unlocked.
 * The first breach is kept for the checker (loan.lock, check_loanwatch).
 */
static void
loanwatch(struct uvmsim_machine *m, const char *file, int line)
{
	const struct simplelock *owner;
	struct vm_page *pg;
	const char *why;
	size_t i;

	for (i = 0; i < m->npages; i++) {
		pg = &m->pages[i];
		if (__predict_true(pg->loan_count == m->loanwatch[i]))
			continue;
		owner = pg->uobject != NULL ? &pg->uobject->vmobjlock :
		    pg->uanon != NULL ? &pg->uanon->an_lock : NULL;
		why = NULL;
		if (owner == NULL && m->loanwatch[i] == 0 &&
		    (pg->pqflags & (PQ_ACTIVE | PQ_INACTIVE)) == 0)
			;			/* nobody else can reach it */
		else if (m->uvm.pageqlock.lock_holder == 0)
			why = "the page queues";
		else if (owner != NULL && owner->lock_holder == 0)
			why = pg->uobject != NULL ? "its object" : "its anon";
		if (why != NULL && m->loanwatch_bad.why == NULL) {
			m->loanwatch_bad.page = i;
			m->loanwatch_bad.from = m->loanwatch[i];
			m->loanwatch_bad.to = pg->loan_count;
			m->loanwatch_bad.why = why;
			m->loanwatch_bad.file = file;
			m->loanwatch_bad.line = line;
		}
		m->loanwatch[i] = pg->loan_count;
	}
}

/*
 * uvmsim__loanwatch_start: install the loan-lock watch on m's lock model
 * (cfg.check_loan_locks): every simple lock operation calls loanwatch
 * first.  false when the host has no memory for the counts.
 */
bool
uvmsim__loanwatch_start(struct uvmsim_machine *m)
{
	m->loanwatch = uvmsim__calloc(m, m->npages, sizeof(u_int));
	if (m->loanwatch == NULL)
		return false;
	m->loan_watch = loanwatch;
	uvmsim__lock_observer_update(m);
	return true;
}

/*
 * check_loanwatch: [loan.lock] (with cfg.check_loan_locks) no loan_count
 *	changed without the page queues and the page's owner locked since
 *	the last check (loanwatch); reported once.
 */
static void
check_loanwatch(struct uvmsim_machine *m, struct uvmsim_report *r)
{
	char who[48];

	if (m->loanwatch != NULL) {
		loanwatch(m, "uvmsim_check", 0);
		if (m->loanwatch_bad.why != NULL) {
			snprintf(who, sizeof(who), "page %" PRIu64,
			    m->loanwatch_bad.page);
			uvmsim__problem(r, "loan.lock", who, "loan_count",
			    "went from %u to %u without %s locked (seen at "
			    "%s:%d)", m->loanwatch_bad.from,
			    m->loanwatch_bad.to, m->loanwatch_bad.why,
			    m->loanwatch_bad.file, m->loanwatch_bad.line);
			m->loanwatch_bad.why = NULL;
		}
	}
}

int
uvmsim_check(struct uvmsim_machine *m, struct uvmsim_report *r)
{
	struct uvmsim_report local = { 0 };
	struct uvmsim__saved sv;
	int *amaprefs, n;

	if (m == NULL) {
		(void)uvmsim__error(NULL, EINVAL, "uvmsim_check: m: NULL");
		return -1;
	}
	if (r == NULL)
		r = &local;
	sv = uvmsim__switch(m);
	check_loanwatch(m, r);
	uvmsim__check_pages(m, r);
	uvmsim__check_objects(m, r);
	amaprefs = uvmsim__amap_anonrefs(m);
	uvmsim__check_anons(m, r, amaprefs);
	uvmsim__free(amaprefs);
	uvmsim__check_amaps(m, r);
	uvmsim__check_swap(m, r);
	uvmsim__check_maps(m, r);
	uvmsim__check_pmap(m, r);
	uvmsim__check_locks(m, r);
	/* A copy awaits its fence only while an access of the MMU puts it
	 * off (uvmsim_frame.c, invariant 1).  (A check may run inside such
	 * an access, from a hook: the putting off itself is no fault.) */
	if (m->frame_unfenced && !m->frame_defer)
		uvmsim__problem(r, "frame.fence", "machine", "frame_unfenced",
		    "a frame copy's store fence is still to be made, and no "
		    "access of the MMU puts it off");
	uvmsim__restore(sv);
	n = (int)(r->count + r->dropped);
	if (r == &local) {
		uvmsim_report_print(&local, stderr);
		uvmsim_report_free(&local);
	}
	return n;
}
