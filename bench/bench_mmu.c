/*
 * bench_mmu.c: figures of the MMU and the fault handler.
 *
 *   mmu.load_hit_vs_native     an 8-byte uvmsim_load that hits the TLB,
 *                              against host.load_ns's loop of plain loads.
 *   mmu.copyin_64k_vs_memcpy   throughput of uvmsim_copyin of 64 KiB of
 *                              resident memory over that of a host memcpy
 *                              of 64 KiB (both cache-resident): >= 0.8
 *                              means copyin costs little over the copy.
 *   fault.zero_first_vs_host   a zero-fill write fault on a fresh
 *                              machine's never-touched frames (the host
 *                              commits each frame at its first touch)
 *                              against the host's first-touch write fault
 *                              on fresh anonymous memory, FIRST_PAGES
 *                              pages on both sides.
 *   fault.zero_warm_vs_zero    a zero-fill write fault on frames touched
 *                              before (none known zero, so each fault
 *                              zeroes) against the frame module's zero of
 *                              a page, WARM_PAGES pages on both sides,
 *                              both warm in the caches.
 *   fault.cow_vs_copy          a copy-on-write fault (a child's first
 *                              store to a page after fork) against the
 *                              frame module's copy of the same source
 *                              frames onto as many frames of the machine;
 *                              COW_PAGES pages, the sources evicted from
 *                              the caches before each sample on both
 *                              sides.
 *   fault.cow_vs_host_fork     the same fault against the host kernel's
 *                              own copy-on-write fault: a forked host
 *                              child writes every page of a populated
 *                              region.  HOST_COW_PAGES pages on both
 *                              sides, both written just before the fork
 *                              (warm).  The host side runs in a spawned
 *                              process, timed there on the wall clock.
 *   fault.scaling_4G_vs_4M     a zero-fill fault with 4 GiB of address
 *                              space mapped (1024 entries of 4 MiB) over
 *                              the same with 4 MiB (one entry).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <spawn.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

#include "bench.h"

#define REGION_VA	0x10000000UL
#define FAULT_PAGES	256		/* pages faulted per sample */
#define FAULT_PAGES_Q	32
#define FIRST_PAGES	1024		/* zero_first: pages per sample */
#define FIRST_PAGES_Q	256
#define WARM_PAGES	256		/* zero_warm: 1 MiB, cache-resident */
#define WARM_PAGES_Q	64
#define COW_PAGES	8192		/* cow_vs_copy: 32 MiB of sources */
#define COW_PAGES_Q	1024
#define HOST_COW_PAGES	4096		/* cow_vs_host_fork, both sides */
#define LOAD_ITERS	2000000
#define LOAD_ITERS_Q	100000
#define COPY_LEN	(64 * 1024)
#define COPY_REPS	200
#define COPY_REPS_Q	20

struct mmu_env {
	struct uvmsim_machine *m;
	struct proc	*p;
	size_t		fault_pages;	/* pages per zero-fill sample (0: usual) */
};

static int
env_init(struct mmu_env *e, size_t npages)
{
	e->fault_pages = 0;
	e->m = bench_machine(npages);
	if (e->m == NULL)
		return -1;
	bench_warm_frames(e->m);
	if (uvmsim_proc_create(e->m, &e->p) != 0) {
		bench_fail("uvmsim_proc_create: %s", uvmsim_last_error());
		bench_machine_destroy(e->m);
		return -1;
	}
	return 0;
}

static void
env_fini(struct mmu_env *e)
{
	uvmsim_proc_exit(e->m, e->p);
	bench_machine_destroy(e->m);
}

/* Map len bytes of private anonymous memory at va (fixed).  Kernel-named
 * calls act on the current machine: each helper enters e->m for them. */
