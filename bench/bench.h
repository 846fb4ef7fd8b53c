/*
 * bench.h: the parts of the benchmark runner shared by its figures.
 *
 * A figure is one number the runner prints: a baseline, or a cost of the
 * simulator, usually divided by a baseline measured in the same run so
 * that it holds on a loaded or slow machine.  Each figure is a function
 * returning its value and a row of the table in uvmsim-bench.c giving its
 * name, unit and target.  Adding a figure is adding both, with the
 * function's prototype below (a file of figures of its own is added to
 * bench/CMakeLists.txt too).
 *
 * A figure function returns its value, or NAN after saying why on stderr
 * (bench_fail()) when the library failed it; the runner prints that as a
 * MISS.  Timed figures are built from samples: a sample function runs a
 * loop once and returns nanoseconds per unit of work.  bench_repeat()
 * gives the median of bench->reps samples.  bench_paired() gives the
 * median of bench->reps ratios, each of a sample of the simulator over a
 * sample of its baseline (or another machine) taken right before or
 * after it, so that both sides of a ratio see the same clock speed,
 * neighbours and memory traffic: on a busy machine the absolute times
 * wander by a factor of two or three while a ratio holds much better.
 *
 * The two sides of a ratio do the same work under the same conditions:
 * as many pages, the same working set, the same cache state (both cold or
 * both warm), and where a copy or a zero is part of the work, the same
 * routine: the frame module's (src/uvmsim_frame.h).
 */
#ifndef UVMSIM_BENCH_H
#define UVMSIM_BENCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <uvmsim/uvmsim.h>

/*
 * The architecture the machines of a figure have (bench_arch: NULL, the
 * default, x86_64) and its page size (bench_pagesize: the bytes of a page
 * on both sides of a ratio).  The figures marked per_arch run again on
 * every other architecture, named with its name as a suffix
 * ("fault.cow_vs_copy.i386"); bench_set_arch() switches.
 */
extern const char *bench_arch;
extern size_t	bench_pagesize;
#define BENCH_PAGE	bench_pagesize	/* bytes in a page, both sides */
/* Make the figures' machines name's (NULL: the default); 0, or -1 after
 * a message. */
int	bench_set_arch(const char *name);
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
	bool		per_arch;	/* run again on every architecture */
};

/* The name of figure f on the a-th architecture (uvmsim_arch_name(a); 0:
 * the default, no suffix) into buf; false if f does not run there. */
bool	figure_name(const struct bench_figure *f, unsigned a, char *buf,
	    size_t len);

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
/* Print f's line (JSON object if json) with value v; true if it met
 * its target (uvmsim-bench.c). */
bool	bench_report(const struct bench_figure *f, double v, bool json,
	    bool first);
/* Say on stderr why a figure failed; returns NAN for the figure. */
double	bench_fail(const char *fmt, ...)
	    __attribute__((__format__(__printf__, 1, 2)));
/* median(num(b, narg) / den(b, darg)) where den runs a subprocess and
 * times itself on the wall clock: its samples are never judged by this
 * process's CPU time (bench_paired() retries a sample that lost its CPU). */
double	bench_paired_sub(struct bench *b, bench_sample_fn num, void *narg,
	    bench_sample_fn den, void *darg);
/* A machine of npages frames of bench_arch with no trace and no reserves,
 * not entered; NULL (after a message) on failure. */
struct uvmsim_machine *bench_machine(size_t npages);
/* The same with a swap device of slots slots. */
struct uvmsim_machine *bench_machine_swap(size_t npages, size_t slots);
/* Leave nothing behind: destroy a machine made by bench_machine(). */
void	bench_machine_destroy(struct uvmsim_machine *m);
/* Touch every free frame of m once and free it again (no host first-touch
 * faults in a figure, no frame known zero); m not entered. */
void	bench_warm_frames(struct uvmsim_machine *m);

/* Keep the compiler from dropping work whose result goes to memory at p. */
#define BENCH_CLOBBER(p)	__asm__ __volatile__("" : : "r"(p) : "memory")

/*
 * Frames for a baseline that copies or zeroes particular pages: src[i]
 * onto dst[i] (zeroing: dst[i] only), n pages; cold: the sources are
 * evicted from the caches before each sample, untimed.
 */
struct bench_pages {
	void		**src;
	void		**dst;
	size_t		n;
	int		cold;
	struct uvmsim_machine *m;	/* whose frames dst holds, or NULL */
	struct vm_page	**dpgs;		/* ... allocated for dst */
};

/* The frames behind n pages of vs at va (mapped), into p->src (read again
 * into the same array when p->src holds n already). */
int	bench_pages_src(struct bench_pages *p, struct uvmsim_machine *m,
	    struct vmspace *vs, vaddr_t va, size_t n);
/* n frames of m allocated for p->dst (given back by bench_pages_fini). */
int	bench_pages_dst(struct bench_pages *p, struct uvmsim_machine *m,
	    size_t n);
void	bench_pages_fini(struct bench_pages *p);
/* Drop [p, p + len) from the host's caches (x86-64; elsewhere nothing). */
void	bench_evict(const void *p, size_t len);

/* ---- baselines (bench_host.c): one sample each ---- */

double	bench_frame_copy_sample(struct bench *, void *);
double	bench_frame_zero_sample(struct bench *, void *);
double	bench_pages_copy_sample(struct bench *, void *);	/* arg: pages */
double	bench_pages_zero_sample(struct bench *, void *);	/* arg: pages */
double	bench_host_load_sample(struct bench *, void *);
/* Unmap the streaming buffer (at exit). */
void	bench_host_fini(void);

/* ---- figures: one function per row of the table ---- */

/* bench_host.c */
double	fig_frame_copy_page_ns(struct bench *);
double	fig_frame_zero_page_ns(struct bench *);
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
double	fig_fault_zero_first_vs_host(struct bench *);
double	fig_fault_zero_warm_vs_zero(struct bench *);
double	fig_fault_cow_vs_copy(struct bench *);
double	fig_fault_cow_vs_host_fork(struct bench *);
double	fig_fault_scaling_4g_vs_4m(struct bench *);

/* bench_loan.c */
double	fig_loan_page_vs_copy(struct bench *);
double	fig_loan_single_vs_copy(struct bench *);
double	fig_loan_break_vs_copy(struct bench *);
double	fig_loan_deep_vs_shallow(struct bench *);

/* bench_instr.c: --instructions (see there) */
int	bench_instructions(struct bench *b, const char *argv0, bool strict,
	    const char *filter);
int	bench_instr_child(void);
#define BENCH_INSTR_CHILD_ARG	"--instructions-child"

/* bench_check.c */
double	fig_check_scaling_1m_vs_64k(struct bench *);

/* bench_pdaemon.c */
double	fig_pdaemon_scan_vs_copy(struct bench *);
double	fig_pdaemon_scaling_4m_vs_64k(struct bench *);
double	fig_swap_roundtrip_vs_copy(struct bench *);
/* The scene of the scan figures, for the instruction count: a machine of
 * nframes frames with npages anons, each with a swap slot; prepare gives
 * each a clean inactive page and takes every free frame; rehog takes the
 * frames a daemon run freed (neither entered). */
struct pd_env;
struct pd_env *bench_pd_new(size_t nframes, size_t npages);
struct uvmsim_machine *bench_pd_machine(struct pd_env *);
int	bench_pd_prepare(struct pd_env *);
void	bench_pd_rehog(struct pd_env *);
void	bench_pd_free(struct pd_env *);

#endif /* UVMSIM_BENCH_H */
