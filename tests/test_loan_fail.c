/*
 * test_loan_fail.c: page loanout when something fails on the way: no
 * anon, no page, a pager's EIO or other I/O error, EAGAIN from the pager,
 * a lock that cannot be taken; each failure path leaves the loans made so
 * far returned, the owner's memory as it was and the checker clean
 * (fixtures: testloan.h).
 */
#include "testloan.h"

#include <errno.h>

/* ---- failpoints ------------------------------------------------------- */

/* No anon for an O->A or 0->A loan: EINVAL, everything given back. */
static void
test_fp_analloc(void **state)
{
	struct uvm_object *f = map_file(VA, 2, 1, 50);
	struct vm_anon *anons[NMAX];
	struct vm_page *pg0;
	int anons0;

	(void)state;
	ONLY_139("fails the anon of object-to-anon and zero-to-anon loans, which the modern behaviour does not make");
	(void)get(VA);
	(void)get(VA + ps);
	pg0 = mapped(VA);
	anons0 = ux->nanon - ux->nfreeanon;
	/*
	 * Page 0 is lent to its anon, then page 1's anon cannot be had: the
	 * loan of page 0 is taken back and nothing is left lent.
	 *
	 *   0x400000            0x402000
	 *   file | page 0 | page 1 |
	 *          anon 0   (no anon: EINVAL)  ->  page 0 the file's again
	 */
	uvmsim_failpoint_set(m, "uvm_analloc", 2, 1);	/* page 1's anon */
	assert_int_equal(uvm_loan(map, VA, 2 * ps, anons, UVM_LOAN_TOANON),
	    EINVAL);
	assert_int_equal(uvmsim_failpoint_fired(m, "uvm_analloc"), 1);
	CHECK(m);
	assert_int_equal(pg0->loan_count, 0);
	assert_null(pg0->uanon);
	assert_true(file_frame(pg0, 50, 0));
	assert_int_equal(ux->nanon - ux->nfreeanon, anons0);

	/* A zero loan to an anon, after an anon page was lent. */
	map_anon(VB, 2);
	put(VB, 0x55);
	uvmsim_failpoint_set(m, "uvm_analloc", 1, 1);
	assert_int_equal(uvm_loan(map, VB, 2 * ps, anons, UVM_LOAN_TOANON),
	    EINVAL);
	CHECK(m);
	assert_int_equal(anon_at(VB)->an_ref, 1);
	assert_int_equal(ux->nanon - ux->nfreeanon, anons0 + 1);
	uvm_unmap(map, VB, VB + 2 * ps);
	uvm_unmap(map, VA, VA + 2 * ps);
	f->pgops->pgo_detach(f);
	CHECK(m);
}

/*
 * D9: no anon for an O->A loan of a page the loan had to read in.  The
 * page stays in the file, on the active queue, where a page daemon finds
 * it (1.39 left it on no queue: the checker's page.unqueued).  The
 * modern behaviour refuses the loan before any I/O.
 *
 *	file page 0: not resident -> read in (busy) -> no anon -> active
 */
static void
test_fp_analloc_read_in(void **state)
{
	struct uvm_object *f = map_file(VA, 1, 1, 55);
	struct vm_anon *anons[1];
	struct vm_page *pg;

	(void)state;
	uvmsim_failpoint_set(m, "uvm_analloc", 1, 1);
	assert_int_equal(uvm_loan(map, VA, ps, anons, UVM_LOAN_TOANON),
	    EINVAL);
	simple_lock(&f->vmobjlock);
	pg = uvm_pagelookup(f, 0);
	simple_unlock(&f->vmobjlock);
	if (tu_modern()) {
		/* Refused first: no I/O, no anon asked for. */
		assert_int_equal(uvmsim_failpoint_fired(m, "uvm_analloc"), 0);
		assert_null(pg);
		uvmsim_failpoint_clear(m);
		CHECK(m);
		uvm_unmap(map, VA, VA + ps);
		f->pgops->pgo_detach(f);
		CHECK(m);
		return;
	}
	assert_int_equal(uvmsim_failpoint_fired(m, "uvm_analloc"), 1);
	assert_non_null(pg);
#ifdef TU_KERNEL_LOAN
	/* D9 shown: the page read in is on no queue; queued here. */
	tu_expect_problem(m, "page.unqueued", "pqflags", __LINE__);
	assert_false(queued(pg));
	tu_activate(pg);
#endif
	CHECK(m);
	assert_true(pg->pqflags & PQ_ACTIVE);
	assert_false(pg->flags & (PG_BUSY | PG_FAKE));
	assert_int_equal(pg->loan_count, 0);
	assert_null(pg->uanon);
	assert_true(file_frame(pg, 55, 0));

	/* With an anon, the same page is lent. */
	assert_int_equal(uvm_loan(map, VA, ps, anons, UVM_LOAN_TOANON), 0);
	CHECK(m);
	assert_ptr_equal(anons[0]->u.an_page, pg);
	uvm_unloan(anons, 1, UVM_LOAN_TOANON);
	CHECK(m);
	uvm_unmap(map, VA, VA + ps);
	f->pgops->pgo_detach(f);
	CHECK(m);
}

