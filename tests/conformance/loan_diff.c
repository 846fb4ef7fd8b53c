/*
 * loan_diff.c: the differential test of the loan modules: seeded random
 * sequences of map, fork, store, load, wire, loan (to the kernel and to
 * anons), unloan, flush, page daemon runs, unmap and exit, with
 * failpoints armed and lock-drop hooks installed at random, run on one
 * machine per seed, printing each operation, its result, the machine's
 * trace with the lock operations (UVMSIM_TRACE_LOCK), what the checker
 * found (with the loan-lock watch on) and, at the end, a hash of every
 * frame's contents and a tally of the situations met.
 *
 * The same source is built against libuvmsim (the native loan module, in
 * 1.39's behaviour) and against libuvmsim_kernloan (NetBSD's uvm_loan.c,
 * LOAN_DIFF_KERNEL defined); loan_diff.sh runs both over a range of seeds
 * and compares the outputs line by line.  The native module emits no
 * trace events of its own, so the two outputs are the same as long as
 * both modules make the same calls into the layers below and take and
 * release the same locks, in the same order, on the same CPU.
 *
 * Lock order differences that 1.39 and the native module may have (both
 * correct) are compared modulo these rules, applied to both outputs
 * (tests/conformance/EXPECTED-DIFFERENCES.md, "lock order"):
 *   L1	two releases in a row, an amap's then an object's, are compared
 *	as the object's then the amap's (1.39's uvm_loanentry lets the
 *	amap go first; the native module's uvmfault_unlockall the object);
 *   L2	a take and release of the page queues with nothing between, right
 *	after the allocation of a page that nobody owns, are left out (the
 *	native 0->K loan sets the new page's loan_count with the page
 *	queues locked; 1.39 with nothing locked).
 *   L3	a page daemon pass that scans, frees and deactivates nothing,
 *	right after another pass, is left out, and the later events'
 *	numbers move down by its two events (a zero loan out of pages:
 *	the library's own uvm_wait, the native module's, runs a second
 *	pass after one that only refilled the inactive queue; kernel
 *	source's uvm_wait runs one pass, and the kernel file tries its
 *	allocation again).
 *
 * Paths where the kernel file has a documented defect of 1.39 (D1..D9,
 * EXPECTED-DIFFERENCES.md) are not avoided: the sequence predicts the
 * situation from the machine's state before the operation, prints it
 * ("situation D<n> ..."), and after it checks each library's own
 * expected outcome there: the native module's fixed one, or the kernel
 * file's defect (a panic caught, a lock left held, a counter off, a
 * stale page lent).  Both print "defect D<n>: as expected" when they do
 * as expected, anything else names what was seen instead.  Where the two
 * traces of that operation differ because of the defect, the trace of
 * the operation is withheld (a line says so); where the defect leaves
 * something the test can put right (a lock, a counter, a queue), the
 * kernel build puts it right and the sequence goes on; where it leaves
 * the two machines different for good (pages lent that the native
 * module refused, a panic half way), the seed ends there.
 *
 * Usage: loan_diff FIRST LAST	(seeds FIRST..LAST)
 */
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <uvmsim/uvmsim.h>

#ifdef LOAN_DIFF_KERNEL
#define KERNEL_FILE	1
#else
#define KERNEL_FILE	0
#endif

#define NPAGES		192	/* frames per machine */
#define NSWAP		256	/* swap slots */
#define MAXPROC		4	/* processes alive at once */
#define NREGION		4	/* region slots per process */
#define RPAGES		4	/* pages per region, at most */
#define MAXLOANS	12	/* loans outstanding at once */
#define MAXFILES	64	/* files made per sequence, at most */
#define NOPS		48	/* operations per sequence */

#define REGION_VA(r)	(0x400000UL + (vaddr_t)(r) * 0x100000UL)

enum kind { R_NONE, R_ANON, R_FILE_PRIVATE, R_FILE_SHARED, R_ANON_SHARED };
static const char *const kind_name[] = { "none", "anon", "file-private",
    "file-shared", "anon-shared" };

struct region {
	enum kind	kind;
	int		npages;
	struct uvm_object *file;	/* the region's file, or NULL */
};

struct dproc {
	struct proc	*p;		/* NULL: slot free */
	struct region	reg[NREGION];
};

struct loan {
	int		n;		/* pages */
	int		flags;		/* UVM_LOAN_TOPAGE or _TOANON */
	void		*v[RPAGES];	/* what was lent */
};

/* The situations met, counted over the run (printed at its end). */
enum tally {
	T_LOAN_AK, T_LOAN_OK, T_LOAN_0K, T_LOAN_AA, T_LOAN_OA, T_LOAN_0A,
	T_LOAN_OK_RESULT, T_LOAN_FAILED, T_UNLOAN_PAGE, T_UNLOAN_ANON,
	T_FP_PAGEALLOC, T_FP_ANALLOC, T_FP_AMAPALLOC, T_FP_EIO, T_FP_EAGAIN,
	T_FP_IO, T_FP_LOCKTRY, T_FP_FIRED,
	T_HOOK_PGO_GET, T_HOOK_PAGE_WAIT, T_HOOK_LOCK_RETRY, T_HOOK_UVM_WAIT,
	T_RELOOKUP,
	T_WIRED, T_SHARED_ANON, T_FLUSH, T_ORPHAN, T_ADOPT_FAULT,
	T_ADOPT_UNLOAN, T_ADOPT_ANFREE, T_ADOPT_PDAEMON, T_PDAEMON,
	T_PDAEMON_FREED,
	T_SLOT, T_D1, T_D2, T_D3, T_D3R, T_D4, T_D5, T_D6, T_D7, T_D8, T_D9,
	T_ENDED, T_N
};
static const char *const tally_name[T_N] = {
	"loan A->K pages", "loan O->K pages", "loan 0->K pages",
	"loan A->A pages", "loan O->A pages", "loan 0->A pages",
	"loans made", "loans failed", "unloans to the kernel",
	"unloans to anons",
	"failpoint uvm_pagealloc armed", "failpoint uvm_analloc armed",
	"failpoint amap_alloc armed", "failpoint pgo_get.eio armed",
	"failpoint pgo_get.eagain armed", "failpoint pgo_get.io armed",
	"failpoint simple_lock_try armed", "failpoints fired",
	"hook pgo_get ran", "hook page_wait ran", "hook lock_retry ran",
	"hook uvm_wait ran", "relookups after a hook",
	"loans over wired pages", "loans of shared anonymous memory",
	"flushes of a file", "orphans made", "adoptions at fault",
	"adoptions at unloan", "adoptions at anon free",
	"adoptions by the page daemon", "page daemon runs",
	"pages the page daemon freed",
	"anons lent put in an amap slot", "D1 expected", "D2 expected",
	"D3 expected (stale page)", "D3 expected (relookup after I/O)",
	"D4 expected", "D5 expected", "D6 expected", "D7 expected", "D8 expected", "D9 expected", "seeds ended by a defect"
};
static unsigned long tally[T_N];

static struct uvmsim_machine *m;
static size_t ps;
static uint64_t rng;
static struct dproc procs[MAXPROC];
static struct loan loans[MAXLOANS];
static int nloans;
static struct uvm_object *files[MAXFILES];
static int nfiles;
static bool ended;		/* a defect ended the seed's sequence */
static int failures;		/* outcomes not as expected */

/* ---- output ---- */

/* The trace lines of the operation under way, printed at its end. */
static char	**tl;
static size_t	ntl, captl;
static int	op_kind;	/* enum tally of the adoption an anon.adopt
				   event of this operation is counted as */

