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

/*
 * Out of frames for a new address space's page-table root: process
 * creation and fork fail with ENOMEM, nothing is left behind, and the
 * parent of a failed fork goes on with its memory as it was.
 */
static void
test_pmap_create_enomem(void **state)
{
	struct uvmsim_machine *m;
	struct proc *p, *child = NULL, *procs[64];
	uint64_t v;
	int i, n, free0;

	(void)state;
	m = tu_machine(64);

	/* The first page allocation of a creation is the pmap's root. */
	free0 = uvmsim_uvmexp(m)->free;
	assert_int_equal(uvmsim_failpoint_set(m, "uvm_pagealloc", 1, 1), 0);
	p = NULL;
	assert_int_equal(uvmsim_proc_create(m, &p), ENOMEM);
	assert_null(p);
	assert_non_null(strstr(uvmsim_last_error(), "uvmsim_proc_create"));
	assert_int_equal(uvmsim_failpoint_fired(m, "uvm_pagealloc"), 1);
	assert_int_equal(uvmsim_uvmexp(m)->free, free0);
	CHECK(m);

	/* A fork's child: its root first, before anything is copied. */
	assert_int_equal(uvmsim_proc_create(m, &p), 0);
	tu_map_anon(m, &p->p_vmspace->vm_map, 0x400000, 1,
	    VM_PROT_READ | VM_PROT_WRITE, UVM_INH_COPY, UVM_ADV_NORMAL, 0);
	assert_int_equal(uvmsim_store(m, 0, p->p_vmspace, 0x400000, 8,
	    0x1234), 0);
	CHECK(m);
	free0 = uvmsim_uvmexp(m)->free;
	assert_int_equal(uvmsim_failpoint_set(m, "uvm_pagealloc", 1, 1), 0);
	assert_int_equal(uvmsim_proc_fork(m, p, &child), ENOMEM);
	assert_null(child);
	assert_non_null(strstr(uvmsim_last_error(), "uvmsim_proc_fork"));
	assert_int_equal(uvmsim_uvmexp(m)->free, free0);
	CHECK(m);
	assert_int_equal(uvmsim_load(m, 0, p->p_vmspace, 0x400000, 8, &v), 0);
	assert_int_equal(v, 0x1234);
	CHECK(m);

	/* A small machine runs out for real: every root takes a frame. */
	for (n = 0; n < 64; n++)
		if (uvmsim_proc_create(m, &procs[n]) != 0)
			break;
	assert_true(n > 0 && n < 64);
	assert_int_equal(uvmsim_uvmexp(m)->free, 0);
	assert_int_equal(uvmsim_proc_create(m, &child), ENOMEM);
	assert_int_equal(uvmsim_proc_fork(m, p, &child), ENOMEM);
	CHECK(m);
	for (i = 0; i < n; i++)
		uvmsim_proc_exit(m, procs[i]);
	uvmsim_proc_exit(m, p);
	CHECK(m);
	tu_destroy(m);
}

/*
 * "host_alloc" from machine creation on (cfg.fail_host_alloc): each of
 * creation's host allocations in turn fails, creation says ENOMEM and
 * gives every block back; past the last one it succeeds.  Hit 1 is the
 * machine itself.
 */
static void
test_host_alloc_create(void **state)
{
	struct uvmsim_config cfg;
	struct uvmsim_machine *m;
	long before = uvmsim_host_allocs();
	unsigned long nth, hits;
	int err;

	(void)state;
	tu_config(&cfg, 32);
	cfg.swap_slots = 16;
	for (nth = 1;; nth++) {
		cfg.fail_host_alloc = nth;
		cfg.fail_host_alloc_count = 1;
		m = NULL;
		err = uvmsim_machine_create(&cfg, &m);
		if (err == 0)
			break;
		assert_int_equal(err, ENOMEM);
		assert_int_equal(uvmsim_host_allocs(), before);
		assert_null(m);
		assert_true(nth < 100);
	}
	assert_true(nth > 3);
	assert_true(uvmsim_host_allocs() > before);
	hits = uvmsim_failpoint_hits(m, "host_alloc");
	assert_int_equal(hits, nth - 1);
	assert_int_equal(uvmsim_failpoint_fired(m, "host_alloc"), 0);
	uvmsim_machine_destroy(m);
	assert_int_equal(uvmsim_host_allocs(), before);

	cfg.fail_host_alloc = ~0UL;
	cfg.fail_host_alloc_count = 2;
	assert_int_equal(uvmsim_machine_create(&cfg, &m), EINVAL);
	assert_non_null(strstr(uvmsim_last_error(), "fail_host_alloc"));
}

