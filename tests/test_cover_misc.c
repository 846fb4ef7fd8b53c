/*
 * test_cover_misc.c: small things no other suite reaches: every errno
 * uvmsim_strerror names, the trace ring printed by uvmsim_trace_dump
 * (as a panic prints its tail), an event of a type this library does not
 * know, and the checker's swap invariants (a slot off the device, a free
 * slot owned, two owners, the counters), and uvm_km_alloc refusing:
 * nothing asked, more than the kernel map holds, no page at all.
 */
#include "testutil.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define EXPECT_PROBLEM(inv, field)	tu_expect_problem(m, inv, field, __LINE__)

static struct uvmsim_machine *m;

/* Eight frames, a ring of four events, a swap device of four slots. */
static int
setup(void **state)
{
	struct uvmsim_config cfg;

	(void)state;
	tu_config(&cfg, 8);
	cfg.trace_ring = 4;
	cfg.swap_slots = 4;
	m = tu_machine_cfg(&cfg);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	CHECK(m);
	tu_destroy(m);
	return 0;
}

static void
test_strerror(void **state)
{
	static const struct {
		int err;
		const char *text;
	} names[] = {
		{ 0, "no error" },
		{ EINVAL, "invalid argument" },
		{ ENOMEM, "out of memory" },
		{ ENOENT, "no such entry" },
		{ EIO, "input/output error" },
		{ EAGAIN, "resource temporarily unavailable" },
		{ EBUSY, "resource busy" },
		{ EFAULT, "bad address" },
		{ EPERM, "operation not permitted" },
		{ EACCES, "permission denied" },
		{ EEXIST, "already exists" },
		{ ERANGE, "result out of range" },
		{ -1, "unknown error" },
		{ EDOM, "unknown error" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		assert_string_equal(uvmsim_strerror(names[i].err),
		    names[i].text);
}

/* The newest n events of the ring, oldest first, two spaces in front:
 * the same lines uvmsim_event_format makes of uvmsim_trace_ring's;
 * asked for more than the ring holds, all of it. */
static void
test_trace_dump(void **state)
{
	struct uvmsim_event ev[4];
	char *buf = NULL, line[384], want[4 * 400];
	size_t len = 0, n, i;
	struct vm_page *pg;
	FILE *fp;

	(void)state;
	for (i = 0; i < 3; i++) {
		pg = uvm_pagealloc(NULL, 0, NULL, 0);
		assert_non_null(pg);
		tu_pagefree(pg);
	}
	CHECK(m);
	n = uvmsim_trace_ring(m, ev, 4);
	assert_int_equal(n, 4);

	fp = open_memstream(&buf, &len);
	assert_non_null(fp);
	uvmsim_trace_dump(m, fp, 2);
	fclose(fp);
	want[0] = '\0';
	for (i = 2; i < 4; i++) {
		assert_true(uvmsim_event_format(&ev[i], line,
		    sizeof(line)) > 0);
		strcat(want, "  ");
		strcat(want, line);
		strcat(want, "\n");
	}
	assert_string_equal(buf, want);
	free(buf);

	buf = NULL;
	fp = open_memstream(&buf, &len);
	assert_non_null(fp);
	uvmsim_trace_dump(m, fp, 100);
	fclose(fp);
	for (i = 0, n = 0; buf[i] != '\0'; i++)
		n += buf[i] == '\n';
	assert_int_equal(n, 4);
	free(buf);
	CHECK(m);
}

/* An event type past the last this library knows is printed by number. */
static void
test_event_unknown_type(void **state)
{
	struct uvmsim_event ev;
	char line[128];
	int len;

	(void)state;
	memset(&ev, 0, sizeof(ev));
	ev.seq = 42;
	ev.cpu = 1;
	ev.type = UVMSIM_EV_NTYPES + 7;
	len = uvmsim_event_format(&ev, line, sizeof(line));
	snprintf(line + 100, 28, "42 cpu1 ? type=%u", ev.type);
	assert_string_equal(line, line + 100);
	assert_int_equal(len, (int)strlen(line + 100));
}

/*
 * Every event type, formatted into buffers of every length up to its
 * line and past it: the return is always the whole line's length (as
 * snprintf's), the buffer holds the line cut to fit and terminated, and
 * length 0 with no buffer asks the length alone.
 */
static void
test_event_format_lengths(void **state)
{
	struct uvmsim_event ev;
	char full[256], cut[256];
	unsigned t;
	int len, n;

	(void)state;
	for (t = 0; t <= UVMSIM_EV_NTYPES; t++) {
		memset(&ev, 0, sizeof(ev));
		ev.seq = 1000 + t;
		ev.cpu = t % 3;
		ev.type = t;
		ev.arg[0] = 0x1000;
		ev.arg[1] = 7;
		ev.arg[2] = 0xabc;
		ev.arg[3] = 12;
		ev.text = t % 2 ? "text" : NULL;
		len = uvmsim_event_format(&ev, full, sizeof(full));
		assert_true(len > 0 && len < (int)sizeof(full));
		assert_int_equal((int)strlen(full), len);
		assert_int_equal(uvmsim_event_format(&ev, NULL, 0), len);
		for (n = 1; n <= len + 1; n++) {
			memset(cut, 'x', sizeof(cut));
			assert_int_equal(uvmsim_event_format(&ev, cut,
			    (size_t)n), len);
			assert_int_equal((int)strlen(cut), n - 1);
			assert_memory_equal(cut, full, (size_t)n - 1);
		}
	}
}

/*
 * The swap checker: an anon holding slot s (taken with uvm_swap_alloc)
 * is a clean state; then the anon's slot is put off the device, on a
 * free slot, and shared with a second anon; then the counters are bumped.
 */
static void
test_swap_check(void **state)
{
	struct uvmexp *ux = uvmsim_uvmexp(m);
	struct vm_anon *a, *b;
	int n = 1, s, t;

	(void)state;
	s = uvm_swap_alloc(&n, FALSE);
	assert_true(s >= 1 && s <= 4);
	assert_int_equal(n, 1);
	a = uvm_analloc();
	assert_non_null(a);
	a->an_swslot = s;
	simple_unlock(&a->an_lock);
	CHECK(m);
	assert_int_equal(ux->swpginuse, 1);

	a->an_swslot = 5;
	EXPECT_PROBLEM("swap.slots", "an_swslot");
	t = s == 1 ? 2 : 1;
	a->an_swslot = t;			/* a free slot */
	EXPECT_PROBLEM("swap.slots", "an_swslot");
	a->an_swslot = s;
	CHECK(m);

	b = uvm_analloc();
	assert_non_null(b);
	b->an_swslot = s;			/* two owners */
	simple_unlock(&b->an_lock);
	EXPECT_PROBLEM("swap.slots", "an_swslot");
	b->an_swslot = 0;
	b->an_ref = 0;
	uvm_anfree(b);
	CHECK(m);

	ux->swpages++;
	EXPECT_PROBLEM("swap.slots", "swpages");
	ux->swpages--;
	ux->swpginuse++;
	EXPECT_PROBLEM("swap.slots", "swpginuse");
	ux->swpginuse--;
	CHECK(m);

	/* uvm_anfree gives the slot back. */
	a->an_ref = 0;
	uvm_anfree(a);
	CHECK(m);
	assert_int_equal(ux->swpginuse, 0);
	assert_int_equal(ux->nanon, ux->nfreeanon);
}

static void
test_km_alloc_refused(void **state)
{
	struct vm_map *kmap = uvm_kernel_map();
	struct uvmexp *ux = uvmsim_uvmexp(m);
	int free0 = ux->free, n0 = kmap->nentries;
	unsigned long hits, tables;
	vaddr_t va;

	(void)state;
	assert_int_equal(uvm_km_alloc(kmap, 0), 0);
	assert_int_equal(uvm_km_alloc(kmap,
	    vm_map_max(kmap) - vm_map_min(kmap) + 1), 0);
	CHECK(m);
	assert_int_equal(uvmsim_failpoint_set(m, "uvm_pagealloc", 1, 1), 0);
	assert_int_equal(uvm_km_alloc(kmap, 2 * uvmsim_page_size(m)), 0);
	assert_int_equal(uvmsim_failpoint_fired(m, "uvm_pagealloc"), 1);
	CHECK(m);
	assert_int_equal(ux->free, free0);
	assert_int_equal(kmap->nentries, n0);
	/* No second page: the first and the whole range go back.  The
	 * pagealloc hits of a page's mapping (its page tables, if the
	 * pmap must make them again) are counted on a warm range first, so
	 * that the failure is the second page's own. */
	va = uvm_km_alloc(kmap, uvmsim_page_size(m));
	uvm_km_free(kmap, va, uvmsim_page_size(m));
	hits = uvmsim_failpoint_hits(m, "uvm_pagealloc");
	va = uvm_km_alloc(kmap, uvmsim_page_size(m));
	assert_int_not_equal(va, 0);
	tables = uvmsim_failpoint_hits(m, "uvm_pagealloc") - hits - 1;
	uvm_km_free(kmap, va, uvmsim_page_size(m));
	CHECK(m);
	free0 = ux->free;
	assert_int_equal(uvmsim_failpoint_set(m, "uvm_pagealloc", 2 + tables,
	    1), 0);
	assert_int_equal(uvm_km_alloc(kmap, 2 * uvmsim_page_size(m)), 0);
	assert_int_equal(uvmsim_failpoint_fired(m, "uvm_pagealloc"), 2);
	CHECK(m);
	assert_int_equal(kmap->nentries, n0);
	assert_int_equal(ux->free, free0);
	/* Unarmed, it gives two zeroed, wired pages. */
	va = uvm_km_alloc(kmap, 2 * uvmsim_page_size(m));
	assert_int_not_equal(va, 0);
	assert_true(ux->free <= free0 - 2);	/* and its page tables */
	free0 = ux->free;
	CHECK(m);
	uvm_km_free(kmap, va, 2 * uvmsim_page_size(m));
	uvm_km_free(kmap, va, 0);		/* nothing */
	CHECK(m);
	assert_true(ux->free >= free0 + 2);	/* and maybe its tables */
	assert_int_equal(kmap->nentries, n0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		TU_TEST(test_strerror),
		TU_TEST(test_trace_dump),
		TU_TEST(test_event_unknown_type),
		TU_TEST(test_event_format_lengths),
		TU_TEST(test_swap_check),
		TU_TEST(test_km_alloc_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