/* The pager fails: in the locked get, or in the I/O get. */
static void
test_fp_pgo_eio(void **state)
{
	struct uvm_object *f = map_file(VA, 2, 0, 60);
	struct vm_page *pgs[NMAX], *pg0;

	(void)state;
	(void)get(VA);
	pg0 = mapped(VA);
	/* Page 0: locked get (hit 1); page 1: locked get (2), I/O (3). */
	uvmsim_failpoint_set(m, "pgo_get.eio", 3, 1);
	assert_int_equal(uvm_loan(map, VA, 2 * ps, pgs, UVM_LOAN_TOPAGE),
	    EINVAL);
	assert_int_equal(uvmsim_failpoint_fired(m, "pgo_get.eio"), 1);
	CHECK(m);
	assert_int_equal(pg0->loan_count, 0);
	assert_true(pg0->pqflags & PQ_ACTIVE);
	assert_int_equal(f->uo_npages, 1);
	/* The locked get of a resident page fails. */
	uvmsim_failpoint_set(m, "pgo_get.eio", 1, 1);
	assert_int_equal(uvm_loan(map, VA, ps, pgs, UVM_LOAN_TOPAGE), EINVAL);
	CHECK(m);
	assert_int_equal(pg0->loan_count, 0);
	assert_false(pg0->flags & PG_BUSY);
	uvm_unmap(map, VA, VA + 2 * ps);
	f->pgops->pgo_detach(f);
	CHECK(m);
}

/* The locked get says "needs I/O" for a resident page: the I/O path lends
 * the same page. */
static void
test_fp_pgo_io(void **state)
{
	struct uvm_object *f = map_file(VA, 1, 0, 70);
	struct vm_page *pgs[1], *pg0;
	int relck;

	(void)state;
	(void)get(VA);
	pg0 = mapped(VA);
	relck = ux->fltrelck;
	uvmsim_failpoint_set(m, "pgo_get.io", 1, 1);
	assert_int_equal(uvm_loan(map, VA, ps, pgs, UVM_LOAN_TOPAGE), 0);
	assert_int_equal(uvmsim_failpoint_fired(m, "pgo_get.io"), 1);
	CHECK(m);
	assert_ptr_equal(pgs[0], pg0);
	assert_int_equal(pg0->loan_count, 1);
	assert_true(file_frame(pg0, 70, 0));
	assert_int_equal(ux->fltrelck, relck + 1);	/* it relocked */
	uvm_unloan(pgs, 1, UVM_LOAN_TOPAGE);
	CHECK(m);
	uvm_unmap(map, VA, VA + ps);
	f->pgops->pgo_detach(f);
	CHECK(m);
}

/*
 * EAGAIN from the I/O get: the loan sleeps on lbolt (the "tsleep" hook)
 * and looks the range up again, for as long as the pager says it, as
 * 1.39 does; a shortage that can never end (the failpoint armed for
 * ever) panics instead of retrying for ever.
 */
