/*
 * fuzz_api.c: a libFuzzer target for the public API: the bytes are
 * decoded into a sequence of calls with arbitrary arguments, bad ones
 * included, on one or two small machines.
 *
 * The input is read as a stream: a few bytes configure the machines
 * (architecture, frames, page size, CPUs, swap, loan behaviour, the
 * policy of uvm_wait), then each further byte picks an operation and the
 * bytes after it its arguments, until the input runs out or FUZZ_MAXOPS
 * operations ran.  Arguments are drawn from classes: a sensible value
 * (an address in the user range, a length of a few pages, a live
 * process, a file of the same machine) or a bad one: unaligned, a length
 * that overflows the range or wraps the address space, a raw 64-bit
 * value, unknown flag bits, NULL, a process, address space or object of
 * the other machine, a kernel-named call on a map of a machine that is
 * not the current one.
 *
 * What must hold, checked after every call:
 *   1. uvmsim_check() of each machine finds nothing (else abort: the
 *      input is a reproducer);
 *   2. a call of the simulator's own API (uvmsim_*) never panics: bad
 *      input is an errno value with a message.  A kernel-named call
 *      (uvm_map, uvm_loan, ...) may panic where the kernel would (a
 *      KASSERT on its arguments, a map of another machine); the panic is
 *      caught (UVMSIM_CATCH) and the checker must still find nothing;
 *   3. a call refused for its arguments (EINVAL, EACCES, ENOENT) changed
 *      nothing and said why: the machine's event clock, which every
 *      state change advances, did not move, and uvmsim_last_error() is
 *      set (uvm_loan, uvm_map_pageable, a wired uvm_map and the MMU's
 *      accesses are exempt: their failures undo work done, or fault
 *      pages in before the failing one, as documented; so is a call
 *      that ran out of memory, swap or slots);
 *   4. at the end everything is given back (loans returned, processes
 *      ended, files detached, machines destroyed), so LeakSanitizer, or
 *      Valgrind in the replay build, finds no leak.
 *
 * Host buffers handed to the library (copyin, file reads, loan arrays)
 * are FUZZ_BUFSZ bytes; a length past them is passed only when the call
 * must refuse it (its range wraps, or runs past the file), so a library
 * that did not refuse writes past the buffer and AddressSanitizer says
 * so.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <uvmsim/uvmsim.h>

#define FUZZ_MAXOPS	256		/* operations per input */
#define FUZZ_NPROC	4		/* processes per machine */
#define FUZZ_NFILE	3		/* files per machine */
#define FUZZ_NLOAN	4		/* loans outstanding */
#define FUZZ_MAXLOAN	32		/* pages one loan lends */
#define FUZZ_BUFSZ	(64 * 1024)	/* bytes of the host buffer */

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct loan {
	int		mi;		/* the machine (-1: the slot is free) */
	void		**v;		/* pages or anons lent */
	int		n;
	int		flags;		/* UVM_LOAN_TOPAGE or _TOANON */
};

struct mach {
	struct uvmsim_machine *m;
	size_t		ps;		/* page size */
	const struct uvmsim_vmparam *vp; /* NULL: no MMU */
	unsigned	ncpus;
	struct proc	*procs[FUZZ_NPROC];
	struct uvm_object *files[FUZZ_NFILE]; /* our reference */
};

struct fuzz {
	const uint8_t	*p;		/* the input still to read */
	size_t		n;
	struct mach	mach[2];
	int		nmach;
	int		cur;		/* the current machine */
	struct loan	loans[FUZZ_NLOAN];
	FILE		*devnull;
	uint8_t		*buf;		/* FUZZ_BUFSZ bytes */
	/* the running operation */
	const char	*what;
	bool		bad;		/* a bad argument was picked */
	bool		may_panic_next;	/* a panic is allowed (besides bad
					   input to a kernel-named call) */
	bool		may_change_next; /* a failure may leave work done */
	bool		may_panic;	/* of the running call */
	bool		may_change;
};

/* ---- reading the input --------------------------------------------------- */

static uint8_t
u8(struct fuzz *f)
{
	if (f->n == 0)
		return 0;
	f->n--;
	return *f->p++;
}

static uint64_t
u64(struct fuzz *f)
{
	uint64_t v = 0;

	for (int i = 0; i < 8; i++)
		v = v << 8 | u8(f);
	return v;
}

/* pick_mi: a machine index; the current one unless the input says. */
static int
pick_mi(struct fuzz *f)
{
	return f->nmach > 1 ? u8(f) % f->nmach : 0;
}

/* pick_len: a length in bytes for machine mi: zero, a few pages, the
 * whole user range, or a bad one (f->bad): a few pages and a bit, a
 * length that wraps, raw. */
