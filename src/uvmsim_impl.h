/*
 * uvmsim_impl.h: the machine, and helpers shared between the library's
 * source files (uvmsim__ names).  Not installed.
 *
 * Glossary:
 *   machine  one simulated computer; every piece of mutable state lives in
 *            it, reached from kernel-named functions through the calling
 *            thread's current machine (uvmsim__cur()).
 *   frame    a page of host memory standing for a physical page; frame i
 *            is described by pages[i] and lives at frames + i * pagesize.
 *   clock    the machine's event counter; every state change ticks it.
 */
#ifndef UVMSIM_IMPL_H
#define UVMSIM_IMPL_H

#include <inttypes.h>
#include <stdarg.h>
#include <string.h>
#include <sys/bitstring.h>
#include <sys/queue.h>

#include <uvmsim/uvmsim.h>

#include "uvmsim_frame.h"

/* The trees of an object's pages and of a map's entries.  Their
 * functions (RB_GENERATE in uvm_object.c and uvm_map.c) are the
 * library's own, hidden from programs (uvmsim_export.h). */
RB_PROTOTYPE(uvm_pagetree, vm_page, rb_node, uvm_pagecmp)
RB_PROTOTYPE(uvm_map_tree, vm_map_entry, rb_entry, uvm_map_entry_cmp)

/* The kernel's "struct uvm": the global state of the VM system. */
struct uvm {
	struct simplelock pageqlock;	/* guards the paging queues */
	struct pglist	page_free[PGFL_NQUEUES]; /* free frames [pageqlock] */
	struct pglist	page_active;	/* active queue [pageqlock] */
	struct pglist	page_inactive;	/* inactive queue [pageqlock] */
	struct simplelock afreelock;	/* guards afree */
	struct vm_anon	*afree;		/* free anons [afreelock] */
};

enum uvmsim_fp {
	UVMSIM_FP_PAGEALLOC,
	UVMSIM_FP_ANALLOC,
	UVMSIM_FP_AMAPALLOC,
	UVMSIM_FP_PGO_EIO,
	UVMSIM_FP_PGO_EAGAIN,
	UVMSIM_FP_PGO_IO,
	UVMSIM_FP_LOCKTRY,
	UVMSIM_FP_CHECKREPORT,
	UVMSIM_FP_COUNT
};

enum uvmsim_hookpt {
	UVMSIM_HOOK_PGO_GET,
	UVMSIM_HOOK_PAGE_WAIT,
	UVMSIM_HOOK_LOCK_RETRY,
	UVMSIM_HOOK_TSLEEP,
	UVMSIM_HOOK_UVM_WAIT,
	UVMSIM_HOOK_COUNT
};

struct uvmsim_hook {
	uvmsim_hook_fn	fn;		/* NULL: none */
	void		*arg;
	unsigned long	runs;		/* times it ran */
	bool		once;		/* removed as it starts its one run */
};

/* Map lock holds a machine tracks at once (a map locked by nested
 * calls counts once per hold). */
#define UVMSIM_MAPHOLDS	32

struct uvmsim_failpoint {
	unsigned long	hits;		/* times reached */
	unsigned long	fired;		/* failures injected */
	unsigned long	from;		/* first failing hit, 0: disarmed */
	unsigned long	until;		/* first hit past the failures */
	unsigned long	armed_hits;	/* hits when last armed (0: never
					   armed since creation or reset) */
	unsigned long	armed_fired;	/* fired when last armed */
};

/* A block of anon structures; anons are never returned to the host
 * before the machine is destroyed, as the kernel keeps its anons. */
struct uvmsim_anonblock {
	SLIST_ENTRY(uvmsim_anonblock) ab_list;
	size_t		ab_count;
	struct vm_anon	ab_anons[];
};

struct uvmsim_machine {
	struct uvmexp	uvmexp;		/* counters */
	struct uvm	uvm;		/* queues and their locks */

