/*
 * uvmsim_check.c: the invariant checker.
 *
 * uvmsim_check() walks every structure of a machine and reports each
 * broken invariant: the pages, their queues and their loans (here), the
 * objects, anons and amaps (in their modules), and the locks left held.
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

#include "uvmsim_machine.h"
#include "uvmsim_cur.h"
#include "uvmsim_lock.h"
#include "uvmsim_problem.h"

void
uvmsim__problem(struct uvmsim_report *r, const char *invariant,
    const char *object, const char *field, const char *fmt, ...)
{
	struct uvmsim_machine *m = uvmsim__curm;
	struct uvmsim_problem *p, *np;
	char full[512];
	size_t ncap;
	va_list ap;

	if (r->count >= r->cap) {
		ncap = r->cap ? r->cap * 2 : 16;
		if (m != NULL && uvmsim__fp(m, UVMSIM_FP_CHECKREPORT))
			np = NULL;
		else
			np = realloc(r->problems, ncap * sizeof(*np));
		if (np == NULL) {
			/* Keep counting even when the details cannot be kept. */
			r->dropped++;
			return;
		}
		r->problems = np;
		r->cap = ncap;
	}
	p = &r->problems[r->count++];
	snprintf(p->invariant, sizeof(p->invariant), "%s", invariant);
	snprintf(p->object, sizeof(p->object), "%s", object);
	snprintf(p->field, sizeof(p->field), "%s", field);
	va_start(ap, fmt);
	vsnprintf(full, sizeof(full), fmt, ap);
	va_end(ap);
	uvmsim__shorten_paths(full);
	strlcpy(p->detail, full, sizeof(p->detail));
}

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
 *	orphan, back on a paging queue.
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
	if (pg->wire_count != 0)
		uvmsim__problem(r, "loan.wired", who, "wire_count",
		    "loaned %u times, yet wired %u times", pg->loan_count,
		    pg->wire_count);
}


/*
 * uvmsim__loanwatch: the loan-lock watch.  loan_count changes only with
 * the page's owner (object or anon) and the page queues locked
 * (uvm_loan.c invariant 4).  A change cannot be seen as it happens, but
 * it is always followed by a lock operation (the lock that guarded it
 * being released), and each lock operation looks, before it acts, for
 * pages whose loan_count differs from what was last seen: at that moment
 * the page queues and the page's present owner must be locked.  A page
 * nobody else can reach (no owner, on no queue, never lent until now) is
 * exempt: 1.39 sets the loan_count of a fresh zero-loan page unlocked.
 * The first breach is kept for the checker (loan.lock).
 */
