/*
 * test_lock.c: simple locks as LOCKDEBUG checks them.
 */
#include "testutil.h"

#include "uvmsim_state.h"

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

/* Take l, then take held, which panics (held is held). */
static void
take_then_again(struct simplelock *l, struct simplelock *held)
{
	simple_lock(l);
	simple_lock(held);
}

/*
 * Locks released out of the order they were taken, and a caught panic's
 * release of the locks taken since its catch: the held list stays whole
 * (the checker names what is left, oldest first) and the message of a
 * sleep with locks held counts them and names the oldest.
 */
static void
test_out_of_order(void **state)
{
	struct simplelock a = SIMPLELOCK_INITIALIZER;
	struct simplelock b = SIMPLELOCK_INITIALIZER;
	struct simplelock c = SIMPLELOCK_INITIALIZER;
	struct simplelock d = SIMPLELOCK_INITIALIZER;
	struct uvmsim_report r = { 0 };
	char want[160];
	int line_a, line_c, line_d;

	(void)state;
	simple_lock(&a); line_a = __LINE__;
	simple_lock(&b);
	simple_lock(&c); line_c = __LINE__;
	simple_lock(&d); line_d = __LINE__;
	/* held, newest first: d c b a; b is two below the newest */
	simple_unlock(&b);
	assert_false(simple_lock_held(&b));
	assert_true(simple_lock_held(&a) && simple_lock_held(&c) &&
	    simple_lock_held(&d));
	/* b taken under a catch, then a panic: b alone is let go */
	EXPECT_PANIC(m, take_then_again(&b, &c), "locking against myself");
	assert_false(simple_lock_held(&b));
	assert_int_equal(uvmsim_check(m, &r), 3);
	snprintf(want, sizeof(want), "test_lock.c:%d", line_a);
	assert_non_null(strstr(r.problems[0].detail, want));
	snprintf(want, sizeof(want), "test_lock.c:%d", line_c);
	assert_non_null(strstr(r.problems[1].detail, want));
	snprintf(want, sizeof(want), "test_lock.c:%d", line_d);
	assert_non_null(strstr(r.problems[2].detail, want));
	uvmsim_report_free(&r);
	snprintf(want, sizeof(want), "sleeping with 3 simple lock(s) held, "
	    "the first taken at tests/test_lock.c:%d", line_a);
	EXPECT_PANIC(m, uvm_wait("test"), want);
	/* a, the oldest, is the last on the list: a walk finds it */
	simple_unlock(&a);
	assert_false(simple_lock_held(&a));
	/* c, the one before the newest */
	simple_unlock(&c);
	assert_true(simple_lock_held(&d));
	simple_unlock(&d);
	CHECK(m);
}

/* The holder the fast paths use names the current CPU, or, while the
 * lock trace observes, no CPU. */
static void
test_lock_self(void **state)
{
	struct uvmsim_config cfg;
	struct uvmsim_machine *mp;
	struct simplelock l = SIMPLELOCK_INITIALIZER;

	(void)state;
	tu_config(&cfg, 0);
	cfg.ncpus = 2;
	cfg.check_loan_locks = 0;	/* nothing observes */
	mp = tu_machine_cfg(&cfg);
	assert_int_equal(mp->lock_self, 1);
	uvmsim_cpu_set(mp, 1);
	assert_int_equal(mp->lock_self, 2);
	simple_lock(&l);
	assert_int_equal(l.lock_holder, 2);
	uvmsim_cpu_set(mp, 0);
	EXPECT_PANIC(mp, simple_unlock(&l), "released by cpu 0");
	uvmsim_cpu_set(mp, 1);
	simple_unlock(&l);
	assert_int_equal(uvmsim_trace_set(mp, UVMSIM_TRACE_LOCK), 0);
	assert_int_equal(mp->lock_self, UVMSIM__LOCK_SELF_OBSERVED);
	simple_lock(&l);
	assert_true(simple_lock_held(&l));
	assert_int_equal(l.lock_holder, 2);
	simple_unlock(&l);
	assert_int_equal(uvmsim_trace_set(mp, 0), 0);
	assert_int_equal(mp->lock_self, 2);
	CHECK(mp);
	mp->lock_self = 1;
	tu_expect_problem(mp, "lock.curcpu", "lock_self", __LINE__);
	mp->lock_self = 2;
	CHECK(mp);
	tu_destroy(mp);
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
		TU_TEST(test_out_of_order),
		TU_TEST(test_lock_self),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
