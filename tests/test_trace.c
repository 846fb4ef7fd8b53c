/*
 * test_trace.c: events, their stable text lines, and the three sinks.
 */
#include "testutil.h"

#include <errno.h>
#include <stdlib.h>

/* The golden lines of a small workload. */
static void
test_text_golden(void **state)
{
	struct uvmsim_machine *m;
	struct vm_page *pg;
	struct vm_anon *anon;
	char *buf = NULL;
	size_t len = 0;
	FILE *fp;

	(void)state;
	m = tu_machine_phys(8);
	fp = open_memstream(&buf, &len);
	assert_non_null(fp);
	uvmsim_trace_text(m, fp);
	pg = uvm_pagealloc(NULL, 0, NULL, UVM_PGA_ZERO);
	anon = uvm_analloc();
	(void)uvm_pagealloc(NULL, 0, anon, 0);
	simple_unlock(&anon->an_lock);
	tu_unbusy(anon->u.an_page);
	tu_activate(anon->u.an_page);
	anon->an_ref = 0;
	uvm_anfree(anon);
	tu_pagefree(pg);
	uvmsim_trace_text(m, NULL);
	fclose(fp);
	assert_string_equal(buf,
	    "1 cpu0 page.alloc pg=0 obj=0 off=0 anon=0\n"
	    "2 cpu0 anon.alloc anon=1\n"
	    "3 cpu0 page.alloc pg=1 obj=0 off=0 anon=1\n"
	    "4 cpu0 page.activate pg=1\n"
	    "5 cpu0 page.free pg=1\n"
	    "6 cpu0 anon.free anon=1 pg=1\n"
	    "7 cpu0 page.free pg=0\n");
	free(buf);
	CHECK(m);
	tu_destroy(m);
}

static void
test_ring(void **state)
{
	struct uvmsim_config cfg;
	struct uvmsim_machine *m;
	struct uvmsim_event ev[8];
	struct vm_page *pg;
	char line[128];
	int i;

	(void)state;
	tu_config(&cfg, 8);
	cfg.arch = "none";
	cfg.trace_ring = 4;
	m = tu_machine_cfg(&cfg);
	for (i = 0; i < 3; i++) {
		pg = uvm_pagealloc(NULL, 0, NULL, 0);
		tu_pagefree(pg);
	}
	/* Six events; the ring keeps the newest four, oldest first. */
	assert_int_equal(uvmsim_clock(m), 6);
	assert_int_equal(uvmsim_trace_ring(m, ev, 8), 4);
	assert_int_equal(ev[0].seq, 3);
	assert_int_equal(ev[0].type, UVMSIM_EV_PAGE_ALLOC);
	assert_int_equal(ev[3].seq, 6);
	assert_int_equal(ev[3].type, UVMSIM_EV_PAGE_FREE);
	assert_int_equal(uvmsim_trace_ring(m, ev, 2), 2);
	assert_int_equal(ev[0].seq, 5);
	uvmsim_event_format(&ev[1], line, sizeof(line));
	assert_string_equal(line, "6 cpu0 page.free pg=0");
	/* A short buffer gets a truncated, terminated line. */
	assert_int_equal(uvmsim_event_format(&ev[1], line, 8), 21);
	assert_string_equal(line, "6 cpu0 ");
	assert_string_equal(uvmsim_event_name(UVMSIM_EV_AMAP_COPY),
	    "amap.copy");
	assert_string_equal(uvmsim_event_name(9999), "?");
	tu_destroy(m);
}

struct counter {
	int	n;
	uint64_t last;
};

static void
count_ev(struct uvmsim_machine *m, const struct uvmsim_event *ev, void *arg)
{
	struct counter *c = arg;

	(void)m;
	c->n++;
	c->last = ev->seq;
}

