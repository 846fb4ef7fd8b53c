/*
 * test_loan_errors.c: page loanout refused: bad flags, what a failed
 * loan says (its errno and message), and the loan and reference counts
 * at the edge, where one more loan would wrap (fixtures: testloan.h).
 */
#include "testloan.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>

/* ---- what a failed loan says ---------------------------------------- */

/* Leave an older, unrelated message (a bad uvm_map) for a loan to
 * replace. */
static void
stale_error(void)
{
	assert_int_equal(uvm_map(map, NULL, ps, NULL, UVM_UNKNOWN_OFFSET, 0,
	    0), EINVAL);
	assert_non_null(strstr(uvmsim_last_error(), "uvm_map"));
}

/* The thread's last error holds each of the texts given (NULL ends). */
static void
says(int line, const char *text, ...)
{
	const char *msg = uvmsim_last_error();
	va_list ap;

	va_start(ap, text);
	for (; text != NULL; text = va_arg(ap, const char *))
		if (strstr(msg, text) == NULL)
			fail_msg("line %d: last error \"%s\" lacks \"%s\"",
			    line, msg, text);
	va_end(ap);
}

/*
 * A failed loan says why in uvmsim_last_error(), whatever an earlier
 * call left there: a hole at va, a wired page at va, out of memory, a
 * pager error at an offset, a loan the modern behaviour does not make.
 * A loan that succeeds leaves no message.  (The kernel file says nothing
 * of its own: the compat layer's lookup clears the message and names a
 * hole; see EXPECTED-DIFFERENCES.md.)
 *
 *	VA: anon (1 page) | hole       VB: file (2 pages, private)
 */
static void
test_loan_errors(void **state)
{
	struct uvm_object *f;
	struct vm_page *pgs[2];
	struct vm_anon *anons[2];
	char where[64];

	(void)state;
	map_anon(VA, 1);
	fill(VA, 1, 0x1400);
	f = map_file(VB, 2, 1, 160);
	(void)get(VB);				/* page 0 resident */

	/* A hole after the first page: ENOENT, the hole's address. */
	stale_error();
	assert_int_equal(uvm_loan(map, VA, 2 * ps, pgs, UVM_LOAN_TOPAGE),
	    ENOENT);
	CHECK(m);
	snprintf(where, sizeof(where), "hole at va %#lx", VA + ps);
	says(__LINE__, where, NULL);
	assert_int_equal(mapped(VA)->loan_count, 0);

	/* Success: no message left. */
	stale_error();
	assert_int_equal(uvm_loan(map, VA, ps, pgs, UVM_LOAN_TOPAGE), 0);
	CHECK(m);
	assert_string_equal(uvmsim_last_error(), "");
	uvm_unloan(pgs, 1, UVM_LOAN_TOPAGE);
	CHECK(m);

	/* A pager error reading page 1 (the locked get is hit 1, the
	 * I/O get hit 2). */
	stale_error();
	uvmsim_failpoint_set(m, "pgo_get.eio", 2, 1);
	assert_int_equal(uvm_loan(map, VB + ps, ps, pgs, UVM_LOAN_TOPAGE),
	    EINVAL);
	assert_int_equal(uvmsim_failpoint_fired(m, "pgo_get.eio"), 1);
	CHECK(m);
#ifdef TU_KERNEL_LOAN
	assert_string_equal(uvmsim_last_error(), "");
#else
	{
		char what[64];

		snprintf(where, sizeof(where), "va %#lx", VB + ps);
		snprintf(what, sizeof(what), "pager error at offset %#lx",
		    (unsigned long)ps);
		says(__LINE__, where, what, "object", uvmsim_strerror(EIO),
		    NULL);
	}
#endif

	/* No anon for an O->A loan: out of memory; the modern behaviour
	 * makes no such loan at all. */
	stale_error();
	uvmsim_failpoint_set(m, "uvm_analloc", 1, 1);
	assert_int_equal(uvm_loan(map, VB, ps, anons, UVM_LOAN_TOANON),
	    EINVAL);
	uvmsim_failpoint_clear(m);
	CHECK(m);
	snprintf(where, sizeof(where), "va %#lx", VB);
#ifdef TU_KERNEL_LOAN
	assert_string_equal(uvmsim_last_error(), "");
#else
	if (tu_modern())
		says(__LINE__, where, "modern loan behaviour lends no object "
		    "page to an anon", NULL);
	else
		says(__LINE__, where, "out of memory", NULL);
#endif

#ifndef TU_KERNEL_LOAN
	/* A wired page (D8: the kernel file lends it, or panics: see
	 * test_loan_io.c: test_wired). */
	assert_int_equal(uvm_map_pageable(map, VA, VA + ps, FALSE, 0), 0);
	CHECK(m);
	stale_error();
	assert_int_equal(uvm_loan(map, VA, ps, pgs, UVM_LOAN_TOPAGE), EINVAL);
	CHECK(m);
	snprintf(where, sizeof(where), "va %#lx", VA);
	says(__LINE__, where, "wired", NULL);
	stale_error();
	assert_int_equal(uvm_loan(map, VA, ps, anons, UVM_LOAN_TOANON),
	    EINVAL);
	CHECK(m);
	says(__LINE__, where, "wired", NULL);
	assert_int_equal(uvm_map_pageable(map, VA, VA + ps, TRUE, 0), 0);
	CHECK(m);

	/* No page for a zero loan (the kernel file waits for one:
	 * test_loan_fail.c: test_fp_pagealloc); the modern behaviour's zero page, or its
	 * refusal of a zero loan to an anon. */
	map_anon(VA + 2 * ps, 1);
	stale_error();
	uvmsim_failpoint_set(m, "uvm_pagealloc", 1, 1);
	assert_int_equal(uvm_loan(map, VA + 2 * ps, ps, pgs, UVM_LOAN_TOPAGE),
	    EINVAL);
	uvmsim_failpoint_clear(m);
	CHECK(m);
	snprintf(where, sizeof(where), "va %#lx", VA + 2 * ps);
	says(__LINE__, where, "out of memory", NULL);
	if (tu_modern()) {
		stale_error();
		assert_int_equal(uvm_loan(map, VA + 2 * ps, ps, anons,
		    UVM_LOAN_TOANON), EINVAL);
		CHECK(m);
		says(__LINE__, where, "modern loan behaviour makes no zero "
		    "loan to an anon", NULL);
	}
	uvm_unmap(map, VA + 2 * ps, VA + 3 * ps);
#endif

	expect(VA, 1, 0x1400);
	uvm_unmap(map, VA, VA + ps);
	uvm_unmap(map, VB, VB + 2 * ps);
	f->pgops->pgo_detach(f);
	CHECK(m);
}