static int
map_anon(struct mmu_env *e, struct proc *p, vaddr_t va, vsize_t len)
{
	int error;

	uvmsim_machine_enter(e->m);
	error = uvm_map(&p->p_vmspace->vm_map, &va, len, NULL,
	    UVM_UNKNOWN_OFFSET, 0, UVM_MAPFLAG(VM_PROT_READ | VM_PROT_WRITE,
	    VM_PROT_ALL, UVM_INH_COPY, UVM_ADV_RANDOM,
	    UVM_FLAG_FIXED | UVM_FLAG_COPYONW));
	uvmsim_machine_leave(e->m);
	if (error != 0)
		bench_fail("uvm_map: %s", uvmsim_last_error());
	return error;
}

static void
unmap(struct mmu_env *e, struct proc *p, vaddr_t va, vsize_t len)
{
	uvmsim_machine_enter(e->m);
	uvm_unmap(&p->p_vmspace->vm_map, va, va + len);
	uvmsim_machine_leave(e->m);
}

/* Store to the first word of every page of [va, va + n pages). */
static int
touch(struct mmu_env *e, struct proc *p, vaddr_t va, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (uvmsim_store(e->m, 0, p->p_vmspace, va + i * BENCH_PAGE,
		    8, i) != 0)
			return bench_fail("store at %#lx failed",
			    (unsigned long)(va + i * BENCH_PAGE)), -1;
	return 0;
}

/* ---- mmu.load_hit_vs_native ---- */

static double
load_hit_sample(struct bench *b, void *arg)
{
	struct mmu_env *e = arg;
	struct vmspace *vs = e->p->p_vmspace;
	size_t iters = b->quick ? LOAD_ITERS_Q : LOAD_ITERS, i;
	uint64_t t0, t1, v, sum = 0;

	t0 = bench_now();
	for (i = 0; i < iters; i++) {
		(void)uvmsim_load(e->m, 0, vs,
		    REGION_VA + ((i * 64) & (BENCH_PAGE - 1)), 8, &v);
		sum += v;
	}
	t1 = bench_now();
	BENCH_CLOBBER(&sum);
	return (double)(t1 - t0) / (double)iters;
}

double
fig_mmu_load_hit_vs_native(struct bench *b)
{
	struct mmu_env e;
	double r = NAN;

	if (env_init(&e, 1024) != 0)
		return NAN;
	if (map_anon(&e, e.p, REGION_VA, BENCH_PAGE) == 0 &&
	    touch(&e, e.p, REGION_VA, 1) == 0)
		r = bench_paired(b, load_hit_sample, &e,
		    bench_host_load_sample, NULL);
	env_fini(&e);
	return r;
}

/* ---- mmu.copyin_64k_vs_memcpy ---- */

struct copy_arg {
	struct mmu_env	*e;
	uint8_t		*dst;
	uint8_t		*src;
};

static double
copyin_sample(struct bench *b, void *arg)
{
	struct copy_arg *c = arg;
	size_t reps = b->quick ? COPY_REPS_Q : COPY_REPS, i;
	uint64_t t0, t1;

	t0 = bench_now();
	for (i = 0; i < reps; i++)
		(void)uvmsim_copyin(c->e->m, 0, c->e->p->p_vmspace, REGION_VA,
		    c->dst, COPY_LEN);
	t1 = bench_now();
	BENCH_CLOBBER(c->dst);
	return (double)(t1 - t0) / (double)reps;
}

static double
memcpy64k_sample(struct bench *b, void *arg)
{
	struct copy_arg *c = arg;
	size_t reps = b->quick ? COPY_REPS_Q : COPY_REPS, i;
	uint64_t t0, t1;

	t0 = bench_now();
	for (i = 0; i < reps; i++) {
		memcpy(c->dst, c->src, COPY_LEN);
		BENCH_CLOBBER(c->dst);
	}
	t1 = bench_now();
	return (double)(t1 - t0) / (double)reps;
}