static uint64_t
pick_len(struct fuzz *f, int mi)
{
	size_t ps = f->mach[mi].ps;
	uint8_t s = u8(f);
	uint64_t k = u8(f) % 17;

	switch (s % 10) {
	case 0:
		return 0;
	case 1: case 2: case 3: case 4:
		return (k + 1) * ps;
	case 5:
		f->bad = true;
		return k * ps + 1 + u8(f) % (ps - 1);
	case 6:
		return f->mach[mi].vp != NULL ?
		    f->mach[mi].vp->user_max - f->mach[mi].vp->user_min : 0;
	case 7:
		f->bad = true;
		return (uint64_t)0 - (k + 1) * ps;
	case 8:
		f->bad = true;
		return UINT64_MAX;
	default:
		f->bad = true;
		return u64(f);
	}
}

/* pick_va: an address of machine mi: one of the first 64 pages of the
 * user range or of its top, or a bad one (f->bad): unaligned, a kernel
 * address, raw. */
static uint64_t
pick_va(struct fuzz *f, int mi)
{
	const struct uvmsim_vmparam *vp = f->mach[mi].vp;
	size_t ps = f->mach[mi].ps;
	uint8_t s = u8(f);
	uint64_t k = u8(f) % 64;
	uint64_t base = vp != NULL ? vp->user_min : 0;

	switch (s % 10) {
	case 0: case 1: case 2: case 3: case 4: case 5:
		return base + k * ps;
	case 6:
		f->bad = true;
		return base + k * ps + 1 + u8(f) % (ps - 1);
	case 7:
		return (vp != NULL ? vp->user_max : 0) - (k + 1) * ps;
	case 8:
		f->bad = true;
		return (vp != NULL ? vp->kernel_min : 0) + k * ps;
	default:
		f->bad = true;
		return u64(f);
	}
}

/* pick_proc: a process slot of machine mi (*slotp), and its process, or
 * NULL: an empty slot, or NULL asked for (f->bad). */
static struct proc *
pick_proc(struct fuzz *f, int mi, int *slotp)
{
	uint8_t s = u8(f);
	int i = s % FUZZ_NPROC;

	if (slotp != NULL)
		*slotp = i;
	if (s >= 0xf0 || f->mach[mi].procs[i] == NULL) {
		f->bad = true;
		return NULL;
	}
	return f->mach[mi].procs[i];
}

static struct uvm_object *
pick_file(struct fuzz *f, int mi, int *slotp)
{
	uint8_t s = u8(f);
	int i = s % FUZZ_NFILE;

	if (slotp != NULL)
		*slotp = i;
	if (s >= 0xf0 || f->mach[mi].files[i] == NULL) {
		f->bad = true;
		return NULL;
	}
	return f->mach[mi].files[i];
}

/* ---- running a call --------------------------------------------------------- */

static void
die(struct fuzz *f, const char *fmt, const char *arg)
{
	fprintf(stderr, "fuzz_api: %s: ", f->what);
	fprintf(stderr, fmt, arg);
	fprintf(stderr, "\n");
	abort();
}

/* check_all: the checker on every machine; abort on a problem. */
static void
check_all(struct fuzz *f)
{
	for (int i = 0; i < f->nmach; i++) {
		struct uvmsim_report r = { 0 };

		if (uvmsim_check(f->mach[i].m, &r) != 0) {
			fprintf(stderr, "fuzz_api: after %s, machine %d:\n",
			    f->what, i);
			uvmsim_report_print(&r, stderr);
			uvmsim_report_free(&r);
			abort();
		}
		uvmsim_report_free(&r);
	}
}

/*
 * The body of each operation runs between begin() and end(): end()
 * looks at the caught panic, the error and the clocks.  A call returns
 * its errno value (0: done; -1: the call returns none).
 */
struct call {
	struct uvmsim_catch c;
	uint64_t	clock[2];
};

static void
begin(struct fuzz *f, struct call *cl, const char *what)
{
	f->what = what;
	f->may_panic = f->may_panic_next ||
	    (f->bad && strncmp(what, "uvmsim_", 7) != 0);
	f->may_change = f->may_change_next;
	for (int i = 0; i < f->nmach; i++)
		cl->clock[i] = uvmsim_clock(f->mach[i].m);
}

static void
end(struct fuzz *f, struct call *cl, int error)
{
	if (cl->c.caught && !f->may_panic)
		die(f, "panicked: %s", cl->c.message);
	if (uvmsim_machine_current() != f->mach[f->cur].m)
		die(f, "the current machine changed%s", "");
	if (!cl->c.caught && error > 0 && !f->may_change &&
	    (error == EINVAL || error == EACCES || error == ENOENT)) {
		for (int i = 0; i < f->nmach; i++)
			if (uvmsim_clock(f->mach[i].m) != cl->clock[i])
				die(f, "failed but changed the machine: %s",
				    uvmsim_last_error());
		if (uvmsim_last_error()[0] == '\0')
			die(f, "failed (%s) without a message",
			    uvmsim_strerror(error));
	}
	check_all(f);
}

