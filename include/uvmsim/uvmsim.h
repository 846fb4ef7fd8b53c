/*
 * uvmsim/uvmsim.h: the simulator's own API.
 *
 * A machine (struct uvmsim_machine) is one simulated computer: frames with
 * real contents, page queues, objects, anons and amaps, locks, counters,
 * a trace and a panic handler.  A process may hold any number of machines.
 *
 * Functions named uvmsim_* take their machine explicitly.  Functions with
 * kernel names (uvm_pagealloc, amap_add, simple_lock, ...) act on the
 * calling thread's current machine, set with uvmsim_machine_enter(); with
 * none set they panic with a message saying so.  A machine is used by one
 * thread at a time, and handed from one thread to another with a lock or
 * a release store: every frame copy is ordered before what its thread
 * does next, non-temporal stores included.
 *
 * Errors: functions that can fail return 0 or an errno value (EINVAL,
 * ENOMEM, ...).  uvmsim_strerror() names the value and uvmsim_last_error()
 * gives the message of the thread's last failure, naming the argument or
 * field at fault.  Every uvmsim_ call refuses a NULL machine, and any
 * other NULL it needs, with EINVAL and that message; a call that returns
 * no errno returns the value its comment below gives (NULL, 0, -1,
 * (size_t)-1 ...), and a void one does nothing.  An object (process,
 * address space, page, file) of another machine is refused the same way.  Misuse that the kernel would panic on (freeing a free
 * page, releasing a lock not held) goes to the panic handler instead.
 */
#ifndef UVMSIM_UVMSIM_H
#define UVMSIM_UVMSIM_H

#include <setjmp.h>
#include <stdio.h>

#include <uvmsim/types.h>
#include <uvmsim/systm.h>
#include <uvmsim/lock.h>
#include <uvmsim/uvm_extern.h>
#include <uvmsim/uvm_page.h>
#include <uvmsim/uvm_object.h>
#include <uvmsim/uvm_anon.h>
#include <uvmsim/uvm_amap.h>
#include <uvmsim/uvm_map.h>
#include <uvmsim/uvm_aobj.h>
#include <uvmsim/uvm_fault.h>
#include <uvmsim/uvm_loan.h>
#include <uvmsim/uvm_swap.h>
#include <uvmsim/uvm_pdaemon.h>
#include <uvmsim/pmap.h>
#include <uvmsim/proc.h>

