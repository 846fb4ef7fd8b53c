/*
 * bench_check.c: figures of the invariant checker.
 *
 *   check.scaling_1M_vs_64K   uvmsim_check() time per touched page on a
 *                             machine where a process touched 1,048,576
 *                             pages of private anonymous memory, forked,
 *                             and the child wrote every page (copy on
 *                             write), over the same with 65,536 pages
 *                             (16,384 over 1,024 with --quick), the two
 *                             machines sampled in pairs.  The checker
 *                             must stay linear in what it walks: a large
 *                             chunked mapping is thousands of entries
 *                             and amaps, each page an anon in each
 *                             process.  Target <= 1.3.
 *
 * The pages are faulted with uvm_fault() rather than stored to: a zero
 * fill from a frame known to be zero touches no host memory, so only the
 * child's copies are committed by the host.  With transparent huge pages
 * the host commits the parent's frames among them too: the full size
 * holds about 9 GiB of host memory while it runs (--quick: 150 MiB).
 * The figure is wall time, as the others are; on a host whose other
 * tenants keep the CPUs busy the large side suffers more (its walk waits
 * on memory the neighbours also use), so read several runs.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "bench.h"

#define CHECK_VA	0x10000000UL
#define CHECK_BIG	((size_t)1 << 20)	/* pages touched */
#define CHECK_SMALL	((size_t)1 << 16)
#define CHECK_BIG_Q	((size_t)1 << 14)
#define CHECK_SMALL_Q	((size_t)1 << 10)

struct check_env {
	struct uvmsim_machine *m;
	struct proc	*parent, *child;
	size_t		pages;		/* touched in each process */
};

/* Fault every page of [CHECK_VA, + n pages) of p for writing. */
static int
fault_all(struct check_env *e, struct proc *p, size_t n)
{
	struct vm_map *map = &p->p_vmspace->vm_map;
	size_t i;
	int error = 0;

	uvmsim_machine_enter(e->m);
	for (i = 0; i < n && error == 0; i++)
		error = uvm_fault(map, CHECK_VA + i * BENCH_PAGE,
		    VM_FAULT_INVALID, VM_PROT_WRITE);
	uvmsim_machine_leave(e->m);
	if (error != 0)
		bench_fail("fault at page %zu: error %d", i - 1, error);
	return error;
}

static void
check_fini(struct check_env *e)
{
	if (e->child != NULL)
		uvmsim_proc_exit(e->m, e->child);
	uvmsim_proc_exit(e->m, e->parent);
	bench_machine_destroy(e->m);
}

/*
 * check_init: a machine with room for both processes' pages and their
 * page tables; the parent maps and touches n pages, forks, and the child
 * writes each of them.
 */
static int
check_init(struct check_env *e, size_t n)
{
	vaddr_t va = CHECK_VA;
	int error;

	e->pages = n;
	e->child = NULL;
	e->m = bench_machine(2 * n + n / 128 + 1024);
	if (e->m == NULL)
		return -1;
	if (uvmsim_proc_create(e->m, &e->parent) != 0) {
		bench_fail("uvmsim_proc_create: %s", uvmsim_last_error());
		bench_machine_destroy(e->m);
		return -1;
	}
	uvmsim_machine_enter(e->m);
	error = uvm_map(&e->parent->p_vmspace->vm_map, &va, n * BENCH_PAGE,
	    NULL, UVM_UNKNOWN_OFFSET, 0, UVM_MAPFLAG(VM_PROT_READ |
	    VM_PROT_WRITE, VM_PROT_ALL, UVM_INH_COPY, UVM_ADV_RANDOM,
	    UVM_FLAG_FIXED | UVM_FLAG_COPYONW));
	uvmsim_machine_leave(e->m);
	if (error != 0) {
		bench_fail("uvm_map: %s", uvmsim_last_error());
		check_fini(e);
		return -1;
	}
	if (fault_all(e, e->parent, n) != 0 ||
	    uvmsim_proc_fork(e->m, e->parent, &e->child) != 0 ||
	    fault_all(e, e->child, n) != 0) {
		bench_fail("setting up %zu copied pages: %s", n,
		    uvmsim_last_error());
		check_fini(e);
		return -1;
	}
	return 0;
}

/* ns of one uvmsim_check() per touched page; NAN if it found problems. */
static double
check_sample(struct bench *b, void *arg)
{
	struct check_env *e = arg;
	struct uvmsim_report r = { 0 };
	uint64_t t0, t1;
	int n;

	(void)b;
	t0 = bench_now();
	n = uvmsim_check(e->m, &r);
	t1 = bench_now();
	if (n != 0) {
		uvmsim_report_print(&r, stderr);
		uvmsim_report_free(&r);
		return bench_fail("uvmsim_check found %d problems", n);
	}
	uvmsim_report_free(&r);
	return (double)(t1 - t0) / (double)e->pages;
}

double
fig_check_scaling_1m_vs_64k(struct bench *b)
{
	struct check_env big, small;
	double r;

	if (check_init(&big, b->quick ? CHECK_BIG_Q : CHECK_BIG) != 0)
		return NAN;
	if (check_init(&small, b->quick ? CHECK_SMALL_Q : CHECK_SMALL) != 0) {
		check_fini(&big);
		return NAN;
	}
	r = bench_paired(b, check_sample, &big, check_sample, &small);
	check_fini(&small);
	check_fini(&big);
	return r;
}