#define CALL(f, mi, what, stmt) do {					\
	struct call cl_;						\
	int error_ = -1;						\
									\
	begin((f), &cl_, (what));					\
	UVMSIM_CATCH((f)->mach[(mi)].m, &cl_.c, error_ = (stmt));	\
	end((f), &cl_, cl_.c.caught ? -1 : error_);			\
} while (0)

#define CALLV(f, mi, what, stmt)	CALL(f, mi, what, ((stmt), -1))

/* ---- operations ---------------------------------------------------------- */

static struct vm_map *
map_of(struct proc *p)
{
	return p != NULL ? &p->p_vmspace->vm_map : NULL;
}

static int
do_proc_create(struct fuzz *f, int mi, int slot, bool null_out)
{
	int error;

	error = uvmsim_proc_create(f->mach[mi].m,
	    null_out ? NULL : &f->mach[mi].procs[slot]);
	if (error != 0 && !null_out)
		f->mach[mi].procs[slot] = NULL;
	return error;
}

static int
do_fork(struct fuzz *f, int mi, struct proc *parent, int slot)
{
	struct proc *child = NULL;
	int error;

	error = uvmsim_proc_fork(f->mach[mi].m, parent, &child);
	if (error == 0)
		f->mach[mi].procs[slot] = child;
	return error;
}

static void
op_proc(struct fuzz *f, uint8_t op)
{
	int mi = pick_mi(f), slot, pm;
	struct proc *p;

	switch (op % 4) {
	case 0:			/* create, into an empty slot */
		slot = u8(f) % FUZZ_NPROC;
		if (f->mach[mi].procs[slot] != NULL)
			return;
		CALL(f, mi, "uvmsim_proc_create", do_proc_create(f, mi, slot,
		    (u8(f) & 7) == 0));
		break;
	case 1:			/* fork: a parent of this machine or not */
		pm = u8(f) & 1 ? pick_mi(f) : mi;
		p = pick_proc(f, pm, NULL);
		slot = u8(f) % FUZZ_NPROC;
		if (f->mach[mi].procs[slot] != NULL)
			return;
		CALL(f, mi, "uvmsim_proc_fork", do_fork(f, mi, p, slot));
		break;
	case 2:			/* exit: of this machine or not */
		pm = u8(f) & 1 ? pick_mi(f) : mi;
		p = pick_proc(f, pm, &slot);
		CALLV(f, mi, "uvmsim_proc_exit", uvmsim_proc_exit(
		    f->mach[mi].m, p));
		if (pm == mi)
			f->mach[mi].procs[slot] = NULL;
		break;
	default:		/* fork with a NULL result */
		p = pick_proc(f, mi, NULL);
		CALL(f, mi, "uvmsim_proc_fork", uvmsim_proc_fork(f->mach[mi].m,
		    p, NULL));
		break;
	}
}

/* host_memory: the host's physical memory in bytes. */
static uint64_t
host_memory(void)
{
	return (uint64_t)sysconf(_SC_PHYS_PAGES) *
	    (uint64_t)sysconf(_SC_PAGESIZE);
}

static int
do_file_create(struct fuzz *f, int mi, int slot, uint64_t size)
{
	return uvmsim_file_create(f->mach[mi].m, size,
	    &f->mach[mi].files[slot]);
}

/* host_len: len, or a part of it that fits the buffer when the whole
 * range [off, off + len) of a space of size bytes is valid. */
static uint64_t
host_len(uint64_t off, uint64_t len, uint64_t size)
{
	if (off + len < off || off > size || len > size - off)
		return len;		/* must be refused */
	return len > FUZZ_BUFSZ ? FUZZ_BUFSZ : len;
}

