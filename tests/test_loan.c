/*
 * test_loan.c: page loanout (uvm_loan.c), the kinds of loan: the anon and
 * object pages of a process lent to the kernel (A->K, O->K) and to anons
 * (A->A, O->A), zero loans, loans over ranges (two entries, a hole, pages
 * read in, a lent page faulted again), and each step of a loan called on
 * its own.  The loan suites share testloan.h (one process per test, its
 * regions and accessors, a test pager); the others are test_loan_fail.c
 * (failpoints), test_loan_owner.c (owners letting go, fork, orphans and
 * adoption), test_loan_io.c (interference during I/O), test_loan_errors.c
 * (failed loans and counts at the edge) and test_loan_modern.c.
 *
 * Where a test's comment names a defect of 1.39 (D1..D8, listed in
 * src/uvm_loan.c), the test fails with 1.39's code, and says how.
 */
#include "testloan.h"

#include <errno.h>

/* ---- anon pages ------------------------------------------------------- */

/*
 * A->K: the anon pages of a process lent to the kernel; the owner's write
 * then copies; a second loan; the return of both.
 */
static void
test_anon_to_kernel(void **state)
{
	struct vm_page *pgs[NMAX], *again[NMAX], *npg;
	int i, faults;

	(void)state;
	map_anon(VA, 4);
	fill(VA, 4, 0x100);

	/*
	 * The loan takes each anon's page as it is, one loan each, and
	 * write-protects the owner's mappings:
	 *
	 *   0x400000                                  0x404000
	 *   amap | anon 0 | anon 1 | anon 2 | anon 3 |
	 *   page | pgs[0] | pgs[1] | pgs[2] | pgs[3] |  0x100 + i, mapped R
	 *            ^        ^        ^        ^
	 *            +--------+--------+--------+------ kernel (loan_count 1)
	 */
	assert_int_equal(uvm_loan(map, VA, 4 * ps, pgs, UVM_LOAN_TOPAGE), 0);
	CHECK(m);
	for (i = 0; i < 4; i++) {
		assert_ptr_equal(pgs[i], mapped(VA + (vaddr_t)i * ps));
		assert_ptr_equal(pgs[i]->uanon, anon_at(VA + (vaddr_t)i * ps));
		assert_true(tu_anon_owned(pgs[i]));
		assert_int_equal(pgs[i]->loan_count, 1);
		assert_kernel_lent(pgs[i]);
		assert_true(frame_has(pgs[i], 0x100 + (uint64_t)i));
		assert_false(prot_at(VA + (vaddr_t)i * ps) & VM_PROT_WRITE);
	}
	expect(VA, 4, 0x100);		/* reads need no copy */
	assert_ptr_equal(mapped(VA), pgs[0]);

	/*
	 * The owner writes page 0: it faults, and the fault gives the anon
	 * a fresh copy.  The lent frame keeps its bytes, an orphan.
	 *
	 *	before:  anon0 -> pgs[0] <- kernel
	 *	after:   anon0 -> npg        pgs[0] <- kernel (no owner)
	 */
	faults = ux->faults;
	put(VA, 0x999);
	assert_true(ux->faults > faults);
	CHECK(m);
	npg = mapped(VA);
	assert_ptr_not_equal(npg, pgs[0]);
	assert_int_equal(get(VA), 0x999);
	assert_int_equal(get(VA + ps - 8), ~(uint64_t)0x100);
	assert_true(frame_has(pgs[0], 0x100));
	assert_null(pgs[0]->uanon);
	assert_null(pgs[0]->uobject);
	assert_int_equal(pgs[0]->loan_count, 1);
	assert_true(prot_at(VA) & VM_PROT_WRITE);

	/* A second loan of pages 1-3: two loans each. */
	assert_int_equal(uvm_loan(map, VA + ps, 3 * ps, again,
	    UVM_LOAN_TOPAGE), 0);
	CHECK(m);
	for (i = 0; i < 3; i++) {
		assert_ptr_equal(again[i], pgs[i + 1]);
		assert_int_equal(again[i]->loan_count, 2);
	}

	/* The first loan comes back: the orphan is freed, the others keep
	 * a loan and stay where lent pages sit. */
	uvm_unloan(pgs, 4, UVM_LOAN_TOPAGE);
	CHECK(m);
	assert_true(pgs[0]->pqflags & PQ_FREE);
	for (i = 1; i < 4; i++) {
		assert_int_equal(pgs[i]->loan_count, 1);
		assert_kernel_lent(pgs[i]);
	}
	/* The second: back on the active queue, writable in place. */
	uvm_unloan(again, 3, UVM_LOAN_TOPAGE);
	CHECK(m);
	for (i = 1; i < 4; i++) {
		assert_int_equal(pgs[i]->loan_count, 0);
		assert_true(pgs[i]->pqflags & PQ_ACTIVE);
		assert_true(tu_anon_owned(pgs[i]));
	}
	put(VA + ps, 0x555);
	assert_ptr_equal(mapped(VA + ps), pgs[1]);
	assert_int_equal(word(pgs[1], 0), 0x555);
	uvm_unmap(map, VA, VA + 4 * ps);
	CHECK(m);
}

