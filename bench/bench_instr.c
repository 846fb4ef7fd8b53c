/*
 * bench_instr.c: instruction counts of the hot paths (--instructions).
 *
 * Times move with the host; instruction counts do not.  With
 * --instructions the runner starts itself again under Valgrind's
 * callgrind,
 *
 *	valgrind --tool=callgrind --collect-atstart=no
 *	    --toggle-collect=uvmsim__frame_copy_bytes
 *	    --toggle-collect=uvmsim__frame_zero_bytes
 *	    uvmsim-bench --instructions-child
 *
 * (the valgrind program is $UVMSIM_VALGRIND, or valgrind on the PATH).
 * The child sets up each operation's scene with collection off, then
 * switches collection on around each operation measured and off again
 * after it (CALLGRIND_TOGGLE_COLLECT, valgrind/callgrind.h), so nothing
 * but those operations is counted; callgrind toggles it off again inside
 * the frame module's copy and zero loops (--toggle-collect), so the copy
 * or zero of a page is left out and what remains is the simulator's own
 * work.  After each operation's runs the child dumps the counts under the
 * operation's name (CALLGRIND_DUMP_STATS_AT), and this process reads the
 * dumps back and prints instructions per operation in the usual lines:
 *
 *   instr.tlb_hit_load (<= 60)       uvmsim_load of 8 bytes through the
 *	public API, a TLB hit: LOAD_OPS calls, four to a turn of the loop
 *	(whose few instructions are counted too).
 *   instr.zero_fault (<= 2000)       a store to a never-touched page of
 *	private anonymous memory (UVM_ADV_NORMAL): the MMU's miss, the
 *	fault, the zero-fill anon and page, the pmap_enter, the store;
 *	no frame is known zero, and the zeroing itself is left out.
 *   instr.cow_fault (<= 2500)        a forked child's first store to a
 *	page it shares with its parent: the fault copies the anon's page
 *	(the copy left out).
 *   instr.loan_unloan_page (<= 400)  uvm_loan + uvm_unloan to the kernel
 *	of a range of LOAN_PAGES resident anon pages, per page.
 *   instr.loan_break (<= 2500)       the owner's store to a page it lent
 *	to the kernel: the fault gives the anon a copy (left out).
 *   instr.pdaemon_scan_page (<= 300) the page daemon, per page scanned
 *	on an inactive queue of clean, unreferenced anon pages whose bytes
 *	are in swap: each looked at, its anon try-locked, its mappings and
 *	modified bit checked, freed; the start and end of each run counted
 *	too (bench_pdaemon.c's scene).
 *   instr.loan_single (no target: for the record)  uvm_loan + uvm_unloan
 *	to the kernel of a one-page range of resident anon memory, the
 *	pages of a LOAN_PAGES range taken in turn, as loan.single_vs_copy
 *	lends them: the fixed cost of a loan, per loan.
 *   instr.tlb_refill_mips (no target: for the record)  a load that
 *	misses the TLB of a "mips" machine: the software refill of an
 *	even/odd pair of referenced pages from the pmap's segment table,
 *	per refill (the stats' tlb_refills, checked to be one per load).
 *
 * Each count is taken on every architecture, with its name as a suffix
 * after the default's ("instr.cow_fault.i386"); the pages are that
 * architecture's.  The machines trace nothing (bench_machine()) and run
 * the 1.39 loan behaviour.  --strict makes the exit status 1 when a count passes its
 * target: CTest's test bench.instructions (label perf, added with
 * -DUVMSIM_PERF_TESTS=ON) runs it so.
 */
#include <sys/stat.h>
#include <sys/wait.h>

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifdef UVMSIM_HAVE_CALLGRIND
#include <valgrind/callgrind.h>
#else
/* Without Valgrind's headers the child cannot run (it says so). */
#define RUNNING_ON_VALGRIND		0
#define CALLGRIND_ZERO_STATS		do { } while (0)
#define CALLGRIND_TOGGLE_COLLECT	do { } while (0)
#define CALLGRIND_DUMP_STATS_AT(s)	((void)(s))
#endif

