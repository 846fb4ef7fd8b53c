/*
 * uvmsim_state.h: the machine: one simulated computer's state, and the
 * services every layer reads from it (failpoints, lock-drop hooks, the
 * loan behaviour).  Not installed.
 *
 * Glossary:
 *   machine  one simulated computer; every piece of mutable state lives in
 *            it, reached from kernel-named functions through the calling
 *            thread's current machine (uvmsim__cur(), uvmsim_cur.h).
 *   frame    a page of host memory standing for a physical page; frame i
 *            is described by pages[i] and lives at frames + i * pagesize.
 *   clock    the machine's event counter; every state change ticks it.
 */
#ifndef UVMSIM_PRIV_STATE_H
#define UVMSIM_PRIV_STATE_H

#include <inttypes.h>
#include <stdio.h>
#include <sys/bitstring.h>
#include <sys/queue.h>

#include <uvmsim/uvmsim.h>

/*
 * UVMSIM__ALWAYS_INLINE: a function the hot paths (MMU access, fault,
 * loan, lock operations) need inline wherever it is called.  A coverage
 * build (-DUVMSIM_COVERAGE, -O0) leaves it a plain static inline, which
 * -O0 keeps out of line: one copy per file, whose branches gcov counts
 * once, where an inlined copy at each call site would count every
 * branch again for every caller.
 */
#ifdef UVMSIM_COVERAGE
#define UVMSIM__ALWAYS_INLINE	/* (-O0 inlines nothing else) */
#else
#define UVMSIM__ALWAYS_INLINE	__attribute__((__always_inline__))
#endif

/* The trees of an object's pages and of a map's entries.  Their
 * functions (RB_GENERATE in uvm_object.c and uvm_map_entry.c) are the
 * library's own, hidden from programs (uvmsim_export.h). */
RB_PROTOTYPE(uvm_pagetree, vm_page, rb_node, uvm_pagecmp)
RB_PROTOTYPE(uvm_map_tree, vm_map_entry, rb_entry, uvm_map_entry_cmp)

/* The kernel's "struct uvm": the global state of the VM system. */
struct uvm {
	struct simplelock pageqlock;	/* guards the active and inactive
					   queues */
	struct pglist	page_free[PGFL_NQUEUES]; /* free frames [changed
					   only inside uvm_pagealloc and
					   uvm_pagefree: uvm_page.c] */
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
	UVMSIM_FP_SWAPALLOC,
	UVMSIM_FP_SWAPPUT,
	UVMSIM_FP_SWAPGET,
	UVMSIM_FP_HOSTALLOC,
	UVMSIM_FP_CHECKLIVE,
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
	size_t		pages_len;	/* npages * sizeof(struct vm_page):
					   uvmsim__page_valid's bound */
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

	/* simple locks held, newest first (kern_lock.c) */
	SLIST_HEAD(, simplelock) held;
	void		(*lock_observer)(struct uvmsim_machine *,
			    const struct simplelock *, int, const char *,
			    int); /* called by each simple lock operation,
					   NULL: none (kern_lock.h) */
	uint32_t	lock_self;	/* curcpu + 1, or a value no holder
					   is while lock_observer is set
					   (kern_lock.h) */
	void		(*loan_watch)(struct uvmsim_machine *,
			    const char *, int); /* the loan-lock watch, or
					   NULL (uvmsim_check.c) */
	uint64_t	lockgen;	/* acquisitions so far (simple and map
					   locks: one count) */
	/* map lock holds, oldest first, from mapholds[1] up to the one
	 * before maphold_top: which map, shared or exclusive, and the
	 * acquisition number, so that a caught panic can release the holds
	 * taken since its catch began (uvm_map_lock.c).  mapholds[0] stays
	 * zero: the newest hold of an empty stack is no map's. */
	struct uvmsim_maphold {
		uintptr_t	mh_key;		/* the map's address, | 1 when
						   exclusive (UVMSIM__MH_EXCL) */
		uint64_t	mh_seq;		/* from lockgen */
	} mapholds[UVMSIM_MAPHOLDS + 1];
	struct uvmsim_maphold *maphold_top; /* one past the newest hold */

	/* panics */
	uvmsim_panic_fn	panic_fn;
	void		*panic_arg;
	struct uvmsim_catch *catch;	/* innermost armed catch */
	char		panicmsg[256];
	/* what a caught panic releases before it goes back to its catch:
	 * the holds of simple locks (kern_lock.c), then of map locks
	 * (uvm_map_lock.c), taken since the catch began; set at creation */
	void		(*unwind[2])(struct uvmsim_machine *, uint64_t since);

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
	bool		loan_ledger;	/* the loan module keeps the loan
					   ledger (UVMSIM__LOAN_LEDGER): set
					   at creation, read by any layer */
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

