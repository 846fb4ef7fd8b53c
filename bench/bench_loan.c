/*
 * bench_loan.c: figures of page loanout (uvm_loan.c), each against the
 * frame module's copy of a page: a loan exists to spare that copy, so it
 * must cost a small part of one.
 *
 *   loan.page_vs_copy       uvm_loan + uvm_unloan to the kernel
 *                           (UVM_LOAN_TOPAGE) of a 256-page range of a
 *                           process's resident anonymous memory, per
 *                           page, against a copy of those same 256 frames
 *                           onto 256 others: the same 1 MiB working set,
 *                           warm on both sides.
 *   loan.single_vs_copy     the same, one page per loan: the fixed cost of
 *                           a loan (the lookup, the locks) on one page,
 *                           against the same copy.
 *   loan.break_vs_copy      the owner's write to a page it has lent to the
 *                           kernel: the store faults and the anon gets a
 *                           fresh copy, the lent frame staying with the
 *                           kernel.  Only the stores are timed; the loan
 *                           before and its return after are not.  Against
 *                           a copy of the same lent frames, which on both
 *                           sides are evicted from the caches first (the
 *                           same cold source), BREAK_PAGES of them.
 *   loan.deep_vs_shallow    loan + unloan of a range whose pages carry 100
 *                           kernel loans already, over the same of a range
 *                           of pages with none, sampled in pairs: the cost
 *                           of a loan must not grow with the loans a page
 *                           carries.
 *
 * The memory is mapped with uvm_map and every page written through the MMU
 * (uvmsim_store) before timing, so the loans find resident anon pages,
 * mapped, as a process that wrote its buffer leaves them.  After the first
 * loan those mappings are read-only, and stay so: a loan in the timed loop
 * finds no writable mapping to take away (the steady state of a buffer
 * lent over and over, as a socket sending from it does).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"

#define LOAN_VA		0x10000000UL	/* the region lent */
#define LOAN_VB		0x20000000UL	/* a second region (deep_vs_shallow) */
#define LOAN_PAGES	256		/* pages per range loan */
#define LOAN_ROUNDS	64		/* range loans per sample */
#define LOAN_ROUNDS_Q	8		/* with --quick */
#define SINGLE_LOANS	16384		/* one-page loans per sample */
#define SINGLE_LOANS_Q	2048
#define BREAK_PAGES	8192		/* 32 MiB of lent frames */
#define BREAK_PAGES_Q	1024
#define DEEP_LOANS	100		/* loans each page of the deep range
					   carries */

struct loan_env {
	struct uvmsim_machine *m;
	struct proc	*p;
	struct vm_map	*map;		/* p's map */
	vaddr_t		va;		/* the range a sample lends */
	size_t		npages;		/* ... its pages */
	struct vm_page	**pgs;		/* npages entries: a loan's result */
	struct bench_pages copy;	/* the baseline: the range's frames */
	struct vm_page	**deep;		/* DEEP_LOANS * npages entries, or NULL:
					   the loans kept on the deep range */
	size_t		ndeep;		/* ... of them made (range loans) */
	int		lent_fresh;	/* copy.src: the frames break_sample
					   just lent, not yet copied */
};

/*
 * env_init: a machine of nframes frames, warmed, with a process whose
 * anonymous memory [va, va + npages) is mapped and written page by page.
 * => Returns 0, or -1 after a message with nothing left behind.
 */
static int
env_init(struct loan_env *e, size_t nframes, vaddr_t va, size_t npages)
{
	e->m = NULL;
	e->p = NULL;
	e->va = va;
	e->npages = npages;
	e->deep = NULL;
	e->ndeep = 0;
	e->lent_fresh = 0;
	memset(&e->copy, 0, sizeof(e->copy));
	e->pgs = calloc(npages, sizeof(*e->pgs));
	if (e->pgs == NULL) {
		bench_fail("no host memory");
		return -1;
	}
	if ((e->m = bench_machine(nframes)) == NULL)
		goto fail;
	bench_warm_frames(e->m);
	if (uvmsim_proc_create(e->m, &e->p) != 0) {
		bench_fail("uvmsim_proc_create: %s", uvmsim_last_error());
		goto fail;
	}
	e->map = &e->p->p_vmspace->vm_map;
	return 0;
fail:
	bench_machine_destroy(e->m);
	free(e->pgs);
	return -1;
}

/*
 * map_region: private anonymous memory at [va, va + npages), every page
 * written through the MMU so that each has its anon and page, mapped.
 */
static int
map_region(struct loan_env *e, vaddr_t va, size_t npages)
{
	vaddr_t at = va;
	size_t i;
	int error;

	uvmsim_machine_enter(e->m);
	error = uvm_map(e->map, &at, (vsize_t)npages * BENCH_PAGE, NULL,
	    UVM_UNKNOWN_OFFSET, 0, UVM_MAPFLAG(VM_PROT_READ | VM_PROT_WRITE,
	    VM_PROT_ALL, UVM_INH_COPY, UVM_ADV_NORMAL,
	    UVM_FLAG_FIXED | UVM_FLAG_COPYONW));
	uvmsim_machine_leave(e->m);
	if (error != 0) {
		bench_fail("uvm_map: %s", uvmsim_last_error());
		return -1;
	}
	for (i = 0; i < npages; i++)
		if (uvmsim_store(e->m, 0, e->p->p_vmspace,
		    va + i * BENCH_PAGE, 8, i) != 0) {
			bench_fail("store at %#lx: %s",
			    (unsigned long)(va + i * BENCH_PAGE),
			    uvmsim_last_error());
			return -1;
		}
	return 0;
}

