/*
 * test_page.c: allocation, freeing, the paging queues and wiring, with
 * frame contents and the checker after every step.
 */
#include "testutil.h"

#include <errno.h>

static struct uvmsim_machine *m;

static int
setup(void **state)
{
	(void)state;
	m = tu_machine_phys(16);
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
test_alloc_free(void **state)
{
	struct uvmexp *ux = uvmsim_uvmexp(m);
	struct vm_page *pg;

	(void)state;
	pg = uvm_pagealloc(NULL, 0, NULL, 0);
	assert_non_null(pg);
	assert_int_equal(pg->flags, PG_BUSY | PG_CLEAN | PG_FAKE);
	assert_int_equal(pg->pqflags, 0);
	assert_string_equal(pg->owner_tag, "new alloc");
	assert_int_equal(ux->free, 15);
	CHECK(m);
	tu_fill(m, pg, 7);
	assert_true(tu_verify(m, pg, 7));
	tu_pagefree(pg);
	assert_int_equal(pg->pqflags, PQ_FREE);
	assert_int_equal(ux->free, 16);
	assert_int_equal(ux->zeropages, 15);
	CHECK(m);
	/* The freed frame is the next one handed out (the list is LIFO). */
	assert_ptr_equal(uvm_pagealloc(NULL, 0, NULL, 0), pg);
	tu_pagefree(pg);
	CHECK(m);
}

/*
 * The order frames come back in, as in NetBSD 1.6: uvm_pagefree puts a
 * frame at the head of the free list and uvm_pagealloc takes the head, so
 * the last freed is the first handed out, whatever their addresses.
 */
static void
test_free_order(void **state)
{
	struct vm_page *pgs[16], *lo;
	int i, n;

	(void)state;
	for (n = 0; n < 16; n++) {
		pgs[n] = uvm_pagealloc(NULL, 0, NULL, 0);
		assert_non_null(pgs[n]);
	}
	assert_null(uvm_pagealloc(NULL, 0, NULL, 0));
	CHECK(m);
	lo = pgs[0];
	for (i = 1; i < n; i++)
		if (pgs[i] < lo)
			lo = pgs[i];

	/* Freed in ascending order: back in descending order. */
	for (i = 2; i <= 4; i++)
		tu_pagefree(lo + i);
	CHECK(m);
	for (i = 4; i >= 2; i--)
		assert_ptr_equal(uvm_pagealloc(NULL, 0, NULL, 0), lo + i);
	CHECK(m);

	/* Freed in descending order: back in ascending order. */
	for (i = 4; i >= 2; i--)
		tu_pagefree(lo + i);
	CHECK(m);
	for (i = 2; i <= 4; i++)
		assert_ptr_equal(uvm_pagealloc(NULL, 0, NULL, 0), lo + i);
	CHECK(m);

	/* Frames apart: the last freed is the first handed out. */
	tu_pagefree(lo + 2);
	tu_pagefree(lo + 9);
	tu_pagefree(lo + 5);
	CHECK(m);
	assert_ptr_equal(uvm_pagealloc(NULL, 0, NULL, 0), lo + 5);
	assert_ptr_equal(uvm_pagealloc(NULL, 0, NULL, 0), lo + 9);
	assert_ptr_equal(uvm_pagealloc(NULL, 0, NULL, 0), lo + 2);
	CHECK(m);

	for (i = 0; i < n; i++)
		tu_pagefree(pgs[i]);
	CHECK(m);
}

static void
test_zero(void **state)
{
	struct uvmexp *ux = uvmsim_uvmexp(m);
	struct vm_page *pg, *pg2, *all[16];
	int i;

	(void)state;
	/* A dirty frame on the unknown list... */
	pg = uvm_pagealloc(NULL, 0, NULL, 0);
	tu_fill(m, pg, 3);
	tu_pagefree(pg);
	CHECK(m);
	/* ...is not what a zeroed allocation gets while zero frames last. */
	pg2 = uvm_pagealloc(NULL, 0, NULL, UVM_PGA_ZERO);
	assert_ptr_not_equal(pg2, pg);
	assert_true(tu_is_zero(m, pg2));
	assert_int_equal(pg2->flags & PG_CLEAN, 0);
	assert_int_equal(ux->pga_zerohit, 1);
	tu_pagefree(pg2);
	CHECK(m);
	/* With no zero frames left, the allocator zeroes a dirty one. */
	while (ux->zeropages > 0) {
		pg2 = uvm_pagealloc(NULL, 0, NULL, UVM_PGA_ZERO);
		tu_fill(m, pg2, 9);
		tu_pagefree(pg2);
	}
	CHECK(m);
	pg2 = uvm_pagealloc(NULL, 0, NULL, UVM_PGA_ZERO);
	assert_true(tu_is_zero(m, pg2));
	assert_int_equal(ux->pga_zeromiss, 1);
	tu_pagefree(pg2);
	CHECK(m);
	/*
	 * Idle zeroing refills the zero list, each frame from the head of
	 * the unknown list to the head of the zero list, so the zero list
	 * comes out in the reverse of the unknown list's order.  pg2 and pg,
	 * freed last, lead the unknown list: they are zeroed first and
	 * handed out last, pg before pg2.
	 */
	pg = uvm_pagealloc(NULL, 0, NULL, 0);
	pg2 = uvm_pagealloc(NULL, 0, NULL, 0);
	tu_fill(m, pg, 5);
	tu_fill(m, pg2, 6);
	tu_pagefree(pg);
	tu_pagefree(pg2);
	CHECK(m);
	uvm_pageidlezero();
	assert_int_equal(ux->zeropages, 16);
	CHECK(m);
	for (i = 0; i < 16; i++) {
		all[i] = uvm_pagealloc(NULL, 0, NULL, UVM_PGA_ZERO);
		assert_non_null(all[i]);
		assert_true(tu_is_zero(m, all[i]));
		CHECK(m);
	}
	assert_ptr_equal(all[14], pg);
	assert_ptr_equal(all[15], pg2);
	assert_int_equal(ux->pga_zeromiss, 1);	/* every one known zero */
	CHECK(m);
	for (i = 0; i < 16; i++) {
		tu_pagefree(all[i]);
		CHECK(m);
	}
}

static void
test_exhaust(void **state)
{
	struct vm_page *pgs[16];
	int i;

	(void)state;
	for (i = 0; i < 16; i++) {
		pgs[i] = uvm_pagealloc(NULL, 0, NULL, 0);
		assert_non_null(pgs[i]);
		tu_fill(m, pgs[i], (uint32_t)i);
	}
	assert_null(uvm_pagealloc(NULL, 0, NULL, 0));
	assert_int_equal(uvmsim_uvmexp(m)->free, 0);
	CHECK(m);
	/* Each frame kept its own contents. */
	for (i = 0; i < 16; i++)
		assert_true(tu_verify(m, pgs[i], (uint32_t)i));
	for (i = 0; i < 16; i++)
		tu_pagefree(pgs[i]);
	CHECK(m);
}

static void
test_reserve(void **state)
{
	struct uvmsim_config cfg;
	struct uvmsim_machine *r;
	struct vm_page *pgs[4];

	(void)state;
	tu_config(&cfg, 4);
	cfg.arch = "none";
	cfg.reserve_kernel = 2;
	cfg.reserve_pagedaemon = 1;
	r = tu_machine_cfg(&cfg);
	pgs[0] = uvm_pagealloc(NULL, 0, NULL, 0);
	pgs[1] = uvm_pagealloc(NULL, 0, NULL, 0);
	assert_non_null(pgs[1]);
	/* Two left: only callers allowed into the reserve get one. */
	assert_null(uvm_pagealloc(NULL, 0, NULL, 0));
	pgs[2] = uvm_pagealloc(NULL, 0, NULL, UVM_PGA_USERESERVE);
	assert_non_null(pgs[2]);
	/* The last frame is the page daemon's. */
	assert_null(uvm_pagealloc(NULL, 0, NULL, UVM_PGA_USERESERVE));
	CHECK(r);
	uvm_lock_pageq();
	uvm_pagefree(pgs[0]);
	uvm_pagefree(pgs[1]);
	uvm_pagefree(pgs[2]);
	uvm_unlock_pageq();
	CHECK(r);
	tu_destroy(r);
	assert_ptr_equal(uvmsim_machine_current(), m);
}

static void
test_queues(void **state)
{
	struct uvmexp *ux = uvmsim_uvmexp(m);
	struct vm_page *a, *b;

	(void)state;
	a = uvm_pagealloc(NULL, 0, NULL, 0);
	b = uvm_pagealloc(NULL, 0, NULL, 0);
	tu_unbusy(a);
	tu_unbusy(b);
	uvm_lock_pageq();
	uvm_pageactivate(a);
	uvm_pageactivate(b);
	uvm_unlock_pageq();
	assert_int_equal(ux->active, 2);
	assert_true(a->pqflags & PQ_ACTIVE);
	CHECK(m);
	tu_deactivate(a);
	assert_int_equal(ux->active, 1);
	assert_int_equal(ux->inactive, 1);
	assert_true(a->pqflags & PQ_INACTIVE);
	CHECK(m);
	uvm_lock_pageq();
	uvm_pageactivate(a);		/* back from inactive */
	uvm_pageactivate(a);		/* again: moves to the tail */
	uvm_pagedequeue(b);
	uvm_unlock_pageq();
	assert_int_equal(ux->active, 1);
	assert_int_equal(ux->inactive, 0);
	assert_int_equal(b->pqflags & (PQ_ACTIVE | PQ_INACTIVE), 0);
	CHECK(m);
	uvm_lock_pageq();
	uvm_pagefree(a);		/* freeing takes it off its queue */
	uvm_pagefree(b);
	uvm_unlock_pageq();
	assert_int_equal(ux->active, 0);
	CHECK(m);
}

static void
test_wire(void **state)
{
	struct uvmexp *ux = uvmsim_uvmexp(m);
	struct vm_page *pg;

	(void)state;
	pg = uvm_pagealloc(NULL, 0, NULL, 0);
	tu_unbusy(pg);
	uvm_lock_pageq();
	uvm_pageactivate(pg);
	uvm_pagewire(pg);
	uvm_unlock_pageq();
	assert_int_equal(ux->wired, 1);
	assert_int_equal(ux->active, 0);
	assert_int_equal(pg->wire_count, 1);
	CHECK(m);
	uvm_lock_pageq();
	uvm_pagewire(pg);
	uvm_pageactivate(pg);		/* a wired page stays off the queues */
	uvm_unlock_pageq();
	assert_int_equal(ux->wired, 1);
	assert_int_equal(ux->active, 0);
	CHECK(m);
	uvm_lock_pageq();
	EXPECT_PANIC(m, uvm_pagedeactivate(pg), "wire_count == 0");
	uvm_pageunwire(pg);
	assert_int_equal(ux->wired, 1);
	uvm_pageunwire(pg);
	uvm_unlock_pageq();
	assert_int_equal(ux->wired, 0);
	assert_int_equal(ux->active, 1);
	CHECK(m);
	EXPECT_PANIC(m, uvm_pageunwire(pg), "pageq");
	uvm_lock_pageq();
	EXPECT_PANIC(m, uvm_pageunwire(pg), "wire_count > 0");
	uvm_pagewire(pg);
	uvm_pagefree(pg);		/* freeing a wired page unwires it */
	uvm_unlock_pageq();
	assert_int_equal(ux->wired, 0);
	CHECK(m);
}

static void
test_misuse(void **state)
{
	struct vm_page *pg;
	struct vm_anon *anon;

	(void)state;
	pg = uvm_pagealloc(NULL, 0, NULL, 0);
	tu_unbusy(pg);
	/* Queue operations need the page queue lock. */
	EXPECT_PANIC(m, uvm_pageactivate(pg), "pageqlock");
	tu_activate(pg);
	EXPECT_PANIC(m, uvm_pagefree(pg), "pageqlock");
	CHECK(m);
	tu_pagefree(pg);
	EXPECT_PANIC(m, tu_pagefree(pg), "freeing free page");
	CHECK(m);
	/* Misaligned offsets and two owners at once are refused. */
	EXPECT_PANIC(m, uvm_pagealloc(NULL, 100, NULL, 0), "pagemask");
	anon = uvm_analloc();
	EXPECT_PANIC(m, uvm_pagealloc((struct uvm_object *)anon, 0, anon, 0),
	    "obj == NULL || anon == NULL");
	simple_unlock(&anon->an_lock);
	/* An anon must be locked to receive a page. */
	EXPECT_PANIC(m, uvm_pagealloc(NULL, 0, anon, 0), "an_lock");
	anon->an_ref = 0;
	uvm_anfree(anon);
	/* Busy tracking: busying an owned page, unbusying an unowned one. */
	pg = uvm_pagealloc(NULL, 0, NULL, 0);
	EXPECT_PANIC(m, UVM_PAGE_OWN(pg, "again"), "already owned");
	tu_unbusy(pg);
	EXPECT_PANIC(m, UVM_PAGE_OWN(pg, NULL), "not owned");
	tu_pagefree(pg);
	CHECK(m);
}

static void
test_copy_zero_unbusy(void **state)
{
	struct vm_page *a, *b, *pgs[2];

	(void)state;
	a = uvm_pagealloc(NULL, 0, NULL, 0);
	b = uvm_pagealloc(NULL, 0, NULL, 0);
	tu_fill(m, a, 11);
	uvm_pagecopy(a, b);
	assert_true(tu_verify(m, b, 11));
	assert_int_equal(b->flags & PG_CLEAN, 0);
	uvm_pagezero(a);
	assert_true(tu_is_zero(m, a));
	assert_true(tu_verify(m, b, 11));
	CHECK(m);
	/* Unbusying frees the pages marked released. */
	b->flags |= PG_RELEASED;
	pgs[0] = a;
	pgs[1] = b;
	uvm_page_unbusy(pgs, 2);
	assert_int_equal(a->flags & PG_BUSY, 0);
	assert_null(a->owner_tag);
	assert_true(b->pqflags & PQ_FREE);
	CHECK(m);
	tu_pagefree(a);
	CHECK(m);
}

static void
test_failpoint(void **state)
{
	struct vm_page *pg;

	(void)state;
	assert_int_equal(uvmsim_failpoint_set(m, "uvm_pagealloc", 2, 1), 0);
	pg = uvm_pagealloc(NULL, 0, NULL, 0);
	assert_non_null(pg);
	assert_null(uvm_pagealloc(NULL, 0, NULL, 0));
	tu_pagefree(pg);
	pg = uvm_pagealloc(NULL, 0, NULL, 0);
	assert_non_null(pg);
	tu_pagefree(pg);
	assert_int_equal(uvmsim_failpoint_fired(m, "uvm_pagealloc"), 1);
	assert_int_equal(uvmsim_uvmexp(m)->free, 16);
	CHECK(m);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		TU_TEST(test_alloc_free),
		TU_TEST(test_free_order),
		TU_TEST(test_zero),
		TU_TEST(test_exhaust),
		TU_TEST(test_reserve),
		TU_TEST(test_queues),
		TU_TEST(test_wire),
		TU_TEST(test_misuse),
		TU_TEST(test_copy_zero_unbusy),
		TU_TEST(test_failpoint),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
