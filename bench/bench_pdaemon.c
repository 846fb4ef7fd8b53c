/*
 * bench_pdaemon.c: figures of the page daemon and swap.
 *
 *   pdaemon.scan_vs_copy      the page daemon's cost per page scanned on
 *                             a full inactive queue of clean, unreferenced
 *                             anon pages whose bytes are in swap (each is
 *                             looked at, its anon try-locked, its
 *                             mappings and modified bit checked, and it
 *                             is freed), over the frame module's copy of
 *                             a page streaming through 256 MiB
 *                             (frame.copy_page_ns's sample).  Target
 *                             <= 0.1.
 *   pdaemon.scaling_4M_vs_64K the same cost per page scanned on a machine
 *                             of 4,194,304 frames over one of 65,536
 *                             (262,144 over 16,384 with --quick), the
 *                             same pages on the queue: the scan must not
 *                             walk memory.  Target <= 1.3.
 *   swap.roundtrip_vs_copy    a page to swap and back (uvm_swap_alloc,
 *                             uvm_swap_put, uvm_swap_get into another
 *                             frame, uvm_swap_free) over two frame copies
 *                             of a page, the same pages, both warm.
 *                             Target <= 3.
 *
 * Memory is made short as a test does: every free frame is taken
 * (uvm_pagealloc with no owner) before the daemon runs, and taken again
 * after each run, untimed; the daemon frees pages until four times its
 * free target are free, so a sample runs it until the queue is empty.
 * The queue is refilled, untimed, before each sample: each anon gets a
 * page again, clean (its bytes are in its slot), inactive, unmapped.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "bench.h"
#include "uvmsim_frame.h"

#define PD_PAGES	4096		/* pages on the inactive queue */
#define PD_PAGES_Q	512
#define PD_SMALL	((size_t)1 << 16)	/* frames of the machines */
#define PD_BIG		((size_t)1 << 22)
#define PD_SMALL_Q	((size_t)1 << 14)
#define PD_BIG_Q	((size_t)1 << 18)
#define SW_PAGES	256		/* pages of the swap round trip */

struct pd_env {
	struct uvmsim_machine *m;
	struct vm_anon	**anons;	/* npages anons, each with a slot */
	size_t		npages;
	struct vm_page	**hog;		/* frames taken to make memory short */
	size_t		nhog, hogcap;
};

/* Take every free frame.  m entered. */
static void
pd_hog(struct pd_env *e)
{
	struct vm_page *pg;

	while (e->nhog < e->hogcap &&
	    (pg = uvm_pagealloc(NULL, 0, NULL, 0)) != NULL)
		e->hog[e->nhog++] = pg;
}

/* Give them back.  m entered. */
static void
pd_unhog(struct pd_env *e)
{
	uvm_lock_pageq();
	while (e->nhog > 0)
		uvm_pagefree(e->hog[--e->nhog]);
	uvm_unlock_pageq();
}

/*
 * pd_refill: give each anon without a page a new one, clean (its bytes
 * are its slot's), unbusy, on the inactive queue.  m entered.
 */
static int
pd_refill(struct pd_env *e)
{
	struct vm_anon *a;
	struct vm_page *pg;
	size_t i;

	for (i = 0; i < e->npages; i++) {
		a = e->anons[i];
		simple_lock(&a->an_lock);
		if (a->u.an_page == NULL) {
			if ((pg = uvm_pagealloc(NULL, 0, a, 0)) == NULL) {
				simple_unlock(&a->an_lock);
				return -1;
			}
			pg->flags &= ~(PG_BUSY | PG_FAKE);
			pg->flags |= PG_CLEAN;
			UVM_PAGE_OWN(pg, NULL);
			uvm_lock_pageq();
			uvm_pagedeactivate(pg);
			uvm_unlock_pageq();
		}
		simple_unlock(&a->an_lock);
	}
	return 0;
}

static void
pd_fini(struct pd_env *e)
{
	size_t i;

	if (e->m == NULL)
		return;
	uvmsim_machine_enter(e->m);
	pd_unhog(e);
	for (i = 0; i < e->npages; i++)
		if (e->anons[i] != NULL) {
			e->anons[i]->an_ref = 0;
			uvm_anfree(e->anons[i]);
		}
	uvmsim_machine_leave(e->m);
	free(e->anons);
	free(e->hog);
	bench_machine_destroy(e->m);
	e->m = NULL;
}

