/*
 * test_anon.c: anons: allocation, the anon limit, and uvm_anfree's four
 * cases: a plain page, a busy page, a page loaned out, and a page the anon
 * borrowed from an object (returned, or adopted once the object let go).
 *
 * The loan module is not used: loans are set up by hand, as that module
 * leaves them (a kernel loan: loan_count up, the page off its queue; an
 * object-to-anon loan: uanon set on the object's page, loan_count up).
 */
#include "testutil.h"

static struct uvmsim_machine *m;

/* An object with no pager: enough to own pages by hand. */
static const struct uvm_pagerops bare_ops = { .pgo_name = "bare" };

static int
setup(void **state)
{
	(void)state;
	m = tu_machine_phys(8);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	tu_destroy(m);
	return 0;
}

/* Lend pg to the kernel as the loan module does: one more loan, counted
 * in the ledger, off the paging queues.  The owner is locked. */
static void
loan_to_kernel(struct vm_page *pg)
{
	uvm_lock_pageq();
	pg->loan_count += 1;
	pg->kloan_count += 1;
	uvm_pagedequeue(pg);
	uvm_unlock_pageq();
}

/* Lend an object's page to a new anon (returned locked), as an
 * object-to-anon loan does.  The object is locked. */
static struct vm_anon *
loan_to_anon(struct vm_page *pg)
{
	struct vm_anon *a = uvm_analloc();

	assert_non_null(a);
	a->u.an_page = pg;
	pg->uanon = a;
	uvm_lock_pageq();
	pg->loan_count += 1;
	uvm_pageactivate(pg);
	uvm_unlock_pageq();
	return a;
}

/* An unlocked anon holding one active page filled with seed. */
static struct vm_anon *
anon_with_page(uint32_t seed)
{
	struct vm_anon *a = uvm_analloc();
	struct vm_page *pg;

	assert_non_null(a);
	pg = uvm_pagealloc(NULL, 0, a, 0);
	assert_non_null(pg);
	tu_fill(m, pg, seed);
	tu_unbusy(pg);
	tu_activate(pg);
	simple_unlock(&a->an_lock);
	return a;
}

static void
test_alloc_free(void **state)
{
	struct uvmexp *ux = uvmsim_uvmexp(m);
	struct vm_anon *a;
	struct vm_page *pg;

	(void)state;
	a = uvm_analloc();
	assert_non_null(a);
	assert_int_equal(a->an_ref, 1);
	assert_null(a->u.an_page);
	assert_true(simple_lock_held(&a->an_lock));	/* returned locked */
	assert_int_equal(ux->nanon - ux->nfreeanon, 1);
	simple_unlock(&a->an_lock);
	CHECK(m);
	EXPECT_PANIC(m, uvm_anfree(a), "an_ref == 0");
	a->an_ref = 0;
	uvm_anfree(a);
	assert_int_equal(ux->nanon, ux->nfreeanon);
	CHECK(m);

	a = anon_with_page(5);
	pg = a->u.an_page;
	assert_true(tu_anon_owned(pg));
	assert_true(pg->pqflags & PQ_ACTIVE);
	assert_int_equal(ux->anonpages, 1);
	CHECK(m);
	a->an_ref = 0;
	uvm_anfree(a);
	assert_true(pg->pqflags & PQ_FREE);
	assert_int_equal(ux->anonpages, 0);
	assert_int_equal(ux->free, 8);
	CHECK(m);
}

static void
test_limit(void **state)
{
	struct uvmsim_config cfg;
	struct uvmsim_machine *lm;
	struct vm_anon *a[3];

	(void)state;
	tu_config(&cfg, 4);
	cfg.arch = "none";
	cfg.max_anons = 2;
	lm = tu_machine_cfg(&cfg);
	a[0] = uvm_analloc();
	a[1] = uvm_analloc();
	assert_non_null(a[1]);
	assert_null(uvm_analloc());	/* out of swap */
	simple_unlock(&a[0]->an_lock);
	simple_unlock(&a[1]->an_lock);
	a[0]->an_ref = 0;
	uvm_anfree(a[0]);
	a[2] = uvm_analloc();		/* the freed one comes back */
	assert_ptr_equal(a[2], a[0]);
	simple_unlock(&a[2]->an_lock);
	assert_int_equal(uvmsim_uvmexp(lm)->nanon, 2);
	CHECK(lm);
	a[1]->an_ref = a[2]->an_ref = 0;
	uvm_anfree(a[1]);
	uvm_anfree(a[2]);
	CHECK(lm);
	tu_destroy(lm);
}

