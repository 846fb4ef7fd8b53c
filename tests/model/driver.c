/*
 * driver.c: random operations on uvmsim and on the reference model, side
 * by side, compared after every step; shrinking a failing run; printing
 * it as C.
 *
 * A run (model_run) makes a machine from the options (architecture,
 * loan behaviour, two CPUs), two files of MODEL_FILEPG pages holding
 * model_file_byte's pattern, and one process, and the same in the
 * model.  Each operation is interpreted against the current state
 * (interpret), applied to both (exec_op), and its results compared:
 * the error code, uvmsim_last_segv's error and address after a failed
 * access, the bytes a load or copyin read.  Then every page of the
 * layout of every process is compared (compare_all) through
 * uvmsim_probe, which changes nothing: the entry's presence, protection,
 * inheritance and wiring, whether an anon is behind a private page, and
 * the bytes of the page a fault would map (the anon's or the object's
 * resident page; the store's bytes for a file page not resident; zeros
 * for untouched anonymous memory); every file's pages (resident, or
 * the store) and its store; every loan's pages against the snapshot
 * taken when it was made; and uvmsim_check() must be clean.  A panic is
 * caught (UVMSIM_CATCH) and is a failure too.
 *
 * The layout: MODEL_NSLOTS slots of MODEL_SLOTPG pages, from the first
 * address above the machine's lowest user address aligned to a slot,
 * with the machine's own page size; nothing here assumes a page size
 * or an address range.
 *
 * Failpoints (OP_FAIL): a point is armed for one access or loan, then
 * disarmed.  If it fired, the documented outcome is checked: an
 * allocation failure (uvm_pagealloc, uvm_analloc, amap_alloc) fails the
 * access with EFAULT and a fault error of ENOMEM, a pager error
 * (pgo_get.eio) with EIO, and a loan with EINVAL; a transient shortage
 * (pgo_get.eagain), a locked get that needs I/O (pgo_get.io) or a
 * failed try-lock are retried and change nothing.  A copy that failed
 * part way has done its pages before the failing one (the model applies
 * those), and where uvmsim_probe shows the failed fault kept an anon
 * (as 1.6 keeps it for the retry), the model makes the same.
 *
 * The page daemon (OP_PAGEDAEMON) runs with a shortage made for it
 * (do_pagedaemon), on a machine with swap: anons go to swap and come
 * back on the next access, files' dirty pages go to their stores (so a
 * store may become what the file holds between two comparisons).
 *
 * Shrinking (model_shrink) is delta debugging over the operation list:
 * the list is cut after the failing step, then chunks (halves, quarters,
 * ...) are removed while the rest still fails with the same class of
 * failure, then single operations; each try is a fresh run.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "model.h"

#define NCPUS		2
#define NFRAMES		384
#define NSWAP		512

struct run {
	const struct model_opts *o;
	struct uvmsim_machine *m;
	struct model	md;
	size_t		ps;
	vaddr_t		base;
	FILE		*c;		/* C statements, or NULL */
	struct model_failure *f;
	bool		failed;
	size_t		step;
	uint8_t		*buf, *buf2;	/* 2 pages each */
	bool		anomaly;	/* a failpoint armed from outside */
	bool		dead;		/* anomaly: setup failed, no op runs */
};

static void	check(struct run *, const char *);

static const char *const opnames[OP_NKINDS] = {
	"map", "unmap", "protect", "inherit", "wire", "unwire", "fork",
	"exit", "spawn", "read", "write", "copyin", "copyout", "loan",
	"unloan", "flush", "failpoint", "pagedaemon",
};

const char *
model_opname(unsigned kind)
{
	return kind < OP_NKINDS ? opnames[kind] : "?";
}

/* ---- random numbers: splitmix64, the driver's own ---------------------- */

