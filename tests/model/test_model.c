/*
 * test_model.c: the model-based test's own tests.
 *
 * A short seeded run must agree with the library (on the suite's loan
 * behaviour and architecture); the same seed must give the same run,
 * printed as C the same, byte for byte; and the shrinker must find a
 * short reproduction of a disagreement put into the model on purpose
 * (MODEL_INJECT_COPYOUT: the model's copyout writes its first byte one
 * higher than the library was given), which still fails when replayed
 * and prints as C holding the two operations it needs.
 */
#include "testutil.h"

#include <stdlib.h>

#include "model.h"

static void
opts(struct model_opts *o, uint64_t seed, size_t nops)
{
	memset(o, 0, sizeof(*o));
	o->seed = seed;
	o->nops = nops;
	o->loan = tu_loan_behaviour();
	o->arch = tu_arch();
}

/* A run as C, in a string the caller frees. */
static char *
run_c(const struct model_opts *o, const struct model_op *ops, size_t n,
    struct model_failure *f, int *rv)
{
	char *text = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&text, &len);

	assert_non_null(fp);
	*rv = model_run(o, ops, n, f, fp, NULL);
	fclose(fp);
	return text;
}

static void
test_seeded_runs_agree(void **state)
{
	struct model_opts o;
	struct model_failure f;
	struct model_op *ops;
	size_t nexec = 0;
	uint64_t seed;

	(void)state;
	for (seed = 100; seed < 102; seed++) {
		opts(&o, seed, 1200);
		model_generate(&o, &ops);
		if (model_run(&o, ops, o.nops, &f, NULL, &nexec) != 0)
			fail_msg("seed %ju: step %zu: %s: %s", (uintmax_t)seed,
			    f.step, f.what, f.detail);
		assert_true(nexec > o.nops / 2);
		free(ops);
	}
}

static void
test_same_seed_same_run(void **state)
{
	struct model_opts o;
	struct model_failure f;
	struct model_op *a, *b;
	char *ca, *cb;
	int rv;

	(void)state;
	opts(&o, 7, 400);
	model_generate(&o, &a);
	model_generate(&o, &b);
	assert_memory_equal(a, b, o.nops * sizeof(*a));
	ca = run_c(&o, a, o.nops, &f, &rv);
	assert_int_equal(rv, 0);
	cb = run_c(&o, b, o.nops, &f, &rv);
	assert_int_equal(rv, 0);
	assert_string_equal(ca, cb);
	assert_non_null(strstr(ca, "uvmsim_proc_create(m, &p0)"));
	free(ca);
	free(cb);
	free(a);
	free(b);
}

static void
test_shrinker_finds_injected_error(void **state)
{
	struct model_opts o;
	struct model_failure f, f2;
	struct model_op *ops;
	size_t n;
	char *c;
	int rv;

	(void)state;
	opts(&o, 3, 3000);
	o.inject = MODEL_INJECT_COPYOUT;
	model_generate(&o, &ops);
	rv = model_run(&o, ops, o.nops, &f, NULL, NULL);
	assert_int_equal(rv, 1);
	/* The first copyout that writes more than 8 bytes somewhere the
	 * model can see differs: at that step. */
	assert_int_equal(ops[f.step].kind == OP_COPYOUT ||
	    ops[f.step].kind == OP_FAIL, 1);
	n = model_shrink(&o, ops, o.nops, &f, 2000);
	/* What it needs: a mapping and the copyout (a process exists from
	 * the start).  The class of failure is kept. */
	assert_true(n >= 1 && n <= 3);
	rv = model_run(&o, ops, n, &f2, NULL, NULL);
	assert_int_equal(rv, 1);
	assert_string_equal(f2.what, f.what);
	c = run_c(&o, ops, n, &f2, &rv);
	assert_int_equal(rv, 1);
	assert_non_null(strstr(c, "uvm_map(&p0->p_vmspace->vm_map"));
	assert_non_null(strstr(c, "uvmsim_copyout(m, "));
	assert_non_null(strstr(c, "/* here: "));
	free(c);
	free(ops);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_seeded_runs_agree),
		cmocka_unit_test(test_same_seed_same_run),
		cmocka_unit_test(test_shrinker_finds_injected_error),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