#include "bench.h"
#include "uvmsim_frame.h"

extern char **environ;

#define REGION_VA	0x10000000UL
#define LOAD_OPS	20000		/* loads counted */
#define FAULT_OPS	512		/* faults counted (2 MiB) */
#define LOAN_PAGES	256		/* pages per range loan */
#define LOAN_ROUNDS	8		/* range loans counted */
#define SINGLE_LOANS	1024		/* one-page loans counted */
#define PD_OPS		1024		/* pages the page daemon scans */
#define REFILL_OPS	2048		/* software refills counted */
#define REFILL_PAIRS	256		/* pairs of pages they cycle over */

struct instr_env {
	struct uvmsim_machine *m;
	struct proc	*p;
	struct vm_map	*map;
	struct vmspace	*vs;
};

/*
 * env_init: a warmed machine of nframes frames (none known zero), a
 * process with npages of private anonymous memory at REGION_VA, each
 * written once if touch.
 */
static int
env_init(struct instr_env *e, size_t nframes, size_t npages, bool touch)
{
	vaddr_t va = REGION_VA;
	size_t i;
	int error;

	if ((e->m = bench_machine(nframes)) == NULL)
		return -1;
	bench_warm_frames(e->m);
	if (uvmsim_proc_create(e->m, &e->p) != 0) {
		bench_machine_destroy(e->m);
		return bench_fail("uvmsim_proc_create: %s",
		    uvmsim_last_error()), -1;
	}
	e->vs = e->p->p_vmspace;
	e->map = &e->vs->vm_map;
	uvmsim_machine_enter(e->m);
	error = uvm_map(e->map, &va, (vsize_t)npages * BENCH_PAGE, NULL,
	    UVM_UNKNOWN_OFFSET, 0, UVM_MAPFLAG(VM_PROT_READ | VM_PROT_WRITE,
	    VM_PROT_ALL, UVM_INH_COPY, UVM_ADV_NORMAL,
	    UVM_FLAG_FIXED | UVM_FLAG_COPYONW));
	uvmsim_machine_leave(e->m);
	for (i = 0; error == 0 && touch && i < npages; i++)
		error = uvmsim_store(e->m, 0, e->vs, REGION_VA +
		    i * BENCH_PAGE, 8, i);
	if (error != 0) {
		uvmsim_proc_exit(e->m, e->p);
		bench_machine_destroy(e->m);
		return bench_fail("setting up: %s", uvmsim_last_error()), -1;
	}
	return 0;
}

static void
env_fini(struct instr_env *e)
{
	uvmsim_proc_exit(e->m, e->p);
	bench_machine_destroy(e->m);
}

/* The name an operation's counts are dumped under: base, with the
 * architecture's name as a suffix when it is not the default. */
static const char *
dump_name(const char *base)
{
	static char buf[96];

	if (bench_arch == NULL)
		return base;
	snprintf(buf, sizeof(buf), "%s.%s", base, bench_arch);
	return buf;
}

/* Each op returns 0, or an errno after which the counts mean nothing. */

static int
op_tlb_hit_load(void)
{
	struct instr_env e;
	struct uvmsim_machine *m;
	struct vmspace *vs;
	uint64_t v, sum = 0;
	size_t i;
	int error = 0;

	if (env_init(&e, 1024, 1, true) != 0)
		return -1;
	m = e.m;
	vs = e.vs;
	(void)uvmsim_load(m, 0, vs, REGION_VA, 8, &v);	/* in the TLB */
	CALLGRIND_ZERO_STATS;
	CALLGRIND_TOGGLE_COLLECT;
	for (i = 0; i < LOAD_OPS; i += 4) {
#define LOAD(k)	do {							\
		error |= uvmsim_load(m, 0, vs, REGION_VA + (k) * 64, 8, &v); \
		sum += v;						\
	} while (0)
		LOAD(0);
		LOAD(1);
		LOAD(2);
		LOAD(3);
#undef LOAD
	}
	CALLGRIND_TOGGLE_COLLECT;
	CALLGRIND_DUMP_STATS_AT(dump_name("instr.tlb_hit_load"));
	BENCH_CLOBBER(&sum);
	env_fini(&e);
	return error;
}