static uint64_t
rnd(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* Weights of the kinds, in enum order. */
static const unsigned weights[OP_NKINDS] = {
	[OP_MAP] = 10, [OP_UNMAP] = 3, [OP_PROTECT] = 6, [OP_INHERIT] = 4,
	[OP_WIRE] = 4, [OP_UNWIRE] = 3, [OP_FORK] = 5, [OP_EXIT] = 3,
	[OP_SPAWN] = 1, [OP_READ] = 14, [OP_WRITE] = 16, [OP_COPYIN] = 5,
	[OP_COPYOUT] = 7, [OP_LOAN] = 7, [OP_UNLOAN] = 5, [OP_FLUSH] = 5,
	[OP_FAIL] = 5, [OP_PAGEDAEMON] = 3,
};

void
model_generate(const struct model_opts *o, struct model_op **opsp)
{
	struct model_op *ops;
	uint64_t s = o->seed * 0x2545f4914f6cdd1dULL + 1, x;
	unsigned total = 0, k, j;
	size_t i;

	for (k = 0; k < OP_NKINDS; k++)
		total += weights[k];
	ops = calloc(o->nops ? o->nops : 1, sizeof(*ops));
	if (ops == NULL)
		abort();
	for (i = 0; i < o->nops; i++) {
		x = rnd(&s) % total;
		for (k = 0; x >= weights[k]; k++)
			x -= weights[k];
		ops[i].kind = (uint8_t)k;
		for (j = 0; j < 6; j++)
			ops[i].r[j] = (uint32_t)rnd(&s);
		ops[i].val = rnd(&s);
	}
	*opsp = ops;
}

/* ---- failures and C output --------------------------------------------- */

static void
fail(struct run *r, const char *what, const char *fmt, ...)
{
	va_list ap;

	if (r->failed)
		return;
	r->failed = true;
	r->f->step = r->step;
	snprintf(r->f->what, sizeof(r->f->what), "%s", what);
	va_start(ap, fmt);
	vsnprintf(r->f->detail, sizeof(r->f->detail), fmt, ap);
	va_end(ap);
	if (r->o->verbose)
		fprintf(stderr, "model: step %zu: %s: %s\n", r->step, what,
		    r->f->detail);
}

static void
emit(struct run *r, const char *fmt, ...)
{
	va_list ap;

	if (r->c == NULL)
		return;
	fputc('\t', r->c);
	va_start(ap, fmt);
	vfprintf(r->c, fmt, ap);
	va_end(ap);
	fputc('\n', r->c);
}

static const char *
errname(int e)
{
	switch (e) {
	case 0: return "0";
	case EFAULT: return "EFAULT";
	case EACCES: return "EACCES";
	case EINVAL: return "EINVAL";
	case ENOMEM: return "ENOMEM";
	case ENOENT: return "ENOENT";
	case EIO: return "EIO";
	case EAGAIN: return "EAGAIN";
	default: return "?";
	}
}

static const char *
protname(int prot)
{
	static const char *const n[8] = {
		"VM_PROT_NONE", "VM_PROT_READ", "VM_PROT_WRITE",
		"VM_PROT_READ | VM_PROT_WRITE", "VM_PROT_EXECUTE",
		"VM_PROT_READ | VM_PROT_EXECUTE",
		"VM_PROT_WRITE | VM_PROT_EXECUTE", "VM_PROT_ALL",
	};

	return n[prot & 7];
}

static const char *
inhname(int inh, bool uvmflag)
{
	switch (inh) {
	case MAP_INHERIT_SHARE: return uvmflag ? "UVM_INH_SHARE" :
	    "MAP_INHERIT_SHARE";
	case MAP_INHERIT_COPY: return uvmflag ? "UVM_INH_COPY" :
	    "MAP_INHERIT_COPY";
	default: return uvmflag ? "UVM_INH_NONE" : "MAP_INHERIT_NONE";
	}
}

static const char *
flushname(int flags)
{
	static char b[64];

	b[0] = '\0';
	if (flags & PGO_CLEANIT)
		strcat(b, "PGO_CLEANIT | ");
	if (flags & PGO_FREE)
		strcat(b, "PGO_FREE | ");
	if (flags & PGO_DEACTIVATE)
		strcat(b, "PGO_DEACTIVATE | ");
	b[strlen(b) - 3] = '\0';
	return b;
}

/* ---- the machine -------------------------------------------------------- */

static vaddr_t
va_of(struct run *r, int pg)
{
	return r->base + (vaddr_t)pg * r->ps;
}

static struct vm_map *
map_of(struct mproc *mp)
{
	return &mp->p->p_vmspace->vm_map;
}

static int
run_begin(struct run *r)
{
	struct uvmsim_config cfg;
	const struct uvmsim_vmparam *vp;
	vaddr_t span;
	size_t size;
	struct mproc *mp;
	int f, err;

	uvmsim_config_init(&cfg);
	cfg.npages = NFRAMES;
	cfg.ncpus = NCPUS;
	cfg.seed = r->o->seed;
	cfg.arch = r->o->arch;
	cfg.loan = r->o->loan;
	cfg.trace = 0;
	cfg.trace_ring = 0;
	cfg.tlb_entries = 16;
	cfg.tlb_ways = 2;
	cfg.swap_slots = NSWAP;
	if (r->anomaly && strcmp(r->o->fail_point, "host_alloc") == 0) {
		cfg.fail_host_alloc = r->o->fail_nth;
		cfg.fail_host_alloc_count = r->o->fail_count;
	}
	if (uvmsim_machine_create(&cfg, &r->m) != 0)
		return -1;
	uvmsim_machine_enter(r->m);
	if (r->anomaly && strcmp(r->o->fail_point, "host_alloc") != 0 &&
	    uvmsim_failpoint_set(r->m, r->o->fail_point, r->o->fail_nth,
	    r->o->fail_count) != 0)
		abort();
	r->ps = uvmsim_page_size(r->m);
	vp = uvmsim_vmparam(r->m);
	span = (vaddr_t)MODEL_SLOTPG * r->ps;
	r->base = (vp->user_min + span) / span * span;
	if (r->base + (vaddr_t)MODEL_NPG * r->ps > vp->user_max)
		abort();
	model_init(&r->md, r->ps, strcmp(uvmsim_loan_behaviour(r->m),
	    "modern") == 0);
	r->md.inject = r->o->inject;
	r->buf = calloc(2, r->ps);
	r->buf2 = calloc(2, r->ps);
	if (r->buf == NULL || r->buf2 == NULL)
		abort();
	size = MODEL_FILEPG * r->ps;
	emit(r, "struct uvmsim_config cfg;");
	emit(r, "struct uvmsim_machine *m;");
	emit(r, "struct uvm_object *f[%d];", MODEL_NFILES);
	emit(r, "uint8_t *buf = calloc(1, %#zx);", size);
	emit(r, "uint64_t v;");
	emit(r, "vaddr_t va;");
	emit(r, "size_t i;");
	emit(r, "");
	emit(r, "uvmsim_config_init(&cfg);");
	emit(r, "cfg.npages = %d;", NFRAMES);
	emit(r, "cfg.ncpus = %d;", NCPUS);
	emit(r, "cfg.seed = %" PRIu64 ";", r->o->seed);
	emit(r, "cfg.arch = \"%s\";", r->o->arch ? r->o->arch :
	    uvmsim_arch_name(0));
	emit(r, "cfg.loan = \"%s\";", uvmsim_loan_behaviour(r->m));
	emit(r, "cfg.tlb_entries = 16;");
	emit(r, "cfg.tlb_ways = 2;");
	emit(r, "cfg.swap_slots = %d;", NSWAP);
	emit(r, "assert_int_equal(uvmsim_machine_create(&cfg, &m), 0);");
	emit(r, "uvmsim_machine_enter(m);");
	for (f = 0; f < MODEL_NFILES; f++) {
		if ((err = uvmsim_file_create(r->m, size,
		    &r->md.files[f].uobj)) != 0) {
			/* Only an injected failure, and then no op runs. */
			if (!r->anomaly || err != ENOMEM)
				abort();
			r->md.files[f].uobj = NULL;
			r->dead = true;
			return 0;
		}
		if (uvmsim_file_write(r->m, r->md.files[f].uobj, 0,
		    r->md.files[f].logical, size) != 0) {
			if (!r->anomaly)
				abort();
			r->dead = true;
			return 0;
		}
		emit(r, "for (i = 0; i < %#zx; i++)", size);
		emit(r, "\tbuf[i] = (uint8_t)(i * 131 + (i >> 9) + %d * 77 + "
		    "1);", f);
		emit(r, "assert_int_equal(uvmsim_file_create(m, %#zx, &f[%d]), "
		    "0);", size, f);
		emit(r, "assert_int_equal(uvmsim_file_write(m, f[%d], 0, buf, "
		    "%#zx), 0);", f, size);
	}
	mp = model_proc_new(&r->md);
	if (uvmsim_proc_create(r->m, &mp->p) != 0) {
		if (!r->anomaly)
			abort();
		mp->p = NULL;
		model_exit(&r->md, mp);
		r->dead = true;
		return 0;
	}
	emit(r, "struct proc *p%d;", mp->id);
	emit(r, "assert_int_equal(uvmsim_proc_create(m, &p%d), 0);", mp->id);
	return 0;
}

/* teardown: with the run clean so far, write every file back and
 * compare the stores; then return the loans, end the processes and
 * let go of the files. */
static void
teardown(struct run *r)
{
	struct mloan *l;
	struct uvm_object *u;
	size_t size = MODEL_FILEPG * r->ps;
	uint8_t *b;
	int f;

	{
		for (f = 0; f < MODEL_NFILES && !r->failed && !r->anomaly;
		    f++) {
			u = r->md.files[f].uobj;
			emit(r, "simple_lock(&f[%d]->vmobjlock);", f);
			emit(r, "assert_int_equal(f[%d]->pgops->pgo_put(f[%d], 0, "
			    "%#zx, PGO_CLEANIT), 0);", f, f, size);
			simple_lock(&u->vmobjlock);
			if (u->pgops->pgo_put(u, 0, (voff_t)size,
			    PGO_CLEANIT) != 0)
				fail(r, "end", "file %d: pgo_put failed", f);
			model_flush(&r->md, f, 0, MODEL_FILEPG, PGO_CLEANIT);
			b = r->buf2;
			for (size_t off = 0; off < size && !r->failed;
			    off += r->ps) {
				(void)uvmsim_file_read(r->m, u, off, b, r->ps);
				if (memcmp(b, r->md.files[f].store + off,
				    r->ps) != 0)
					fail(r, "store", "at the end, file %d "
					    "page %zu's store differs", f,
					    off / r->ps);
			}
		}
		while (r->md.nloans > 0) {
			l = r->md.loans[r->md.nloans - 1];
			emit(r, "uvm_unloan(%s%d, %d, %s);", l->toanon ? "al" :
			    "kl", l->id, l->n, l->toanon ? "UVM_LOAN_TOANON" :
			    "UVM_LOAN_TOPAGE");
			uvm_unloan(l->lent, l->n, l->toanon ?
			    UVM_LOAN_TOANON : UVM_LOAN_TOPAGE);
			model_unloan(&r->md, r->md.nloans - 1);
		}
		while (r->md.nprocs > 0) {
			emit(r, "uvmsim_proc_exit(m, p%d);",
			    r->md.procs[r->md.nprocs - 1]->id);
			uvmsim_proc_exit(r->m, r->md.procs[r->md.nprocs - 1]->p);
			model_exit(&r->md, r->md.procs[r->md.nprocs - 1]);
		}
		for (f = 0; f < MODEL_NFILES; f++) {
			if ((u = r->md.files[f].uobj) == NULL)
				continue;
			emit(r, "f[%d]->pgops->pgo_detach(f[%d]);", f, f);
			u->pgops->pgo_detach(u);
		}
	}
}

/* run_end: take everything apart (teardown), check that nothing is
 * left, and destroy the machine. */
static void
run_end(struct run *r)
{
	struct uvmsim_catch c;

	UVMSIM_CATCH(r->m, &c, teardown(r));
	if (c.caught)
		fail(r, "panic", "at the end: %s", c.message);
	else if (!r->failed)
		check(r, "at the end");
	if (r->anomaly) {
		struct uvmexp *ux = uvmsim_uvmexp(r->m);
		struct uvm_object *z = uvmsim_loan_zero_object(r->m);

		/* The modern zero page is the kernel's own, kept. */
		r->f->left_inuse = ux->npages - ux->free -
		    (z != NULL ? z->uo_npages : 0);
		r->f->left_anons = ux->nanon - ux->nfreeanon;
		r->f->left_swap = ux->swpginuse;
		r->f->hits = strcmp(r->o->fail_point, "host_alloc") == 0 ?
		    uvmsim_failpoint_hits(r->m, r->o->fail_point) :
		    uvmsim_failpoint_since_armed(r->m, r->o->fail_point, NULL);
		r->f->fired = uvmsim_failpoint_fired(r->m, r->o->fail_point);
	}
	else if (!r->failed && uvmsim_uvmexp(r->m)->nanon !=
	    uvmsim_uvmexp(r->m)->nfreeanon)
		fail(r, "leak", "at the end: %d anons of %d not free",
		    uvmsim_uvmexp(r->m)->nanon - uvmsim_uvmexp(r->m)->nfreeanon,
		    uvmsim_uvmexp(r->m)->nanon);
	model_free(&r->md);
	uvmsim_machine_leave(r->m);
	uvmsim_machine_destroy(r->m);
	free(r->buf);
	free(r->buf2);
}

/* ---- comparing everything --------------------------------------------- */

/* check: uvmsim_check() must find nothing; the first problem named. */
static void
check(struct run *r, const char *when)
{
	struct uvmsim_report rep;
	const struct uvmsim_problem *pb;

	memset(&rep, 0, sizeof(rep));
	if (uvmsim_check(r->m, &rep) != 0) {
		pb = rep.count > 0 ? &rep.problems[0] : NULL;
		fail(r, "check", "%s: uvmsim_check: %zu problems, the first: "
		    "%s %s %s: %s", when, rep.count + rep.dropped,
		    pb ? pb->invariant : "?", pb ? pb->object : "",
		    pb ? pb->field : "", pb ? pb->detail : "");
	}
	uvmsim_report_free(&rep);
}

static const uint8_t *
actual_page(struct run *r, const struct uvmsim_probe *pr, uint8_t *tmp)
{
	if (pr->page != NULL)
		return uvmsim_page_data(r->m, pr->page);
	if (pr->anon != NULL)
		return NULL;		/* not resident: not compared */
	if (pr->uobj != NULL) {
		if (uvmsim_file_read(r->m, pr->uobj, (size_t)pr->offset, tmp,
		    r->ps) != 0)
			return NULL;
		return tmp;
	}
	memset(tmp, 0, r->ps);
	return tmp;
}

static size_t
first_diff(const uint8_t *a, const uint8_t *b, size_t n)
{
	size_t i;

	for (i = 0; i < n && a[i] == b[i]; i++)
		;
	return i;
}

static void
content_fail(struct run *r, struct mproc *mp, int pg, const uint8_t *want,
    const uint8_t *got)
{
	size_t k = first_diff(want, got, r->ps), w = k & ~(size_t)7;
	uint64_t v;

	memcpy(&v, want + w, 8);
	fail(r, "content", "p%d page at va %#jx: byte %#zx is %#x, the model "
	    "has %#x", mp->id, (uintmax_t)va_of(r, pg), k, got[k], want[k]);
	if (mp->pg[pg].prot & VM_PROT_READ)
		snprintf(r->f->assert_c, sizeof(r->f->assert_c),
		    "assert_int_equal(uvmsim_load(m, 0, p%d->p_vmspace, %#jx, "
		    "8, &v), 0);\n\tassert_int_equal(v, %#" PRIx64 ");",
		    mp->id, (uintmax_t)(va_of(r, pg) + w), v);
}

static void
compare_proc(struct run *r, struct mproc *mp)
{
	struct uvmsim_probe pr;
	struct mpage *p;
	const uint8_t *want, *got;
	int i, ea, eb;

	for (i = 0; i < MODEL_NPG && !r->failed; i++) {
		p = &mp->pg[i];
		if (uvmsim_probe(r->m, mp->p->p_vmspace, va_of(r, i), &pr) != 0) {
			fail(r, "probe", "p%d va %#jx: %s", mp->id,
			    (uintmax_t)va_of(r, i), uvmsim_last_error());
			return;
		}
		if (pr.entry != p->mapped) {
			fail(r, "map", "p%d va %#jx: %s, the model has it %s",
			    mp->id, (uintmax_t)va_of(r, i), pr.entry ?
			    "mapped" : "not mapped", p->mapped ? "mapped" :
			    "not");
			return;
		}
		if (!p->mapped)
			continue;
		if (pr.protection != p->prot || pr.max_protection !=
		    p->maxprot || pr.inheritance != p->inh ||
		    (pr.wired_count > 0) != (p->wired > 0)) {
			fail(r, "entry", "p%d va %#jx: protection %#x/%#x "
			    "inheritance %d wired %d; the model has %#x/%#x, "
			    "%d, %d", mp->id, (uintmax_t)va_of(r, i),
			    pr.protection, pr.max_protection, pr.inheritance,
			    pr.wired_count, p->prot, p->maxprot, p->inh,
			    p->wired);
			return;
		}
		if ((pr.anon != NULL) != (p->kind != MK_FSHARED &&
		    p->slot->anon != NULL)) {
			fail(r, "anon", "p%d va %#jx: %s anon, the model %s",
			    mp->id, (uintmax_t)va_of(r, i), pr.anon ? "an" :
			    "no", pr.anon ? "none" : "one");
			return;
		}
		model_entry(mp, i, &ea, &eb);
		if (pr.start != va_of(r, ea) || pr.end != va_of(r, eb)) {
			fail(r, "entry", "p%d va %#jx: in the entry [%#jx, "
			    "%#jx), the model's [%#jx, %#jx)", mp->id,
			    (uintmax_t)va_of(r, i), (uintmax_t)pr.start,
			    (uintmax_t)pr.end, (uintmax_t)va_of(r, ea),
			    (uintmax_t)va_of(r, eb));
			return;
		}
		want = model_page_bytes(&r->md, p);
		got = actual_page(r, &pr, r->buf2);
		if (got != NULL && memcmp(want, got, r->ps) != 0) {
			content_fail(r, mp, i, want, got);
			return;
		}
	}
}

static void
compare_all(struct run *r)
{
	struct mfile *mf;
	struct mloan *l;
	struct vm_page *pg;
	struct vm_anon *an;
	const uint8_t *got;
	size_t off, k;
	int i, j;

	for (i = 0; i < r->md.nprocs && !r->failed; i++)
		compare_proc(r, r->md.procs[i]);
	for (i = 0; i < MODEL_NFILES && !r->failed; i++) {
		mf = &r->md.files[i];
		for (j = 0; j < MODEL_FILEPG && !r->failed; j++) {
			off = (size_t)j * r->ps;
			simple_lock(&mf->uobj->vmobjlock);
			pg = uvm_pagelookup(mf->uobj, (voff_t)off);
			simple_unlock(&mf->uobj->vmobjlock);
			(void)uvmsim_file_read(r->m, mf->uobj, off, r->buf2,
			    r->ps);
			/* The page daemon writes dirty pages back when it
			 * likes: a store may have become what the file
			 * holds. */
			if (memcmp(r->buf2, mf->store + off, r->ps) != 0 &&
			    memcmp(r->buf2, mf->logical + off, r->ps) == 0)
				memcpy(mf->store + off, r->buf2, r->ps);
			if (memcmp(r->buf2, mf->store + off, r->ps) != 0) {
				k = first_diff(mf->store + off, r->buf2, r->ps);
				fail(r, "store", "file %d page %d: the store's "
				    "byte %#zx is %#x, the model has %#x", i, j,
				    k, r->buf2[k], mf->store[off + k]);
				break;
			}
			got = pg != NULL ? uvmsim_page_data(r->m, pg) : r->buf2;
			if (memcmp(got, mf->logical + off, r->ps) != 0) {
				k = first_diff(mf->logical + off, got, r->ps);
				fail(r, "file", "file %d page %d (%s): byte %#zx "
				    "is %#x, the model has %#x", i, j, pg ?
				    "resident" : "not resident", k, got[k],
				    mf->logical[off + k]);
			}
		}
	}
	for (i = 0; i < r->md.nloans && !r->failed; i++) {
		l = r->md.loans[i];
		for (j = 0; j < l->n; j++) {
			if (l->toanon) {
				an = l->lent[j];
				if (an->u.an_page == NULL)
					continue;
				got = uvmsim_page_data(r->m, an->u.an_page);
			} else
				got = uvmsim_page_data(r->m, l->lent[j]);
			if (memcmp(got, l->snap + (size_t)j * r->ps, r->ps)) {
				k = first_diff(l->snap + (size_t)j * r->ps,
				    got, r->ps);
				fail(r, "loan", "%s%d[%d]: byte %#zx is %#x, "
				    "lent as %#x", l->toanon ? "al" : "kl",
				    l->id, j, k, got[k],
				    l->snap[(size_t)j * r->ps + k]);
				break;
			}
		}
	}
	if (!r->failed)
		check(r, "after the step");
}

/* ---- operations ------------------------------------------------------- */

/* An operation interpreted against the state. */
struct iop {
	int		kind;
	struct mproc	*mp;
	int		pg, n;		/* first page of the layout, pages */
	unsigned	cpu;
	size_t		off, len;	/* accesses: offset in page, bytes */
	uint64_t	val;
	int		a, b, c, d;	/* kind-specific */
	int		prot, maxprot, inh, adv; /* OP_MAP */
	const char	*point;		/* OP_FAIL: the failpoint */
	int		inner;		/* OP_FAIL: the access or loan */
};

static const char *const points[] = {
	"uvm_pagealloc", "uvm_analloc", "amap_alloc", "pgo_get.eio",
	"pgo_get.eagain", "pgo_get.io", "simple_lock_try",
};
#define NPOINTS	(sizeof(points) / sizeof(points[0]))

/* The fault error a failpoint's firing leaves, or 0: retried. */
static int
point_error(const char *pt)
{
	if (strcmp(pt, "pgo_get.eio") == 0)
		return EIO;
	if (strcmp(pt, "pgo_get.eagain") == 0 || strcmp(pt, "pgo_get.io") ==
	    0 || strcmp(pt, "simple_lock_try") == 0)
		return 0;
	return ENOMEM;
}

static const int flush_flags[] = {
	PGO_CLEANIT, PGO_CLEANIT | PGO_FREE, PGO_FREE, PGO_DEACTIVATE,
	PGO_CLEANIT | PGO_DEACTIVATE, PGO_CLEANIT | PGO_FREE | PGO_DEACTIVATE,
};

static const int map_prot[] = {
	VM_PROT_NONE, VM_PROT_READ, VM_PROT_READ | VM_PROT_WRITE,
	VM_PROT_READ | VM_PROT_WRITE, VM_PROT_READ | VM_PROT_WRITE,
};
static const int new_prot[] = {
	VM_PROT_NONE, VM_PROT_READ, VM_PROT_READ | VM_PROT_WRITE,
	VM_PROT_ALL, VM_PROT_READ | VM_PROT_EXECUTE,
	VM_PROT_READ | VM_PROT_WRITE,
};
static const int inh_of[] = {
	MAP_INHERIT_COPY, MAP_INHERIT_SHARE, MAP_INHERIT_COPY,
	MAP_INHERIT_NONE,
};

/* interpret: what op means now; false when it has nothing to act on. */
static bool
interpret(struct run *r, const struct model_op *op, struct iop *io)
{
	const uint32_t *x = op->r;
	size_t sizes[4] = { 1, 2, 4, 8 }, total;
	int i, k, nm;

	memset(io, 0, sizeof(*io));
	io->kind = op->kind;
	io->val = op->val;
	if (io->kind == OP_FAIL) {
		io->point = points[x[5] % NPOINTS];
		io->inner = (int[]){ OP_READ, OP_WRITE, OP_COPYIN, OP_COPYOUT,
		    OP_LOAN }[(x[5] >> 8) % 5];
	}
	if (io->kind != OP_SPAWN && io->kind != OP_FLUSH &&
	    io->kind != OP_UNLOAN && io->kind != OP_PAGEDAEMON) {
		if (r->md.nprocs == 0)
			return false;
		io->mp = r->md.procs[x[0] % (unsigned)r->md.nprocs];
	}
	io->pg = (int)(x[1] % MODEL_NSLOTS) * MODEL_SLOTPG +
	    (int)(x[2] % MODEL_SLOTPG);
	k = io->kind == OP_FAIL ? io->inner : io->kind;
	if (io->mp != NULL && (x[3] >> 8) % 5 != 0 && (k == OP_READ ||
	    k == OP_WRITE || k == OP_COPYIN || k == OP_COPYOUT ||
	    k == OP_LOAN || k == OP_PROTECT || k == OP_WIRE)) {
		/* Mostly a mapped page, so that most accesses do work. */
		for (i = 0, nm = 0; i < MODEL_NPG; i++)
			nm += io->mp->pg[i].mapped;
		if (nm > 0) {
			nm = (int)(x[1] % (unsigned)nm);
			for (i = 0; !io->mp->pg[i].mapped || nm-- > 0; i++)
				;
			io->pg = i;
		}
	}
	io->n = 1 + (int)(x[3] % MODEL_LOANPG);
	if (io->pg % MODEL_SLOTPG + io->n > MODEL_SLOTPG)
		io->n = MODEL_SLOTPG - io->pg % MODEL_SLOTPG;
	io->cpu = (x[5] >> 16) % NCPUS;
	switch (io->kind == OP_FAIL ? io->inner : io->kind) {
	case OP_MAP:
		io->a = (int)(x[4] % 3);			/* kind */
		io->b = (int)((x[4] >> 4) % MODEL_NFILES);	/* file */
		io->c = (int)((x[4] >> 8) % (unsigned)(MODEL_FILEPG - io->n +
		    1));					/* fidx */
		io->prot = map_prot[(x[5] >> 4) % 5];
		io->maxprot = ((x[5] >> 8) % 4) == 0 ?
		    (VM_PROT_READ | VM_PROT_WRITE) : VM_PROT_ALL;
		io->inh = inh_of[(x[5] >> 12) % 4];
		io->adv = (int)((x[5] >> 20) % 3);
		break;
	case OP_PROTECT:
		io->a = new_prot[x[4] % 6];
		break;
	case OP_INHERIT:
		io->a = inh_of[x[4] % 4];
		break;
	case OP_FORK:
	case OP_EXIT:
	case OP_SPAWN:
		if ((io->kind == OP_FORK || io->kind == OP_SPAWN) &&
		    r->md.nprocs == MODEL_MAXPROC)
			return false;
		break;
	case OP_READ:
	case OP_WRITE:
		io->len = sizes[x[4] % 4];
		io->off = ((x[4] >> 2) % 4 == 0 ? r->ps - io->len :
		    (x[4] >> 2) % 4 == 1 ? 0 :
		    ((x[4] >> 4) % (r->ps / io->len)) * io->len);
		break;
	case OP_COPYIN:
	case OP_COPYOUT:
		io->off = x[4] % r->ps;
		io->len = 1 + (x[4] >> 16) % (r->ps + r->ps / 2);
		total = (size_t)MODEL_NPG * r->ps;
		if ((size_t)io->pg * r->ps + io->off + io->len > total)
			io->len = total - (size_t)io->pg * r->ps - io->off;
		break;
	case OP_LOAN:
		io->a = (int)(x[4] & 1);			/* to anons */
		if (r->md.nloans == MODEL_MAXLOAN)
			return false;
		break;
	case OP_UNLOAN:
		if (r->md.nloans == 0)
			return false;
		io->a = (int)(x[0] % (unsigned)r->md.nloans);
		break;
	case OP_FLUSH:
		io->a = (int)(x[0] % MODEL_NFILES);
		io->b = (int)(x[1] % MODEL_FILEPG);
		io->c = io->b + 1 + (int)(x[2] % (unsigned)(MODEL_FILEPG -
		    io->b));
		io->d = flush_flags[x[4] % 6];
		break;
	case OP_PAGEDAEMON:
		io->a = (int)(x[4] % 64);			/* to free */
		io->b = (int)(x[5] % 4) * 16;			/* budget */
		break;
	default:
		break;
	}
	return true;
}

/*
 * The errors each call is documented to return, for a run with a
 * failpoint armed from outside: after an injected failure the model
 * no longer knows what the library holds, and any of them may come.
 */
static const struct {
	const char	*call;
	int		errs[4];
} documented[] = {
	{ "uvm_map", { ENOMEM, EINVAL } },
	{ "uvm_map_protect", { ENOMEM, EACCES, EINVAL } },
	{ "uvm_map_inherit", { ENOMEM, EINVAL } },
	{ "uvm_map_pageable", { ENOMEM, EFAULT, EINVAL, EIO } },
	{ "uvmsim_proc_fork", { ENOMEM } },
	{ "uvmsim_proc_create", { ENOMEM } },
	{ "uvm_loan", { EINVAL, ENOENT } },
	{ "pgo_put", { EIO } },
	{ "read", { EFAULT } }, { "write", { EFAULT } },
	{ "copyin", { EFAULT } }, { "copyout", { EFAULT } },
};

static bool
is_documented(const char *what, int err)
{
	size_t i, j;

	for (i = 0; i < sizeof(documented) / sizeof(documented[0]); i++)
		if (strcmp(documented[i].call, what) == 0)
			for (j = 0; j < 4 && documented[i].errs[j] != 0; j++)
				if (documented[i].errs[j] == err)
					return true;
	return false;
}

static void
expect_err(struct run *r, const char *what, int got, int want)
{
	if (r->anomaly && (got == 0 || is_documented(what, got)))
		return;
	if (got != want)
		fail(r, what, "%s returned %s (%d), the model %s: %s", what,
		    errname(got), got, errname(want), uvmsim_last_error());
}

static void
do_map(struct run *r, struct iop *io)
{
	struct uvm_object *u = NULL;
	vaddr_t va = va_of(r, io->pg);
	int kind = io->a, prot = io->prot, maxprot = io->maxprot;
	int inh = io->inh, adv = io->adv, err, want;
	uvm_flag_t fl;

	fl = UVM_MAPFLAG(prot, maxprot, (unsigned)inh << 4, adv,
	    UVM_FLAG_FIXED | (kind != MK_FSHARED ? UVM_FLAG_COPYONW : 0));
	want = model_map(&r->md, io->mp, io->pg, io->n, kind, io->b, io->c,
	    prot, maxprot, inh);
	if (kind != MK_ANON) {
		u = r->md.files[io->b].uobj;
		u->pgops->pgo_reference(u);
		emit(r, "f[%d]->pgops->pgo_reference(f[%d]);", io->b, io->b);
	}
	err = uvm_map(map_of(io->mp), &va, (vsize_t)io->n * r->ps, u,
	    u != NULL ? (voff_t)(io->c * r->ps) : UVM_UNKNOWN_OFFSET, 0, fl);
	emit(r, "va = %#jx;", (uintmax_t)va_of(r, io->pg));
	if (u != NULL)
		emit(r, "assert_int_equal(uvm_map(&p%d->p_vmspace->vm_map, &va, "
		    "%#zx, f[%d], %#zx, 0, UVM_MAPFLAG(%s, %s, %s, %d, "
		    "UVM_FLAG_FIXED%s)), %s);", io->mp->id, io->n * r->ps,
		    io->b, io->c * r->ps, protname(prot), protname(maxprot),
		    inhname(inh, true), adv, kind != MK_FSHARED ?
		    " | UVM_FLAG_COPYONW" : "", errname(want));
	else
		emit(r, "assert_int_equal(uvm_map(&p%d->p_vmspace->vm_map, &va, "
		    "%#zx, NULL, UVM_UNKNOWN_OFFSET, 0, UVM_MAPFLAG(%s, %s, "
		    "%s, %d, UVM_FLAG_FIXED | UVM_FLAG_COPYONW)), %s);",
		    io->mp->id, io->n * r->ps, protname(prot),
		    protname(maxprot), inhname(inh, true), adv,
		    errname(want));
	if (err != 0 && u != NULL)
		u->pgops->pgo_detach(u);
	if (want != 0 && u != NULL)
		emit(r, "f[%d]->pgops->pgo_detach(f[%d]);", io->b, io->b);
	expect_err(r, "uvm_map", err, want);
	if (err == 0 && want != 0)
		uvm_unmap(map_of(io->mp), va, va + (vaddr_t)io->n * r->ps);
}

/*
 * do_access: a load, store, copyin or copyout; with a failpoint armed
 * (pt not NULL), its documented outcome if it fired.
 */
static void
do_access(struct run *r, struct iop *io, int kind, const char *pt)
{
	struct uvmsim_segv sv;
	struct uvmsim_probe pr;
	struct maccess want;
	struct vmspace *vs = io->mp->p->p_vmspace;
	vaddr_t va = va_of(r, io->pg) + io->off;
	bool write = kind == OP_WRITE || kind == OP_COPYOUT;
	unsigned long fired = 0;
	uint64_t v = 0;
	size_t i, len = io->len, k;
	int err, perr, stop = -1;

	if (kind == OP_WRITE) {
		memcpy(r->buf, &io->val, len);
	} else if (kind == OP_COPYOUT) {
		for (i = 0; i < len; i++)
			r->buf[i] = (uint8_t)(io->val + i * 7);
	}
	if (pt != NULL) {
		(void)uvmsim_failpoint_set(r->m, pt, 1,
		    point_error(pt) != 0 ? 1000 : 1);
		emit(r, "assert_int_equal(uvmsim_failpoint_set(m, \"%s\", 1, "
		    "%d), 0);", pt, point_error(pt) != 0 ? 1000 : 1);
	}
	switch (kind) {
	case OP_READ:
		err = uvmsim_load(r->m, io->cpu, vs, va, len, &v);
		memcpy(r->buf2, &v, len);
		break;
	case OP_WRITE:
		err = uvmsim_store(r->m, io->cpu, vs, va, len, io->val &
		    (len == 8 ? ~(uint64_t)0 : ((uint64_t)1 << (len * 8)) - 1));
		break;
	case OP_COPYIN:
		memset(r->buf2, 0xa5, len);
		err = uvmsim_copyin(r->m, io->cpu, vs, va, r->buf2, len);
		break;
	default:
		err = uvmsim_copyout(r->m, io->cpu, vs, r->buf, va, len);
		break;
	}
	uvmsim_last_segv(r->m, &sv);
	if (pt != NULL) {
		(void)uvmsim_failpoint_since_armed(r->m, pt, &fired);
		(void)uvmsim_failpoint_set(r->m, pt, 1, 0);
	}
	perr = pt != NULL && fired > 0 ? point_error(pt) : 0;
	if (perr != 0 && err == EFAULT && sv.error == perr &&
	    sv.addr >= va && sv.addr < va + len)
		stop = (int)((sv.addr - r->base) / r->ps);
	/* The model reads into buf (a copy of what was read). */
	want = model_access(&r->md, io->mp, io->pg, io->off, r->buf, len,
	    write, stop);
	if (stop >= 0 && want.error == 0) {
		/* The failpoint's outcome; what the failed fault kept. */
		want.error = EFAULT;
		want.segv_error = perr;
		if (uvmsim_probe(r->m, vs, r->base + (vaddr_t)stop * r->ps,
		    &pr) == 0 && pr.entry && !pr.needs_copy)
			model_sync_amap(&r->md, io->mp, stop);
		if (uvmsim_probe(r->m, vs, r->base + (vaddr_t)stop * r->ps,
		    &pr) == 0 && pr.anon != NULL) {
			model_sync_anon(&r->md, io->mp, stop);
			if (pr.anon->an_ref == 1)
				model_sync_cow(&r->md, io->mp, stop);
		}
	}
	switch (kind) {
	case OP_READ:
		emit(r, "assert_int_equal(uvmsim_load(m, %u, p%d->p_vmspace, "
		    "%#jx, %zu, &v), %s);", io->cpu, io->mp->id,
		    (uintmax_t)va, len, errname(want.error));
		break;
	case OP_WRITE:
		emit(r, "assert_int_equal(uvmsim_store(m, %u, p%d->p_vmspace, "
		    "%#jx, %zu, %#" PRIx64 "), %s);", io->cpu, io->mp->id,
		    (uintmax_t)va, len, io->val & (len == 8 ? ~(uint64_t)0 :
		    ((uint64_t)1 << (len * 8)) - 1), errname(want.error));
		break;
	case OP_COPYIN:
		emit(r, "assert_int_equal(uvmsim_copyin(m, %u, p%d->p_vmspace, "
		    "%#jx, buf, %zu), %s);", io->cpu, io->mp->id,
		    (uintmax_t)va, len, errname(want.error));
		break;
	default:
		emit(r, "for (i = 0; i < %zu; i++)", len);
		emit(r, "\tbuf[i] = (uint8_t)(%#x + i * 7);",
		    (unsigned)(io->val & 0xff));
		emit(r, "assert_int_equal(uvmsim_copyout(m, %u, "
		    "p%d->p_vmspace, buf, %#jx, %zu), %s);", io->cpu, io->mp->id,
		    (uintmax_t)va, len, errname(want.error));
		break;
	}
	if (pt != NULL)
		emit(r, "assert_int_equal(uvmsim_failpoint_set(m, \"%s\", 1, 0), "
		    "0);", pt);
	if (r->anomaly) {
		expect_err(r, opnames[kind], err, want.error);
		return;
	}
	if (err != want.error) {
		fail(r, opnames[kind], "%s at %#jx (%zu bytes) on p%d returned "
		    "%s, the model %s%s%s (fault error %s at %#jx)",
		    opnames[kind], (uintmax_t)va, len, io->mp->id,
		    errname(err), errname(want.error), pt ? " with " : "",
		    pt ? pt : "", errname(sv.error), (uintmax_t)sv.addr);
		return;
	}
	if (err != 0) {
		if (sv.error != want.segv_error ||
		    sv.addr != r->base + want.segv_off) {
			fail(r, "segv", "%s at %#jx on p%d: fault error %s at "
			    "%#jx, the model %s at %#jx", opnames[kind],
			    (uintmax_t)va, io->mp->id, errname(sv.error),
			    (uintmax_t)sv.addr, errname(want.segv_error),
			    (uintmax_t)(r->base + want.segv_off));
			return;
		}
	}
	if (!write) {
		/* bytes read before the failure, or all */
		k = err != 0 ? (size_t)(sv.addr - va) : len;
		if (memcmp(r->buf, r->buf2, k) != 0) {
			i = first_diff(r->buf, r->buf2, k);
			fail(r, opnames[kind], "%s at %#jx on p%d: byte %zu "
			    "read %#x, the model %#x", opnames[kind],
			    (uintmax_t)va, io->mp->id, i, r->buf2[i],
			    r->buf[i]);
			if (kind == OP_READ) {
				memcpy(&v, r->buf, len);
				snprintf(r->f->assert_c, sizeof(r->f->assert_c),
				    "assert_int_equal(v, %#" PRIx64 ");", v);
			} else
				snprintf(r->f->assert_c, sizeof(r->f->assert_c),
				    "assert_int_equal(buf[%zu], %#x);", i,
				    r->buf[i]);
		}
	}
}

static void
do_loan(struct run *r, struct iop *io, const char *pt)
{
	struct mloan *l = NULL;
	void *lent[MODEL_LOANPG];
	vaddr_t va = va_of(r, io->pg);
	bool toanon = io->a != 0;
	int flag = toanon ? UVM_LOAN_TOANON : UVM_LOAN_TOPAGE;
	unsigned long fired = 0;
	int err, want, i, id = r->md.next_loan_id; /* each loan op takes one */

	if (pt != NULL) {
		(void)uvmsim_failpoint_set(r->m, pt, 1,
		    point_error(pt) != 0 ? 1000 : 1);
		emit(r, "assert_int_equal(uvmsim_failpoint_set(m, \"%s\", 1, "
		    "%d), 0);", pt, point_error(pt) != 0 ? 1000 : 1);
	}
	err = uvm_loan(map_of(io->mp), va, (vsize_t)io->n * r->ps, lent, flag);
	if (pt != NULL) {
		(void)uvmsim_failpoint_since_armed(r->m, pt, &fired);
		(void)uvmsim_failpoint_set(r->m, pt, 1, 0);
	}
	if (pt != NULL && fired > 0 && point_error(pt) != 0 && err != 0)
		want = EINVAL;		/* the loan met the failure */
	else
		want = model_loan(&r->md, io->mp, io->pg, io->n, toanon, &l);
	emit(r, "%s %s%d[%d];", toanon ? "struct vm_anon *" :
	    "struct vm_page *", toanon ? "al" : "kl", id, MODEL_LOANPG);
	emit(r, "assert_int_equal(uvm_loan(&p%d->p_vmspace->vm_map, %#jx, "
	    "%#zx, %s%d, %s), %s);", io->mp->id, (uintmax_t)va,
	    io->n * r->ps, toanon ? "al" : "kl", id, toanon ?
	    "UVM_LOAN_TOANON" : "UVM_LOAN_TOPAGE", errname(want));
	if (pt != NULL)
		emit(r, "assert_int_equal(uvmsim_failpoint_set(m, \"%s\", 1, 0), "
		    "0);", pt);
	r->md.next_loan_id = id + 1;
	if (l != NULL && err == 0) {
		memcpy(l->lent, lent, sizeof(lent));
		for (i = 0; i < io->n && !toanon; i++)
			l->owner[i] = ((struct vm_page *)lent[i])->uanon;
	} else if (l == NULL && err == 0)
		uvm_unloan(lent, io->n, flag);	/* the model lent nothing */
	expect_err(r, "uvm_loan", err, want);
	if (err != 0 && l != NULL) {
		/* the library lent nothing: forget the model's loan */
		model_unloan(&r->md, r->md.nloans - 1);
	}
}

/*
 * do_pagedaemon: run the page daemon with io->a pages short of its
 * target, so that it pages out (anons to swap, files' dirty pages to
 * their stores) and frees: the shortage is made by raising
 * uvmexp.reserve_kernel, which its free target follows, for the run.
 * A page lent to the kernel that it takes from its owner anon is that
 * anon's no longer: the anon's kernel loans end in the model.
 */
static void
do_pagedaemon(struct run *r, struct iop *io)
{
	struct uvmexp *ux = uvmsim_uvmexp(r->m);
	struct mloan *l;
	struct vm_page *pg;
	int i, j, saved = ux->reserve_kernel, want = ux->free + io->a;

	emit(r, "uvmsim_uvmexp(m)->reserve_kernel = %d;", want);
	emit(r, "(void)uvmsim_pagedaemon_run(m, %d);", io->b);
	emit(r, "uvmsim_uvmexp(m)->reserve_kernel = %d;", saved);
	ux->reserve_kernel = want;
	if (uvmsim_pagedaemon_run(r->m, (unsigned)io->b) < 0)
		fail(r, "pagedaemon", "uvmsim_pagedaemon_run: %s",
		    uvmsim_last_error());
	ux->reserve_kernel = saved;
	for (i = 0; i < r->md.nloans; i++) {
		l = r->md.loans[i];
		for (j = 0; j < l->n && !l->toanon; j++) {
			pg = l->lent[j];
			if (l->cells[j] != NULL &&
			    l->cells[j]->gen == l->gens[j] &&
			    pg->uanon != l->owner[j]) {
				l->cells[j]->klent = 0;
				l->cells[j]->gen++;
			}
		}
	}
}

static void
exec_op(struct run *r, struct iop *io)
{
	struct mproc *mp = io->mp, *child;
	struct mloan *l;
	struct uvm_object *u;
	vaddr_t va = va_of(r, io->pg), ve = va + (vaddr_t)io->n * r->ps;
	int err, want;

	switch (io->kind) {
	case OP_MAP:
		do_map(r, io);
		break;
	case OP_UNMAP:
		emit(r, "uvm_unmap(&p%d->p_vmspace->vm_map, %#jx, %#jx);",
		    mp->id, (uintmax_t)va, (uintmax_t)ve);
		uvm_unmap(map_of(mp), va, ve);
		model_unmap(&r->md, mp, io->pg, io->n);
		break;
	case OP_PROTECT:
		want = model_protect(&r->md, mp, io->pg, io->n, io->a);
		emit(r, "assert_int_equal(uvm_map_protect(&p%d->p_vmspace->"
		    "vm_map, %#jx, %#jx, %s, FALSE), %s);", mp->id,
		    (uintmax_t)va, (uintmax_t)ve, protname(io->a),
		    errname(want));
		err = uvm_map_protect(map_of(mp), va, ve, (vm_prot_t)io->a,
		    FALSE);
		expect_err(r, "uvm_map_protect", err, want);
		break;
	case OP_INHERIT:
		model_inherit(&r->md, mp, io->pg, io->n, io->a);
		emit(r, "assert_int_equal(uvm_map_inherit(&p%d->p_vmspace->"
		    "vm_map, %#jx, %#jx, %s), 0);", mp->id, (uintmax_t)va,
		    (uintmax_t)ve, inhname(io->a, false));
		err = uvm_map_inherit(map_of(mp), va, ve,
		    (vm_inherit_t)io->a);
		expect_err(r, "uvm_map_inherit", err, 0);
		break;
	case OP_WIRE:
	case OP_UNWIRE:
		want = io->kind == OP_WIRE ?
		    model_wire(&r->md, mp, io->pg, io->n) :
		    model_unwire(&r->md, mp, io->pg, io->n);
		emit(r, "assert_int_equal(uvm_map_pageable(&p%d->p_vmspace->"
		    "vm_map, %#jx, %#jx, %s, 0), %s);", mp->id, (uintmax_t)va,
		    (uintmax_t)ve, io->kind == OP_WIRE ? "FALSE" : "TRUE",
		    errname(want));
		err = uvm_map_pageable(map_of(mp), va, ve,
		    io->kind == OP_UNWIRE, 0);
		expect_err(r, "uvm_map_pageable", err, want);
		break;
	case OP_FORK:
		child = model_fork(&r->md, mp);
		emit(r, "struct proc *p%d;", child->id);
		emit(r, "assert_int_equal(uvmsim_proc_fork(m, p%d, &p%d), 0);",
		    mp->id, child->id);
		err = uvmsim_proc_fork(r->m, mp->p, &child->p);
		if (err != 0) {
			child->p = NULL;
			model_exit(&r->md, child);
			expect_err(r, "uvmsim_proc_fork", err, 0);
		}
		break;
	case OP_EXIT:
		emit(r, "uvmsim_proc_exit(m, p%d);", mp->id);
		uvmsim_proc_exit(r->m, mp->p);
		model_exit(&r->md, mp);
		break;
	case OP_SPAWN:
		mp = model_proc_new(&r->md);
		emit(r, "struct proc *p%d;", mp->id);
		emit(r, "assert_int_equal(uvmsim_proc_create(m, &p%d), 0);",
		    mp->id);
		err = uvmsim_proc_create(r->m, &mp->p);
		if (err != 0) {
			mp->p = NULL;
			model_exit(&r->md, mp);
			expect_err(r, "uvmsim_proc_create", err, 0);
		}
		break;
	case OP_READ:
	case OP_WRITE:
	case OP_COPYIN:
	case OP_COPYOUT:
		do_access(r, io, io->kind, NULL);
		break;
	case OP_LOAN:
		do_loan(r, io, NULL);
		break;
	case OP_UNLOAN:
		l = r->md.loans[io->a];
		emit(r, "uvm_unloan(%s%d, %d, %s);", l->toanon ? "al" : "kl",
		    l->id, l->n, l->toanon ? "UVM_LOAN_TOANON" :
		    "UVM_LOAN_TOPAGE");
		uvm_unloan(l->lent, l->n, l->toanon ? UVM_LOAN_TOANON :
		    UVM_LOAN_TOPAGE);
		model_unloan(&r->md, io->a);
		break;
	case OP_FLUSH:
		u = r->md.files[io->a].uobj;
		model_flush(&r->md, io->a, io->b, io->c, io->d);
		emit(r, "simple_lock(&f[%d]->vmobjlock);", io->a);
		emit(r, "assert_int_equal(f[%d]->pgops->pgo_put(f[%d], %#zx, "
		    "%#zx, %s), 0);", io->a, io->a, io->b * r->ps,
		    io->c * r->ps, flushname(io->d));
		simple_lock(&u->vmobjlock);
		err = u->pgops->pgo_put(u, (voff_t)io->b * r->ps,
		    (voff_t)io->c * r->ps, io->d);
		expect_err(r, "pgo_put", err, 0);
		break;
	case OP_PAGEDAEMON:
		do_pagedaemon(r, io);
		break;
	case OP_FAIL:
		/* With a point armed from outside, arm nothing more. */
		if (io->inner == OP_LOAN)
			do_loan(r, io, r->anomaly ? NULL : io->point);
		else
			do_access(r, io, io->inner, r->anomaly ? NULL :
			    io->point);
		break;
	default:
		break;
	}
}

/* ---- runs --------------------------------------------------------------- */

static void
print_failure(struct run *r)
{
	if (r->c == NULL)
		return;
	fprintf(r->c, "\t/* here: %s: %s */\n", r->f->what, r->f->detail);
	if (r->f->assert_c[0] != '\0')
		fprintf(r->c, "\t%s\n", r->f->assert_c);
}

/* step: one operation, its panic caught, then the comparison. */
static void
step(struct run *r, struct iop *io)
{
	struct uvmsim_catch cc;

	UVMSIM_CATCH(r->m, &cc, exec_op(r, io));
	if (cc.caught) {
		fail(r, "panic", "%s: %s", opnames[io->kind], cc.message);
		return;
	}
	if (!r->failed && r->anomaly)
		check(r, opnames[io->kind]);
	else if (!r->failed)
		compare_all(r);
	emit(r, "CHECK(m);");
}

int
model_run(const struct model_opts *o, const struct model_op *ops,
    size_t nops, struct model_failure *f, FILE *c, size_t *nexec)
{
	struct run r;
	struct iop io;
	size_t i, n = 0;

	memset(&r, 0, sizeof(r));
	memset(f, 0, sizeof(*f));
	r.o = o;
	r.f = f;
	r.c = c;
	r.anomaly = o->fail_point != NULL;
	if (run_begin(&r) != 0)
		return -1;
	emit(&r, "CHECK(m);");
	for (i = 0; i < nops && !r.failed && !r.dead; i++) {
		r.step = i;
		if (!interpret(&r, &ops[i], &io))
			continue;
		n++;
		step(&r, &io);
	}
	if (r.failed) {
		print_failure(&r);
		r.c = NULL;		/* the failure is the end */
	}
	r.step = nops;
	run_end(&r);
	if (r.failed && r.c != NULL) {
		emit(&r, "CHECK(m);");
		print_failure(&r);
	}
	if (nexec != NULL)
		*nexec = n;
	return r.failed ? 1 : 0;
}

/* ---- shrinking ------------------------------------------------------- */

struct shrink {
	const struct model_opts *o;
	const char	*what;
	unsigned	runs, max_runs;
	struct model_op	*tmp;
};

static bool
still_fails(struct shrink *s, const struct model_op *ops, size_t n)
{
	struct model_failure f;
	struct model_opts o = *s->o;

	if (s->runs >= s->max_runs)
		return false;
	s->runs++;
	o.verbose = false;
	return model_run(&o, ops, n, &f, NULL, NULL) == 1 &&
	    strcmp(f.what, s->what) == 0;
}

size_t
model_shrink(const struct model_opts *o, struct model_op *ops, size_t nops,
    const struct model_failure *f, unsigned max_runs)
{
	struct shrink s = { o, f->what, 0, max_runs, NULL };
	size_t n = f->step + 1 < nops ? f->step + 1 : nops, chunk, i, m;
	bool removed;

	s.tmp = calloc(n ? n : 1, sizeof(*ops));
	if (s.tmp == NULL)
		abort();
	/* ddmin: remove chunks, halving their size when none goes. */
	chunk = n / 2 ? n / 2 : 1;
	while (n > 1) {
		removed = false;
		for (i = 0; i < n; ) {
			m = i + chunk > n ? n - i : chunk;
			memcpy(s.tmp, ops, i * sizeof(*ops));
			memcpy(s.tmp + i, ops + i + m, (n - i - m) *
			    sizeof(*ops));
			if (still_fails(&s, s.tmp, n - m)) {
				memcpy(ops, s.tmp, (n - m) * sizeof(*ops));
				n -= m;
				removed = true;
			} else
				i += m;
		}
		if (chunk == 1 && !removed)
			break;
		if (!removed || chunk > n / 2)
			chunk = chunk / 2 ? chunk / 2 : 1;
		if (s.runs >= s.max_runs)
			break;
	}
	free(s.tmp);
	return n;
}
