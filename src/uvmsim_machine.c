/*
 * uvmsim_machine.c: machines: their creation, destruction, and the
 * uvmsim_ calls that read and set them.
 *
 * A machine owns every piece of mutable state of one simulated computer.
 * Creating one validates its configuration (each bad field is an error
 * naming the field, never an abort), reserves host memory for its frames
 * in one mapping that the host commits lazily, and puts every frame on the
 * free list.  Frames start out zero, as the host hands them over, so they
 * go on the known-zero half of the free list.
 *
 * Invariants established here and kept by uvm_page.c:
 *   1. frame i is described by pages[i], has physical address
 *      phys_base + i * pagesize, and its bytes lie at frames + i * pagesize.
 *   2. the bytes of a free frame are inaccessible to Valgrind's memcheck.
 *
 * The current machine is per thread (uvmsim_machine_enter/leave, here;
 * the variable and the errors are uvmsim_cur.c's).
 */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>

#include "uvmsim_state.h"
#include "uvmsim_cur.h"
#include "kern_lock.h"
#include "uvmsim_trace.h"
#include "uvmsim_frame.h"
#include "uvmsim_problem.h"

#ifdef UVMSIM_HAVE_VALGRIND
#include <valgrind/memcheck.h>
#else
#define VALGRIND_MAKE_MEM_NOACCESS(a, n)	((void)(a), (void)(n))
#define RUNNING_ON_VALGRIND			0
#endif

/* Physical address of frame 0: low memory stays unmanaged, as on a PC. */
#define UVMSIM_PHYS_BASE	0x100000

void
uvmsim_config_init(struct uvmsim_config *cfg)
{
	if (cfg == NULL) {
		(void)uvmsim__error(NULL, EINVAL,
		    "uvmsim_config_init: cfg: NULL");
		return;
	}
	memset(cfg, 0, sizeof(*cfg));
	cfg->npages = 1024;
	cfg->page_size = 0;		/* the architecture's */
	cfg->ncpus = 1;
	cfg->seed = 1;
	cfg->trace = UVMSIM_TRACE_ALL;
	cfg->trace_ring = 1024;
	cfg->arch = "x86_64";
	cfg->tlb_entries = 64;
	cfg->tlb_ways = 4;
	cfg->loan = "1.39";
}

/* uvmsim__host_memory: the host's physical memory in bytes, 0 if
 * unknown. */
size_t
uvmsim__host_memory(void)
{
	long n = sysconf(_SC_PHYS_PAGES), sz = sysconf(_SC_PAGESIZE);

	if (n <= 0 || sz <= 0 || (size_t)n > SIZE_MAX / (size_t)sz)
		return 0;
	return (size_t)n * (size_t)sz;
}

/*
 * check_config: validate cfg, naming the first bad field.
 */
