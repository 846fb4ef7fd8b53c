/*
 * test_campaign.c: the failpoint campaign, in the manner of SQLite's
 * anomaly tests: every failure the library can meet, at every place it
 * can meet it, one at a time.
 *
 * A scenario is a C function driving the public API through one piece
 * of the VM system (fault, copy-on-write, fork, loans both ways, unloan,
 * swap-out and swap-in, the page daemon, its pageout of lent pages and
 * the orphans it adopts, a swap device that fills, flush, a file's I/O,
 * wiring), on a machine of its own; its clean run must do what the
 * scenario is there for (DOES_: page out, break a loan, adopt an
 * orphan, fill swap), so that the failures meet those paths; the model driver's fixed seeds are scenarios
 * too (tests/model, with the failures armed from outside).  For each
 * scenario, each loan behaviour and each failpoint (every named one, and
 * "host_alloc", the host's malloc, calloc and realloc), the campaign
 * runs the scenario once clean, counting the point's hits, then for
 * N = 1, 2, ...:
 *
 *   single      hit N fails, the hits after it do not;
 *   persistent  hit N fails, and every hit after it;
 *
 * until a run never reaches hit N.  "host_alloc" is armed through
 * uvmsim_config.fail_host_alloc, so machine creation's own allocations
 * fail too; the other points are armed once the machine exists.
 *
 * Every run must end well:
 *   - each call returns 0 or its documented error (call(): the list of
 *     each call's errors is at the call); an access that fails gives
 *     EFAULT with the fault's error (uvmsim_last_segv) one of ENOMEM,
 *     EIO;
 *   - uvmsim_check() is clean after every step;
 *   - a call that failed under a single failure succeeds when made
 *     again: the failure left the state as it was;
 *   - once the scenario has let go of everything (unloaned, processes
 *     ended, files detached): no frame is in use that the clean run did
 *     not also keep (the kernel's own page tables; the modern zero page
 *     is not counted), no anon is live, no
 *     swap slot is allocated, no object lives (objects counted through
 *     the trace: created less freed);
 *   - after uvmsim_machine_destroy, uvmsim_host_allocs() is what it was
 *     before the machine was made: no host block forgotten.
 *
 * The number of runs per failpoint is printed at the end.
 *
 * The environment narrows a run: CAMPAIGN_PART=c or model (the C
 * scenarios or the model's seeds), CAMPAIGN_LOAN=1.39 or modern,
 * CAMPAIGN_SCENARIO=name,
 * CAMPAIGN_POINT=name, CAMPAIGN_MODEL_OPS=n (longer model runs, for
 * exploring), CAMPAIGN_VERBOSE (each run named as it starts).
 */
#include "testutil.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "model.h"

#define NFRAMES		96
#define NSWAP		64
#define MAXPROC		4
#define MAXLOAN		4
#define LOANPG		4
#define FILEPG		6
#define MAXFILE		2

static const char *const points[] = {
	"host_alloc", "uvm_pagealloc", "uvm_analloc", "amap_alloc",
	"pgo_get.eio", "pgo_get.eagain", "pgo_get.io", "simple_lock_try",
	"uvm_swap_alloc", "uvm_swap_put.eio", "uvm_swap_get.eio",
	"uvmsim_check.report",
};
#define NPOINTS		(sizeof(points) / sizeof(points[0]))

static unsigned long runs_of[NPOINTS];

/* One run of a scenario: the machine and what the scenario holds. */
struct ctx {
	struct uvmsim_machine *m;
	const char	*loan;		/* "1.39" or "modern" */
	bool		single;		/* a single failure armed */
	bool		stop;		/* a call failed: the rest is skipped */
	size_t		ps;
	vaddr_t		base;		/* first page of the layout */
	struct proc	*procs[MAXPROC];
	int		nprocs;
	struct uvm_object *files[MAXFILE];
	int		nfiles;
	struct {
		void	*lent[LOANPG];
		int	n, flag;
	} loans[MAXLOAN];
	int		nloans;
	long		objects;	/* created less freed (the trace) */
	long		adopts, breaks;	/* orphans adopted, loans broken */
	bool		swapfull;	/* the page daemon filled swap */
	uint8_t		*buf;		/* 2 pages */
	const char	*scen;		/* for messages */
	const char	*point;
	unsigned long	nth;
};

/* ---- running a step ----------------------------------------------------- */

static void
clean(struct ctx *c, const char *after)
{
	struct uvmsim_report rep;

	memset(&rep, 0, sizeof(rep));
	if (uvmsim_check(c->m, &rep) != 0) {
		uvmsim_report_print(&rep, stderr);
		uvmsim_report_free(&rep);
		fail_msg("%s, %s hit %lu (%s): uvmsim_check after %s",
		    c->scen, c->point, c->nth, c->single ? "single" :
		    "persistent", after);
	}
	uvmsim_report_free(&rep);
}

/*
 * documented: err is 0 or one of the errors listed (0-terminated) for
 * the call what; an access's EFAULT also needs a fault error of ENOMEM
 * or EIO (the failures injected).
 */
