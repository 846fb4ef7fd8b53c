/*
 * uvmsim-bench: the benchmark runner, one line per figure.
 *
 *	uvmsim-bench [--quick] [--json] [--filter SUBSTR] [--strict]
 *	    [--verbose] [--instructions]
 *
 * Each line reads "name value unit target verdict", for example
 *
 *	page.alloc_free_vs_memset 0.043 ratio <=0.1 ok
 *
 * The verdict is "ok" or "MISS"; baselines have target and verdict "-".
 * A first line, "# frame copy: sse2" (or portable), says which frame
 * copy the library was built with (-DUVMSIM_FRAME_COPY); with --json it
 * goes to stderr.  --json prints the figures as a JSON array of objects
 * {name, value, unit, target, verdict} (target and verdict null for
 * baselines).  --quick runs few iterations over small buffers, for a CI
 * smoke run.  --filter runs the figures whose name contains SUBSTR.
 * --strict makes the exit status 1 when a figure misses its target; by
 * default it is 0, since a timing must not fail a build on a busy
 * machine.  --verbose prints every sample to stderr, to see how much a
 * figure wanders.  --instructions prints instruction counts instead of
 * times (bench_instr.c): the runner runs itself under Valgrind's
 * callgrind and reads the counts back.
 *
 * Method.  Time is CLOCK_MONOTONIC.  A ratio figure is the median of
 * several ratios (7, or 3 with --quick), each of a sample of the
 * simulator over a sample of its baseline taken right before or after it
 * (which goes first alternates), after one pair thrown away to warm
 * caches and fault memory in (bench_paired()).  Each sample is a timed
 * loop of milliseconds.  A slower clock or a busier memory bus for a
 * while moves both halves of a pair, and a pair spoiled by a spike is
 * one ratio among seven.  A sample during which the process lost its
 * CPU to another (its CPU time falls short of the elapsed time) is taken
 * again; a sample that runs in a subprocess (fault.cow_vs_host_fork's
 * host side) times itself on the wall clock there and is never judged
 * by this process's CPU time.  What pairing cannot cancel is a neighbour
 * on the same physical core (an SMT sibling, a vCPU of another guest):
 * it slows the simulator, bound by instructions, more than a copy,
 * bound by memory, so ratios rise while such a neighbour runs; see the
 * spread of the samples with --verbose, and the instruction counts,
 * which do not move (docs/performance.md).
 *
 * Baselines (no target):
 *   frame.copy_page_ns  ns to copy one 4 KiB page with the frame module's
 *	copy, streaming through a 256 MiB buffer (32 MiB with --quick),
 *	larger than any cache and faulted in before timing: what copying
 *	a page costs when it is not in the cache.
 *   frame.zero_page_ns  ns to zero one 4 KiB page with the frame module's
 *	zero over the same buffer: the least a zero-fill allocation costs.
 *   host.load_ns  ns per iteration of a loop that loads 8 bytes from a
 *	stepping address in an L1-resident buffer (a volatile load, so it
 *	stays): the loop shape of a simulated access, against which the
 *	cost of a load through the simulated MMU is judged.
 *
 * Figures:
 *   page.alloc_zero_vs_memset (<= 1.5)  uvm_pagealloc(UVM_PGA_ZERO) and a
 *	locked uvm_pagefree, per page, over the frame module's zero of a
 *	page (a memset; measured as frame.zero_page_ns is, paired).  The
 *	machine is as large as the baseline's buffer and every frame is
 *	cycled in each sample, so the zeroing streams through memory as
 *	the baseline does; beforehand every frame is allocated and freed
 *	once, so no free frame is known to be zero and each allocation
 *	really zeroes.  The target allows half a zero of bookkeeping.
 *   page.alloc_free_vs_memset (<= 0.1)  uvm_pagealloc() without zeroing
 *	and a locked uvm_pagefree, per page, over the same zero of a page:
 *	the allocator's bookkeeping must stay small beside touching the
 *	page.
 *   page.meta_bytes (<= 128)  sizeof(struct vm_page): metadata per frame.
 *   page.scaling_1M_vs_4K (<= 1.3)  unzeroed alloc+free per page on a
 *	machine of 1,048,576 frames (65,536 with --quick) over the same on
 *	a machine of 4,096, the two machines sampled in pairs: allocation
 *	must not grow with memory size.  All the alloc+free figures hold 64
 *	pages at a time, so they exercise the lists and descriptors rather
 *	than one frame kept hot.
 *   The MMU and fault figures are described in bench_mmu.c, the loan
 *   figures (loan.*) in bench_loan.c, the checker's (check.*) in
 *   bench_check.c, the instruction counts in bench_instr.c.
 *
 * Architectures.  The figures run on the default architecture's
 * machines (x86_64).  mmu.load_hit_vs_native, fault.cow_vs_copy and
 * loan.page_vs_copy (the rows marked per_arch), and every instruction
 * count, run again on each other architecture the library has
 * (uvmsim_arch_name), with its name as a suffix
 * ("fault.cow_vs_copy.i386") and the same target; both sides of such a
 * ratio work in pages of that architecture's size.
 *
 * Adding a figure: write a function returning its value (bench.h says
 * how) and add its row to the table below, with the rows of its module.
 */