#ifdef __cplusplus
extern "C" {
#endif

struct uvmsim_machine;

/* ---- configuration and machines ------------------------------------- */

/* Trace categories (uvmsim_config.trace, uvmsim_trace_set). */
#define UVMSIM_TRACE_PAGE	0x0001	/* allocation, freeing, queues, wiring */
#define UVMSIM_TRACE_ANON	0x0002	/* anons */
#define UVMSIM_TRACE_AMAP	0x0004	/* amaps and their slots */
#define UVMSIM_TRACE_OBJ	0x0008	/* objects and pager operations */
#define UVMSIM_TRACE_MISC	0x0010	/* panics, failpoints, CPU switches */
#define UVMSIM_TRACE_PMAP	0x0020	/* pmap(9) operations, page tables */
#define UVMSIM_TRACE_MAP	0x0040	/* maps, address spaces, processes */
#define UVMSIM_TRACE_FAULT	0x0080	/* faults and what resolved them */
#define UVMSIM_TRACE_TLB	0x0100	/* TLB fills, flushes, shootdowns */
#define UVMSIM_TRACE_ALL	0x01ff
/* Simple lock operations: which lock (its kind and the id of what holds
 * it, never an address), taken, tried or released, by which CPU and in
 * which context.  Not part of UVMSIM_TRACE_ALL: asked for by name.  A
 * lock event does not tick the event clock (a trace with it is the same
 * trace without it, plus lines that repeat the seq of the event before
 * them); see docs/guide.md. */
#define UVMSIM_TRACE_LOCK	0x0200

struct uvmsim_config {
	size_t		npages;		/* frames of physical memory (> 0) */
	size_t		page_size;	/* bytes, power of two, 1 KiB .. 64 KiB;
					   0: the architecture's */
	unsigned	ncpus;		/* simulated CPUs, 1 .. UVMSIM_MAXCPUS */
	uint64_t	seed;		/* drives every choice the simulator makes */
	unsigned	trace;		/* UVMSIM_TRACE_ categories recorded */
	size_t		trace_ring;	/* events the in-memory ring keeps (0: none) */
	size_t		max_anons;	/* anons that may exist (0: no limit) */
	int		reserve_kernel;	/* uvmexp.reserve_kernel */
	int		reserve_pagedaemon; /* uvmexp.reserve_pagedaemon */
	const char	*arch;		/* pmap backend: one of uvmsim_arch_name's,
					   or "none" (NULL: "x86_64") */
	unsigned	tlb_entries;	/* entries per CPU TLB, power of two */
	unsigned	tlb_ways;	/* associativity; divides tlb_entries */
	const char	*loan;		/* loan behaviour: "1.39" (NULL: it) or
					   "modern"; see docs/loan.md */
	int		check_loan_locks; /* nonzero: at every lock operation,
					   look for a loan_count that changed
					   without its page's owner and the
					   page queues locked (the checker's
					   loan.lock); costs a walk of all
					   frames per lock operation */
	unsigned	asid_max;	/* highest ASID the TLBs use (0: the
					   architecture's, 2^asid bits - 1):
					   a smaller space rolls over sooner.
					   At least ncpus; only for an
					   architecture with ASIDs */
	size_t		swap_slots;	/* page-sized slots of the machine's
					   swap device, in host memory (0: no
					   swap, a machine without swap; at
					   most UVMSIM_MAX_SWAP_SLOTS) */
	int		uvm_wait;	/* what uvm_wait does when an
					   allocation finds no free frame:
					   UVMSIM_WAIT_HOOK (0) or
					   UVMSIM_WAIT_PAGEDAEMON */
	int		dbm;		/* AArch64: 1: the hardware dirty-bit
					   modifier (FEAT_HAFDBS, TCR_EL1.HD)
					   records a write to a clean page by
					   clearing AP[2] itself; 0 (the
					   default): the pmap emulates it with
					   a permission fault.  0 or 1; 1 only
					   on an architecture with DBM */
	unsigned long	fail_host_alloc; /* nonzero: the machine is made
					   with failpoint "host_alloc" armed
					   as uvmsim_failpoint_set(m,
					   "host_alloc", fail_host_alloc,
					   fail_host_alloc_count) would arm
					   it, from its first allocation on
					   (hit 1: the machine structure):
					   the failures of creation itself */
	unsigned long	fail_host_alloc_count; /* hits that fail (0: 1) */
};

/* uvmsim_config.uvm_wait: the policy of uvm_wait (docs/guide.md).
 *   UVMSIM_WAIT_HOOK	    uvm_wait runs the "uvm_wait" hook only: the
 *			    library's own callers (the fault handler, the
 *			    loan module) fail with ENOMEM at once, as on a
 *			    machine whose page daemon never runs.
 *   UVMSIM_WAIT_PAGEDAEMON uvm_wait runs the hook, then the page daemon
 *			    (uvmsim_pagedaemon_run); the library's callers
 *			    wait there and try again, and fail with ENOMEM
 *			    only when the daemon could free nothing. */
#define UVMSIM_WAIT_HOOK	0
#define UVMSIM_WAIT_PAGEDAEMON	1

/* The largest swap device: slots are numbered in an int, from 1. */
#define UVMSIM_MAX_SWAP_SLOTS	((size_t)1 << 24)

#define UVMSIM_MAXCPUS		64
#define UVMSIM_MAX_PAGE_SIZE	65536
#define UVMSIM_MIN_PAGE_SIZE	1024

/* Fill *cfg with defaults: 1024 frames of 4 KiB, one CPU, seed 1, all
 * trace categories into a ring of 1024 events, x86_64 page tables, TLBs
 * of 64 entries, 4-way, loans as in 1.39. */
void	uvmsim_config_init(struct uvmsim_config *cfg);

int	uvmsim_machine_create(const struct uvmsim_config *cfg,
	    struct uvmsim_machine **mp);
void	uvmsim_machine_destroy(struct uvmsim_machine *m);

/* Make m the calling thread's current machine, and restore the previous
 * one.  Calls nest; leave must name the machine entered last.  A NULL m
 * changes nothing (EINVAL, message). */
void	uvmsim_machine_enter(struct uvmsim_machine *m);
void	uvmsim_machine_leave(struct uvmsim_machine *m);
struct uvmsim_machine *uvmsim_machine_current(void);

/* Getters; with m NULL they return NULL, 0 (page size, npages, seed,
 * clock, random) or (unsigned)-1 (cpu_current), with the message set. */
struct uvmexp	*uvmsim_uvmexp(struct uvmsim_machine *m);
size_t	uvmsim_page_size(const struct uvmsim_machine *m);
/* The name of the i-th architecture the library has (i from 0; the first
 * is the default), or NULL past the last. */
const char *uvmsim_arch_name(unsigned i);
size_t	uvmsim_npages(const struct uvmsim_machine *m);
uint64_t uvmsim_seed(const struct uvmsim_machine *m);
/* The machine's event clock: events so far. */
uint64_t uvmsim_clock(const struct uvmsim_machine *m);
/* Deterministic pseudo-random numbers from the machine's seed. */
uint64_t uvmsim_random(struct uvmsim_machine *m);

/* The machine's loan behaviour, spelled as cfg.loan spells it: "1.39" or
 * "modern" (docs/loan.md); NULL, with an error message, for m NULL. */
const char *uvmsim_loan_behaviour(const struct uvmsim_machine *m);
/* The modern behaviour's loan-zero object, which owns the one shared
 * zero page that every zero loan lends (at offset 0).  NULL, with an
 * error message naming the reason, in the 1.39 behaviour (its zero
 * loans are fresh pages owned by nobody), before the machine's first
 * zero loan (the object is made then, as the page is), or for m NULL. */
struct uvm_object *uvmsim_loan_zero_object(struct uvmsim_machine *m);

/* Frames.  uvmsim_page: NULL for a frame number out of range;
 * uvmsim_page_frame: (size_t)-1 for a pg that is not one of m's frames;
 * uvmsim_page_data: NULL for it. */
struct vm_page *uvmsim_page(struct uvmsim_machine *m, size_t frame);
size_t	uvmsim_page_frame(const struct uvmsim_machine *m,
	    const struct vm_page *pg);
void	*uvmsim_page_data(struct uvmsim_machine *m, struct vm_page *pg);

/* Simulated CPUs: lock holders are recorded by CPU. */
int	uvmsim_cpu_set(struct uvmsim_machine *m, unsigned cpu);
unsigned uvmsim_cpu_current(const struct uvmsim_machine *m);

/* ---- processes ------------------------------------------------------- */

/* The address ranges of the machine's architecture. */
struct uvmsim_vmparam {
	vaddr_t	user_min;	/* lowest user address (VM_MIN_ADDRESS) */
	vaddr_t	user_max;	/* past the highest (VM_MAXUSER_ADDRESS) */
	vaddr_t	kernel_min;	/* kernel map start (VM_MIN_KERNEL_ADDRESS) */
	vaddr_t	kernel_max;	/* kernel map end (VM_MAX_KERNEL_ADDRESS) */
	unsigned pt_levels;	/* levels of page tables (x86-64: 4, i386:
				   2; 0: no MMU) */
	vsize_t	pt_leaf_span;	/* bytes of addresses one leaf page table
				   maps (x86-64: 2 MiB, i386's NBPD: 4 MiB) */
};
const struct uvmsim_vmparam *uvmsim_vmparam(const struct uvmsim_machine *m);

/* A process with an empty address space; fork (uvmspace_fork: share,
 * copy and none inheritance); exit (frees the address space). */
int	uvmsim_proc_create(struct uvmsim_machine *m, struct proc **pp);
int	uvmsim_proc_fork(struct uvmsim_machine *m, struct proc *parent,
	    struct proc **childp);
void	uvmsim_proc_exit(struct uvmsim_machine *m, struct proc *p);

/* ---- the MMU ----------------------------------------------------------- */

/*
 * Accesses through a simulated CPU: the CPU's TLB, on a miss the walk of
 * the page tables the pmap wrote, on a fault uvm_fault() and a retry.
 * vs is the address space of the access (user mode); NULL means the
 * kernel's (supervisor mode, kernel addresses).  The CPU switches to vs
 * first if it was running another (pmap_activate).  size is 1, 2, 4 or 8
 * and va a multiple of it.  Returns 0, EINVAL for bad arguments, or
 * EFAULT when the fault cannot be resolved (the simulated SIGSEGV; see
 * uvmsim_last_segv).  A kernel-mode fault that cannot be resolved panics,
 * as the kernel's trap handler does.
 */
int	uvmsim_load(struct uvmsim_machine *m, unsigned cpu, struct vmspace *vs,
	    vaddr_t va, size_t size, uint64_t *valp);
int	uvmsim_store(struct uvmsim_machine *m, unsigned cpu, struct vmspace *vs,
	    vaddr_t va, size_t size, uint64_t val);
int	uvmsim_fetch(struct uvmsim_machine *m, unsigned cpu, struct vmspace *vs,
	    vaddr_t va, size_t size, uint64_t *valp);
/* copyin/copyout: bytes between the user space vs and host memory. */
int	uvmsim_copyin(struct uvmsim_machine *m, unsigned cpu, struct vmspace *vs,
	    vaddr_t uaddr, void *kbuf, size_t len);
int	uvmsim_copyout(struct uvmsim_machine *m, unsigned cpu,
	    struct vmspace *vs, const void *kbuf, vaddr_t uaddr, size_t len);
/* Walk vs's page tables (NULL: the kernel's) without faulting, touching
 * no accessed or dirty bit and no TLB: the physical address and the
 * rights of va, or ENOENT when nothing is mapped there.  The rights are
 * those an access in vs's mode would get: through a user address space
 * (vs not NULL) a supervisor-only page, such as a kernel address, is
 * mapped but gives VM_PROT_NONE, and a user load there faults. */
int	uvmsim_translate(struct uvmsim_machine *m, struct vmspace *vs,
	    vaddr_t va, paddr_t *pap, vm_prot_t *protp);

/*
 * Everything that stands behind one address, from the map entry down to
 * the TLBs (uvmsim_probe).  Pointers are the machine's own structures,
 * to be read, not kept past the next call that may free them.
 */
struct uvmsim_probe {
	/* the map entry holding va, in vs's map (vs NULL: the kernel map);
	 * with none, entry is false and the fields down to wired_count 0 */
	bool		entry;		/* an entry holds va */
	vaddr_t		start;		/* its first address */
	vaddr_t		end;		/* the first address past it */
	vm_prot_t	protection;	/* VM_PROT_ bits it allows now */
	vm_prot_t	max_protection;	/* ... at most */
	vm_inherit_t	inheritance;	/* MAP_INHERIT_SHARE, _COPY or _NONE */
	int		advice;		/* UVM_ADV_ value */
	int		etype;		/* UVM_ET_ flags */
	bool		copy_on_write;	/* UVM_ET_COPYONWRITE: private */
	bool		needs_copy;	/* UVM_ET_NEEDSCOPY: its amap is still
					   shared or not made yet */
	int		wired_count;	/* wirings of the entry (0: pageable) */
	/* the amap layer */
	struct vm_amap	*amap;		/* the entry's amap, or NULL */
	int		slot;		/* va's slot in it, or -1 */
	struct vm_anon	*anon;		/* the anon in that slot, or NULL */
	/* the object layer */
	struct uvm_object *uobj;	/* the entry's object, or NULL */
	voff_t		offset;		/* va's page's offset in it (0: none) */
	/* the page the layers hold for va: the anon's, else the object's
	 * resident page at offset (what a fault would map), or none */
	struct vm_page	*page;		/* or NULL */
	size_t		frame;		/* its frame, or (size_t)-1 */
	/* the leaf PTE of va in the page tables of vs (NULL: the kernel's);
	 * kernel addresses are seen through any of them */
	unsigned	pte;		/* UVMSIM_PTE_ bits; 0: not valid */
	uint64_t	pte_raw;	/* the PTE as the architecture has it */
	paddr_t		pa;		/* physical address of va, if valid */
	struct vm_page	*pte_page;	/* the frame it maps, or NULL */
	size_t		pte_frame;	/* its index, or (size_t)-1 */
	vm_prot_t	prot;		/* rights an access in vs's mode gets
					   from the page tables (every level;
					   NONE to a user access of a
					   supervisor page): what
					   uvmsim_translate reports */
	/* the TLBs: bit c for CPU c */
	uint64_t	tlb_cpus;	/* CPUs whose TLB caches va */
	uint64_t	tlb_writable;	/* ... with an entry allowing writes
					   (perhaps more than the PTE allows,
					   until pmap_update) */
};

/* uvmsim_probe.pte: the leaf PTE's own bits, whatever the upper levels
 * and the mode allow. */
#define UVMSIM_PTE_VALID	0x001	/* present */
#define UVMSIM_PTE_WRITABLE	0x002	/* write allowed (x86 RW) */
#define UVMSIM_PTE_USER		0x004	/* user mode allowed (x86 US) */
#define UVMSIM_PTE_ACCESSED	0x008	/* accessed bit, set by the walker */
#define UVMSIM_PTE_MODIFIED	0x010	/* dirty bit, set by a write */
#define UVMSIM_PTE_GLOBAL	0x020	/* kept across a pmap switch */
#define UVMSIM_PTE_NOEXEC	0x040	/* execution forbidden (x86 NX) */
#define UVMSIM_PTE_WIRED	0x080	/* software bit: a wired mapping */
#define UVMSIM_PTE_MANAGED	0x100	/* software bit: the page has a pv
					   entry for it (pmap_enter) */

/* Probe the address va of vs (NULL: the kernel map and page tables,
 * supervisor mode; va must be a kernel address), filling *out.  Nothing
 * changes: no lock is taken, no accessed or dirty bit, TLB entry, queue,
 * map hint, counter or event clock moves, and no fault is taken.
 * Returns 0 (also when nothing is mapped: out says what there is), or
 * EINVAL for a NULL machine or out, a machine with no MMU, a vs that is
 * not an address space of m, a va the architecture cannot form (x86-64:
 * non-canonical; i386: above 4 GiB), or a user va with vs NULL. */
int	uvmsim_probe(struct uvmsim_machine *m, struct vmspace *vs, vaddr_t va,
	    struct uvmsim_probe *out);

/* Print the raw page tables of the address space vs (NULL: the kernel's)
 * to fp: every valid entry of every level, indented, with the addresses
 * it covers, its value, the frame it points at and its bits by the
 * architecture's own names.  An observation like uvmsim_probe.  0, or
 * EINVAL naming the argument (arch none, vs not live), EIO on a write
 * error. */
int	uvmsim_pmap_dump(struct uvmsim_machine *m, struct vmspace *vs,
	    FILE *fp);

/* The last unresolvable fault of the machine. */
struct uvmsim_segv {
	vaddr_t		addr;		/* faulting address */
	vm_prot_t	access;		/* VM_PROT_READ, _WRITE or _EXECUTE */
	unsigned	cpu;		/* CPU that faulted */
	int		error;		/* what uvm_fault returned */
};
void	uvmsim_last_segv(const struct uvmsim_machine *m, struct uvmsim_segv *s);

struct uvmsim_tlb_stats {
	uint64_t	hits;
	uint64_t	misses;
	uint64_t	flushes;	/* whole-TLB flushes */
	uint64_t	invalidations;	/* single entries shot down */
	uint64_t	asid_rollovers;	/* ASID space exhausted: a new
					   generation, this CPU's non-global
					   entries flushed (also counted in
					   flushes); 0 on a TLB without ASIDs */
	/* Faults this CPU took, by kind.  Those that reach uvm_fault: */
	uint64_t	faults_invalid;	/* nothing mapped (VM_FAULT_INVALID) */
	uint64_t	faults_protect;	/* mapped without the right
					   (VM_FAULT_PROTECT) */
	/* Those the pmap resolves itself, uvm_fault never called (each
	 * access retried after): */
	uint64_t	faults_access_flag; /* AArch64: an access with AF clear;
					   the pmap sets AF (referenced) */
	uint64_t	faults_refmod;	/* referenced/modified emulation: a
					   fault-on bit (Alpha's FOR, FOW,
					   FOE) the pmap cleared, a write to a
					   writable page kept read-only until
					   modified (AArch64 without DBM, MIPS
					   with D clear), a first use of a
					   MIPS page with V clear: the pmap
					   records the page's attribute */
	uint64_t	tlb_refills;	/* software refills (MIPS): a miss the
					   pmap's refill handler served from
					   its own tables */
};
int	uvmsim_tlb_stats(const struct uvmsim_machine *m, unsigned cpu,
	    struct uvmsim_tlb_stats *st);

/* The page tables of every pmap, the kernel's included: pages in use
 * now and at most so far, their bytes, and the format's PTE size and
 * levels.  0, or EINVAL naming the argument (arch none: no MMU). */
struct uvmsim_pmap_stats {
	uint64_t	ptps;		/* page-table pages in use */
	uint64_t	ptps_peak;	/* most in use at once */
	uint64_t	pt_bytes;	/* their bytes: ptps pages */
	uint64_t	pt_bytes_peak;	/* ... at the peak */
	unsigned	pte_bytes;	/* bytes of one PTE */
	unsigned	levels;		/* levels of tables */
};
int	uvmsim_pmap_stats(const struct uvmsim_machine *m,
	    struct uvmsim_pmap_stats *st);

/* ---- errors ---------------------------------------------------------- */

const char *uvmsim_strerror(int err);
/* Message of the calling thread's last failed call ("" if none). */
const char *uvmsim_last_error(void);
/* Message of the machine's last failed call ("" if none). */
const char *uvmsim_machine_error(const struct uvmsim_machine *m);

/* ---- panics ---------------------------------------------------------- */

typedef void (*uvmsim_panic_fn)(struct uvmsim_machine *m, const char *msg,
    void *arg);

/* Install a panic handler (NULL: the default, which prints the message and
 * the trace tail and aborts).  A NULL m installs nothing (message).  A handler must not return: it longjmps, or
 * calls a test framework's assertion hook (CMocka's mock_assert). */
void	uvmsim_set_panic_handler(struct uvmsim_machine *m, uvmsim_panic_fn fn,
	    void *arg);

/* Catching a panic without a handler of one's own:
 *
 *	struct uvmsim_catch c;
 *	UVMSIM_CATCH(m, &c, uvm_pagefree(pg));
 *	if (c.caught) ... c.message ...
 *
 * A caught panic releases the locks taken after the catch began, simple
 * locks and map locks (each shared or exclusive hold) alike, as the
 * unwinding of a kernel thread would, so the machine can be checked, its
 * mappings removed, its processes ended and it destroyed afterwards;
 * locks held before the catch began stay held.  The thread's current
 * machine is again the one current when the catch began (a uvmsim_ call
 * that panicked had made its own machine current).  Catches nest.  With m NULL nothing is armed:
 * stmt runs uncaught and uvmsim_catch_end records EINVAL. */
struct uvmsim_catch {
	jmp_buf		jb;
	int		caught;		/* a panic was caught */
	char		message[256];	/* its message */
	uint64_t	lockgen;	/* lock acquisitions when it began */
	struct uvmsim_machine *current;	/* the thread's current machine
					   when it began */
	struct uvmsim_catch *prev;
};

void	uvmsim_catch_begin(struct uvmsim_machine *m, struct uvmsim_catch *c);
void	uvmsim_catch_end(struct uvmsim_machine *m, struct uvmsim_catch *c);

#define UVMSIM_CATCH(m, c, stmt) do {					\
	uvmsim_catch_begin((m), (c));					\
	if (setjmp((c)->jb) == 0) {					\
		stmt;							\
	}								\
	uvmsim_catch_end((m), (c));					\
} while (0)

