/*
 * interp.c: the interpreter of scenarios: one machine driven through the
 * public uvmsim API, one command a step.
 *
 * Each step runs inside UVMSIM_CATCH, so that a panic of the simulated
 * kernel becomes a result of the step rather than the end of the
 * process.  A step ends in one of three ways:
 *
 *   RES_OK	it did what it says;
 *   RES_ERR	the simulated system refused it (an errno value, a fault
 *		that could not be resolved) or panicked.  The failure waits
 *		for the next command: an `expect error` or `expect panic`
 *		takes it; any other command (or the end of the script) ends
 *		the run, naming the failed command;
 *   RES_FAIL	the script is wrong about the world (an expectation that
 *		does not hold, a check that finds problems, a name nobody
 *		made): the run ends at once.
 *
 * Messages name the script's file:line:column, the command and what went
 * wrong ("p1 0x5000: not mapped").  The run owns its machine and
 * everything the script made; scen_run() gives back the loans, ends the
 * processes, drops the files and destroys the machine before it returns,
 * whatever happened.  Nothing here reaches inside the library: the
 * structures read (map entries, amaps, anons, pages) are those of the
 * public headers, read as uvmsim_probe reads them, without locks, since
 * nothing else runs.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "interp.h"

static const char *const hook_points[5] = {
	"pgo_get", "page_wait", "lock_retry", "tsleep", "uvm_wait"
};

/* ---- failures ---------------------------------------------------------- */

/* fail: end the run at this command, column col. */
int
run_fail(struct run *r, const struct scen_cmd *c, int col, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(r->failmsg, sizeof(r->failmsg), fmt, ap);
	va_end(ap);
	r->failcmd = c;
	r->failcol = col;
	return RES_FAIL;
}

/* err: the simulated system refused the command with error. */
int
run_err(struct run *r, int col, int error, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(r->errmsg, sizeof(r->errmsg), fmt, ap);
	va_end(ap);
	r->err_no = error;
	r->errcol = col;
	return RES_ERR;
}

const char *
run_errname(int error)
{
	const char *n = scen_errname(error);

	return n != NULL ? n : uvmsim_strerror(error);
}

/* ---- names ------------------------------------------------------------- */

static int
find_proc(const struct run *r, const char *name)
{
	for (int i = 0; i < r->nprocs; i++)
		if (r->procs[i].p != NULL &&
		    strcmp(r->procs[i].name, name) == 0)
			return i;
	return -1;
}

static int
find_file_name(const struct run *r, const char *name)
{
	for (int i = 0; i < r->nfiles; i++)
		if (strcmp(r->files[i].name, name) == 0)
			return i;
	return -1;
}

static int
find_loan(const struct run *r, const char *name)
{
	for (int i = 0; i < r->nloans; i++)
		if (r->loans[i].flags != 0 &&
		    strcmp(r->loans[i].name, name) == 0)
			return i;
	return -1;
}

int
run_find_file(const struct run *r, const struct uvm_object *uobj)
{
	for (int i = 0; i < r->nfiles; i++)
		if (r->files[i].uobj == uobj)
			return i;
	return -1;
}

/* proc: the process named name[slot] of c, or a failure. */
int
run_proc(struct run *r, const struct scen_cmd *c, int slot, int *ip)
{
	if ((*ip = find_proc(r, c->name[slot])) < 0)
		return run_fail(r, c, c->col[slot], "unknown process '%s'",
		    c->name[slot]);
	return RES_OK;
}

int
run_file(struct run *r, const struct scen_cmd *c, int slot, int *ip)
{
	if ((*ip = find_file_name(r, c->name[slot])) < 0)
		return run_fail(r, c, c->col[slot], "unknown file '%s'",
		    c->name[slot]);
	return RES_OK;
}

static struct vm_map *
pmap_of(struct run *r, int i)
{
	return &r->procs[i].p->p_vmspace->vm_map;
}

void
run_prot_str(int prot, char *buf)
{
	buf[0] = (prot & VM_PROT_READ) ? 'r' : '-';
	buf[1] = (prot & VM_PROT_WRITE) ? 'w' : '-';
	buf[2] = (prot & VM_PROT_EXECUTE) ? 'x' : '-';
	buf[3] = '\0';
}

/* ---- ranges and accesses ------------------------------------------------ */

/*
 * check_range: [va, va + len) must be page aligned and within the user
 * part of the address space.
 */
static int
check_range(struct run *r, const struct scen_cmd *c, vaddr_t va,
    uint64_t len)
{
	const struct uvmsim_vmparam *vp = uvmsim_vmparam(r->m);

	if (va % r->ps != 0)
		return run_fail(r, c, c->acol, "%s 0x%" PRIx64 ": not a "
		    "multiple of the page size (%#zx)", c->name[0], va, r->ps);
	if (len % r->ps != 0)
		return run_fail(r, c, c->acol, "%s 0x%" PRIx64 ": length 0x%"
		    PRIx64 " not a multiple of the page size (%#zx)",
		    c->name[0], va, len, r->ps);
	if (vp == NULL || va < vp->user_min || va > vp->user_max ||
	    len > vp->user_max - va)
		return run_fail(r, c, c->acol, "%s 0x%" PRIx64 "-0x%" PRIx64
		    ": outside the user addresses 0x%" PRIx64 "-0x%" PRIx64,
		    c->name[0], va, va + len, vp ? vp->user_min : 0,
		    vp ? vp->user_max : 0);
	return RES_OK;
}