static int
check_config(const struct uvmsim_config *cfg)
{
	size_t ps = cfg->page_size, host = uvmsim__host_memory();

	if (cfg->npages == 0)
		return uvmsim__error(NULL, EINVAL,
		    "uvmsim_machine_create: npages: zero frames");
	if (cfg->npages > INT_MAX)
		return uvmsim__error(NULL, EINVAL,
		    "uvmsim_machine_create: npages: %zu is above %d",
		    cfg->npages, INT_MAX);
	if (cfg->fail_host_alloc > ~0UL - (cfg->fail_host_alloc_count ?
	    cfg->fail_host_alloc_count : 1))
		return uvmsim__error(NULL, EINVAL,
		    "uvmsim_machine_create: fail_host_alloc: %lu hits from hit "
		    "%lu overflow the counter", cfg->fail_host_alloc_count,
		    cfg->fail_host_alloc);
	if (ps < UVMSIM_MIN_PAGE_SIZE || (ps & (ps - 1)) != 0)
		return uvmsim__error(NULL, EINVAL,
		    "uvmsim_machine_create: page_size: %zu is not a power of "
		    "two of at least %d", ps, UVMSIM_MIN_PAGE_SIZE);
	if (ps > UVMSIM_MAX_PAGE_SIZE)
		return uvmsim__error(NULL, EINVAL,
		    "uvmsim_machine_create: page_size: %zu is above %d",
		    ps, UVMSIM_MAX_PAGE_SIZE);
	if (cfg->ncpus == 0 || cfg->ncpus > UVMSIM_MAXCPUS)
		return uvmsim__error(NULL, EINVAL,
		    "uvmsim_machine_create: ncpus: %u is not in 1..%d",
		    cfg->ncpus, UVMSIM_MAXCPUS);
	if ((cfg->trace & ~(UVMSIM_TRACE_ALL | UVMSIM_TRACE_LOCK)) != 0)
		return uvmsim__error(NULL, EINVAL,
		    "uvmsim_machine_create: trace: unknown option bits %#x",
		    cfg->trace & ~(UVMSIM_TRACE_ALL | UVMSIM_TRACE_LOCK));
	if (cfg->trace_ring > ((size_t)1 << 24))
		return uvmsim__error(NULL, EINVAL,
		    "uvmsim_machine_create: trace_ring: %zu events is above "
		    "%d", cfg->trace_ring, 1 << 24);
	if (cfg->reserve_kernel < 0 || (size_t)cfg->reserve_kernel >
	    cfg->npages)
		return uvmsim__error(NULL, EINVAL,
		    "uvmsim_machine_create: reserve_kernel: %d is not in "
		    "0..npages", cfg->reserve_kernel);
	if (cfg->reserve_pagedaemon < 0 || (size_t)cfg->reserve_pagedaemon >
	    cfg->npages)
		return uvmsim__error(NULL, EINVAL,
		    "uvmsim_machine_create: reserve_pagedaemon: %d is not in "
		    "0..npages", cfg->reserve_pagedaemon);
	if (cfg->loan != NULL && strcmp(cfg->loan, "1.39") != 0 &&
	    strcmp(cfg->loan, "modern") != 0)
		return uvmsim__error(NULL, EINVAL,
		    "uvmsim_machine_create: loan: \"%s\" is neither \"1.39\" "
		    "nor \"modern\"", cfg->loan);
	if (cfg->loan != NULL && strcmp(cfg->loan, "modern") == 0 &&
	    (uvmsim__loan_behaviours() & UVMSIM__LOAN_MODERN) == 0)
		return uvmsim__error(NULL, ENOTSUP,
		    "uvmsim_machine_create: loan: this library's loan module "
		    "knows only the 1.39 behaviour");
	if (cfg->uvm_wait != UVMSIM_WAIT_HOOK &&
	    cfg->uvm_wait != UVMSIM_WAIT_PAGEDAEMON)
		return uvmsim__error(NULL, EINVAL,
		    "uvmsim_machine_create: uvm_wait: %d is neither "
		    "UVMSIM_WAIT_HOOK nor UVMSIM_WAIT_PAGEDAEMON",
		    cfg->uvm_wait);
	if (cfg->swap_slots > UVMSIM_MAX_SWAP_SLOTS)
		return uvmsim__error(NULL, EINVAL,
		    "uvmsim_machine_create: swap_slots: %zu is above %zu",
		    cfg->swap_slots, UVMSIM_MAX_SWAP_SLOTS);
	if (cfg->npages > SIZE_MAX / ps ||
	    cfg->npages > SIZE_MAX / sizeof(struct vm_page))
		return uvmsim__error(NULL, ENOMEM,
		    "uvmsim_machine_create: npages: %zu frames of %zu bytes "
		    "exceed the host's address space", cfg->npages, ps);
	/* Every descriptor is written at boot: they must fit in the host's
	 * memory (an allocator asked for more may abort rather than fail,
	 * as a sanitizer's does). */
	if (host > 0 && cfg->npages * sizeof(struct vm_page) > host)
		return uvmsim__error(NULL, ENOMEM,
		    "uvmsim_machine_create: npages: %zu page descriptors "
		    "need %zu bytes, more than the host's %zu", cfg->npages,
		    cfg->npages * sizeof(struct vm_page), host);
	return 0;
}

