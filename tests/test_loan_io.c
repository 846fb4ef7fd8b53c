/*
 * test_loan_io.c: page loanout while another CPU changes things during
 * the loan's I/O (the test pager's hooks: a page released, an amap slot
 * filled, the map changed), and the defects of 1.39 around shared anons,
 * an object's own borrowed page and wired memory (fixtures: testloan.h).
 *
 * Where a test's comment names a defect of 1.39 (D1..D8, listed in
 * src/uvm_loan.c), the test fails with 1.39's code, and says how.
 */
#include "testloan.h"

#include <errno.h>

/* ---- interference during I/O, and the defects of 1.39 ----------------- */

/*
 * D2: the page being read for the loan is released meanwhile.  The loan
 * frees it and looks up again (1.39 kept the object locked, and the next
 * lookup's lock of it panicked: locking against myself).
 */
static void
test_io_released(void **state)
{
	struct tpager *tp;
	struct vm_page *pgs[1];

	(void)state;
	tp = map_tpager(VA, 1, 0);
	tp->hook = hook_release;
#ifdef TU_KERNEL_LOAN
	/* D2 shown: the next lookup locks the object again.  (The catch
	 * unlocks it, and the map's read hold.) */
	EXPECT_PANIC(m, (void)uvm_loan(map, VA, ps, pgs, UVM_LOAN_TOPAGE),
	    "locking against myself");
	CHECK(m);
	assert_int_equal(tp->nio, 1);
	assert_int_equal(tp->obj.uo_npages, 0);		/* freed */
#else
	assert_int_equal(uvm_loan(map, VA, ps, pgs, UVM_LOAN_TOPAGE), 0);
	CHECK(m);
	assert_int_equal(tp->nio, 2);		/* read again after the free */
	assert_ptr_equal(pgs[0]->uobject, &tp->obj);
	assert_int_equal(word(pgs[0], 0), TP_TAG(0));
	assert_int_equal(tp->obj.uo_npages, 1);
	uvm_unloan(pgs, 1, UVM_LOAN_TOPAGE);
	CHECK(m);
#endif
	uvm_unmap(map, VA, VA + ps);
	CHECK(m);
}

/*
 * D3: while page 1 is read in, another thread's fault puts an anon in
 * page 1's amap slot.  The loan must see that the anon layer now hides
 * the object's page and lend the anon's page (1.39 checked page 0's slot,
 * found it empty, and lent the object's stale page).
 *
 *	slots:   [0: -]  [1: - -> hook anon]  [2: anon]
 *	object:  [0: pg] [1: read in]          [2: pg]
 */
static void
test_io_slot_filled(void **state)
{
	struct tpager *tp;
	struct vm_page *pgs[2];

	(void)state;
	tp = map_tpager(VA, 3, 1);
	(void)get(VA);				/* object page 0 */
	put(VA + 2 * ps, 0x2222);		/* an amap, slot 2 */
	CHECK(m);
	assert_null(anon_at(VA));
	assert_null(anon_at(VA + ps));
	tp->hook = hook_fill_slot;
	tp->hook_va = VA + ps;
	hook_anon = NULL;
	assert_int_equal(uvm_loan(map, VA, 2 * ps, pgs, UVM_LOAN_TOPAGE), 0);
	CHECK(m);
	assert_non_null(hook_anon);
	assert_ptr_equal(anon_at(VA + ps), hook_anon);
	assert_ptr_equal(pgs[0]->uobject, &tp->obj);
	assert_int_equal(word(pgs[0], 0), TP_TAG(0));
#ifdef TU_KERNEL_LOAN
	/* D3 shown: the object's stale page 1 was lent, not what the
	 * process sees there. */
	assert_ptr_equal(pgs[1]->uobject, &tp->obj);
	assert_int_equal(word(pgs[1], 0), TP_TAG(ps));
	assert_int_not_equal(word(pgs[1], 0), get(VA + ps));
#else
	assert_ptr_equal(pgs[1], hook_anon->u.an_page);
	assert_null(pgs[1]->uobject);
	assert_int_equal(word(pgs[1], 0), HOOK_ANON_TAG);
#endif
	/* What the process sees at page 1 is what was lent. */
	assert_int_equal(get(VA + ps), HOOK_ANON_TAG);
	uvm_unloan(pgs, 2, UVM_LOAN_TOPAGE);
	CHECK(m);
	uvm_unmap(map, VA, VA + 3 * ps);
	CHECK(m);
}