/* A busy page is marked released; its holder frees it, then the anon. */
static void
test_busy_page(void **state)
{
	struct vm_anon *a;
	struct vm_page *pg;

	(void)state;
	a = anon_with_page(1);
	pg = a->u.an_page;
	pg->flags |= PG_BUSY;
	UVM_PAGE_OWN(pg, "io");
	a->an_ref = 0;
	uvm_anfree(a);
	assert_true(pg->flags & PG_RELEASED);
	assert_ptr_equal(a->u.an_page, pg);	/* anon waits for its page */
	CHECK(m);
	/* The I/O finishes: the holder frees the released page... */
	simple_lock(&a->an_lock);
	uvm_page_unbusy(&pg, 1);
	simple_unlock(&a->an_lock);
	assert_true(pg->pqflags & PQ_FREE);
	assert_null(a->u.an_page);
	/* ...and, the anon having no reference, frees the anon. */
	uvm_anfree(a);
	CHECK(m);
}

/*
 * An anon page loaned to the kernel outlives the anon as an orphan, with
 * its contents, until the last loan is dropped.
 *
 *	anon 1 --> pg (PQ_ANON, loan_count 1, on no queue)
 *	uvm_anfree(anon 1)
 *	           pg (no owner, loan_count 1)   the kernel still reads it
 */
static void
test_loaned_page_orphaned(void **state)
{
	struct uvmexp *ux = uvmsim_uvmexp(m);
	struct vm_anon *a;
	struct vm_page *pg;

	(void)state;
	a = anon_with_page(77);
	pg = a->u.an_page;
	simple_lock(&a->an_lock);
	loan_to_kernel(pg);
	simple_unlock(&a->an_lock);
	CHECK(m);

	a->an_ref = 0;
	uvm_anfree(a);
	assert_null(pg->uanon);
	assert_null(pg->uobject);
	assert_int_equal(pg->loan_count, 1);
	assert_int_equal(pg->pqflags, 0);
	assert_int_equal(ux->anonpages, 0);
	assert_true(tu_verify(m, pg, 77));
	assert_int_equal(ux->free, 7);
	CHECK(m);

	/* The last loan goes: the orphan is freed. */
	uvm_lock_pageq();
	pg->loan_count -= 1;
	pg->kloan_count -= 1;
	uvm_pagefree(pg);
	uvm_unlock_pageq();
	assert_int_equal(ux->free, 8);
	CHECK(m);
}

/*
 * An object page loaned to an anon: freeing the anon returns the loan and
 * leaves the page with its object.
 *
 *	obj 1 [0x0] --> pg <-- anon 1   (loan_count 1, PQ_ANON clear)
 */
static void
test_borrowed_page_returned(void **state)
{
	static struct uvm_object obj;
	struct vm_anon *a;
	struct vm_page *pg;

	(void)state;
	uvm_obj_init(&obj, &bare_ops, 1);
	simple_lock(&obj.vmobjlock);
	pg = uvm_pagealloc(&obj, 0, NULL, 0);
	tu_fill(m, pg, 9);
	tu_unbusy(pg);
	a = loan_to_anon(pg);
	simple_unlock(&a->an_lock);
	simple_unlock(&obj.vmobjlock);
	CHECK(m);

	a->an_ref = 0;
	uvm_anfree(a);
	assert_null(pg->uanon);
	assert_ptr_equal(pg->uobject, &obj);
	assert_int_equal(pg->loan_count, 0);
	assert_true(tu_verify(m, pg, 9));
	CHECK(m);

	simple_lock(&obj.vmobjlock);
	tu_pagefree(pg);
	simple_unlock(&obj.vmobjlock);
	uvm_obj_destroy(&obj);
	CHECK(m);
}