static int
check_cpu(struct run *r, const struct scen_cmd *c)
{
	if (c->cpu >= r->ncpus)
		return run_fail(r, c, 1, "cpu %u: the machine has %u CPU%s",
		    c->cpu, r->ncpus, r->ncpus == 1 ? "" : "s");
	return RES_OK;
}

/*
 * access_failed: say why an access of process i at va failed.
 */
static int
access_failed(struct run *r, const struct scen_cmd *c, int i, vaddr_t va,
    vm_prot_t access, int error)
{
	struct uvmsim_probe pr;
	struct uvmsim_segv sv;
	char p[4];

	if (error != EFAULT)
		return run_err(r, c->acol, error, "%s 0x%" PRIx64 ": %s",
		    c->name[0], va, uvmsim_last_error());
	uvmsim_last_segv(r->m, &sv);
	if (uvmsim_probe(r->m, r->procs[i].p->p_vmspace, sv.addr, &pr) != 0 ||
	    !pr.entry)
		return run_err(r, c->acol, EFAULT, "%s 0x%" PRIx64 ": not "
		    "mapped", c->name[0], (uint64_t)sv.addr);
	run_prot_str(pr.protection, p);
	if ((access & VM_PROT_WRITE) && !(pr.protection & VM_PROT_WRITE))
		return run_err(r, c->acol, EFAULT, "%s 0x%" PRIx64 ": not "
		    "writable (protection %s)", c->name[0], (uint64_t)sv.addr,
		    p);
	if (!(pr.protection & VM_PROT_READ))
		return run_err(r, c->acol, EFAULT, "%s 0x%" PRIx64 ": not "
		    "readable (protection %s)", c->name[0], (uint64_t)sv.addr,
		    p);
	return run_err(r, c->acol, EFAULT, "%s 0x%" PRIx64 ": the fault "
	    "failed: %s", c->name[0], (uint64_t)sv.addr, run_errname(sv.error));
}

/* The page the layers hold behind va of process i (NULL: none). */
struct vm_page *
run_page_at(struct run *r, int i, vaddr_t va, struct uvmsim_probe *pr)
{
	if (uvmsim_probe(r->m, r->procs[i].p->p_vmspace, va, pr) != 0)
		return NULL;
	return pr->page;
}

/* ---- the commands ------------------------------------------------------ */

static int exec_cmd(struct run *r, const struct scen_cmd *c);
static int exec_bytes(struct run *r, const struct scen_cmd *c);

/*
 * hook_run: a lock-drop hook of the script: run its command there, as
 * another CPU would.
 */
static void
hook_run(struct uvmsim_machine *m, const char *point, void *arg)
{
	struct run_hook *h = arg;
	struct run *r = h->r;
	int res;

	(void)m;
	fprintf(r->so, "hook at %s (line %d): %s\n", point, h->line,
	    h->c->text);
	res = exec_cmd(r, h->c);
	if (res == RES_ERR) {
		char msg[sizeof(r->errmsg)];

		memcpy(msg, r->errmsg, sizeof(msg));
		snprintf(r->failmsg, sizeof(r->failmsg), "the hook at %s "
		    "failed: %s: %s", point, run_errname(r->err_no), msg);
		r->hook_failed = true;
	} else if (res == RES_FAIL)
		r->hook_failed = true;
}

static int
do_map(struct run *r, const struct scen_cmd *c)
{
	struct uvm_object *uobj = NULL;
	vaddr_t va = c->addr;
	voff_t off = UVM_UNKNOWN_OFFSET;
	int i, f = -1, error, inh;
	uvm_flag_t flags;

	if ((error = run_proc(r, c, 0, &i)) != RES_OK ||
	    (error = check_range(r, c, c->addr, c->len)) != RES_OK)
		return error;
	if (c->what == 1 && (error = run_file(r, c, 1, &f)) != RES_OK)
		return error;
	inh = c->inherit >= 0 ? c->inherit : c->shared ? MAP_INHERIT_SHARE :
	    MAP_INHERIT_COPY;
	flags = UVM_MAPFLAG(c->prot, c->maxprot, inh == MAP_INHERIT_SHARE ?
	    UVM_INH_SHARE : inh == MAP_INHERIT_COPY ? UVM_INH_COPY :
	    UVM_INH_NONE, UVM_ADV_NORMAL, UVM_FLAG_FIXED |
	    (c->shared ? 0 : UVM_FLAG_COPYONW));
	if (f >= 0) {
		if (c->num[0] % r->ps != 0)
			return run_fail(r, c, 1, "offset 0x%" PRIx64 ": not a "
			    "multiple of the page size (%#zx)", c->num[0],
			    r->ps);
		uobj = r->files[f].uobj;
		uobj->pgops->pgo_reference(uobj);
		off = (voff_t)c->num[0];
	} else if (c->shared) {
		/* Shared anonymous memory: an aobj, as mmap(MAP_ANON|
		 * MAP_SHARED) makes. */
		if ((uobj = uao_create(c->len, 0)) == NULL)
			return run_err(r, 1, ENOMEM, "%s", uvmsim_last_error());
		off = 0;
	}
	error = uvm_map(pmap_of(r, i), &va, c->len, uobj, off, 0, flags);
	if (error != 0) {
		char msg[256];

		snprintf(msg, sizeof(msg), "%s", uvmsim_last_error());
		if (uobj != NULL)
			uobj->pgops->pgo_detach(uobj);
		return run_err(r, c->acol, error, "%s 0x%" PRIx64 ": %s",
		    c->name[0], c->addr, msg);
	}
	return RES_OK;
}

