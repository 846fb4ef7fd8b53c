/*
 * bench.h: the parts of the benchmark runner shared by its figures.
 *
 * A figure is one number the runner prints: a host baseline, or a cost of
 * the simulator, usually divided by a baseline measured in the same run so
 * that it holds on a loaded or slow machine.  Each figure is a function
 * returning its value and a row of the table in uvmsim-bench.c giving its
 * name, unit and target.  Adding a figure is adding both, with the
 * function's prototype below.
 *
 * A figure function returns its value, or NAN after saying why on stderr
 * (bench_fail()) when the library failed it; the runner prints that as a
 * MISS.  Timed figures are built from samples: a sample function runs a
 * loop once and returns nanoseconds per unit of work.  bench_repeat()
 * gives the median of bench->reps samples.  bench_paired() gives the
 * ratio of the medians of bench->reps samples of the simulator and of a
 * host baseline (or another machine), taken in back-to-back pairs so that
 * both sides see the same clock speed, neighbours and memory traffic: on
 * a busy machine the absolute times wander by a factor of two or three
 * while the ratio holds.
 */
#ifndef UVMSIM_BENCH_H
#define UVMSIM_BENCH_H

#include <stddef.h>
#include <stdint.h>

#include <uvmsim/uvmsim.h>

#define BENCH_PAGE	4096		/* bytes in a baseline's "page" */
#define BENCH_MAXREPS	16		/* most samples a figure takes */

struct bench {
	int		quick;		/* --quick: short loops, small data */
	int		verbose;	/* --verbose: samples to stderr */
	unsigned	reps;		/* samples per figure (median kept) */
	size_t		host_len;	/* bytes a streaming baseline covers */
};

/* One sample: run a timed loop once; ns per unit of work, NAN on failure. */
typedef double	(*bench_sample_fn)(struct bench *, void *);

/* How a figure meets its target. */
enum bench_cmp {
	BENCH_NONE,			/* a baseline: no target */
	BENCH_LE,			/* value <= target */
	BENCH_GE			/* value >= target */
};

struct bench_figure {
	const char	*name;		/* "module.what", for --filter */
	const char	*unit;		/* "ns", "ratio", "bytes", ... */
	enum bench_cmp	cmp;
	double		target;
	double		(*run)(struct bench *);
};

/* ---- helpers (uvmsim-bench.c) ---- */

/* Monotonic time in nanoseconds. */
uint64_t bench_now(void);
/* Median of n samples (reorders v); NAN if any sample is NAN. */
double	bench_median(double *v, size_t n);
/* Median of b->reps samples of fn(b, arg), after one to warm up. */
double	bench_repeat(struct bench *b, bench_sample_fn fn, void *arg);
/* median(num(b, narg)) / median(den(b, darg)) over b->reps samples each,
 * taken in back-to-back pairs, after one pair to warm up. */
double	bench_paired(struct bench *b, bench_sample_fn num, void *narg,
	    bench_sample_fn den, void *darg);
/* Say on stderr why a figure failed; returns NAN for the figure. */
double	bench_fail(const char *fmt, ...)
	    __attribute__((__format__(__printf__, 1, 2)));
/* A machine of npages 4 KiB frames with no trace and no reserves, not
 * entered; NULL (after a message) on failure. */
struct uvmsim_machine *bench_machine(size_t npages);
/* Leave nothing behind: destroy a machine made by bench_machine(). */
void	bench_machine_destroy(struct uvmsim_machine *m);
/* Touch every free frame of m once and free it again (no host first-touch
 * faults in a figure, no frame known zero); m not entered. */
void	bench_warm_frames(struct uvmsim_machine *m);

/* Keep the compiler from dropping work whose result goes to memory at p. */
#define BENCH_CLOBBER(p)	__asm__ __volatile__("" : : "r"(p) : "memory")

/* ---- host baselines (bench_host.c): one sample each, arg unused ---- */

double	bench_host_memcpy_sample(struct bench *, void *);
double	bench_host_memset_sample(struct bench *, void *);
double	bench_host_load_sample(struct bench *, void *);
/* Unmap the streaming buffer (at exit). */
void	bench_host_fini(void);

/* ---- figures: one function per row of the table ---- */

/* bench_host.c */
double	fig_host_memcpy_page_ns(struct bench *);
double	fig_host_memset_page_ns(struct bench *);
double	fig_host_load_ns(struct bench *);

/* bench_page.c */
double	fig_page_alloc_zero_vs_memset(struct bench *);
double	fig_page_alloc_free_vs_memset(struct bench *);
double	fig_page_meta_bytes(struct bench *);
double	fig_page_scaling_1m_vs_4k(struct bench *);

/* bench_mmu.c */
#define BENCH_HOST_COW_ARG	"--host-cow-child"
/* The spawned helper: time n host copy-on-write faults, print ns/page. */
int	bench_host_cow_child(const char *n);
double	fig_mmu_load_hit_vs_native(struct bench *);
double	fig_mmu_copyin_64k_vs_memcpy(struct bench *);
double	fig_fault_zero_vs_host(struct bench *);
double	fig_fault_cow_vs_memcpy(struct bench *);
double	fig_fault_cow_vs_host_fork(struct bench *);
double	fig_fault_scaling_4g_vs_4m(struct bench *);

/* bench_loan.c */
double	fig_loan_page_vs_memcpy(struct bench *);
double	fig_loan_single_vs_memcpy(struct bench *);
double	fig_loan_break_vs_memcpy(struct bench *);
double	fig_loan_deep_vs_shallow(struct bench *);

/* bench_check.c */
double	fig_check_scaling_1m_vs_64k(struct bench *);

#endif /* UVMSIM_BENCH_H */