	/* physical memory */
	struct vm_page	*pages;		/* npages descriptors */
	size_t		npages;
	uint8_t		*frames;	/* npages * pagesize bytes (host mmap) */
	uintptr_t	frames_pa0;	/* frames less phys_base: a frame's
					   bytes are at frames_pa0 +
					   pg->phys_addr (uvmsim__pgdata) */
	size_t		frames_len;
	size_t		pagesize;
	unsigned	pageshift;
	paddr_t		phys_base;	/* physical address of frame 0 */
	bool		on_valgrind;	/* created under Valgrind: mark frames */

	/* CPUs and determinism */
	unsigned	ncpus;
	unsigned	curcpu;
	uint64_t	seed;
	uint64_t	rng;		/* splitmix64 state */
	uint64_t	clock;		/* events so far */

	/* trace */
	unsigned	trace_cats;	/* UVMSIM_TRACE_ categories */
	bitstr_t	trace_types[bitstr_size(UVMSIM_EV_NTYPES)]; /* types recorded */
	struct uvmsim_event *ring;	/* ring_cap events */
	size_t		ring_cap;
	uint64_t	ring_n;		/* events ever put in the ring */
	FILE		*trace_fp;
	uvmsim_trace_fn	trace_fn;
	void		*trace_arg;

	/* locks held, oldest first */
	TAILQ_HEAD(, simplelock) held;
	size_t		nheld;
	uint64_t	lockgen;	/* acquisitions so far (simple and map
					   locks: one count) */
	/* map lock holds, oldest first: which map, shared or exclusive,
	 * and the acquisition number, so that a caught panic can release
	 * the holds taken since its catch began (uvm_map.c) */
	struct uvmsim_maphold {
		struct vm_map	*mh_map;
		uint64_t	mh_seq;		/* from lockgen */
		bool		mh_excl;	/* exclusive, else one shared hold */
	} mapholds[UVMSIM_MAPHOLDS];
	unsigned	nmapholds;

	/* panics */
	uvmsim_panic_fn	panic_fn;
	void		*panic_arg;
	struct uvmsim_catch *catch;	/* innermost armed catch */
	char		panicmsg[256];

	/* everything alive, in creation order, for the checker */
	TAILQ_HEAD(, uvm_object) objects;
	TAILQ_HEAD(, vm_anon) anons;
	TAILQ_HEAD(, vm_amap) amaps;
	u_int		next_obj_id;
	u_int		next_anon_id;
	u_int		next_amap_id;
	SLIST_HEAD(, uvmsim_anonblock) anonblocks;
	size_t		max_anons;

	/* page loanout: the behaviour; "modern" lends one shared zero page,
	 * owned by loanzero_obj (created at its first loan) */
	bool		loan_modern;
	struct uvm_object loanzero_obj;	/* set up when pgops != NULL */
	/* the loan-lock watch (cfg.check_loan_locks): each page's
	 * loan_count when last seen, and the first change seen without
	 * the locks it needs (reported once by the checker) */
	u_int		*loanwatch;	/* npages entries, or NULL: off */
	struct {
		uint64_t	page;
		u_int		from, to;
		const char	*why;	/* the lock missing; NULL: no breach */
		const char	*file;	/* the lock operation that saw it */
		int		line;
	} loanwatch_bad;

	struct uvmsim_failpoint fp[UVMSIM_FP_COUNT];
	struct uvmsim_hook hooks[UVMSIM_HOOK_COUNT];
	bool		in_hook;	/* a hook is running (no nesting) */

	/* the kernel environment of kernel source compiled against the
	 * compat headers (src/compat/kern_compat.c) */
	struct {
		int		lbolt;		/* its address: the lbolt channel */
		const void	*sleep_chan;	/* tsleep's channel, while asleep */
		bool		woken;		/* wakeup(sleep_chan) came */
		unsigned	wait_idle;	/* uvm_waits in a row, free unchanged */
		int		wait_free;	/* uvmexp.free after the last one */
		const struct simplelock *spin_lock; /* try-lock failing in a row */
		uint64_t	spin_seq;	/* ... against this acquisition */
		unsigned	spin_tries;	/* ... so many times */
	} kenv;