static int
op_zero_fault(void)
{
	struct instr_env e;
	size_t i;
	int error = 0;

	if (env_init(&e, FAULT_OPS + 1024, FAULT_OPS, false) != 0)
		return -1;
	CALLGRIND_ZERO_STATS;
	for (i = 0; i < FAULT_OPS && error == 0; i++) {
		CALLGRIND_TOGGLE_COLLECT;
		error = uvmsim_store(e.m, 0, e.vs, REGION_VA + i * BENCH_PAGE,
		    8, i);
		CALLGRIND_TOGGLE_COLLECT;
	}
	CALLGRIND_DUMP_STATS_AT(dump_name("instr.zero_fault"));
	env_fini(&e);
	return error;
}

static int
op_cow_fault(void)
{
	struct instr_env e;
	struct proc *child;
	size_t i;
	int error = 0;

	if (env_init(&e, 3 * FAULT_OPS + 1024, FAULT_OPS, true) != 0)
		return -1;
	if (uvmsim_proc_fork(e.m, e.p, &child) != 0) {
		env_fini(&e);
		return -1;
	}
	CALLGRIND_ZERO_STATS;
	for (i = 0; i < FAULT_OPS && error == 0; i++) {
		CALLGRIND_TOGGLE_COLLECT;
		error = uvmsim_store(e.m, 0, child->p_vmspace,
		    REGION_VA + i * BENCH_PAGE, 8, ~(uint64_t)i);
		CALLGRIND_TOGGLE_COLLECT;
	}
	CALLGRIND_DUMP_STATS_AT(dump_name("instr.cow_fault"));
	uvmsim_proc_exit(e.m, child);
	env_fini(&e);
	return error;
}

static int
op_loan_unloan_page(void)
{
	struct instr_env e;
	struct vm_page *pgs[LOAN_PAGES];
	vsize_t len = (vsize_t)LOAN_PAGES * BENCH_PAGE;
	size_t r;
	int error;

	if (env_init(&e, 2048, LOAN_PAGES, true) != 0)
		return -1;
	uvmsim_machine_enter(e.m);
	/* The first loan takes the write mappings away; later ones find
	 * none (the steady state of a buffer lent over and over). */
	if ((error = uvm_loan(e.map, REGION_VA, len, pgs,
	    UVM_LOAN_TOPAGE)) == 0)
		uvm_unloan(pgs, LOAN_PAGES, UVM_LOAN_TOPAGE);
	CALLGRIND_ZERO_STATS;
	for (r = 0; r < LOAN_ROUNDS && error == 0; r++) {
		CALLGRIND_TOGGLE_COLLECT;
		error = uvm_loan(e.map, REGION_VA, len, pgs, UVM_LOAN_TOPAGE);
		if (error == 0)
			uvm_unloan(pgs, LOAN_PAGES, UVM_LOAN_TOPAGE);
		CALLGRIND_TOGGLE_COLLECT;
	}
	CALLGRIND_DUMP_STATS_AT(dump_name("instr.loan_unloan_page"));
	uvmsim_machine_leave(e.m);
	env_fini(&e);
	return error;
}

/*
 * op_loan_single: one-page loans of the pages of a LOAN_PAGES range in
 * turn, each returned before the next (bench_loan.c's single_sample).
 */
