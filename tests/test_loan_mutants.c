/*
 * test_loan_mutants.c: loan paths that the other loan suites reach without
 * looking at what a fault there would change: each test here is the one
 * that tells a mutant of tests/mutation/mutants.txt (scripts/mutate) from
 * the code, and names it (fixtures: testloan.h).
 */
#include "testloan.h"

/*
 * A->K of a page an anon borrowed from another object (loan.lock.8): the
 * anon layer locks the page's object to lend it, and must let it go
 * again; the entry being lent has no object of its own.  The file's next
 * fault takes the object's lock: a lock left held panics there.
 *
 *	VA: file f, private         page 0 -> pg
 *	VB: anonymous, amap         slot 0: A -> pg (borrowed from f)
 */
static void
test_borrowed_anon_to_kernel(void **state)
{
	struct uvm_object *f = map_file(VA, 2, 1, 140);
	struct vm_map_entry *entry;
	struct vm_anon *anons[1], *a;
	struct vm_page *pgs[1], *pg;
	uint64_t v;

	(void)state;
	ONLY_139("the anon borrows a file page (object-to-anon)");
	(void)get(VA);
	assert_int_equal(uvm_loan(map, VA, ps, anons, UVM_LOAN_TOANON), 0);
	a = anons[0];
	pg = a->u.an_page;
	CHECK(m);

	/* The anon goes into slot 0 of an amap at VB, with a reference of
	 * its own (page 1 is written to make the amap). */
	map_anon(VB, 2);
	put(VB + ps, 1);
	vm_map_lock_read(map);
	assert_true(uvm_map_lookup_entry(map, VB, &entry));
	simple_lock(&a->an_lock);
	a->an_ref++;
	simple_unlock(&a->an_lock);
	amap_lock(entry->aref.ar_amap);
	amap_add(&entry->aref, 0, a, FALSE);
	amap_unlock(entry->aref.ar_amap);
	vm_map_unlock_read(map);
	CHECK(m);

	assert_int_equal(uvm_loan(map, VB, ps, pgs, UVM_LOAN_TOPAGE), 0);
	CHECK(m);
	assert_ptr_equal(pgs[0], pg);
	assert_ptr_equal(pg->uobject, f);
	assert_int_equal(pg->loan_count, 2);	/* the anon's, the kernel's */
	assert_true(file_frame(pg, 140, 0));

	/* The file's lock is free: a fault on its page 1 takes it. */
	v = get(VA + ps);
	assert_non_null(mapped(VA + ps));
	assert_int_equal(v, word(mapped(VA + ps), 0));
	assert_true(file_frame(mapped(VA + ps), 140, 1));
	CHECK(m);

	uvm_unloan(pgs, 1, UVM_LOAN_TOPAGE);
	CHECK(m);
	assert_int_equal(pg->loan_count, 1);
	uvm_unloan(anons, 1, UVM_LOAN_TOANON);
	CHECK(m);
	uvm_unmap(map, VB, VB + 2 * ps);
	CHECK(m);
	assert_int_equal(pg->loan_count, 0);
	uvm_unmap(map, VA, VA + 2 * ps);
	f->pgops->pgo_detach(f);
	CHECK(m);
}

/*
 * uvm_unloananon counts an anon's loan back under the anon's lock
 * (loan.lock.24): with that lock held already (here by the caller, on the
 * same CPU), the return panics, "locking against myself", before either
 * count changes; once the lock is free, it goes through.
 *
 *	VA: anon A (an_ref 1: the amap)  <- borrower (an_ref 2, an_loans 1)
 */
static void
test_unloan_anon_takes_its_lock(void **state)
{
	struct vm_anon *anons[1], *a;

	(void)state;
	map_anon(VA, 1);
	fill(VA, 1, 0xc10);
	assert_int_equal(uvm_loan(map, VA, ps, anons, UVM_LOAN_TOANON), 0);
	a = anons[0];
	CHECK(m);
	assert_int_equal(a->an_ref, 2);
	assert_int_equal(a->an_loans, 1);

	simple_lock(&a->an_lock);
	EXPECT_PANIC(m, uvm_unloan(anons, 1, UVM_LOAN_TOANON),
	    "locking against myself");
	assert_int_equal(a->an_ref, 2);		/* nothing changed */
	assert_int_equal(a->an_loans, 1);
	simple_unlock(&a->an_lock);
	CHECK(m);

	uvm_unloan(anons, 1, UVM_LOAN_TOANON);
	CHECK(m);
	assert_int_equal(a->an_ref, 1);
	assert_int_equal(a->an_loans, 0);
	expect(VA, 1, 0xc10);
	uvm_unmap(map, VA, VA + ps);
	CHECK(m);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_borrowed_anon_to_kernel),
		T(test_unloan_anon_takes_its_lock),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
