/*
 * loan_diff.c: the differential test of the loan modules: seeded random
 * sequences of map, fork, store, load, loan (to the kernel and to anons),
 * unloan, unmap and exit, run on one machine per seed, printing each
 * operation, the machine's trace (text sink) and, at the end, a hash of
 * every frame's contents and what the checker found.
 *
 * The same source is built against libuvmsim (the native loan module, in
 * 1.39's behaviour) and against libuvmsim_kernloan (NetBSD's uvm_loan.c);
 * loan_diff.sh runs both over a range of seeds and compares the outputs
 * line by line.  The native module emits no trace events of its own, so
 * the two outputs are the same as long as both modules make the same
 * calls into the layers below, in the same order, with the same results.
 *
 * What is compared: every operation and its result (the frames or anon
 * ids lent), every trace event, the checker's findings after every
 * operation, and the frames' contents at the end.
 *
 * Situations kept out of the sequences, because the two modules are known
 * to differ there (tests/conformance/EXPECTED-DIFFERENCES.md):
 *   - zero loans to anons (untouched private anonymous memory lent with
 *     UVM_LOAN_TOANON, D1): a page about to be lent to an anon that has
 *     nothing behind it is written first (an operation of its own, in the
 *     output);
 *   - a loan whose first page has an anon and whose later pages must be
 *     read from their file (D3: the kernel file checks the first page's
 *     amap slot after the I/O, finds the anon, and looks the range up
 *     again, a lookup the native module does not make): those later
 *     pages are read (loaded) first, an operation of its own;
 *   - anon loans of shared file mappings (an orphan that its borrowing
 *     anon adopts at unloan, D5): such loans go to the kernel instead;
 *     and no file lets go of its pages before the end, when every loan is
 *     back;
 *   - shared anonymous memory (D4), wired pages (D8), lock-drop hooks (D2,
 *     D3, D7), amap slots filled by hand (D6): never made;
 *   - failpoints and memory shortage (EAGAIN, uvm_wait): none are armed,
 *     and the machine has room for every sequence.
 *
 * Usage: loan_diff FIRST LAST	(seeds FIRST..LAST)
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <uvmsim/uvmsim.h>

#define NPAGES		384	/* frames per machine */
#define MAXPROC		4	/* processes alive at once */
#define NREGION		4	/* region slots per process */
#define RPAGES		4	/* pages per region, at most */
#define MAXLOANS	12	/* loans outstanding at once */
#define MAXFILES	64	/* files made per sequence, at most */
#define NOPS		48	/* operations per sequence */

#define REGION_VA(r)	(0x400000UL + (vaddr_t)(r) * 0x100000UL)

enum kind { R_NONE, R_ANON, R_FILE_PRIVATE, R_FILE_SHARED };
static const char *const kind_name[] = { "none", "anon", "file-private",
    "file-shared" };