#include <err.h>
#include <getopt.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench.h"
#include "uvmsim_frame.h"

#define REPS		7		/* samples per figure */
#define REPS_QUICK	3		/* with --quick */
#define HOST_LEN	((size_t)256 << 20) /* streaming baseline buffer */
#define HOST_LEN_QUICK	((size_t)32 << 20)

static const struct bench_figure figures[] = {
	/* name, unit, how the target is met, target, function */
	{ "frame.copy_page_ns",		"ns",	BENCH_NONE, 0,
	    fig_frame_copy_page_ns, false },
	{ "frame.zero_page_ns",		"ns",	BENCH_NONE, 0,
	    fig_frame_zero_page_ns, false },
	{ "host.load_ns",		"ns",	BENCH_NONE, 0,
	    fig_host_load_ns, false },
	{ "page.alloc_zero_vs_memset",	"ratio", BENCH_LE, 1.5,
	    fig_page_alloc_zero_vs_memset, false },
	{ "page.alloc_free_vs_memset",	"ratio", BENCH_LE, 0.1,
	    fig_page_alloc_free_vs_memset, false },
	{ "page.meta_bytes",		"bytes", BENCH_LE, 128,
	    fig_page_meta_bytes, false },
	{ "page.scaling_1M_vs_4K",	"ratio", BENCH_LE, 1.3,
	    fig_page_scaling_1m_vs_4k, false },
	{ "mmu.load_hit_vs_native",	"ratio", BENCH_LE, 12,
	    fig_mmu_load_hit_vs_native, true },
	{ "mmu.copyin_64k_vs_memcpy",	"ratio", BENCH_GE, 0.8,
	    fig_mmu_copyin_64k_vs_memcpy, false },
	{ "fault.zero_first_vs_host",	"ratio", BENCH_LE, 1.5,
	    fig_fault_zero_first_vs_host, false },
	{ "fault.zero_warm_vs_zero",	"ratio", BENCH_LE, 3,
	    fig_fault_zero_warm_vs_zero, false },
	{ "fault.cow_vs_copy",		"ratio", BENCH_LE, 1.5,
	    fig_fault_cow_vs_copy, true },
	{ "fault.cow_vs_host_fork",	"ratio", BENCH_LE, 0.5,
	    fig_fault_cow_vs_host_fork, false },
	{ "fault.scaling_4G_vs_4M",	"ratio", BENCH_LE, 1.3,
	    fig_fault_scaling_4g_vs_4m, false },
	{ "loan.page_vs_copy",		"ratio", BENCH_LE, 0.2,
	    fig_loan_page_vs_copy, true },
	{ "loan.single_vs_copy",	"ratio", BENCH_LE, 0.25,
	    fig_loan_single_vs_copy, false },
	{ "loan.break_vs_copy",		"ratio", BENCH_LE, 1.5,
	    fig_loan_break_vs_copy, false },
	{ "loan.deep_vs_shallow",	"ratio", BENCH_LE, 1.2,
	    fig_loan_deep_vs_shallow, false },
	{ "check.scaling_1M_vs_64K",	"ratio", BENCH_LE, 1.3,
	    fig_check_scaling_1m_vs_64k, false },
	{ "pdaemon.scan_vs_copy",	"ratio", BENCH_LE, 0.1,
	    fig_pdaemon_scan_vs_copy, false },
	{ "pdaemon.scaling_4M_vs_64K",	"ratio", BENCH_LE, 1.3,
	    fig_pdaemon_scaling_4m_vs_64k, false },
	{ "swap.roundtrip_vs_copy",	"ratio", BENCH_LE, 3,
	    fig_swap_roundtrip_vs_copy, false },
};