static int
do_access(struct run *r, const struct scen_cmd *c)
{
	struct vmspace *vs;
	uint8_t *buf = NULL, *want = NULL;
	uint64_t v;
	int i, f, error;

	if ((error = run_proc(r, c, 0, &i)) != RES_OK ||
	    (error = check_cpu(r, c)) != RES_OK)
		return error;
	vs = r->procs[i].p->p_vmspace;
	switch (c->op) {
	case OP_READ:
		if ((error = uvmsim_load(r->m, c->cpu, vs, c->addr, c->size,
		    &v)) != 0)
			return access_failed(r, c, i, c->addr, VM_PROT_READ,
			    error);
		r->value = v;
		r->have_value = true;
		fprintf(r->so, "%s 0x%" PRIx64 ": 0x%" PRIx64 "\n", c->name[0],
		    c->addr, v);
		return RES_OK;
	case OP_WRITE:
		if ((error = uvmsim_store(r->m, c->cpu, vs, c->addr, c->size,
		    c->num[0])) != 0)
			return access_failed(r, c, i, c->addr, VM_PROT_WRITE,
			    error);
		return RES_OK;
	default:
		break;
	}
	if ((buf = malloc(c->len)) == NULL)
		return run_fail(r, c, 1, "out of memory for %" PRIu64 " bytes",
		    c->len);
	if (c->op == OP_FILL) {
		memset(buf, (int)c->num[0], c->len);
		error = uvmsim_copyout(r->m, c->cpu, vs, buf, c->addr, c->len);
		free(buf);
		if (error != 0)
			return access_failed(r, c, i, c->addr, VM_PROT_WRITE,
			    error);
		return RES_OK;
	}
	/* compare */
	if ((want = malloc(c->len)) == NULL) {
		free(buf);
		return run_fail(r, c, 1, "out of memory for %" PRIu64 " bytes",
		    c->len);
	}
	if (c->what == 1) {
		if ((error = run_file(r, c, 1, &f)) != RES_OK)
			goto out;
		if (c->num[1] > r->files[f].size ||
		    c->len > r->files[f].size - c->num[1]) {
			error = run_fail(r, c, c->col[1], "file %s: 0x%" PRIx64
			    "+0x%" PRIx64 " runs past its end (%#zx)",
			    c->name[1], c->num[1], c->len, r->files[f].size);
			goto out;
		}
		if (uvmsim_file_read(r->m, r->files[f].uobj, c->num[1], want,
		    c->len) != 0) {
			error = run_fail(r, c, c->col[1], "file %s: %s",
			    c->name[1], uvmsim_last_error());
			goto out;
		}
	} else
		memset(want, (int)c->num[0], c->len);
	if ((error = uvmsim_copyin(r->m, c->cpu, vs, c->addr, buf,
	    c->len)) != 0) {
		error = access_failed(r, c, i, c->addr, VM_PROT_READ, error);
		goto out;
	}
	error = RES_OK;
	for (uint64_t k = 0; k < c->len; k++)
		if (buf[k] != want[k]) {
			uint64_t ndiff = 0;

			for (uint64_t q = k; q < c->len; q++)
				ndiff += buf[q] != want[q];
			error = run_fail(r, c, c->acol, "%s 0x%" PRIx64
			    ": read %#x, expected %#x (%" PRIu64 " of %" PRIu64
			    " bytes differ)", c->name[0], c->addr + k, buf[k],
			    want[k], ndiff, c->len);
			break;
		}
	if (error == RES_OK)
		fprintf(r->so, "ok: %" PRIu64 " bytes as expected\n", c->len);
out:
	free(buf);
	free(want);
	return error;
}