static void
op_file(struct fuzz *f, uint8_t op)
{
	int mi = pick_mi(f), fm, slot;
	struct uvm_object *u;
	uint64_t off, len;
	size_t size = 0;
	void *buf;

	switch (op % 4) {
	case 0:			/* create */
		slot = u8(f) % FUZZ_NFILE;
		if (f->mach[mi].files[slot] != NULL)
			return;
		len = (u8(f) & 3) == 0 ? u64(f) : (uint64_t)(u8(f) % 40) *
		    (f->mach[mi].ps / 2 + 1);
		/* A size the host can hold is made small: a store of
		 * gigabytes is legal, and only slow. */
		CALL(f, mi, "uvmsim_file_create", do_file_create(f, mi, slot,
		    len > host_memory() ? len : len % (1 << 20)));
		break;
	case 1:			/* write */
	case 2:			/* read */
		fm = u8(f) & 1 ? pick_mi(f) : mi;
		u = pick_file(f, fm, NULL);
		off = (u8(f) & 3) == 0 ? u64(f) : u8(f) * 37u;
		len = pick_len(f, mi);
		buf = (u8(f) & 15) == 0 ? NULL : f->buf;
		if (u != NULL)
			(void)uvmsim_file_size(f->mach[fm].m, u, &size);
		len = host_len(off, len, size);
		if (op % 4 == 1) {
			memset(f->buf, u8(f), FUZZ_BUFSZ);
			CALL(f, mi, "uvmsim_file_write", uvmsim_file_write(
			    f->mach[mi].m, u, off, buf, len));
		} else
			CALL(f, mi, "uvmsim_file_read", uvmsim_file_read(
			    f->mach[mi].m, u, off, buf, len));
		break;
	default:		/* size, is_file */
		fm = u8(f) & 1 ? pick_mi(f) : mi;
		u = pick_file(f, fm, NULL);
		CALL(f, mi, "uvmsim_file_size", uvmsim_file_size(f->mach[mi].m,
		    u, (u8(f) & 7) == 0 ? NULL : &size));
		CALL(f, mi, "uvmsim_is_file", (uvmsim_is_file(f->mach[mi].m, u),
		    -1));
		break;
	}
}

/* pick_map: the map of a process of machine *mip (picked here), or
 * NULL. */
static struct vm_map *
pick_map(struct fuzz *f, int *mip)
{
	int mi = pick_mi(f);
	uint8_t s = u8(f);

	*mip = mi;
	if (s >= 0xf8) {
		f->bad = true;
		return NULL;
	}
	if (f->mach[mi].procs[s % FUZZ_NPROC] == NULL)
		f->bad = true;
	return map_of(f->mach[mi].procs[s % FUZZ_NPROC]);
}

/* range_check: a range outside the user addresses of machine mi, or
 * wrapping, is bad input too. */
static void
range_check(struct fuzz *f, int mi, uint64_t va, uint64_t len)
{
	const struct uvmsim_vmparam *vp = f->mach[mi].vp;

	if (vp == NULL || va + len < va || va < vp->user_min ||
	    va + len > vp->user_max)
		f->bad = true;
}

/* Kernel-named calls act on the current machine: a map of the other
 * one, or a bad argument, may panic (caught). */
static void
kernel_call(struct fuzz *f, int mi)
{
	if (mi != f->cur)
		f->bad = true;
}

/* hold: a reference to u for a mapping, taken on u's own machine. */
static void
file_ref(struct fuzz *f, int fmi, struct uvm_object *u, bool take)
{
	uvmsim_machine_enter(f->mach[fmi].m);
	if (take)
		u->pgops->pgo_reference(u);
	else
		u->pgops->pgo_detach(u);
	uvmsim_machine_leave(f->mach[fmi].m);
}

static uvm_flag_t
pick_mapflags(struct fuzz *f)
{
	static const uvm_flag_t extra[8] = { 0, UVM_FLAG_FIXED,
	    UVM_FLAG_COPYONW, UVM_FLAG_FIXED | UVM_FLAG_COPYONW,
	    UVM_FLAG_OVERLAY, UVM_FLAG_NOMERGE, UVM_FLAG_WIRED,
	    UVM_FLAG_AMAPPAD | UVM_FLAG_COPYONW };
	static const uvm_flag_t inh[3] = { UVM_INH_SHARE, UVM_INH_COPY,
	    UVM_INH_NONE };
	uint8_t a = u8(f), b = u8(f);
	vm_prot_t max = (a >> 3) & 7;

	if ((b & 31) == 31) {
		f->bad = true;
		return (uvm_flag_t)u64(f);
	}
	if (max == 0)
		max = VM_PROT_ALL;
	return UVM_MAPFLAG(a & 7 & max, max, inh[(a >> 6) % 3], b % 3,
	    extra[(b >> 2) & 7] | ((b & 0x60) == 0x60 ? UVM_FLAG_FIXED : 0));
}

static int
do_map(struct fuzz *f, struct vm_map *map, uint64_t va, uint64_t len,
    struct uvm_object *u, uint64_t off, uvm_flag_t flags, bool *mapped)
{
	vaddr_t start = va;
	int error;

	error = uvm_map(map, (f->bad && (flags & 0xff) == 0x77) ? NULL :
	    &start, len, u, off, 0, flags);
	*mapped = error == 0;
	return error;
}