double
fig_mmu_copyin_64k_vs_memcpy(struct bench *b)
{
	struct mmu_env e;
	struct copy_arg c;
	double r = NAN;

	c.dst = malloc(COPY_LEN);
	c.src = malloc(COPY_LEN);
	c.e = &e;
	if (c.dst == NULL || c.src == NULL) {
		free(c.dst);
		free(c.src);
		return bench_fail("no host memory");
	}
	memset(c.src, 1, COPY_LEN);
	memset(c.dst, 2, COPY_LEN);
	if (env_init(&e, 1024) == 0) {
		if (map_anon(&e, e.p, REGION_VA, COPY_LEN) == 0 &&
		    touch(&e, e.p, REGION_VA, COPY_LEN / BENCH_PAGE) == 0)
			/* throughput ratio: memcpy time over copyin time */
			r = bench_paired(b, memcpy64k_sample, &c,
			    copyin_sample, &c);
		env_fini(&e);
	}
	free(c.dst);
	free(c.src);
	return r;
}

/* ---- fault.zero_first_vs_host ---- */

/*
 * zero_first_sample: ns per zero-fill write fault on a machine created
 * for the sample, whose frames the host has never committed: each store
 * is the simulator's fault and the host's first touch of the frame (the
 * frames are known zero, as at boot, so none is zeroed again).  The
 * machine's creation and destruction are not timed.
 */
static double
zero_first_sample(struct bench *b, void *arg)
{
	struct mmu_env e;
	size_t n = b->quick ? FIRST_PAGES_Q : FIRST_PAGES;
	uint64_t t0, t1;
	int bad;

	(void)arg;
	e.fault_pages = 0;
	if ((e.m = bench_machine(n + 256)) == NULL)
		return NAN;
	if (uvmsim_proc_create(e.m, &e.p) != 0) {
		bench_machine_destroy(e.m);
		return bench_fail("uvmsim_proc_create: %s",
		    uvmsim_last_error());
	}
	if (map_anon(&e, e.p, REGION_VA, n * BENCH_PAGE) != 0) {
		env_fini(&e);
		return NAN;
	}
	t0 = bench_now();
	bad = touch(&e, e.p, REGION_VA, n);
	t1 = bench_now();
	env_fini(&e);
	return bad ? NAN : (double)(t1 - t0) / (double)n;
}