	/* swap: one device in memory of swap.nslots page-sized slots,
	 * numbered from 1 (an_swslot 0 means none) (uvm_swap.c) */
	struct {
		struct simplelock lock;	/* the swap data lock: guards the
					   fields below and uvmexp's swap
					   counters */
		int		nslots;		/* slots of the device [const] */
		bitstr_t	*inuse;		/* bit s: slot s allocated (bit 0
					   unused) [lock] */
		int		cursor;		/* next fit: the slot the next
					   search starts at [lock] */
		uint8_t		**data;		/* data[s]: slot s's contents, a
					   page allocated at its first
					   write and kept until the machine
					   goes [lock] */
	} swap;

	/* the page daemon (uvm_pdaemon.c) */
	int		wait_policy;	/* cfg.uvm_wait: UVMSIM_WAIT_ */
	bool		in_pagedaemon;	/* the page daemon is running */
	unsigned	wait_idle;	/* uvm_waits in a row, free unchanged */
	int		wait_free;	/* uvmexp.free after the last one */
	unsigned	wait_fruitless;	/* library waits in a row that freed
					   nothing (uvmsim__uvm_wait) */

	struct uvmsim_failpoint fp[UVMSIM_FP_COUNT];
	struct uvmsim_hook hooks[UVMSIM_HOOK_COUNT];
	bool		in_hook;	/* a hook is running (no nesting) */
	/* The frame copy's store fence, put off to the end of an access of
	 * the MMU (uvmsim_frame.h, uvmsim__frame_put_off). */
	bool		frame_defer;	/* a copy leaves its fence to the MMU */
	bool		frame_unfenced;	/* a copy's streamed stores await it */