static int
op_loan_single(void)
{
	struct instr_env e;
	struct vm_page *pgs[LOAN_PAGES];
	size_t i;
	int error;

	if (env_init(&e, 2048, LOAN_PAGES, true) != 0)
		return -1;
	uvmsim_machine_enter(e.m);
	/* As for the range: the write mappings go at the first loan. */
	if ((error = uvm_loan(e.map, REGION_VA, (vsize_t)LOAN_PAGES *
	    BENCH_PAGE, pgs, UVM_LOAN_TOPAGE)) == 0)
		uvm_unloan(pgs, LOAN_PAGES, UVM_LOAN_TOPAGE);
	CALLGRIND_ZERO_STATS;
	for (i = 0; i < SINGLE_LOANS && error == 0; i++) {
		CALLGRIND_TOGGLE_COLLECT;
		error = uvm_loan(e.map, REGION_VA + (i % LOAN_PAGES) *
		    BENCH_PAGE, BENCH_PAGE, pgs, UVM_LOAN_TOPAGE);
		if (error == 0)
			uvm_unloan(pgs, 1, UVM_LOAN_TOPAGE);
		CALLGRIND_TOGGLE_COLLECT;
	}
	CALLGRIND_DUMP_STATS_AT("instr.loan_single");
	uvmsim_machine_leave(e.m);
	env_fini(&e);
	return error;
}

static int
op_loan_break(void)
{
	struct instr_env e;
	static struct vm_page *pgs[FAULT_OPS];
	size_t i;
	int error;

	if (env_init(&e, 3 * FAULT_OPS + 1024, FAULT_OPS, true) != 0)
		return -1;
	uvmsim_machine_enter(e.m);
	error = uvm_loan(e.map, REGION_VA, (vsize_t)FAULT_OPS * BENCH_PAGE,
	    pgs, UVM_LOAN_TOPAGE);
	uvmsim_machine_leave(e.m);
	if (error != 0) {
		env_fini(&e);
		return error;
	}
	CALLGRIND_ZERO_STATS;
	for (i = 0; i < FAULT_OPS && error == 0; i++) {
		CALLGRIND_TOGGLE_COLLECT;
		error = uvmsim_store(e.m, 0, e.vs, REGION_VA + i * BENCH_PAGE,
		    8, ~(uint64_t)i);
		CALLGRIND_TOGGLE_COLLECT;
	}
	CALLGRIND_DUMP_STATS_AT(dump_name("instr.loan_break"));
	uvmsim_machine_enter(e.m);
	uvm_unloan(pgs, FAULT_OPS, UVM_LOAN_TOPAGE);
	uvmsim_machine_leave(e.m);
	env_fini(&e);
	return error;
}

/* The page daemon over a queue of PD_OPS clean, unreferenced anon pages
 * whose bytes are in swap, runs of it with memory short (every free frame
 * taken, untimed between runs), each bounded so that exactly PD_OPS pages
 * are scanned. */
static int
op_pdaemon_scan_page(void)
{
	struct pd_env *e;
	struct uvmsim_machine *m;
	struct uvmexp *ux;
	int scans, r = 0;

	if ((e = bench_pd_new(4 * PD_OPS, PD_OPS)) == NULL)
		return -1;
	m = bench_pd_machine(e);
	ux = uvmsim_uvmexp(m);
	if (bench_pd_prepare(e) != 0) {
		bench_pd_free(e);
		return -1;
	}
	scans = ux->pdscans;
	CALLGRIND_ZERO_STATS;
	while (ux->pdscans - scans < PD_OPS && r >= 0) {
		CALLGRIND_TOGGLE_COLLECT;
		r = uvmsim_pagedaemon_run(m,
		    (unsigned)(PD_OPS - (ux->pdscans - scans)));
		CALLGRIND_TOGGLE_COLLECT;
		if (r == 0)
			r = -1;		/* no progress: the counts mean nothing */
		bench_pd_rehog(e);
	}
	CALLGRIND_DUMP_STATS_AT(dump_name("instr.pdaemon_scan_page"));
	bench_pd_free(e);
	return r < 0 ? -1 : 0;
}

