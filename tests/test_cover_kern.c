/*
 * test_cover_kern.c: the machine's edges that no module suite reaches:
 * configurations refused for a reserve or a loan behaviour, machine
 * creation failing at a later host allocation, a machine destroyed while
 * current or entered too deeply, failpoints armed past the end of their
 * counter, hooks asked about with no name and a hook point reached from
 * inside a hook, the checker naming the anon free list lock and an
 * object's lock, the trace naming a map's reference lock, and a vmspace
 * freed by one of two sharers.
 */
#include "testutil.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "uvmsim_state.h"

/* cfg must be refused with err, the message naming field; nothing leaks. */
static void
expect_refused(const struct uvmsim_config *cfg, int err, const char *field)
{
	struct uvmsim_machine *m = (struct uvmsim_machine *)1;
	long before = uvmsim_host_allocs();

	assert_int_equal(uvmsim_machine_create(cfg, &m), err);
	assert_null(m);
	if (strstr(uvmsim_last_error(), field) == NULL)
		fail_msg("\"%s\" does not name %s", uvmsim_last_error(), field);
	assert_int_equal(uvmsim_host_allocs(), before);
}

static void
test_config_edges(void **state)
{
	struct uvmsim_config cfg;

	(void)state;
	tu_config(&cfg, 16);
	cfg.reserve_kernel = 17;
	expect_refused(&cfg, EINVAL, "reserve_kernel: 17 is not in 0..npages");
	tu_config(&cfg, 16);
	cfg.reserve_pagedaemon = -1;
	expect_refused(&cfg, EINVAL,
	    "reserve_pagedaemon: -1 is not in 0..npages");
	tu_config(&cfg, 16);
	cfg.loan = "1.6";
	expect_refused(&cfg, EINVAL,
	    "loan: \"1.6\" is neither \"1.39\" nor \"modern\"");
	/* Hit 2 of "host_alloc" (count 0: one hit) is the page
	 * descriptors: creation fails there, and gives back the machine. */
	tu_config(&cfg, 16);
	cfg.fail_host_alloc = 2;
	cfg.fail_host_alloc_count = 0;
	expect_refused(&cfg, ENOMEM, "npages: no host memory for 16 page "
	    "descriptors");
}

/*
 * A machine destroyed while it is current, without leaving it: the
 * machine current before it was entered is current again.  A NULL
 * machine is nothing to destroy and has no error of its own.
 */
static void
test_destroy_current(void **state)
{
	struct uvmsim_machine *a, *b;
	struct vm_page *pg;

	(void)state;
	a = tu_machine_phys(4);
	b = tu_machine_phys(4);
	assert_ptr_equal(uvmsim_machine_current(), b);
	pg = uvm_pagealloc(NULL, 0, NULL, 0);
	assert_non_null(pg);
	assert_int_equal(uvmsim_uvmexp(b)->free, 3);
	uvmsim_machine_destroy(b);		/* pg goes with it */
	assert_ptr_equal(uvmsim_machine_current(), a);
	uvmsim_machine_destroy(NULL);
	assert_ptr_equal(uvmsim_machine_current(), a);
	assert_string_equal(uvmsim_machine_error(NULL), "");
	pg = uvm_pagealloc(NULL, 0, NULL, 0);	/* on a */
	assert_non_null(pg);
	assert_int_equal(uvmsim_uvmexp(a)->free, 3);
	tu_pagefree(pg);
	CHECK(a);
	tu_destroy(a);
	assert_null(uvmsim_machine_current());
}

/* Entering a machine nests up to a depth; one more is a panic, and the
 * machine is still current, each enter undone by a leave. */
static void
test_enter_too_deep(void **state)
{
	struct uvmsim_machine *m;
	struct uvmsim_catch c;
	int depth;

	(void)state;
	m = tu_machine_phys(4);			/* entered once */
	for (depth = 1; depth < 64; depth++) {
		UVMSIM_CATCH(m, &c, uvmsim_machine_enter(m));
		if (c.caught)
			break;
	}
	assert_true(c.caught);
	assert_string_equal(c.message,
	    "uvmsim_machine_enter: nested too deeply");
	assert_int_equal(depth, 8);
	assert_ptr_equal(uvmsim_machine_current(), m);
	while (--depth > 0)
		uvmsim_machine_leave(m);
	CHECK(m);
	tu_destroy(m);
	assert_null(uvmsim_machine_current());
}

/* Arming a failpoint past the end of its counter is refused, naming the
 * argument, and leaves the point disarmed. */