static void
op_map(struct fuzz *f, uint8_t op)
{
	int mi, fmi, slot;
	struct vm_map *map = pick_map(f, &mi);
	uint64_t va = pick_va(f, mi), len = pick_len(f, mi), off;
	struct uvm_object *u = NULL;
	uint8_t s = u8(f);
	uvm_flag_t flags;
	bool mapped;

	kernel_call(f, mi);
	range_check(f, mi, va, len);
	switch (op % 7) {
	case 0:			/* uvm_map */
		fmi = s & 1 ? (mi + 1) % f->nmach : mi;
		if (fmi != mi)
			f->bad = true;
		if (s & 2)
			u = pick_file(f, fmi, &slot);
		off = (s & 12) == 12 ? u64(f) : (uint64_t)(u8(f) % 16) *
		    f->mach[mi].ps;
		if ((s & 12) == 12)
			f->bad = true;
		/* The mapping's reference to the file, taken before and
		 * dropped after a call that did not map. */
		if (u != NULL)
			file_ref(f, fmi, u, true);
		mapped = false;
		flags = pick_mapflags(f);
		/* A wiring that fails is undone: the work is traced. */
		if (flags & UVM_FLAG_WIRED)
			f->may_change_next = true;
		CALL(f, f->cur, "uvm_map", do_map(f, map, va, len, u, off,
		    flags, &mapped));
		if (u != NULL && !mapped)
			file_ref(f, fmi, u, false);
		break;
	case 1:			/* uvm_unmap */
		CALLV(f, f->cur, "uvm_unmap", uvm_unmap(map, va, va + len));
		break;
	case 2:			/* uvm_map_protect */
		CALL(f, f->cur, "uvm_map_protect", uvm_map_protect(map, va, va + len,
		    (s & 0xf0) == 0xf0 ? (vm_prot_t)u8(f) : s & 7,
		    (s >> 3) & 1));
		break;
	case 3:			/* uvm_map_inherit */
		CALL(f, f->cur, "uvm_map_inherit", uvm_map_inherit(map, va, va + len,
		    (s & 0xf0) == 0xf0 ? (vm_inherit_t)u64(f) : s % 5));
		break;
	case 4:			/* uvm_map_advice */
		CALL(f, f->cur, "uvm_map_advice", uvm_map_advice(map, va, va + len,
		    (s & 0xf0) == 0xf0 ? (int)u64(f) : s % 4));
		break;
	default:		/* uvm_map_pageable: wire, unwire */
		f->may_change_next = true;
		CALL(f, f->cur, "uvm_map_pageable", uvm_map_pageable(map, va, va + len,
		    s & 1, 0));
		break;
	}
}

/* ---- accesses ------------------------------------------------------------ */

static struct vmspace *
pick_vs(struct fuzz *f, int mi)
{
	uint8_t s = u8(f);
	struct proc *p;

	if (s >= 0xfc)
		return NULL;		/* the kernel's */
	if (s >= 0xf0 && f->nmach > 1)
		p = f->mach[(mi + 1) % f->nmach].procs[s % FUZZ_NPROC];
	else
		p = f->mach[mi].procs[s % FUZZ_NPROC];
	return p != NULL ? p->p_vmspace : NULL;
}

static void
op_access(struct fuzz *f, uint8_t op)
{
	int mi = pick_mi(f);
	struct uvmsim_machine *m = f->mach[mi].m;
	unsigned cpu = u8(f);
	struct vmspace *vs = pick_vs(f, mi);
	uint64_t va = pick_va(f, mi), len, val = 0;
	static const size_t sizes[8] = { 1, 2, 4, 8, 8, 4, 3, 0 };
	size_t size = sizes[u8(f) & 7];
	uint64_t *valp = (u8(f) & 31) == 0 ? NULL : &val;
	struct uvmsim_probe pr;
	paddr_t pa;
	vm_prot_t prot;

	if ((cpu & 0xc0) == 0)
		cpu %= f->mach[mi].ncpus;
	/* A fault the kernel cannot resolve panics, as its trap does. */
	f->may_panic_next = vs == NULL;
	f->may_change_next = true;
	switch (op % 8) {
	case 0:
		CALL(f, mi, "uvmsim_load", uvmsim_load(m, cpu, vs, va, size,
		    valp));
		break;
	case 1:
		CALL(f, mi, "uvmsim_store", uvmsim_store(m, cpu, vs, va, size,
		    u64(f)));
		break;
	case 2:
		CALL(f, mi, "uvmsim_fetch", uvmsim_fetch(m, cpu, vs, va, size,
		    valp));
		break;
	case 3:
		len = pick_len(f, mi);
		if (va + len >= va && len > FUZZ_BUFSZ)
			len = FUZZ_BUFSZ;
		CALL(f, mi, "uvmsim_copyin", uvmsim_copyin(m, cpu, vs, va,
		    valp == NULL ? NULL : f->buf, len));
		break;
	case 4:
		len = pick_len(f, mi);
		if (va + len >= va && len > FUZZ_BUFSZ)
			len = FUZZ_BUFSZ;
		memset(f->buf, u8(f), FUZZ_BUFSZ);
		CALL(f, mi, "uvmsim_copyout", uvmsim_copyout(m, cpu, vs,
		    valp == NULL ? NULL : f->buf, va, len));
		break;
	case 5:
		f->may_panic_next = false;
		f->may_change_next = false;
		CALL(f, mi, "uvmsim_translate", uvmsim_translate(m, vs, va,
		    valp == NULL ? NULL : &pa, &prot));
		break;
	case 6:
		f->may_panic_next = false;
		f->may_change_next = false;
		CALL(f, mi, "uvmsim_probe", uvmsim_probe(m, vs, va,
		    valp == NULL ? NULL : &pr));
		break;
	default:
		f->may_panic_next = false;
		f->may_change_next = false;
		CALL(f, mi, "uvmsim_cpu_set", uvmsim_cpu_set(m, cpu));
		break;
	}
}