/*
 * pd_init: a machine of nframes frames and a swap of npages slots, and
 * npages anons, each with a slot (its bytes) and a clean page on the
 * inactive queue.
 */
static int
pd_init(struct pd_env *e, size_t nframes, size_t npages)
{
	struct vm_anon *a;
	size_t i;
	int n, slot;

	e->npages = npages;
	e->nhog = 0;
	e->hogcap = nframes;
	e->anons = calloc(npages, sizeof(*e->anons));
	e->hog = malloc(nframes * sizeof(*e->hog));
	if (e->anons == NULL || e->hog == NULL) {
		free(e->anons);
		free(e->hog);
		return bench_fail("no host memory"), -1;
	}
	if ((e->m = bench_machine_swap(nframes, npages)) == NULL) {
		free(e->anons);
		free(e->hog);
		return -1;
	}
	uvmsim_machine_enter(e->m);
	for (i = 0; i < npages; i++) {
		if ((a = uvm_analloc()) == NULL)
			break;
		n = 1;
		slot = uvm_swap_alloc(&n, FALSE);
		a->an_swslot = slot;
		simple_unlock(&a->an_lock);
		e->anons[i] = a;
		if (slot == 0)
			break;
	}
	uvmsim_machine_leave(e->m);
	if (i < npages) {
		pd_fini(e);
		return bench_fail("setting up %zu anons", npages), -1;
	}
	return 0;
}

/* ns per page scanned: refill the queue, then run the daemon with memory
 * short until the queue is empty. */
static double
pd_scan_sample(struct bench *b, void *arg)
{
	struct pd_env *e = arg;
	struct uvmexp *ux = uvmsim_uvmexp(e->m);
	uint64_t t0, t1, ns = 0;
	int scans, runs = 0, r;

	(void)b;
	uvmsim_machine_enter(e->m);
	pd_unhog(e);
	if (pd_refill(e) != 0) {
		uvmsim_machine_leave(e->m);
		return bench_fail("refilling the inactive queue");
	}
	pd_hog(e);
	uvmsim_machine_leave(e->m);
	scans = ux->pdscans;
	while (ux->inactive > 0 && runs++ < 100000) {
		t0 = bench_now();
		r = uvmsim_pagedaemon_run(e->m, 0);
		t1 = bench_now();
		ns += t1 - t0;
		if (r <= 0)
			return bench_fail("the page daemon freed nothing");
		uvmsim_machine_enter(e->m);
		pd_hog(e);
		uvmsim_machine_leave(e->m);
	}
	scans = ux->pdscans - scans;
	if (scans <= 0)
		return bench_fail("the page daemon scanned nothing");
	return (double)ns / (double)scans;
}

/* ---- for bench_instr.c: the same scene ---- */

struct pd_env *
bench_pd_new(size_t nframes, size_t npages)
{
	struct pd_env *e = calloc(1, sizeof(*e));

	if (e == NULL)
		return NULL;
	if (pd_init(e, nframes, npages) != 0) {
		free(e);
		return NULL;
	}
	return e;
}

struct uvmsim_machine *
bench_pd_machine(struct pd_env *e)
{
	return e->m;
}

int
bench_pd_prepare(struct pd_env *e)
{
	int error;

	uvmsim_machine_enter(e->m);
	pd_unhog(e);
	error = pd_refill(e);
	pd_hog(e);
	uvmsim_machine_leave(e->m);
	return error;
}

void
bench_pd_rehog(struct pd_env *e)
{
	uvmsim_machine_enter(e->m);
	pd_hog(e);
	uvmsim_machine_leave(e->m);
}

void
bench_pd_free(struct pd_env *e)
{
	pd_fini(e);
	free(e);
}

double
fig_pdaemon_scan_vs_copy(struct bench *b)
{
	struct pd_env e;
	double r;

	if (pd_init(&e, b->quick ? PD_SMALL_Q : PD_SMALL,
	    b->quick ? PD_PAGES_Q : PD_PAGES) != 0)
		return NAN;
	r = bench_paired(b, pd_scan_sample, &e, bench_frame_copy_sample,
	    NULL);
	pd_fini(&e);
	return r;
}