static void
test_callback_and_categories(void **state)
{
	struct uvmsim_machine *m;
	struct counter c = { 0, 0 };
	struct vm_anon *anon;
	struct vm_page *pg;

	(void)state;
	m = tu_machine_phys(8);
	uvmsim_trace_callback(m, count_ev, &c);
	assert_int_equal(uvmsim_trace_set(m, UVMSIM_TRACE_ANON), 0);
	pg = uvm_pagealloc(NULL, 0, NULL, 0);	/* not traced... */
	anon = uvm_analloc();			/* ...traced */
	simple_unlock(&anon->an_lock);
	anon->an_ref = 0;
	uvm_anfree(anon);
	assert_int_equal(c.n, 2);
	/* ...but every change ticks the clock. */
	assert_int_equal(c.last, 3);
	assert_int_equal(uvmsim_trace_set(m, 0x10000), EINVAL);
	assert_non_null(strstr(uvmsim_last_error(), "categories"));
	uvmsim_trace_callback(m, NULL, NULL);
	tu_pagefree(pg);
	assert_int_equal(c.n, 2);
	CHECK(m);
	tu_destroy(m);
}

/* Panics and failpoints are events too. */
static void
test_misc_events(void **state)
{
	struct uvmsim_machine *m;
	struct uvmsim_event ev[4];
	char line[160];

	(void)state;
	m = tu_machine_phys(8);
	uvmsim_failpoint_set(m, "uvm_pagealloc", 1, 1);
	assert_null(uvm_pagealloc(NULL, 0, NULL, 0));
	EXPECT_PANIC(m, panic("trace me"), "trace me");
	assert_int_equal(uvmsim_trace_ring(m, ev, 2), 2);
	uvmsim_event_format(&ev[0], line, sizeof(line));
	assert_string_equal(line, "1 cpu0 failpoint hit=1 \"uvm_pagealloc\"");
	uvmsim_event_format(&ev[1], line, sizeof(line));
	assert_string_equal(line, "2 cpu0 panic \"trace me\"");
	tu_destroy(m);
}

/*
 * Lock operations: a category of their own, off unless asked for by
 * name (not in UVMSIM_TRACE_ALL).  Each names its lock by kind and id,
 * says whether a try took it, and in which context it ran (0: the
 * caller, 1: a lock-drop hook); it ticks no clock, so the other lines
 * are those of the trace without it.
 */
static void
lock_hook(struct uvmsim_machine *m, const char *point, void *arg)
{
	struct uvm_object *f = arg;

	(void)m;
	(void)point;
	simple_lock(&f->vmobjlock);
	simple_unlock(&f->vmobjlock);
}