/*
 * op_tlb_refill_mips: loads of one page of each pair of REFILL_PAIRS,
 * round and round: the pairs are more than the TLB holds, so each load
 * misses and the refill handler loads the pair.
 */
static int
op_tlb_refill_mips(void)
{
	struct uvmsim_tlb_stats st0, st1;
	struct uvmsim_config cfg;
	struct instr_env e;
	uint64_t v, sum = 0;
	size_t i;
	int error = 0;

	uvmsim_config_init(&cfg);
	cfg.arch = "mips";
	cfg.npages = 3 * REFILL_PAIRS + 1024;
	cfg.trace = 0;
	cfg.trace_ring = 0;
	cfg.reserve_kernel = 0;
	cfg.reserve_pagedaemon = 0;
	if (uvmsim_machine_create(&cfg, &e.m) != 0)
		return bench_fail("mips machine: %s", uvmsim_last_error()), -1;
	if (uvmsim_proc_create(e.m, &e.p) != 0) {
		bench_machine_destroy(e.m);
		return -1;
	}
	e.vs = e.p->p_vmspace;
	e.map = &e.vs->vm_map;
	{
		vaddr_t va = REGION_VA;

		uvmsim_machine_enter(e.m);
		error = uvm_map(e.map, &va, (vsize_t)2 * REFILL_PAIRS *
		    BENCH_PAGE, NULL, UVM_UNKNOWN_OFFSET, 0,
		    UVM_MAPFLAG(VM_PROT_READ | VM_PROT_WRITE, VM_PROT_ALL,
		    UVM_INH_COPY, UVM_ADV_NORMAL, UVM_FLAG_FIXED |
		    UVM_FLAG_COPYONW));
		uvmsim_machine_leave(e.m);
	}
	/* Every page written once: mapped, V and D set. */
	for (i = 0; error == 0 && i < 2 * REFILL_PAIRS; i++)
		error = uvmsim_store(e.m, 0, e.vs, REGION_VA + i * BENCH_PAGE,
		    8, i);
	for (i = 0; error == 0 && i < REFILL_PAIRS; i++)	/* warm */
		error = uvmsim_load(e.m, 0, e.vs, REGION_VA + 2 * i *
		    BENCH_PAGE, 8, &v);
	if (error != 0) {
		env_fini(&e);
		return bench_fail("setting up: %s", uvmsim_last_error()), -1;
	}
	(void)uvmsim_tlb_stats(e.m, 0, &st0);
	CALLGRIND_ZERO_STATS;
	for (i = 0; i < REFILL_OPS; i++) {
		CALLGRIND_TOGGLE_COLLECT;
		error |= uvmsim_load(e.m, 0, e.vs, REGION_VA + 2 *
		    (i % REFILL_PAIRS) * BENCH_PAGE, 8, &v);
		CALLGRIND_TOGGLE_COLLECT;
		sum += v;
	}
	CALLGRIND_DUMP_STATS_AT("instr.tlb_refill_mips");
	(void)uvmsim_tlb_stats(e.m, 0, &st1);
	if (st1.tlb_refills - st0.tlb_refills != REFILL_OPS) {
		(void)bench_fail("instr.tlb_refill_mips: %llu refills for "
		    "%d loads", (unsigned long long)(st1.tlb_refills -
		    st0.tlb_refills), REFILL_OPS);
		error = -1;
	}
	BENCH_CLOBBER(&sum);
	env_fini(&e);
	return error;
}

