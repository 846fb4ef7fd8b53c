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
 * object, put on the active queue when it is made, never freed; the
 * regions lent stay untouched.  No zero-to-anon loans.  The object's
 * pgo_put (the page daemon's) takes the page off the queues but never
 * frees it, and a zero loan does not put it back.
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

	/* It lends again, and stays off the queues: a zero loan only
	 * counts (uvm_loan.c 1.104). */
	assert_int_equal(uvm_loan(map, VB + ps, ps, more, UVM_LOAN_TOPAGE), 0);
	CHECK(m);
	assert_ptr_equal(more[0], zp);
	assert_int_equal(zp->loan_count, 1);
	assert_false(zp->pqflags & (PQ_FREE | PQ_ACTIVE | PQ_INACTIVE));
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


/*
 * A zero loan only counts: the zero page, moved to the inactive queue
 * (as the page daemon's scan would), stays there through more zero loans
 * (1.104's uvm_loanzero touches loan_count alone; the modern behaviour
 * once put the page back on the active queue at every loan).
 */
static void
test_modern_zero_loan_counts_only(void **state)
{
	struct vm_page *pgs[2], *zp;

	(void)state;
	map_anon(VA, 2);
	assert_int_equal(uvm_loan(map, VA, ps, pgs, UVM_LOAN_TOPAGE), 0);
	CHECK(m);
	zp = pgs[0];
	assert_true(zp->pqflags & PQ_ACTIVE);		/* made so */
	simple_lock(&zp->uobject->vmobjlock);
	tu_deactivate(zp);
	simple_unlock(&zp->uobject->vmobjlock);
	CHECK(m);
	assert_int_equal(uvm_loan(map, VA + ps, ps, pgs + 1, UVM_LOAN_TOPAGE),
	    0);
	CHECK(m);
	assert_ptr_equal(pgs[1], zp);
	assert_int_equal(zp->loan_count, 2);
	assert_true(zp->pqflags & PQ_INACTIVE);
	assert_false(zp->pqflags & PQ_ACTIVE);
	assert_true(tu_is_zero(m, zp));
	uvm_unloan(pgs, 2, UVM_LOAN_TOPAGE);
	CHECK(m);
	assert_int_equal(zp->loan_count, 0);
	assert_true(zp->pqflags & PQ_INACTIVE);
	uvm_unmap(map, VA, VA + 2 * ps);
	CHECK(m);
}

/*
 * A read-only wiring of a file's page lent to the kernel keeps the loan
 * (uvm_fault breaks it only for a writable access or wiring, as NetBSD
 * does): the lent page itself is wired, still the file's, read-only.
 */
static void
test_modern_wire_keeps_object_loan(void **state)
{
	struct uvm_object *f = map_file(VB, 1, 0, 90);
	struct vm_page *pgs[1], *pg;

	(void)state;
	assert_int_equal(uvm_map_protect(map, VB, VB + ps, VM_PROT_READ,
	    FALSE), 0);
	(void)get(VB);
	assert_int_equal(uvm_loan(map, VB, ps, pgs, UVM_LOAN_TOPAGE), 0);
	CHECK(m);
	pg = pgs[0];
	assert_int_equal(uvm_map_pageable(map, VB, VB + ps, FALSE, 0), 0);
	CHECK(m);
	assert_ptr_equal(mapped(VB), pg);
	assert_ptr_equal(pg->uobject, f);
	assert_int_equal(pg->wire_count, 1);
	assert_int_equal(pg->loan_count, 1);
	assert_false(prot_at(VB) & VM_PROT_WRITE);
	assert_true(file_frame(pg, 90, 0));
	assert_int_equal(uvm_map_pageable(map, VB, VB + ps, TRUE, 0), 0);
	CHECK(m);
	uvm_unloan(pgs, 1, UVM_LOAN_TOPAGE);
	CHECK(m);
	assert_int_equal(pg->loan_count, 0);
	assert_true(pg->pqflags & PQ_ACTIVE);
	uvm_unmap(map, VB, VB + ps);
	f->pgops->pgo_detach(f);
	CHECK(m);
}

/*
 * A page lent to the kernel and wired read-only by another process that
 * shares the amap (inheritance share): the owner's write breaks the loan
 * (the slot's anon gets a copy), and the other process's wiring moves
 * to the copy, mapped again; the old page, unwired, is left to the
 * kernel, an orphan on no queue.
 *
 *   parent VA --+                      child VA (read-only, wired)
 *               +-- shared amap: anon a -> pg  <- kernel (pgs[0])
 *   after the parent's write:   anon a -> copy (wired by the child)
 */
static void
test_modern_wired_loan_break_moves_wiring(void **state)
{
	struct vm_page *pgs[1], *pg, *copy;
	struct proc *c;
	struct vm_map *cmap;
	struct vm_anon *a;
	uint64_t v;

	(void)state;
	tu_map_anon(m, map, VA, 1, VM_PROT_READ | VM_PROT_WRITE,
	    UVM_INH_SHARE, UVM_ADV_NORMAL, 0);
	fill(VA, 1, 0x6b00);
	assert_int_equal(uvmsim_proc_fork(m, p, &c), 0);
	cmap = &c->p_vmspace->vm_map;
	CHECK(m);
	assert_int_equal(uvm_loan(map, VA, ps, pgs, UVM_LOAN_TOPAGE), 0);
	pg = pgs[0];
	assert_int_equal(uvm_map_protect(cmap, VA, VA + ps, VM_PROT_READ,
	    FALSE), 0);
	assert_int_equal(uvm_map_pageable(cmap, VA, VA + ps, FALSE, 0), 0);
	CHECK(m);
	assert_int_equal(pg->wire_count, 1);
	assert_int_equal(pg->loan_count, 1);

	put(VA, 0x77);
	CHECK(m);
	a = anon_at(VA);
	copy = a->u.an_page;
	assert_ptr_not_equal(copy, pg);
	assert_int_equal(copy->wire_count, 1);		/* the child's */
	assert_int_equal(word(copy, 0), 0x77);
	assert_int_equal(pg->wire_count, 0);
	assert_int_equal(pg->loan_count, 1);
	assert_null(pg->uanon);
	assert_false(pg->pqflags & (PQ_ACTIVE | PQ_INACTIVE));
	assert_true(frame_has(pg, 0x6b00));		/* the loan's */
	assert_int_equal(uvmsim_load(m, 0, c->p_vmspace, VA, 8, &v), 0);
	assert_int_equal(v, 0x77);

	uvm_unloan(pgs, 1, UVM_LOAN_TOPAGE);
	CHECK(m);
	assert_true(pg->pqflags & PQ_FREE);
	assert_int_equal(uvm_map_pageable(cmap, VA, VA + ps, TRUE, 0), 0);
	CHECK(m);
	assert_int_equal(copy->wire_count, 0);
	uvmsim_proc_exit(m, c);
	CHECK(m);
	uvm_unmap(map, VA, VA + ps);
	CHECK(m);
}

#define NOBJ	20	/* pages: more than one chunk of uvm_loanuobjpages */

/*
 * uvm_loanuobjpages lends a file's pages by offset, with no map: 20
 * pages, two chunks, some resident (one mapped writable by a process),
 * the rest read in.  Each is the file's page at its offset with the
 * file's bytes, lent once, on the active queue; the mapping lost write
 * access.  The owner's write then copies (the lent frame keeps the
 * file's bytes), and uvm_unloan(..., UVM_LOAN_TOPAGE) gives all back:
 * the page the owner replaced, an orphan, is freed.
 *
 *   file f: [0][1]....[19]      process: VB -> f (shared), page 1 mapped
 *           pgs[0 .. 20) <- kernel
 */
static void
test_modern_loanuobjpages(void **state)
{
	struct uvm_object *f = map_file(VB, NOBJ, 0, 40);
	struct vm_page *pgs[NOBJ], *own;
	int i, free0;

	(void)state;
	(void)get(VB + ps);			/* page 1 resident, mapped */
	CHECK(m);
	assert_true(prot_at(VB + ps) & VM_PROT_WRITE);
	free0 = ux->free;
	assert_int_equal(uvm_loanuobjpages(f, 0, NOBJ, pgs), 0);
	CHECK(m);
	assert_string_equal(uvmsim_last_error(), "");
	assert_int_equal(ux->free, free0 - (NOBJ - 1));
	for (i = 0; i < NOBJ; i++) {
		assert_ptr_equal(pgs[i]->uobject, f);
		assert_int_equal(pgs[i]->offset, tu_pgoff(m, i));
		assert_int_equal(pgs[i]->loan_count, 1);
		assert_true(pgs[i]->pqflags & PQ_ACTIVE);
		assert_false(pgs[i]->flags & (PG_BUSY | PG_FAKE));
		assert_true(file_frame(pgs[i], 40, i));
	}
	assert_ptr_equal(mapped(VB + ps), pgs[1]);
	assert_false(prot_at(VB + ps) & VM_PROT_WRITE);

	/* The owner writes page 1: a fresh copy in the file. */
	put(VB + ps, 0x1234);
	CHECK(m);
	own = mapped(VB + ps);
	assert_ptr_not_equal(own, pgs[1]);
	assert_ptr_equal(own->uobject, f);
	assert_null(pgs[1]->uobject);			/* an orphan */
	assert_false(pgs[1]->pqflags & (PQ_ACTIVE | PQ_INACTIVE)); /* off */
	assert_true(file_frame(pgs[1], 40, 1));
	assert_int_equal(word(own, 0), 0x1234);

	uvm_unloan(pgs, NOBJ, UVM_LOAN_TOPAGE);
	CHECK(m);
	assert_true(pgs[1]->pqflags & PQ_FREE);
	for (i = 0; i < NOBJ; i++)
		if (i != 1) {
			assert_int_equal(pgs[i]->loan_count, 0);
			assert_true(pgs[i]->pqflags & PQ_ACTIVE);
		}
	assert_int_equal(get(VB + ps), 0x1234);
	uvm_unmap(map, VB, VB + NOBJ * ps);
	f->pgops->pgo_detach(f);
	CHECK(m);
}

/*
 * uvm_loanuobjpages failing lends nothing and leaves the array NULL: a
 * wired page (EBUSY, the pages before it given back, in either chunk),
 * a range past the end of the file (the pager's EINVAL), a pager error
 * (EIO).  uvmsim_last_error() says why.
 */
static void
test_modern_loanuobjpages_errors(void **state)
{
	struct uvm_object *f = map_file(VB, NOBJ, 0, 41);
	struct vm_page *pgs[NOBJ];
	int i, w;
	static const int wired_at[] = { 3, 17 };

	(void)state;
	for (w = 0; w < 2; w++) {
		vaddr_t va = VB + (vaddr_t)wired_at[w] * ps;

		assert_int_equal(uvm_map_pageable(map, va, va + ps, FALSE, 0),
		    0);
		CHECK(m);
		assert_int_equal(uvm_loanuobjpages(f, 0, NOBJ, pgs), EBUSY);
		CHECK(m);
		assert_non_null(strstr(uvmsim_last_error(), "wired"));
		for (i = 0; i < NOBJ; i++)
			assert_null(pgs[i]);
		assert_int_equal(mapped(va)->loan_count, 0);
		simple_lock(&f->vmobjlock);
		for (i = 0; i < NOBJ; i++) {
			struct vm_page *pg = uvm_pagelookup(f, tu_pgoff(m, i));

			if (pg != NULL)
				assert_int_equal(pg->loan_count, 0);
		}
		simple_unlock(&f->vmobjlock);
		assert_int_equal(uvm_map_pageable(map, va, va + ps, TRUE, 0),
		    0);
		CHECK(m);
	}

	/* Past the end: the last page is the file's, the next is not. */
	assert_int_equal(uvm_loanuobjpages(f, tu_pgoff(m, NOBJ - 1), 2, pgs),
	    EINVAL);
	CHECK(m);
	assert_null(pgs[0]);
	assert_null(pgs[1]);
	assert_non_null(strstr(uvmsim_last_error(), "pager error"));

	/* The pager fails the second chunk: the first is given back. */
	uvmsim_failpoint_set(m, "pgo_get.eio", 2, 1);
	assert_int_equal(uvm_loanuobjpages(f, 0, NOBJ, pgs), EIO);
	CHECK(m);
	for (i = 0; i < NOBJ; i++)
		assert_null(pgs[i]);
	simple_lock(&f->vmobjlock);
	assert_int_equal(uvm_pagelookup(f, 0)->loan_count, 0);
	simple_unlock(&f->vmobjlock);

	/* Then it lends. */
	assert_int_equal(uvm_loanuobjpages(f, tu_pgoff(m, 2), 3, pgs), 0);
	CHECK(m);
	for (i = 0; i < 3; i++)
		assert_true(file_frame(pgs[i], 41, 2 + i));
	uvm_unloan(pgs, 3, UVM_LOAN_TOPAGE);
	CHECK(m);
	uvm_unmap(map, VB, VB + NOBJ * ps);
	f->pgops->pgo_detach(f);
	CHECK(m);
}

/*
 * uvm_loanuobjpages and a pager that says EAGAIN, or a page released
 * during the I/O: it asks again (NetBSD pauses first) and lends; a pager
 * that keeps saying EAGAIN makes it give up, lending nothing.
 */
static void
test_modern_loanuobjpages_retry(void **state)
{
	struct tpager *tp = map_tpager(VA, 4, 0);
	struct vm_page *pgs[4];
	int i;

	(void)state;
	tp->eagain = 3;
	assert_int_equal(uvm_loanuobjpages(&tp->obj, 0, 4, pgs), 0);
	CHECK(m);
	assert_int_equal(tp->nio, 4);
	for (i = 0; i < 4; i++) {
		assert_int_equal(word(pgs[i], 0), TP_TAG(tu_pgoff(m, i)));
		assert_int_equal(pgs[i]->loan_count, 1);
	}
	uvm_unloan(pgs, 4, UVM_LOAN_TOPAGE);
	CHECK(m);

	/* Page 0 (the centre of the get) released during the I/O: the get
	 * is made again, and lends the page read in afresh. */
	simple_lock(&tp->obj.vmobjlock);
	assert_int_equal(tp->obj.pgops->pgo_put(&tp->obj, 0, 0,
	    PGO_ALLPAGES), 0);
	simple_lock(&tp->obj.vmobjlock);
	uvm_lock_pageq();
	uvm_pagefree(uvm_pagelookup(&tp->obj, 0));
	uvm_unlock_pageq();
	simple_unlock(&tp->obj.vmobjlock);
	CHECK(m);
	tp->hook = hook_release;
	tp->nio = 0;
	assert_int_equal(uvm_loanuobjpages(&tp->obj, 0, 2, pgs), 0);
	CHECK(m);
	assert_int_equal(tp->nio, 2);
	assert_false(pgs[0]->flags & PG_RELEASED);
	assert_int_equal(word(pgs[0], 0), TP_TAG(0));
	assert_int_equal(word(pgs[1], 0), TP_TAG(tu_pgoff(m, 1)));
	uvm_unloan(pgs, 2, UVM_LOAN_TOPAGE);
	CHECK(m);

	tp->eagain = 1000;
	tp->nio = 0;
	assert_int_equal(uvm_loanuobjpages(&tp->obj, 0, 4, pgs), EAGAIN);
	CHECK(m);
	assert_int_equal(tp->nio, 8);
	assert_non_null(strstr(uvmsim_last_error(), "gave up"));
	for (i = 0; i < 4; i++)
		assert_null(pgs[i]);
	tp->eagain = 0;
	uvm_unmap(map, VA, VA + 4 * ps);
	CHECK(m);
}

/*
 * uvm_loanpage, the O->K step on its own: pages of one object, locked,
 * not busy, lent; a wired one among them: EBUSY, the object still
 * locked, none left lent.
 */
static void
test_modern_loanpage(void **state)
{
	struct uvm_object *f = map_file(VB, 3, 0, 42);
	struct vm_page *pgs[3];
	int i;

	(void)state;
	for (i = 0; i < 3; i++)
		(void)get(VB + (vaddr_t)i * ps);
	simple_lock(&f->vmobjlock);
	for (i = 0; i < 3; i++)
		pgs[i] = uvm_pagelookup(f, tu_pgoff(m, i));
	assert_int_equal(uvm_loanpage(pgs, 3, false), 0);
	simple_unlock(&f->vmobjlock);
	CHECK(m);
	for (i = 0; i < 3; i++) {
		assert_int_equal(pgs[i]->loan_count, 1);
		assert_false(prot_at(VB + (vaddr_t)i * ps) & VM_PROT_WRITE);
		assert_true(file_frame(pgs[i], 42, i));
	}
	uvm_unloan(pgs, 3, UVM_LOAN_TOPAGE);
	CHECK(m);

	assert_int_equal(uvm_map_pageable(map, VB + 2 * ps, VB + 3 * ps,
	    FALSE, 0), 0);
	simple_lock(&f->vmobjlock);
	assert_int_equal(uvm_loanpage(pgs, 3, false), EBUSY);
	assert_true(simple_lock_held(&f->vmobjlock));
	simple_unlock(&f->vmobjlock);
	CHECK(m);
	for (i = 0; i < 3; i++)
		assert_int_equal(pgs[i]->loan_count, 0);
	assert_int_equal(uvm_map_pageable(map, VB + 2 * ps, VB + 3 * ps,
	    TRUE, 0), 0);
	uvm_unmap(map, VB, VB + 3 * ps);
	f->pgops->pgo_detach(f);
	CHECK(m);
}

#endif /* TU_KERNEL_LOAN */


/* ---- the 1.39 behaviour ---------------------------------------------- */

/*
 * The 1.39 behaviour has no uvm_loanuobjpages or uvm_loanpage (NetBSD
 * added them later): both lend nothing and say so, ENOTSUP; the array
 * comes back NULL.  So does a library with a 1.6 kernel uvm_loan.c.
 */
static void
test_loanuobjpages_139(void **state)
{
	struct uvm_object *f;
	struct vm_page *pgs[2], *pg;

	(void)state;
	ONLY_139("uvm_loanuobjpages lends (test_modern_loanuobjpages)");
	f = map_file(VB, 2, 0, 43);
	(void)get(VB);
	CHECK(m);
	pgs[0] = pgs[1] = (struct vm_page *)&f;	/* not NULL on entry */
	assert_int_equal(uvm_loanuobjpages(f, 0, 2, pgs), ENOTSUP);
	CHECK(m);
	assert_null(pgs[0]);
	assert_null(pgs[1]);
	assert_non_null(strstr(uvmsim_last_error(), "uvm_loanuobjpages"));
	assert_non_null(strstr(uvmsim_last_error(), "modern"));
	simple_lock(&f->vmobjlock);
	pg = uvm_pagelookup(f, 0);
	assert_int_equal(uvm_loanpage(&pg, 1, false), ENOTSUP);
	simple_unlock(&f->vmobjlock);
	CHECK(m);
	assert_int_equal(pg->loan_count, 0);
	assert_true(prot_at(VB) & VM_PROT_WRITE);
	uvm_unmap(map, VB, VB + 2 * ps);
	f->pgops->pgo_detach(f);
	CHECK(m);
}

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
		TM(test_modern_zero_loan_counts_only),
		TM(test_modern_wire_keeps_object_loan),
		TM(test_modern_wired_loan_break_moves_wiring),
		TM(test_modern_loanuobjpages),
		TM(test_modern_loanuobjpages_errors),
		TM(test_modern_loanuobjpages_retry),
		TM(test_modern_loanpage),
#endif
		T(test_loanuobjpages_139),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