void
uvmsim__loanwatch(struct uvmsim_machine *m, const char *file, int line)
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
 * uvmsim__check_pages: invariants 1-6 of uvm_page.c, and those of loaned
 * pages (check_loaned), and, when the loan module keeps the ledger:
 *
 *   [loan.lock]  (with cfg.check_loan_locks) no loan_count changed
 *	without the page queues and the page's owner locked since the last
 *	check (uvmsim__loanwatch); reported once.
 *   [loan.count]  loan_count is the page's kernel loans (kloan_count)
 *	plus one if an anon borrows it (uanon set, the page not marked as
 *	the anon's own): uvm_loan.c invariant 1.  A loan lost or counted
 *	twice shows here before it leaks a page or frees one still in use.
 */
void
uvmsim__check_pages(struct uvmsim_machine *m, struct uvmsim_report *r)
{
	struct uvmexp *ux = &m->uvmexp;
	struct vm_page *pg, key;
	long nfree, nzero, nact, ninact;
	long fact = 0, finact = 0, fwired = 0, fanon = 0, ffree = 0;
	bitstr_t *seen;
	char who[48];
	size_t i;
	u_short q;
	bool ledger = (uvmsim__loan_behaviours() & UVMSIM__LOAN_LEDGER) != 0;

	if (m->loanwatch != NULL) {
		uvmsim__loanwatch(m, "uvmsim_check", 0);
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

	seen = bit_alloc((int)m->npages);
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
	free(seen);

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
	bool ledger = (uvmsim__loan_behaviours() & UVMSIM__LOAN_LEDGER) != 0;

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
 * lock_name: say which lock l is, by finding the structure that holds it.
 */
static void
lock_name(struct uvmsim_machine *m, const struct simplelock *l, char *buf,
    size_t len)
{
	struct uvm_object *o;
	struct vm_anon *a;
	struct vm_amap *am;

	if (l == &m->uvm.pageqlock) {
		snprintf(buf, len, "page queue lock");
		return;
	}
	if (l == &m->uvm.afreelock) {
		snprintf(buf, len, "anon free list lock");
		return;
	}
	TAILQ_FOREACH(o, &m->objects, uo_list)
		if (l == &o->vmobjlock) {
			snprintf(buf, len, "object %u vmobjlock", o->uo_id);
			return;
		}
	TAILQ_FOREACH(a, &m->anons, an_list)
		if (l == &a->an_lock) {
			snprintf(buf, len, "anon %u an_lock", a->an_id);
			return;
		}
	TAILQ_FOREACH(am, &m->amaps, am_list)
		if (l == &am->am_l) {
			snprintf(buf, len, "amap %u am_l", am->am_id);
			return;
		}
	snprintf(buf, len, "lock");
}

void
uvmsim__check_locks(struct uvmsim_machine *m, struct uvmsim_report *r)
{
	struct simplelock *l;
	char who[48];
	size_t n = 0;

	TAILQ_FOREACH(l, &m->held, list) {
		if (++n > m->nheld)
			break;
		lock_name(m, l, who, sizeof(who));
		uvmsim__problem(r, "lock.held", who, "lock_holder",
		    "held by cpu %u since %s:%d", l->lock_holder - 1,
		    l->lock_file, l->lock_line);
	}
}

int
uvmsim_check(struct uvmsim_machine *m, struct uvmsim_report *r)
{
	struct uvmsim_report local = { 0 };
	struct uvmsim__saved sv;
	int n;

	if (m == NULL) {
		(void)uvmsim__error(NULL, EINVAL, "uvmsim_check: m: NULL");
		return -1;
	}
	if (r == NULL)
		r = &local;
	sv = uvmsim__switch(m);
	uvmsim__check_pages(m, r);
	check_page_states(m, r);
	uvmsim__check_objects(m, r);
	uvmsim__check_anons(m, r);
	uvmsim__check_amaps(m, r);
	uvmsim__check_maps(m, r);
	uvmsim__check_pmap(m, r);
	uvmsim__check_locks(m, r);
	uvmsim__restore(sv);
	n = (int)(r->count + r->dropped);
	if (r == &local) {
		uvmsim_report_print(&local, stderr);
		uvmsim_report_free(&local);
	}
	return n;
}

void
uvmsim_report_print(const struct uvmsim_report *r, FILE *fp)
{
	const struct uvmsim_problem *p;
	size_t i, kept;

	if (r == NULL || fp == NULL) {
		(void)uvmsim__error(NULL, EINVAL, "uvmsim_report_print: %s: "
		    "NULL", r == NULL ? "r" : "fp");
		return;
	}
	kept = r->count < r->cap ? r->count : r->cap;
	for (i = 0; i < kept; i++) {
		p = &r->problems[i];
		fprintf(fp, "%s: %s: %s: %s\n", p->invariant, p->object,
		    p->field, p->detail);
	}
	if (r->dropped > 0)
		fprintf(fp, "(%zu more problems not kept: no memory)\n",
		    r->dropped);
}

void
uvmsim_report_free(struct uvmsim_report *r)
{
	if (r == NULL)
		return;
	free(r->problems);
	r->problems = NULL;
	r->count = r->cap = r->dropped = 0;
}

const struct uvmsim_problem *
uvmsim_report_find(const struct uvmsim_report *r, const char *invariant,
    const char *field)
{
	size_t i, kept;

	if (r == NULL || invariant == NULL) {
		(void)uvmsim__error(NULL, EINVAL, "uvmsim_report_find: %s: "
		    "NULL", r == NULL ? "r" : "invariant");
		return NULL;
	}
	kept = r->count < r->cap ? r->count : r->cap;
	for (i = 0; i < kept; i++)
		if (strcmp(r->problems[i].invariant, invariant) == 0 &&
		    (field == NULL || strcmp(r->problems[i].field, field) == 0))
			return &r->problems[i];
	return NULL;
}