/*
 * A clip's entry: 1.6 waits for one, so a clip never fails; the
 * library sets two aside before protect, inherit, advice or pageable
 * change anything, and fails with ENOMEM, the map as it was, when the
 * host has none (it used to panic in uvm_map_clip_start/_end).
 */
static void
test_host_alloc_clip(void **state)
{
	struct uvmsim_machine *m;
	struct vm_map *map;
	struct proc *p;
	size_t ps;
	vaddr_t va = 0x400000;
	int n0;

	(void)state;
	m = tu_proc_setup(32, &p, &map, &ps);
	tu_map_anon(m, map, va, 4, VM_PROT_READ | VM_PROT_WRITE,
	    UVM_INH_COPY, UVM_ADV_NORMAL, 0);
	n0 = map->nentries;

	/* protect: hit 1 is its table of ranges, hit 2 the reserve. */
	assert_int_equal(uvmsim_failpoint_set(m, "host_alloc", 2, 1), 0);
	assert_int_equal(uvm_map_protect(map, va + ps, va + 2 * ps,
	    VM_PROT_READ, FALSE), ENOMEM);
	assert_int_equal(map->nentries, n0);
	CHECK(m);
	assert_int_equal(uvmsim_failpoint_set(m, "host_alloc", 1, 1), 0);
	assert_int_equal(uvm_map_inherit(map, va + ps, va + 2 * ps,
	    MAP_INHERIT_SHARE), ENOMEM);
	assert_int_equal(uvmsim_failpoint_set(m, "host_alloc", 1, 1), 0);
	assert_int_equal(uvm_map_advice(map, va + ps, va + 2 * ps,
	    UVM_ADV_RANDOM), ENOMEM);
	assert_int_equal(uvmsim_failpoint_set(m, "host_alloc", 1, 1), 0);
	assert_int_equal(uvm_map_pageable(map, va + ps, va + 2 * ps, FALSE,
	    0), ENOMEM);
	assert_int_equal(map->nentries, n0);
	CHECK(m);

	/* Again, the host willing: each splits the entry. */
	assert_int_equal(uvm_map_protect(map, va + ps, va + 2 * ps,
	    VM_PROT_READ, FALSE), 0);
	assert_int_equal(map->nentries, n0 + 2);
	assert_int_equal(uvm_map_inherit(map, va + 2 * ps, va + 3 * ps,
	    MAP_INHERIT_SHARE), 0);
	assert_int_equal(map->nentries, n0 + 3);
	CHECK(m);
	tu_proc_teardown(m, p, TU_ANONS_FREE);
}

/*
 * The checker's scratch memory is no hit of "host_alloc": a check
 * between two steps leaves the hit numbers a failure campaign counts as
 * they were.  Its sets of live structures are hits of their own point,
 * "uvmsim_check.live", one per set: three per check.
 */
static void
test_check_scratch(void **state)
{
	struct uvmsim_machine *m;
	struct proc *p;
	struct vm_map *map;
	size_t ps;
	unsigned long host;

	(void)state;
	m = tu_proc_setup(16, &p, &map, &ps);
	tu_map_anon(m, map, 0x400000, 1, VM_PROT_READ | VM_PROT_WRITE,
	    UVM_INH_COPY, UVM_ADV_NORMAL, 0);
	host = uvmsim_failpoint_hits(m, "host_alloc");
	assert_int_equal(uvmsim_failpoint_reset(m, "uvmsim_check.live"), 0);
	CHECK(m);
	CHECK(m);
	assert_int_equal(uvmsim_failpoint_hits(m, "uvmsim_check.live"), 6);
	assert_int_equal(uvmsim_failpoint_fired(m, "uvmsim_check.live"), 0);
	assert_int_equal(uvmsim_failpoint_hits(m, "host_alloc"), host);
	uvm_unmap(map, 0x400000, 0x400000 + ps);
	tu_proc_teardown(m, p, TU_ANONS_FREE);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_api),
		cmocka_unit_test(test_pmap_create_enomem),
		cmocka_unit_test(test_host_alloc_create),
		cmocka_unit_test(test_host_alloc_clip),
		cmocka_unit_test(test_check_scratch),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