static int
do_loan(struct run *r, const struct scen_cmd *c)
{
	struct run_loan *ln;
	int i, l, error, n;
	void **v;

	if ((error = run_proc(r, c, 0, &i)) != RES_OK)
		return error;
	if (find_loan(r, c->name[2]) >= 0)
		return run_fail(r, c, c->col[2], "loan '%s' exists already",
		    c->name[2]);
	if ((error = check_range(r, c, c->addr, c->len)) != RES_OK)
		return error;
	for (l = 0; l < r->nloans && r->loans[l].flags != 0; l++)
		;
	if (l == SCEN_MAXOBJS)
		return run_fail(r, c, c->col[2], "more than %d loans",
		    SCEN_MAXOBJS);
	n = (int)(c->len / r->ps);
	if ((v = calloc((size_t)n, sizeof(*v))) == NULL)
		return run_fail(r, c, 1, "out of memory");
	error = uvm_loan(pmap_of(r, i), c->addr, c->len, v, c->what == 0 ?
	    UVM_LOAN_TOPAGE : UVM_LOAN_TOANON);
	if (error != 0) {
		free(v);
		return run_err(r, c->acol, error, "%s", uvmsim_last_error());
	}
	ln = &r->loans[l];
	if (l == r->nloans)
		r->nloans++;
	snprintf(ln->name, sizeof(ln->name), "%s", c->name[2]);
	ln->flags = c->what == 0 ? UVM_LOAN_TOPAGE : UVM_LOAN_TOANON;
	ln->v = v;
	ln->n = n;
	memcpy(ln->lender, r->procs[i].name, sizeof(ln->lender));
	ln->va = c->addr;
	fprintf(r->so, "loan %s:", ln->name);
	for (int k = 0; k < n; k++) {
		if (ln->flags == UVM_LOAN_TOPAGE)
			fprintf(r->so, " frame %zu", uvmsim_page_frame(r->m,
			    v[k]));
		else
			fprintf(r->so, " anon %u", ((struct vm_anon *)v[k])->
			    an_id);
	}
	fputc('\n', r->so);
	return RES_OK;
}

static void
unloan(struct run *r, int l)
{
	struct run_loan *ln = &r->loans[l];
	int flags = ln->flags;

	ln->flags = 0;		/* given back, even if it panics */
	uvm_unloan(ln->v, ln->n, flags);
	free(ln->v);
	ln->v = NULL;
}

static int
do_file(struct run *r, const struct scen_cmd *c)
{
	struct uvm_object *uobj;
	uint8_t *buf;
	int f, error;

	if (find_file_name(r, c->name[0]) >= 0)
		return run_fail(r, c, c->col[0], "file '%s' exists already",
		    c->name[0]);
	if (r->nfiles == SCEN_MAXOBJS)
		return run_fail(r, c, c->col[0], "more than %d files",
		    SCEN_MAXOBJS);
	if (c->has_str && (c->num[1] > c->len ||
	    strlen(c->str) > c->len - c->num[1]))
		return run_fail(r, c, 1, "text at %#" PRIx64 " runs past the "
		    "file's end (%#" PRIx64 ")", c->num[1], c->len);
	if ((error = uvmsim_file_create(r->m, c->len, &uobj)) != 0)
		return run_err(r, 1, error, "%s", uvmsim_last_error());
	f = r->nfiles++;
	snprintf(r->files[f].name, sizeof(r->files[f].name), "%s", c->name[0]);
	r->files[f].uobj = uobj;
	r->files[f].size = c->len;
	if (c->num[0] != 0) {
		if ((buf = malloc(c->len)) == NULL)
			return run_fail(r, c, 1, "out of memory");
		memset(buf, (int)c->num[0], c->len);
		error = uvmsim_file_write(r->m, uobj, 0, buf, c->len);
		free(buf);
		if (error != 0)
			return run_err(r, 1, error, "%s", uvmsim_last_error());
	}
	if (c->has_str && (error = uvmsim_file_write(r->m, uobj, c->num[1],
	    c->str, strlen(c->str))) != 0)
		return run_err(r, 1, error, "%s", uvmsim_last_error());
	return RES_OK;
}

static int
do_proc(struct run *r, const struct scen_cmd *c, int parent)
{
	const char *name = c->name[parent >= 0 ? 1 : 0];
	int col = c->col[parent >= 0 ? 1 : 0];
	struct proc *p;
	int i, error;

	if (find_proc(r, name) >= 0)
		return run_fail(r, c, col, "process '%s' exists already", name);
	for (i = 0; i < r->nprocs && r->procs[i].p != NULL; i++)
		;
	if (i == SCEN_MAXOBJS)
		return run_fail(r, c, col, "more than %d processes",
		    SCEN_MAXOBJS);
	if (parent >= 0)
		error = uvmsim_proc_fork(r->m, r->procs[parent].p, &p);
	else
		error = uvmsim_proc_create(r->m, &p);
	if (error != 0)
		return run_err(r, col, error, "%s", uvmsim_last_error());
	if (i == r->nprocs)
		r->nprocs++;
	snprintf(r->procs[i].name, sizeof(r->procs[i].name), "%s", name);
	r->procs[i].p = p;
	fprintf(r->so, "%s: pid %d\n", name, (int)p->p_pid);
	return RES_OK;
}