double
fig_pdaemon_scaling_4m_vs_64k(struct bench *b)
{
	struct pd_env big, small;
	size_t n = b->quick ? PD_PAGES_Q : PD_PAGES;
	double r;

	if (pd_init(&big, b->quick ? PD_BIG_Q : PD_BIG, n) != 0)
		return NAN;
	if (pd_init(&small, b->quick ? PD_SMALL_Q : PD_SMALL, n) != 0) {
		pd_fini(&big);
		return NAN;
	}
	r = bench_paired(b, pd_scan_sample, &big, pd_scan_sample, &small);
	pd_fini(&small);
	pd_fini(&big);
	return r;
}

/* The swap round trip's scene: SW_PAGES pages and as many others to read
 * them back into, busy and owned by nobody. */
struct sw_env {
	struct uvmsim_machine *m;
	struct vm_page	*src[SW_PAGES], *dst[SW_PAGES];
	void		*csrc[SW_PAGES], *cdst[SW_PAGES]; /* their bytes,
					   which the baseline copies */
};

/* ns per page: out to swap and back into another frame. */
static double
sw_sample(struct bench *b, void *arg)
{
	struct sw_env *e = arg;
	uint64_t t0, t1;
	int i, n, slot, error = 0;

	(void)b;
	uvmsim_machine_enter(e->m);
	t0 = bench_now();
	for (i = 0; i < SW_PAGES; i++) {
		n = 1;
		slot = uvm_swap_alloc(&n, FALSE);
		error |= slot == 0;
		error |= uvm_swap_put(slot, &e->src[i], 1, 0);
		error |= uvm_swap_get(e->dst[i], slot, 0);
		uvm_swap_free(slot, 1);
	}
	t1 = bench_now();
	uvmsim_machine_leave(e->m);
	if (error != 0)
		return bench_fail("a swap round trip failed");
	return (double)(t1 - t0) / SW_PAGES;
}

/* ns per page: two frame copies of each page, there and back. */
static double
sw_copy_sample(struct bench *b, void *arg)
{
	struct sw_env *e = arg;
	uint64_t t0, t1;
	int i;

	(void)b;
	t0 = bench_now();
	for (i = 0; i < SW_PAGES; i++) {
		uvmsim__frame_copy_fenced(e->cdst[i], e->csrc[i], BENCH_PAGE);
		uvmsim__frame_copy_fenced(e->csrc[i], e->cdst[i], BENCH_PAGE);
	}
	BENCH_CLOBBER(e->cdst[0]);
	t1 = bench_now();
	return (double)(t1 - t0) / SW_PAGES;
}

double
fig_swap_roundtrip_vs_copy(struct bench *b)
{
	struct sw_env *e;
	double r;
	int i;

	if ((e = calloc(1, sizeof(*e))) == NULL)
		return bench_fail("no host memory");
	if ((e->m = bench_machine_swap(4 * SW_PAGES, SW_PAGES)) == NULL) {
		free(e);
		return NAN;
	}
	bench_warm_frames(e->m);
	uvmsim_machine_enter(e->m);
	for (i = 0; i < SW_PAGES; i++) {
		e->src[i] = uvm_pagealloc(NULL, 0, NULL, 0);
		e->dst[i] = uvm_pagealloc(NULL, 0, NULL, 0);
		e->csrc[i] = uvmsim_page_data(e->m, e->src[i]);
		e->cdst[i] = uvmsim_page_data(e->m, e->dst[i]);
	}
	uvmsim_machine_leave(e->m);
	r = bench_paired(b, sw_sample, e, sw_copy_sample, e);
	uvmsim_machine_enter(e->m);
	uvm_lock_pageq();
	for (i = 0; i < SW_PAGES; i++) {
		uvm_pagefree(e->src[i]);
		uvm_pagefree(e->dst[i]);
	}
	uvm_unlock_pageq();
	uvmsim_machine_leave(e->m);
	bench_machine_destroy(e->m);
	free(e);
	return r;
}