#define NFIGURES	(sizeof(figures) / sizeof(figures[0]))

static void
usage(FILE *fp)
{
	fprintf(fp,
	    "usage: %s [--quick] [--json] [--filter SUBSTR] [--strict] "
	    "[--verbose] [--instructions]\n"
	    "  --quick          few iterations, small buffers (CI smoke run)\n"
	    "  --json           print a JSON array instead of lines\n"
	    "  --filter SUBSTR  run only figures whose name contains SUBSTR\n"
	    "  --strict         exit 1 when a figure misses its target\n"
	    "  --verbose        print every sample to stderr\n"
	    "  --instructions   instruction counts under callgrind, not times\n"
	    "  --help           print this message\n",
	    getprogname());
}

/* ---- helpers shared by the figures ---- */

uint64_t
bench_now(void)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_MONOTONIC, &ts) != 0)
		err(EXIT_FAILURE, "clock_gettime");
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/*
 * bench_median: the median of n samples; NAN if any sample is NAN, so a
 * failed sample fails the figure.
 */
double
bench_median(double *v, size_t n)
{
	size_t i;

	if (n == 0)
		return NAN;
	for (i = 0; i < n; i++)
		if (isnan(v[i]))
			return NAN;
	qsort(v, n, sizeof(v[0]), cmp_double);
	if (n % 2 == 1)
		return v[n / 2];
	return (v[n / 2 - 1] + v[n / 2]) / 2;
}

static uint64_t
cputime(void)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts) != 0)
		err(EXIT_FAILURE, "clock_gettime");
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/*
 * take: one sample of fn, taken again while the thread lost its CPU
 * during it.
 *
 * A sample is timed on the monotonic clock, which keeps running while
 * another process has the CPU; on a shared machine a sample may then
 * double.  The thread's CPU time, which stops, tells such a sample: if it
 * falls short of the elapsed time by more than CLEAN_SLACK, the sample is
 * taken again, up to MAX_TRIES times in all (MAX_TRIES_QUICK with
 * --quick), and the cleanest one kept.  The CPU time is read outside the
 * elapsed time (before its start, after its end), so that a sample that
 * kept its CPU shows at least as much CPU time as elapsed time however
 * short it is: read inside, the cost of reading the CPU clock (a system
 * call on some hosts) counts against a short sample alone, every one of
 * them is taken again, and the slowest, whose share of that cost is the
 * smallest, looks the cleanest.  A sample run in a subprocess
 * (sub) leaves this thread waiting, off its CPU, however clean it was:
 * it is taken once, as the subprocess timed it on the wall clock.
 */
#define MAX_TRIES	5
#define MAX_TRIES_QUICK	2
#define CLEAN_SLACK	0.02