static int
do_range(struct run *r, const struct scen_cmd *c)
{
	struct vm_map *map;
	vaddr_t s = c->addr, e = c->addr + c->len;
	int i, error;

	if ((error = run_proc(r, c, 0, &i)) != RES_OK ||
	    (error = check_range(r, c, c->addr, c->len)) != RES_OK)
		return error;
	map = pmap_of(r, i);
	switch (c->op) {
	case OP_UNMAP:
		uvm_unmap(map, s, e);
		return RES_OK;
	case OP_PROTECT:
		error = uvm_map_protect(map, s, e, c->prot, FALSE);
		break;
	case OP_INHERIT:
		error = uvm_map_inherit(map, s, e, c->inherit);
		break;
	case OP_WIRE:
		error = uvm_map_pageable(map, s, e, FALSE, 0);
		break;
	case OP_UNWIRE:
		error = uvm_map_pageable(map, s, e, TRUE, 0);
		break;
	default:
		return RES_OK;
	}
	if (error != 0)
		return run_err(r, c->acol, error, "%s 0x%" PRIx64 "-0x%" PRIx64
		    ": %s", c->name[0], (uint64_t)s, (uint64_t)e,
		    uvmsim_last_error());
	return RES_OK;
}

static int
do_check(struct run *r, const struct scen_cmd *c)
{
	struct uvmsim_report rep;
	int n;

	memset(&rep, 0, sizeof(rep));
	n = uvmsim_check(r->m, &rep);
	if (n == 0) {
		fprintf(r->so, "check: no problem\n");
		uvmsim_report_free(&rep);
		return RES_OK;
	}
	uvmsim_report_print(&rep, r->so);
	if (rep.count > 0)
		run_fail(r, c, 1, "%d problem%s, the first: %s %s %s: %s", n,
		    n == 1 ? "" : "s", rep.problems[0].invariant,
		    rep.problems[0].object, rep.problems[0].field,
		    rep.problems[0].detail);
	else
		run_fail(r, c, 1, "%d problems", n);
	uvmsim_report_free(&rep);
	return RES_FAIL;
}

/*
 * exec_cmd: run one command on the machine (which exists), its pages
 * made bytes of the machine's page size.
 */
static int
exec_cmd(struct run *r, const struct scen_cmd *c)
{
	struct scen_cmd rc;
	int res;

	if (!scen_has_pages(c))
		return exec_bytes(r, c);
	scen_resolve(c, r->ps, &rc);
	res = exec_bytes(r, &rc);
	if (r->failcmd == &rc)		/* the report names the script's */
		r->failcmd = c;
	return res;
}

/*
 * exec_bytes: run one command whose sizes are all in bytes.
 */
static int
exec_bytes(struct run *r, const struct scen_cmd *c)
{
	int i, l, n, error;

	switch (c->op) {
	case OP_MACHINE:
		return run_fail(r, c, 1, "the machine exists already: machine "
		    "must be the first command");
	case OP_FILE:
		return do_file(r, c);
	case OP_PROC:
		return do_proc(r, c, -1);
	case OP_FORK:
		if ((error = run_proc(r, c, 0, &i)) != RES_OK)
			return error;
		return do_proc(r, c, i);
	case OP_EXIT:
		if ((error = run_proc(r, c, 0, &i)) != RES_OK)
			return error;
		{
			struct proc *p = r->procs[i].p;

			r->procs[i].p = NULL;	/* gone, even if it panics */
			uvmsim_proc_exit(r->m, p);
		}
		return RES_OK;
	case OP_MAP:
		return do_map(r, c);
	case OP_UNMAP:
	case OP_PROTECT:
	case OP_INHERIT:
	case OP_WIRE:
	case OP_UNWIRE:
		return do_range(r, c);
	case OP_READ:
	case OP_WRITE:
	case OP_FILL:
	case OP_COMPARE:
		return do_access(r, c);
	case OP_LOAN:
		return do_loan(r, c);
	case OP_UNLOAN:
		if ((l = find_loan(r, c->name[2])) < 0)
			return run_fail(r, c, c->col[2], "unknown loan '%s'",
			    c->name[2]);
		unloan(r, l);
		return RES_OK;
	case OP_FAILPOINT:
		if ((error = uvmsim_failpoint_set(r->m, c->name[0], c->num[0],
		    c->num[1])) != 0)
			return run_err(r, 1, error, "%s", uvmsim_last_error());
		return RES_OK;
	case OP_WHEN:
		for (i = 0; i < 5; i++)
			if (strcmp(hook_points[i], c->name[0]) == 0)
				break;
		r->hooks[i].r = r;
		r->hooks[i].c = c->sub;
		r->hooks[i].line = c->line;
		if ((error = uvmsim_hook_set_once(r->m, c->name[0], hook_run,
		    &r->hooks[i])) != 0)
			return run_err(r, 1, error, "%s", uvmsim_last_error());
		return RES_OK;
	case OP_CHECK:
		return do_check(r, c);
	case OP_SHOW:
		return run_show(r, c);
	case OP_EXPECT:
		return run_expect(r, c);
	case OP_SAY:
		fprintf(r->so, "%s\n", c->str);
		return RES_OK;
	case OP_ASK:
		return run_ask(r, c);
	case OP_PAGEDAEMON:
		if ((n = uvmsim_pagedaemon_run(r->m, (unsigned)c->num[0])) < 0)
			return run_err(r, 1, EINVAL, "%s", uvmsim_last_error());
		fprintf(r->so, "pagedaemon: %d page%s freed; %d free, %d "
		    "active, %d inactive\n", n, n == 1 ? "" : "s",
		    uvmsim_uvmexp(r->m)->free, uvmsim_uvmexp(r->m)->active,
		    uvmsim_uvmexp(r->m)->inactive);
		return RES_OK;
	case OP_NOPS:
		break;
	}
	return RES_OK;
}