/* The map changes while a page is read in: the loan looks it up again
 * and lends the page read (now resident) without a second read. */
static void
test_io_map_changed(void **state)
{
	struct vm_map_entry *entry;
	struct tpager *tp;
	struct vm_page *pgs[1];
	int relckok = ux->fltrelckok;

	(void)state;
	map_anon(VB, 1);
	tp = map_tpager(VA, 1, 0);
	tp->hook = hook_unmap_other;
	tp->hook_va = VB;
	assert_int_equal(uvm_loan(map, VA, ps, pgs, UVM_LOAN_TOPAGE), 0);
	CHECK(m);
	assert_int_equal(tp->nio, 1);
	assert_int_equal(ux->fltrelckok, relckok);	/* relock failed */
	assert_ptr_equal(pgs[0]->uobject, &tp->obj);
	assert_int_equal(word(pgs[0], 0), TP_TAG(0));
	vm_map_lock_read(map);
	assert_false(uvm_map_lookup_entry(map, VB, &entry));	/* gone */
	vm_map_unlock_read(map);
	uvm_unloan(pgs, 1, UVM_LOAN_TOPAGE);
	CHECK(m);
	uvm_unmap(map, VA, VA + ps);
	CHECK(m);
}

/*
 * D4: shared anonymous memory never touched has nothing to lend: the loan
 * fails with nothing left locked (1.39 kept the map and the amap locked,
 * which CHECK reports, and the next map change would panic).
 */
static void
test_shared_anon_untouched(void **state)
{
	vaddr_t va = VA;
	struct vm_page *pgs[2], *pg0;
	struct vm_anon *anons[2];

	(void)state;
	assert_int_equal(uvm_map(map, &va, 2 * ps, NULL, UVM_UNKNOWN_OFFSET, 0,
	    UVM_MAPFLAG(VM_PROT_READ | VM_PROT_WRITE, VM_PROT_ALL,
	    UVM_INH_SHARE, UVM_ADV_NORMAL, UVM_FLAG_FIXED | UVM_FLAG_OVERLAY)),
	    0);
	fill(VA, 1, 0xe00);
	pg0 = mapped(VA);
	assert_int_equal(uvm_loan(map, VA, 2 * ps, pgs, UVM_LOAN_TOPAGE),
	    EINVAL);
#ifdef TU_KERNEL_LOAN
	kl_unlock_left(VA, __LINE__);		/* D4 shown */
#endif
	CHECK(m);
	assert_int_equal(pg0->loan_count, 0);
	assert_int_equal(uvm_loan(map, VA, 2 * ps, anons, UVM_LOAN_TOANON),
	    EINVAL);
#ifdef TU_KERNEL_LOAN
	kl_unlock_left(VA, __LINE__);		/* D4 shown */
#endif
	CHECK(m);
	assert_int_equal(pg0->uanon->an_ref, 1);
	/* The touched page lends. */
	assert_int_equal(uvm_loan(map, VA, ps, pgs, UVM_LOAN_TOPAGE), 0);
	assert_ptr_equal(pgs[0], pg0);
	assert_true(frame_has(pg0, 0xe00));
	uvm_unloan(pgs, 1, UVM_LOAN_TOPAGE);
	CHECK(m);
	map_anon(VB, 1);		/* the map can be changed */
	uvm_unmap(map, VB, VB + ps);
	uvm_unmap(map, VA, VA + 2 * ps);
	CHECK(m);
}