static void
test_failpoint_overflow(void **state)
{
	struct uvmsim_machine *m;
	struct vm_page *pg;
	unsigned long hits;

	(void)state;
	m = tu_machine_phys(4);
	hits = uvmsim_failpoint_hits(m, "uvm_pagealloc");
	assert_int_equal(uvmsim_failpoint_set(m, "uvm_pagealloc", ~0UL,
	    UVMSIM_FP_FOREVER), EINVAL);
	assert_non_null(strstr(uvmsim_machine_error(m),
	    "uvmsim_failpoint_set: nth: hit 18446744073709551615 overflows "
	    "the counter"));
	assert_int_equal(uvmsim_failpoint_set(m, "uvm_pagealloc", 1,
	    ~0UL - 1), EINVAL);
	assert_non_null(strstr(uvmsim_machine_error(m),
	    "uvmsim_failpoint_set: count: 18446744073709551614 hits from "
	    "hit 1 overflow the counter"));
	assert_int_equal(uvmsim_failpoint_set(m, "uvm_pagealloc", ~0UL - 2,
	    2), EINVAL);
	assert_non_null(strstr(uvmsim_machine_error(m), "count: 2 hits from "
	    "hit 18446744073709551613 overflow"));
	/* Not armed: the next allocation succeeds. */
	pg = uvm_pagealloc(NULL, 0, NULL, 0);
	assert_non_null(pg);
	assert_int_equal(uvmsim_failpoint_hits(m, "uvm_pagealloc"), hits + 1);
	assert_int_equal(uvmsim_failpoint_fired(m, "uvm_pagealloc"), 0);
	tu_pagefree(pg);
	CHECK(m);
	tu_destroy(m);
}

/* The "pgo_get" hook reads a second file: that pgo_get passes the same
 * point inside the hook, where no hook runs. */
static void
nested_hook(struct uvmsim_machine *m, const char *point, void *arg)
{
	struct uvm_object *g = arg;
	struct vm_page *pg = NULL;

	assert_string_equal(point, "pgo_get");
	assert_int_equal(tu_pgo_get_sync(g, 0, &pg, 1, 0), 0);
	assert_non_null(pg);
	assert_true(tu_verify(m, pg, 77));
	simple_lock(&g->vmobjlock);
	tu_pgo_release(&pg, 1);
	simple_unlock(&g->vmobjlock);
}

static void
test_hook_edges(void **state)
{
	struct uvmsim_config cfg;
	struct uvmsim_machine *m;
	struct uvmsim_event ev[64];
	struct uvm_object *f, *g;
	struct vm_page *pg = NULL, *tmp;
	size_t n, i;

	(void)state;
	tu_config(&cfg, 16);
	cfg.arch = "none";
	cfg.trace = UVMSIM_TRACE_ALL & ~UVMSIM_TRACE_MISC;
	m = tu_machine_cfg(&cfg);

	assert_int_equal(uvmsim_hook_set_once(m, NULL, nested_hook, NULL),
	    EINVAL);
	assert_non_null(strstr(uvmsim_machine_error(m),
	    "uvmsim_hook_set_once: point: no hook point called \"(null)\""));
	assert_int_equal(uvmsim_hook_runs(m, NULL), ~0UL);
	assert_non_null(strstr(uvmsim_machine_error(m),
	    "uvmsim_hook_runs: point: no hook point called \"(null)\""));

	/* g's first page holds the pattern 77 on its backing store. */
	assert_int_equal(uvmsim_file_create(m, uvmsim_page_size(m), &f), 0);
	assert_int_equal(uvmsim_file_create(m, uvmsim_page_size(m), &g), 0);
	tmp = tu_page();
	tu_fill(m, tmp, 77);
	assert_int_equal(uvmsim_file_write(m, g, 0, uvmsim_page_data(m, tmp),
	    uvmsim_page_size(m)), 0);
	tu_pagefree(tmp);
	CHECK(m);

	assert_int_equal(uvmsim_hook_set(m, "pgo_get", nested_hook, g), 0);
	assert_int_equal(tu_pgo_get_sync(f, 0, &pg, 1, 0), 0);
	assert_non_null(pg);
	assert_true(tu_is_zero(m, pg));
	simple_lock(&f->vmobjlock);
	tu_pgo_release(&pg, 1);
	simple_unlock(&f->vmobjlock);
	assert_int_equal(uvmsim_hook_runs(m, "pgo_get"), 1);
	assert_int_equal(uvmsim_hook_set(m, "pgo_get", NULL, NULL), 0);
	CHECK(m);
	/* MISC is off: no event says the hook ran. */
	n = uvmsim_trace_ring(m, ev, 64);
	assert_true(n > 0);
	for (i = 0; i < n; i++)
		assert_int_not_equal(ev[i].type, UVMSIM_EV_HOOK);

	f->pgops->pgo_detach(f);
	g->pgops->pgo_detach(g);
	CHECK(m);
	tu_destroy(m);
}