static double
take(struct bench *b, bench_sample_fn fn, void *arg, bool sub)
{
	double v, best = NAN, best_frac = -1, frac;
	uint64_t w0, w1, c0, c1;
	unsigned try, tries = b->quick ? MAX_TRIES_QUICK : MAX_TRIES;

	if (sub)
		return fn(b, arg);
	for (try = 0; try < tries; try++) {
		c0 = cputime();
		w0 = bench_now();
		v = fn(b, arg);
		w1 = bench_now();
		c1 = cputime();
		if (isnan(v))
			return NAN;
		frac = w1 > w0 ? (double)(c1 - c0) / (double)(w1 - w0) : 1;
		if (frac > best_frac) {
			best = v;
			best_frac = frac;
		}
		if (frac >= 1 - CLEAN_SLACK)
			break;
	}
	if (b->verbose && try > 0)
		fprintf(stderr, "  (%u tries; kept %.4g, on CPU %.0f%%)\n",
		    try < tries ? try + 1 : try, best, best_frac * 100);
	return best;
}

/*
 * bench_repeat: the median of b->reps samples of fn, after one sample
 * thrown away (caches, branch predictors, first-touch faults).
 */
double
bench_repeat(struct bench *b, bench_sample_fn fn, void *arg)
{
	double s[BENCH_MAXREPS];
	unsigned r;

	if (isnan(fn(b, arg)))
		return NAN;
	for (r = 0; r < b->reps; r++) {
		s[r] = take(b, fn, arg, false);
		if (b->verbose)
			fprintf(stderr, "  sample %u: %.4g\n", r, s[r]);
	}
	return bench_median(s, b->reps);
}

/*
 * paired: the median of b->reps ratios num / den, the two samples of
 * each ratio taken one right after the other, after one pair thrown
 * away.  Which sample of a pair runs first alternates, so neither always
 * finds the caches as the other left them.  The median of the ratios,
 * not the ratio of the medians: both halves of a pair saw the same
 * host, and a pair a spike spoiled is one ratio of several.
 */
static double
paired(struct bench *b, bench_sample_fn num, void *narg, bool nsub,
    bench_sample_fn den, void *darg, bool dsub)
{
	double ns, ds, rs[BENCH_MAXREPS];
	unsigned r;

	if (isnan(num(b, narg)) || isnan(den(b, darg)))
		return NAN;
	for (r = 0; r < b->reps; r++) {
		if (r % 2 == 0) {
			ns = take(b, num, narg, nsub);
			ds = take(b, den, darg, dsub);
		} else {
			ds = take(b, den, darg, dsub);
			ns = take(b, num, narg, nsub);
		}
		rs[r] = ns / ds;
		if (b->verbose)
			fprintf(stderr, "  pair %u: %.4g / %.4g = %.4g\n", r,
			    ns, ds, rs[r]);
	}
	return bench_median(rs, b->reps);
}

double
bench_paired(struct bench *b, bench_sample_fn num, void *narg,
    bench_sample_fn den, void *darg)
{
	return paired(b, num, narg, false, den, darg, false);
}

double
bench_paired_sub(struct bench *b, bench_sample_fn num, void *narg,
    bench_sample_fn den, void *darg)
{
	return paired(b, num, narg, false, den, darg, true);
}

double
bench_fail(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", getprogname());
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return NAN;
}

/*
 * bench_machine: a machine of npages 4 KiB frames for timing.
 * => Nothing is traced and nothing is kept in a ring, so the figures time
 *    the model, not the trace; no frames are held in reserve, so a figure
 *    may allocate every frame.
 * => Returns the machine, not entered, or NULL after a message.
 */
const char *bench_arch;
size_t bench_pagesize = 4096;

int
bench_set_arch(const char *name)
{
	struct uvmsim_config cfg;
	struct uvmsim_machine *m;
	int error;

	uvmsim_config_init(&cfg);
	cfg.npages = 64;
	cfg.arch = name;
	if ((error = uvmsim_machine_create(&cfg, &m)) != 0) {
		bench_fail("architecture %s: %s (%s)", name ? name : "default",
		    uvmsim_strerror(error), uvmsim_last_error());
		return -1;
	}
	bench_arch = name;
	bench_pagesize = uvmsim_page_size(m);
	uvmsim_machine_destroy(m);
	return 0;
}