static void
test_eagain(void **state)
{
	struct uvm_object *f = map_file(VA, 1, 0, 80);
	struct vm_page *pgs[NMAX];
	struct tpager *tp;
	unsigned long runs0;

	(void)state;
	/* The locked get finds nothing (EBUSY), the I/O get (the
	 * failpoint's first hit) says EAGAIN, then the lookup again works. */
	uvmsim_failpoint_set(m, "pgo_get.eagain", 1, 1);
	assert_int_equal(uvm_loan(map, VA, ps, pgs, UVM_LOAN_TOPAGE), 0);
	assert_int_equal(uvmsim_failpoint_fired(m, "pgo_get.eagain"), 1);
	CHECK(m);
	assert_true(file_frame(pgs[0], 80, 0));
	uvm_unloan(pgs, 1, UVM_LOAN_TOPAGE);
	uvm_unmap(map, VA, VA + ps);
	f->pgops->pgo_detach(f);
	CHECK(m);

	/* A pager that says EAGAIN three times, then reads. */
	map_anon(VA, 1);
	fill(VA, 1, 0x800);
	tp = map_tpager(VA + ps, 2, 0);
	tp->eagain = 3;
	assert_int_equal(uvm_loan(map, VA, 3 * ps, pgs, UVM_LOAN_TOPAGE), 0);
	CHECK(m);
	assert_int_equal(tp->nio, 5);		/* 3 EAGAIN, 2 reads */
	assert_true(frame_has(pgs[0], 0x800));
	assert_int_equal(word(pgs[1], 0), TP_TAG(0));
	assert_int_equal(word(pgs[2], 0), TP_TAG(ps));
	uvm_unloan(pgs, 3, UVM_LOAN_TOPAGE);
	CHECK(m);

	/* One that says it 1000 times: 1000 sleeps on lbolt, 1000 lookups
	 * again, then the page is read and lent. */
	uvm_unmap(map, VA + ps, VA + 3 * ps);
	tp = map_tpager(VA + ps, 1, 0);
	tp->eagain = 1000;
	assert_int_equal(uvmsim_hook_set(m, "tsleep", count_runs_hook, NULL),
	    0);
	runs0 = uvmsim_hook_runs(m, "tsleep");
	assert_int_equal(uvm_loan(map, VA, 2 * ps, pgs, UVM_LOAN_TOPAGE), 0);
	CHECK(m);
	assert_int_equal(uvmsim_hook_runs(m, "tsleep") - runs0, 1000);
	assert_int_equal(tp->nio, 1001);
	assert_true(frame_has(pgs[0], 0x800));
	assert_int_equal(word(pgs[1], 0), TP_TAG(0));
	uvm_unloan(pgs, 2, UVM_LOAN_TOPAGE);
	CHECK(m);

	/* The library's pagers with the failpoint armed for ever: no sleep
	 * could end it; the panic comes from the sleep, with nothing locked,
	 * after the first page was lent. */
	uvm_unmap(map, VA + ps, VA + 2 * ps);
	f = map_file(VA + ps, 1, 0, 81);
	uvmsim_failpoint_set(m, "pgo_get.eagain", 1, UVMSIM_FP_FOREVER);
	EXPECT_PANIC(m, (void)uvm_loan(map, VA, 2 * ps, pgs,
	    UVM_LOAN_TOPAGE), "armed for ever");
	assert_int_equal(uvmsim_hook_runs(m, "tsleep") - runs0, 1001);
	uvmsim_failpoint_set(m, "pgo_get.eagain", 1, 0);
	assert_int_equal(mapped(VA)->loan_count, 1);	/* pgs[0] */
	uvm_unloan(pgs, 1, UVM_LOAN_TOPAGE);
	CHECK(m);
	assert_int_equal(uvmsim_hook_set(m, "tsleep", NULL, NULL), 0);
	uvm_unmap(map, VA + ps, VA + 2 * ps);
	f->pgops->pgo_detach(f);
	assert_int_equal(mapped(VA)->loan_count, 0);	/* given back */
	assert_true(mapped(VA)->pqflags & PQ_ACTIVE);
	uvm_unmap(map, VA, VA + 2 * ps);
	CHECK(m);
}