/* ---- the run ----------------------------------------------------------- */

static void
trace_event(struct uvmsim_machine *m, const struct uvmsim_event *ev,
    void *arg)
{
	struct run *r = arg;
	char line[256];

	(void)m;
	uvmsim_event_format(ev, line, sizeof(line));
	fprintf(r->so, "  trace: %s\n", line);
}

static int
make_machine(struct run *r, const struct scen_cmd *c)
{
	static const char *const loans[] = { "1.39", "modern" };
	struct uvmsim_config cfg;
	int error;

	uvmsim_config_init(&cfg);
	cfg.npages = c != NULL ? c->num[0] : 64;
	cfg.ncpus = c != NULL ? (unsigned)c->num[1] : 1;
	cfg.seed = r->o->has_seed ? r->o->seed : c != NULL ? c->num[2] : 1;
	cfg.loan = loans[c != NULL ? c->num[3] : 0];
	cfg.arch = r->o->arch != NULL ? r->o->arch :
	    c != NULL && c->name[0][0] != '\0' ? c->name[0] : NULL;
	cfg.swap_slots = c != NULL ? c->len : 0;
	cfg.uvm_wait = c != NULL ? c->what : UVMSIM_WAIT_HOOK;
	if ((error = uvmsim_machine_create(&cfg, &r->m)) != 0) {
		r->m = NULL;
		return run_fail(r, c, 1, "%s", uvmsim_last_error());
	}
	uvmsim_machine_enter(r->m);
	r->ps = uvmsim_page_size(r->m);
	r->ncpus = cfg.ncpus;
	if (r->o->trace)
		uvmsim_trace_callback(r->m, trace_event, r);
	if (c != NULL) {
		fprintf(r->so, "machine: %zu frames of %zu bytes, %u cpu%s, "
		    "%s, loans as %s, seed %" PRIu64, cfg.npages, r->ps,
		    cfg.ncpus, cfg.ncpus == 1 ? "" : "s", cfg.arch != NULL ?
		    cfg.arch : uvmsim_arch_name(0), cfg.loan, cfg.seed);
		if (cfg.swap_slots != 0)
			fprintf(r->so, ", %zu swap slot%s", cfg.swap_slots,
			    cfg.swap_slots == 1 ? "" : "s");
		if (cfg.uvm_wait == UVMSIM_WAIT_PAGEDAEMON)
			fprintf(r->so, ", uvm_wait runs the page daemon");
		fputc('\n', r->so);
	}
	return RES_OK;
}

/*
 * teardown_one: give back loan, process or file i (kind 0, 1, 2), its
 * panic caught; 1 if it panicked, with the message printed.
 */
static int
teardown_one(struct run *r, int kind, int i)
{
	struct uvmsim_catch ct;
	struct proc *p;
	struct uvm_object *u;

	UVMSIM_CATCH(r->m, &ct, {
		switch (kind) {
		case 0:
			unloan(r, i);
			break;
		case 1:
			p = r->procs[i].p;
			r->procs[i].p = NULL;
			uvmsim_proc_exit(r->m, p);
			break;
		default:
			u = r->files[i].uobj;
			r->files[i].uobj = NULL;
			u->pgops->pgo_detach(u);
			break;
		}
	});
	if (!ct.caught)
		return 0;
	fprintf(r->err, "%s: the teardown panicked: %s\n", r->s->path,
	    ct.message);
	return 1;
}

/*
 * teardown: everything the run made given back, the machine destroyed.
 * Each thing goes in a catch of its own, so that one panic (a page a
 * panic left busy, say) does not keep the others.
 *
 * => SCEN_FAILED if something panicked, unless the run saw a panic
 *    before, whose leftovers the machine's destruction cleans up.
 */