/* ---- loans --------------------------------------------------------------- */

/* do_loan: lend into v (n entries); the loan is kept in slot li when
 * something was lent.  v is the caller's to free otherwise (a panic may
 * leave this function at any point). */
static int
do_loan(struct fuzz *f, int li, struct vm_map *map, uint64_t va,
    uint64_t len, int flags, void **v, size_t n)
{
	int error;

	error = uvm_loan(map, va, len, v, flags);
	if (error == 0 && n > 0 && v != NULL) {
		f->loans[li].mi = f->cur;
		f->loans[li].v = v;
		f->loans[li].n = (int)n;
		f->loans[li].flags = flags;
	}
	return error;
}

static void
op_loan(struct fuzz *f, uint8_t op)
{
	int mi, li = u8(f) % FUZZ_NLOAN;
	struct vm_map *map;
	uint64_t va, len;
	struct loan *l = &f->loans[li];
	void **v = NULL;
	size_t n;
	uint8_t s;
	int flags;

	if (op & 1) {		/* unloan */
		if (l->mi != f->cur)
			return;
		CALLV(f, f->cur, "uvm_unloan", uvm_unloan(l->v, l->n, l->flags));
		free(l->v);
		l->mi = -1;
		return;
	}
	if (l->mi >= 0)
		return;
	map = pick_map(f, &mi);
	va = pick_va(f, mi);
	len = pick_len(f, mi);
	s = u8(f);
	kernel_call(f, mi);
	range_check(f, mi, va, len);
	flags = (s & 3) == 3 ? (f->bad = true, (int)u64(f)) :
	    s & 1 ? UVM_LOAN_TOANON : UVM_LOAN_TOPAGE;
	if (va + len < va || len % f->mach[mi].ps != 0 ||
	    va % f->mach[mi].ps != 0)
		f->bad = true;
	else if (len / f->mach[mi].ps > FUZZ_MAXLOAN)
		len = FUZZ_MAXLOAN * f->mach[mi].ps;
	if (len / f->mach[mi].ps > FUZZ_MAXLOAN && va + len >= va)
		return;		/* an array too large for us to give */
	/* The array has room for what we may lend, not for what a
	 * wrapping len asks: that must be refused before anything is. */
	n = len / f->mach[f->cur].ps;
	if (n > FUZZ_MAXLOAN)
		n = FUZZ_MAXLOAN;
	if ((s & 0x1c) == 0x1c)
		f->bad = true;		/* a NULL array */
	else if ((v = calloc(n + 1, sizeof(*v))) == NULL)
		abort();
	f->may_change_next = true;
	CALL(f, f->cur, "uvm_loan", do_loan(f, li, map, va, len, flags, v,
	    n));
	if (l->mi < 0)
		free(v);
}

/* ---- files' pages, the page daemon, failpoints ------------------------- */

static int
do_put(struct uvm_object *u, voff_t start, voff_t stop, int flags)
{
	simple_lock(&u->vmobjlock);
	return u->pgops->pgo_put(u, start, stop, flags);
}