static void
documented(struct ctx *c, const char *what, int err, bool access,
    const int *errs)
{
	struct uvmsim_segv sv;
	int i;

	if (err == 0)
		return;
	for (i = 0; errs[i] != 0 && errs[i] != err; i++)
		;
	if (errs[i] == 0)
		fail_msg("%s, %s hit %lu (%s): %s returned %d (%s): %s",
		    c->scen, c->point, c->nth, c->single ? "single" :
		    "persistent", what, err, uvmsim_strerror(err),
		    uvmsim_last_error());
	if (access) {
		uvmsim_last_segv(c->m, &sv);
		if (sv.error != ENOMEM && sv.error != EIO)
			fail_msg("%s, %s hit %lu: %s: fault error %d",
			    c->scen, c->point, c->nth, what, sv.error);
	}
}

/*
 * CALL(c, what, expr, errors...): run a step unless an earlier one
 * failed; check its result and the machine; a single failure is made
 * again and must succeed then.  Evaluates to the step's error.
 */
#define CALL(c, what, access, expr, ...) ({				\
	int err_ = 0;							\
	if (!(c)->stop) {						\
		err_ = (expr);						\
		documented((c), (what), err_, (access),			\
		    (const int[]){ __VA_ARGS__, 0 });			\
		clean((c), (what));					\
		if (err_ != 0 && (c)->single) {				\
			err_ = (expr);					\
			if (err_ != 0)					\
				fail_msg("%s, %s hit %lu: %s failed "	\
				    "again (%d): %s", (c)->scen,	\
				    (c)->point, (c)->nth, (what), err_,	\
				    uvmsim_last_error());		\
			clean((c), (what));				\
		}							\
		if (err_ != 0)						\
			(c)->stop = true;				\
	}								\
	err_;								\
})

static vaddr_t
va(struct ctx *c, int pg)
{
	return c->base + (vaddr_t)pg * c->ps;
}

static struct vm_map *
map_of(struct ctx *c, int pi)
{
	return &c->procs[pi]->p_vmspace->vm_map;
}

/* ---- the steps scenarios are made of ----------------------------------- */

static void
spawn(struct ctx *c)
{
	struct proc *p = NULL;

	if (CALL(c, "uvmsim_proc_create", false,
	    uvmsim_proc_create(c->m, &p), ENOMEM) == 0 && !c->stop)
		c->procs[c->nprocs++] = p;
}

static void
fork_of(struct ctx *c, int pi)
{
	struct proc *p = NULL;

	if (c->stop)
		return;
	if (CALL(c, "uvmsim_proc_fork", false,
	    uvmsim_proc_fork(c->m, c->procs[pi], &p), ENOMEM) == 0)
		c->procs[c->nprocs++] = p;
}

static void
proc_exit(struct ctx *c, int pi)
{
	if (c->stop)
		return;
	uvmsim_proc_exit(c->m, c->procs[pi]);
	c->procs[pi] = c->procs[--c->nprocs];
	clean(c, "uvmsim_proc_exit");
}

static uint8_t
pat(int file, size_t off)
{
	return (uint8_t)(off * 131 + (off >> 9) + (size_t)file * 77 + 1);
}

/* The word a load at offset 8 of page fidx of file f reads. */
static uint64_t
file_word(struct ctx *c, int f, int fidx)
{
	uint64_t v = 0;
	int i;

	for (i = 7; i >= 0; i--)
		v = v << 8 | pat(f, (size_t)fidx * c->ps + 8 + (size_t)i);
	return v;
}

static void
file_new(struct ctx *c)
{
	struct uvm_object *u = NULL;
	size_t size = FILEPG * c->ps, i;
	uint8_t *b;

	if (CALL(c, "uvmsim_file_create", false,
	    uvmsim_file_create(c->m, size, &u), ENOMEM) != 0 || c->stop)
		return;
	c->files[c->nfiles++] = u;
	b = malloc(size);
	assert_non_null(b);
	for (i = 0; i < size; i++)
		b[i] = pat(c->nfiles - 1, i);
	(void)CALL(c, "uvmsim_file_write", false,
	    uvmsim_file_write(c->m, u, 0, b, size), ENOMEM);
	free(b);
}

/* Map n pages at page pg of process pi: anonymous (file < 0) or file
 * pages from fidx, private (copy-on-write) or shared. */
static void
map(struct ctx *c, int pi, int pg, int n, int file, int fidx, bool shared,
    int inh)
{
	struct uvm_object *u = NULL;
	vaddr_t a = va(c, pg);
	int err;

	if (c->stop)
		return;
	if (file >= 0) {
		u = c->files[file];
		u->pgops->pgo_reference(u);
	}
	err = CALL(c, "uvm_map", false, ({ a = va(c, pg);
	    uvm_map(map_of(c, pi), &a, (vsize_t)n * c->ps, u,
	    u != NULL ? (voff_t)((size_t)fidx * c->ps) : UVM_UNKNOWN_OFFSET, 0,
	    UVM_MAPFLAG(VM_PROT_READ | VM_PROT_WRITE, VM_PROT_ALL,
	    (unsigned)inh << 4, UVM_ADV_NORMAL, UVM_FLAG_FIXED |
	    (shared ? 0 : UVM_FLAG_COPYONW))); }), ENOMEM);
	if (err != 0 && u != NULL)
		u->pgops->pgo_detach(u);
}