/* No page for a zero loan (1.39 waited for the page daemon). */
static void
test_fp_pagealloc(void **state)
{
	struct vm_page *pgs[NMAX];
	struct vm_anon *anons[NMAX];
	int free0, anons0;

	(void)state;
	ONLY_139("zero loans share one page (test_loan_modern.c: test_modern_zero_page_nomem)");
	map_anon(VA, 3);
	free0 = ux->free;
	anons0 = ux->nanon - ux->nfreeanon;
	uvmsim_failpoint_set(m, "uvm_pagealloc", 3, 1);
#ifdef TU_KERNEL_LOAN
	/* The kernel file waits for the page daemon (the "uvm_wait" hook)
	 * and tries again: the page comes, the loan is made. */
	assert_int_equal(uvmsim_hook_set(m, "uvm_wait", count_runs_hook, NULL),
	    0);
	assert_int_equal(uvm_loan(map, VA, 3 * ps, pgs, UVM_LOAN_TOPAGE), 0);
	CHECK(m);
	assert_int_equal(uvmsim_hook_runs(m, "uvm_wait"), 1);
	assert_int_equal(ux->free, free0 - 3);
	uvm_unloan(pgs, 3, UVM_LOAN_TOPAGE);
#else
	assert_int_equal(uvm_loan(map, VA, 3 * ps, pgs, UVM_LOAN_TOPAGE),
	    EINVAL);
#endif
	CHECK(m);
	assert_int_equal(ux->free, free0);
	uvmsim_failpoint_set(m, "uvm_pagealloc", 2, 1);
#ifdef TU_KERNEL_LOAN
	/* D1 shown: page 0's new anon is still locked when page 1 waits
	 * for memory: a sleep with a simple lock held.  (The catch unlocks
	 * it; the loan of page 0 is given back here.) */
	EXPECT_PANIC(m, (void)uvm_loan(map, VA, 3 * ps, anons,
	    UVM_LOAN_TOANON), "sleeping with 1 simple lock(s) held");
	assert_int_equal(uvmsim_hook_runs(m, "uvm_wait"), 1);
	uvm_unloan(anons, 1, UVM_LOAN_TOANON);
	assert_int_equal(uvmsim_hook_set(m, "uvm_wait", NULL, NULL), 0);
#else
	assert_int_equal(uvm_loan(map, VA, 3 * ps, anons, UVM_LOAN_TOANON),
	    EINVAL);
#endif
	CHECK(m);
	assert_int_equal(ux->free, free0);
	assert_int_equal(ux->nanon - ux->nfreeanon, anons0);
	uvm_unmap(map, VA, VA + 3 * ps);
	CHECK(m);
}

/*
 * uvm_unloanpage locks the owner by try-lock, with the page queues held:
 * each failure drops and retakes the page queues and tries again.  A lock
 * really held could never come free: that panics.
 */
static void
test_fp_lock_try(void **state)
{
	struct vm_page *pgs[2];
	struct vm_anon *anon;

	(void)state;
	map_anon(VA, 2);
	fill(VA, 2, 0x900);
	assert_int_equal(uvm_loan(map, VA, 2 * ps, pgs, UVM_LOAN_TOPAGE), 0);
	CHECK(m);
	uvmsim_failpoint_set(m, "simple_lock_try", 1, 3);
	uvm_unloan(pgs, 1, UVM_LOAN_TOPAGE);
	assert_int_equal(uvmsim_failpoint_fired(m, "simple_lock_try"), 3);
	CHECK(m);
	assert_int_equal(pgs[0]->loan_count, 0);
	assert_true(pgs[0]->pqflags & PQ_ACTIVE);

	anon = pgs[1]->uanon;
	simple_lock(&anon->an_lock);
	EXPECT_PANIC(m, uvm_unloan(&pgs[1], 1, UVM_LOAN_TOPAGE),
	    "spin for ever");
	simple_unlock(&anon->an_lock);
	CHECK(m);
	assert_int_equal(pgs[1]->loan_count, 1);	/* nothing changed */
	uvm_unloan(&pgs[1], 1, UVM_LOAN_TOPAGE);
	CHECK(m);
	assert_int_equal(pgs[1]->loan_count, 0);
	expect(VA, 2, 0x900);
	uvm_unmap(map, VA, VA + 2 * ps);
	CHECK(m);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_fp_analloc),
		T(test_fp_analloc_read_in),
		T(test_fp_pgo_eio),
		T(test_fp_pgo_io),
		T(test_eagain),
		T(test_fp_pagealloc),
		T(test_fp_lock_try),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