/*
 * A->A: the anons themselves are lent; the owner's write copies.
 */
static void
test_anon_to_anon(void **state)
{
	struct vm_anon *anons[NMAX], *more[1], *a0;
	struct vm_page *pg0;
	int i;

	(void)state;
	map_anon(VA, 2);
	fill(VA, 2, 0x200);
	pg0 = mapped(VA);

	/*
	 * The loan hands out the anons themselves, one reference more each;
	 * their pages carry no loan, and the owner's mappings lose write:
	 *
	 *   0x400000            0x402000
	 *   amap | anon 0 | anon 1 |   an_ref 2: the amap's and the loan's
	 *   page | pg0    | pg 1   |   0x200 + i, mapped R
	 */
	assert_int_equal(uvm_loan(map, VA, 2 * ps, anons, UVM_LOAN_TOANON),
	    0);
	CHECK(m);
	for (i = 0; i < 2; i++) {
		assert_ptr_equal(anons[i], anon_at(VA + (vaddr_t)i * ps));
		assert_int_equal(anons[i]->an_ref, 2);
		assert_int_equal(anons[i]->u.an_page->loan_count, 0);
		assert_true(frame_has(anons[i]->u.an_page,
		    0x200 + (uint64_t)i));
		assert_false(prot_at(VA + (vaddr_t)i * ps) & VM_PROT_WRITE);
	}
	a0 = anons[0];

	/* Shared: the owner's write copies into a new anon. */
	put(VA, 0x777);
	CHECK(m);
	assert_ptr_not_equal(anon_at(VA), a0);
	assert_int_equal(a0->an_ref, 1);
	assert_ptr_equal(a0->u.an_page, pg0);
	assert_true(frame_has(pg0, 0x200));
	assert_int_equal(get(VA), 0x777);

	/* Another loan of page 1: one more reference. */
	assert_int_equal(uvm_loan(map, VA + ps, ps, more, UVM_LOAN_TOANON),
	    0);
	assert_ptr_equal(more[0], anons[1]);
	assert_int_equal(anons[1]->an_ref, 3);
	CHECK(m);
	uvm_unloan(more, 1, UVM_LOAN_TOANON);
	assert_int_equal(anons[1]->an_ref, 2);
	CHECK(m);
	/* Returning page 0's anon frees it: nobody else holds it. */
	uvm_unloan(anons, 2, UVM_LOAN_TOANON);
	CHECK(m);
	assert_true(pg0->pqflags & PQ_FREE);
	assert_int_equal(anon_at(VA + ps)->an_ref, 1);
	expect(VA + ps, 1, 0x201);
	uvm_unmap(map, VA, VA + 2 * ps);
	CHECK(m);
}

/* ---- object pages ----------------------------------------------------- */

/*
 * O->K: pages of a shared file mapping lent to the kernel; the owner's
 * write gives the object a fresh page; the return frees the old one.
 */