/* ---- trace ----------------------------------------------------------- */

enum uvmsim_event_type {
	UVMSIM_EV_PAGE_ALLOC,		/* pg obj off anon */
	UVMSIM_EV_PAGE_FREE,		/* pg */
	UVMSIM_EV_PAGE_DISOWN,		/* pg loans: loaned page lost its owner */
	UVMSIM_EV_PAGE_ACTIVATE,	/* pg */
	UVMSIM_EV_PAGE_DEACTIVATE,	/* pg */
	UVMSIM_EV_PAGE_DEQUEUE,		/* pg */
	UVMSIM_EV_PAGE_WIRE,		/* pg wire_count */
	UVMSIM_EV_PAGE_UNWIRE,		/* pg wire_count */
	UVMSIM_EV_PAGE_ZERO,		/* pg */
	UVMSIM_EV_PAGE_COPY,		/* src dst */
	UVMSIM_EV_PAGE_RENAME,		/* pg obj off */
	UVMSIM_EV_PAGE_UNBUSY,		/* pg */
	UVMSIM_EV_PAGE_IDLEZERO,	/* pg */
	UVMSIM_EV_ANON_ALLOC,		/* anon */
	UVMSIM_EV_ANON_FREE,		/* anon pg */
	UVMSIM_EV_ANON_RELEASE,		/* anon pg: busy page marked released */
	UVMSIM_EV_ANON_ADOPT,		/* anon pg: orphan taken over */
	UVMSIM_EV_AMAP_ALLOC,		/* amap slots */
	UVMSIM_EV_AMAP_FREE,		/* amap */
	UVMSIM_EV_AMAP_ADD,		/* amap slot anon replace */
	UVMSIM_EV_AMAP_UNADD,		/* amap slot anon */
	UVMSIM_EV_AMAP_REF,		/* amap slot len refs */
	UVMSIM_EV_AMAP_UNREF,		/* amap slot len refs */
	UVMSIM_EV_AMAP_SPLITREF,	/* amap slot */
	UVMSIM_EV_AMAP_EXTEND,		/* amap slots */
	UVMSIM_EV_AMAP_COPY,		/* from to slots */
	UVMSIM_EV_AMAP_WIPEOUT,		/* amap */
	UVMSIM_EV_OBJ_CREATE,		/* obj size */
	UVMSIM_EV_OBJ_REFERENCE,	/* obj refs */
	UVMSIM_EV_OBJ_DETACH,		/* obj refs */
	UVMSIM_EV_OBJ_FREE,		/* obj */
	UVMSIM_EV_PGO_GET,		/* obj off npages error */
	UVMSIM_EV_PGO_PUT,		/* obj start stop flags */
	UVMSIM_EV_PGO_READ,		/* obj off pg: contents from backing store */
	UVMSIM_EV_PGO_WRITE,		/* obj off pg: contents to backing store */
	UVMSIM_EV_PANIC,		/* text: message */
	UVMSIM_EV_FAILPOINT,		/* hit; text: failpoint name */
	UVMSIM_EV_CPU,			/* cpu */
	UVMSIM_EV_PMAP_CREATE,		/* pmap */
	UVMSIM_EV_PMAP_DESTROY,		/* pmap */
	UVMSIM_EV_PMAP_ENTER,		/* pmap va pg prot|flags */
	UVMSIM_EV_PMAP_REMOVE,		/* pmap sva eva */
	UVMSIM_EV_PMAP_PROTECT,		/* pmap sva eva prot */
	UVMSIM_EV_PMAP_PAGE_PROTECT,	/* pg prot */
	UVMSIM_EV_PMAP_KENTER,		/* va pg prot */
	UVMSIM_EV_PMAP_KREMOVE,		/* va len */
	UVMSIM_EV_PMAP_UNWIRE,		/* pmap va */
	UVMSIM_EV_PMAP_UPDATE,		/* pmap invalidations */
	UVMSIM_EV_PMAP_CLEAR_MOD,	/* pg was */
	UVMSIM_EV_PMAP_CLEAR_REF,	/* pg was */
	UVMSIM_EV_PMAP_ACTIVATE,	/* cpu pmap */
	UVMSIM_EV_PTP_ALLOC,		/* pmap level pg */
	UVMSIM_EV_PTP_FREE,		/* pmap level pg */
	UVMSIM_EV_TLB_FILL,		/* cpu va pg prot */
	UVMSIM_EV_TLB_FLUSH,		/* cpu */
	UVMSIM_EV_TLB_INVAL,		/* cpu va */
	UVMSIM_EV_MAP_MAP,		/* map start end etype */
	UVMSIM_EV_MAP_UNMAP,		/* map start end */
	UVMSIM_EV_MAP_PROTECT,		/* map start end prot */
	UVMSIM_EV_MAP_INHERIT,		/* map start end inherit */
	UVMSIM_EV_MAP_WIRE,		/* map start end wired */
	UVMSIM_EV_MAP_CLIP,		/* map start at */
	UVMSIM_EV_VMSPACE_ALLOC,	/* vmspace map */
	UVMSIM_EV_VMSPACE_FORK,		/* parent child */
	UVMSIM_EV_VMSPACE_FREE,		/* vmspace */
	UVMSIM_EV_PROC_CREATE,		/* pid vmspace */
	UVMSIM_EV_PROC_EXIT,		/* pid */
	UVMSIM_EV_FAULT,		/* map va type access */
	UVMSIM_EV_FAULT_ZERO,		/* anon pg: zero fill */
	UVMSIM_EV_FAULT_COW,		/* anon from to: copy on write */
	UVMSIM_EV_FAULT_OBJ,		/* obj off pg: object page mapped */
	UVMSIM_EV_FAULT_ANON,		/* anon pg: anon page mapped */
	UVMSIM_EV_LOAN_BREAK,		/* from to obj anon: owner's copy of a
					   loaned page (uvm_loanbreak*) */
	UVMSIM_EV_FAULT_DONE,		/* map va error */
	UVMSIM_EV_SEGV,			/* cpu va access */
	UVMSIM_EV_HOOK,			/* runs; text: the point */
	UVMSIM_EV_SWAP_ALLOC,		/* slot nslots */
	UVMSIM_EV_SWAP_FREE,		/* slot nslots */
	UVMSIM_EV_SWAP_PUT,		/* slot pg npages error: pages written */
	UVMSIM_EV_SWAP_GET,		/* slot pg error: a page read */
	UVMSIM_EV_PDAEMON,		/* free freetarg inactive inactarg:
					   the page daemon starts a run */
	UVMSIM_EV_PDAEMON_DONE,		/* scanned freed deactivated */
	UVMSIM_EV_PAGEOUT,		/* pg obj anon slot: the page daemon
					   cleaned a page (slot 0: to its
					   object's pager) */
	UVMSIM_EV_LOCK,			/* id ctx held; text: the lock's kind:
					   simple_lock took it */
	UVMSIM_EV_LOCK_TRY,		/* id ctx ok; text: kind: simple_lock_try
					   (ok 1: taken) */
	UVMSIM_EV_UNLOCK,		/* id ctx held; text: kind:
					   simple_unlock */
	UVMSIM_EV_NTYPES
};