	/* pmap layer and MMU (src/pmap_sim), maps and processes */
	struct pmap_sim	*pmap_sim;	/* owned by src/pmap_sim */
	struct pmap_cpu	*mmu_curpc;	/* pmap_sim's state of CPU curcpu, NULL
					   without an MMU (the MMU's hit path;
					   uvmsim__mmu_setcpu keeps it) */
	struct uvmsim_vmparam vmparam;	/* set by the pmap backend */
	struct vm_map	*kernel_map;
	TAILQ_HEAD(, vm_map) maps;
	u_int		next_map_id;
	u_int		next_vmspace_id;
	TAILQ_HEAD(, proc) procs;
	pid_t		next_pid;
	struct uvmsim_segv last_segv;

	/* enter/leave: the machines current before each nested enter */
	struct uvmsim_machine *enter_stack[8];
	int		entered;

	char		errbuf[256];	/* last error on this machine */
};

/* ---- current machine ---- */

extern _Thread_local struct uvmsim_machine *uvmsim__curm
    __attribute__((tls_model("initial-exec")));

void	uvmsim__no_machine(const char *func) __attribute__((__noreturn__));

static inline struct uvmsim_machine *
uvmsim__cur_fn(const char *func)
{
	struct uvmsim_machine *m = uvmsim__curm;

	if (__predict_false(m == NULL))
		uvmsim__no_machine(func);
	return m;
}
#define uvmsim__cur()	uvmsim__cur_fn(__func__)

/* Run the body of an uvmsim_ call with m current, restoring the caller's. */
struct uvmsim__saved {
	struct uvmsim_machine *prev;
};
static inline struct uvmsim__saved
uvmsim__switch(struct uvmsim_machine *m)
{
	struct uvmsim__saved s = { uvmsim__curm };

	uvmsim__curm = m;
	return s;
}
static inline void
uvmsim__restore(struct uvmsim__saved s)
{
	uvmsim__curm = s.prev;
}

/* ---- errors ---- */

/* Record a failure of an uvmsim_ call and return err. */
int	uvmsim__error(struct uvmsim_machine *m, int err, const char *fmt, ...)
	    __attribute__((__format__(__printf__, 3, 4)));
/* Forget the last error, the thread's and m's (a call that says why it
 * fails, cleared on entry, so that no older message outlives it). */
void	uvmsim__error_clear(struct uvmsim_machine *m);

/* ---- panics ---- */

/* Turn every absolute path under the library's source tree in msg into
 * its path within the tree, in place (panic and checker messages). */
void	uvmsim__shorten_paths(char *msg);
void	uvmsim__panic(struct uvmsim_machine *m, const char *fmt, ...)
	    __attribute__((__noreturn__, __format__(__printf__, 2, 3)));
void	uvmsim__vpanic(struct uvmsim_machine *m, const char *fmt, va_list)
	    __attribute__((__noreturn__));

/* ---- locks ---- */

/* Release every lock whose acquisition number is at least since (the
 * unwinding of a caught panic): simple locks (kern_lock.c), map locks
 * (uvm_map.c). */
void	uvmsim__unlock_since(struct uvmsim_machine *m, uint64_t since);
void	uvmsim__map_unlock_since(struct uvmsim_machine *m, uint64_t since);

/*
 * The simple lock operations, inline.  A fault takes and releases a
 * dozen locks; out of line, each was a call and a look-up of the current
 * machine more than the work itself.  kern_lock.c's public functions are
 * these same bodies, so a lock taken here is the lock taken there: it
 * records its holder, place and acquisition number and goes on the held
 * list (kern_lock.c's invariant).  What panics stays out of line.
 */
void	uvmsim__lock_fail(struct uvmsim_machine *m, const struct simplelock *l,
	    const char *file, int line) __attribute__((__noreturn__));
void	uvmsim__unlock_fail(struct uvmsim_machine *m,
	    const struct simplelock *l, const char *file, int line)
	    __attribute__((__noreturn__));

/* The loan-lock watch: compare every page's loan_count with what was
 * last seen, at each lock operation (cfg.check_loan_locks). */
void	uvmsim__loanwatch(struct uvmsim_machine *m, const char *file,
	    int line);

/*
 * uvmsim__simple_lock: take l on m's current CPU; panics if it is held.
 * Always inline: a compiler that puts a copy out of line in a file with
 * many lock operations (uvm_fault.c) adds a call, a frame and register
 * saves to each.
 */