static void
store(struct ctx *c, int pi, int pg, uint64_t v)
{
	(void)CALL(c, "uvmsim_store", true, uvmsim_store(c->m, 0,
	    c->procs[pi]->p_vmspace, va(c, pg) + 8, 8, v), EFAULT);
}

static void
load(struct ctx *c, int pi, int pg, uint64_t want)
{
	uint64_t v = 0;

	if (CALL(c, "uvmsim_load", true, uvmsim_load(c->m, 1,
	    c->procs[pi]->p_vmspace, va(c, pg) + 8, 8, &v), EFAULT) == 0 &&
	    !c->stop && v != want)
		fail_msg("%s, %s hit %lu: page %d reads %#" PRIx64 ", not %#"
		    PRIx64, c->scen, c->point, c->nth, pg, v, want);
}

/* Copy two pages out (a pattern of seed) and back in, and compare. */
static void
copy_round(struct ctx *c, int pi, int pg, unsigned seed)
{
	size_t i, len = 2 * c->ps;
	struct vmspace *vs;

	if (c->stop)
		return;
	vs = c->procs[pi]->p_vmspace;
	for (i = 0; i < len; i++)
		c->buf[i] = (uint8_t)(seed + i * 7);
	(void)CALL(c, "uvmsim_copyout", true, uvmsim_copyout(c->m, 0, vs,
	    c->buf, va(c, pg), len), EFAULT);
	memset(c->buf, 0, len);
	if (CALL(c, "uvmsim_copyin", true, uvmsim_copyin(c->m, 1, vs,
	    va(c, pg), c->buf, len), EFAULT) != 0 || c->stop)
		return;
	for (i = 0; i < len; i++)
		if (c->buf[i] != (uint8_t)(seed + i * 7))
			fail_msg("%s, %s hit %lu: byte %zu of the copy reads "
			    "%#x", c->scen, c->point, c->nth, i, c->buf[i]);
}

static void
loan(struct ctx *c, int pi, int pg, int n, int flag)
{
	int k = c->nloans;

	if (c->stop)
		return;
	if (CALL(c, "uvm_loan", false, uvm_loan(map_of(c, pi), va(c, pg),
	    (vsize_t)n * c->ps, c->loans[k].lent, flag), EINVAL) == 0 &&
	    !c->stop) {
		c->loans[k].n = n;
		c->loans[k].flag = flag;
		c->nloans++;
	}
}

static void
unloan(struct ctx *c, int k)
{
	if (c->stop || k >= c->nloans)
		return;
	uvm_unloan(c->loans[k].lent, c->loans[k].n, c->loans[k].flag);
	c->loans[k] = c->loans[--c->nloans];
	clean(c, "uvm_unloan");
}

static void
wire(struct ctx *c, int pi, int pg, int n, bool on)
{
	(void)CALL(c, "uvm_map_pageable", false, uvm_map_pageable(
	    map_of(c, pi), va(c, pg), va(c, pg + n), !on, 0), ENOMEM,
	    EFAULT, EIO);
}

static void
protect(struct ctx *c, int pi, int pg, int n, vm_prot_t prot)
{
	(void)CALL(c, "uvm_map_protect", false, uvm_map_protect(
	    map_of(c, pi), va(c, pg), va(c, pg + n), prot, FALSE), ENOMEM);
}

/* Flush pages [a, b) of file f with flags (pgo_put). */
static void
flush(struct ctx *c, int f, int a, int b, int flags)
{
	struct uvm_object *u = c->files[f];

	(void)CALL(c, "pgo_put", false, ({ simple_lock(&u->vmobjlock);
	    u->pgops->pgo_put(u, (voff_t)a * c->ps, (voff_t)b * c->ps,
	    flags); }), EIO, ENOMEM);
}

/* Run the page daemon short of want free frames, as do_pagedaemon in
 * the model driver makes its shortage. */
static void
pagedaemon(struct ctx *c, int want)
{
	struct uvmexp *ux = uvmsim_uvmexp(c->m);
	int saved = ux->reserve_kernel, n;

	if (c->stop)
		return;
	ux->reserve_kernel = ux->free + want;
	n = uvmsim_pagedaemon_run(c->m, 0);
	ux->reserve_kernel = saved;
	if (ux->swpages > 0 && ux->swpginuse == ux->swpages)
		c->swapfull = true;
	if (n < 0)
		fail_msg("%s, %s hit %lu: uvmsim_pagedaemon_run: %s", c->scen,
		    c->point, c->nth, uvmsim_last_error());
	clean(c, "uvmsim_pagedaemon_run");
}

/* ---- the scenarios ------------------------------------------------------ */

/* Zero fill, reads and writes of anonymous memory and of a file. */
static void
sc_fault(struct ctx *c)
{
	spawn(c);
	file_new(c);
	map(c, 0, 0, 4, -1, 0, false, MAP_INHERIT_COPY);
	store(c, 0, 0, 0x1111);
	load(c, 0, 0, 0x1111);
	load(c, 0, 1, 0);
	copy_round(c, 0, 2, 3);
	map(c, 0, 8, 4, 0, 1, true, MAP_INHERIT_SHARE);
	load(c, 0, 8, file_word(c, 0, 1));
	store(c, 0, 9, 0x2222);
	load(c, 0, 9, 0x2222);
}