/*
 * copy_baseline: the frames of the range as the baseline's sources, and
 * as many frames of the machine as its destinations.
 */
static int
copy_baseline(struct loan_env *e, int cold)
{
	e->copy.cold = cold;
	if (bench_pages_src(&e->copy, e->m, e->p->p_vmspace, e->va,
	    e->npages) != 0 || bench_pages_dst(&e->copy, e->m, e->npages) != 0)
		return -1;
	return 0;
}

/* Give back the deep range's kept loans, then everything else. */
static void
env_fini(struct loan_env *e)
{
	size_t i;

	uvmsim_machine_enter(e->m);
	for (i = 0; i < e->ndeep; i++)
		uvm_unloan(e->deep + i * e->npages, (int)e->npages,
		    UVM_LOAN_TOPAGE);
	uvmsim_machine_leave(e->m);
	free(e->deep);
	bench_pages_fini(&e->copy);
	uvmsim_proc_exit(e->m, e->p);
	bench_machine_destroy(e->m);
	free(e->pgs);
}

/* ---- loan.page_vs_copy, loan.deep_vs_shallow ---- */

/*
 * range_sample: ns per page of uvm_loan + uvm_unloan of the whole range,
 * LOAN_ROUNDS times.
 */
static double
range_sample(struct bench *b, void *arg)
{
	struct loan_env *e = arg;
	size_t rounds = b->quick ? LOAN_ROUNDS_Q : LOAN_ROUNDS, r;
	vsize_t len = (vsize_t)e->npages * BENCH_PAGE;
	uint64_t t0, t1;
	int error = 0;

	uvmsim_machine_enter(e->m);
	t0 = bench_now();
	for (r = 0; r < rounds; r++) {
		error = uvm_loan(e->map, e->va, len, e->pgs, UVM_LOAN_TOPAGE);
		if (error != 0)
			break;
		uvm_unloan(e->pgs, (int)e->npages, UVM_LOAN_TOPAGE);
	}
	t1 = bench_now();
	uvmsim_machine_leave(e->m);
	if (error != 0)
		return bench_fail("uvm_loan: %s", uvmsim_strerror(error));
	return (double)(t1 - t0) / (double)(rounds * e->npages);
}

double
fig_loan_page_vs_copy(struct bench *b)
{
	struct loan_env e;
	double r = NAN;

	if (env_init(&e, 2048, LOAN_VA, LOAN_PAGES) != 0)
		return NAN;
	if (map_region(&e, LOAN_VA, LOAN_PAGES) == 0 &&
	    copy_baseline(&e, 0) == 0)
		r = bench_paired(b, range_sample, &e, bench_pages_copy_sample,
		    &e.copy);
	env_fini(&e);
	return r;
}

double
fig_loan_deep_vs_shallow(struct bench *b)
{
	struct loan_env deep, shallow;
	double r = NAN;
	int error = 0;

	/*
	 * One machine, one process, two ranges:
	 *
	 *	LOAN_VA: 256 pages, each lent DEEP_LOANS times (kept)
	 *	LOAN_VB: 256 pages, lent to nobody
	 *
	 * The shallow side shares the deep side's machine and process.
	 */
	if (env_init(&deep, 2048, LOAN_VA, LOAN_PAGES) != 0)
		return NAN;
	shallow = deep;
	shallow.va = LOAN_VB;
	shallow.pgs = calloc(LOAN_PAGES, sizeof(*shallow.pgs));
	deep.deep = calloc((size_t)DEEP_LOANS * LOAN_PAGES,
	    sizeof(*deep.deep));
	if (shallow.pgs == NULL || deep.deep == NULL) {
		r = bench_fail("no host memory");
		goto out;
	}
	if (map_region(&deep, LOAN_VA, LOAN_PAGES) != 0 ||
	    map_region(&deep, LOAN_VB, LOAN_PAGES) != 0)
		goto out;
	uvmsim_machine_enter(deep.m);
	for (; deep.ndeep < DEEP_LOANS; deep.ndeep++) {
		error = uvm_loan(deep.map, LOAN_VA,
		    (vsize_t)LOAN_PAGES * BENCH_PAGE,
		    deep.deep + deep.ndeep * LOAN_PAGES, UVM_LOAN_TOPAGE);
		if (error != 0)
			break;		/* it returned its own loans */
	}
	uvmsim_machine_leave(deep.m);
	if (error != 0) {
		r = bench_fail("uvm_loan: %s", uvmsim_strerror(error));
		goto out;
	}
	r = bench_paired(b, range_sample, &deep, range_sample, &shallow);
out:
	free(shallow.pgs);
	env_fini(&deep);
	return r;
}