static inline __attribute__((__always_inline__)) void
uvmsim__simple_lock(struct uvmsim_machine *m, struct simplelock *l,
    const char *file, int line)
{
	if (__predict_false(m->loanwatch != NULL))
		uvmsim__loanwatch(m, file, line);
	if (__predict_false(l->lock_holder != 0))
		uvmsim__lock_fail(m, l, file, line);
	l->lock_holder = m->curcpu + 1;
	l->lock_file = file;
	l->lock_line = line;
	l->lock_seq = ++m->lockgen;
	TAILQ_INSERT_TAIL(&m->held, l, list);
	m->nheld++;
}

/* uvmsim__simple_unlock: release l; panics unless this CPU holds it
 * (always inline, as uvmsim__simple_lock). */
static inline __attribute__((__always_inline__)) void
uvmsim__simple_unlock(struct uvmsim_machine *m, struct simplelock *l,
    const char *file, int line)
{
	if (__predict_false(m->loanwatch != NULL))
		uvmsim__loanwatch(m, file, line);
	if (__predict_false(l->lock_holder != m->curcpu + 1))
		uvmsim__unlock_fail(m, l, file, line);
	TAILQ_REMOVE(&m->held, l, list);
	m->nheld--;
	l->lock_holder = 0;
}

static inline bool uvmsim__fp(struct uvmsim_machine *m, enum uvmsim_fp fp);

/* uvmsim__simple_lock_try: take l if it is free (and the failpoint
 * "simple_lock_try" does not fire); 1 if taken. */
static inline int
uvmsim__simple_lock_try(struct uvmsim_machine *m, struct simplelock *l,
    const char *file, int line)
{
	if (uvmsim__fp(m, UVMSIM_FP_LOCKTRY) || l->lock_holder != 0)
		return 0;
	uvmsim__simple_lock(m, l, file, line);
	return 1;
}

/*
 * The library's own uses of the lock macros go to the inline bodies.
 * The machine is looked up under the public function's name, so that a
 * call with no machine reports what it always reported.
 */
#undef simple_lock
#define simple_lock(l)							\
	uvmsim__simple_lock(uvmsim__cur_fn("_simple_lock"), (l),	\
	    __FILE__, __LINE__)
#undef simple_lock_try
#define simple_lock_try(l)						\
	uvmsim__simple_lock_try(uvmsim__cur_fn("_simple_lock_try"), (l),	\
	    __FILE__, __LINE__)
#undef simple_unlock
#define simple_unlock(l)						\
	uvmsim__simple_unlock(uvmsim__cur_fn("_simple_unlock"), (l),	\
	    __FILE__, __LINE__)
#undef simple_lock_held
#define simple_lock_held(l)						\
	((l)->lock_holder == uvmsim__cur_fn("_simple_lock_held")->curcpu + 1)
#undef uvm_lock_pageq
#define uvm_lock_pageq() do {						\
	struct uvmsim_machine *m__ = uvmsim__cur_fn("_uvm_lock_pageq");	\
	uvmsim__simple_lock(m__, &m__->uvm.pageqlock, __FILE__, __LINE__); \
} while (0)
#undef uvm_unlock_pageq
#define uvm_unlock_pageq() do {						\
	struct uvmsim_machine *m__ = uvmsim__cur_fn("_uvm_unlock_pageq"); \
	uvmsim__simple_unlock(m__, &m__->uvm.pageqlock, __FILE__,	\
	    __LINE__);							\
} while (0)

/* ---- trace ---- */

void	uvmsim__trace_emit(struct uvmsim_machine *m, unsigned type,
	    uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3,
	    const char *text);
void	uvmsim__trace_setup(struct uvmsim_machine *m, unsigned cats);

/* Tick the clock and record an event if its type is traced. */
static inline void
uvmsim__ev(struct uvmsim_machine *m, unsigned type, uint64_t a0,
    uint64_t a1, uint64_t a2, uint64_t a3)
{
	m->clock++;
	if (__predict_false(bit_test(m->trace_types, type)))
		uvmsim__trace_emit(m, type, a0, a1, a2, a3, NULL);
}