/* ---- counts at the edge ------------------------------------------- */

/*
 * A test cannot make 2^32 loans: set_loans (testloan.h) brings a page's
 * loan counts to the edge by hand, as loans would; set_refs does the same
 * for an anon's an_ref, with its lock held, and the ledger's an_loans
 * with it.  The loans so made are returned the same way before the real
 * ones.
 */
static void
set_refs(struct vm_anon *a, int ref, u_int loans)
{
	simple_lock(&a->an_lock);
	a->an_ref = ref;
	a->an_loans = loans;
	simple_unlock(&a->an_lock);
}

#ifndef TU_KERNEL_LOAN
/* Give back the busy hold on an object's page that a panic in the loan
 * left (the panic came between the pager's get and the unbusy). */
static void
unbusy_left(struct vm_page *pg)
{
	assert_true(pg->flags & PG_BUSY);
	simple_lock(&pg->uobject->vmobjlock);
	tu_unbusy(pg);
	simple_unlock(&pg->uobject->vmobjlock);
}
#endif

/*
 * loan_count at UINT_MAX: one more loan, A->K, O->K or O->A, would wrap
 * it to 0, and the owner's next store would go into the lent frame.  It
 * panics instead, and changes nothing (1.39 wraps: see below).
 *
 *	VA: anon -> pg     <- kernel x (UINT_MAX - 2 by hand + 2)
 *	VB: file -> fpg    <- kernel x (UINT_MAX - 2 by hand + 2)
 */