/* The checker names a lock left held by what holds it. */
static void
expect_held(struct uvmsim_machine *m, const char *object)
{
	struct uvmsim_report r;
	const struct uvmsim_problem *p;

	memset(&r, 0, sizeof(r));
	assert_int_equal(uvmsim_check(m, &r), 1);
	p = uvmsim_report_find(&r, "lock.held", "lock_holder");
	assert_non_null(p);
	assert_string_equal(p->object, object);
	assert_non_null(strstr(p->detail, "held by cpu 0 since "));
	uvmsim_report_free(&r);
}

static void
test_check_lock_names(void **state)
{
	struct uvmsim_machine *m;
	struct uvm_object *f;
	char want[48];

	(void)state;
	m = tu_machine_phys(4);
	assert_int_equal(uvmsim_file_create(m, uvmsim_page_size(m), &f), 0);
	CHECK(m);
	simple_lock(&m->uvm.afreelock);
	expect_held(m, "anon free list lock");
	simple_unlock(&m->uvm.afreelock);
	CHECK(m);
	simple_lock(&f->vmobjlock);
	snprintf(want, sizeof(want), "object %u vmobjlock", f->uo_id);
	expect_held(m, want);
	simple_unlock(&f->vmobjlock);
	CHECK(m);
	f->pgops->pgo_detach(f);
	CHECK(m);
	tu_destroy(m);
}

/*
 * A map's reference count is guarded by its ref_lock: a traced reference
 * and release name it "mapref" with the map's id.  A vmspace shared by
 * two holders (vm_refcnt 2, as after vfork) outlives the first
 * uvmspace_free, its memory and contents intact.
 */
static void
test_map_refs(void **state)
{
	struct uvmsim_machine *m;
	struct proc *p;
	struct vm_map *map;
	struct vmspace *vs;
	char *buf = NULL, want[256];
	size_t len = 0, ps;
	uint64_t v = 0;
	FILE *fp;

	(void)state;
	m = tu_proc_setup(32, &p, &map, &ps);
	vs = p->p_vmspace;
	tu_map_anon(m, map, 0x400000, 1, VM_PROT_READ | VM_PROT_WRITE,
	    UVM_INH_COPY, UVM_ADV_NORMAL, 0);
	assert_int_equal(uvmsim_store(m, 0, vs, 0x400000, 8, 0x1234abcd), 0);
	CHECK(m);

	assert_int_equal(uvmsim_trace_set(m, UVMSIM_TRACE_LOCK), 0);
	fp = open_memstream(&buf, &len);
	assert_non_null(fp);
	uvmsim_trace_text(m, fp);
	uvm_map_reference(map);
	assert_int_equal(map->ref_count, 2);
	uvm_map_deallocate(map);
	uvmsim_trace_text(m, NULL);
	fclose(fp);
	assert_int_equal(map->ref_count, 1);
	snprintf(want, sizeof(want),
	    "cpu0 lock id=%u ctx=0 \"mapref\"\n", map->map_id);
	assert_non_null(strstr(buf, want));
	snprintf(want, sizeof(want),
	    "cpu0 unlock id=%u ctx=0 \"mapref\"\n", map->map_id);
	assert_non_null(strstr(buf, want));
	free(buf);
	assert_int_equal(uvmsim_trace_set(m, UVMSIM_TRACE_ALL), 0);
	CHECK(m);

	vs->vm_refcnt++;
	uvmspace_free(vs);
	assert_int_equal(vs->vm_refcnt, 1);
	CHECK(m);
	assert_int_equal(uvmsim_load(m, 0, vs, 0x400000, 8, &v), 0);
	assert_int_equal(v, 0x1234abcd);
	tu_proc_teardown(m, p, TU_ANONS_FREE);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_config_edges),
		cmocka_unit_test(test_destroy_current),
		cmocka_unit_test(test_enter_too_deep),
		cmocka_unit_test(test_failpoint_overflow),
		cmocka_unit_test(test_hook_edges),
		cmocka_unit_test(test_check_lock_names),
		cmocka_unit_test(test_map_refs),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