/* ---- failpoints ---- */

bool	uvmsim__fp_fire(struct uvmsim_machine *m, enum uvmsim_fp fp);

/* Count a hit of failpoint fp; true when this hit must fail. */
static inline bool
uvmsim__fp(struct uvmsim_machine *m, enum uvmsim_fp fp)
{
	struct uvmsim_failpoint *f = &m->fp[fp];

	f->hits++;
	if (__predict_true(f->from == 0))
		return false;
	return uvmsim__fp_fire(m, fp);
}

/* ---- lock-drop hooks ---- */

/* Run the hook at point h, if one is installed and none is running;
 * true if it ran. */
bool	uvmsim__hook(struct uvmsim_machine *m, enum uvmsim_hookpt h);

/* ---- page loanout ---- */

/*
 * The loan behaviours the linked loan module implements: the native
 * src/uvm_loan.c both, and it keeps the loan ledger (pg->kloan_count,
 * anon->an_loans) that the checker's exact loan counts need; a kernel
 * loan file compiled in its place knows 1.39 only, and no ledger.
 */
#define UVMSIM__LOAN_139	0x1
#define UVMSIM__LOAN_MODERN	0x2
#define UVMSIM__LOAN_LEDGER	0x4
unsigned uvmsim__loan_behaviours(void);

/*
 * Ownership of a page by its anon: PQ_ANON in pqflags (1.39), PG_ANON in
 * flags (the modern behaviour).  uvmexp.anonpages counts the marked
 * pages.  Page queues locked (1.39) or the owner (modern): the callers
 * hold both.
 */
static inline bool
uvmsim__pg_isanon(const struct uvmsim_machine *m, const struct vm_page *pg)
{
	return m->loan_modern ? (pg->flags & PG_ANON) != 0 :
	    (pg->pqflags & PQ_ANON) != 0;
}

static inline void
uvmsim__pg_setanon(struct uvmsim_machine *m, struct vm_page *pg, bool on)
{
	if (uvmsim__pg_isanon(m, pg) == on)
		return;
	if (m->loan_modern)
		pg->flags ^= PG_ANON;
	else
		pg->pqflags ^= PQ_ANON;
	if (on)
		m->uvmexp.anonpages++;
	else
		m->uvmexp.anonpages--;
}

/* ---- physical memory ---- */

/* The frame at physical address pa, or NULL outside the machine's memory
 * (PHYS_TO_VM_PAGE, and the pmap's and MMU's decoding of PTEs). */
static inline struct vm_page *
uvmsim__pa_page(const struct uvmsim_machine *m, paddr_t pa)
{
	if (pa < m->phys_base)
		return NULL;
	pa = (pa - m->phys_base) >> m->pageshift;
	if (pa >= m->npages)
		return NULL;
	return &m->pages[pa];
}

/* Frame index of pg: how traces and reports name a page. */
static inline uint64_t
uvmsim__pgid(const struct uvmsim_machine *m, const struct vm_page *pg)
{
	return (uint64_t)(pg - m->pages);
}

/* The bytes of pg's frame: from its physical address, which saves the
 * division of pg - m->pages on every PTE read and TLB fill. */
static inline void *
uvmsim__pgdata(const struct uvmsim_machine *m, const struct vm_page *pg)
{
	return (void *)(m->frames_pa0 + (uintptr_t)pg->phys_addr);
}

/*
 * uvmsim__frame_copy: copy the bytes of frame src into frame dst, with
 * the frame module's copy (uvmsim_frame.c); dst's bytes become defined.
 * uvmsim__frame_zero: zero pg's frame; its bytes become defined.
 */
static inline void
uvmsim__frame_copy(struct uvmsim_machine *m, struct vm_page *dst,
    const struct vm_page *src)
{
	uvmsim__frame_copy_bytes(uvmsim__pgdata(m, dst),
	    uvmsim__pgdata(m, src), m->pagesize);
}

static inline void
uvmsim__frame_zero(struct uvmsim_machine *m, struct vm_page *pg)
{
	uvmsim__frame_zero_bytes(uvmsim__pgdata(m, pg), m->pagesize);
}

