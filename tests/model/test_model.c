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

#include <errno.h>
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

/*
 * A read-only wiring keeps the amap its entry shares by copy inheritance
 * (1.6's uvm_map_pageable copies a needs-copy amap for a wiring only if
 * the entry is writable or anonymous): the anon it wires is the one the
 * other process reads, which can then lend it no more (EINVAL), until
 * its own write copies the amap.  The model and the machine, step by
 * step; the kernel keeps what it was lent.
 *
 *	p0 [ file page 0 | anon A (written) | file page 2 ]  needs copy
 *	p1 [     the same amap, by fork (copy)             ]  needs copy
 *	kl0: A's page lent to the kernel by p1
 *	p0: page 1 read-only, wired  ->  A wired (1.39: on a new page)
 */
static uint8_t
pat(uint32_t seed, int page, size_t off)
{
	return (uint8_t)(seed + (uint32_t)page * 31 + off);
}

static void
test_readonly_wire_keeps_shared_amap(void **state)
{
	struct model md;
	struct mproc *m0, *m1;
	struct mloan *l;
	struct uvmsim_machine *m;
	struct uvm_object *f;
	struct vm_map *map0, *map1;
	struct proc *p0, *p1;
	struct vm_page *kl[1], *kl2[1];
	struct uvmsim_probe pr0, pr1;
	uint64_t v;
	uint8_t b = 0x5a;
	size_t ps;
	vaddr_t va;

	(void)state;
	m = tu_proc_setup(256, &p0, &map0, &ps);
	va = 16 * ps;
	f = tu_file_pattern(m, 3, 64, pat, 1);
	tu_map_object(m, map0, va, f, 3, UVM_INH_COPY, UVM_ADV_NORMAL,
	    UVM_FLAG_COPYONW);
	model_init(&md, ps, tu_modern());
	m0 = model_proc_new(&md);
	assert_int_equal(model_map(&md, m0, 0, 3, MK_FPRIV, 0, 0,
	    VM_PROT_READ | VM_PROT_WRITE, VM_PROT_ALL, MAP_INHERIT_COPY), 0);

	assert_int_equal(uvmsim_store(m, 0, p0->p_vmspace, va + ps, 1, b), 0);
	assert_int_equal(model_access(&md, m0, 1, 0, &b, 1, true, -1).error,
	    0);
	assert_int_equal(uvmsim_proc_fork(m, p0, &p1), 0);
	map1 = &p1->p_vmspace->vm_map;
	m1 = model_fork(&md, m0);
	CHECK(m);

	assert_int_equal(uvm_loan(map1, va + ps, ps, kl, UVM_LOAN_TOPAGE), 0);
	assert_int_equal(model_loan(&md, m1, 1, 1, false, &l), 0);
	assert_int_equal(uvm_map_protect(map0, va + ps, va + 2 * ps,
	    VM_PROT_READ, FALSE), 0);
	assert_int_equal(model_protect(&md, m0, 1, 1, VM_PROT_READ), 0);
	assert_int_equal(uvm_map_pageable(map0, va + ps, va + 2 * ps, FALSE,
	    0), 0);
	assert_int_equal(model_wire(&md, m0, 1, 1), 0);
	CHECK(m);

	/* One anon, wired, behind both; the amap still shared. */
	assert_int_equal(uvmsim_probe(m, p0->p_vmspace, va + ps, &pr0), 0);
	assert_int_equal(uvmsim_probe(m, p1->p_vmspace, va + ps, &pr1), 0);
	assert_true(pr0.needs_copy);
	assert_true(pr1.needs_copy);
	assert_ptr_equal(pr0.amap, pr1.amap);
	assert_ptr_equal(pr0.anon, pr1.anon);
	assert_true(pr0.page->wire_count > 0);
	/* The kernel keeps its page and what was written in it; in 1.39
	 * the wiring broke the loan, so the anon has a page of its own. */
	assert_int_equal(((uint8_t *)uvmsim_page_data(m, kl[0]))[0], b);
	if (tu_modern())
		assert_ptr_equal(pr0.page, kl[0]);
	else
		assert_ptr_not_equal(pr0.page, kl[0]);
	assert_int_equal(((uint8_t *)uvmsim_page_data(m, pr0.page))[0], b);

	/* p1 can lend it no more; the model says so too. */
	assert_int_equal(uvm_loan(map1, va + ps, ps, kl2, UVM_LOAN_TOPAGE),
	    EINVAL);
	assert_int_equal(model_loan(&md, m1, 1, 1, false, &l), EINVAL);

	/* p1's write copies the amap: its page is its own, and lent. */
	uvm_unloan(kl, 1, UVM_LOAN_TOPAGE);
	model_unloan(&md, 0);
	assert_int_equal(uvmsim_store(m, 0, p1->p_vmspace, va + ps, 1, 7), 0);
	b = 7;
	assert_int_equal(model_access(&md, m1, 1, 0, &b, 1, true, -1).error,
	    0);
	assert_int_equal(uvm_loan(map1, va + ps, ps, kl, UVM_LOAN_TOPAGE), 0);
	assert_int_equal(model_loan(&md, m1, 1, 1, false, &l), 0);
	assert_int_equal(((uint8_t *)uvmsim_page_data(m, kl[0]))[0], 7);
	assert_int_equal(uvmsim_load(m, 0, p0->p_vmspace, va + ps, 1, &v), 0);
	assert_int_equal(v, 0x5a);
	CHECK(m);

	uvm_unloan(kl, 1, UVM_LOAN_TOPAGE);
	model_free(&md);
	uvmsim_proc_exit(m, p1);
	tu_proc_teardown(m, p0, TU_ANONS_FREE);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_seeded_runs_agree),
		cmocka_unit_test(test_same_seed_same_run),
		cmocka_unit_test(test_shrinker_finds_injected_error),
		cmocka_unit_test(test_readonly_wire_keeps_shared_amap),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