static const struct instr_op {
	struct bench_figure fig;	/* value: instructions per op */
	int		(*run)(void);
	double		ops;		/* operations counted */
} instr_ops[] = {
	{ { "instr.tlb_hit_load", "instr", BENCH_LE, 60, NULL, true },
	    op_tlb_hit_load, LOAD_OPS },
	{ { "instr.zero_fault", "instr", BENCH_LE, 2000, NULL, true },
	    op_zero_fault, FAULT_OPS },
	{ { "instr.cow_fault", "instr", BENCH_LE, 2500, NULL, true },
	    op_cow_fault, FAULT_OPS },
	{ { "instr.loan_unloan_page", "instr", BENCH_LE, 400, NULL, true },
	    op_loan_unloan_page, (double)LOAN_ROUNDS * LOAN_PAGES },
	{ { "instr.loan_break", "instr", BENCH_LE, 2500, NULL, true },
	    op_loan_break, FAULT_OPS },
	{ { "instr.pdaemon_scan_page", "instr", BENCH_LE, 300, NULL, true },
	    op_pdaemon_scan_page, PD_OPS },
	/* (the default architecture only, as loan.single_vs_copy) */
	{ { "instr.loan_single", "instr", BENCH_NONE, 0, NULL, false },
	    op_loan_single, SINGLE_LOANS },
	/* (on its own architecture, whichever the pass) */
	{ { "instr.tlb_refill_mips", "instr", BENCH_NONE, 0, NULL, false },
	    op_tlb_refill_mips, REFILL_OPS },
};
#define INSTR_MAXARCH	8		/* architectures counted */
#define NOPS	(sizeof(instr_ops) / sizeof(instr_ops[0]))

/*
 * bench_instr_child: the run under callgrind: every operation, each
 * dumped under its name.  Exit status 0, or 1 if one failed.
 */
int
bench_instr_child(void)
{
	size_t i;
	unsigned a;
	int bad = 0;

	if (!RUNNING_ON_VALGRIND) {
		fprintf(stderr, "%s: %s runs under callgrind only\n",
		    getprogname(), BENCH_INSTR_CHILD_ARG);
		return 2;
	}
	for (a = 0; a == 0 || uvmsim_arch_name(a) != NULL; a++) {
		if (a > 0 && bench_set_arch(uvmsim_arch_name(a)) != 0)
			return 1;
		for (i = 0; i < NOPS; i++)
			if ((a == 0 || instr_ops[i].fig.per_arch) &&
			    instr_ops[i].run() != 0) {
				bench_fail("%s failed", dump_name(
				    instr_ops[i].fig.name));
				bad = 1;
			}
	}
	return bad;
}

/*
 * read_dump: the trigger name and the instruction total of one callgrind
 * dump file; 0, or -1 if it has neither.
 */
static int
read_dump(const char *path, char *name, size_t namelen, double *total)
{
	static const char trig[] = "desc: Trigger: Client Request: ";
	char line[512];
	FILE *fp;
	int have = 0;

	if ((fp = fopen(path, "r")) == NULL)
		return -1;
	name[0] = '\0';
	*total = NAN;
	while (fgets(line, sizeof(line), fp) != NULL) {
		if (strncmp(line, trig, sizeof(trig) - 1) == 0) {
			line[strcspn(line, "\n")] = '\0';
			if (strlen(line + sizeof(trig) - 1) >= namelen)
				continue;
			strcpy(name, line + sizeof(trig) - 1);
			have |= 1;
		} else if (strncmp(line, "summary: ", 9) == 0 ||
		    strncmp(line, "totals: ", 8) == 0) {
			*total = strtod(strchr(line, ' ') + 1, NULL);
			have |= 2;
		}
	}
	fclose(fp);
	return have == 3 ? 0 : -1;
}

/* remove_dir: the temporary directory and the files in it. */
static void
remove_dir(const char *dir)
{
	char path[PATH_MAX];
	struct dirent *de;
	DIR *d;

	if ((d = opendir(dir)) != NULL) {
		while ((de = readdir(d)) != NULL) {
			if (de->d_name[0] == '.')
				continue;
			snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
			unlink(path);
		}
		closedir(d);
	}
	rmdir(dir);
}

/*
 * bench_instructions: run the child under callgrind, print a line per
 * operation whose name contains filter (all if NULL).  Returns the exit
 * status: 2 if callgrind could not run or an operation failed, 1 if
 * strict and a count passed its target, else 0.
 */