/* Panic unless pg is one of m's frames. */
void	uvmsim__page_invalid(struct uvmsim_machine *m, const char *func)
	    __attribute__((__noreturn__));
static inline void
uvmsim__page_valid(struct uvmsim_machine *m, const struct vm_page *pg,
    const char *func)
{
	if (__predict_false(pg < m->pages || pg >= m->pages + m->npages))
		uvmsim__page_invalid(m, func);
}

/* Insert pg into uobj's tree at off / remove it (object locked). */
void	uvmsim__pageinsert(struct uvmsim_machine *m, struct vm_page *pg,
	    struct uvm_object *uobj, voff_t off);
void	uvmsim__pageremove(struct uvmsim_machine *m, struct vm_page *pg);

/*
 * Valgrind: a free frame's bytes are inaccessible, a new unzeroed one's
 * undefined.  The requests are made only when the machine was created
 * under Valgrind, so that elsewhere they cost one branch.
 */
enum uvmsim__vgstate { UVMSIM_VG_NOACCESS, UVMSIM_VG_UNDEFINED,
    UVMSIM_VG_DEFINED };
void	uvmsim__frame_mark(struct uvmsim_machine *m, struct vm_page *pg,
	    enum uvmsim__vgstate st);
#define uvmsim__frame_noaccess(m, pg) do {				\
	if (__predict_false((m)->on_valgrind))				\
		uvmsim__frame_mark((m), (pg), UVMSIM_VG_NOACCESS);	\
} while (0)
#define uvmsim__frame_undefined(m, pg) do {				\
	if (__predict_false((m)->on_valgrind))				\
		uvmsim__frame_mark((m), (pg), UVMSIM_VG_UNDEFINED);	\
} while (0)
#define uvmsim__frame_defined(m, pg) do {				\
	if (__predict_false((m)->on_valgrind))				\
		uvmsim__frame_mark((m), (pg), UVMSIM_VG_DEFINED);	\
} while (0)

/* ---- registry ---- */

static inline uint64_t uvmsim__objid(const struct uvm_object *o)
{ return o ? o->uo_id : 0; }
static inline uint64_t uvmsim__anonid(const struct vm_anon *a)
{ return a ? a->an_id : 0; }
static inline uint64_t uvmsim__amapid(const struct vm_amap *am)
{ return am ? am->am_id : 0; }

/* Register a new object with the machine (gives it an id). */
void	uvmsim__obj_register(struct uvmsim_machine *m, struct uvm_object *o);
void	uvmsim__obj_unregister(struct uvmsim_machine *m, struct uvm_object *o);
/* The body of a library pager's pgo_reference (uvm_object.c). */
void	uvmsim__obj_reference(struct uvmsim_machine *m, struct uvm_object *o);
/* The halves of a library pager's pgo_detach (uvm_object.c): drop a
 * reference, true (object locked) when it was the last; then free every
 * page, unlock and forget the object. */
bool	uvmsim__obj_unref(struct uvmsim_machine *m, struct uvm_object *o,
	    const char *who);
void	uvmsim__obj_freeall(struct uvm_object *o);

/* Free every anon block (machine teardown). */
void	uvmsim__anon_teardown(struct uvmsim_machine *m);
/* Free every amap still alive (machine teardown). */
void	uvmsim__amap_teardown(struct uvmsim_machine *m);
/* Free every object still alive (machine teardown), whatever its kind. */
void	uvmsim__obj_teardown(struct uvmsim_machine *m);

/* The synchronous half of pgo_get, shared by the pagers (uvm_object.c). */
int	uvmsim__pgo_getpages(struct uvmsim_machine *m, struct uvm_object *uobj,
	    voff_t offset, struct vm_page **pps, int npages, u_short pqflags,
	    void (*fill)(struct uvmsim_machine *, struct uvm_object *,
	    struct vm_page *), const char *who);

/* pgo_put, shared by the pagers (uvm_object.c). */
void	uvmsim__pgo_putpages(struct uvmsim_machine *m, struct uvm_object *uobj,
	    voff_t start, voff_t stop, int flags,
	    void (*clean)(struct uvmsim_machine *, struct uvm_object *,
	    struct vm_page *));