/* What the pmap layer calls above it. */
static const struct pmap_sim_uvm pmap_uvm = {
	.pu_ptp_alloc = uvmsim__page_table_alloc,
	.pu_ptp_free = uvmsim__page_table_free,
	.pu_fault = uvm_fault,
};

int
uvmsim_machine_create(const struct uvmsim_config *cfg,
    struct uvmsim_machine **mp)
{
	struct uvmsim_machine *m;
	struct uvmsim_config c;
	struct uvmsim__saved sv;
	struct vm_page *pg;
	size_t i, ps;
	void *fr;
	int error;

	if (mp == NULL)
		return uvmsim__error(NULL, EINVAL,
		    "uvmsim_machine_create: mp: NULL");
	*mp = NULL;
	if (cfg == NULL)
		return uvmsim__error(NULL, EINVAL,
		    "uvmsim_machine_create: cfg: NULL");
	if (cfg->page_size == 0) {
		/* The page size follows the architecture. */
		if ((error = uvmsim__pmap_arch_page_size(cfg->arch,
		    &ps)) != 0)
			return error;
		c = *cfg;
		c.page_size = ps;
		cfg = &c;
	}
	if ((error = check_config(cfg)) != 0)
		return error;

	/* The machine structure is hit 1 of its failpoint "host_alloc",
	 * counted once there is a machine to count it on. */
	m = cfg->fail_host_alloc == 1 ? NULL :
	    uvmsim__calloc(NULL, 1, sizeof(*m));
	if (m == NULL)
		return uvmsim__error(NULL, ENOMEM,
		    "uvmsim_machine_create: no host memory for the machine");
	m->fp[UVMSIM_FP_HOSTALLOC].hits = 1;
	if (cfg->fail_host_alloc != 0) {
		m->fp[UVMSIM_FP_HOSTALLOC].from = cfg->fail_host_alloc;
		m->fp[UVMSIM_FP_HOSTALLOC].until = cfg->fail_host_alloc +
		    (cfg->fail_host_alloc_count ? cfg->fail_host_alloc_count :
		    1);
	}
	m->unwind[0] = uvmsim__unlock_since;
	m->unwind[1] = uvmsim__map_unlock_since;
	m->npages = cfg->npages;
	m->pages_len = cfg->npages * sizeof(struct vm_page);
	m->pagesize = cfg->page_size;
	m->pageshift = (unsigned)__builtin_ctzl(cfg->page_size);
	m->phys_base = UVMSIM_PHYS_BASE;
	m->frames_len = cfg->npages * cfg->page_size;
	m->ncpus = cfg->ncpus;
	m->seed = cfg->seed;
	m->rng = cfg->seed;
	m->max_anons = cfg->max_anons;
	m->loan_modern = cfg->loan != NULL && strcmp(cfg->loan, "modern") == 0;
	m->loan_ledger = (uvmsim__loan_behaviours() & UVMSIM__LOAN_LEDGER) != 0;