static int
teardown(struct run *r)
{
	int i, panics = 0;

	if (r->m == NULL)
		return 0;
	for (i = 0; i < 5; i++)
		uvmsim_hook_set(r->m, hook_points[i], NULL, NULL);
	uvmsim_failpoint_clear(r->m);
	uvmsim_trace_callback(r->m, NULL, NULL);
	for (i = 0; i < r->nloans; i++)
		if (r->loans[i].flags != 0)
			panics += teardown_one(r, 0, i);
	for (i = 0; i < r->nprocs; i++)
		if (r->procs[i].p != NULL)
			panics += teardown_one(r, 1, i);
	for (i = 0; i < r->nfiles; i++)
		if (r->files[i].uobj != NULL)
			panics += teardown_one(r, 2, i);
	for (i = 0; i < r->nloans; i++)
		free(r->loans[i].v);
	uvmsim_machine_leave(r->m);
	uvmsim_machine_destroy(r->m);
	r->m = NULL;
	return panics > 0 && !r->saw_panic ? SCEN_FAILED : 0;
}

/* JSON string of s. */
static void
json_str(FILE *fp, const char *s, size_t len)
{
	fputc('"', fp);
	for (size_t i = 0; i < len; i++) {
		unsigned char ch = (unsigned char)s[i];

		if (ch == '"' || ch == '\\')
			fprintf(fp, "\\%c", ch);
		else if (ch == '\n')
			fputs("\\n", fp);
		else if (ch == '\t')
			fputs("\\t", fp);
		else if (ch < 0x20 || ch >= 0x7f)
			fprintf(fp, "\\u%04x", ch);
		else
			fputc(ch, fp);
	}
	fputc('"', fp);
}

/*
 * report: a failure, to err; the first is kept for the JSON document.
 */
static void
report(struct run *r, const struct scen_cmd *c, int col, const char *msg)
{
	char buf[sizeof(r->first_error)];

	snprintf(buf, sizeof(buf), "%s:%d:%d: %s: %s", r->s->path,
	    c != NULL ? c->line : 0, col, c != NULL ? scen_op_name(c->op) :
	    "scenario", msg);
	fprintf(r->err, "%s\n", buf);
	if (r->first_error[0] == '\0')
		memcpy(r->first_error, buf, sizeof(buf));
}

/* report_pending: the failure no expect took. */
static void
report_pending(struct run *r)
{
	char m[sizeof(r->pend_msg) + 32];

	snprintf(m, sizeof(m), "%s: %s", r->pend_panic ? "panic" :
	    run_errname(r->pend_errno), r->pend_msg);
	report(r, r->pend_cmd, r->pend_col, m);
	r->pending = false;
}

/*
 * end_step: the step's output, to out (text) or as a JSON object.
 */
static void
end_step(struct run *r, FILE *out, const struct scen_cmd *c, char *buf,
    size_t len, int res)
{
	if (!r->o->json) {
		fwrite(buf, 1, len, out);
		return;
	}
	fprintf(out, "%s    {\"step\": %zu, \"line\": %d, \"command\": ",
	    r->step > 1 ? ",\n" : "", r->step, c->line);
	json_str(out, c->text, strlen(c->text));
	fprintf(out, ", \"output\": ");
	json_str(out, buf, len);
	if (c->op == OP_READ && res == RES_OK)
		fprintf(out, ", \"value\": %" PRIu64, r->value);
	if (res == RES_ERR)
		fprintf(out, ", \"failure\": \"%s\"", r->panicked ? "panic" :
		    run_errname(r->err_no));
	fprintf(out, "}");
}

/*
 * quiz_step: a step of uvmsim quiz: its command and what a say says, to
 * the quiz's output (a question is put by the ask itself); with
 * --answers or in an exercise (which printed its scenario first),
 * nothing but the questions.  Other output is left out, since it may
 * give answers away.
 */
static void
quiz_step(struct run *r, const struct scen_cmd *c, const char *buf,
    size_t len)
{
	if (r->o->answers || r->o->exercise)
		return;
	if (c->op != OP_ASK)
		fprintf(r->o->quiz_out, "[%zu] %s\n", r->step, c->text);
	if (c->op == OP_SAY)
		fwrite(buf, 1, len, r->o->quiz_out);
}

/*
 * run_step: one command, its panic caught; the result in r->res.
 */
static void
run_step(struct run *r, const struct scen_cmd *c)
{
	struct uvmsim_catch ct;

	r->panicked = false;
	r->err_no = 0;
	r->res = RES_OK;
	if (r->m == NULL) {
		r->res = make_machine(r, c->op == OP_MACHINE ? c : NULL);
		if (r->res != RES_OK || c->op == OP_MACHINE)
			return;
	}
	UVMSIM_CATCH(r->m, &ct, r->res = exec_cmd(r, c));
	if (ct.caught) {
		r->res = RES_ERR;
		r->panicked = true;
		r->saw_panic = true;
		r->errcol = 1;
		snprintf(r->errmsg, sizeof(r->errmsg), "%s", ct.message);
	}
}

/*
 * collect_stats: what the run's machine counted so far, into st (valid
 * false for no machine, or one without an MMU).
 */