static void
test_object_to_kernel(void **state)
{
	struct uvm_object *f = map_file(VA, 3, 0, 10);
	struct vm_page *pgs[NMAX], *npg;
	int i;

	(void)state;
	for (i = 0; i < 3; i++)
		(void)get(VA + (vaddr_t)i * ps);	/* resident */
	CHECK(m);
	assert_int_equal(uvm_loan(map, VA, 3 * ps, pgs, UVM_LOAN_TOPAGE), 0);
	CHECK(m);
	for (i = 0; i < 3; i++) {
		assert_ptr_equal(pgs[i]->uobject, f);
		assert_int_equal(pgs[i]->offset, (voff_t)i * (voff_t)ps);
		assert_null(pgs[i]->uanon);
		assert_int_equal(pgs[i]->loan_count, 1);
		assert_kernel_lent(pgs[i]);
		assert_true(file_frame(pgs[i], 10, i));
		assert_false(prot_at(VA + (vaddr_t)i * ps) & VM_PROT_WRITE);
	}

	/* A shared mapping writes the object's page: the object takes a
	 * copy, the lent page is left to the kernel. */
	put(VA, 0xabc);
	CHECK(m);
	npg = mapped(VA);
	assert_ptr_not_equal(npg, pgs[0]);
	assert_ptr_equal(npg->uobject, f);
	assert_null(pgs[0]->uobject);
	assert_true(file_frame(pgs[0], 10, 0));
	assert_int_equal(get(VA), 0xabc);

	uvm_unloan(pgs, 3, UVM_LOAN_TOPAGE);
	CHECK(m);
	assert_true(pgs[0]->pqflags & PQ_FREE);
	for (i = 1; i < 3; i++) {
		assert_int_equal(pgs[i]->loan_count, 0);
		assert_true(pgs[i]->pqflags & PQ_ACTIVE);
		assert_ptr_equal(pgs[i]->uobject, f);
	}
	uvm_unmap(map, VA, VA + 3 * ps);
	f->pgops->pgo_detach(f);
	CHECK(m);
}

/*
 * O->A: pages of a private file mapping lent to anons; the anon is
 * reused by a second loan; a kernel loan of the same page on top.
 */
static void
test_object_to_anon(void **state)
{
	struct uvm_object *f = map_file(VA, 2, 1, 20);
	struct vm_anon *anons[NMAX], *again[NMAX];
	struct vm_page *pg, *kp[1], *opg[2];
	int i;

	(void)state;
	ONLY_139("no object-to-anon loans (test_loan_modern.c)");
	(void)get(VA);			/* page 0 resident, page 1 not */
	CHECK(m);
	/*
	 * Each object page, page 1 read in first, gets an anon of its own
	 * that borrows it (pg->uanon set, the object still its owner); the
	 * process's amap stays empty:
	 *
	 *   0x400000            0x402000
	 *   amap |   .    |   .    |   (none yet: needs-copy)
	 *   file | page 0 | page 1 |   loan_count 1 each
	 *            ^        ^
	 *          anon 0   anon 1     (an_ref 1: the loan's)
	 */
	assert_int_equal(uvm_loan(map, VA, 2 * ps, anons, UVM_LOAN_TOANON),
	    0);
	CHECK(m);
	for (i = 0; i < 2; i++) {
		pg = anons[i]->u.an_page;
		assert_ptr_equal(pg->uobject, f);
		assert_ptr_equal(pg->uanon, anons[i]);
		assert_false(pg->pqflags & PQ_ANON);
		assert_true(pg->pqflags & PQ_ACTIVE);
		assert_int_equal(pg->loan_count, 1);
		assert_int_equal(anons[i]->an_ref, 1);
		assert_true(file_frame(pg, 20, i));
	}
	assert_null(anon_at(VA));	/* the process's amap is untouched */
	assert_false(prot_at(VA) & VM_PROT_WRITE);

	/* Lent again: the page keeps its anon, which gains a reference. */
	assert_int_equal(uvm_loan(map, VA, 2 * ps, again, UVM_LOAN_TOANON),
	    0);
	CHECK(m);
	for (i = 0; i < 2; i++) {
		assert_ptr_equal(again[i], anons[i]);
		assert_int_equal(anons[i]->an_ref, 2);
		assert_int_equal(anons[i]->u.an_page->loan_count, 1);
	}

	/* And to the kernel: O->A and O->K at once. */
	assert_int_equal(uvm_loan(map, VA, ps, kp, UVM_LOAN_TOPAGE), 0);
	CHECK(m);
	assert_ptr_equal(kp[0], anons[0]->u.an_page);
	assert_int_equal(kp[0]->loan_count, 2);
	assert_false(queued(kp[0]));
	uvm_unloan(kp, 1, UVM_LOAN_TOPAGE);
	CHECK(m);
	/* Only the anon's loan is left: back on the active queue. */
	assert_int_equal(kp[0]->loan_count, 1);
	assert_true(kp[0]->pqflags & PQ_ACTIVE);

	for (i = 0; i < 2; i++)
		opg[i] = anons[i]->u.an_page;
	uvm_unloan(again, 2, UVM_LOAN_TOANON);
	CHECK(m);
	uvm_unloan(anons, 2, UVM_LOAN_TOANON);
	CHECK(m);
	/* The anons are gone; the object's pages are its own again. */
	for (i = 0; i < 2; i++) {
		assert_int_equal(opg[i]->loan_count, 0);
		assert_null(opg[i]->uanon);
		assert_ptr_equal(opg[i]->uobject, f);
		assert_true(file_frame(opg[i], 20, i));
	}
	uvm_unmap(map, VA, VA + 2 * ps);
	f->pgops->pgo_detach(f);
	CHECK(m);
}