struct uvmsim_machine *
bench_machine(size_t npages)
{
	return bench_machine_swap(npages, 0);
}

struct uvmsim_machine *
bench_machine_swap(size_t npages, size_t slots)
{
	struct uvmsim_config cfg;
	struct uvmsim_machine *m;
	int error;

	uvmsim_config_init(&cfg);
	cfg.npages = npages;
	cfg.arch = bench_arch;
	cfg.swap_slots = slots;
	cfg.page_size = BENCH_PAGE;
	cfg.trace = 0;
	cfg.trace_ring = 0;
	cfg.reserve_kernel = 0;
	cfg.reserve_pagedaemon = 0;
	error = uvmsim_machine_create(&cfg, &m);
	if (error != 0) {
		bench_fail("machine of %zu frames: %s (%s)", npages,
		    uvmsim_strerror(error), uvmsim_last_error());
		return NULL;
	}
	return m;
}

void
bench_machine_destroy(struct uvmsim_machine *m)
{
	if (m != NULL)
		uvmsim_machine_destroy(m);
}

/*
 * bench_warm_frames: touch every free frame once and free it again, as a
 * machine that has run for a while has: the host then commits no memory
 * during the figures (its first-touch faults would be timed as the
 * simulator's), and zero fills really zero, with no frame known zero.
 * => m not entered; its frames free but for what it holds itself.
 */
void
bench_warm_frames(struct uvmsim_machine *m)
{
	struct vm_page *pg, *list = NULL;

	uvmsim_machine_enter(m);
	while ((pg = uvm_pagealloc(NULL, 0, NULL, 0)) != NULL) {
		memset(uvmsim_page_data(m, pg), 0xa5, BENCH_PAGE);
		/* Chain the pages through their first word. */
		*(struct vm_page **)uvmsim_page_data(m, pg) = list;
		list = pg;
	}
	while ((pg = list) != NULL) {
		list = *(struct vm_page **)uvmsim_page_data(m, pg);
		uvm_lock_pageq();
		uvm_pagefree(pg);
		uvm_unlock_pageq();
	}
	uvmsim_machine_leave(m);
}

/*
 * bench_pages_src: the frames behind n mapped pages of vs from va, as
 * p->src (allocated here, freed by bench_pages_fini; when p->src holds
 * n entries already, read again into them).
 * => m not entered.  Returns 0, or -1 after a message.
 */
int
bench_pages_src(struct bench_pages *p, struct uvmsim_machine *m,
    struct vmspace *vs, vaddr_t va, size_t n)
{
	paddr_t pa;
	vm_prot_t prot;
	size_t i;

	if (p->src != NULL && p->n != n) {
		bench_fail("bench_pages_src: n: %zu, not the %zu of before", n,
		    p->n);
		return -1;
	}
	if (p->src == NULL &&
	    (p->src = calloc(n, sizeof(*p->src))) == NULL) {
		bench_fail("no host memory");
		return -1;
	}
	p->n = n;
	uvmsim_machine_enter(m);
	for (i = 0; i < n; i++) {
		if (uvmsim_translate(m, vs, va + i * BENCH_PAGE, &pa, &prot)
		    != 0)
			break;
		p->src[i] = uvmsim_page_data(m, uvm_phys_to_vm_page(pa));
	}
	uvmsim_machine_leave(m);
	if (i < n) {
		bench_fail("page at %#lx not mapped: %s",
		    (unsigned long)(va + i * BENCH_PAGE), uvmsim_last_error());
		return -1;
	}
	return 0;
}

/*
 * bench_pages_dst: n frames of m, allocated and held until
 * bench_pages_fini, as p->dst; every one written once (no host
 * first-touch fault in a sample).
 * => m not entered.  Returns 0, or -1 after a message.
 */
