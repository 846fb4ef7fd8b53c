/*
 * test_vgframes.c: Valgrind's memcheck sees frame contents as the kernel
 * would have them: a free frame may not be read, a frame just allocated
 * without UVM_PGA_ZERO holds undefined bytes, a zeroed one defined zeros.
 *
 * This program is run under Valgrind by CTest (see CMakeLists.txt).  It
 * reads a freed frame and branches on an undefined byte on purpose, and
 * asserts that memcheck counted an error for each; CTest also expects
 * memcheck's own report of both.  Outside Valgrind it fails, so that it
 * cannot pass without having shown anything.
 */
#include "testutil.h"

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

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_frames_under_memcheck),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