static void
die(const char *what, int error)
{
	printf("error: %s: %s: %s\n", what, uvmsim_strerror(error),
	    uvmsim_last_error());
	fflush(stdout);
	exit(2);
}

static void
on_event(struct uvmsim_machine *mm, const struct uvmsim_event *ev, void *arg)
{
	char line[384];

	(void)mm;
	(void)arg;
	if (ev->type == UVMSIM_EV_ANON_ADOPT)
		tally[op_kind]++;
	if (ev->type == UVMSIM_EV_PAGE_DISOWN)
		tally[T_ORPHAN]++;
	uvmsim_event_format(ev, line, sizeof(line));
	if (ntl == captl) {
		captl = captl == 0 ? 256 : 2 * captl;
		tl = realloc(tl, captl * sizeof(*tl));
		if (tl == NULL)
			die("realloc", ENOMEM);
	}
	if ((tl[ntl++] = strdup(line)) == NULL)
		die("strdup", ENOMEM);
}

static bool
is_lock(const char *line, const char *op, const char *kind)
{
	const char *p = strchr(line, ' ');
	char want[32];

	if (p == NULL || (p = strchr(p + 1, ' ')) == NULL)
		return false;
	snprintf(want, sizeof(want), " %s id=", op);
	if (strncmp(p, want, strlen(want)) != 0)
		return false;
	snprintf(want, sizeof(want), "\"%s\"", kind);
	p = strrchr(line, ' ');
	return p != NULL && strcmp(p + 1, want) == 0;
}

/*
 * flush_trace: print the operation's trace lines under the lock order
 * rules L1 and L2, or, with why set, a line saying they are withheld.
 * Each line's event number is printed relative to the first line's
 * ("+3"), so that an operation whose trace was withheld, in which the
 * two libraries made different numbers of events, shifts no later line.
 */
static void
flush_trace(const char *why)
{
	unsigned long long base, seq;
	size_t i, j;
	char *t, *rest, buf[400];

	for (i = 0; i + 1 < ntl; i++) {
		/* L3 */
		if (strstr(tl[i], " pdaemon.done ") != NULL &&
		    i + 5 < ntl && is_lock(tl[i + 1], "unlock", "pageq") &&
		    is_lock(tl[i + 2], "lock", "pageq") &&
		    strstr(tl[i + 3], " pdaemon ") != NULL &&
		    strstr(tl[i + 4], " pdaemon.done scanned=0 freed=0 "
		    "deact=0") != NULL &&
		    is_lock(tl[i + 5], "unlock", "pageq")) {
			for (j = i + 2; j < i + 6; j++)
				free(tl[j]);
			memmove(&tl[i + 2], &tl[i + 6],
			    (ntl - i - 6) * sizeof(*tl));
			ntl -= 4;
			/* Two events fewer: the later ones move down. */
			for (j = i + 2; j < ntl; j++) {
				seq = strtoull(tl[j], &rest, 10);
				snprintf(buf, sizeof(buf), "%llu%s", seq - 2,
				    rest);
				free(tl[j]);
				if ((tl[j] = strdup(buf)) == NULL)
					die("strdup", ENOMEM);
			}
		}
		/* L1 */
		if (is_lock(tl[i], "unlock", "amap") &&
		    is_lock(tl[i + 1], "unlock", "object")) {
			t = tl[i];
			tl[i] = tl[i + 1];
			tl[i + 1] = t;
		}
		/* L2 */
		if (strstr(tl[i], " page.alloc ") != NULL &&
		    strstr(tl[i], " obj=0 off=0 anon=0") != NULL &&
		    i + 2 < ntl && is_lock(tl[i + 1], "lock", "pageq") &&
		    is_lock(tl[i + 2], "unlock", "pageq")) {
			free(tl[i + 1]);
			free(tl[i + 2]);
			memmove(&tl[i + 1], &tl[i + 3],
			    (ntl - i - 3) * sizeof(*tl));
			ntl -= 2;
		}
	}
	if (why != NULL) {
		printf("trace withheld: %s\n", why);
		/* The two libraries may have passed the failpoints a
		 * different number of times: their counts start again. */
		(void)uvmsim_failpoint_reset(m, NULL);
	}
	base = ntl > 0 ? strtoull(tl[0], NULL, 10) : 0;
	for (i = 0; i < ntl; i++) {
		if (why == NULL) {
			seq = strtoull(tl[i], &rest, 10);
			printf("+%llu%s\n", seq - base, rest);
		}
		free(tl[i]);
	}
	ntl = 0;
}

/* drop_trace: forget the trace lines of a repair only one build makes. */
static void
drop_trace(void)
{
	while (ntl > 0)
		free(tl[--ntl]);
}

static void
on_panic(struct uvmsim_machine *mm, const char *msg, void *arg)
{
	(void)mm;
	(void)arg;
	flush_trace(NULL);
	printf("panic: %s\n", msg);
	fflush(stdout);
	exit(3);
}

static void
check(void)
{
	struct uvmsim_report r = { 0 };

	if (uvmsim_check(m, &r) != 0) {
		printf("check: %zu problem(s)\n", r.count);
		uvmsim_report_print(&r, stdout);
	}
	uvmsim_report_free(&r);
}

/* Whether the checker finds the invariant broken now (and nothing else
 * when only is true). */
static bool
check_finds(const char *invariant, bool only)
{
	struct uvmsim_report r = { 0 };
	bool found;

	(void)uvmsim_check(m, &r);
	found = uvmsim_report_find(&r, invariant, NULL) != NULL;
	if (only)
		found = found && r.count == 1;
	uvmsim_report_free(&r);
	return found;
}

/*
 * expect: the outcome of a defect's situation: ok says whether this
 * library did what it is expected to do there (the kernel file: the
 * defect; the native module: the fix), seen what it did otherwise.
 */
static void
expect(const char *defect, enum tally t, bool ok, const char *seen)
{
	tally[t]++;
	if (ok) {
		printf("defect %s: as expected\n", defect);
		return;
	}
	printf("defect %s: NOT as expected: %s %s\n", defect,
	    KERNEL_FILE ? "the kernel file" : "the native module", seen);
	failures++;
}

/* end_seed: the defect left the two machines different for good. */
static void
end_seed(const char *defect)
{
	printf("seed ends: %s leaves the two libraries' machines different\n",
	    defect);
	tally[T_ENDED]++;
	ended = true;
}

/* ---- the sequence's choices ---- */