struct uvmsim_event {
	uint64_t	seq;		/* event clock, from 1 */
	uint16_t	type;		/* enum uvmsim_event_type */
	uint16_t	cpu;		/* simulated CPU */
	uint32_t	pad;
	uint64_t	arg[4];		/* as the type says; ids, frames, offsets */
	const char	*text;		/* a name or message, or NULL */
};

typedef void (*uvmsim_trace_fn)(struct uvmsim_machine *m,
    const struct uvmsim_event *ev, void *arg);

/* Change the categories recorded; returns EINVAL on unknown bits. */
int	uvmsim_trace_set(struct uvmsim_machine *m, unsigned categories);
/* Write each event to fp as a text line as it happens (NULL: stop). */
void	uvmsim_trace_text(struct uvmsim_machine *m, FILE *fp);
/* Call fn for each event as it happens (NULL: stop). */
void	uvmsim_trace_callback(struct uvmsim_machine *m, uvmsim_trace_fn fn,
	    void *arg);
/* Copy up to max of the newest events in the ring into out, oldest first;
 * returns how many were copied (0, message, for m NULL, or out NULL with
 * max > 0). */
size_t	uvmsim_trace_ring(const struct uvmsim_machine *m,
	    struct uvmsim_event *out, size_t max);
/* Print the newest n events of the ring to fp. */
void	uvmsim_trace_dump(const struct uvmsim_machine *m, FILE *fp, size_t n);
/* Format one event as its stable text line (no newline); returns the
 * length snprintf would, or -1 (message) for ev NULL or buf NULL with
 * len > 0. */
