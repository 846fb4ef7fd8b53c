/*
 * bench_host.c: the baselines against which simulated costs are judged:
 * the frame module's own copy and zero, and the host's plain loads.
 *
 * Each baseline is a sample function (bench.h): a figure prints the median
 * of its samples (bench_repeat()), and a ratio figure pairs its own
 * samples with samples of the baseline (bench_paired()).
 *
 * A copy or a zero in a baseline is the frame module's routine
 * (uvmsim__frame_copy_bytes with its fence, uvmsim__frame_zero_bytes in
 * src/uvmsim_frame.h), the very code a fault runs: whichever copy the
 * library was built with (sse2 or portable), both sides of a ratio copy
 * with it, and fence once a page (a fault's copy fences when the fault
 * returns, the baseline's when each page's copy ends).
 *
 * frame.copy_page_ns and frame.zero_page_ns stream through one buffer of
 * bench->host_len bytes (256 MiB, 32 MiB with --quick), larger than the
 * caches, mapped once and written in full before any timing, so no sample
 * pays for host page faults: what a copy or a zero of a page costs with
 * nothing in the cache.
 *
 * The page sets (struct bench_pages) are the baselines of the figures
 * that copy particular frames: a figure fills in the source and
 * destination frames, the same frames (or as many, as warm) as its
 * simulated side touches.
 */
#include <sys/mman.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#if defined(__x86_64__) && defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "bench.h"
#include "uvmsim_frame.h"

#define LOAD_BUF	4096		/* bytes: well inside L1 */
#define LOAD_STRIDE	64		/* one cache line per load */
#define LOAD_ITERS	((size_t)16 << 20)	/* loads per sample */
#define LOAD_ITERS_QUICK ((size_t)2 << 20)	/* with --quick */

static uint8_t	*host_buf;		/* host_buf_len bytes, or NULL */
static size_t	host_buf_len;
static uint64_t	load_buf[LOAD_BUF / sizeof(uint64_t)];

/* host_buffer: the streaming buffer, mapped and faulted in on first use. */
static uint8_t *
host_buffer(struct bench *b)
{
	void *p;

	if (host_buf != NULL)
		return host_buf;
	p = mmap(NULL, b->host_len, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED) {
		bench_fail("mmap of %zu bytes failed", b->host_len);
		return NULL;
	}
	host_buf = p;
	host_buf_len = b->host_len;
	memset(host_buf, 0x5a, host_buf_len);
	BENCH_CLOBBER(host_buf);
	return host_buf;
}

void
bench_host_fini(void)
{
	if (host_buf != NULL)
		munmap(host_buf, host_buf_len);
	host_buf = NULL;
}

/*
 * bench_evict: write back and drop from every cache the lines of
 * [p, p + len), so the next read of them comes from memory.  On hosts
 * without a flush instruction (built for other than x86-64) it does
 * nothing, and a figure relies on its working set being larger than
 * the caches.
 */
void
bench_evict(const void *p, size_t len)
{
#if defined(__x86_64__) && defined(__SSE2__)
	const char *c = p, *end = c + len;

	for (; c < end; c += 64)
		_mm_clflush(c);
	_mm_mfence();
#else
	(void)p;
	(void)len;
#endif
}

/* bench_frame_zero_sample: ns per page to zero the whole buffer. */
double
bench_frame_zero_sample(struct bench *b, void *arg)
{
	uint8_t *buf;
	uint64_t t0, t1;
	size_t off;

	(void)arg;
	if ((buf = host_buffer(b)) == NULL)
		return NAN;
	t0 = bench_now();
	for (off = 0; off < host_buf_len; off += BENCH_PAGE)
		uvmsim__frame_zero_bytes(buf + off, BENCH_PAGE);
	BENCH_CLOBBER(buf);
	t1 = bench_now();
	return (double)(t1 - t0) / (double)(host_buf_len / BENCH_PAGE);
}

/*
 * bench_frame_copy_sample: ns per page to copy the first half of the
 * buffer onto the second, a page per call; the two halves together
 * stream the whole buffer through the caches.
 */
double
bench_frame_copy_sample(struct bench *b, void *arg)
{
	uint8_t *buf;
	uint64_t t0, t1;
	size_t half, off;

	(void)arg;
	if ((buf = host_buffer(b)) == NULL)
		return NAN;
	half = host_buf_len / 2;
	t0 = bench_now();
	for (off = 0; off < half; off += BENCH_PAGE)
		uvmsim__frame_copy_fenced(buf + half + off, buf + off,
		    BENCH_PAGE);
	BENCH_CLOBBER(buf);
	t1 = bench_now();
	return (double)(t1 - t0) / (double)(half / BENCH_PAGE);
}

/*
 * bench_pages_copy_sample: ns per page to copy each of p->n source frames
 * onto its destination frame with the frame module's copy, after the
 * sources are evicted from the caches if p->cold (untimed).
 */
double
bench_pages_copy_sample(struct bench *b, void *arg)
{
	struct bench_pages *p = arg;
	uint64_t t0, t1;
	size_t i;

	(void)b;
	if (p->cold)
		for (i = 0; i < p->n; i++)
			bench_evict(p->src[i], BENCH_PAGE);
	t0 = bench_now();
	for (i = 0; i < p->n; i++)
		uvmsim__frame_copy_fenced(p->dst[i], p->src[i], BENCH_PAGE);
	t1 = bench_now();
	BENCH_CLOBBER(p->dst[0]);
	return (double)(t1 - t0) / (double)p->n;
}

/*
 * bench_pages_zero_sample: ns per page to zero each of p->n destination
 * frames with the frame module's zero.
 */
double
bench_pages_zero_sample(struct bench *b, void *arg)
{
	struct bench_pages *p = arg;
	uint64_t t0, t1;
	size_t i;

	(void)b;
	t0 = bench_now();
	for (i = 0; i < p->n; i++)
		uvmsim__frame_zero_bytes(p->dst[i], BENCH_PAGE);
	t1 = bench_now();
	BENCH_CLOBBER(p->dst[0]);
	return (double)(t1 - t0) / (double)p->n;
}

/*
 * bench_host_load_sample: ns per iteration of the shape of a simulated
 * access: an address stepping a cache line at a time through a page, an
 * 8-byte load from it, the value kept.  The load is volatile, so the
 * compiler keeps every one; the loads are independent, so this is the
 * throughput of L1 loads, not their latency.
 */
double
bench_host_load_sample(struct bench *b, void *arg)
{
	const uint8_t *buf = (const uint8_t *)load_buf;
	size_t iters = b->quick ? LOAD_ITERS_QUICK : LOAD_ITERS, i;
	uint64_t t0, t1, sum = 0;

	(void)arg;
	t0 = bench_now();
	for (i = 0; i < iters; i++)
		sum += *(const volatile uint64_t *)
		    (buf + ((i * LOAD_STRIDE) & (LOAD_BUF - 1)));
	t1 = bench_now();
	BENCH_CLOBBER(&sum);
	return (double)(t1 - t0) / (double)iters;
}

double
fig_frame_copy_page_ns(struct bench *b)
{
	return bench_repeat(b, bench_frame_copy_sample, NULL);
}

double
fig_frame_zero_page_ns(struct bench *b)
{
	return bench_repeat(b, bench_frame_zero_sample, NULL);
}

double
fig_host_load_ns(struct bench *b)
{
	return bench_repeat(b, bench_host_load_sample, NULL);
}