struct region {
	enum kind	kind;
	int		npages;
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

static struct uvmsim_machine *m;
static size_t ps;
static uint64_t rng;
static struct dproc procs[MAXPROC];
static struct loan loans[MAXLOANS];
static int nloans;
static struct uvm_object *files[MAXFILES];
static int nfiles;

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

static void
die(const char *what, int error)
{
	printf("error: %s: %s: %s\n", what, uvmsim_strerror(error),
	    uvmsim_last_error());
	fflush(stdout);
	exit(2);
}

static void
on_panic(struct uvmsim_machine *mm, const char *msg, void *arg)
{
	(void)mm;
	(void)arg;
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

/* Whether the page at va of process slot pi has an anon behind it. */
static int
has_anon(int pi, vaddr_t va)
{
	struct vm_map *map = map_of(pi);
	struct vm_map_entry *entry;
	struct vm_anon *anon = NULL;

	vm_map_lock_read(map);
	if (uvm_map_lookup_entry(map, va, &entry) &&
	    entry->aref.ar_amap != NULL) {
		amap_lock(entry->aref.ar_amap);
		anon = amap_lookup(&entry->aref, va - entry->start);
		amap_unlock(entry->aref.ar_amap);
	}
	vm_map_unlock_read(map);
	return anon != NULL;
}

static void
op_store(int pi, vaddr_t va, uint64_t val)
{
	int error;

	printf("op store pid %d va %#" PRIx64 " val %#" PRIx64 "\n",
	    (int)procs[pi].p->p_pid, (uint64_t)va, val);
	error = uvmsim_store(m, 0, procs[pi].p->p_vmspace, va, 8, val);
	printf("-> %d\n", error);
}

static void
op_load(int pi, vaddr_t va)
{
	uint64_t val = 0;
	int error;

	printf("op load pid %d va %#" PRIx64 "\n", (int)procs[pi].p->p_pid,
	    (uint64_t)va);
	error = uvmsim_load(m, 0, procs[pi].p->p_vmspace, va, 8, &val);
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
	int pi = pick_proc(), r, i, flags, error;
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
	rg->kind = (enum kind)(1 + pick(3));
	rg->npages = 1 + (int)pick(RPAGES);
	printf("op map pid %d region %d %s pages %d\n",
	    (int)procs[pi].p->p_pid, r, kind_name[rg->kind], rg->npages);
	flags = UVM_FLAG_FIXED;
	if (rg->kind != R_FILE_SHARED)
		flags |= UVM_FLAG_COPYONW;
	if (rg->kind != R_ANON) {
		/* The file keeps our reference until the end: it lets go of
		 * no page while a loan may hold one (D5). */
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
	va = REGION_VA(r);
	error = uvm_map(map_of(pi), &va, (vsize_t)rg->npages * ps, f,
	    f != NULL ? 0 : UVM_UNKNOWN_OFFSET, 0,
	    UVM_MAPFLAG(VM_PROT_READ | VM_PROT_WRITE, VM_PROT_ALL,
	    UVM_INH_COPY, UVM_ADV_NORMAL, flags));
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
	uvm_unmap(map_of(pi), REGION_VA(r),
	    REGION_VA(r) + (vaddr_t)rg->npages * ps);
	rg->kind = R_NONE;
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
	uvmsim_proc_exit(m, procs[pi].p);
	memset(&procs[pi], 0, sizeof(procs[pi]));
}

static void
op_loan(void)
{
	int pi = pick_proc(), r, first, i, error;
	struct region *rg;
	struct loan *ln;
	vaddr_t va;

	if (pi < 0 || (r = pick_region(pi)) < 0 || nloans == MAXLOANS)
		return;
	rg = &procs[pi].reg[r];
	ln = &loans[nloans];
	first = (int)pick((unsigned)rg->npages);
	ln->n = 1 + (int)pick((unsigned)(rg->npages - first));
	ln->flags = pick(2) ? UVM_LOAN_TOANON : UVM_LOAN_TOPAGE;
	if (rg->kind == R_FILE_SHARED)
		ln->flags = UVM_LOAN_TOPAGE;		/* not D5 */
	va = REGION_VA(r) + (vaddr_t)first * ps;
	if (ln->flags == UVM_LOAN_TOANON && rg->kind == R_ANON) {
		for (i = 0; i < ln->n; i++)		/* not D1 */
			if (!has_anon(pi, va + (vaddr_t)i * ps))
				op_store(pi, va + (vaddr_t)i * ps, rnd());
	}
	if (rg->kind != R_ANON && has_anon(pi, va)) {
		for (i = 1; i < ln->n; i++)		/* not D3 */
			if (!has_anon(pi, va + (vaddr_t)i * ps))
				op_load(pi, va + (vaddr_t)i * ps);
	}
	printf("op loan pid %d va %#" PRIx64 " pages %d %s\n",
	    (int)procs[pi].p->p_pid, (uint64_t)va, ln->n,
	    ln->flags == UVM_LOAN_TOANON ? "toanon" : "topage");
	error = uvm_loan(map_of(pi), va, (vsize_t)ln->n * ps, ln->v,
	    ln->flags);
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
		nloans++;
	}
	printf("\n");
}

static void
unloan(int li)
{
	struct loan *ln = &loans[li];

	printf("op unloan %d pages %d %s\n", li, ln->n,
	    ln->flags == UVM_LOAN_TOANON ? "toanon" : "topage");
	uvm_unloan(ln->v, ln->n, ln->flags);
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
	cfg.seed = seed;
	cfg.trace_ring = 0;
	cfg.loan = "1.39";
	error = uvmsim_machine_create(&cfg, &m);
	if (error != 0)
		die("uvmsim_machine_create", error);
	uvmsim_set_panic_handler(m, on_panic, NULL);
	uvmsim_trace_text(m, stdout);
	uvmsim_machine_enter(m);
	ps = uvmsim_page_size(m);
	rng = seed;
	memset(procs, 0, sizeof(procs));
	nloans = nfiles = 0;
	error = uvmsim_proc_create(m, &procs[0].p);
	if (error != 0)
		die("uvmsim_proc_create", error);

	for (i = 0; i < NOPS; i++) {
		c = pick(100);
		if (c < 25)
			op_access(1);
		else if (c < 35)
			op_access(0);
		else if (c < 60)
			op_loan();
		else if (c < 74) {
			if (nloans > 0)
				unloan((int)pick((unsigned)nloans));
		} else if (c < 86)
			op_map();
		else if (c < 92)
			op_unmap();
		else if (c < 97)
			op_fork();
		else
			op_exit();
		check();
	}
	printf("frames %016" PRIx64 "\n", frames_hash());

	while (nloans > 0)
		unloan(nloans - 1);
	for (i = MAXPROC - 1; i >= 0; i--)
		if (procs[i].p != NULL)
			uvmsim_proc_exit(m, procs[i].p);
	for (i = 0; i < nfiles; i++)
		files[i]->pgops->pgo_detach(files[i]);
	check();
	printf("end seed %" PRIu64 " free %d\n", seed,
	    uvmsim_uvmexp(m)->free);
	uvmsim_trace_text(m, NULL);
	uvmsim_machine_leave(m);
	uvmsim_machine_destroy(m);
}

int
main(int argc, char **argv)
{
	unsigned long long first, last, s;
	char *end;

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
	return 0;
}
