/*
 * test_lock.c: simple locks as LOCKDEBUG checks them.
 */
#include "testutil.h"

static struct uvmsim_machine *m;

static int
setup(void **state)
{
	(void)state;
	m = tu_machine(8);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	tu_destroy(m);
	return 0;
}

static void
test_lock_unlock(void **state)
{
	struct simplelock l = SIMPLELOCK_INITIALIZER;

	(void)state;
	assert_false(simple_lock_held(&l));
	simple_lock(&l);
	assert_true(simple_lock_held(&l));
	assert_int_equal(l.lock_holder, 1);
	assert_non_null(strstr(l.lock_file, "test_lock.c"));
	simple_unlock(&l);
	assert_false(simple_lock_held(&l));
	CHECK(m);
}

static void
test_against_myself(void **state)
{
	struct simplelock l;

	(void)state;
	simple_lock_init(&l);
	simple_lock(&l);
	EXPECT_PANIC(m, simple_lock(&l), "locking against myself");
	simple_unlock(&l);
	CHECK(m);
}

static void
test_deadlock_other_cpu(void **state)
{
	struct uvmsim_config cfg;
	struct uvmsim_machine *mp;
	struct simplelock l;

	(void)state;
	tu_config(&cfg, 0);
	cfg.ncpus = 2;
	mp = tu_machine_cfg(&cfg);
	simple_lock_init(&l);
	simple_lock(&l);
	uvmsim_cpu_set(mp, 1);
	assert_false(simple_lock_held(&l));
	EXPECT_PANIC(mp, simple_lock(&l), "deadlock: held by cpu 0");
	EXPECT_PANIC(mp, simple_unlock(&l), "released by cpu 1");
	assert_int_equal(simple_lock_try(&l), 0);
	uvmsim_cpu_set(mp, 0);
	simple_unlock(&l);
	CHECK(mp);
	tu_destroy(mp);
}

static void
test_unlock_not_held(void **state)
{
	struct simplelock l;

	(void)state;
	simple_lock_init(&l);
	EXPECT_PANIC(m, simple_unlock(&l), "lock not held");
	CHECK(m);
}

static void
test_assert(void **state)
{
	struct simplelock l;

	(void)state;
	simple_lock_init(&l);
	EXPECT_PANIC(m, LOCK_ASSERT(simple_lock_held(&l)),
	    "simple_lock_held(&l)");
	simple_lock(&l);
	LOCK_ASSERT(simple_lock_held(&l));
	simple_unlock(&l);
}

static void
test_try(void **state)
{
	struct simplelock l;

	(void)state;
	simple_lock_init(&l);
	assert_int_equal(simple_lock_try(&l), 1);
	assert_int_equal(simple_lock_try(&l), 0);	/* held: fails */
	simple_unlock(&l);
	/* The failpoint fails the 2nd and 3rd tries from now. */
	assert_int_equal(uvmsim_failpoint_set(m, "simple_lock_try", 2, 2), 0);
	assert_int_equal(simple_lock_try(&l), 1);
	simple_unlock(&l);
	assert_int_equal(simple_lock_try(&l), 0);
	assert_int_equal(simple_lock_try(&l), 0);
	assert_false(simple_lock_held(&l));
	assert_int_equal(simple_lock_try(&l), 1);
	simple_unlock(&l);
	assert_int_equal(uvmsim_failpoint_hits(m, "simple_lock_try"), 6);
	assert_int_equal(uvmsim_failpoint_fired(m, "simple_lock_try"), 2);
	CHECK(m);
}

/* A lock left held is reported with the place that took it. */
static void
test_left_held(void **state)
{
	struct uvmsim_report r = { 0 };
	const struct uvmsim_problem *p;

	(void)state;
	uvm_lock_pageq();
	assert_int_equal(uvmsim_check(m, &r), 1);
	p = uvmsim_report_find(&r, "lock.held", NULL);
	assert_non_null(p);
	assert_string_equal(p->object, "page queue lock");
	assert_non_null(strstr(p->detail, "test_lock.c"));
	uvmsim_report_free(&r);
	uvm_unlock_pageq();
	CHECK(m);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		TU_TEST(test_lock_unlock),
		TU_TEST(test_against_myself),
		TU_TEST(test_deadlock_other_cpu),
		TU_TEST(test_unlock_not_held),
		TU_TEST(test_assert),
		TU_TEST(test_try),
		TU_TEST(test_left_held),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