static void
op_misc(struct fuzz *f, uint8_t op)
{
	static const char *const points[] = { "uvm_pagealloc", "uvm_analloc",
	    "amap_alloc", "pgo_get.eio", "pgo_get.eagain", "pgo_get.io",
	    "simple_lock_try", "uvmsim_check.report", "uvm_swap_alloc",
	    "uvm_swap_put.eio", "uvm_swap_get.eio", "uvmsim_check.live",
	    "no_such_point", NULL };
	int mi = pick_mi(f);
	struct uvmsim_machine *m = f->mach[mi].m;
	struct uvm_object *u;
	const char *name;
	uint8_t s = u8(f);
	uint64_t a, b;

	switch (op % 6) {
	case 0:			/* flush a file of the current machine */
		u = pick_file(f, f->cur, NULL);
		if (u == NULL)
			return;
		a = (s & 3) == 3 ? u64(f) : (uint64_t)u8(f) * f->mach[f->cur].ps;
		b = (s & 12) == 12 ? u64(f) : (uint64_t)u8(f) * f->mach[f->cur].ps;
		/* pgo_put asserts its range, as the kernel's does. */
		if ((s & 3) == 3 || (s & 12) == 12 || (b != 0 && a > b))
			f->bad = true;
		f->may_change_next = true;
		CALL(f, f->cur, "pgo_put", do_put(u, (voff_t)a, (voff_t)b,
		    (s & 0xf0) == 0xf0 ? (int)u8(f) : (s >> 4) & 15));
		break;
	case 1:			/* the page daemon */
		f->may_change_next = true;
		CALL(f, mi, "uvmsim_pagedaemon_run", uvmsim_pagedaemon_run(m,
		    s & 0x80 ? 0 : s));
		break;
	case 2:			/* arm a failpoint */
		name = points[s % (sizeof(points) / sizeof(points[0]))];
		a = u8(f) % 4;
		b = u8(f) % 3;
		CALL(f, mi, "uvmsim_failpoint_set", uvmsim_failpoint_set(m, name,
		    a, b));
		break;
	case 3:			/* failpoint counters, reset, clear */
		name = points[s % (sizeof(points) / sizeof(points[0]))];
		CALL(f, mi, "uvmsim_failpoint_hits", (uvmsim_failpoint_hits(m,
		    name), uvmsim_failpoint_fired(m, name),
		    uvmsim_failpoint_since_armed(m, name, (s & 0x80) ? NULL :
		    &a), -1));
		if (s & 0x40)
			CALL(f, mi, "uvmsim_failpoint_reset",
			    uvmsim_failpoint_reset(m, name));
		else
			CALLV(f, mi, "uvmsim_failpoint_clear",
			    uvmsim_failpoint_clear(m));
		break;
	case 4:			/* switch the current machine */
		if (f->nmach < 2)
			return;
		uvmsim_machine_leave(f->mach[f->cur].m);
		f->cur = (f->cur + 1) % f->nmach;
		uvmsim_machine_enter(f->mach[f->cur].m);
		break;
	default:		/* trace categories, with unknown bits */
		CALL(f, mi, "uvmsim_trace_set", uvmsim_trace_set(m,
		    s & 0x80 ? (unsigned)u64(f) : s & UVMSIM_TRACE_ALL));
		break;
	}
}

/* ---- observations -------------------------------------------------------- */

static void
op_show(struct fuzz *f, uint8_t op)
{
	int mi = pick_mi(f);
	struct uvmsim_machine *m = f->mach[mi].m;
	uint8_t s = u8(f);
	FILE *fp = (s & 7) == 7 ? NULL : f->devnull;
	struct uvmsim_tlb_stats ts;
	struct uvmsim_pmap_stats ps;
	struct uvmsim_event ev[4];
	struct uvmsim_segv sv;

	switch (op % 6) {
	case 0:
		CALL(f, mi, "uvmsim_print_state_flags", uvmsim_print_state_flags(m,
		    fp, (s & 0x80) ? (unsigned)u8(f) : (s >> 3) & 1));
		break;
	case 1:
		CALL(f, mi, "uvmsim_pmap_dump", uvmsim_pmap_dump(m,
		    pick_vs(f, mi), fp));
		break;
	case 2:
		CALL(f, mi, "uvmsim_tlb_stats", uvmsim_tlb_stats(m, u8(f),
		    (s & 0x80) ? NULL : &ts));
		CALL(f, mi, "uvmsim_pmap_stats", uvmsim_pmap_stats(m,
		    (s & 0x40) ? NULL : &ps));
		break;
	case 3:
		CALLV(f, mi, "uvmsim_trace_dump", uvmsim_trace_dump(m, fp,
		    (s & 0x80) ? (size_t)u64(f) : s));
		CALL(f, mi, "uvmsim_trace_ring", ((void)uvmsim_trace_ring(m,
		    (s & 0x40) ? NULL : ev, (s & 0x20) ? 4 : 0), -1));
		break;
	case 4:
		CALLV(f, mi, "uvmsim_last_segv", uvmsim_last_segv(m,
		    (s & 0x80) ? NULL : &sv));
		CALL(f, mi, "uvmsim_page", (uvmsim_page_data(m, uvmsim_page(m,
		    (s & 0x40) ? (size_t)u64(f) : s)), -1));
		break;
	default:
		if (fp != NULL)
			CALLV(f, mi, "uvmsim_print_state", uvmsim_print_state(m,
			    fp));
		break;
	}
}