int	uvmsim_event_format(const struct uvmsim_event *ev, char *buf,
	    size_t len);
const char *uvmsim_event_name(unsigned type);

/* ---- failpoints ------------------------------------------------------ */

/*
 * Named failpoints:
 *   "uvm_pagealloc"	uvm_pagealloc() finds no free page
 *   "uvm_analloc"	uvm_analloc() finds no free anon (out of swap)
 *   "amap_alloc"	amap allocation finds no memory
 *   "pgo_get.eio"	a pager's pgo_get fails with EIO
 *   "pgo_get.eagain"	a pager's pgo_get with I/O (not PGO_LOCKED) fails
 *			with EAGAIN, a shortage only I/O meets
 *   "pgo_get.io"	a locked pgo_get finds the page needs I/O (EBUSY)
 *   "simple_lock_try"	simple_lock_try() fails
 *   "uvmsim_check.report" growing a checker report finds no host memory:
 *			the problem is counted in the report's dropped
 *   "uvm_swap_alloc"	uvm_swap_alloc() finds no free slot (swap full):
 *			the page daemon leaves the page resident, dirty,
 *			reactivated; pgo_put(PGO_CLEANIT) of an aobj
 *			leaves it dirty
 *   "uvm_swap_put.eio"	a write to swap fails: the slot is freed, the page
 *			stays resident and dirty (reactivated by the page
 *			daemon)
 *   "uvm_swap_get.eio"	a read from swap fails: the anon or aobj keeps its
 *			slot and data; the fault (uvm_fault's error, EIO)
 *			or pgo_get fails, and the MMU access reports it
 *   "host_alloc"	a host allocation (malloc, calloc, realloc) of the
 *			library for this machine's state fails: the call
 *			that needed it fails with ENOMEM (an access: the
 *			fault error), its state as before the call
 *   "uvmsim_check.live" the checker's set of live amaps, objects or maps
 *			(hit once per set, three per check) finds no host
 *			memory: the check walks the machine's lists
 *			instead and finds the same problems
 * uvmsim_failpoint_set() arms one: of its hits from now on, hits nth ..
 * nth + count - 1 (nth counts from 1) fail.  count 0 disarms it;
 * count UVMSIM_FP_FOREVER fails every hit from the nth on, until the
 * point is disarmed.  A wait for a shortage only such a failpoint makes
 * (a pager's EAGAIN, retried after a sleep on lbolt) would never end:
 * it panics, saying so.
 * docs/guide.md lists the operations that reach each point, in order.
 */