static void
collect_stats(struct run *r, struct scen_stats *st)
{
	struct uvmsim_tlb_stats t;
	unsigned cpu;

	memset(st, 0, sizeof(*st));
	if (r->m == NULL || uvmsim_pmap_stats(r->m, &st->pt) != 0)
		return;
	st->valid = true;
	st->page_size = uvmsim_page_size(r->m);
	st->uvm_faults = (uint64_t)uvmsim_uvmexp(r->m)->faults;
	for (cpu = 0; cpu < r->ncpus; cpu++) {
		if (uvmsim_tlb_stats(r->m, cpu, &t) != 0)
			continue;
		st->tlb.hits += t.hits;
		st->tlb.misses += t.misses;
		st->tlb.flushes += t.flushes;
		st->tlb.invalidations += t.invalidations;
		st->tlb.asid_rollovers += t.asid_rollovers;
		st->tlb.faults_invalid += t.faults_invalid;
		st->tlb.faults_protect += t.faults_protect;
		st->tlb.faults_access_flag += t.faults_access_flag;
		st->tlb.faults_refmod += t.faults_refmod;
		st->tlb.tlb_refills += t.tlb_refills;
	}
}

int
scen_run(const struct scen_script *s, const struct scen_opts *o, FILE *out,
    FILE *err)
{
	struct run *r;
	char *buf = NULL;
	size_t len = 0;
	bool stopped = false;
	int status = SCEN_OK, t;

	if ((r = calloc(1, sizeof(*r))) == NULL) {
		fprintf(err, "uvmsim: out of memory\n");
		return SCEN_FAILED;
	}
	r->s = s;
	r->o = o;
	r->err = err;
	if (o->html != NULL)
		run_html_begin(o->html, s->path);
	if (o->json) {
		fprintf(out, "{\n  \"script\": ");
		json_str(out, s->path, strlen(s->path));
		fprintf(out, ",\n  \"steps\": [\n");
	}
	for (size_t k = 0; k < s->ncmds; k++) {
		const struct scen_cmd *c = &s->cmds[k];
		bool takes = c->op == OP_EXPECT && (c->what == EXP_ERROR ||
		    c->what == EXP_PANIC);

		if (o->stop_at != 0 && r->step == o->stop_at) {
			stopped = true;
			break;
		}
		if (r->pending && !takes) {
			report_pending(r);
			status = SCEN_FAILED;
			if (!o->keep_going)
				goto done;
		}
		r->step++;
		if ((r->so = open_memstream(&buf, &len)) == NULL) {
			fprintf(err, "uvmsim: out of memory\n");
			status = SCEN_FAILED;
			goto done;
		}
		if (!o->quiet && !o->json)
			fprintf(r->so, "[%zu] %s\n", r->step, c->text);
		run_step(r, c);
		if (r->res == RES_ERR) {
			fprintf(r->so, "%s: %s\n", r->panicked ? "panic" :
			    run_errname(r->err_no), r->errmsg);
			r->pending = true;
			r->pend_panic = r->panicked;
			r->pend_errno = r->err_no;
			r->pend_cmd = c;
			r->pend_col = r->errcol;
			memcpy(r->pend_msg, r->errmsg, sizeof(r->pend_msg));
		}
		fclose(r->so);
		r->so = NULL;
		if (o->quiz_out != NULL)
			quiz_step(r, c, buf, len);
		else
			end_step(r, out, c, buf, len, r->res);
		if (o->html != NULL)
			run_html_step(r, c, buf, len, r->res);
		free(buf);
		buf = NULL;
		fflush(out);
		if (r->hook_failed || r->res == RES_FAIL) {
			if (r->hook_failed)
				report(r, c, 1, r->failmsg);
			else
				report(r, r->failcmd != NULL ? r->failcmd : c,
				    r->failcol, r->failmsg);
			r->hook_failed = false;
			r->failcmd = NULL;
			status = SCEN_FAILED;
			if (!o->keep_going)
				goto done;
		}
	}
	if (r->pending && !stopped) {
		report_pending(r);
		status = SCEN_FAILED;
		goto done;
	}
	if (o->dot != NULL && status == SCEN_OK) {
		if (r->m == NULL && make_machine(r, NULL) != RES_OK) {
			status = SCEN_FAILED;
			goto done;
		}
		run_dot(r, o->dot);
	}
done:
	if (o->stats != NULL)
		collect_stats(r, o->stats);
	/* A hook's or the teardown's output has nowhere else to go. */
	r->so = stderr;
	t = teardown(r);
	if (status == SCEN_OK)
		status = t;
	if (o->html != NULL)
		run_html_end(o->html, status, r->first_error);
	if (o->quiz_in != NULL && !o->answers) {
		fprintf(o->quiz_out, "score: %d of %d\n", r->right, r->asked);
		if (r->right < r->asked && status == SCEN_OK)
			status = SCEN_FAILED;
	}
	if (o->json) {
		fprintf(out, "\n  ],\n");
		if (r->first_error[0] != '\0') {
			fprintf(out, "  \"error\": ");
			json_str(out, r->first_error, strlen(r->first_error));
			fprintf(out, ",\n");
		}
		fprintf(out, "  \"status\": \"%s\",\n  \"exit\": %d\n}\n",
		    status == SCEN_OK ? "ok" : "failed", status);
	}
	free(r);
	return status;
}