/* ns per first write to a page of fresh anonymous host memory. */
static double
host_first_sample(struct bench *b, void *arg)
{
	size_t n = b->quick ? FIRST_PAGES_Q : FIRST_PAGES, i;
	uint64_t t0, t1;
	uint8_t *p;

	(void)arg;
	p = mmap(NULL, n * BENCH_PAGE, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return bench_fail("mmap failed");
	t0 = bench_now();
	for (i = 0; i < n; i++)
		*(volatile uint64_t *)(p + i * BENCH_PAGE) = i;
	t1 = bench_now();
	BENCH_CLOBBER(p);
	munmap(p, n * BENCH_PAGE);
	return (double)(t1 - t0) / (double)n;
}

double
fig_fault_zero_first_vs_host(struct bench *b)
{
	return bench_paired(b, zero_first_sample, NULL, host_first_sample,
	    NULL);
}

/* ---- fault.zero_warm_vs_zero and fault.scaling_4G_vs_4M ---- */

/* ns per zero-fill fault: map a fresh region, store to each page, unmap. */
static double
zero_fault_sample(struct bench *b, void *arg)
{
	struct mmu_env *e = arg;
	size_t n = e->fault_pages ? e->fault_pages :
	    b->quick ? FAULT_PAGES_Q : FAULT_PAGES;
	uint64_t t0, t1;

	if (map_anon(e, e->p, REGION_VA, n * BENCH_PAGE) != 0)
		return NAN;
	t0 = bench_now();
	if (touch(e, e->p, REGION_VA, n) != 0)
		return NAN;
	t1 = bench_now();
	unmap(e, e->p, REGION_VA, n * BENCH_PAGE);
	return (double)(t1 - t0) / (double)n;
}

/*
 * fault.zero_warm_vs_zero: the machine's frames were all touched and
 * freed (bench_warm_frames), so no free frame is known zero and each
 * fault zeroes one.  A sample faults WARM_PAGES pages and unmaps them;
 * the next takes the same frames again from the head of the free list,
 * warm.  The baseline zeroes as many frames of the same machine, also
 * warm.
 */
double
fig_fault_zero_warm_vs_zero(struct bench *b)
{
	struct mmu_env e;
	struct bench_pages pz;
	size_t n = b->quick ? WARM_PAGES_Q : WARM_PAGES;
	double r = NAN;

	if (env_init(&e, 4 * n + 1024) != 0)
		return NAN;
	e.fault_pages = n;
	memset(&pz, 0, sizeof(pz));
	if (bench_pages_dst(&pz, e.m, n) == 0)
		r = bench_paired(b, zero_fault_sample, &e,
		    bench_pages_zero_sample, &pz);
	bench_pages_fini(&pz);
	env_fini(&e);
	return r;
}

#define SCALE_ENTRIES	1024
#define SCALE_ENTRY	(4UL << 20)
#define SCALE_BASE	0x100000000UL
#define SCALE_FAULT_PAGES 2048

double
fig_fault_scaling_4g_vs_4m(struct bench *b)
{
	struct mmu_env big, small;
	double r = NAN;
	size_t i, n = SCALE_ENTRIES;

	/* Longer samples than fault.zero_vs_host's: the two sides differ by
	 * little, and a short sample is at the mercy of one interrupt. */
	if (env_init(&big, 8192) != 0)
		return NAN;
	if (env_init(&small, 8192) != 0) {
		env_fini(&big);
		return NAN;
	}
	big.fault_pages = small.fault_pages = b->quick ? FAULT_PAGES_Q :
	    SCALE_FAULT_PAGES;
	for (i = 0; i < n; i++)
		if (map_anon(&big, big.p, SCALE_BASE + i * SCALE_ENTRY,
		    SCALE_ENTRY) != 0)
			goto out;
	if (map_anon(&small, small.p, SCALE_BASE, SCALE_ENTRY) != 0)
		goto out;
	r = bench_paired(b, zero_fault_sample, &big, zero_fault_sample,
	    &small);
out:
	env_fini(&small);
	env_fini(&big);
	return r;
}

/* ---- fault.cow_vs_copy and fault.cow_vs_host_fork ---- */

struct cow_env {
	struct mmu_env	e;
	size_t		n;		/* pages of the region */
	int		rewrite;	/* the parent writes them before fork */
	struct bench_pages src;		/* the parent's frames (cold: evict) */
};

/*
 * cow_fault_sample: ns per copy-on-write fault: fork, the child writes
 * every page, exits.  Before the fork (untimed) the sources are evicted
 * from the caches (cold), or the parent writes every page (warm).
 */
static double
cow_fault_sample(struct bench *b, void *arg)
{
	struct cow_env *c = arg;
	struct proc *child;
	uint64_t t0, t1;
	size_t i;
	int bad;

	(void)b;
	if (c->rewrite && touch(&c->e, c->e.p, REGION_VA, c->n) != 0)
		return NAN;
	if (c->src.cold)
		for (i = 0; i < c->src.n; i++)
			bench_evict(c->src.src[i], BENCH_PAGE);
	if (uvmsim_proc_fork(c->e.m, c->e.p, &child) != 0)
		return bench_fail("fork: %s", uvmsim_last_error());
	t0 = bench_now();
	bad = touch(&c->e, child, REGION_VA, c->n);
	t1 = bench_now();
	uvmsim_proc_exit(c->e.m, child);
	return bad ? NAN : (double)(t1 - t0) / (double)c->n;
}

static int
cow_env(struct cow_env *c, size_t n)
{
	memset(c, 0, sizeof(*c));
	c->n = n;
	/* Room for the parent's pages, the child's copies, the baseline's
	 * destinations, page tables. */
	if (env_init(&c->e, 3 * n + 1024) != 0)
		return -1;
	if (map_anon(&c->e, c->e.p, REGION_VA, n * BENCH_PAGE) != 0 ||
	    touch(&c->e, c->e.p, REGION_VA, n) != 0) {
		env_fini(&c->e);
		return -1;
	}
	return 0;
}

double
fig_fault_cow_vs_copy(struct bench *b)
{
	struct cow_env c;
	double r = NAN;

	if (cow_env(&c, b->quick ? COW_PAGES_Q : COW_PAGES) != 0)
		return NAN;
	/* The baseline copies the parent's own frames, as the faults do. */
	if (bench_pages_src(&c.src, c.e.m, c.e.p->p_vmspace, REGION_VA,
	    c.n) == 0 && bench_pages_dst(&c.src, c.e.m, c.n) == 0) {
		c.src.cold = 1;
		r = bench_paired(b, cow_fault_sample, &c,
		    bench_pages_copy_sample, &c.src);
	}
	bench_pages_fini(&c.src);
	env_fini(&c.e);
	return r;
}

/*
 * bench_host_cow_child: in a process of its own, populate n pages, fork,
 * and let the forked child time a write to each on the wall clock: ns per
 * host copy-on-write fault, printed on stdout.  It runs in a process
 * spawned for it because a fork write-protects all of the forking
 * process's memory: done in the runner, it would make the simulator's
 * next stores to its frames take host faults of their own.
 */
int
bench_host_cow_child(const char *arg)
{
	size_t n = (size_t)strtoul(arg, NULL, 10), i;
	double ns = NAN;
	uint8_t *p;
	int fds[2], status;
	pid_t pid;

	if (n == 0)
		return 2;
	p = mmap(NULL, n * BENCH_PAGE, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED || pipe(fds) != 0)
		return 1;
	for (i = 0; i < n; i++)
		p[i * BENCH_PAGE] = 1;		/* populated before fork */
	pid = fork();
	if (pid == 0) {
		uint64_t t0, t1;
		double d;

		t0 = bench_now();
		for (i = 0; i < n; i++)
			p[i * BENCH_PAGE] = 2;
		t1 = bench_now();
		d = (double)(t1 - t0) / (double)n;
		_exit(write(fds[1], &d, sizeof(d)) == sizeof(d) ? 0 : 1);
	}
	close(fds[1]);
	if (pid < 0 || read(fds[0], &ns, sizeof(ns)) != sizeof(ns))
		return 1;
	waitpid(pid, &status, 0);
	printf("%.17g\n", ns);
	return 0;
}

/* ns per host copy-on-write fault, from a spawned helper process (which
 * does not copy the runner's page tables, as a fork would). */
static double
host_cow_sample(struct bench *b, void *arg)
{
	char nbuf[32], out[64] = { 0 };
	char *args[4];
	posix_spawn_file_actions_t fa;
	ssize_t got;
	double ns = NAN;
	int fds[2], status;
	pid_t pid;

	(void)b;
	(void)arg;
	snprintf(nbuf, sizeof(nbuf), "%d", HOST_COW_PAGES);
	args[0] = (char *)"uvmsim-bench";
	args[1] = (char *)BENCH_HOST_COW_ARG;
	args[2] = nbuf;
	args[3] = NULL;
	if (pipe(fds) != 0)
		return bench_fail("pipe failed");
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, fds[1], 1);
	posix_spawn_file_actions_addclose(&fa, fds[0]);
	if (posix_spawn(&pid, "/proc/self/exe", &fa, NULL, args, environ)
	    != 0) {
		posix_spawn_file_actions_destroy(&fa);
		close(fds[0]);
		close(fds[1]);
		return bench_fail("cannot spawn the host fork helper");
	}
	posix_spawn_file_actions_destroy(&fa);
	close(fds[1]);
	got = read(fds[0], out, sizeof(out) - 1);
	close(fds[0]);
	waitpid(pid, &status, 0);
	if (got > 0 && WIFEXITED(status) && WEXITSTATUS(status) == 0)
		ns = strtod(out, NULL);
	return isnan(ns) ? bench_fail("host fork helper failed") : ns;
}

double
fig_fault_cow_vs_host_fork(struct bench *b)
{
	struct cow_env c;
	double r;

	if (cow_env(&c, HOST_COW_PAGES) != 0)
		return NAN;
	c.rewrite = 1;			/* warm, as the host's pages are */
	r = bench_paired_sub(b, cow_fault_sample, &c, host_cow_sample, NULL);
	env_fini(&c.e);
	return r;
}