	/* the kernel environment of kernel source compiled against the
	 * compat headers (src/compat/kern_compat.c); lbolt and the sleep
	 * are the library's sleeps too (uvmsim__sleep) */
	struct {
		int		lbolt;		/* its address: the lbolt channel */
		const void	*sleep_chan;	/* tsleep's channel, while asleep */
		bool		woken;		/* wakeup(sleep_chan) came */
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
	struct vm_map_entry *entry_spare; /* entries set aside for clipping,
					   linked by next (uvm_map_entry.c) */
	int		entry_nspare;	/* how many */
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

/* ---- the lock model's current CPU ---- */

/*
 * m->lock_self: the current CPU + 1, the holder the simple locks' fast
 * paths write and compare with (kern_lock.h), while no lock observer is
 * set; UVMSIM__LOCK_SELF_OBSERVED, which no lock's holder ever is, while
 * one is, so that a release's one compare also sends it to the slow path
 * that tells the observer.  Set again by uvmsim__lock_self_update
 * wherever m->curcpu or m->lock_observer changes; the checker compares
 * it with them.
 */
#define UVMSIM__LOCK_SELF_OBSERVED	UINT32_MAX
static inline void
uvmsim__lock_self_update(struct uvmsim_machine *m)
{
	m->lock_self = m->lock_observer != NULL ?
	    UVMSIM__LOCK_SELF_OBSERVED : m->curcpu + 1;
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

/* True when failpoint fp is armed to fail every hit from now on
 * (uvmsim_failpoint_set's count UVMSIM_FP_FOREVER): a retry can never
 * get past it. */
static inline bool
uvmsim__fp_forever(const struct uvmsim_machine *m, enum uvmsim_fp fp)
{
	return m->fp[fp].from != 0 && m->fp[fp].until == UVMSIM_FP_FOREVER;
}

/*
 * A sleep on chan, of the library or of kernel source (tsleep): the
 * "tsleep" hook is the other CPU (or the clock) that may wake it; true if
 * it called wakeup(chan).  No simple lock may be held (LOCKDEBUG's check
 * before a context switch: a panic).  Sleeping on lbolt is how the kernel
 * waits out a pager's transient shortage (EAGAIN) before it looks up
 * again; one that no sleep can end (the "pgo_get.eagain" failpoint armed
 * for ever) panics, saying so, where the kernel would retry for ever.
 */
bool	uvmsim__sleep(struct uvmsim_machine *m, const void *chan,
	    const char *what, const char *wmesg);
#define uvmsim__lbolt_sleep(m, wmesg) \
	((void)uvmsim__sleep((m), &(m)->kenv.lbolt, __func__, (wmesg)))

/* ---- host memory (uvmsim_host.c) ---- */

/* Host memory for m's state, a hit of m's failpoint "host_alloc" (m NULL:
 * no hit); NULL when it fails.  Blocks go back through uvmsim__free. */
void	*uvmsim__malloc(struct uvmsim_machine *m, size_t size);
void	*uvmsim__calloc(struct uvmsim_machine *m, size_t n, size_t size);
void	*uvmsim__realloc(struct uvmsim_machine *m, void *old, size_t size);
void	uvmsim__free(void *p);
/* A bit string of nbits bits, all clear (libbsd's bit_alloc, through
 * the door above). */
static inline bitstr_t *
uvmsim__bit_alloc(struct uvmsim_machine *m, int nbits)
{
	return uvmsim__calloc(m, (size_t)bitstr_size(nbits), 1);
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

/* ---- set-up and teardown (the pmap layer, maps and processes after
 * the frames) ---- */

/*
 * What the pmap layer asks of the VM system above it, given at boot so
 * that the layer below calls up only through this: frames for its page
 * tables (zeroed, owned by nobody, wired once; NULL when none may be had)
 * and their return, and the trap handler an access that faults goes to
 * (uvm_fault), as a CPU's trap vector names it.
 */
struct pmap_sim_uvm {
	struct vm_page *(*pu_ptp_alloc)(struct uvmsim_machine *m);
	void	(*pu_ptp_free)(struct uvmsim_machine *m, struct vm_page *pg);
	int	(*pu_fault)(struct vm_map *map, vaddr_t va, vm_fault_t type,
		    vm_prot_t access);
};

/* The host's physical memory in bytes, 0 if unknown: what a machine's
 * page descriptors, or a file's store, may take at most (a sanitizer's
 * allocator aborts on more rather than fail). */
size_t	uvmsim__host_memory(void);

/* Create the pmap layer: the backend named by cfg->arch, the kernel pmap,
 * the CPUs' TLBs; fills m->vmparam.  Returns 0 or an error recorded with
 * uvmsim__error naming the config field. */
int	uvmsim__pmap_init(struct uvmsim_machine *m,
	    const struct uvmsim_config *cfg, const struct pmap_sim_uvm *uvm);
/* The frames of page tables (src/uvm_page.c): pmap_sim_uvm's. */
struct vm_page *uvmsim__page_table_alloc(struct uvmsim_machine *m);
void	uvmsim__page_table_free(struct uvmsim_machine *m, struct vm_page *pg);
void	uvmsim__pmap_teardown(struct uvmsim_machine *m);
/* The page size of the architecture named arch (NULL: the default; "none":
 * 4 KiB) in *psp; 0, or EINVAL recorded naming the arch field. */
int	uvmsim__pmap_arch_page_size(const char *arch, size_t *psp);
/* The kernel map and its pmap: after uvmsim__pmap_init. */
int	uvmsim__map_init(struct uvmsim_machine *m);
/* Free every process, map and entry still alive (machine teardown). */
void	uvmsim__map_teardown(struct uvmsim_machine *m);

/* Create the swap device of cfg->swap_slots slots; 0 or an error
 * recorded naming the config field (uvm_swap.c). */
int	uvmsim__swap_init(struct uvmsim_machine *m,
	    const struct uvmsim_config *cfg);
/* Free the swap device's memory (machine teardown). */
void	uvmsim__swap_teardown(struct uvmsim_machine *m);
/* Set the page daemon's targets from uvmexp.npages (uvm_pdaemon.c). */
void	uvmsim__pdaemon_init(struct uvmsim_machine *m);
/* uvm_wait for the library's own callers, with nothing locked: 0 when
 * the wait may have made a frame free (the caller tries again), ENOMEM
 * when nothing could (the machine's policy is UVMSIM_WAIT_HOOK, or the
 * page daemon freed nothing): the caller fails (uvm_pdaemon.c). */
int	uvmsim__uvm_wait(struct uvmsim_machine *m, const char *wmsg);

/* Free every anon block (machine teardown). */
void	uvmsim__anon_teardown(struct uvmsim_machine *m);
/* Free every amap still alive (machine teardown). */
void	uvmsim__amap_teardown(struct uvmsim_machine *m);
/* Free every object still alive (machine teardown), whatever its kind. */
void	uvmsim__obj_teardown(struct uvmsim_machine *m);

/* Point m->mmu_curpc at CPU m->curcpu's MMU state (NULL without an MMU):
 * after every change of curcpu (src/pmap_sim/mmu.c). */
void	uvmsim__mmu_setcpu(struct uvmsim_machine *m);

#endif /* UVMSIM_PRIV_STATE_H */
