/*
 * bench_host.c: the host baselines, against which simulated costs are
 * judged.
 *
 * Each baseline is a sample function (bench.h): a figure prints the median
 * of its samples (bench_repeat()), and a ratio figure divides its own
 * samples by samples of the baseline taken alongside (bench_paired()).
 *
 * The streaming baselines work over one buffer of bench->host_len bytes
 * (256 MiB, 32 MiB with --quick), larger than the caches, mapped once and
 * written in full before any timing so no sample pays for page faults.
 * A sample streams through the whole buffer.  memcpy and memset are called
 * a page at a time through volatile function pointers: the simulator
 * zeroes and copies a page per call, and the compiler can neither inline
 * the calls nor merge them into one large call (which the C library would
 * serve with non-temporal stores, a cost the simulator never sees).
 */
#include <sys/mman.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"

#define LOAD_BUF	4096		/* bytes: well inside L1 */
#define LOAD_STRIDE	64		/* one cache line per load */
#define LOAD_ITERS	((size_t)16 << 20)	/* loads per sample */
#define LOAD_ITERS_QUICK ((size_t)2 << 20)	/* with --quick */

static uint8_t	*host_buf;		/* host_buf_len bytes, or NULL */
static size_t	host_buf_len;
static uint64_t	load_buf[LOAD_BUF / sizeof(uint64_t)];

static void	*(*volatile memset_fn)(void *, int, size_t) = memset;
static void	*(*volatile memcpy_fn)(void *, const void *, size_t) = memcpy;

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

/* bench_host_memset_sample: ns per page to memset the whole buffer. */
double
bench_host_memset_sample(struct bench *b, void *arg)
{
	uint8_t *buf;
	uint64_t t0, t1;
	size_t off;

	(void)arg;
	if ((buf = host_buffer(b)) == NULL)
		return NAN;
	t0 = bench_now();
	for (off = 0; off < host_buf_len; off += BENCH_PAGE)
		memset_fn(buf + off, 0, BENCH_PAGE);
	BENCH_CLOBBER(buf);
	t1 = bench_now();
	return (double)(t1 - t0) / (double)(host_buf_len / BENCH_PAGE);
}

/*
 * bench_host_memcpy_sample: ns per page to copy the first half of the
 * buffer onto the second, a page per call; the two halves together stream
 * the whole buffer through the caches.
 */
double
bench_host_memcpy_sample(struct bench *b, void *arg)
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
		memcpy_fn(buf + half + off, buf + off, BENCH_PAGE);
	BENCH_CLOBBER(buf);
	t1 = bench_now();
	return (double)(t1 - t0) / (double)(half / BENCH_PAGE);
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
fig_host_memcpy_page_ns(struct bench *b)
{
	return bench_repeat(b, bench_host_memcpy_sample, NULL);
}

double
fig_host_memset_page_ns(struct bench *b)
{
	return bench_repeat(b, bench_host_memset_sample, NULL);
}

double
fig_host_load_ns(struct bench *b)
{
	return bench_repeat(b, bench_host_load_sample, NULL);
}