int
bench_pages_dst(struct bench_pages *p, struct uvmsim_machine *m, size_t n)
{
	size_t i;

	p->dst = calloc(n, sizeof(*p->dst));
	p->dpgs = calloc(n, sizeof(*p->dpgs));
	if (p->dst == NULL || p->dpgs == NULL) {
		bench_fail("no host memory");
		return -1;
	}
	p->m = m;
	p->n = n;
	uvmsim_machine_enter(m);
	for (i = 0; i < n; i++) {
		if ((p->dpgs[i] = uvm_pagealloc(NULL, 0, NULL, 0)) == NULL)
			break;
		p->dst[i] = uvmsim_page_data(m, p->dpgs[i]);
		memset(p->dst[i], 0x3c, BENCH_PAGE);
	}
	uvmsim_machine_leave(m);
	if (i < n) {
		bench_fail("no free frame for the baseline (%zu of %zu)", i,
		    n);
		return -1;
	}
	return 0;
}

void
bench_pages_fini(struct bench_pages *p)
{
	size_t i;

	if (p->m != NULL && p->dpgs != NULL) {
		uvmsim_machine_enter(p->m);
		for (i = 0; i < p->n && p->dpgs[i] != NULL; i++) {
			uvm_lock_pageq();
			uvm_pagefree(p->dpgs[i]);
			uvm_unlock_pageq();
		}
		uvmsim_machine_leave(p->m);
	}
	free(p->src);
	free(p->dst);
	free(p->dpgs);
	memset(p, 0, sizeof(*p));
}

/* ---- output ---- */

/*
 * fmt_value: a value with about three significant digits, as text that
 * is also a JSON number ("nan" for a failed figure).
 */
static void
fmt_value(char *buf, size_t len, double v)
{
	if (!isfinite(v))
		snprintf(buf, len, "nan");
	else if (fabs(v) >= 1000)
		snprintf(buf, len, "%.0f", v);
	else
		snprintf(buf, len, "%.3g", v);
}

static void
fmt_target(char *buf, size_t len, const struct bench_figure *f)
{
	switch (f->cmp) {
	case BENCH_LE:
		snprintf(buf, len, "<=%g", f->target);
		break;
	case BENCH_GE:
		snprintf(buf, len, ">=%g", f->target);
		break;
	default:
		snprintf(buf, len, "-");
		break;
	}
}

/*
 * met: whether a value meets the figure's target.  The value is judged
 * as printed, so a line never shows "1.5 <=1.5 MISS".
 */
static bool
met(const struct bench_figure *f, const char *printed)
{
	double v = strtod(printed, NULL);

	if (!isfinite(v))
		return false;
	switch (f->cmp) {
	case BENCH_LE:
		return v <= f->target;
	case BENCH_GE:
		return v >= f->target;
	default:
		return true;
	}
}

/*
 * bench_report: print figure f's line (or JSON object) with value v;
 * whether it met its target (a baseline always does).
 */
bool
bench_report(const struct bench_figure *f, double v, bool json, bool first)
{
	char target[32], value[32];
	const char *verdict;
	bool ok;

	fmt_value(value, sizeof(value), v);
	fmt_target(target, sizeof(target), f);
	ok = f->cmp == BENCH_NONE || met(f, value);
	if (f->cmp == BENCH_NONE)
		verdict = "-";
	else
		verdict = ok ? "ok" : "MISS";

	if (!json) {
		printf("%s %s %s %s %s\n", f->name, value, f->unit, target,
		    verdict);
	} else {
		printf("%s  {\"name\": \"%s\", \"value\": %s, "
		    "\"unit\": \"%s\", ", first ? "" : ",\n", f->name,
		    strcmp(value, "nan") == 0 ? "null" : value, f->unit);
		if (f->cmp == BENCH_NONE)
			printf("\"target\": null, \"verdict\": null}");
		else
			printf("\"target\": \"%s\", \"verdict\": \"%s\"}",
			    target, verdict);
	}
	fflush(stdout);
	return ok;
}

/*
 * figure_name: the name figure f has on the a-th architecture (0: the
 * default, named as in the table; others with the architecture's name as
 * a suffix) into buf; false if f does not run there.
 */
