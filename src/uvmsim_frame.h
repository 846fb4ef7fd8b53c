/*
 * uvmsim_frame.h: the bytes of frames: the routines that copy and zero
 * them.  Not installed.
 *
 * These are the only loops in the library that copy or zero a whole
 * frame: uvm_pagecopy, uvm_pagezero, the zeroing of uvm_pagealloc and
 * uvm_pageidlezero, pmap_copy_page and pmap_zero_page all come here
 * (through uvmsim__frame_copy and uvmsim__frame_zero in uvmsim_impl.h,
 * which add the Valgrind marks).  The benchmark runner times these same
 * routines as the baseline of every figure that copies or zeroes, so a
 * figure's two sides do the same copy.
 *
 * Which copy is built is a CMake choice, UVMSIM_FRAME_COPY:
 *   sse2      (x86-64 only) 16-byte non-temporal stores (movntdq): the
 *             destination is a frame nobody has read yet, so its lines
 *             are not fetched first and the copy does not push out of
 *             the caches what the next fault reads.  Each copy ends with
 *             a store fence (sfence), so its bytes are ordered before
 *             anything the copying thread does next: a lock released
 *             after it publishes them, as it would ordinary stores.
 *   portable  memcpy, on every host.
 * Zeroing is memset on both: the page zeroed is written by the faulting
 * store at once, and wants its lines in the cache.
 */
#ifndef UVMSIM_FRAME_H
#define UVMSIM_FRAME_H

#include <stddef.h>

/* Copy len bytes (a multiple of 64) between page-aligned frames. */
void	uvmsim__frame_copy_bytes(void *dst, const void *src, size_t len)
	    __attribute__((__noinline__));
/* Zero len bytes of a page-aligned frame. */
void	uvmsim__frame_zero_bytes(void *dst, size_t len)
	    __attribute__((__noinline__));
/* The copy built in: "sse2" or "portable". */
const char *uvmsim__frame_copy_routine(void);

#endif /* UVMSIM_FRAME_H */