	/* Descriptors: calloc'd, so the host commits them as they are
	 * written; frames: reserved without swap accounting, committed by
	 * the host on first touch. */
	m->pages = uvmsim__calloc(m, m->npages, sizeof(struct vm_page));
	if (m->pages == NULL) {
		uvmsim__free(m);
		return uvmsim__error(NULL, ENOMEM,
		    "uvmsim_machine_create: npages: no host memory for %zu "
		    "page descriptors", cfg->npages);
	}
	fr = mmap(NULL, m->frames_len, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (fr == MAP_FAILED) {
		uvmsim__free(m->pages);
		uvmsim__free(m);
		return uvmsim__error(NULL, ENOMEM,
		    "uvmsim_machine_create: npages: the host cannot reserve "
		    "%zu bytes for %zu frames", cfg->npages * cfg->page_size,
		    cfg->npages);
	}
	m->frames = fr;
	m->frames_pa0 = (uintptr_t)fr - (uintptr_t)m->phys_base;
	if (cfg->trace_ring > 0) {
		m->ring = uvmsim__calloc(m, cfg->trace_ring, sizeof(*m->ring));
		if (m->ring == NULL) {
			munmap(m->frames, m->frames_len);
			uvmsim__free(m->pages);
			uvmsim__free(m);
			return uvmsim__error(NULL, ENOMEM,
			    "uvmsim_machine_create: trace_ring: no host memory "
			    "for %zu events", cfg->trace_ring);
		}
		m->ring_cap = cfg->trace_ring;
	}
	m->on_valgrind = RUNNING_ON_VALGRIND != 0;
	if (m->on_valgrind)
		VALGRIND_MAKE_MEM_NOACCESS(m->frames, m->frames_len);

	m->uvmexp.pagesize = (int)m->pagesize;
	m->uvmexp.pagemask = (int)m->pagesize - 1;
	m->uvmexp.pageshift = (int)m->pageshift;
	m->uvmexp.npages = (int)m->npages;
	m->uvmexp.reserve_kernel = cfg->reserve_kernel;
	m->uvmexp.reserve_pagedaemon = cfg->reserve_pagedaemon;

	simple_lock_init(&m->uvm.pageqlock);
	simple_lock_init(&m->uvm.afreelock);
	for (i = 0; i < PGFL_NQUEUES; i++)
		TAILQ_INIT(&m->uvm.page_free[i]);
	TAILQ_INIT(&m->uvm.page_active);
	TAILQ_INIT(&m->uvm.page_inactive);
	SLIST_INIT(&m->held);
	uvmsim__lock_self_update(m);
	m->maphold_top = &m->mapholds[1];
	TAILQ_INIT(&m->objects);
	TAILQ_INIT(&m->anons);
	TAILQ_INIT(&m->amaps);
	SLIST_INIT(&m->anonblocks);

	for (i = 0; i < m->npages; i++) {
		pg = &m->pages[i];
		pg->phys_addr = m->phys_base + ((paddr_t)i << m->pageshift);
		pg->pqflags = PQ_FREE;
		pg->flags = PG_ZERO;
		TAILQ_INSERT_TAIL(&m->uvm.page_free[PGFL_ZEROS], pg, pageq);
	}
	m->uvmexp.free = (int)m->npages;
	m->uvmexp.zeropages = (int)m->npages;
	m->wait_policy = cfg->uvm_wait;
	uvmsim__pdaemon_init(m);

	TAILQ_INIT(&m->maps);
	TAILQ_INIT(&m->procs);
	uvmsim__trace_setup(m, cfg->trace);
	if (cfg->check_loan_locks && !uvmsim__loanwatch_start(m)) {
		uvmsim_machine_destroy(m);
		return uvmsim__error(NULL, ENOMEM,
		    "uvmsim_machine_create: check_loan_locks: no host memory "
		    "for %zu loan counts", cfg->npages);
	}

	if ((error = uvmsim__swap_init(m, cfg)) != 0) {
		uvmsim_machine_destroy(m);
		return error;
	}

	/* The pmap layer and the kernel map allocate frames: on m. */
	sv = uvmsim__switch(m);
	error = uvmsim__pmap_init(m, cfg, &pmap_uvm);
	if (error == 0)
		error = uvmsim__map_init(m);
	uvmsim__restore(sv);
	if (error != 0) {
		uvmsim_machine_destroy(m);
		return error;
	}
	*mp = m;
	return 0;
}

void
uvmsim_machine_destroy(struct uvmsim_machine *m)
{
	struct uvmsim_machine *after;

	if (m == NULL)
		return;
	/* Destroyed while current: fall back to the machine that was current
	 * before the outermost enter. */
	after = uvmsim__curm;
	if (after == m)
		after = m->entered > 0 ? m->enter_stack[0] : NULL;
	/* Maps, processes and the pmap layer go first, on m; they only free
	 * host memory, the frames go wholesale below. */
	uvmsim__curm = m;
	uvmsim__map_teardown(m);
	uvmsim__pmap_teardown(m);
	uvmsim__curm = after;
	uvmsim__obj_teardown(m);
	uvmsim__amap_teardown(m);
	uvmsim__anon_teardown(m);
	uvmsim__swap_teardown(m);
	munmap(m->frames, m->frames_len);
	uvmsim__free(m->pages);
	uvmsim__free(m->ring);
	uvmsim__free(m->loanwatch);
	uvmsim__free(m);
}

void
uvmsim_machine_enter(struct uvmsim_machine *m)
{
	if (m == NULL) {
		(void)uvmsim__error(NULL, EINVAL,
		    "uvmsim_machine_enter: m: NULL");
		return;
	}
	if (m->entered == (int)(sizeof(m->enter_stack) /
	    sizeof(m->enter_stack[0])))
		uvmsim__panic(m, "uvmsim_machine_enter: nested too deeply");
	m->enter_stack[m->entered++] = uvmsim__curm;
	uvmsim__curm = m;
}

void
uvmsim_machine_leave(struct uvmsim_machine *m)
{
	if (m == NULL) {
		(void)uvmsim__error(NULL, EINVAL,
		    "uvmsim_machine_leave: m: NULL");
		return;
	}
	if (uvmsim__curm != m || m->entered == 0)
		uvmsim__panic(m, "uvmsim_machine_leave: machine is not the "
		    "current one");
	uvmsim__frame_settle(m);	/* (invariant 1 of uvmsim_frame.c) */
	uvmsim__curm = m->enter_stack[--m->entered];
}

struct uvmsim_machine *
uvmsim_machine_current(void)
{
	return uvmsim__curm;
}

/*
 * null_machine: record that func was handed no machine.  The getters
 * below return what uvmsim.h documents for a NULL machine after it.
 */
static void
null_machine(const char *func)
{
	(void)uvmsim__error(NULL, EINVAL, "%s: m: NULL", func);
}

const struct uvmsim_vmparam *
uvmsim_vmparam(const struct uvmsim_machine *m)
{
	if (m == NULL) {
		null_machine("uvmsim_vmparam");
		return NULL;
	}
	return &m->vmparam;
}

void
uvmsim_last_segv(const struct uvmsim_machine *m, struct uvmsim_segv *s)
{
	if (s == NULL) {
		(void)uvmsim__error((struct uvmsim_machine *)(uintptr_t)m,
		    EINVAL, "uvmsim_last_segv: s: NULL");
		return;
	}
	if (m == NULL) {
		null_machine("uvmsim_last_segv");
		memset(s, 0, sizeof(*s));
		return;
	}
	*s = m->last_segv;
}

struct uvmexp *
uvmsim_uvmexp(struct uvmsim_machine *m)
{
	if (m == NULL) {
		null_machine("uvmsim_uvmexp");
		return NULL;
	}
	return &m->uvmexp;
}

size_t
uvmsim_page_size(const struct uvmsim_machine *m)
{
	if (m == NULL) {
		null_machine("uvmsim_page_size");
		return 0;
	}
	return m->pagesize;
}

size_t
uvmsim_npages(const struct uvmsim_machine *m)
{
	if (m == NULL) {
		null_machine("uvmsim_npages");
		return 0;
	}
	return m->npages;
}

uint64_t
uvmsim_seed(const struct uvmsim_machine *m)
{
	if (m == NULL) {
		null_machine("uvmsim_seed");
		return 0;
	}
	return m->seed;
}

uint64_t
uvmsim_clock(const struct uvmsim_machine *m)
{
	if (m == NULL) {
		null_machine("uvmsim_clock");
		return 0;
	}
	return m->clock;
}

/*
 * uvmsim_random: the next number of the machine's splitmix64 sequence.
 */
uint64_t
uvmsim_random(struct uvmsim_machine *m)
{
	uint64_t z;

	if (m == NULL) {
		null_machine("uvmsim_random");
		return 0;
	}
	z = (m->rng += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/*
 * uvmsim_loan_behaviour: the machine's loan behaviour, as cfg.loan
 * spells it.
 */
const char *
uvmsim_loan_behaviour(const struct uvmsim_machine *m)
{
	if (m == NULL) {
		uvmsim__error(NULL, EINVAL, "uvmsim_loan_behaviour: m: NULL");
		return NULL;
	}
	return m->loan_modern ? "modern" : "1.39";
}

/*
 * uvmsim_loan_zero_object: the loan-zero object of the modern behaviour,
 * once the first zero loan has set it up (uvm_loan.c); looking makes
 * nothing, so a harness that asks does not change the ids and events of
 * the run.
 */
struct uvm_object *
uvmsim_loan_zero_object(struct uvmsim_machine *m)
{
	if (m == NULL) {
		uvmsim__error(NULL, EINVAL, "uvmsim_loan_zero_object: m: NULL");
		return NULL;
	}
	if (!m->loan_modern) {
		uvmsim__error(m, ENOENT, "uvmsim_loan_zero_object: m: the 1.39 "
		    "loan behaviour has no loan-zero object (its zero loans "
		    "are fresh pages owned by nobody)");
		return NULL;
	}
	if (m->loanzero_obj.pgops == NULL) {
		uvmsim__error(m, ENOENT, "uvmsim_loan_zero_object: m: no zero "
		    "loan yet (the object is made at the first)");
		return NULL;
	}
	return &m->loanzero_obj;
}

struct vm_page *
uvmsim_page(struct uvmsim_machine *m, size_t frame)
{
	if (m == NULL) {
		null_machine("uvmsim_page");
		return NULL;
	}
	if (frame >= m->npages) {
		uvmsim__error(m, EINVAL, "uvmsim_page: frame: %zu is not "
		    "below npages %zu", frame, m->npages);
		return NULL;
	}
	return &m->pages[frame];
}

size_t
uvmsim_page_frame(const struct uvmsim_machine *m, const struct vm_page *pg)
{
	if (m == NULL) {
		null_machine("uvmsim_page_frame");
		return (size_t)-1;
	}
	if (pg < m->pages || pg >= m->pages + m->npages) {
		(void)uvmsim__error((struct uvmsim_machine *)(uintptr_t)m,
		    EINVAL, "uvmsim_page_frame: pg: %s",
		    pg == NULL ? "NULL" : "not a page of this machine");
		return (size_t)-1;
	}
	return (size_t)(pg - m->pages);
}

void *
uvmsim_page_data(struct uvmsim_machine *m, struct vm_page *pg)
{
	if (m == NULL) {
		null_machine("uvmsim_page_data");
		return NULL;
	}
	if (pg < m->pages || pg >= m->pages + m->npages) {
		uvmsim__error(m, EINVAL,
		    "uvmsim_page_data: pg: not a page of this machine");
		return NULL;
	}
	return uvmsim__pgdata(m, pg);
}

int
uvmsim_cpu_set(struct uvmsim_machine *m, unsigned cpu)
{
	if (m == NULL)
		return uvmsim__error(NULL, EINVAL, "uvmsim_cpu_set: m: NULL");
	if (cpu >= m->ncpus)
		return uvmsim__error(m, EINVAL, "uvmsim_cpu_set: cpu: %u is "
		    "not below ncpus %u", cpu, m->ncpus);
	m->curcpu = cpu;
	uvmsim__lock_self_update(m);
	uvmsim__mmu_setcpu(m);
	uvmsim__ev(m, UVMSIM_EV_CPU, cpu, 0, 0, 0);
	return 0;
}

unsigned
uvmsim_cpu_current(const struct uvmsim_machine *m)
{
	if (m == NULL) {
		null_machine("uvmsim_cpu_current");
		return (unsigned)-1;
	}
	return m->curcpu;
}