/* ---- machines ------------------------------------------------------------ */

/* make_machine: a small machine from the input; false when the input
 * asked for one that cannot be made (that is checked too). */
static bool
make_machine(struct fuzz *f, int mi)
{
	struct uvmsim_config cfg;
	struct mach *mc = &f->mach[mi];
	uint8_t a = u8(f), b = u8(f), c = u8(f);
	unsigned narch = 0;
	int error;

	while (uvmsim_arch_name(narch) != NULL)
		narch++;
	uvmsim_config_init(&cfg);
	cfg.arch = uvmsim_arch_name(a % narch);
	cfg.npages = 16 + (size_t)b * 2;
	cfg.ncpus = 1 + (c & 3);
	cfg.page_size = (c & 4) ? 0 : (size_t)1024 << ((c >> 3) % 3);
	cfg.swap_slots = (c & 0x20) ? 64 : 0;
	cfg.loan = (c & 0x40) ? "modern" : NULL;
	cfg.uvm_wait = (c & 0x80) && cfg.swap_slots ? UVMSIM_WAIT_PAGEDAEMON :
	    UVMSIM_WAIT_HOOK;
	cfg.trace_ring = 16;
	if ((a & 0xc0) == 0xc0)
		cfg.max_anons = 8 + (a & 0x3f);
	error = uvmsim_machine_create(&cfg, &mc->m);
	if (error != 0) {
		if (uvmsim_last_error()[0] == '\0')
			abort();
		mc->m = NULL;
		return false;
	}
	mc->ps = uvmsim_page_size(mc->m);
	mc->vp = uvmsim_vmparam(mc->m);
	if (mc->vp != NULL && mc->vp->pt_levels == 0)
		mc->vp = NULL;
	mc->ncpus = cfg.ncpus;
	return true;
}

static void
teardown(struct fuzz *f)
{
	for (int i = 0; i < FUZZ_NLOAN; i++) {
		struct loan *l = &f->loans[i];

		if (l->mi < 0)
			continue;
		uvmsim_machine_enter(f->mach[l->mi].m);
		uvm_unloan(l->v, l->n, l->flags);
		uvmsim_machine_leave(f->mach[l->mi].m);
		free(l->v);
		l->mi = -1;
	}
	for (int i = 0; i < f->nmach; i++) {
		struct mach *mc = &f->mach[i];

		for (int j = 0; j < FUZZ_NPROC; j++)
			if (mc->procs[j] != NULL)
				uvmsim_proc_exit(mc->m, mc->procs[j]);
		uvmsim_machine_enter(mc->m);
		for (int j = 0; j < FUZZ_NFILE; j++)
			if (mc->files[j] != NULL)
				mc->files[j]->pgops->pgo_detach(mc->files[j]);
		uvmsim_machine_leave(mc->m);
		if (uvmsim_check(mc->m, NULL) != 0)
			abort();
		uvmsim_machine_destroy(mc->m);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz f = { .p = data, .n = size };
	uint8_t nm;

	for (int i = 0; i < FUZZ_NLOAN; i++)
		f.loans[i].mi = -1;
	nm = u8(&f);
	f.nmach = 0;
	for (int i = 0; i < 1 + (nm & 1); i++) {
		if (!make_machine(&f, i))
			break;
		f.nmach++;
	}
	if (f.nmach == 0)
		return 0;
	if ((f.buf = malloc(FUZZ_BUFSZ)) == NULL ||
	    (f.devnull = fopen("/dev/null", "w")) == NULL)
		abort();
	uvmsim_machine_enter(f.mach[0].m);
	for (int n = 0; n < FUZZ_MAXOPS && f.n > 0; n++) {
		uint8_t op = u8(&f);

		f.bad = false;
		f.may_panic_next = false;
		f.may_change_next = false;
		switch (op >> 5) {
		case 0:
			op_proc(&f, op);
			break;
		case 1:
			op_file(&f, op);
			break;
		case 2: case 3:
			op_map(&f, op);
			break;
		case 4: case 5:
			op_access(&f, op);
			break;
		case 6:
			if (op & 0x10)
				op_loan(&f, op);
			else
				op_misc(&f, op);
			break;
		default:
			op_show(&f, op);
			break;
		}
	}
	uvmsim_machine_leave(f.mach[f.cur].m);
	teardown(&f);
	fclose(f.devnull);
	free(f.buf);
	return 0;
}