/* Copy-on-write after fork, both ways, and of a private file mapping. */
static void
sc_cow(struct ctx *c)
{
	spawn(c);
	file_new(c);
	map(c, 0, 0, 4, -1, 0, false, MAP_INHERIT_COPY);
	map(c, 0, 8, 4, 0, 0, false, MAP_INHERIT_COPY);
	store(c, 0, 0, 0xa0);
	store(c, 0, 1, 0xa1);
	store(c, 0, 8, 0xb0);
	fork_of(c, 0);
	store(c, 1, 0, 0xc0);
	store(c, 0, 1, 0xd1);
	load(c, 0, 0, 0xa0);
	load(c, 1, 0, 0xc0);
	load(c, 1, 1, 0xa1);
	store(c, 1, 8, 0xe0);
	load(c, 0, 8, 0xb0);
	copy_round(c, 1, 9, 5);
	proc_exit(c, 1);
	store(c, 0, 0, 0xf0);
}

/* Fork with every inheritance, twice, and wiring across it. */
static void
sc_fork(struct ctx *c)
{
	spawn(c);
	file_new(c);
	map(c, 0, 0, 2, -1, 0, false, MAP_INHERIT_SHARE);
	map(c, 0, 2, 2, -1, 0, false, MAP_INHERIT_NONE);
	map(c, 0, 4, 2, -1, 0, false, MAP_INHERIT_COPY);
	map(c, 0, 8, 3, 0, 2, true, MAP_INHERIT_SHARE);
	store(c, 0, 0, 1);
	store(c, 0, 2, 2);
	store(c, 0, 4, 3);
	store(c, 0, 8, 4);
	wire(c, 0, 4, 2, true);
	fork_of(c, 0);
	store(c, 1, 0, 5);
	load(c, 0, 0, 5);
	store(c, 1, 4, 6);
	load(c, 0, 4, 3);
	fork_of(c, 1);
	load(c, 2, 8, 4);
	store(c, 2, 9, 7);
	load(c, 0, 9, 7);
	wire(c, 0, 4, 2, false);
	protect(c, 1, 4, 2, VM_PROT_READ);
	proc_exit(c, 2);
}

/* Loans to the kernel (pages) of anonymous and file memory, the
 * owner's write (a loan break), unloan. */
static void
sc_loan_page(struct ctx *c)
{
	spawn(c);
	file_new(c);
	map(c, 0, 0, 4, -1, 0, false, MAP_INHERIT_COPY);
	map(c, 0, 8, 4, 0, 0, true, MAP_INHERIT_SHARE);
	store(c, 0, 0, 0x10);
	store(c, 0, 1, 0x11);
	loan(c, 0, 0, 3, UVM_LOAN_TOPAGE);	/* A->K and a zero page */
	loan(c, 0, 8, 3, UVM_LOAN_TOPAGE);	/* O->K */
	store(c, 0, 0, 0x20);			/* breaks the loan */
	store(c, 0, 9, 0x21);
	fork_of(c, 0);
	store(c, 1, 1, 0x22);
	unloan(c, 0);
	load(c, 0, 1, 0x11);
	proc_exit(c, 1);
	unloan(c, 0);
}

/* Loans to anons of anonymous and file memory, the writes that follow,
 * unloan. */
static void
sc_loan_anon(struct ctx *c)
{
	spawn(c);
	file_new(c);
	map(c, 0, 0, 4, -1, 0, false, MAP_INHERIT_COPY);
	map(c, 0, 8, 4, 0, 0, false, MAP_INHERIT_COPY);
	store(c, 0, 0, 0x30);
	store(c, 0, 1, 0x31);
	load(c, 0, 8, file_word(c, 0, 0));
	loan(c, 0, 0, 2, UVM_LOAN_TOANON);	/* A->A */
	if (strcmp(c->loan, "modern") != 0) {
		/* Modern lends neither to an anon (docs/loan.md). */
		loan(c, 0, 8, 2, UVM_LOAN_TOANON);	/* O->A */
		loan(c, 0, 2, 2, UVM_LOAN_TOANON);	/* zero */
	}
	store(c, 0, 0, 0x40);
	store(c, 0, 8, 0x41);
	unloan(c, 1);
	load(c, 0, 1, 0x31);
	unloan(c, 0);
}

/* Anonymous memory out to swap and back; a file's dirty pages cleaned
 * by the page daemon. */
static void
sc_swap(struct ctx *c)
{
	int i;

	spawn(c);
	file_new(c);
	map(c, 0, 0, 8, -1, 0, false, MAP_INHERIT_COPY);
	map(c, 0, 8, 4, 0, 0, true, MAP_INHERIT_SHARE);
	for (i = 0; i < 8; i++)
		store(c, 0, i, 0x100 + (uint64_t)i);
	store(c, 0, 8, 0x200);
	fork_of(c, 0);
	pagedaemon(c, 64);
	pagedaemon(c, 64);
	for (i = 0; i < 8; i += 3)
		load(c, 0, i, 0x100 + (uint64_t)i);
	store(c, 1, 1, 0x300);
	load(c, 1, 8, 0x200);
	pagedaemon(c, 64);
	load(c, 1, 1, 0x300);
	copy_round(c, 0, 4, 9);
}

