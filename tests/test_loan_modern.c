/*
 * test_loan_modern.c: the modern loan behaviour's own tests, run on a
 * modern machine whatever the behaviour under test: the shared zero page
 * (its loans, its count at the edge, no memory) and no object-to-anon
 * loans.  Against the kernel file, which knows 1.39 only, a modern
 * machine is refused instead (fixtures: testloan.h).
 */
#include "testloan.h"

#include <errno.h>
#include <limits.h>

/* ---- the modern behaviour ------------------------------------------- */

#ifdef TU_KERNEL_LOAN
/* The kernel file knows 1.39 only: a modern machine is refused, saying
 * so, instead of the modern behaviour's tests. */
static void
test_kernel_refuses_modern(void **state)
{
	struct uvmsim_config cfg;
	struct uvmsim_machine *mm = NULL;

	(void)state;
	tu_config(&cfg, 64);
	cfg.loan = "modern";
	assert_int_equal(uvmsim_machine_create(&cfg, &mm), ENOTSUP);
	assert_null(mm);
	assert_non_null(strstr(uvmsim_last_error(), "loan"));
	assert_non_null(strstr(uvmsim_last_error(), "1.39"));
}
#else

/*
 * Zero loans share one page: read-only, zeroed, owned by the loan-zero
 * object, on the active queue, never freed; the regions lent stay
 * untouched.  No zero-to-anon loans.  The object's pgo_put (the page
 * daemon's) takes the page off the queues but never frees it.
 */
static void
test_modern_zero_page(void **state)
{
	struct vm_page *pgs[NMAX], *more[NMAX], *zp;
	struct vm_anon *anons[NMAX];
	struct uvm_object *zobj;
	int i, free0, anons0;

	(void)state;
	map_anon(VA, 3);
	map_anon(VB, 2);
	free0 = ux->free;
	anons0 = ux->nanon - ux->nfreeanon;
	/*
	 * Both regions untouched; every page of both loans is the one zero
	 * page of the loan-zero object:
	 *
	 *   VA                    VA + 3 pages      VB           VB + 2 pages
	 *   |   .    |   .    |   .    |            |   .    |   .    |
	 *       +--------+--------+---> zp <---------+--------+
	 *                     loan_count 3, then 5; one frame taken
	 */
	assert_int_equal(uvm_loan(map, VA, 3 * ps, pgs, UVM_LOAN_TOPAGE), 0);
	CHECK(m);
	zp = pgs[0];
	zobj = zp->uobject;
	assert_non_null(zobj);
	assert_string_equal(zobj->pgops->pgo_name, "loanzero");
	assert_int_equal(zp->offset, 0);
	assert_true(zp->flags & PG_RDONLY);
	assert_false(zp->flags & (PG_BUSY | PG_FAKE));
	assert_true(zp->pqflags & PQ_ACTIVE);
	assert_true(tu_is_zero(m, zp));
	for (i = 0; i < 3; i++) {
		assert_ptr_equal(pgs[i], zp);
		assert_null(anon_at(VA + (vaddr_t)i * ps));
	}
	assert_int_equal(zp->loan_count, 3);
	assert_int_equal(ux->free, free0 - 1);

	/* Another region: the same page, two loans more. */
	assert_int_equal(uvm_loan(map, VB, 2 * ps, more, UVM_LOAN_TOPAGE), 0);
	CHECK(m);
	assert_ptr_equal(more[0], zp);
	assert_ptr_equal(more[1], zp);
	assert_int_equal(zp->loan_count, 5);
	assert_int_equal(ux->free, free0 - 1);

	/* The process reads zeros of its own, not the shared page. */
	assert_int_equal(get(VA), 0);
	CHECK(m);
	assert_ptr_not_equal(mapped(VA), zp);
	assert_int_equal(ux->nanon - ux->nfreeanon, anons0 + 1);

	/* 0->A fails, and lends nothing. */
	assert_int_equal(uvm_loan(map, VB, 2 * ps, anons, UVM_LOAN_TOANON),
	    EINVAL);
	CHECK(m);
	assert_int_equal(ux->nanon - ux->nfreeanon, anons0 + 1);
	assert_int_equal(zp->loan_count, 5);

	/* Every loan back: the page stays, the object's, unlent. */
	uvm_unloan(pgs, 3, UVM_LOAN_TOPAGE);
	CHECK(m);
	uvm_unloan(more, 2, UVM_LOAN_TOPAGE);
	CHECK(m);
	assert_int_equal(zp->loan_count, 0);
	assert_ptr_equal(zp->uobject, zobj);
	assert_true(zp->pqflags & PQ_ACTIVE);
	assert_true(tu_is_zero(m, zp));

	/* The page daemon's put: off the queues, not freed. */
	simple_lock(&zobj->vmobjlock);
	assert_int_equal(zobj->pgops->pgo_put(zobj, 0, 0,
	    PGO_FREE | PGO_ALLPAGES), 0);
	assert_false(simple_lock_held(&zobj->vmobjlock));
	CHECK(m);
	assert_false(zp->pqflags & (PQ_FREE | PQ_ACTIVE | PQ_INACTIVE));
	assert_ptr_equal(zp->uobject, zobj);

	/* It lends again, back on the active queue. */
	assert_int_equal(uvm_loan(map, VB + ps, ps, more, UVM_LOAN_TOPAGE), 0);
	CHECK(m);
	assert_ptr_equal(more[0], zp);
	assert_true(zp->pqflags & PQ_ACTIVE);
	uvm_unloan(more, 1, UVM_LOAN_TOPAGE);
	CHECK(m);
	uvm_unmap(map, VA, VA + 3 * ps);
	uvm_unmap(map, VB, VB + 2 * ps);
	CHECK(m);
	assert_int_equal(zp->loan_count, 0);
	assert_false(zp->pqflags & PQ_FREE);
}