/* ---- loan.single_vs_copy ---- */

/*
 * single_sample: ns per one-page uvm_loan + uvm_unloan, the pages of the
 * range taken in turn.
 */
static double
single_sample(struct bench *b, void *arg)
{
	struct loan_env *e = arg;
	size_t n = b->quick ? SINGLE_LOANS_Q : SINGLE_LOANS, i;
	uint64_t t0, t1;
	int error = 0;

	uvmsim_machine_enter(e->m);
	t0 = bench_now();
	for (i = 0; i < n; i++) {
		error = uvm_loan(e->map, e->va + (i % e->npages) * BENCH_PAGE,
		    BENCH_PAGE, e->pgs, UVM_LOAN_TOPAGE);
		if (error != 0)
			break;
		uvm_unloan(e->pgs, 1, UVM_LOAN_TOPAGE);
	}
	t1 = bench_now();
	uvmsim_machine_leave(e->m);
	if (error != 0)
		return bench_fail("uvm_loan: %s", uvmsim_strerror(error));
	return (double)(t1 - t0) / (double)n;
}

double
fig_loan_single_vs_copy(struct bench *b)
{
	struct loan_env e;
	double r = NAN;

	if (env_init(&e, 2048, LOAN_VA, LOAN_PAGES) != 0)
		return NAN;
	if (map_region(&e, LOAN_VA, LOAN_PAGES) == 0 &&
	    copy_baseline(&e, 0) == 0)
		r = bench_paired(b, single_sample, &e, bench_pages_copy_sample,
		    &e.copy);
	env_fini(&e);
	return r;
}

/* ---- loan.break_vs_copy ---- */

/*
 * break_sample: lend the region to the kernel, then time the owner's
 * store to each page: each store faults, and the fault gives the anon a
 * copy of the lent page.  The loan is returned afterwards, untimed,
 * which frees the lent frames (orphans by then).  ns per store.
 */
static double
break_sample(struct bench *b, void *arg)
{
	struct loan_env *e = arg;
	struct vmspace *vs = e->p->p_vmspace;
	uint64_t t0, t1;
	size_t i;
	int error;

	(void)b;
	uvmsim_machine_enter(e->m);
	error = uvm_loan(e->map, e->va, (vsize_t)e->npages * BENCH_PAGE,
	    e->pgs, UVM_LOAN_TOPAGE);
	uvmsim_machine_leave(e->m);
	if (error != 0)
		return bench_fail("uvm_loan: %s", uvmsim_strerror(error));
	/* The same cold source: the baseline copies these frames too. */
	for (i = 0; i < e->npages; i++) {
		e->copy.src[i] = uvmsim_page_data(e->m, e->pgs[i]);
		bench_evict(e->copy.src[i], BENCH_PAGE);
	}
	e->lent_fresh = 1;
	t0 = bench_now();
	for (i = 0; i < e->npages; i++)
		if ((error = uvmsim_store(e->m, 0, vs, e->va + i * BENCH_PAGE,
		    8, ~(uint64_t)i)) != 0)
			break;
	t1 = bench_now();
	uvmsim_machine_enter(e->m);
	uvm_unloan(e->pgs, (int)e->npages, UVM_LOAN_TOPAGE);
	uvmsim_machine_leave(e->m);
	if (error != 0)
		return bench_fail("store at %#lx: %s",
		    (unsigned long)(e->va + i * BENCH_PAGE),
		    uvmsim_last_error());
	return (double)(t1 - t0) / (double)e->npages;
}

/*
 * break_copy_sample: the baseline of break_sample, a copy of the frames
 * its paired stores copy.  Run right after break_sample, that is the
 * frames it lent (copy.src as it left it); run first in its pair, the
 * frames the next break_sample lends: those the range holds now, the
 * copies the last one made.  (The two sets alternate from sample to
 * sample, and so does the order of their addresses: each sample's
 * faults are handed the frames the one before freed, the last freed
 * first.  Copied from another set than its pair's stores, a baseline
 * would stream its sources in the other order half of the time.)
 */
static double
break_copy_sample(struct bench *b, void *arg)
{
	struct loan_env *e = arg;

	if (!e->lent_fresh && bench_pages_src(&e->copy, e->m,
	    e->p->p_vmspace, e->va, e->npages) != 0)
		return NAN;
	e->lent_fresh = 0;
	return bench_pages_copy_sample(b, &e->copy);
}

double
fig_loan_break_vs_copy(struct bench *b)
{
	struct loan_env e;
	size_t n = b->quick ? BREAK_PAGES_Q : BREAK_PAGES;
	double r = NAN;

	/* Room for the pages, their copies, the baseline's destinations,
	 * the page tables. */
	if (env_init(&e, 3 * n + 1024, LOAN_VA, n) != 0)
		return NAN;
	if (map_region(&e, LOAN_VA, n) == 0 && copy_baseline(&e, 1) == 0)
		r = bench_paired(b, break_sample, &e, break_copy_sample, &e);
	env_fini(&e);
	return r;
}