/*
 * Memory pressure with loans out: the owner's write breaks one loan;
 * the page daemon pages out anons and file pages lent to the kernel
 * (and, in 1.39, a file page lent to an anon), leaving the lent pages
 * to their borrowers; the pages come back from swap and the file; the
 * owner exits and a flush frees the file's pages while they are lent,
 * leaving orphans the next scans meet (and adopt: the page an anon
 * borrowed becomes the anon's), and the loans come back last.
 */
static void
sc_pageout_loans(struct ctx *c)
{
	int i;

	spawn(c);
	file_new(c);
	map(c, 0, 0, 8, -1, 0, false, MAP_INHERIT_COPY);
	map(c, 0, 8, 4, 0, 0, true, MAP_INHERIT_SHARE);
	for (i = 0; i < 8; i++)
		store(c, 0, i, 0x400 + (uint64_t)i);
	store(c, 0, 8, 0x500);
	loan(c, 0, 0, 2, UVM_LOAN_TOPAGE);	/* A->K */
	loan(c, 0, 8, 2, UVM_LOAN_TOPAGE);	/* O->K */
	if (strcmp(c->loan, "modern") != 0)
		loan(c, 0, 10, 1, UVM_LOAN_TOANON);	/* O->A */
	store(c, 0, 0, 0x600);			/* breaks the loan */
	pagedaemon(c, 64);			/* page 1 lent: an orphan */
	pagedaemon(c, 64);
	load(c, 0, 0, 0x600);
	load(c, 0, 1, 0x401);
	load(c, 0, 5, 0x405);
	load(c, 0, 8, 0x500);
	spawn(c);
	map(c, 1, 8, 4, 0, 0, true, MAP_INHERIT_SHARE);
	proc_exit(c, 0);			/* orphans of A->K */
	flush(c, 0, 0, FILEPG, PGO_CLEANIT | PGO_FREE);	/* of O->K, O->A */
	pagedaemon(c, 64);
	load(c, 0, 8, 0x500);
	unloan(c, 0);
	pagedaemon(c, 64);
	load(c, 0, 11, file_word(c, 0, 3));
}

/*
 * Swap full for real (a machine of SWAPFULL_SLOTS slots): more dirty
 * anons than slots, so the page daemon's writes stop when it is full
 * (the pages go back to the active queue) and, when nothing could be
 * freed, resident pages give their slots up; every page still reads
 * what was written, through swap-ins and the fork's copy-on-write.
 */
#define SWAPFULL_SLOTS	6

static void
sc_swap_full(struct ctx *c)
{
	int i;

	spawn(c);
	map(c, 0, 0, 16, -1, 0, false, MAP_INHERIT_COPY);
	for (i = 0; i < 16; i++)
		store(c, 0, i, 0x700 + (uint64_t)i);
	pagedaemon(c, 64);
	pagedaemon(c, 64);
	for (i = 0; i < 16; i += 5)
		load(c, 0, i, 0x700 + (uint64_t)i);
	fork_of(c, 0);
	store(c, 1, 2, 0x800);
	pagedaemon(c, 64);
	for (i = 0; i < 16; i += 3)
		load(c, 0, i, 0x700 + (uint64_t)i);
	load(c, 1, 2, 0x800);
	load(c, 1, 3, 0x703);
}

/* Flushes of every kind over a shared mapping, and the file's store. */
static void
sc_flush(struct ctx *c)
{
	uint8_t b[16];

	spawn(c);
	file_new(c);
	file_new(c);
	map(c, 0, 8, 6, 0, 0, true, MAP_INHERIT_SHARE);
	map(c, 0, 16, 4, 1, 0, false, MAP_INHERIT_COPY);
	store(c, 0, 8, 0x50);
	store(c, 0, 10, 0x51);
	load(c, 0, 16, file_word(c, 1, 0));
	flush(c, 0, 0, FILEPG, PGO_CLEANIT);
	if (!c->stop && CALL(c, "uvmsim_file_read", false,
	    uvmsim_file_read(c->m, c->files[0], 8, b, 8), ENOMEM) == 0 &&
	    !c->stop && b[0] != 0x50)
		fail_msg("%s, %s hit %lu: the store holds %#x", c->scen,
		    c->point, c->nth, b[0]);
	store(c, 0, 11, 0x52);
	flush(c, 0, 0, FILEPG, PGO_CLEANIT | PGO_FREE);
	load(c, 0, 11, 0x52);
	flush(c, 0, 2, 4, PGO_DEACTIVATE);
	store(c, 0, 17, 0x53);
	flush(c, 1, 0, FILEPG, PGO_FREE);
	load(c, 0, 17, 0x53);
	copy_round(c, 0, 12, 11);
}

/* ---- running one scenario ---------------------------------------------- */

struct scenario {
	const char	*name;
	void		(*fn)(struct ctx *);
	uint64_t	seed;		/* model scenarios: the seed */
	unsigned	does;		/* DOES_: what its clean run must do */
	int		nswap;		/* swap slots (0: NSWAP) */
};
#define DOES_PAGEOUT	0x1	/* the page daemon pages out */
#define DOES_BREAK	0x2	/* a loan is broken */
#define DOES_ADOPT	0x4	/* the page daemon adopts an orphan (1.39) */
#define DOES_SWAPFULL	0x8	/* the page daemon fills swap */