/* splitmix64: the sequence's own numbers, apart from the machine's. */
static uint64_t
rnd(void)
{
	uint64_t z = (rng += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static unsigned
pick(unsigned n)
{
	return (unsigned)(rnd() % n);
}

/* A random live process slot, or -1. */
static int
pick_proc(void)
{
	int live[MAXPROC], n = 0, i;

	for (i = 0; i < MAXPROC; i++)
		if (procs[i].p != NULL)
			live[n++] = i;
	return n == 0 ? -1 : live[pick((unsigned)n)];
}

/* A random mapped region of process slot pi, or -1. */
static int
pick_region(int pi)
{
	int used[NREGION], n = 0, r;

	for (r = 0; r < NREGION; r++)
		if (procs[pi].reg[r].kind != R_NONE)
			used[n++] = r;
	return n == 0 ? -1 : used[pick((unsigned)n)];
}

static struct vm_map *
map_of(int pi)
{
	return &procs[pi].p->p_vmspace->vm_map;
}

static struct uvmsim_probe
probe(int pi, vaddr_t va)
{
	struct uvmsim_probe pr;

	if (uvmsim_probe(m, procs[pi].p->p_vmspace, va, &pr) != 0)
		die("uvmsim_probe", EINVAL);
	return pr;
}

/* ---- operations ---- */

static void
op_store(int pi, vaddr_t va, uint64_t val)
{
	int error;

	printf("op store pid %d va %#" PRIx64 " val %#" PRIx64 "\n",
	    (int)procs[pi].p->p_pid, (uint64_t)va, val);
	op_kind = T_ADOPT_FAULT;
	error = uvmsim_store(m, 0, procs[pi].p->p_vmspace, va, 8, val);
	flush_trace(NULL);
	printf("-> %d\n", error);
}

static void
op_load(int pi, vaddr_t va)
{
	uint64_t val = 0;
	int error;

	printf("op load pid %d va %#" PRIx64 "\n", (int)procs[pi].p->p_pid,
	    (uint64_t)va);
	op_kind = T_ADOPT_FAULT;
	error = uvmsim_load(m, 0, procs[pi].p->p_vmspace, va, 8, &val);
	flush_trace(NULL);
	printf("-> %d val %#" PRIx64 "\n", error, val);
}

static void
op_access(int write)
{
	int pi = pick_proc(), r;
	vaddr_t va;

	if (pi < 0 || (r = pick_region(pi)) < 0)
		return;
	va = REGION_VA(r) + pick((unsigned)procs[pi].reg[r].npages) * ps +
	    pick((unsigned)(ps / 8)) * 8;
	if (write)
		op_store(pi, va, rnd());
	else
		op_load(pi, va);
}

static void
op_map(void)
{
	int pi = pick_proc(), r, i, flags, inh, error;
	struct region *rg;
	struct uvm_object *f = NULL;
	uint8_t *buf;
	vaddr_t va;

	if (pi < 0)
		return;
	r = (int)pick(NREGION);
	rg = &procs[pi].reg[r];
	if (rg->kind != R_NONE || nfiles == MAXFILES)
		return;
	rg->kind = (enum kind)(1 + pick(4));
	rg->npages = 1 + (int)pick(RPAGES);
	printf("op map pid %d region %d %s pages %d\n",
	    (int)procs[pi].p->p_pid, r, kind_name[rg->kind], rg->npages);
	flags = UVM_FLAG_FIXED;
	inh = UVM_INH_COPY;
	if (rg->kind == R_ANON || rg->kind == R_FILE_PRIVATE)
		flags |= UVM_FLAG_COPYONW;
	if (rg->kind == R_ANON_SHARED) {
		flags |= UVM_FLAG_OVERLAY;
		inh = UVM_INH_SHARE;
	}
	if (rg->kind == R_FILE_PRIVATE || rg->kind == R_FILE_SHARED) {
		/* The file keeps our reference until the end; its pages go
		 * only when flushed (op_flush) or paged out. */
		error = uvmsim_file_create(m, (size_t)rg->npages * ps, &f);
		if (error != 0)
			die("uvmsim_file_create", error);
		files[nfiles++] = f;
		buf = malloc(ps);
		if (buf == NULL)
			die("malloc", ENOMEM);
		for (i = 0; i < rg->npages; i++) {
			memset(buf, (int)(rnd() & 0xff), ps);
			error = uvmsim_file_write(m, f, (size_t)i * ps, buf, ps);
			if (error != 0)
				die("uvmsim_file_write", error);
		}
		free(buf);
		f->pgops->pgo_reference(f);
	}
	rg->file = f;
	va = REGION_VA(r);
	error = uvm_map(map_of(pi), &va, (vsize_t)rg->npages * ps, f,
	    f != NULL ? 0 : UVM_UNKNOWN_OFFSET, 0,
	    UVM_MAPFLAG(VM_PROT_READ | VM_PROT_WRITE, VM_PROT_ALL,
	    inh, UVM_ADV_NORMAL, flags));
	flush_trace(NULL);
	printf("-> %d\n", error);
	if (error != 0)
		die("uvm_map", error);
}

static void
op_unmap(void)
{
	int pi = pick_proc(), r;
	struct region *rg;

	if (pi < 0 || (r = pick_region(pi)) < 0)
		return;
	rg = &procs[pi].reg[r];
	printf("op unmap pid %d region %d\n", (int)procs[pi].p->p_pid, r);
	op_kind = T_ADOPT_ANFREE;
	uvm_unmap(map_of(pi), REGION_VA(r),
	    REGION_VA(r) + (vaddr_t)rg->npages * ps);
	flush_trace(NULL);
	rg->kind = R_NONE;
}

/* Wire a region (uvm_map_pageable): its pages are faulted in. */
static void
op_wire(void)
{
	int pi = pick_proc(), r, error;
	struct region *rg;

	if (pi < 0 || (r = pick_region(pi)) < 0)
		return;
	rg = &procs[pi].reg[r];
	printf("op wire pid %d region %d\n", (int)procs[pi].p->p_pid, r);
	op_kind = T_ADOPT_FAULT;
	error = uvm_map_pageable(map_of(pi), REGION_VA(r),
	    REGION_VA(r) + (vaddr_t)rg->npages * ps, FALSE, 0);
	flush_trace(NULL);
	printf("-> %d\n", error);
}

static void
op_fork(void)
{
	int pi = pick_proc(), ci, error;
	struct proc *c;

	for (ci = 0; ci < MAXPROC && procs[ci].p != NULL; ci++)
		continue;
	if (pi < 0 || ci == MAXPROC)
		return;
	printf("op fork pid %d\n", (int)procs[pi].p->p_pid);
	error = uvmsim_proc_fork(m, procs[pi].p, &c);
	flush_trace(NULL);
	if (error != 0)
		die("uvmsim_proc_fork", error);
	procs[ci] = procs[pi];
	procs[ci].p = c;
	printf("-> pid %d\n", (int)c->p_pid);
}

static void
op_exit(void)
{
	int pi = pick_proc();

	if (pi <= 0)		/* the first process stays */
		return;
	printf("op exit pid %d\n", (int)procs[pi].p->p_pid);
	op_kind = T_ADOPT_ANFREE;
	uvmsim_proc_exit(m, procs[pi].p);
	flush_trace(NULL);
	memset(&procs[pi], 0, sizeof(procs[pi]));
}

/* A file lets go of all its pages (pgo_put PGO_FREE): lent ones become
 * orphans, which their borrowers keep. */
static void
op_flush(void)
{
	struct uvm_object *f;
	int error;

	if (nfiles == 0)
		return;
	f = files[pick((unsigned)nfiles)];
	printf("op flush object %u\n", f->uo_id);
	tally[T_FLUSH]++;
	op_kind = T_ADOPT_ANFREE;
	simple_lock(&f->vmobjlock);
	error = f->pgops->pgo_put(f, 0, 0, PGO_ALLPAGES | PGO_CLEANIT |
	    PGO_FREE);
	flush_trace(NULL);
	printf("-> %d\n", error);
}

/*
 * op_slot: an anon lent with UVM_LOAN_TOANON, whose page it borrows from
 * an object (or holds as an orphan, not yet adopted), is put in an empty,
 * unmapped amap slot of a private region, as a loan to a process's
 * address space does: the anon layer now meets a borrowed page at fault,
 * at loan and when the anon is freed.
 */
static void
op_slot(void)
{
	int pi, r, li, i, p;
	struct uvmsim_probe pr;
	struct vm_map_entry *entry;
	struct vm_anon *a = NULL, *b;
	struct vm_map *map;
	vaddr_t va = 0;

	/* A lent anon with a borrowed page, the newest loan first. */
	for (li = nloans - 1; li >= 0 && a == NULL; li--) {
		if (loans[li].flags != UVM_LOAN_TOANON)
			continue;
		for (i = 0; i < loans[li].n && a == NULL; i++) {
			b = loans[li].v[i];
			if (b->u.an_page != NULL && b->u.an_page->uanon == b &&
			    (b->u.an_page->pqflags & PQ_ANON) == 0 &&
			    b->u.an_page->wire_count == 0)
				a = b;
		}
	}
	if (a == NULL)
		return;
	/* An empty, unmapped slot of a private region's amap. */
	for (pi = 0; pi < MAXPROC && va == 0; pi++) {
		if (procs[pi].p == NULL)
			continue;
		for (r = 0; r < NREGION && va == 0; r++) {
			if (procs[pi].reg[r].kind != R_ANON &&
			    procs[pi].reg[r].kind != R_FILE_PRIVATE)
				continue;
			for (p = 0; p < procs[pi].reg[r].npages; p++) {
				pr = probe(pi, REGION_VA(r) + (vaddr_t)p * ps);
				if (pr.amap != NULL && pr.anon == NULL &&
				    pr.pte == 0 && !pr.needs_copy &&
				    pr.wired_count == 0) {
					va = REGION_VA(r) + (vaddr_t)p * ps;
					break;
				}
			}
		}
	}
	if (va == 0)
		return;
	pi--;
	printf("op slot pid %d va %#" PRIx64 " anon %u\n",
	    (int)procs[pi].p->p_pid, (uint64_t)va, a->an_id);
	tally[T_SLOT]++;
	map = map_of(pi);
	vm_map_lock_read(map);
	if (!uvm_map_lookup_entry(map, va, &entry))
		die("uvm_map_lookup_entry", ENOENT);
	amap_lock(entry->aref.ar_amap);
	simple_lock(&a->an_lock);
	a->an_ref++;				/* the slot's reference */
	simple_unlock(&a->an_lock);
	amap_add(&entry->aref, va - entry->start, a, FALSE);
	amap_unlock(entry->aref.ar_amap);
	vm_map_unlock_read(map);
	flush_trace(NULL);
	check();
	/* Its object lets go of the page, perhaps, and the process reads
	 * it: the fault meets a borrowed page, or adopts an orphan. */
	if (a->u.an_page->uobject != NULL && pick(2) == 0) {
		struct uvm_object *f = a->u.an_page->uobject;
		int error;

		printf("op flush object %u\n", f->uo_id);
		tally[T_FLUSH]++;
		op_kind = T_ADOPT_ANFREE;
		simple_lock(&f->vmobjlock);
		error = f->pgops->pgo_put(f, 0, 0, PGO_ALLPAGES | PGO_CLEANIT |
		    PGO_FREE);
		flush_trace(NULL);
		printf("-> %d\n", error);
		check();
	}
	op_load(pi, va);
}

/* The page daemon runs once with memory made short by a hog of frames. */
static void
op_pdaemon(void)
{
	struct vm_page *hog[NPAGES];
	struct uvmexp *ux = uvmsim_uvmexp(m);
	unsigned budget = pick(2) ? 0 : 1 + pick(16);
	int n = 0, n0, keep = 2 + (int)pick(8), freed;
	struct vm_page *pg;

	printf("op pdaemon keep %d budget %u\n", keep, budget);
	/* The hog's frames, taken and given back untraced (the clock
	 * ticks all the same): the daemon's run is what is compared. */
	(void)uvmsim_trace_set(m, 0);
	while (ux->free > keep && (pg = uvm_pagealloc(NULL, 0, NULL, 0)) !=
	    NULL)
		hog[n++] = pg;
	n0 = n;
	(void)uvmsim_trace_set(m, UVMSIM_TRACE_ALL | UVMSIM_TRACE_LOCK);
	op_kind = T_ADOPT_PDAEMON;
	freed = uvmsim_pagedaemon_run(m, budget);
	(void)uvmsim_trace_set(m, 0);
	while (n > 0)
		uvm_pagefree(hog[--n]);
	(void)uvmsim_trace_set(m, UVMSIM_TRACE_ALL | UVMSIM_TRACE_LOCK);
	printf("hog %d frames\n", n0);
	flush_trace(NULL);
	tally[T_PDAEMON]++;
	tally[T_PDAEMON_FREED] += freed > 0 ? (unsigned long)freed : 0;
	printf("-> %d\n", freed);
}

/* ---- hooks ---- */

enum hookact { H_NONE, H_UNMAP_OTHER, H_RELEASE, H_FILL_SLOT, H_UNBUSY,
    H_UNBUSY_UNMAP, H_UNLOCK_CPU1 };

static struct {
	enum hookact	act;
	int		pi;		/* the process of the loan */
	vaddr_t		va;		/* the page the action is about */
	vaddr_t		other;		/* a region to unmap, or 0 */
	vsize_t		other_len;
	struct uvm_object *uobj;	/* the object of the page read */
	voff_t		off;		/* ... its offset */
	struct vm_anon	*anon;		/* the anon whose page is busy, or
					   the anon put in a slot */
	struct simplelock *lock;	/* held by CPU 1 */
	bool		ran;
} hk;

static void
hook(struct uvmsim_machine *mm, const char *point, void *arg)
{
	struct vm_map_entry *entry;
	struct vm_map *map;
	struct vm_anon *anon;
	struct vm_page *pg;

	(void)mm;
	(void)arg;
	(void)point;
	hk.ran = true;
	switch (hk.act) {
	case H_NONE:
		break;
	case H_UNMAP_OTHER:
	case H_UNBUSY_UNMAP:
		if (hk.act == H_UNBUSY_UNMAP) {
			simple_lock(&hk.anon->an_lock);
			hk.anon->u.an_page->flags &= ~PG_BUSY;
			simple_unlock(&hk.anon->an_lock);
		}
		uvm_unmap(map_of(hk.pi), hk.other, hk.other + hk.other_len);
		break;
	case H_RELEASE:
		/* A flush on another CPU meets the page being read. */
		simple_lock(&hk.uobj->vmobjlock);
		pg = uvm_pagelookup(hk.uobj, hk.off);
		if (pg != NULL)
			pg->flags |= PG_RELEASED;
		simple_unlock(&hk.uobj->vmobjlock);
		break;
	case H_FILL_SLOT:
		/* Another CPU's write fault puts a fresh anon in the slot
		 * of hk.va (the map only read-locked: its timestamp stays). */
		anon = uvm_analloc();
		if (anon == NULL)
			die("uvm_analloc", ENOMEM);
		pg = uvm_pagealloc(NULL, 0, anon, UVM_PGA_ZERO);
		if (pg == NULL)
			die("uvm_pagealloc", ENOMEM);
		memset(uvmsim_page_data(m, pg), 0xa5, ps);
		uvm_lock_pageq();
		uvm_pageactivate(pg);
		uvm_unlock_pageq();
		pg->flags &= ~(PG_BUSY | PG_FAKE);
		simple_unlock(&anon->an_lock);
		map = map_of(hk.pi);
		vm_map_lock_read(map);
		if (!uvm_map_lookup_entry(map, hk.va, &entry))
			die("uvm_map_lookup_entry", ENOENT);
		amap_lock(entry->aref.ar_amap);
		amap_add(&entry->aref, hk.va - entry->start, anon, FALSE);
		amap_unlock(entry->aref.ar_amap);
		vm_map_unlock_read(map);
		hk.anon = anon;
		break;
	case H_UNBUSY:
		/* The I/O that held the page busy ends. */
		simple_lock(&hk.anon->an_lock);
		hk.anon->u.an_page->flags &= ~PG_BUSY;
		simple_unlock(&hk.anon->an_lock);
		break;
	case H_UNLOCK_CPU1:
		/* CPU 1 lets go of the lock it held. */
		(void)uvmsim_cpu_set(m, 1);
		simple_unlock(hk.lock);
		(void)uvmsim_cpu_set(m, 0);
		break;
	}
}

/* The "uvm_wait" hook: nothing runs but the page daemon after it. */
static void
hook_wait(struct uvmsim_machine *mm, const char *point, void *arg)
{
	(void)mm;
	(void)point;
	(void)arg;
}

static void
hook_set(const char *point, enum hookact act)
{
	hk.act = act;
	hk.ran = false;
	if (uvmsim_hook_set_once(m, point, hook, NULL) != 0)
		die("uvmsim_hook_set_once", EINVAL);
	printf("hook %s %d\n", point, (int)act);
}

/* ---- loans ---- */

/* What each page of a loan will meet, from the state before it. */
struct pageplan {
	bool	anon;		/* an anon is behind it */
	bool	resident;	/* the object's page is resident */
	bool	wired;		/* its entry is wired */
	bool	nothing;	/* nothing behind it, no amap slot to fill:
				   shared anonymous memory never touched */
	bool	swapped;	/* its anon's page is out on swap */
	bool	own_borrowed;	/* its anon borrows a page of the
				   region's own object */
	bool	analloc;	/* lending it to an anon makes an anon: an
				   object's page no anon borrows, or a zero
				   loan */
};

static const char *const fp_names[] = { "uvm_pagealloc", "uvm_analloc",
    "amap_alloc", "pgo_get.eio", "pgo_get.eagain", "pgo_get.io",
    "simple_lock_try" };
static const enum tally fp_tally[] = { T_FP_PAGEALLOC, T_FP_ANALLOC,
    T_FP_AMAPALLOC, T_FP_EIO, T_FP_EAGAIN, T_FP_IO, T_FP_LOCKTRY };
#define NFP	(sizeof(fp_names) / sizeof(fp_names[0]))

static unsigned long
fired_total(void)
{
	unsigned long n = 0;
	size_t i;

	for (i = 0; i < NFP; i++)
		n += uvmsim_failpoint_fired(m, fp_names[i]);
	return n;
}

/* The hooks' runs, counted: "tsleep" is left out, as only the kernel
 * file sleeps (on lbolt, after a pager's EAGAIN). */
#define NHOOKPTS	4

static void
hooks_count(unsigned long before[NHOOKPTS], bool after)
{
	static const char *const pts[NHOOKPTS] = { "pgo_get", "page_wait",
	    "lock_retry", "uvm_wait" };
	static const enum tally t[NHOOKPTS] = { T_HOOK_PGO_GET,
	    T_HOOK_PAGE_WAIT, T_HOOK_LOCK_RETRY, T_HOOK_UVM_WAIT };
	int i;

	for (i = 0; i < NHOOKPTS; i++) {
		if (after)
			tally[t[i]] += uvmsim_hook_runs(m, pts[i]) - before[i];
		else
			before[i] = uvmsim_hook_runs(m, pts[i]);
	}
}

static void
print_result(struct loan *ln, int error)
{
	int i;

	printf("-> %d", error);
	if (error == 0) {
		for (i = 0; i < ln->n; i++) {
			if (ln->flags == UVM_LOAN_TOANON)
				printf(" anon %u",
				    ((struct vm_anon *)ln->v[i])->an_id);
			else
				printf(" frame %zu", uvmsim_page_frame(m,
				    (struct vm_page *)ln->v[i]));
		}
	}
	printf("\n");
}

/* uvm_loan, a panic caught (c->caught); the error, or -1 after a panic. */
static int __attribute__((__noinline__))
loan_caught(struct vm_map *map, vaddr_t va, struct loan *ln,
    struct uvmsim_catch *c)
{
	volatile int error = -1;

	UVMSIM_CATCH(m, c, error = uvm_loan(map, va, (vsize_t)ln->n * ps,
	    ln->v, ln->flags));
	return error;
}

/*
 * op_loan: a loan of a random range of a random region, perhaps with a
 * failpoint armed or a hook installed for it.
 */
static void
op_loan(void)
{
	int pi = pick_proc(), r, first, i, error, iopage = -1, zeroa = 0;
	int d9page = -1, d7page = -1;
	struct vm_anon *d7anon = NULL;
	struct pageplan pp[RPAGES];
	struct uvmsim_probe pr;
	struct uvmsim_catch c;
	struct region *rg;
	struct loan *ln;
	unsigned long hooks0[NHOOKPTS], fired0;
	const char *defect = NULL, *withhold = NULL;
	unsigned fp = NFP, what;
	bool d1 = false, d3r = false, d9 = false;
	vaddr_t va;

	if (pi < 0 || (r = pick_region(pi)) < 0 || nloans == MAXLOANS)
		return;
	rg = &procs[pi].reg[r];
	ln = &loans[nloans];
	first = (int)pick((unsigned)rg->npages);
	ln->n = 1 + (int)pick((unsigned)(rg->npages - first));
	ln->flags = pick(2) ? UVM_LOAN_TOANON : UVM_LOAN_TOPAGE;
	va = REGION_VA(r) + (vaddr_t)first * ps;

	/* What each page will meet. */
	for (i = 0; i < ln->n; i++) {
		pr = probe(pi, va + (vaddr_t)i * ps);
		pp[i].anon = pr.anon != NULL;
		pp[i].resident = pr.anon == NULL && pr.page != NULL;
		pp[i].wired = pr.wired_count != 0 ||
		    (pr.page != NULL && pr.page->wire_count != 0);
		pp[i].nothing = pr.anon == NULL && pr.uobj == NULL &&
		    !pr.copy_on_write;
		pp[i].swapped = pr.anon != NULL && pr.anon->u.an_page == NULL;
		pp[i].own_borrowed = pr.anon != NULL && pr.page != NULL &&
		    rg->file != NULL && pr.page->uobject == rg->file;
		pp[i].analloc = pr.anon == NULL && !pp[i].nothing &&
		    (pr.page == NULL || pr.page->uanon == NULL);
		if (pp[i].anon)
			tally[ln->flags == UVM_LOAN_TOANON ? T_LOAN_AA :
			    T_LOAN_AK]++;
		else if (pr.uobj != NULL)
			tally[ln->flags == UVM_LOAN_TOANON ? T_LOAN_OA :
			    T_LOAN_OK]++;
		else
			tally[ln->flags == UVM_LOAN_TOANON ? T_LOAN_0A :
			    T_LOAN_0K]++;
		if (!pp[i].anon && pr.uobj != NULL && !pp[i].resident &&
		    iopage < 0)
			iopage = i;
		if (!pp[i].anon && pr.uobj == NULL && pr.copy_on_write &&
		    ln->flags == UVM_LOAN_TOANON)
			zeroa++;
	}
	if (rg->kind == R_ANON_SHARED)
		tally[T_SHARED_ANON]++;

	/* The defect the loan will meet first, if any, in page order. */
	for (i = 0; i < ln->n && defect == NULL; i++) {
		if (pp[i].wired) {
			defect = "D8";
			tally[T_WIRED]++;
			break;
		}
		if (pp[i].own_borrowed && ln->flags == UVM_LOAN_TOPAGE) {
			defect = "D6";
			break;
		}
		if (pp[i].nothing) {
			defect = "D4";
			break;
		}
	}
	if (defect == NULL && zeroa > 0)
		d1 = true;
	/* D3's relookup: a file region whose first page has an anon and a
	 * later page must be read: the kernel file checks the first page's
	 * slot after the I/O, finds the anon, and looks the range up
	 * again. */
	if (defect == NULL && rg->file != NULL && pp[0].anon && iopage > 0)
		d3r = true;

	/* A failpoint or a hook, sometimes (not with a defect: one thing
	 * at a time). */
	what = pick(10);
	if (defect == NULL && !d1 && !d3r && what < 3) {
		fp = pick(NFP);
		printf("failpoint %s nth %u\n", fp_names[fp], 1 + what);
		tally[fp_tally[fp]]++;
		if (uvmsim_failpoint_set(m, fp_names[fp], 1 + what, 1) != 0)
			die("uvmsim_failpoint_set", EINVAL);
		/* D9: out of anons for an O->A loan: the page whose anon
		 * the failing allocation was for, if an object's. */
		if (fp == 1 && ln->flags == UVM_LOAN_TOANON &&
		    rg->file != NULL) {
			int k = 0;

			for (i = 0; i < ln->n; i++)
				if (pp[i].analloc && ++k == (int)what + 1)
					break;
			if (i < ln->n) {
				d9 = true;
				d9page = i;
			}
		}
	} else if (defect == NULL && !d1 && what < 6 && iopage >= 0) {
		/* The I/O of page iopage: another CPU meanwhile. */
		hk.pi = pi;
		hk.va = va + (vaddr_t)iopage * ps;
		hk.uobj = rg->file;
		pr = probe(pi, hk.va);
		hk.off = pr.offset;
		switch (rg->kind == R_FILE_PRIVATE && !pp[0].anon &&
		    iopage > 0 && probe(pi, va).amap != NULL && pick(2) ?
		    3 : pick(4)) {
		case 0:
			hook_set("pgo_get", H_NONE);
			break;
		case 1:
			hk.other = 0;
			for (i = 0; i < NREGION; i++)
				if (i != r && procs[pi].reg[i].kind != R_NONE) {
					hk.other = REGION_VA(i);
					hk.other_len = (vsize_t)procs[pi].
					    reg[i].npages * ps;
				}
			if (hk.other == 0) {
				hook_set("pgo_get", H_NONE);
				break;
			}
			for (i = 0; i < NREGION; i++)
				if (REGION_VA(i) == hk.other)
					procs[pi].reg[i].kind = R_NONE;
			hook_set("pgo_get", H_UNMAP_OTHER);
			tally[T_RELOOKUP]++;
			break;
		case 2:
			hook_set("pgo_get", H_RELEASE);
			defect = "D2";
			break;
		case 3:
			/* D3: page 0 has no anon, but the entry has an
			 * amap, where the hook fills the slot of the page
			 * read, a later one. */
			if (rg->kind != R_FILE_PRIVATE || pp[0].anon ||
			    iopage == 0 || probe(pi, va).amap == NULL) {
				hook_set("pgo_get", H_NONE);
				break;
			}
			hook_set("pgo_get", H_FILL_SLOT);
			defect = "D3";
			d3r = false;
			break;
		}
	} else if (defect == NULL && !d1 && what < 8 &&
	    ln->flags == UVM_LOAN_TOPAGE && pp[0].anon) {
		/* The anon's page is busy in another CPU's I/O, which ends
		 * while the loan waits (and perhaps the map changes). */
		pr = probe(pi, va);
		if (pr.page != NULL && pr.page->wire_count == 0 &&
		    pr.page->loan_count == 0 && pr.page->uanon == pr.anon) {
			hk.anon = pr.anon;
			hk.pi = pi;
			hk.other = 0;
			if (pick(2))
				for (i = 0; i < NREGION; i++)
					if (i != r &&
					    procs[pi].reg[i].kind != R_NONE) {
						hk.other = REGION_VA(i);
						hk.other_len = (vsize_t)procs[pi].
						    reg[i].npages * ps;
						procs[pi].reg[i].kind = R_NONE;
						break;
					}
			simple_lock(&hk.anon->an_lock);
			pr.page->flags |= PG_BUSY;
			simple_unlock(&hk.anon->an_lock);
			if (hk.other != 0) {
				hook_set("page_wait", H_UNBUSY_UNMAP);
				tally[T_RELOOKUP]++;
				if (rg->file != NULL)
					defect = "D7";
			} else
				hook_set("page_wait", H_UNBUSY);
		}
	}
	/* D7 again: out of pages for an anon's swap-in, anonget gives up
	 * with the entry's object locked by the loan. */
	if (fp == 0 && ln->flags == UVM_LOAN_TOPAGE && rg->file != NULL)
		for (i = 0; i < ln->n && d7page < 0; i++)
			if (pp[i].swapped)
				d7page = i;
	/* The failpoint makes a resident page need I/O: perhaps D3's
	 * relookup too. */
	if (fp == 5 && rg->file != NULL && pp[0].anon)
		d3r = true;
	if (defect == NULL && d1)
		defect = "D1";
	if (defect == NULL && d7page >= 0)
		defect = "D7f";
	if (defect == NULL && d9)
		defect = "D9";
	if (defect == NULL && d3r)
		defect = "D3r";
	if (defect != NULL)
		printf("situation %s\n", defect);
	if (d7page >= 0)
		d7anon = probe(pi, va + (vaddr_t)d7page * ps).anon;

	printf("op loan pid %d va %#" PRIx64 " pages %d %s\n",
	    (int)procs[pi].p->p_pid, (uint64_t)va, ln->n,
	    ln->flags == UVM_LOAN_TOANON ? "toanon" : "topage");
	hooks_count(hooks0, false);
	fired0 = fired_total();
	op_kind = T_ADOPT_FAULT;
	error = loan_caught(map_of(pi), va, ln, &c);
	hooks_count(hooks0, true);
	tally[T_FP_FIRED] += fired_total() - fired0;
	if (fp < NFP)
		(void)uvmsim_failpoint_set(m, fp_names[fp], 0, 0);
	(void)uvmsim_hook_set(m, "pgo_get", NULL, NULL);
	(void)uvmsim_hook_set(m, "page_wait", NULL, NULL);
	if (c.caught && defect == NULL) {
		flush_trace(NULL);
		printf("panic: %s\n", c.message);
		fflush(stdout);
		exit(3);
	}

	if (defect == NULL) {
		flush_trace(NULL);
	} else if (strcmp(defect, "D1") == 0) {
		/* Each new anon of a zero loan to anons is left locked by
		 * the kernel file; the native module unlocks it.  The
		 * kernel build unlocks them, and the two go on alike. */
		bool ok = error == 0;
		int held = 0;

		for (i = 0; ok && i < ln->n; i++) {
			struct vm_anon *a = ln->v[i];

			if (a->an_lock.lock_holder != 0) {
				held++;
				simple_unlock(&a->an_lock);
			}
		}
		withhold = "D1: the kernel file leaves the anons of zero "
		    "loans locked";
		flush_trace(withhold);
		expect("D1", T_D1, ok && held == (KERNEL_FILE ? zeroa : 0),
		    "another count of anons left locked");
	} else if (strcmp(defect, "D4") == 0) {
		/* Shared anonymous memory never touched: both fail; the
		 * kernel file leaves the map (read) and the amap locked. */
		bool maplk = false;
		struct vm_map_entry *entry;

		flush_trace("D4: the kernel file fails with the map and the "
		    "amap still locked");
		if (KERNEL_FILE) {
			maplk = check_finds("map.lock", false);
			/* Put right what the failure left. */
			pr = probe(pi, va);
			if (uvm_map_lookup_entry(map_of(pi), va, &entry) &&
			    entry->aref.ar_amap != NULL &&
			    entry->aref.ar_amap->am_l.lock_holder != 0)
				amap_unlock(entry->aref.ar_amap);
			vm_map_unlock_read(map_of(pi));
			drop_trace();
		}
		expect("D4", T_D4, error == EINVAL && maplk == KERNEL_FILE,
		    "another outcome");
	} else if (strcmp(defect, "D8") == 0) {
		/* Wired pages: the native module refuses them; the kernel
		 * file panics (an anon's page lent to the kernel) or lends
		 * them. */
		flush_trace("D8: the kernel file lends wired pages");
		if (KERNEL_FILE)
			expect("D8", T_D8, c.caught ?
			    strstr(c.message, "wire_count") != NULL :
			    error == 0, c.caught ? c.message : "a failure");
		else
			expect("D8", T_D8, !c.caught && error == EINVAL,
			    "another outcome");
		end_seed("D8");
		return;
	} else if (strcmp(defect, "D6") == 0) {
		/* A page an anon borrowed from the entry's own object, lent
		 * to the kernel: the kernel file's try-lock of that object,
		 * held by its own loan, never succeeds. */
		flush_trace("D6: the kernel file tries a lock it holds");
		if (KERNEL_FILE)
			expect("D6", T_D6, c.caught && strstr(c.message,
			    "spin") != NULL, c.caught ? c.message : "no panic");
		else
			expect("D6", T_D6, !c.caught && error == 0,
			    c.caught ? c.message : "a failure");
		end_seed("D6");
		return;
	} else if (strcmp(defect, "D2") == 0) {
		flush_trace("D2: the kernel file frees the released page and "
		    "keeps the object locked");
		if (!hk.ran)
			expect("D2", T_D2, true, "");
		else if (KERNEL_FILE)
			expect("D2", T_D2, c.caught && strstr(c.message,
			    "locking against myself") != NULL,
			    c.caught ? c.message : "no panic");
		else
			expect("D2", T_D2, !c.caught, c.message);
		if (hk.ran) {
			end_seed("D2");
			return;
		}
	} else if (strcmp(defect, "D7") == 0) {
		flush_trace("D7: the kernel file keeps the object locked when "
		    "anonget gives up");
		if (!hk.ran)
			expect("D7", T_D7, true, "");
		else if (KERNEL_FILE)
			expect("D7", T_D7, c.caught && strstr(c.message,
			    "locking against myself") != NULL,
			    c.caught ? c.message : "no panic");
		else
			expect("D7", T_D7, !c.caught && error == 0, c.message);
		if (hk.ran) {
			end_seed("D7");
			return;
		}
	} else if (strcmp(defect, "D7f") == 0) {
		/* If the swap-in failed, the kernel file left the entry's
		 * object locked: the kernel build unlocks it. */
		bool failed = error != 0 && d7anon->u.an_page == NULL;
		bool held = rg->file->vmobjlock.lock_holder != 0;

		flush_trace("D7: the kernel file keeps the object locked when "
		    "anonget gives up");
		if (c.caught) {
			expect("D7", T_D7, KERNEL_FILE, c.message);
			end_seed("D7");
			return;
		}
		if (KERNEL_FILE && held)
			simple_unlock(&rg->file->vmobjlock);
		drop_trace();
		expect("D7", T_D7, held == (KERNEL_FILE && failed),
		    "another outcome");
	} else if (strcmp(defect, "D3") == 0) {
		/* The kernel file lends the object's stale page; the native
		 * module the page of the anon put in the slot. */
		bool stale = false;

		flush_trace("D3: the kernel file lends the object's stale "
		    "page");
		if (error == 0 && hk.ran && !c.caught) {
			struct vm_page *pg = ln->v[iopage];

			if (ln->flags == UVM_LOAN_TOANON)
				pg = ((struct vm_anon *)ln->v[iopage])->
				    u.an_page;
			stale = pg != hk.anon->u.an_page;
		}
		expect("D3", T_D3, !hk.ran || (error == 0 &&
		    stale == KERNEL_FILE), "another outcome");
		if (hk.ran) {
			if (error == 0)
				nloans++;
			end_seed("D3");
			return;
		}
	} else if (strcmp(defect, "D9") == 0) {
		/* Out of anons for an O->A loan: the kernel file leaves a
		 * page it read in on no paging queue (a resident page where
		 * it was); the native module puts it on the active queue
		 * (at its tail).  The kernel build does the same.  (A page
		 * read in after a first page with an anon was put on the
		 * active queue by D3's relookup: it is resident when its
		 * anon is wanted.) */
		bool unq = false, io = !pp[d9page].resident &&
		    !(d3r && d9page == iopage);
		struct vm_page *pg;

		flush_trace("D9: the kernel file leaves the page on no paging "
		    "queue, or where it was");
		if (error != 0) {
			unq = check_finds("page.unqueued", false);
			simple_lock(&rg->file->vmobjlock);
			pg = uvm_pagelookup(rg->file, probe(pi,
			    va + (vaddr_t)d9page * ps).offset);
			if (KERNEL_FILE && pg != NULL && pg->loan_count == 0) {
				uvm_lock_pageq();
				uvm_pageactivate(pg);
				uvm_unlock_pageq();
			}
			simple_unlock(&rg->file->vmobjlock);
			drop_trace();
		}
		expect("D9", T_D9, error != 0 && unq == (KERNEL_FILE && io),
		    "another outcome");
	} else if (strcmp(defect, "D3r") == 0) {
		/* The kernel file looks the range up again after the I/O:
		 * more events, the same result. */
		flush_trace("D3: the kernel file looks the range up again "
		    "after the I/O");
		tally[T_D3R]++;
	}
	print_result(ln, error);
	if (error == 0) {
		tally[T_LOAN_OK_RESULT]++;
		nloans++;
	} else
		tally[T_LOAN_FAILED]++;
}

static void
unloan(int li, bool quiet)
{
	struct loan *ln = &loans[li];
	unsigned long hooks0[NHOOKPTS], fired0;
	unsigned fp = NFP;
	int i, d5 = 0;

	if (!quiet) {
		printf("op unloan %d pages %d %s\n", li, ln->n,
		    ln->flags == UVM_LOAN_TOANON ? "toanon" : "topage");
		tally[ln->flags == UVM_LOAN_TOANON ? T_UNLOAN_ANON :
		    T_UNLOAN_PAGE]++;
	}
	hk.lock = NULL;
	if (ln->flags == UVM_LOAN_TOPAGE) {
		/* D5: an orphan an anon borrowed, returned from the kernel:
		 * the anon adopts it. */
		for (i = 0; i < ln->n; i++) {
			struct vm_page *pg = ln->v[i];

			if (pg->uobject == NULL && pg->uanon != NULL &&
			    (pg->pqflags & PQ_ANON) == 0)
				d5++;
		}
		/* The owner's lock is tried, against the lock order: an
		 * injected failure makes it retry. */
		if (!quiet && pick(4) == 0) {
			fp = NFP - 1;
			printf("failpoint %s nth 1\n", fp_names[fp]);
			tally[fp_tally[fp]]++;
			(void)uvmsim_failpoint_set(m, fp_names[fp], 1, 1);
		}
	} else if (!quiet && pick(2) == 0) {
		/* An anon whose last reference goes, holding a page it
		 * borrowed from an object: the object's lock is tried; CPU
		 * 1 holds it, and lets it go while the anon layer waits. */
		for (i = 0; i < ln->n && hk.lock == NULL; i++) {
			struct vm_anon *a = ln->v[i];
			struct vm_page *pg = a->u.an_page;

			if (a->an_ref == 1 && pg != NULL &&
			    pg->loan_count != 0 && pg->uobject != NULL)
				hk.lock = &pg->uobject->vmobjlock;
		}
		if (hk.lock != NULL) {
			(void)uvmsim_cpu_set(m, 1);
			simple_lock(hk.lock);
			(void)uvmsim_cpu_set(m, 0);
			hook_set("lock_retry", H_UNLOCK_CPU1);
		}
	}
	if (d5 > 0 && !quiet)
		printf("situation D5\n");
	hooks_count(hooks0, false);
	fired0 = fired_total();
	op_kind = ln->flags == UVM_LOAN_TOANON ? T_ADOPT_ANFREE :
	    T_ADOPT_UNLOAN;
	uvm_unloan(ln->v, ln->n, ln->flags);
	hooks_count(hooks0, true);
	tally[T_FP_FIRED] += fired_total() - fired0;
	if (fp < NFP)
		(void)uvmsim_failpoint_set(m, fp_names[fp], 0, 0);
	(void)uvmsim_hook_set(m, "lock_retry", NULL, NULL);
	if (hk.lock != NULL && hk.lock->lock_holder != 0) {
		/* The hook did not run: CPU 1 lets go now. */
		(void)uvmsim_cpu_set(m, 1);
		simple_unlock(hk.lock);
		(void)uvmsim_cpu_set(m, 0);
	}
	tally[T_ADOPT_UNLOAN] += (unsigned long)d5;
	if (d5 > 0) {
		/* The adoptions are not counted in anonpages by the kernel
		 * file: the checker says so; the kernel build counts them. */
		bool off = check_finds("uvmexp.anonpages", false);

		if (KERNEL_FILE && off)
			uvmsim_uvmexp(m)->anonpages += d5;
		flush_trace(NULL);
		if (!quiet)
			expect("D5", T_D5, off == KERNEL_FILE,
			    "another count of anon pages");
	} else
		flush_trace(NULL);
	loans[li] = loans[--nloans];
}

/* FNV-1a over every frame's bytes, a word at a time. */
static uint64_t
frames_hash(void)
{
	uint64_t h = 0xcbf29ce484222325ULL, w;
	const uint8_t *d;
	size_t i, j;

	for (i = 0; i < uvmsim_npages(m); i++) {
		d = uvmsim_page_data(m, uvmsim_page(m, i));
		for (j = 0; j < ps; j += sizeof(w)) {
			memcpy(&w, d + j, sizeof(w));
			h = (h ^ w) * 0x100000001b3ULL;
		}
	}
	return h;
}

static void
run(uint64_t seed)
{
	struct uvmsim_config cfg;
	int i, error;
	unsigned c;

	printf("seed %" PRIu64 "\n", seed);
	uvmsim_config_init(&cfg);
	cfg.npages = NPAGES;
	cfg.ncpus = 2;
	cfg.seed = seed;
	cfg.trace = UVMSIM_TRACE_ALL | UVMSIM_TRACE_LOCK;
	cfg.trace_ring = 0;
	cfg.loan = "1.39";
	cfg.check_loan_locks = 1;
	cfg.swap_slots = NSWAP;
	cfg.uvm_wait = UVMSIM_WAIT_PAGEDAEMON;
	error = uvmsim_machine_create(&cfg, &m);
	if (error != 0)
		die("uvmsim_machine_create", error);
	uvmsim_set_panic_handler(m, on_panic, NULL);
	uvmsim_trace_callback(m, on_event, NULL);
	if (uvmsim_hook_set(m, "uvm_wait", hook_wait, NULL) != 0)
		die("uvmsim_hook_set", EINVAL);
	uvmsim_machine_enter(m);
	ps = uvmsim_page_size(m);
	rng = seed;
	memset(procs, 0, sizeof(procs));
	nloans = nfiles = 0;
	ended = false;
	error = uvmsim_proc_create(m, &procs[0].p);
	flush_trace(NULL);
	if (error != 0)
		die("uvmsim_proc_create", error);

	for (i = 0; i < NOPS && !ended; i++) {
		c = pick(100);
		if (c < 20)
			op_access(1);
		else if (c < 28)
			op_access(0);
		else if (c < 53)
			op_loan();
		else if (c < 65) {
			if (nloans > 0)
				unloan((int)pick((unsigned)nloans), false);
		} else if (c < 76)
			op_map();
		else if (c < 80)
			op_unmap();
		else if (c < 84)
			op_fork();
		else if (c < 87)
			op_exit();
		else if (c < 88)
			op_wire();
		else if (c < 91)
			op_slot();
		else if (c < 95)
			op_flush();
		else
			op_pdaemon();
		if (!ended)
			check();
	}
	if (ended) {
		/* The two machines differ: destroyed, not compared. */
		uvmsim_trace_callback(m, NULL, NULL);
		ntl = 0;
		printf("end seed %" PRIu64 "\n", seed);
		uvmsim_machine_leave(m);
		uvmsim_machine_destroy(m);
		return;
	}
	printf("frames %016" PRIx64 "\n", frames_hash());

	while (nloans > 0)
		unloan(nloans - 1, true);
	for (i = MAXPROC - 1; i >= 0; i--)
		if (procs[i].p != NULL)
			uvmsim_proc_exit(m, procs[i].p);
	for (i = 0; i < nfiles; i++)
		files[i]->pgops->pgo_detach(files[i]);
	flush_trace(NULL);
	check();
	printf("end seed %" PRIu64 " free %d\n", seed,
	    uvmsim_uvmexp(m)->free);
	uvmsim_trace_callback(m, NULL, NULL);
	uvmsim_machine_leave(m);
	uvmsim_machine_destroy(m);
}

int
main(int argc, char **argv)
{
	unsigned long long first, last, s;
	char *end;
	int t;

	if (argc != 3) {
		fprintf(stderr, "usage: loan_diff FIRST LAST\n");
		return 64;
	}
	first = strtoull(argv[1], &end, 10);
	if (*argv[1] == '\0' || *end != '\0') {
		fprintf(stderr, "loan_diff: FIRST: \"%s\" is not a seed\n",
		    argv[1]);
		return 64;
	}
	last = strtoull(argv[2], &end, 10);
	if (*argv[2] == '\0' || *end != '\0' || last < first) {
		fprintf(stderr, "loan_diff: LAST: \"%s\" is not a seed at or "
		    "after FIRST\n", argv[2]);
		return 64;
	}
	for (s = first; s <= last; s++)
		run(s);
	for (t = 0; t < T_N; t++)
		printf("tally %s: %lu\n", tally_name[t], tally[t]);
	free(tl);
	if (failures > 0) {
		printf("loan_diff: %d outcome(s) not as expected\n", failures);
		return 1;
	}
	return 0;
}