/* ---- zero loans ------------------------------------------------------- */

/*
 * 0->K and 0->A: untouched copy-on-write memory lends fresh zeroed pages
 * (anons); the process's own memory stays untouched.
 */
static void
test_zero_loans(void **state)
{
	struct vm_page *pgs[NMAX];
	struct vm_anon *anons[NMAX];
	int i, free0, anons0;

	(void)state;
	ONLY_139("one shared zero page, and no zero-to-anon loans (test_loan_modern.c)");
	map_anon(VA, 3);
	free0 = ux->free;
	anons0 = ux->nanon - ux->nfreeanon;

	/*
	 * Nothing there to lend: each page of the loan is a fresh zeroed
	 * one, owned by nobody; the region stays as it was.
	 *
	 *   VA                           VA + 3 pages
	 *   amap |   .    |   .    |   .    |   untouched, nothing mapped
	 *   kernel: pgs[0], pgs[1], pgs[2]      zeroed, off the queues
	 */
	assert_int_equal(uvm_loan(map, VA, 3 * ps, pgs, UVM_LOAN_TOPAGE), 0);
	CHECK(m);
	for (i = 0; i < 3; i++) {
		assert_null(pgs[i]->uobject);
		assert_null(pgs[i]->uanon);
		assert_int_equal(pgs[i]->loan_count, 1);
		assert_false(pgs[i]->flags & PG_BUSY);
		assert_false(queued(pgs[i]));
		assert_true(tu_is_zero(m, pgs[i]));
	}
	assert_int_equal(ux->free, free0 - 3);
	assert_null(anon_at(VA));
	assert_null(mapped(VA));

	/* D1: 1.39 left each new anon locked; CHECK would name it. */
	assert_int_equal(uvm_loan(map, VA, 3 * ps, anons, UVM_LOAN_TOANON),
	    0);
#ifdef TU_KERNEL_LOAN
	/* D1 shown: every new anon is still locked. */
	tu_expect_problem(m, "lock.held", "lock_holder", __LINE__);
	for (i = 0; i < 3; i++) {
		assert_true(simple_lock_held(&anons[i]->an_lock));
		simple_unlock(&anons[i]->an_lock);
	}
#endif
	CHECK(m);
	for (i = 0; i < 3; i++) {
		assert_int_equal(anons[i]->an_ref, 1);
		assert_false(simple_lock_held(&anons[i]->an_lock));
		assert_ptr_equal(anons[i]->u.an_page->uanon, anons[i]);
		assert_true(anons[i]->u.an_page->pqflags & PQ_ANON);
		assert_true(anons[i]->u.an_page->pqflags & PQ_ACTIVE);
		assert_int_equal(anons[i]->u.an_page->loan_count, 0);
		assert_true(tu_is_zero(m, anons[i]->u.an_page));
	}
	assert_int_equal(ux->nanon - ux->nfreeanon, anons0 + 3);

	/* The process reads zeros of its own (a zero fill: an anon). */
	assert_int_equal(get(VA + ps), 0);
	CHECK(m);
	assert_ptr_not_equal(mapped(VA + ps), anons[1]->u.an_page);
	uvm_unloan(pgs, 3, UVM_LOAN_TOPAGE);
	CHECK(m);
	uvm_unloan(anons, 3, UVM_LOAN_TOANON);
	CHECK(m);
	assert_int_equal(ux->nanon - ux->nfreeanon, anons0 + 1);
	for (i = 0; i < 3; i++)
		assert_true(pgs[i]->pqflags & PQ_FREE);
	uvm_unmap(map, VA, VA + 3 * ps);
	CHECK(m);
	assert_int_equal(ux->nanon - ux->nfreeanon, anons0);
}