static void
count_objects(struct uvmsim_machine *m, const struct uvmsim_event *ev,
    void *arg)
{
	struct ctx *c = arg;

	(void)m;
	if (ev->type == UVMSIM_EV_OBJ_CREATE)
		c->objects++;
	else if (ev->type == UVMSIM_EV_OBJ_FREE)
		c->objects--;
	else if (ev->type == UVMSIM_EV_ANON_ADOPT)
		c->adopts++;
	else if (ev->type == UVMSIM_EV_LOAN_BREAK)
		c->breaks++;
}

/* What a run leaves once the scenario let go of everything. */
struct leftover {
	int		inuse;		/* frames not free */
	int		anons;		/* anons not free */
	int		swap;		/* slots allocated */
	long		objects;	/* objects alive */
	/* what the run did: orphans adopted, loans broken, pageouts */
	long		adopts, breaks, pageouts;
	bool		swapfull;
};

/* teardown: let go of everything the scenario holds, whatever failed. */
static void
let_go(struct ctx *c, struct leftover *lo)
{
	struct uvmexp *ux;
	struct uvm_object *z;
	int f;

	c->stop = false;
	while (c->nloans > 0)
		unloan(c, c->nloans - 1);
	while (c->nprocs > 0)
		proc_exit(c, c->nprocs - 1);
	for (f = 0; f < c->nfiles; f++) {
		c->files[f]->pgops->pgo_detach(c->files[f]);
		clean(c, "pgo_detach");
	}
	ux = uvmsim_uvmexp(c->m);
	z = uvmsim_loan_zero_object(c->m);
	/* The modern zero page is the kernel's own, kept. */
	lo->inuse = ux->npages - ux->free - (z != NULL ? z->uo_npages : 0);
	lo->anons = ux->nanon - ux->nfreeanon;
	lo->swap = ux->swpginuse;
	lo->objects = c->objects;
	lo->adopts = c->adopts;
	lo->breaks = c->breaks;
	lo->pageouts = ux->pdpageouts;
	lo->swapfull = c->swapfull;
}

/*
 * run: the scenario once on a fresh machine, with point armed at hit nth
 * for count hits (nth 0: nothing armed); *hits gets the point's hits
 * (from arming), the return is whether it fired.
 */
static bool
run(const struct scenario *s, const char *loan, const char *point,
    unsigned long nth, unsigned long count, struct leftover *lo,
    unsigned long *hits)
{
	struct uvmsim_config cfg;
	struct ctx c;
	const struct uvmsim_vmparam *vp;
	long before = uvmsim_host_allocs();
	unsigned long fired = 0;
	bool hostp = strcmp(point, "host_alloc") == 0;
	int err;

	if (getenv("CAMPAIGN_VERBOSE") != NULL)
		fprintf(stderr, "run %s %s %s hit %lu count %lu\n", s->name,
		    loan, point, nth, count);
	memset(&c, 0, sizeof(c));
	c.loan = loan;
	c.single = count == 1;
	c.scen = s->name;
	c.point = point;
	c.nth = nth;
	uvmsim_config_init(&cfg);
	cfg.npages = NFRAMES;
	cfg.ncpus = 2;
	cfg.seed = 7;
	cfg.arch = tu_arch();
	cfg.loan = loan;
	cfg.trace = UVMSIM_TRACE_OBJ | UVMSIM_TRACE_ANON | UVMSIM_TRACE_FAULT;
	cfg.trace_ring = 16;
	cfg.tlb_entries = 16;
	cfg.tlb_ways = 2;
	cfg.swap_slots = s->nswap != 0 ? s->nswap : NSWAP;
	if (hostp && nth > 0) {
		cfg.fail_host_alloc = nth;
		cfg.fail_host_alloc_count = count;
	}
	err = uvmsim_machine_create(&cfg, &c.m);
	if (err != 0) {
		/* Only creation's own failure may stop it. */
		if (!hostp || nth == 0 || err != ENOMEM)
			fail_msg("%s: uvmsim_machine_create: %s", s->name,
			    uvmsim_last_error());
		memset(lo, 0, sizeof(*lo));
		assert_null(c.m);
		assert_int_equal(uvmsim_host_allocs(), before);
		*hits = nth;
		return true;
	}
	uvmsim_machine_enter(c.m);
	uvmsim_set_panic_handler(c.m, tu_cmocka_panic, NULL);
	uvmsim_trace_callback(c.m, count_objects, &c);
	if (!hostp && nth > 0)
		assert_int_equal(uvmsim_failpoint_set(c.m, point, nth, count),
		    0);
	c.ps = uvmsim_page_size(c.m);
	vp = uvmsim_vmparam(c.m);
	c.base = (vp->user_min + 64 * c.ps) / (64 * c.ps) * (64 * c.ps);
	c.buf = calloc(2, c.ps);
	assert_non_null(c.buf);
	clean(&c, "uvmsim_machine_create");
	s->fn(&c);
	/* Letting go cannot fail: with the failure still armed it must
	 * cope (its hits are counted too). */
	let_go(&c, lo);
	clean(&c, "the end");
	*hits = hostp ? uvmsim_failpoint_hits(c.m, point) :
	    uvmsim_failpoint_since_armed(c.m, point, NULL);
	fired = uvmsim_failpoint_fired(c.m, point);
	uvmsim_machine_leave(c.m);
	uvmsim_machine_destroy(c.m);
	free(c.buf);
	if (uvmsim_host_allocs() != before)
		fail_msg("%s, %s hit %lu (%s): %ld host blocks outlive the "
		    "machine", s->name, point, nth, count == 1 ? "single" :
		    "persistent", uvmsim_host_allocs() - before);
	return fired > 0;
}