#define UVMSIM_FP_FOREVER	(~0UL)
int	uvmsim_failpoint_set(struct uvmsim_machine *m, const char *name,
	    unsigned long nth, unsigned long count);
/* Hits since the machine was created or the point was last reset
 * (armed or not); ENOENT-style: returns (unsigned long)-1 for an unknown
 * name or a NULL m. */
unsigned long uvmsim_failpoint_hits(const struct uvmsim_machine *m,
	    const char *name);
/* Failures injected since the machine was created or the point reset;
 * (unsigned long)-1 as for the hits. */
unsigned long uvmsim_failpoint_fired(const struct uvmsim_machine *m,
	    const char *name);
/* Disarm every failpoint; the counts go on. */
void	uvmsim_failpoint_clear(struct uvmsim_machine *m);
/* Hits since uvmsim_failpoint_set() last armed the point (count > 0;
 * disarming with count 0 does not restart the count), or since creation
 * or reset if it never was; with firedp not NULL, *firedp gets the
 * failures injected since then.  (unsigned long)-1 and an error message
 * for m NULL or an unknown name. */
unsigned long uvmsim_failpoint_since_armed(const struct uvmsim_machine *m,
	    const char *name, unsigned long *firedp);
/* Put the failpoint called name (NULL: every failpoint) back as at
 * machine creation: disarmed, hits and failures 0.  EINVAL for m NULL
 * or an unknown name. */