/*
 * D6: an anon that borrowed page 0 of a file sits in the amap of an entry
 * mapping that same file (page 1's slot), as a page-moving subsystem may
 * put it there.  Lending page 1 to the kernel must not try-lock the file
 * again: uvm_loanentry holds it already (1.39's anon layer tried for ever;
 * here its try-lock panics, saying so).
 *
 *	entry:   file, private     slots: [0: -] [1: A] [2: copy]
 *	A -> file page 0 (borrowed)
 */
static void
test_own_object_borrowed(void **state)
{
	struct uvm_object *f = map_file(VA, 3, 1, 120);
	struct vm_map_entry *entry;
	struct vm_anon *a[1];
	struct vm_page *pgs[1];

	(void)state;
	ONLY_139("the anon borrows its object's page (object-to-anon)");
	(void)get(VA);
	assert_int_equal(uvm_loan(map, VA, ps, a, UVM_LOAN_TOANON), 0);
	put(VA + 2 * ps, 0x3333);		/* gives the entry an amap */
	CHECK(m);

	vm_map_lock_read(map);
	assert_true(uvm_map_lookup_entry(map, VA, &entry));
	amap_lock(entry->aref.ar_amap);
	simple_lock(&a[0]->an_lock);
	a[0]->an_ref++;				/* the slot's reference */
	simple_unlock(&a[0]->an_lock);
	amap_add(&entry->aref, ps, a[0], FALSE);
	amap_unlock(entry->aref.ar_amap);
	vm_map_unlock_read(map);
	CHECK(m);

#ifdef TU_KERNEL_LOAN
	/* D6 shown: the anon layer's try-lock of the object, which the
	 * loan holds already, could never succeed.  (The catch unlocks what
	 * the loan took, the map's read hold too.) */
	EXPECT_PANIC(m, (void)uvm_loan(map, VA + ps, ps, pgs,
	    UVM_LOAN_TOPAGE), "spin forever");
	CHECK(m);
	assert_int_equal(a[0]->u.an_page->loan_count, 1);
#else
	assert_int_equal(uvm_loan(map, VA + ps, ps, pgs, UVM_LOAN_TOPAGE), 0);
	CHECK(m);
	assert_ptr_equal(pgs[0], a[0]->u.an_page);
	assert_ptr_equal(pgs[0]->uobject, f);
	assert_int_equal(pgs[0]->loan_count, 2);
	assert_false(queued(pgs[0]));
	assert_true(file_frame(pgs[0], 120, 0));
	/* The process reads page 1 through A. */
	assert_int_equal(get(VA + ps), word(pgs[0], 0));
	CHECK(m);

	uvm_unloan(pgs, 1, UVM_LOAN_TOPAGE);
	CHECK(m);
	assert_int_equal(pgs[0]->loan_count, 1);
	assert_true(pgs[0]->pqflags & PQ_ACTIVE);
#endif
	uvm_unloan(a, 1, UVM_LOAN_TOANON);
	CHECK(m);
	uvm_unmap(map, VA, VA + 3 * ps);
	CHECK(m);
	f->pgops->pgo_detach(f);
	CHECK(m);
}

/*
 * D8: wired pages are not lent (1.39 panicked on a KASSERT for an anon's
 * page lent to the kernel, and lent the others).
 */
