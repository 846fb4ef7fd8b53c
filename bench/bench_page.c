/*
 * bench_page.c: figures of physical memory: allocating and freeing
 * frames, with and without zeroing, the metadata per frame, and how the
 * allocator's cost grows with the number of frames.
 *
 * Every timed loop is the kernel's own sequence for a page with no owner:
 *
 *	pg = uvm_pagealloc(NULL, 0, NULL, flags);
 *	...
 *	uvm_lock_pageq();
 *	uvm_pagefree(pg);
 *	uvm_unlock_pageq();
 *
 * with the pages allocated in batches and then freed, so that a figure
 * reflects the free lists and the frame descriptors rather than one frame
 * kept hot in the cache.  The machines trace nothing (bench_machine()).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "bench.h"

#define BATCH		64		/* pages held at once by alloc_free */
#define ROUNDS		4096		/* batches per sample (256 Ki pages) */
#define ROUNDS_QUICK	512		/* with --quick (32 Ki pages) */
#define SMALL_NPAGES	((size_t)4096)
#define BIG_NPAGES	((size_t)1 << 20)
#define BIG_NPAGES_QUICK ((size_t)1 << 16)

/*
 * free_pages: free n pages, taking the page queue lock for each as a
 * kernel caller freeing one page at a time would.
 * => The calling thread is in the machine; no lock held.
 */
static void
free_pages(struct vm_page **pgs, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		uvm_lock_pageq();
		uvm_pagefree(pgs[i]);
		uvm_unlock_pageq();
	}
}

/*
 * cycle: allocate n pages with flags, then free them all.
 * => The calling thread is in the machine; no lock held.
 * => Returns ns per page (allocation and free), or NAN if an allocation
 *    failed, with every page allocated so far freed again.
 */
static double
cycle(struct vm_page **pgs, size_t n, int flags)
{
	uint64_t t0, t1;
	size_t i;

	t0 = bench_now();
	for (i = 0; i < n; i++) {
		pgs[i] = uvm_pagealloc(NULL, 0, NULL, flags);
		if (pgs[i] == NULL) {
			free_pages(pgs, i);
			return bench_fail("uvm_pagealloc failed after %zu of "
			    "%zu pages", i, n);
		}
	}
	free_pages(pgs, n);
	t1 = bench_now();
	return (double)(t1 - t0) / (double)n;
}

/*
 * alloc_free_sample: rounds of (allocate BATCH pages unzeroed, free them)
 * on machine arg.
 * => No machine entered; no lock held.
 * => Returns ns per page, or NAN if an allocation failed.
 */
static double
alloc_free_sample(struct bench *b, void *arg)
{
	struct uvmsim_machine *m = arg;
	struct vm_page *pgs[BATCH];
	size_t rounds = b->quick ? ROUNDS_QUICK : ROUNDS, r, i;
	uint64_t t0, t1;

	uvmsim_machine_enter(m);
	t0 = bench_now();
	for (r = 0; r < rounds; r++) {
		for (i = 0; i < BATCH; i++) {
			pgs[i] = uvm_pagealloc(NULL, 0, NULL, 0);
			if (__predict_false(pgs[i] == NULL)) {
				free_pages(pgs, i);
				uvmsim_machine_leave(m);
				return bench_fail("uvm_pagealloc failed");
			}
		}
		free_pages(pgs, BATCH);
	}
	t1 = bench_now();
	uvmsim_machine_leave(m);
	return (double)(t1 - t0) / (double)(rounds * BATCH);
}

struct zero_ctx {
	struct uvmsim_machine *m;	/* the machine timed */
	struct vm_page	**pgs;		/* room for every frame */
	size_t		npages;		/* its free frames at boot */
};

/* zero_sample: allocate every frame zeroed, then free them all. */
static double
zero_sample(struct bench *b, void *arg)
{
	struct zero_ctx *z = arg;
	double v;

	(void)b;
	uvmsim_machine_enter(z->m);
	v = cycle(z->pgs, z->npages, UVM_PGA_ZERO);
	uvmsim_machine_leave(z->m);
	return v;
}

/*
 * page.alloc_zero_vs_memset: zeroed alloc+free per page over the
 * memset of a page.  The machine has as many frames as the memset
 * baseline has pages, and a sample cycles through all of them that are
 * free, so both stream about the same amount of memory.
 */
double
fig_page_alloc_zero_vs_memset(struct bench *b)
{
	struct zero_ctx z;
	struct uvmexp *exp;
	double v = NAN;
	int zerohit;

	z.npages = b->host_len / BENCH_PAGE;
	if ((z.m = bench_machine(z.npages)) == NULL)
		return NAN;
	if ((z.pgs = calloc(z.npages, sizeof(*z.pgs))) == NULL) {
		bench_machine_destroy(z.m);
		return bench_fail("out of memory");
	}
	exp = uvmsim_uvmexp(z.m);
	/* The kernel's page tables hold a few frames from boot on. */
	z.npages = (size_t)exp->free;

	/*
	 * Allocate every frame and free it, so no free frame is known to
	 * be zero and every UVM_PGA_ZERO allocation has to zero.  The
	 * first zeroed sample (bench_paired's warm-up) faults the host
	 * memory behind the frames in.
	 */
	uvmsim_machine_enter(z.m);
	v = cycle(z.pgs, z.npages, 0);
	uvmsim_machine_leave(z.m);
	if (isnan(v))
		goto out;
	if (exp->zeropages != 0)
		bench_fail("warning: %d free frames still known zero",
		    exp->zeropages);

	zerohit = exp->pga_zerohit;
	v = bench_paired(b, zero_sample, &z, bench_frame_zero_sample, NULL);
	if (exp->pga_zerohit != zerohit)
		bench_fail("warning: %d zeroed allocations found a zero page",
		    exp->pga_zerohit - zerohit);
out:
	bench_machine_destroy(z.m);
	free(z.pgs);
	return v;
}

/*
 * page.alloc_free_vs_memset: unzeroed alloc+free per page over the
 * memset of a page.
 */
double
fig_page_alloc_free_vs_memset(struct bench *b)
{
	struct uvmsim_machine *m;
	double v;

	if ((m = bench_machine(SMALL_NPAGES)) == NULL)
		return NAN;
	v = bench_paired(b, alloc_free_sample, m, bench_frame_zero_sample,
	    NULL);
	bench_machine_destroy(m);
	return v;
}

/* page.meta_bytes: the frame descriptor, the memory cost of each frame. */
double
fig_page_meta_bytes(struct bench *b)
{
	(void)b;
	return (double)sizeof(struct vm_page);
}

/*
 * page.scaling_1M_vs_4K: unzeroed alloc+free per page on a big machine
 * over the same on a small one, the two sampled in turn.
 */
double
fig_page_scaling_1m_vs_4k(struct bench *b)
{
	struct uvmsim_machine *small, *big;
	double v = NAN;

	small = bench_machine(SMALL_NPAGES);
	big = bench_machine(b->quick ? BIG_NPAGES_QUICK : BIG_NPAGES);
	if (small != NULL && big != NULL)
		v = bench_paired(b, alloc_free_sample, big, alloc_free_sample,
		    small);
	bench_machine_destroy(small);
	bench_machine_destroy(big);
	return v;
}