/*
 * The shared zero page counts every zero loan on the machine: at
 * UINT_MAX loans the next zero loan panics rather than wrap its count to
 * 0 (a wrapped count would let the zero page be lent as if unlent).
 */
static void
test_modern_zero_page_wrap(void **state)
{
	struct vm_page *pgs[2], *more[1], *zp;

	(void)state;
	map_anon(VA, 2);
	assert_int_equal(uvm_loan(map, VA, ps, pgs, UVM_LOAN_TOPAGE), 0);
	zp = pgs[0];
	set_loans(zp, UINT_MAX - 1, UINT_MAX - 1);
	CHECK(m);
	assert_int_equal(uvm_loan(map, VA + ps, ps, pgs + 1, UVM_LOAN_TOPAGE),
	    0);
	CHECK(m);
	assert_ptr_equal(pgs[1], zp);
	assert_int_equal(zp->loan_count, UINT_MAX);
	EXPECT_PANIC(m, (void)uvm_loan(map, VA, ps, more, UVM_LOAN_TOPAGE),
	    "would wrap loan_count");
	CHECK(m);
	assert_int_equal(zp->loan_count, UINT_MAX);
	assert_true(tu_is_zero(m, zp));
	set_loans(zp, 2, 2);
	uvm_unloan(pgs, 2, UVM_LOAN_TOPAGE);
	CHECK(m);
	assert_int_equal(zp->loan_count, 0);
	uvm_unmap(map, VA, VA + 2 * ps);
	CHECK(m);
}

/* No page for the zero page: EINVAL, nothing lent; later it is made. */
static void
test_modern_zero_page_nomem(void **state)
{
	struct vm_page *pgs[NMAX];
	int free0;

	(void)state;
	map_anon(VA, 2);
	free0 = ux->free;
	uvmsim_failpoint_set(m, "uvm_pagealloc", 1, 1);
	assert_int_equal(uvm_loan(map, VA, 2 * ps, pgs, UVM_LOAN_TOPAGE),
	    EINVAL);
	CHECK(m);
	assert_int_equal(ux->free, free0);
	assert_int_equal(uvm_loan(map, VA, 2 * ps, pgs, UVM_LOAN_TOPAGE), 0);
	CHECK(m);
	assert_ptr_equal(pgs[0], pgs[1]);
	assert_int_equal(pgs[0]->loan_count, 2);
	uvm_unloan(pgs, 2, UVM_LOAN_TOPAGE);
	CHECK(m);
	uvm_unmap(map, VA, VA + 2 * ps);
	CHECK(m);
}

/*
 * No object-to-anon loans: EINVAL before any I/O, nothing lent.  Anons
 * still lend themselves (A->A), and lend their pages to the kernel with
 * PG_ANON, where 1.39 has PQ_ANON.
 */
static void
test_modern_no_object_to_anon(void **state)
{
	struct uvm_object *f = map_file(VA, 2, 1, 60);
	struct vm_anon *anons[NMAX], *a;
	struct vm_page *pg0, *pgs[NMAX];
	int anons0;

	(void)state;
	(void)get(VA);			/* page 0 resident, page 1 not */
	CHECK(m);
	pg0 = mapped(VA);
	anons0 = ux->nanon - ux->nfreeanon;
	assert_int_equal(uvm_loan(map, VA, 2 * ps, anons, UVM_LOAN_TOANON),
	    EINVAL);
	CHECK(m);
	assert_int_equal(ux->nanon - ux->nfreeanon, anons0);
	assert_int_equal(pg0->loan_count, 0);
	assert_null(pg0->uanon);
	assert_true(file_frame(pg0, 60, 0));
	simple_lock(&f->vmobjlock);
	assert_null(uvm_pagelookup(f, (voff_t)ps));	/* never read in */
	simple_unlock(&f->vmobjlock);

	/* The private copy of page 1 is an anon's: A->A, then A->K. */
	put(VA + ps, 0x77);
	CHECK(m);
	a = anon_at(VA + ps);
	assert_non_null(a);
	assert_true(a->u.an_page->flags & PG_ANON);
	assert_false(a->u.an_page->pqflags & PQ_ANON);
	assert_int_equal(uvm_loan(map, VA + ps, ps, anons, UVM_LOAN_TOANON),
	    0);
	CHECK(m);
	assert_ptr_equal(anons[0], a);
	assert_int_equal(a->an_ref, 2);
	assert_int_equal(uvm_loan(map, VA + ps, ps, pgs, UVM_LOAN_TOPAGE), 0);
	CHECK(m);
	assert_ptr_equal(pgs[0], a->u.an_page);
	assert_true(pgs[0]->pqflags & PQ_ACTIVE);
	assert_int_equal(word(pgs[0], 0), 0x77);
	uvm_unloan(pgs, 1, UVM_LOAN_TOPAGE);
	uvm_unloan(anons, 1, UVM_LOAN_TOANON);
	CHECK(m);
	assert_int_equal(a->an_ref, 1);
	uvm_unmap(map, VA, VA + 2 * ps);
	f->pgops->pgo_detach(f);
	CHECK(m);
}

#endif /* TU_KERNEL_LOAN */

int
main(void)
{
	const struct CMUnitTest tests[] = {
#ifdef TU_KERNEL_LOAN
		cmocka_unit_test(test_kernel_refuses_modern),
#else
		TM(test_modern_zero_page),
		TM(test_modern_zero_page_wrap),
		TM(test_modern_zero_page_nomem),
		TM(test_modern_no_object_to_anon),
#endif
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