static void
test_loan_count_wrap(void **state)
{
	struct uvm_object *f;
	struct vm_page *pgs[2], *kp[2], *more[1], *pg, *fpg;
	struct vm_anon *anons[1];
	int anons0;

	(void)state;
	map_anon(VA, 1);
	fill(VA, 1, 0x1200);
	f = map_file(VB, 1, 1, 140);
	(void)get(VB);
	assert_int_equal(uvm_loan(map, VA, ps, pgs, UVM_LOAN_TOPAGE), 0);
	assert_int_equal(uvm_loan(map, VB, ps, kp, UVM_LOAN_TOPAGE), 0);
	pg = pgs[0];
	fpg = kp[0];
	set_loans(pg, UINT_MAX - 1, UINT_MAX - 1);
	set_loans(fpg, UINT_MAX - 1, UINT_MAX - 1);
	CHECK(m);
	/* The last loan that fits. */
	assert_int_equal(uvm_loan(map, VA, ps, pgs + 1, UVM_LOAN_TOPAGE), 0);
	assert_int_equal(uvm_loan(map, VB, ps, kp + 1, UVM_LOAN_TOPAGE), 0);
	CHECK(m);
	assert_int_equal(pg->loan_count, UINT_MAX);
	assert_int_equal(fpg->loan_count, UINT_MAX);

#ifdef TU_KERNEL_LOAN
	/*
	 * 1.39 lends once more: A->K and O->K wrap loan_count to 0 and
	 * leave the page off the queues, as a page lent to the kernel
	 * sits; unlent as far as anyone can tell, the checker's
	 * page.unqueued sees it.  The count is put back.
	 */
	assert_int_equal(uvm_loan(map, VA, ps, more, UVM_LOAN_TOPAGE), 0);
	assert_ptr_equal(more[0], pg);
	assert_int_equal(pg->loan_count, 0);
	tu_expect_problem(m, "page.unqueued", "pqflags", __LINE__);
	set_loans(pg, UINT_MAX, UINT_MAX);
	assert_int_equal(uvm_loan(map, VB, ps, more, UVM_LOAN_TOPAGE), 0);
	assert_ptr_equal(more[0], fpg);
	assert_int_equal(fpg->loan_count, 0);
	tu_expect_problem(m, "page.unqueued", "pqflags", __LINE__);
	set_loans(fpg, UINT_MAX, UINT_MAX);
	CHECK(m);
#else
	EXPECT_PANIC(m, (void)uvm_loan(map, VA, ps, more, UVM_LOAN_TOPAGE),
	    "would wrap loan_count");
	CHECK(m);
	assert_int_equal(pg->loan_count, UINT_MAX);
	assert_kernel_lent(pg);
	EXPECT_PANIC(m, (void)uvm_loan(map, VB, ps, more, UVM_LOAN_TOPAGE),
	    "would wrap loan_count");
	unbusy_left(fpg);
	CHECK(m);
	assert_int_equal(fpg->loan_count, UINT_MAX);
	/* A count that wrapped all the same (by hand: 0, where the ledger
	 * counts UINT_MAX kernel loans) is what loan.wrap reports. */
	set_loans(pg, 0, UINT_MAX);
	tu_expect_problem(m, "loan.wrap", "loan_count", __LINE__);
	set_loans(pg, UINT_MAX, UINT_MAX);
	CHECK(m);
#endif

	/* O->A of the file's page: the anon's loan counts on it too. */
	anons0 = ux->nanon - ux->nfreeanon;
	if (!tu_modern()) {
#ifdef TU_KERNEL_LOAN
		/* 1.39 wraps the count to 0 with the anon borrowing the
		 * page: loan.wrap sees a borrowed page with no loan. */
		assert_int_equal(uvm_loan(map, VB, ps, anons, UVM_LOAN_TOANON),
		    0);
		assert_ptr_equal(fpg->uanon, anons[0]);
		assert_int_equal(fpg->loan_count, 0);
		tu_expect_problem(m, "loan.wrap", "loan_count", __LINE__);
		set_loans(fpg, 3, 2);	/* the real loans: 2 kernel, 1 anon */
		CHECK(m);
		uvm_unloan(anons, 1, UVM_LOAN_TOANON);
#else
		EXPECT_PANIC(m, (void)uvm_loan(map, VB, ps, anons,
		    UVM_LOAN_TOANON), "would wrap loan_count");
		unbusy_left(fpg);
		assert_null(fpg->uanon);
#endif
		CHECK(m);
		assert_int_equal(ux->nanon - ux->nfreeanon, anons0);
	}

	/* The loans made by hand go back, then the real ones. */
	set_loans(pg, 2, 2);
	set_loans(fpg, 2, 2);
	CHECK(m);
	uvm_unloan(pgs, 2, UVM_LOAN_TOPAGE);
	uvm_unloan(kp, 2, UVM_LOAN_TOPAGE);
	CHECK(m);
	assert_int_equal(pg->loan_count, 0);
	assert_int_equal(fpg->loan_count, 0);
	assert_true(pg->pqflags & PQ_ACTIVE);
	assert_true(fpg->pqflags & PQ_ACTIVE);
	assert_true(frame_has(pg, 0x1200));
	assert_true(file_frame(fpg, 140, 0));
	put(VA, 0x1201);			/* in place: no loan left */
	assert_ptr_equal(mapped(VA), pg);
	CHECK(m);
	uvm_unmap(map, VA, VA + ps);
	uvm_unmap(map, VB, VB + ps);
	f->pgops->pgo_detach(f);
	CHECK(m);
}

/*
 * an_ref at INT_MAX: one more anon loan (A->A, or O->A of a page an anon
 * borrows already) would overflow it.  It panics instead, and changes
 * nothing (1.39 overflows: see below).
 */