/* Per-kind teardown and checks, dispatched by pager ops. */
void	uvmsim__aobj_teardown(struct uvm_object *o);
void	uvmsim__file_teardown(struct uvm_object *o);
/* An aobj's size in bytes (uvm_map keeps mappings inside it). */
vsize_t	uvmsim__aobj_size(const struct uvm_object *o);

/* ---- pmap layer, maps, processes (set up after the frames) ---- */

/* Create the pmap layer: the backend named by cfg->arch, the kernel pmap,
 * the CPUs' TLBs; fills m->vmparam.  Returns 0 or an error recorded with
 * uvmsim__error naming the config field. */
int	uvmsim__pmap_init(struct uvmsim_machine *m,
	    const struct uvmsim_config *cfg);
void	uvmsim__pmap_teardown(struct uvmsim_machine *m);
/* The kernel map and its pmap: after uvmsim__pmap_init. */
int	uvmsim__map_init(struct uvmsim_machine *m);
/* Free every process, map and entry still alive (machine teardown). */
void	uvmsim__map_teardown(struct uvmsim_machine *m);

/* ---- checker helpers ---- */

/* Add a problem to r: the invariant's stable name, the object at fault
 * ("page 17", "anon 5"), the field, and a detail line.  When r cannot
 * grow, the problem is counted in r->dropped instead.  Called while
 * uvmsim_check() runs, with its machine current. */
void	uvmsim__problem(struct uvmsim_report *r, const char *invariant,
	    const char *object, const char *field, const char *fmt, ...)
	    __attribute__((__format__(__printf__, 5, 6)));

/* Per-module checks, called by uvmsim_check(). */
void	uvmsim__check_pages(struct uvmsim_machine *m, struct uvmsim_report *r);
void	uvmsim__check_objects(struct uvmsim_machine *m, struct uvmsim_report *r);
void	uvmsim__check_anons(struct uvmsim_machine *m, struct uvmsim_report *r);
void	uvmsim__check_amaps(struct uvmsim_machine *m, struct uvmsim_report *r);
void	uvmsim__check_locks(struct uvmsim_machine *m, struct uvmsim_report *r);
void	uvmsim__check_pmap(struct uvmsim_machine *m, struct uvmsim_report *r);
void	uvmsim__check_maps(struct uvmsim_machine *m, struct uvmsim_report *r);
/* For the checker: a managed mapping of pg whose leaf PTE allows writing,
 * its pmap's id and address in *pmidp, *vap; false if none (or no MMU).
 * Takes no lock, never panics (src/pmap_sim/pmap.c). */
bool	uvmsim__pmap_page_writable(struct uvmsim_machine *m,
	    const struct vm_page *pg, u_int *pmidp, vaddr_t *vap);
/* Which of the n (<= 32) pages from va pm maps: bit i for page i (the
 * answers of pmap_extract, in one walk; src/pmap_sim/pmap.c). */
uint32_t uvmsim__pmap_mapped(struct pmap *pm, vaddr_t va, int n);
/* Point m->mmu_curpc at CPU m->curcpu's MMU state (NULL without an MMU):
 * after every change of curcpu (src/pmap_sim/mmu.c). */
void	uvmsim__mmu_setcpu(struct uvmsim_machine *m);
/* Amap slot references per anon: a calloc'd array indexed by an_id, of
 * m->next_anon_id + 1 entries (the amap module counts them). */
int	*uvmsim__amap_anonrefs(struct uvmsim_machine *m);

/* ---- the probe (uvmsim_probe) ---- */

/* The entry of map holding va, or NULL: no lock taken, the hint left
 * alone (src/uvm_map.c). */
struct vm_map_entry *uvmsim__map_entry_at(struct vm_map *map, vaddr_t va);
/* The page-table and TLB half of a probe of va through pm, in user mode
 * or not: 0, or EINVAL recorded for a va the mode cannot address
 * (src/pmap_sim/mmu.c). */
int	uvmsim__mmu_probe(struct uvmsim_machine *m, struct pmap *pm,
	    vaddr_t va, bool user, struct uvmsim_probe *out);

#endif /* UVMSIM_IMPL_H */