/* ---- ranges ----------------------------------------------------------- */

/*
 * A range across two entries:
 *
 *	VA        VA+2ps          VA+4ps
 *	| anon 0 | anon 1 | file 0 | file 1 |
 */
static void
test_two_entries(void **state)
{
	struct uvm_object *f;
	struct vm_page *pgs[NMAX];
	struct vm_anon *anons[NMAX];
	int i;

	(void)state;
	ONLY_139("lends a file entry's pages to anons (object-to-anon)");
	map_anon(VA, 2);
	f = map_file(VA + 2 * ps, 2, 0, 30);
	fill(VA, 2, 0x300);
	assert_int_equal(uvm_loan(map, VA, 4 * ps, pgs, UVM_LOAN_TOPAGE), 0);
	CHECK(m);
	for (i = 0; i < 2; i++) {
		assert_ptr_equal(pgs[i], mapped(VA + (vaddr_t)i * ps));
		assert_true(frame_has(pgs[i], 0x300 + (uint64_t)i));
		assert_ptr_equal(pgs[i + 2]->uobject, f);
		assert_true(file_frame(pgs[i + 2], 30, i));
	}
	assert_int_equal(uvm_loan(map, VA, 4 * ps, anons, UVM_LOAN_TOANON),
	    0);
	CHECK(m);
	for (i = 0; i < 4; i++)
		assert_ptr_equal(anons[i]->u.an_page, pgs[i]);
	assert_int_equal(anons[0]->an_ref, 2);		/* the process's */
	assert_int_equal(anons[2]->an_ref, 1);		/* a borrower */
	assert_int_equal(pgs[2]->loan_count, 2);	/* kernel + anon */
	uvm_unloan(anons, 4, UVM_LOAN_TOANON);
	CHECK(m);
	uvm_unloan(pgs, 4, UVM_LOAN_TOPAGE);
	CHECK(m);
	for (i = 0; i < 4; i++) {
		assert_int_equal(pgs[i]->loan_count, 0);
		assert_true(pgs[i]->pqflags & PQ_ACTIVE);
	}
	expect(VA, 2, 0x300);
	uvm_unmap(map, VA, VA + 4 * ps);
	f->pgops->pgo_detach(f);
	CHECK(m);
}

/*
 * A hole in the range: ENOENT, and every loan made before it returned.
 *
 *	VA              VA+2ps  VA+3ps
 *	| anon | anon | (hole) | anon |
 */