static void
test_anon_ref_wrap(void **state)
{
	struct uvm_object *f;
	struct vm_anon *anons[1], *more[1], *a, *b;
	struct vm_page *fpg;

	(void)state;
	map_anon(VA, 1);
	fill(VA, 1, 0x1300);
	a = anon_at(VA);
	set_refs(a, INT_MAX - 1, INT_MAX - 2);	/* the amap's + loans */
	CHECK(m);
	assert_int_equal(uvm_loan(map, VA, ps, anons, UVM_LOAN_TOANON), 0);
	CHECK(m);
	assert_int_equal(a->an_ref, INT_MAX);
#ifdef TU_KERNEL_LOAN
	/* 1.39 takes an_ref past INT_MAX: negative, anon.ref reports it. */
	assert_int_equal(uvm_loan(map, VA, ps, more, UVM_LOAN_TOANON), 0);
	assert_ptr_equal(more[0], a);
	assert_true(a->an_ref < 0);
	tu_expect_problem(m, "anon.ref", "an_ref", __LINE__);
	set_refs(a, INT_MAX, INT_MAX - 1);
#else
	EXPECT_PANIC(m, (void)uvm_loan(map, VA, ps, more, UVM_LOAN_TOANON),
	    "would wrap an_ref");
#endif
	CHECK(m);
	assert_int_equal(a->an_ref, INT_MAX);
	set_refs(a, 2, 1);
	uvm_unloan(anons, 1, UVM_LOAN_TOANON);
	CHECK(m);
	assert_int_equal(a->an_ref, 1);
	expect(VA, 1, 0x1300);
	uvm_unmap(map, VA, VA + ps);
	CHECK(m);

	if (tu_modern())
		return;			/* no O->A loans */
	/* A file page an anon borrows: each O->A loan is a reference. */
	f = map_file(VB, 1, 1, 150);
	(void)get(VB);
	assert_int_equal(uvm_loan(map, VB, ps, anons, UVM_LOAN_TOANON), 0);
	b = anons[0];
	fpg = b->u.an_page;
	set_refs(b, INT_MAX, INT_MAX);
	CHECK(m);
#ifdef TU_KERNEL_LOAN
	assert_int_equal(uvm_loan(map, VB, ps, more, UVM_LOAN_TOANON), 0);
	assert_ptr_equal(more[0], b);
	assert_true(b->an_ref < 0);
	tu_expect_problem(m, "anon.ref", "an_ref", __LINE__);
#else
	EXPECT_PANIC(m, (void)uvm_loan(map, VB, ps, more, UVM_LOAN_TOANON),
	    "would wrap an_ref");
	unbusy_left(fpg);
#endif
	set_refs(b, 1, 1);
	CHECK(m);
	uvm_unloan(anons, 1, UVM_LOAN_TOANON);
	CHECK(m);
	assert_int_equal(fpg->loan_count, 0);
	assert_null(fpg->uanon);
	assert_true(file_frame(fpg, 150, 0));
	uvm_unmap(map, VB, VB + ps);
	f->pgops->pgo_detach(f);
	CHECK(m);
}

/* Exactly one of the flags. */
static void
test_bad_flags(void **state)
{
	struct vm_page *pgs[1];

	(void)state;
	map_anon(VA, 1);
	EXPECT_PANIC(m, (void)uvm_loan(map, VA, ps, pgs,
	    UVM_LOAN_TOANON | UVM_LOAN_TOPAGE), "UVM_LOAN_TOANON");
	EXPECT_PANIC(m, (void)uvm_loan(map, VA, ps, pgs, 0), "UVM_LOAN_TOANON");
#ifdef TU_KERNEL_LOAN
	{
		/*
		 * 1.39 checks no alignment: from VA + 1 the entry holds
		 * ps - 1 bytes, the count of bytes left wraps past zero,
		 * and zero pages are lent past the entry until memory runs
		 * out and uvm_wait finds that nothing frees any.  The array
		 * has room for every frame; the catch ends it.
		 */
		size_t i, n = uvmsim_npages(m), lent;
		struct vm_page **big = test_calloc(n, sizeof(*big));
		int free0 = ux->free;

		EXPECT_PANIC(m, (void)uvm_loan(map, VA + 1, ps, big,
		    UVM_LOAN_TOPAGE), "the wait would never end");
		CHECK(m);
		assert_int_equal(ux->free, 0);
		lent = 0;
		for (i = 0; i < n && big[i] != NULL; i++)
			lent++;
		assert_int_equal(lent, (size_t)free0);
		uvm_unloan(big, (int)lent, UVM_LOAN_TOPAGE);
		CHECK(m);
		assert_int_equal(ux->free, free0);
		test_free(big);
	}
#else
	EXPECT_PANIC(m, (void)uvm_loan(map, VA + 1, ps, pgs, UVM_LOAN_TOPAGE),
	    "pagesize");
#endif
	CHECK(m);
	uvm_unmap(map, VA, VA + ps);
	CHECK(m);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_bad_flags),
		T(test_loan_errors),
		T(test_loan_count_wrap),
		T(test_anon_ref_wrap),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