int	uvmsim_failpoint_reset(struct uvmsim_machine *m, const char *name);
/* Host memory blocks the library holds now, in all machines of the
 * process: after uvmsim_machine_destroy of every machine made since, the
 * count is back where it was (docs/guide.md, host memory). */
long	uvmsim_host_allocs(void);

/* ---- lock-drop hooks --------------------------------------------------- */

/*
 * Where UVM drops its locks to wait or to do I/O, another CPU could run
 * and change the world.  In the simulator nothing else runs, unless a
 * hook is installed at that point: it runs there, with none of the
 * interrupted code's locks held, and may do what that other CPU would —
 * unmap the range, change protections, free or page out a page, fill an
 * amap slot, finish the I/O that holds a page busy, release a lock.  The
 * interrupted code then goes on as the kernel does after its sleep: it
 * relocks, checks, and looks up again or restarts where something moved.
 * A wait that the hook did not end (the page still busy, the lock still
 * held) would never end: it panics, saying so.
 *
 * Points:
 *   "pgo_get"	  the I/O of the library pagers' synchronous pgo_get: the
 *		  pages are busy, the object and the maps unlocked.
 *   "page_wait"  a fault or loan found the page it needs busy and sleeps
 *		  until it is not (uvmfault_anonget): everything unlocked.
 *   "lock_retry" a try-lock taken against the lock order failed against a
 *		  lock really held; the caller has dropped its own lock and
 *		  will try again (uvm_anon_lockloanpg, uvm_unloanpage).
 *   "tsleep"	  kernel source built on the compat headers sleeps
 *		  (docs/kernel-code.md), or the library's fault or loan
 *		  sleeps on lbolt after a pager's EAGAIN, everything
 *		  unlocked; a wakeup() of its channel from the hook ends
 *		  the sleep; lbolt's always ends.
 *   "uvm_wait"	  uvm_wait, waiting for free pages: kernel source's, and
 *		  the library's own fault and zero loan on a machine whose
 *		  cfg.uvm_wait is UVMSIM_WAIT_PAGEDAEMON (the page daemon
 *		  runs after the hook); nothing locked.  Kernel source's
 *		  waits, many in a row with the free count unchanged, would
 *		  never end: a panic.
 *
 * A hook runs on the current CPU, once per visit, never nested.
 * uvmsim_hook_set(m, point, NULL, NULL) removes it.
 */