bool
figure_name(const struct bench_figure *f, unsigned a, char *buf,
    size_t len)
{
	if (a == 0) {
		snprintf(buf, len, "%s", f->name);
		return true;
	}
	if (!f->per_arch)
		return false;
	snprintf(buf, len, "%s.%s", f->name, uvmsim_arch_name(a));
	return true;
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "quick",	no_argument,		NULL, 'q' },
		{ "json",	no_argument,		NULL, 'j' },
		{ "filter",	required_argument,	NULL, 'f' },
		{ "strict",	no_argument,		NULL, 's' },
		{ "verbose",	no_argument,		NULL, 'v' },
		{ "instructions", no_argument,		NULL, 'i' },
		{ "help",	no_argument,		NULL, 'h' },
		{ NULL,		0,			NULL, 0 }
	};
	struct bench b;
	char name[96];
	const char *filter = NULL;
	bool json = false, strict = false, missed = false, first = true;
	bool instr = false;
	size_t i, nrun;
	unsigned a;
	int ch;

	/* A helper run of this program, spawned to time the host's own
	 * copy-on-write faults away from the runner's memory. */
	if (argc == 3 && strcmp(argv[1], BENCH_HOST_COW_ARG) == 0)
		return bench_host_cow_child(argv[2]);
	/* The run under callgrind that --instructions starts. */
	if (argc == 2 && strcmp(argv[1], BENCH_INSTR_CHILD_ARG) == 0)
		return bench_instr_child();

	setprogname(argv[0]);
	memset(&b, 0, sizeof(b));
	while ((ch = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (ch) {
		case 'q':
			b.quick = 1;
			break;
		case 'j':
			json = true;
			break;
		case 'f':
			filter = optarg;
			break;
		case 's':
			strict = true;
			break;
		case 'v':
			b.verbose = 1;
			break;
		case 'i':
			instr = true;
			break;
		case 'h':
			usage(stdout);
			return EXIT_SUCCESS;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind != argc) {
		fprintf(stderr, "%s: unexpected argument: %s\n",
		    getprogname(), argv[optind]);
		usage(stderr);
		return 2;
	}

	b.reps = b.quick ? REPS_QUICK : REPS;
	b.host_len = b.quick ? HOST_LEN_QUICK : HOST_LEN;
	if (instr) {
		if (json) {
			fprintf(stderr, "%s: --instructions prints lines, "
			    "not JSON\n", getprogname());
			return 2;
		}
		return bench_instructions(&b, argv[0], strict, filter);
	}

	for (nrun = 0, a = 0; a == 0 || uvmsim_arch_name(a) != NULL; a++)
		for (i = 0; i < NFIGURES; i++)
			if (figure_name(&figures[i], a, name, sizeof(name)) &&
			    (filter == NULL || strstr(name, filter) != NULL))
				nrun++;
	if (nrun == 0) {
		fprintf(stderr, "%s: no figure matches \"%s\"\n",
		    getprogname(), filter);
		return 2;
	}

	if (json) {
		fprintf(stderr, "# frame copy: %s\n",
		    uvmsim__frame_copy_routine());
		printf("[\n");
	} else
		printf("# frame copy: %s\n", uvmsim__frame_copy_routine());
	for (a = 0; a == 0 || uvmsim_arch_name(a) != NULL; a++) {
		if (a > 0 && bench_set_arch(uvmsim_arch_name(a)) != 0) {
			missed = true;
			continue;
		}
		for (i = 0; i < NFIGURES; i++) {
			struct bench_figure f = figures[i];

			if (!figure_name(&f, a, name, sizeof(name)) ||
			    (filter != NULL && strstr(name, filter) == NULL))
				continue;
			f.name = name;
			if (b.verbose)
				fprintf(stderr, "%s:\n", f.name);
			if (!bench_report(&f, f.run(&b), json, first))
				missed = true;
			first = false;
		}
	}
	if (json)
		printf("\n]\n");
	bench_host_fini();
	return strict && missed ? 1 : EXIT_SUCCESS;
}