static void
test_wired(void **state)
{
	struct uvm_object *f;
	struct vm_page *pgs[2], *pg;
	struct vm_anon *anons[2];

	(void)state;
	map_anon(VA, 1);
	fill(VA, 1, 0xf00);
	assert_int_equal(uvm_map_pageable(map, VA, VA + ps, FALSE, 0), 0);
	CHECK(m);
	pg = mapped(VA);
	assert_int_equal(pg->wire_count, 1);
#ifdef TU_KERNEL_LOAN
	/* D8 shown: A->K trips the KASSERT (the catch unlocks, the map's
	 * read hold too); A->A shares the wired page, and its wired
	 * mapping loses write access. */
	EXPECT_PANIC(m, (void)uvm_loan(map, VA, ps, pgs, UVM_LOAN_TOPAGE),
	    "pg->wire_count == 0");
	CHECK(m);
	assert_int_equal(uvm_loan(map, VA, ps, anons, UVM_LOAN_TOANON), 0);
	CHECK(m);
	assert_int_equal(pg->uanon->an_ref, 2);
	assert_false(prot_at(VA) & VM_PROT_WRITE);
	uvm_unloan(anons, 1, UVM_LOAN_TOANON);
	CHECK(m);
	assert_int_equal(pg->loan_count, 0);
	assert_int_equal(pg->uanon->an_ref, 1);
#else
	assert_int_equal(uvm_loan(map, VA, ps, pgs, UVM_LOAN_TOPAGE), EINVAL);
	CHECK(m);
	assert_int_equal(uvm_loan(map, VA, ps, anons, UVM_LOAN_TOANON), EINVAL);
	CHECK(m);
	assert_int_equal(pg->loan_count, 0);
	assert_int_equal(pg->uanon->an_ref, 1);
	assert_true(prot_at(VA) & VM_PROT_WRITE);	/* untouched */
#endif

	f = map_file(VB, 1, 0, 130);
	assert_int_equal(uvm_map_pageable(map, VB, VB + ps, FALSE, 0), 0);
	CHECK(m);
#ifdef TU_KERNEL_LOAN
	/* D8 shown: the wired object page is lent, to the kernel and to
	 * an anon. */
	assert_int_equal(uvm_loan(map, VB, ps, pgs, UVM_LOAN_TOPAGE), 0);
	tu_expect_problem(m, "loan.wired", "wire_count", __LINE__);
	assert_ptr_equal(pgs[0], mapped(VB));
	assert_int_equal(pgs[0]->loan_count, 1);
	uvm_unloan(pgs, 1, UVM_LOAN_TOPAGE);
	assert_int_equal(uvm_loan(map, VB, ps, anons, UVM_LOAN_TOANON), 0);
	tu_expect_problem(m, "loan.wired", "wire_count", __LINE__);
	assert_ptr_equal(anons[0]->u.an_page, mapped(VB));
	uvm_unloan(anons, 1, UVM_LOAN_TOANON);
#else
	assert_int_equal(uvm_loan(map, VB, ps, pgs, UVM_LOAN_TOPAGE), EINVAL);
	CHECK(m);
	assert_int_equal(uvm_loan(map, VB, ps, anons, UVM_LOAN_TOANON), EINVAL);
#endif
	CHECK(m);
	assert_int_equal(mapped(VB)->loan_count, 0);
	assert_null(mapped(VB)->uanon);

	/* Unwired, they lend. */
	assert_int_equal(uvm_map_pageable(map, VA, VA + ps, TRUE, 0), 0);
	assert_int_equal(uvm_map_pageable(map, VB, VB + ps, TRUE, 0), 0);
	CHECK(m);
	assert_int_equal(uvm_loan(map, VA, ps, pgs, UVM_LOAN_TOPAGE), 0);
	assert_int_equal(uvm_loan(map, VB, ps, pgs + 1, UVM_LOAN_TOPAGE), 0);
	CHECK(m);
	assert_true(frame_has(pgs[0], 0xf00));
	assert_true(file_frame(pgs[1], 130, 0));
	uvm_unloan(pgs, 2, UVM_LOAN_TOPAGE);
	CHECK(m);
	uvm_unmap(map, VA, VA + ps);
	uvm_unmap(map, VB, VB + ps);
	f->pgops->pgo_detach(f);
	CHECK(m);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_io_released),
		T(test_io_slot_filled),
		T(test_io_map_changed),
		T(test_shared_anon_untouched),
		T(test_own_object_borrowed),
		T(test_wired),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