static void
test_hole(void **state)
{
	struct vm_page *pgs[NMAX], *pg0, *pg1;
	struct vm_anon *anons[NMAX];
	int free0, anons0;

	(void)state;
	ONLY_139("makes zero-to-anon loans");
	map_anon(VA, 2);
	map_anon(VA + 3 * ps, 1);
	fill(VA, 2, 0x400);
	pg0 = mapped(VA);
	pg1 = mapped(VA + ps);
	assert_int_equal(uvm_loan(map, VA, 4 * ps, pgs, UVM_LOAN_TOPAGE),
	    ENOENT);
	CHECK(m);
	assert_int_equal(pg0->loan_count, 0);
	assert_int_equal(pg1->loan_count, 0);
	assert_true(pg0->pqflags & PQ_ACTIVE);
	assert_true(pg1->pqflags & PQ_ACTIVE);
	assert_int_equal(uvm_loan(map, VA, 4 * ps, anons, UVM_LOAN_TOANON),
	    ENOENT);
	CHECK(m);
	assert_int_equal(pg0->uanon->an_ref, 1);
	assert_int_equal(pg1->uanon->an_ref, 1);
	expect(VA, 2, 0x400);

	/* Zero loans before the hole are given back too (with 1.39's D1,
	 * returning the still-locked anon panicked). */
	map_anon(VB, 1);
	free0 = ux->free;
	anons0 = ux->nanon - ux->nfreeanon;
#ifdef TU_KERNEL_LOAN
	/* D1 shown: the failed loan returns its zero loan, whose anon it
	 * left locked: locking against itself.  (The catch unlocks it.) */
	EXPECT_PANIC(m, (void)uvm_loan(map, VB, 2 * ps, anons,
	    UVM_LOAN_TOANON), "locking against myself");
	assert_int_equal(anons[0]->an_ref, 1);
	uvm_unloan(anons, 1, UVM_LOAN_TOANON);
#else
	assert_int_equal(uvm_loan(map, VB, 2 * ps, anons, UVM_LOAN_TOANON),
	    ENOENT);
#endif
	CHECK(m);
	assert_int_equal(uvm_loan(map, VB, 2 * ps, pgs, UVM_LOAN_TOPAGE),
	    ENOENT);
	CHECK(m);
	assert_int_equal(ux->free, free0);
	assert_int_equal(ux->nanon - ux->nfreeanon, anons0);
	/* Nothing mapped at all. */
	assert_int_equal(uvm_loan(map, VA + 2 * ps, ps, pgs, UVM_LOAN_TOPAGE),
	    ENOENT);
	CHECK(m);
	uvm_unmap(map, VA, VA + 4 * ps);
	uvm_unmap(map, VB, VB + ps);
	CHECK(m);
}

/* A file page not resident: the loan reads it in (PGO_SYNCIO). */
static void
test_file_io(void **state)
{
	struct uvm_object *f = map_file(VA, 2, 1, 40);
	struct vm_page *pgs[NMAX];
	unsigned long gets;
	int fltget = ux->fltget, i;

	(void)state;
	assert_int_equal(f->uo_npages, 0);
	gets = uvmsim_failpoint_hits(m, "pgo_get.eio");
	assert_int_equal(uvm_loan(map, VA, 2 * ps, pgs, UVM_LOAN_TOPAGE), 0);
	CHECK(m);
	/* Per page: the locked get says "needs I/O", then the I/O get. */
	assert_int_equal(uvmsim_failpoint_hits(m, "pgo_get.eio"), gets + 4);
	assert_int_equal(ux->fltget, fltget);	/* not the fault's doing */
	assert_int_equal(f->uo_npages, 2);
	for (i = 0; i < 2; i++) {
		assert_ptr_equal(pgs[i]->uobject, f);
		assert_true(file_frame(pgs[i], 40, i));
		assert_false(pgs[i]->flags & (PG_BUSY | PG_FAKE));
		assert_int_equal(pgs[i]->loan_count, 1);
		assert_kernel_lent(pgs[i]);
	}
	/* The owner reads the same pages, read-only. */
	(void)get(VA + ps);
	assert_ptr_equal(mapped(VA + ps), pgs[1]);
	assert_false(prot_at(VA + ps) & VM_PROT_WRITE);
	CHECK(m);
	uvm_unloan(pgs, 2, UVM_LOAN_TOPAGE);
	CHECK(m);
	uvm_unmap(map, VA, VA + 2 * ps);
	f->pgops->pgo_detach(f);
	CHECK(m);
}

/*
 * A lent page that its owner faults on again: the fault maps it
 * read-only and puts it on the active queue, as NetBSD 1.6's fault
 * handler does with every page it maps (the 1.39 loan had taken it off
 * the queues; the modern behaviour never did).  The kernel's view does
 * not change; the last unloan leaves it active.
 *
 *	VA: anon -> pg <- kernel      VB: file -> fpg <- kernel
 *	mappings removed (pmap_remove), then read by the owner
 */