static void
same_leftover(const struct scenario *s, const char *point, unsigned long nth,
    unsigned long count, const struct leftover *lo,
    const struct leftover *ref)
{
	if (lo->inuse > ref->inuse || lo->anons != 0 || lo->swap != 0 ||
	    lo->objects > ref->objects)
		fail_msg("%s, %s hit %lu (%s): left %d frames in use (clean "
		    "run %d), %d anons, %d swap slots, %ld objects (clean run "
		    "%ld)", s->name, point, nth, count == 1 ? "single" :
		    "persistent", lo->inuse, ref->inuse, lo->anons, lo->swap,
		    lo->objects, ref->objects);
}

/*
 * The failures the kernel meets by trying again (a pager's EAGAIN, a
 * locked get that needs I/O, a failed try-lock): one that never ends
 * never ends in 1.6 either (the fault sleeps a second on lbolt and
 * retries, for ever).  Their persistent failure is RETRY_WINDOW hits in
 * a row, which each retry loop must survive.
 */
#define RETRY_WINDOW	1000

static bool
retried(const char *point)
{
	return strcmp(point, "pgo_get.eagain") == 0 ||
	    strcmp(point, "pgo_get.io") == 0 ||
	    strcmp(point, "simple_lock_try") == 0;
}

/* campaign: every point, single and persistent failures at every hit. */
static void
campaign(const struct scenario *s, const char *loan)
{
	struct leftover ref, lo;
	unsigned long hits, h, nth, persist;
	size_t i;

	for (i = 0; i < NPOINTS; i++) {
		if (getenv("CAMPAIGN_POINT") != NULL &&
		    strcmp(getenv("CAMPAIGN_POINT"), points[i]) != 0)
			continue;
		persist = retried(points[i]) ? RETRY_WINDOW : ~0UL / 2;
		(void)run(s, loan, points[i], 0, 0, &ref, &hits);
		runs_of[i]++;
		assert_int_equal(ref.anons, 0);
		assert_int_equal(ref.swap, 0);
		if ((s->does & DOES_PAGEOUT) && ref.pageouts == 0)
			fail_msg("%s: the clean run pages nothing out", s->name);
		if ((s->does & DOES_BREAK) && ref.breaks == 0)
			fail_msg("%s: the clean run breaks no loan", s->name);
		if ((s->does & DOES_ADOPT) && strcmp(loan, "1.39") == 0 &&
		    ref.adopts == 0)
			fail_msg("%s: the clean run adopts no orphan", s->name);
		if ((s->does & DOES_SWAPFULL) && !ref.swapfull)
			fail_msg("%s: the clean run never fills swap", s->name);
		for (nth = 1;; nth++) {
			bool f1, f2;

			f1 = run(s, loan, points[i], nth, 1, &lo, &h);
			same_leftover(s, points[i], nth, 1, &lo, &ref);
			f2 = run(s, loan, points[i], nth, persist, &lo, &h);
			same_leftover(s, points[i], nth, persist, &lo, &ref);
			runs_of[i] += 2;
			if (!f1 && !f2)
				break;
		}
	}
}

/* ---- the model driver's seeds as scenarios ------------------------------- */

#define MODEL_OPS	120	/* operations of a model scenario (a longer
				   exploration: CAMPAIGN_MODEL_OPS=n) */

static size_t
model_ops(void)
{
	const char *e = getenv("CAMPAIGN_MODEL_OPS");

	return e != NULL && atoi(e) > 0 ? (size_t)atoi(e) : MODEL_OPS;
}

/* model_once: one model run; its leftovers, whether the point fired. */
static bool
model_once(const struct scenario *s, const char *loan, const char *point,
    unsigned long nth, unsigned long count, const struct model_op *ops,
    struct leftover *lo, unsigned long *hits)
{
	struct model_opts o;
	struct model_failure f;
	long before = uvmsim_host_allocs();
	int rv;

