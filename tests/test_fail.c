/*
 * test_fail.c: the failpoint API: naming, arming by the Nth hit, counting.
 */
#include "testutil.h"

#include <errno.h>

static void
test_api(void **state)
{
	struct uvmsim_machine *m;
	struct vm_anon *a;
	int i, got;

	(void)state;
	m = tu_machine(8);
	assert_int_equal(uvmsim_failpoint_set(m, "no.such", 1, 1), EINVAL);
	assert_non_null(strstr(uvmsim_last_error(), "no.such"));
	assert_int_equal(uvmsim_failpoint_set(m, NULL, 1, 1), EINVAL);
	assert_int_equal(uvmsim_failpoint_set(m, "uvm_analloc", 0, 1), EINVAL);
	assert_non_null(strstr(uvmsim_last_error(), "nth"));
	assert_int_equal(uvmsim_failpoint_hits(m, "no.such"), ~0UL);

	/* Hits 3 and 4 from now fail, the rest succeed. */
	assert_int_equal(uvmsim_failpoint_set(m, "uvm_analloc", 3, 2), 0);
	for (i = 1, got = 0; i <= 6; i++) {
		a = uvm_analloc();
		if (i == 3 || i == 4) {
			assert_null(a);
			continue;
		}
		assert_non_null(a);
		got++;
		simple_unlock(&a->an_lock);
		a->an_ref = 0;
		uvm_anfree(a);
	}
	assert_int_equal(got, 4);
	assert_int_equal(uvmsim_failpoint_hits(m, "uvm_analloc"), 6);
	assert_int_equal(uvmsim_failpoint_fired(m, "uvm_analloc"), 2);
	CHECK(m);

	/* count 0 disarms; clear disarms all. */
	uvmsim_failpoint_set(m, "uvm_pagealloc", 1, 5);
	uvmsim_failpoint_set(m, "uvm_pagealloc", 1, 0);
	uvmsim_failpoint_set(m, "uvm_analloc", 1, 5);
	uvmsim_failpoint_clear(m);
	a = uvm_analloc();
	assert_non_null(a);
	a->u.an_page = uvm_pagealloc(NULL, 0, a, 0);
	assert_non_null(a->u.an_page);
	tu_unbusy(a->u.an_page);
	simple_unlock(&a->an_lock);
	a->an_ref = 0;
	uvm_anfree(a);
	CHECK(m);
	tu_destroy(m);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_api),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