int
bench_instructions(struct bench *b, const char *argv0, bool strict,
    const char *filter)
{
	char dir[] = "/tmp/uvmsim-instr.XXXXXX", outopt[PATH_MAX + 32];
	char logopt[PATH_MAX + 32], path[PATH_MAX], name[128], self[PATH_MAX];
	char fname[128];
	const char *vg = getenv("UVMSIM_VALGRIND");
	double counts[INSTR_MAXARCH][NOPS], total;
	struct bench_figure f;
	unsigned a, narch;
	struct dirent *de;
	char *args[12];
	size_t i, n;
	ssize_t len;
	pid_t pid;
	DIR *d;
	int status, rc = 0;
	bool missed = false;

	(void)b;
	if (vg == NULL || *vg == '\0')
		vg = "valgrind";
	if ((len = readlink("/proc/self/exe", self, sizeof(self) - 1)) <= 0)
		snprintf(self, sizeof(self), "%s", argv0);
	else
		self[len] = '\0';
	if (mkdtemp(dir) == NULL) {
		bench_fail("mkdtemp: %s", strerror(errno));
		return 2;
	}
	snprintf(outopt, sizeof(outopt), "--callgrind-out-file=%s/cg.out",
	    dir);
	snprintf(logopt, sizeof(logopt), "--log-file=%s/log", dir);
	n = 0;
	args[n++] = (char *)vg;
	args[n++] = (char *)"--tool=callgrind";
	args[n++] = (char *)"--collect-atstart=no";
	args[n++] = (char *)"--toggle-collect=uvmsim__frame_copy_bytes";
	args[n++] = (char *)"--toggle-collect=uvmsim__frame_zero_bytes";
	args[n++] = outopt;
	args[n++] = logopt;
	args[n++] = self;
	args[n++] = (char *)BENCH_INSTR_CHILD_ARG;
	args[n] = NULL;
	if (posix_spawnp(&pid, vg, NULL, NULL, args, environ) != 0) {
		bench_fail("cannot run %s (set UVMSIM_VALGRIND)", vg);
		remove_dir(dir);
		return 2;
	}
	if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) ||
	    WEXITSTATUS(status) != 0) {
		snprintf(path, sizeof(path), "%s/log", dir);
		bench_fail("the run under callgrind failed (its log: %s)",
		    path);
		return 2;
	}

	for (narch = 0; uvmsim_arch_name(narch) != NULL &&
	    narch < INSTR_MAXARCH; narch++)
		continue;
	for (a = 0; a < narch; a++)
		for (i = 0; i < NOPS; i++)
			counts[a][i] = NAN;
	if ((d = opendir(dir)) != NULL) {
		while ((de = readdir(d)) != NULL) {
			if (strncmp(de->d_name, "cg.out", 6) != 0)
				continue;
			snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
			if (read_dump(path, name, sizeof(name), &total) != 0)
				continue;
			for (a = 0; a < narch; a++)
				for (i = 0; i < NOPS; i++)
					if (figure_name(&instr_ops[i].fig, a,
					    fname, sizeof(fname)) &&
					    strcmp(name, fname) == 0)
						counts[a][i] = total /
						    instr_ops[i].ops;
		}
		closedir(d);
	}
	remove_dir(dir);

	printf("# frame copy: %s (left out of the counts)\n",
	    uvmsim__frame_copy_routine());
	for (a = 0; a < narch; a++)
		for (i = 0; i < NOPS; i++) {
			f = instr_ops[i].fig;
			if (!figure_name(&f, a, fname, sizeof(fname)) ||
			    (filter != NULL && strstr(fname, filter) == NULL))
				continue;
			f.name = fname;
			if (isnan(counts[a][i]))
				rc = 2;
			if (!bench_report(&f, counts[a][i], false, true))
				missed = true;
		}
	if (rc != 0)
		return rc;
	return strict && missed ? 1 : 0;
}