static void
test_lock_events(void **state)
{
	struct uvmsim_config cfg;
	struct uvmsim_machine *m;
	struct uvm_object *f;
	struct vm_anon *anon;
	struct vm_page *pg;
	char *buf = NULL;
	size_t len = 0;
	FILE *fp;

	(void)state;
	assert_int_equal(UVMSIM_TRACE_ALL & UVMSIM_TRACE_LOCK, 0);
	tu_config(&cfg, 8);
	cfg.arch = "none";
	cfg.trace = UVMSIM_TRACE_ALL | UVMSIM_TRACE_LOCK;
	m = tu_machine_cfg(&cfg);
	assert_int_equal(uvmsim_file_create(m, 4096, &f), 0);
	fp = open_memstream(&buf, &len);
	assert_non_null(fp);
	uvmsim_trace_text(m, fp);
	anon = uvm_analloc();
	(void)uvm_pagealloc(NULL, 0, anon, 0);
	simple_unlock(&anon->an_lock);
	tu_unbusy(anon->u.an_page);
	tu_activate(anon->u.an_page);
	/* A try that takes the lock, one that finds it held, one that a
	 * failpoint fails. */
	assert_true(simple_lock_try(&f->vmobjlock));
	assert_false(simple_lock_try(&f->vmobjlock));
	simple_unlock(&f->vmobjlock);
	uvmsim_failpoint_set(m, "simple_lock_try", 1, 1);
	assert_false(simple_lock_try(&f->vmobjlock));
	/* A hook's lock operations: context 1. */
	assert_int_equal(uvmsim_hook_set(m, "pgo_get", lock_hook, f), 0);
	pg = NULL;
	simple_lock(&f->vmobjlock);
	assert_int_equal(f->pgops->pgo_get(f, 0, &pg, &(int){ 1 }, 0,
	    VM_PROT_READ, 0, PGO_SYNCIO), 0);	/* unlocks the object */
	simple_lock(&f->vmobjlock);
	tu_unbusy(pg);
	simple_unlock(&f->vmobjlock);
	anon->an_ref = 0;
	uvm_anfree(anon);
	uvmsim_trace_text(m, NULL);
	fclose(fp);
	assert_string_equal(buf,
	    "1 cpu0 lock id=0 ctx=0 \"afree\"\n"
	    "1 cpu0 lock id=1 ctx=0 \"anon\"\n"
	    "1 cpu0 unlock id=0 ctx=0 \"afree\"\n"
	    "2 cpu0 anon.alloc anon=1\n"
	    "3 cpu0 page.alloc pg=0 obj=0 off=0 anon=1\n"
	    "3 cpu0 unlock id=1 ctx=0 \"anon\"\n"
	    "3 cpu0 lock id=0 ctx=0 \"pageq\"\n"
	    "4 cpu0 page.activate pg=0\n"
	    "4 cpu0 unlock id=0 ctx=0 \"pageq\"\n"
	    "4 cpu0 lock.try id=1 ctx=0 ok=1 \"object\"\n"
	    "4 cpu0 lock.try id=1 ctx=0 ok=0 \"object\"\n"
	    "4 cpu0 unlock id=1 ctx=0 \"object\"\n"
	    "5 cpu0 failpoint hit=3 \"simple_lock_try\"\n"
	    "5 cpu0 lock.try id=1 ctx=0 ok=0 \"object\"\n"
	    "5 cpu0 lock id=1 ctx=0 \"object\"\n"
	    "6 cpu0 page.alloc pg=1 obj=1 off=0 anon=0\n"
	    "6 cpu0 unlock id=1 ctx=0 \"object\"\n"
	    "7 cpu0 hook runs=1 \"pgo_get\"\n"
	    "7 cpu0 lock id=1 ctx=1 \"object\"\n"
	    "7 cpu0 unlock id=1 ctx=1 \"object\"\n"
	    "8 cpu0 pgo.read obj=1 off=0 pg=1\n"
	    "9 cpu0 pgo.get obj=1 off=0 npages=1 error=0\n"
	    "9 cpu0 lock id=1 ctx=0 \"object\"\n"
	    "9 cpu0 unlock id=1 ctx=0 \"object\"\n"
	    "9 cpu0 lock id=1 ctx=0 \"anon\"\n"
	    "9 cpu0 lock id=0 ctx=0 \"pageq\"\n"
	    "10 cpu0 page.free pg=0\n"
	    "10 cpu0 unlock id=0 ctx=0 \"pageq\"\n"
	    "11 cpu0 anon.free anon=1 pg=0\n"
	    "11 cpu0 unlock id=1 ctx=0 \"anon\"\n"
	    "11 cpu0 lock id=0 ctx=0 \"afree\"\n"
	    "11 cpu0 unlock id=0 ctx=0 \"afree\"\n");
	free(buf);
	uvmsim_hook_set(m, "pgo_get", NULL, NULL);
	/* Off again: no lock lines. */
	assert_int_equal(uvmsim_trace_set(m, UVMSIM_TRACE_ALL), 0);
	buf = NULL;
	fp = open_memstream(&buf, &len);
	uvmsim_trace_text(m, fp);
	simple_lock(&f->vmobjlock);
	simple_unlock(&f->vmobjlock);
	uvmsim_trace_text(m, NULL);
	fclose(fp);
	assert_string_equal(buf, "");
	free(buf);
	f->pgops->pgo_detach(f);
	CHECK(m);
	tu_destroy(m);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_text_golden),
		cmocka_unit_test(test_ring),
		cmocka_unit_test(test_callback_and_categories),
		cmocka_unit_test(test_misc_events),
		cmocka_unit_test(test_lock_events),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