/*
 * The object frees a page it loaned to an anon: the page leaves the
 * object; the anon adopts it (uvm_anon_lockloanpg) and owns it from then
 * on, contents intact.
 */
static void
test_orphan_adopted(void **state)
{
	struct uvmexp *ux = uvmsim_uvmexp(m);
	static struct uvm_object obj;
	struct vm_anon *a;
	struct vm_page *pg;

	(void)state;
	uvm_obj_init(&obj, &bare_ops, 1);
	simple_lock(&obj.vmobjlock);
	pg = uvm_pagealloc(&obj, 3 * (voff_t)uvmsim_page_size(m), NULL,
	    0);
	tu_fill(m, pg, 21);
	tu_unbusy(pg);
	a = loan_to_anon(pg);
	simple_unlock(&a->an_lock);

	/* The object lets go of the page (a pager flush, say). */
	tu_pagefree(pg);
	simple_unlock(&obj.vmobjlock);
	assert_null(pg->uobject);
	assert_ptr_equal(pg->uanon, a);
	assert_int_equal(pg->loan_count, 1);
	assert_int_equal(pg->pqflags, 0);	/* orphans sit on no queue */
	assert_int_equal(obj.uo_npages, 0);
	CHECK(m);

	simple_lock(&a->an_lock);
	assert_ptr_equal(uvm_anon_lockloanpg(a), pg);
	simple_unlock(&a->an_lock);
	assert_int_equal(pg->loan_count, 0);
	assert_true(tu_anon_owned(pg));
	assert_int_equal(ux->anonpages, 1);
	assert_true(tu_verify(m, pg, 21));
	tu_activate(pg);
	CHECK(m);

	a->an_ref = 0;
	uvm_anfree(a);
	assert_true(pg->pqflags & PQ_FREE);
	uvm_obj_destroy(&obj);
	CHECK(m);
}

/* The object lock is taken by try-lock: a failed try drops and retakes the
 * anon lock and tries again; a lock really held would spin forever. */
static void
test_lockloanpg_retry(void **state)
{
	static struct uvm_object obj;
	struct vm_anon *a;
	struct vm_page *pg;

	(void)state;
	uvm_obj_init(&obj, &bare_ops, 1);
	simple_lock(&obj.vmobjlock);
	pg = uvm_pagealloc(&obj, 0, NULL, 0);
	tu_unbusy(pg);
	a = loan_to_anon(pg);
	simple_unlock(&obj.vmobjlock);
	simple_unlock(&a->an_lock);
	CHECK(m);

	simple_lock(&a->an_lock);
	uvmsim_failpoint_set(m, "simple_lock_try", 1, 2);
	assert_ptr_equal(uvm_anon_lockloanpg(a), pg);
	assert_int_equal(uvmsim_failpoint_fired(m, "simple_lock_try"), 2);
	assert_true(simple_lock_held(&obj.vmobjlock));
	simple_unlock(&obj.vmobjlock);
	/* Held for real, with no hook to release it: the retry, which has
	 * dropped the anon lock, would spin forever. */
	EXPECT_PANIC(m, {
		simple_lock(&obj.vmobjlock);
		(void)uvm_anon_lockloanpg(a);
	}, "spin forever");
	assert_false(simple_lock_held(&a->an_lock));
	CHECK(m);

	a->an_ref = 0;
	uvm_anfree(a);
	simple_lock(&obj.vmobjlock);
	tu_pagefree(pg);
	simple_unlock(&obj.vmobjlock);
	uvm_obj_destroy(&obj);
	CHECK(m);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		TU_TEST(test_alloc_free),
		TU_TEST(test_limit),
		TU_TEST(test_busy_page),
		TU_TEST(test_loaned_page_orphaned),
		TU_TEST(test_borrowed_page_returned),
		TU_TEST(test_orphan_adopted),
		TU_TEST(test_lockloanpg_retry),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
