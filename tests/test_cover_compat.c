/*
 * test_cover_compat.c: the kernel environment that kernel source runs
 * on (src/compat/kern_compat.c) where the loan file does not take it:
 * tsleep's timeout, its wakeup from a "tsleep" hook, its two panics (a
 * lock held; a sleep nothing could end), malloc(9) with M_ZERO and
 * M_NOWAIT, and UVMHIST lines in the text trace.  Built against the
 * kernel library only (tests/conformance: kernloan.cover_compat).
 */
#include "testutil.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define UVMSIM_KERN_GLUE	1	/* the declarations, not the macros */
#include <uvmsim/compat/kern_env.h>
#include <uvmsim/compat/kern_glue.h>

#ifndef EWOULDBLOCK
#define EWOULDBLOCK	EAGAIN
#endif

static struct uvmsim_machine *m;
static int chan;

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
	CHECK(m);
	tu_destroy(m);
	return 0;
}

static void
wake_chan(struct uvmsim_machine *hm, const char *point, void *arg)
{
	(void)hm;
	assert_string_equal(point, "tsleep");
	wakeup(NULL);		/* nobody sleeps on NULL: nothing */
	wakeup(arg);
}

/* A sleep with a timeout and no wakeup times out; a wakeup of its
 * channel from the hook ends it with 0; a wakeup of another channel
 * does not. */
static void
test_tsleep(void **state)
{
	int other;

	(void)state;
	assert_int_equal(tsleep(&chan, 0, "nowake", 10), EWOULDBLOCK);
	assert_int_equal(uvmsim_hook_runs(m, "tsleep"), 0);
	assert_int_equal(uvmsim_hook_set(m, "tsleep", wake_chan, &chan), 0);
	assert_int_equal(tsleep(&chan, 0, "woken", 0), 0);
	assert_int_equal(uvmsim_hook_runs(m, "tsleep"), 1);
	assert_int_equal(tsleep(&other, 0, "other", 3), EWOULDBLOCK);
	assert_int_equal(uvmsim_hook_runs(m, "tsleep"), 2);
	assert_int_equal(uvmsim_hook_set(m, "tsleep", NULL, NULL), 0);
	wakeup(&chan);		/* nobody asleep: nothing */
	CHECK(m);
}

/* A sleep with a simple lock held, and one that nothing could end:
 * panics, caught. */
static void
test_tsleep_panics(void **state)
{
	struct simplelock l;

	(void)state;
	simple_lock_init(&l);
	simple_lock(&l);
	EXPECT_PANIC(m, (void)tsleep(&chan, 0, "locked", 1),
	    "sleeping with 1 simple lock(s) held");
	simple_unlock(&l);
	CHECK(m);
	EXPECT_PANIC(m, (void)tsleep(&chan, 0, "forever", 0),
	    "no wakeup came and there is no timeout");
	CHECK(m);
}

/* malloc(9): M_ZERO memory reads zeros; M_NOWAIT and M_WAITOK both get
 * memory the host has. */
static void
test_kern_malloc(void **state)
{
	unsigned char *p, *q;
	size_t i;

	(void)state;
	p = uvmsim__kern_malloc(256, 0, M_ZERO | M_NOWAIT);
	assert_non_null(p);
	for (i = 0; i < 256; i++)
		assert_int_equal(p[i], 0);
	q = uvmsim__kern_malloc(64, 0, M_WAITOK);
	assert_non_null(q);
	memset(q, 0xa5, 64);
	assert_int_equal(q[63], 0xa5);
	uvmsim__kern_free(q, 0);
	uvmsim__kern_free(p, 0);
	CHECK(m);
}

/* UVMHIST lines go to the text trace when it records UVMSIM_TRACE_MISC,
 * and nowhere otherwise. */
static void
test_hist(void **state)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *fp;

	(void)state;
	uvmsim__kern_hist("nowhere", "%lu", 1, 0, 0, 0);	/* no text */
	fp = open_memstream(&buf, &len);
	assert_non_null(fp);
	uvmsim_trace_text(m, fp);
	assert_int_equal(uvmsim_trace_set(m, UVMSIM_TRACE_MISC), 0);
	uvmsim__kern_hist("f", "a=%lx b=%lu c=%lu d=%lu", 0x1f, 2, 3, 4);
	assert_int_equal(uvmsim_trace_set(m, 0), 0);
	uvmsim__kern_hist("g", "not recorded %lu", 5, 0, 0, 0);
	uvmsim_trace_text(m, NULL);
	fclose(fp);
	assert_string_equal(buf, "hist f: a=1f b=2 c=3 d=4\n");
	free(buf);
	CHECK(m);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		TU_TEST(test_tsleep),
		TU_TEST(test_tsleep_panics),
		TU_TEST(test_kern_malloc),
		TU_TEST(test_hist),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