typedef void (*uvmsim_hook_fn)(struct uvmsim_machine *m, const char *point,
    void *arg);

int	uvmsim_hook_set(struct uvmsim_machine *m, const char *point,
	    uvmsim_hook_fn fn, void *arg);
/* Install fn at point for one run: it is removed as that run starts
 * (before fn is called, so fn may install a hook there again).  fn must
 * not be NULL; uvmsim_hook_set() replaces or removes it before it runs. */
int	uvmsim_hook_set_once(struct uvmsim_machine *m, const char *point,
	    uvmsim_hook_fn fn, void *arg);
/* Times the hook at point ran; (unsigned long)-1 for an unknown point or
 * a NULL m. */
unsigned long uvmsim_hook_runs(const struct uvmsim_machine *m,
	    const char *point);

/* ---- the checker ----------------------------------------------------- */

struct uvmsim_problem {
	char	invariant[32];	/* stable name, e.g. "page.queue" */
	char	object[48];	/* e.g. "page 17", "object 3", "anon 5" */
	char	field[32];	/* e.g. "pqflags", "uo_npages" */
	char	detail[160];	/* what was found and what was expected */
};

struct uvmsim_report {
	size_t	count;		/* problems found and kept in problems[] */
	size_t	cap;		/* (allocated) */
	struct uvmsim_problem *problems;
	size_t	dropped;	/* problems found but not kept: the host had
				   no memory to grow problems[] */
};

/* Walk every structure of the machine and report each broken invariant.
 * Returns the number of problems (count + dropped).  With r NULL the problems are printed
 * to stderr; otherwise they are kept in r, and uvmsim_report_free()
 * releases them.  A NULL m returns -1 (never a count), r untouched. */
int	uvmsim_check(struct uvmsim_machine *m, struct uvmsim_report *r);
void	uvmsim_report_print(const struct uvmsim_report *r, FILE *fp);
void	uvmsim_report_free(struct uvmsim_report *r);
/* The first problem with this invariant (and field, if not NULL); NULL
 * if none, or (message) for r or invariant NULL. */
const struct uvmsim_problem *uvmsim_report_find(const struct uvmsim_report *r,
	    const char *invariant, const char *field);

/* ---- the page daemon ------------------------------------------------- */

/*
 * Run the page daemon once on m, as the kernel's wakes when memory runs
 * short: compute its targets (uvmexp.freemin, freetarg, inactarg), scan
 * the inactive queue while free pages are below the target, then move
 * active pages to the inactive queue while it is below its target.
 * budget: pages scanned at most, over both queues (0: no limit but the
 * targets).  Locks of pages' owners are only tried; a page whose owner is
 * locked is skipped.  Wired, busy and lent-to-the-kernel pages are never
 * freed (a lent page leaves its owner and stays with its borrowers).
 * Returns the number of pages freed (0 when nothing could be), or -1 with
 * EINVAL recorded for m NULL, with a simple lock held by the caller (the
 * daemon runs with none, as a thread of its own would), or from inside
 * the daemon itself.
 */
int	uvmsim_pagedaemon_run(struct uvmsim_machine *m, unsigned budget);

/* ---- files: an in-memory backing store ------------------------------- */

/*
 * A file is a byte buffer with a uvm_object over it, as a vnode has.  The
 * object's pager fills pages from the buffer and writes dirty pages back.
 * uvmsim_file_create() returns the object with one reference, the caller's;
 * the file lives until its last reference is detached (pgo_detach), when
 * its dirty pages are written back and its resident pages freed.
 * uvmsim_file_read() and uvmsim_file_write() act on the backing store
 * itself, not on the resident pages: what a disk holds.
 */
int	uvmsim_file_create(struct uvmsim_machine *m, size_t size,
	    struct uvm_object **uobjp);
int	uvmsim_file_write(struct uvmsim_machine *m, struct uvm_object *uobj,
	    size_t off, const void *buf, size_t len);
int	uvmsim_file_read(struct uvmsim_machine *m, struct uvm_object *uobj,
	    size_t off, void *buf, size_t len);
int	uvmsim_file_size(struct uvmsim_machine *m, struct uvm_object *uobj,
	    size_t *sizep);
/* 1 if uobj is a file of m; 0 otherwise (and, message, for m NULL). */
int	uvmsim_is_file(struct uvmsim_machine *m, const struct uvm_object *uobj);

/* ---- pictures and tables --------------------------------------------- */

/* Print the counters and a table of every frame not free. */
void	uvmsim_print_state(struct uvmsim_machine *m, FILE *fp);

/* uvmsim_print_state_flags() flags. */
#define UVMSIM_SHOW_NOCLOCK	0x1	/* leave the event clock out, so that
					   machines that reached the same
					   state by different numbers of
					   events print the same */

/* uvmsim_print_state() with flags (0: the same output).  Prints nothing
 * and returns EINVAL for m or fp NULL or unknown flags; else 0.  Neither
 * call changes the machine. */
int	uvmsim_print_state_flags(struct uvmsim_machine *m, FILE *fp,
	    unsigned flags);

#ifdef __cplusplus
}
#endif

#endif /* UVMSIM_UVMSIM_H */