static void
test_lent_page_refault(void **state)
{
	struct uvm_object *f = map_file(VB, 1, 0, 170);
	struct vm_page *pgs[1], *kp[1];

	(void)state;
	map_anon(VA, 1);
	fill(VA, 1, 0x1500);
	(void)get(VB);
	assert_int_equal(uvm_loan(map, VA, ps, pgs, UVM_LOAN_TOPAGE), 0);
	assert_int_equal(uvm_loan(map, VB, ps, kp, UVM_LOAN_TOPAGE), 0);
	CHECK(m);
	assert_kernel_lent(pgs[0]);
	assert_kernel_lent(kp[0]);

	pmap_remove(map->pmap, VA, VA + ps);
	pmap_remove(map->pmap, VB, VB + ps);
	pmap_update(map->pmap);
	CHECK(m);
	expect(VA, 1, 0x1500);			/* anon layer */
	assert_int_equal(get(VB), word(kp[0], 0));	/* object layer */
	CHECK(m);
	assert_ptr_equal(mapped(VA), pgs[0]);
	assert_ptr_equal(mapped(VB), kp[0]);
	assert_false(prot_at(VA) & VM_PROT_WRITE);
	assert_false(prot_at(VB) & VM_PROT_WRITE);
	assert_true(pgs[0]->pqflags & PQ_ACTIVE);
	assert_true(kp[0]->pqflags & PQ_ACTIVE);
	assert_int_equal(pgs[0]->loan_count, 1);
	assert_int_equal(kp[0]->loan_count, 1);
	assert_true(frame_has(pgs[0], 0x1500));
	assert_true(file_frame(kp[0], 170, 0));

	uvm_unloan(pgs, 1, UVM_LOAN_TOPAGE);
	uvm_unloan(kp, 1, UVM_LOAN_TOPAGE);
	CHECK(m);
	assert_true(pgs[0]->pqflags & PQ_ACTIVE);
	assert_true(kp[0]->pqflags & PQ_ACTIVE);
	uvm_unmap(map, VA, VA + ps);
	uvm_unmap(map, VB, VB + ps);
	f->pgops->pgo_detach(f);
	CHECK(m);
}

/* ---- each step on its own --------------------------------------------- */

/* (Not against the kernel file, whose steps are static.) */
#ifndef TU_KERNEL_LOAN

static void
lookup(struct uvm_faultinfo *ufi, vaddr_t va, int npages)
{
	ufi->orig_map = map;
	ufi->orig_rvaddr = va;
	ufi->orig_size = (vsize_t)npages * ps;
	assert_true(uvmfault_lookup(ufi, FALSE));
}

static void
test_step_loananon(void **state)
{
	struct uvm_faultinfo ufi;
	struct vm_amap *amap;
	struct vm_anon *anon, *res[2];
	void **cur;

	(void)state;
	map_anon(VA, 1);
	fill(VA, 1, 0xc00);
	lookup(&ufi, VA, 1);
	amap = ufi.entry->aref.ar_amap;
	amap_lock(amap);
	anon = amap_lookup(&ufi.entry->aref, 0);
	cur = (void **)res;
	assert_int_equal(uvm_loananon(&ufi, &cur, UVM_LOAN_TOPAGE, anon), 1);
	assert_ptr_equal(cur, (void **)res + 1);
	assert_true(simple_lock_held(&amap->am_l));	/* still locked */
	assert_false(simple_lock_held(&anon->an_lock));
	assert_int_equal(anon->u.an_page->loan_count, 1);
	assert_int_equal(uvm_loananon(&ufi, &cur, UVM_LOAN_TOANON, anon), 1);
	assert_ptr_equal(cur, (void **)res + 2);
	assert_int_equal(anon->an_ref, 2);
	uvmfault_unlockall(&ufi, amap, NULL, NULL);
	CHECK(m);
	assert_ptr_equal(res[0], (void *)anon->u.an_page);
	assert_ptr_equal(res[1], anon);
	assert_true(frame_has(anon->u.an_page, 0xc00));
	uvm_unloanpage((struct vm_page **)&res[0], 1);
	uvm_unloananon(&res[1], 1);
	CHECK(m);
	assert_int_equal(anon->an_ref, 1);
	assert_int_equal(anon->u.an_page->loan_count, 0);
	uvm_unmap(map, VA, VA + ps);
	CHECK(m);
}

