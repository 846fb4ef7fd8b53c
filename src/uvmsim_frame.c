/*
 * uvmsim_frame.c: copying and zeroing frames, and their Valgrind marks.
 *
 * Every byte of simulated memory that a whole-frame copy or zero writes is
 * written here (uvmsim_frame.h says which routines come here and which
 * copy is built).  The routines take no lock and keep no state: a frame
 * is copied or zeroed by the thread in the machine, with the owner of
 * the destination page holding it busy or unowned.
 *
 * Invariants:
 *   1. When the library returns to its caller, every copy it made is
 *      ordered before every later store of the calling thread (the sse2
 *      copy's store fence, uvmsim__frame_fence), so a machine handed to
 *      another thread with a lock, a release store or
 *      uvmsim_machine_leave() shows the other thread every copied byte.
 *      A copy outside an access of the MMU fences before it returns; a
 *      copy inside one (its fault's) leaves the fence to the MMU, which
 *      makes it when the access is done, before its entry point
 *      returns (m->frame_unfenced, uvmsim__frame_due), and so do
 *      uvmsim_machine_leave() and a caught panic.
 *   2. Under Valgrind, a free frame's bytes are inaccessible and an
 *      unzeroed new frame's undefined (uvmsim__frame_noaccess and its kin,
 *      inline in uvmsim_frame.h); the requests are made only on a
 *      machine created under Valgrind.
 */
#include <string.h>

#include "uvmsim_state.h"
#include "uvmsim_cur.h"
#include "uvmsim_frame.h"

#ifdef UVMSIM_FRAME_COPY_SSE2
#if !defined(__x86_64__) || !defined(__SSE2__)
#error "UVMSIM_FRAME_COPY=sse2 needs an x86-64 host"
#endif
#include <emmintrin.h>
#endif

/*
 * uvmsim__frame_copy_bytes: copy len bytes from src to dst, the stores
 * not yet fenced (uvmsim__frame_fence orders them).
 * => dst and src 16-byte aligned (frames are page aligned), len a
 *    multiple of 64; the two do not overlap.
 */
void
uvmsim__frame_copy_bytes(void *dst, const void *src, size_t len)
{
#ifdef UVMSIM_FRAME_COPY_SSE2
	__m128i *d = dst;
	const __m128i *s = src, *end = s + len / sizeof(*s);
	__m128i a, b, c, e;

	for (; s < end; s += 4, d += 4) {
		a = _mm_load_si128(s);
		b = _mm_load_si128(s + 1);
		c = _mm_load_si128(s + 2);
		e = _mm_load_si128(s + 3);
		_mm_stream_si128(d, a);
		_mm_stream_si128(d + 1, b);
		_mm_stream_si128(d + 2, c);
		_mm_stream_si128(d + 3, e);
	}
#else
	memcpy(dst, src, len);
#endif
}

/*
 * uvmsim__frame_fence: order the streamed stores of the copies made so
 * far before anything that follows (invariant 1).  The portable copy's
 * stores are ordinary ones: nothing to do.
 */
void
uvmsim__frame_fence(void)
{
#ifdef UVMSIM_FRAME_COPY_SSE2
	_mm_sfence();
#endif
}

/*
 * uvmsim__frame_settle: make the fence a copy left to the MMU, and end
 * the putting off (uvmsim_machine_leave, a caught panic: the thread may
 * hand the machine on now).
 */
void
uvmsim__frame_settle(struct uvmsim_machine *m)
{
	m->frame_defer = false;
	if (m->frame_unfenced) {
		m->frame_unfenced = false;
		uvmsim__frame_fence();
	}
}

/*
 * uvmsim__frame_zero_bytes: zero len bytes at dst.
 */
void
uvmsim__frame_zero_bytes(void *dst, size_t len)
{
	memset(dst, 0, len);
}

const char *
uvmsim__frame_copy_routine(void)
{
#ifdef UVMSIM_FRAME_COPY_SSE2
	return "sse2";
#else
	return "portable";
#endif
}

/*
 * uvmsim__page_invalid: the panic of a page that is not one of m's frames
 * (uvmsim__page_valid).
 */
void
uvmsim__page_invalid(struct uvmsim_machine *m, const char *func)
{
	uvmsim__panic(m, "%s: not a page of this machine, the current one "
	    "(a page of another machine, or no page at all)", func);
}