	if (getenv("CAMPAIGN_VERBOSE") != NULL)
		fprintf(stderr, "run %s %s %s hit %lu count %lu\n", s->name,
		    loan, point, nth, count);
	memset(&o, 0, sizeof(o));
	o.seed = s->seed;
	o.nops = model_ops();
	o.loan = loan;
	o.arch = tu_arch();
	o.fail_point = point;
	o.fail_nth = nth;
	o.fail_count = count;
	rv = model_run(&o, ops, o.nops, &f, NULL, NULL);
	if (uvmsim_host_allocs() != before)
		fail_msg("%s, %s hit %lu (%s): %ld host blocks outlive the "
		    "machine", s->name, point, nth, count == 1 ? "single" :
		    "persistent", uvmsim_host_allocs() - before);
	memset(lo, 0, sizeof(*lo));
	if (rv < 0) {
		/* Only creation's own failure may stop it. */
		if (strcmp(point, "host_alloc") != 0 || nth == 0)
			fail_msg("%s: no machine: %s", s->name,
			    uvmsim_last_error());
		*hits = nth;
		return true;
	}
	if (rv != 0)
		fail_msg("%s, %s hit %lu (%s): step %zu: %s: %s", s->name,
		    point, nth, count == 1 ? "single" : "persistent", f.step,
		    f.what, f.detail);
	lo->inuse = f.left_inuse;
	lo->anons = f.left_anons;
	lo->swap = f.left_swap;
	*hits = f.hits;
	return f.fired > 0;
}

static void
model_campaign(const struct scenario *s, const char *loan)
{
	struct model_opts o;
	struct model_failure f;
	struct model_op *ops;
	struct leftover ref, lo;
	unsigned long hits, h, nth, persist;
	size_t i;

	memset(&o, 0, sizeof(o));
	o.seed = s->seed;
	o.nops = model_ops();
	o.loan = loan;
	o.arch = tu_arch();
	model_generate(&o, &ops);
	/* Clean, the model agrees in every detail. */
	if (model_run(&o, ops, o.nops, &f, NULL, NULL) != 0)
		fail_msg("%s: the clean run: step %zu: %s: %s", s->name,
		    f.step, f.what, f.detail);
	for (i = 0; i < NPOINTS; i++) {
		if (getenv("CAMPAIGN_POINT") != NULL &&
		    strcmp(getenv("CAMPAIGN_POINT"), points[i]) != 0)
			continue;
		persist = retried(points[i]) ? RETRY_WINDOW : ~0UL / 2;
		(void)model_once(s, loan, points[i], 0, 0, ops, &ref, &hits);
		runs_of[i]++;
		for (nth = 1;; nth++) {
			bool f1, f2;

			f1 = model_once(s, loan, points[i], nth, 1, ops, &lo,
			    &h);
			same_leftover(s, points[i], nth, 1, &lo, &ref);
			f2 = model_once(s, loan, points[i], nth, persist, ops,
			    &lo, &h);
			same_leftover(s, points[i], nth, persist, &lo, &ref);
			runs_of[i] += 2;
			if (!f1 && !f2)
				break;
		}
	}
	free(ops);
}

static const struct scenario scenarios[] = {
	{ "fault", sc_fault, 0, 0, 0 },
	{ "cow", sc_cow, 0, 0, 0 },
	{ "fork", sc_fork, 0, 0, 0 },
	{ "loan_page", sc_loan_page, 0, 0, 0 },
	{ "loan_anon", sc_loan_anon, 0, 0, 0 },
	{ "swap", sc_swap, 0, DOES_PAGEOUT, 0 },
	{ "pageout_loans", sc_pageout_loans, 0, DOES_PAGEOUT | DOES_BREAK |
	    DOES_ADOPT, 0 },
	{ "swap_full", sc_swap_full, 0, DOES_PAGEOUT | DOES_SWAPFULL,
	    SWAPFULL_SLOTS },
	{ "flush", sc_flush, 0, 0, 0 },
	{ "model_seed_1", NULL, 1, 0, 0 },
	{ "model_seed_2", NULL, 2, 0, 0 },
};

static void
test_scenario(void **state)
{
	const struct scenario *s = *state;
	const char *part = getenv("CAMPAIGN_PART");
	const char *only = getenv("CAMPAIGN_LOAN");
	const char *loans[2] = { "1.39", "modern" };
	int i;

	if (getenv("CAMPAIGN_SCENARIO") != NULL &&
	    strcmp(getenv("CAMPAIGN_SCENARIO"), s->name) != 0)
		skip();
	if (part != NULL && strcmp(part, s->fn == NULL ? "c" : "model") == 0)
		skip();
	for (i = 0; i < 2; i++) {
		if (only != NULL && strcmp(only, loans[i]) != 0)
			continue;
		if (s->fn == NULL)
			model_campaign(s, loans[i]);
		else
			campaign(s, loans[i]);
	}
}

static int
report(void **state)
{
	unsigned long total = 0;
	size_t i;

	(void)state;
	for (i = 0; i < NPOINTS; i++) {
		printf("campaign: %-20s %6lu runs\n", points[i], runs_of[i]);
		total += runs_of[i];
	}
	printf("campaign: %-20s %6lu runs\n", "all", total);
	return 0;
}

int
main(void)
{
	struct CMUnitTest tests[sizeof(scenarios) / sizeof(scenarios[0])];
	size_t i;

	for (i = 0; i < sizeof(scenarios) / sizeof(scenarios[0]); i++) {
		tests[i] = (struct CMUnitTest)cmocka_unit_test_prestate(
		    test_scenario, (void *)(uintptr_t)&scenarios[i]);
		tests[i].name = scenarios[i].name;
	}
	return cmocka_run_group_tests(tests, NULL, report);
}