static void
test_step_loanuobj(void **state)
{
	struct uvm_object *f = map_file(VA, 2, 1, 110);
	struct uvm_faultinfo ufi;
	struct vm_anon *res[2];
	void **cur = (void **)res;

	(void)state;
	ONLY_139("lends to anons (object-to-anon)");
	/* Page 1 is not resident: read in, with a relock. */
	lookup(&ufi, VA, 2);
	simple_lock(&f->vmobjlock);
	assert_int_equal(uvm_loanuobj(&ufi, &cur, UVM_LOAN_TOANON, VA + ps),
	    1);
	assert_true(simple_lock_held(&f->vmobjlock));
	assert_int_equal(uvm_loanuobj(&ufi, &cur, UVM_LOAN_TOANON, VA + ps),
	    1);
	uvmfault_unlockall(&ufi, NULL, f, NULL);
	CHECK(m);
	assert_ptr_equal(res[0], res[1]);		/* the same anon */
	assert_int_equal(res[0]->an_ref, 2);
	assert_int_equal(res[0]->u.an_page->offset, (voff_t)ps);
	assert_true(file_frame(res[0]->u.an_page, 110, 1));
	uvm_unloananon(res, 2);
	CHECK(m);
	uvm_unmap(map, VA, VA + 2 * ps);
	f->pgops->pgo_detach(f);
	CHECK(m);
}

static void
test_step_loanzero(void **state)
{
	struct uvm_faultinfo ufi;
	struct vm_page *pg[1];
	struct vm_anon *anon[1];
	void **cur;

	(void)state;
	ONLY_139("a fresh page per zero loan, and zero-to-anon loans");
	map_anon(VA, 1);
	lookup(&ufi, VA, 1);
	cur = (void **)pg;
	assert_int_equal(uvm_loanzero(&ufi, &cur, UVM_LOAN_TOPAGE), 1);
	cur = (void **)anon;
	assert_int_equal(uvm_loanzero(&ufi, &cur, UVM_LOAN_TOANON), 1);
	uvmfault_unlockmaps(&ufi, FALSE);
	CHECK(m);
	assert_true(tu_is_zero(m, pg[0]));
	assert_true(tu_is_zero(m, anon[0]->u.an_page));
	/* Out of pages: everything unlocked, -1. */
	lookup(&ufi, VA, 1);
	uvmsim_failpoint_set(m, "uvm_pagealloc", 1, 1);
	cur = (void **)pg + 1;
	assert_int_equal(uvm_loanzero(&ufi, &cur, UVM_LOAN_TOPAGE), -1);
	assert_ptr_equal(cur, (void **)pg + 1);
	CHECK(m);
	uvm_unloan(pg, 1, UVM_LOAN_TOPAGE);
	uvm_unloan(anon, 1, UVM_LOAN_TOANON);
	CHECK(m);
	uvm_unmap(map, VA, VA + ps);
	CHECK(m);
}

static void
test_step_loanentry(void **state)
{
	struct uvm_faultinfo ufi;
	struct vm_page *pgs[NMAX];
	void **cur = (void **)pgs;
	int i;

	(void)state;
	ONLY_139("a fresh page per zero loan");
	map_anon(VA, 4);
	fill(VA, 2, 0xd00);	/* pages 2, 3 untouched: zero loans */
	/* The lookup asks for more than the entry: ufi.size stops at it. */
	map_anon(VA + 4 * ps, 1);
	lookup(&ufi, VA, 5);
	assert_int_equal(ufi.size, 4 * ps);
	assert_int_equal(uvm_loanentry(&ufi, &cur, UVM_LOAN_TOPAGE), 4);
	CHECK(m);			/* the map is unlocked */
	assert_ptr_equal(cur, (void **)pgs + 4);
	assert_true(frame_has(pgs[0], 0xd00));
	assert_true(frame_has(pgs[1], 0xd01));
	assert_true(tu_is_zero(m, pgs[2]));
	assert_null(pgs[3]->uanon);
	for (i = 0; i < 4; i++)
		assert_int_equal(pgs[i]->loan_count, 1);
	uvm_unloanpage(pgs, 4);
	CHECK(m);
	uvm_unmap(map, VA, VA + 5 * ps);
	CHECK(m);
}

#endif /* !TU_KERNEL_LOAN */

int
main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_anon_to_kernel),
		T(test_anon_to_anon),
		T(test_object_to_kernel),
		T(test_object_to_anon),
		T(test_zero_loans),
		T(test_two_entries),
		T(test_hole),
		T(test_file_io),
		T(test_lent_page_refault),
#ifndef TU_KERNEL_LOAN
		T(test_step_loananon),
		T(test_step_loanuobj),
		T(test_step_loanzero),
		T(test_step_loanentry),
#endif
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
