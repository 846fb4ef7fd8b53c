/*
 * test_vgframes.c: Valgrind's memcheck sees frame contents as the kernel
 * would have them: a free frame may not be read, a frame just allocated
 * without UVM_PGA_ZERO holds undefined bytes, a zeroed one defined zeros;
 * and an amap's arrays, one block with the amap, are each followed by
 * bytes that may not be read.
 *
 * This program is run under Valgrind by CTest (see CMakeLists.txt).  It
 * reads a freed frame and branches on an undefined byte on purpose, and
 * asserts that memcheck counted an error for each; CTest also expects
 * memcheck's own report of both.  Outside Valgrind it fails, so that it
 * cannot pass without having shown anything.
 */
#include "testutil.h"

#include <string.h>

#include <valgrind/memcheck.h>

static void
test_frames_under_memcheck(void **state)
{
	struct uvmsim_machine *m;
	struct vm_page *pg;
	volatile unsigned char *p;
	unsigned before, after;
	volatile int sink = 0;

	(void)state;
	if (!RUNNING_ON_VALGRIND)
		fail_msg("run me under valgrind: the point is its report");
	m = tu_machine(4);

	/* A zeroed frame reads as defined zeros: no error. */
	pg = uvm_pagealloc(NULL, 0, NULL, UVM_PGA_ZERO);
	p = uvmsim_page_data(m, pg);
	before = VALGRIND_COUNT_ERRORS;
	if (p[100] != 0)
		sink++;
	assert_int_equal(VALGRIND_COUNT_ERRORS, before);

	/* Reading it once freed is reported (an invalid read). */
	tu_pagefree(pg);
	before = VALGRIND_COUNT_ERRORS;
	sink += p[100];
	after = VALGRIND_COUNT_ERRORS;
	assert_int_equal(after, before + 1);

	/* An unzeroed allocation: its bytes are undefined until written. */
	pg = uvm_pagealloc(NULL, 0, NULL, 0);
	p = uvmsim_page_data(m, pg);
	before = VALGRIND_COUNT_ERRORS;
	if (p[200] == 0x42)		/* a branch on undefined data */
		sink++;
	after = VALGRIND_COUNT_ERRORS;
	assert_int_equal(after, before + 1);
	p[200] = 0x42;			/* written: now defined */
	before = VALGRIND_COUNT_ERRORS;
	if (p[200] == 0x42)
		sink++;
	assert_int_equal(VALGRIND_COUNT_ERRORS, before);
	tu_pagefree(pg);
	CHECK(m);
	tu_destroy(m);
	(void)sink;
}

/*
 * An amap's arrays share one block with the amap (uvm_amap.c), with
 * unaddressable bytes between them: reading one slot past the end of
 * am_anon or am_bckptr is reported, as it was when each array was a
 * block of its own; so is one past am_slots, the block's end.  After
 * amap_extend gives the arrays a block of their own, the same holds.
 */
static void
test_amap_redzones(void **state)
{
	struct uvmsim_machine *m;
	struct vm_amap *am;
	struct vm_map_entry e;
	size_t ps;
	unsigned before;
	volatile uintptr_t sink = 0;
	int round;

	(void)state;
	if (!RUNNING_ON_VALGRIND)
		fail_msg("run me under valgrind: the point is its report");
	m = tu_machine(4);
	ps = uvmsim_page_size(m);
	am = amap_alloc(3 * ps, 0, 0);
	assert_non_null(am);
	memset(&e, 0, sizeof(e));
	e.start = 0x100000;
	e.end = e.start + 3 * ps;
	e.aref.ar_amap = am;
	for (round = 0; round < 2; round++) {
		/* Inside each array: no error. */
		before = VALGRIND_COUNT_ERRORS;
		sink += (uintptr_t)am->am_anon[am->am_maxslot - 1];
		sink += (uintptr_t)am->am_bckptr[am->am_maxslot - 1];
		sink += (uintptr_t)am->am_slots[am->am_maxslot - 1];
		assert_int_equal(VALGRIND_COUNT_ERRORS, before);

		/* One past each: an invalid read apiece. */
		before = VALGRIND_COUNT_ERRORS;
		sink += (uintptr_t)((struct vm_anon *volatile *)
		    am->am_anon)[am->am_maxslot];
		assert_int_equal(VALGRIND_COUNT_ERRORS, before + 1);
		sink += (uintptr_t)((volatile int *)am->am_bckptr)
		    [am->am_maxslot];
		assert_int_equal(VALGRIND_COUNT_ERRORS, before + 2);
		sink += (uintptr_t)((volatile int *)am->am_slots)
		    [am->am_maxslot];
		assert_int_equal(VALGRIND_COUNT_ERRORS, before + 3);

		/* Then arrays of their own: two slots past the padding. */
		if (round == 0) {
			assert_int_equal(amap_extend(&e, 2 * ps), 0);
			e.end += 2 * ps;
			assert_int_equal(am->am_maxslot, 5);
		}
	}
	amap_unref(am, 0, 5, TRUE);
	CHECK(m);
	tu_destroy(m);
	(void)sink;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_frames_under_memcheck),
		cmocka_unit_test(test_amap_redzones),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
