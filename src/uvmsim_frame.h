/*
 * uvmsim_frame.h: the bytes of frames: the routines that copy and zero
 * them.  Not installed.
 *
 * These are the only loops in the library that copy or zero a whole
 * frame: uvm_pagecopy, uvm_pagezero, the zeroing of uvm_pagealloc and
 * uvm_pageidlezero, pmap_copy_page and pmap_zero_page all come here
 * (through uvmsim__frame_copy and uvmsim__frame_zero below), and the
 * Valgrind marks of frames are made here (uvmsim__frame_noaccess and
 * its kin, at the end).  The benchmark runner times these same
 * routines as the baseline of every figure that copies or zeroes, so a
 * figure's two sides do the same copy.
 *
 * Which copy is built is a CMake choice, UVMSIM_FRAME_COPY:
 *   sse2      (x86-64 only) 16-byte non-temporal stores (movntdq): the
 *             destination is a frame nobody has read yet, so its lines
 *             are not fetched first and the copy does not push out of
 *             the caches what the next fault reads.  A store fence
 *             (sfence, uvmsim__frame_fence) orders the streamed bytes
 *             before anything the copying thread does next, so that a
 *             lock released after it publishes them, as it would
 *             ordinary stores.  A copy fences when it ends, but for a
 *             copy inside an access of the MMU (a load, store, fetch or
 *             copyin/copyout whose fault copies): that one's fence comes
 *             when the access is done, just before the MMU's entry point
 *             returns, and the fault's own work after the copy (the
 *             pmap, the queues, the unlocks), the MMU's walk and TLB
 *             fill and the access itself run while the streamed lines
 *             drain (uvmsim__frame_copy, uvmsim__frame_put_off).  Either
 *             way one fence a copy, before the library returns to its
 *             caller.
 *   portable  memcpy, on every host.
 * Zeroing is memset on both: the page zeroed is written by the faulting
 * store at once, and wants its lines in the cache.
 */
#ifndef UVMSIM_FRAME_H
#define UVMSIM_FRAME_H

#include <stddef.h>

#include "uvmsim_state.h"

/* Copy len bytes (a multiple of 64) between page-aligned frames, the
 * stores not fenced; uvmsim__frame_copy_fenced below fences too. */
void	uvmsim__frame_copy_bytes(void *dst, const void *src, size_t len)
	    __attribute__((__noinline__));
/* Order the copies' stores before what follows (an sfence, or nothing
 * for the portable copy). */
void	uvmsim__frame_fence(void);
/* The fence a copy inside a fault left, now; and no more putting off. */
void	uvmsim__frame_settle(struct uvmsim_machine *m);

static inline void
uvmsim__frame_copy_fenced(void *dst, const void *src, size_t len)
{
	uvmsim__frame_copy_bytes(dst, src, len);
	uvmsim__frame_fence();
}
/* Zero len bytes of a page-aligned frame. */
void	uvmsim__frame_zero_bytes(void *dst, size_t len)
	    __attribute__((__noinline__));
/* The copy built in: "sse2" or "portable". */
const char *uvmsim__frame_copy_routine(void);

/* ---- a machine's frames ---- */

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
	if (m->frame_defer)
		m->frame_unfenced = true;	/* (uvmsim__frame_due fences) */
	else
		uvmsim__frame_fence();
}

/*
 * uvmsim__frame_put_off, uvmsim__frame_due: the MMU's bracket around an
 * access (its walk, any fault, the load or store itself): a copy made
 * in between leaves its fence to the end of the bracket, where _due
 * makes it unless an outer bracket still puts it off (an access made
 * inside a fault, by a hook).  _put_off returns what _due gives back.
 * The checker, run inside the bracket, finds the fence owed but put
 * off: no problem.
 */
static inline bool
uvmsim__frame_put_off(struct uvmsim_machine *m)
{
	bool outer = m->frame_defer;

	m->frame_defer = true;
	return outer;
}

static inline void
uvmsim__frame_due(struct uvmsim_machine *m, bool outer)
{
	m->frame_defer = outer;
	if (__predict_false(m->frame_unfenced) && !outer) {
		m->frame_unfenced = false;
		uvmsim__frame_fence();
	}
}

static inline void
uvmsim__frame_zero(struct uvmsim_machine *m, struct vm_page *pg)
{
	uvmsim__frame_zero_bytes(uvmsim__pgdata(m, pg), m->pagesize);
}

/* Panic unless pg is one of m's frames: its offset from the first, as
 * an unsigned number, below the size of them all (one compare for both
 * ends: below the first is a huge offset).  The size is kept in the
 * machine (pages_len): a descriptor is not a power of two bytes, and
 * multiplying npages by it cost four instructions a check, a check
 * that every pmap(9) and page-queue call makes. */
void	uvmsim__page_invalid(struct uvmsim_machine *m, const char *func)
	    __attribute__((__noreturn__));
static inline void
uvmsim__page_valid(struct uvmsim_machine *m, const struct vm_page *pg,
    const char *func)
{
	if (__predict_false((uintptr_t)pg - (uintptr_t)m->pages >=
	    m->pages_len))
		uvmsim__page_invalid(m, func);
}

/*
 * Valgrind: a free frame's bytes are inaccessible, a new unzeroed one's
 * undefined.  The requests are made only when the machine was created
 * under Valgrind (m->on_valgrind, asked of Valgrind once, at creation),
 * so that elsewhere they cost one branch.  They are made inline, where
 * the frame is allocated or freed: a call to a function that chose the
 * request by a switch cost more than the request itself, on every frame
 * the page daemon frees under Valgrind.  Without valgrind/memcheck.h
 * (UVMSIM_HAVE_VALGRIND unset) they are nothing.
 */
#ifdef UVMSIM_HAVE_VALGRIND
#include <valgrind/memcheck.h>
#define uvmsim__frame_vg(m, pg, req) do {				\
	if (__predict_false((m)->on_valgrind))				\
		(void)req(uvmsim__pgdata((m), (pg)), (m)->pagesize);	\
} while (0)
#else
#define uvmsim__frame_vg(m, pg, req)	((void)(m), (void)(pg))
#endif
#define uvmsim__frame_noaccess(m, pg)					\
	uvmsim__frame_vg((m), (pg), VALGRIND_MAKE_MEM_NOACCESS)
#define uvmsim__frame_undefined(m, pg)					\
	uvmsim__frame_vg((m), (pg), VALGRIND_MAKE_MEM_UNDEFINED)
#define uvmsim__frame_defined(m, pg)					\
	uvmsim__frame_vg((m), (pg), VALGRIND_MAKE_MEM_DEFINED)

#endif /* UVMSIM_FRAME_H */
