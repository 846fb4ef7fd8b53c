/*
 * test_loan_panic.c: the panics that guard page loanout (uvm_loan.c).
 *
 *   - A page lent to the kernel is lent read-only: the kernel maps it
 *     read-only (pmap_kenter_pa with VM_PROT_READ), reads it through the
 *     MMU, and a kernel write to it faults.  uvm_fault on the kernel map
 *     cannot resolve that fault (no entry there, or a read-only one), so
 *     the trap is fatal: "kernel page fault", with the page's bytes, which
 *     the owner still sees, unchanged.
 *   - Returning more loans than were made trips the KASSERT on
 *     loan_count in uvm_unloanpage, before anything changes: a page whose
 *     loans are all back (owned, on the active queue, or already freed)
 *     stays as it was.
 *   - Returning a loan with the flag of the other kind (pages as anons,
 *     anons as pages) panics in uvm_unloan, naming the flag and the
 *     entry, before anything is touched.
 *
 * One process per test, whose anonymous memory is written through the MMU
 * (uvmsim_store) and lent with uvm_loan.  A caught panic releases the
 * locks taken inside it (UVMSIM_CATCH); each test then puts right what the
 * panicking code left, checks, and gives everything back.
 */
#include "testutil.h"

#include <errno.h>
#include <stdio.h>

#define VA	0x400000UL	/* the region lent */
#define KOFF	0x200000UL	/* kernel address: kernel_min + KOFF */
#define TAG	0x10a4ed0000ULL	/* first word of the page lent */

static struct uvmsim_machine *m;
static struct proc *p;
static struct vm_map *map;
static size_t ps;

static int
setup(void **state)
{
	(void)state;
	m = tu_proc_setup(256, &p, &map, &ps);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	tu_proc_teardown(m, p, TU_ANONS_FREE);
	return 0;
}

/* npages of private anonymous memory at VA, page i written with TAG + i
 * in its first word and ~(TAG + i) in its last. */
static void
map_written(int npages)
{
	int i;

	tu_map_anon(m, map, VA, npages, VM_PROT_READ | VM_PROT_WRITE,
	    UVM_INH_COPY, UVM_ADV_NORMAL, 0);
	for (i = 0; i < npages; i++) {
		assert_int_equal(uvmsim_store(m, 0, p->p_vmspace,
		    VA + (vaddr_t)i * ps, 8, TAG + (uint64_t)i), 0);
		assert_int_equal(uvmsim_store(m, 0, p->p_vmspace,
		    VA + (vaddr_t)i * ps + ps - 8, 8, ~(TAG + (uint64_t)i)), 0);
	}
	CHECK(m);
}

/* What the owner reads at va. */
static uint64_t
owner_get(vaddr_t va)
{
	uint64_t v = 0;

	assert_int_equal(uvmsim_load(m, 0, p->p_vmspace, va, 8, &v), 0);
	return v;
}

/* What the kernel reads at kva (kernel mode: no vmspace). */
static uint64_t
kernel_get(vaddr_t kva)
{
	uint64_t v = 0;

	assert_int_equal(uvmsim_load(m, 0, NULL, kva, 8, &v), 0);
	return v;
}

/* Whether the kernel map has an entry at kva. */
static boolean_t
kernel_entry_at(vaddr_t kva)
{
	struct vm_map *kmap = uvm_kernel_map();
	struct vm_map_entry *entry;
	boolean_t found;

	vm_map_lock_read(kmap);
	found = uvm_map_lookup_entry(kmap, kva, &entry);
	vm_map_unlock_read(kmap);
	return found;
}

/*
 * kernel_write_faults: with page 0 of the region lent to the kernel and
 * mapped read-only at kva, a kernel read sees the data and a kernel write
 * panics, saying why uvm_fault could not help (why), and changes nothing.
 */
static void
kernel_write_faults(vaddr_t kva, const char *why)
{
	struct vm_page *pgs[1], *pg;
	struct uvmsim_segv sg;
	uint8_t *before;
	char text[128];

	assert_int_equal(uvm_loan(map, VA, ps, pgs, UVM_LOAN_TOPAGE), 0);
	pg = pgs[0];
	CHECK(m);
	assert_int_equal(pg->loan_count, 1);
	before = test_malloc(ps);
	memcpy(before, uvmsim_page_data(m, pg), ps);

	/*
	 *	VA  (owner):   anon -> pg   read-only since the loan
	 *	kva (kernel):  pg, read-only, unmanaged
	 */
	pmap_kenter_pa(kva, VM_PAGE_TO_PHYS(pg), VM_PROT_READ);
	pmap_update(pmap_kernel());
	CHECK(m);
	assert_int_equal(kernel_get(kva), TAG);
	assert_int_equal(kernel_get(kva + ps - 8), ~TAG);

	snprintf(text, sizeof(text), "kernel page fault: va %#lx, write "
	    "access: %s", (unsigned long)kva, why);
	EXPECT_PANIC(m, uvmsim_store(m, 0, NULL, kva, 8, 0xbad), text);
	EXPECT_PANIC(m, uvmsim_store(m, 0, NULL, kva + ps - 1, 1, 0xba),
	    "kernel page fault");
	uvmsim_last_segv(m, &sg);
	assert_int_equal(sg.addr, kva + ps - 1);
	assert_int_equal(sg.access, VM_PROT_WRITE);
	CHECK(m);

	/* Nobody's view of the page changed, and it is still lent. */
	assert_memory_equal(uvmsim_page_data(m, pg), before, ps);
	assert_int_equal(kernel_get(kva), TAG);
	assert_int_equal(owner_get(VA), TAG);
	assert_int_equal(pg->loan_count, 1);
	test_free(before);

	/* The kernel is done with it. */
	pmap_kremove(kva, ps);
	pmap_update(pmap_kernel());
	CHECK(m);
	uvm_unloan(pgs, 1, UVM_LOAN_TOPAGE);
	CHECK(m);
	assert_int_equal(pg->loan_count, 0);
	assert_true(pg->pqflags & PQ_ACTIVE);
	/* The owner writes in place again. */
	assert_int_equal(uvmsim_store(m, 0, p->p_vmspace, VA, 8, 1), 0);
	assert_int_equal(*(uint64_t *)uvmsim_page_data(m, pg), 1);
	CHECK(m);
}

/* A kernel write to a lent page mapped where the kernel map has no entry:
 * uvm_fault finds nothing to fault in (EFAULT). */
static void
test_kernel_write_no_entry(void **state)
{
	vaddr_t kva = uvmsim_vmparam(m)->kernel_min + KOFF;

	(void)state;
	map_written(1);
	assert_false(kernel_entry_at(kva));
	kernel_write_faults(kva, uvmsim_strerror(EFAULT));
	uvm_unmap(map, VA, VA + ps);
	CHECK(m);
}

/* The same in a read-only entry of the kernel map: the write is refused
 * (EACCES). */
static void
test_kernel_write_ro_entry(void **state)
{
	struct vm_map *kmap = uvm_kernel_map();
	vaddr_t kva = vm_map_min(kmap);

	(void)state;
	map_written(1);
	assert_int_equal(uvm_map(kmap, &kva, ps, NULL, UVM_UNKNOWN_OFFSET, 0,
	    UVM_MAPFLAG(VM_PROT_READ, VM_PROT_READ, UVM_INH_NONE,
	    UVM_ADV_RANDOM, 0)), 0);
	CHECK(m);
	assert_true(kernel_entry_at(kva));
	kernel_write_faults(kva, uvmsim_strerror(EACCES));
	uvm_unmap(kmap, kva, kva + ps);
	uvm_unmap(map, VA, VA + ps);
	CHECK(m);
}

/*
 * One loan, two returns: the second trips the KASSERT on loan_count with
 * the page queues and the owner (the anon) locked, and changes nothing.
 */
static void
test_unloan_twice(void **state)
{
	struct vm_page *pgs[1], *pg;
	struct uvmexp *ux = uvmsim_uvmexp(m);
	int active;

	(void)state;
	map_written(1);
	assert_int_equal(uvm_loan(map, VA, ps, pgs, UVM_LOAN_TOPAGE), 0);
	pg = pgs[0];
	uvm_unloan(pgs, 1, UVM_LOAN_TOPAGE);
	CHECK(m);
	assert_int_equal(pg->loan_count, 0);
	assert_true(pg->pqflags & PQ_ACTIVE);
	active = ux->active;

	EXPECT_PANIC(m, uvm_unloan(pgs, 1, UVM_LOAN_TOPAGE),
	    "\"pg->loan_count > 0\" failed");
	/* The catch released the page queues and the anon. */
	assert_false(simple_lock_held(&pg->uanon->an_lock));
	CHECK(m);
	assert_int_equal(pg->loan_count, 0);
	assert_true(pg->pqflags & PQ_ACTIVE);
	assert_true(tu_anon_owned(pg));
	assert_int_equal(ux->active, active);
	assert_int_equal(owner_get(VA), TAG);

	/* The page lends and comes back as before. */
	assert_int_equal(uvm_loan(map, VA, ps, pgs, UVM_LOAN_TOPAGE), 0);
	assert_ptr_equal(pgs[0], pg);
	assert_int_equal(pg->loan_count, 1);
	CHECK(m);
	uvm_unloan(pgs, 1, UVM_LOAN_TOPAGE);
	CHECK(m);
	uvm_unmap(map, VA, VA + ps);
	CHECK(m);
}

/*
 * Two returns of a two-page loan, when the first return freed page 0:
 * the owner's write had left it to the kernel alone (an orphan).  The
 * second return stops at page 0, a free page, before it could free it
 * again, and does not reach page 1, which another loan still holds.
 *
 *	loans:        anon0 -> pg0 <- pgs[0]    anon1 -> pg1 <- pgs[1], more[0]
 *	owner writes: anon0 -> copy   pg0 <- pgs[0] (orphan)
 *	unloan pgs:   pg0 free        pg1 <- more[0]
 */
static void
test_unloan_twice_freed(void **state)
{
	struct vm_page *pgs[2], *more[1], *pg0, *pg1;
	struct uvmexp *ux = uvmsim_uvmexp(m);
	int free0;

	(void)state;
	map_written(2);
	assert_int_equal(uvm_loan(map, VA, 2 * ps, pgs, UVM_LOAN_TOPAGE), 0);
	assert_int_equal(uvm_loan(map, VA + ps, ps, more, UVM_LOAN_TOPAGE), 0);
	pg0 = pgs[0];
	pg1 = pgs[1];
	assert_ptr_equal(more[0], pg1);
	assert_int_equal(uvmsim_store(m, 0, p->p_vmspace, VA, 8, 5), 0);
	CHECK(m);
	assert_null(pg0->uanon);
	uvm_unloan(pgs, 2, UVM_LOAN_TOPAGE);
	CHECK(m);
	assert_true(pg0->pqflags & PQ_FREE);
	assert_int_equal(pg1->loan_count, 1);
	free0 = ux->free;

	EXPECT_PANIC(m, uvm_unloan(pgs, 2, UVM_LOAN_TOPAGE),
	    "\"pg->loan_count > 0\" failed");
	CHECK(m);
	assert_true(pg0->pqflags & PQ_FREE);
	assert_int_equal(pg0->loan_count, 0);
	assert_int_equal(ux->free, free0);
	assert_int_equal(pg1->loan_count, 1);	/* not reached */
	/* (lent: off the queues in 1.39, active in the modern behaviour) */
	assert_int_equal((pg1->pqflags & PQ_ACTIVE) != 0, tu_modern());

	uvm_unloan(more, 1, UVM_LOAN_TOPAGE);
	CHECK(m);
	assert_int_equal(pg1->loan_count, 0);
	assert_true(pg1->pqflags & PQ_ACTIVE);
	assert_int_equal(owner_get(VA), 5);
	assert_int_equal(owner_get(VA + ps), TAG + 1);
	uvm_unmap(map, VA, VA + 2 * ps);
	CHECK(m);
}

/*
 * uvm_unloan with the flag of the other kind of loan: the pages of a
 * kernel loan returned as anons, the anons of an anon loan returned as
 * pages.  Each panics, saying which flag met which entry, before
 * anything changes; the right flags then return both loans.
 *
 *	VA: anon -> pg <- kernel (pgs[0]); anon <- borrower (anons[0])
 */
static void
test_unloan_wrong_flag(void **state)
{
	struct vm_page *pgs[1], *pg;
	struct vm_anon *anons[1], *a;

	(void)state;
	map_written(1);
	assert_int_equal(uvm_loan(map, VA, ps, pgs, UVM_LOAN_TOPAGE), 0);
	assert_int_equal(uvm_loan(map, VA, ps, anons, UVM_LOAN_TOANON), 0);
	CHECK(m);
	pg = pgs[0];
	a = anons[0];
	assert_ptr_equal(a->u.an_page, pg);

#ifdef TU_KERNEL_LOAN
	/* 1.39 takes the page for an anon: the page's queue link, read as
	 * the anon's lock word, looks held by some CPU. */
	EXPECT_PANIC(m, uvm_unloan(pgs, 1, UVM_LOAN_TOANON),
	    "simple_lock: deadlock");
#else
	EXPECT_PANIC(m, uvm_unloan(pgs, 1, UVM_LOAN_TOANON),
	    "uvm_unloan: UVM_LOAN_TOANON, but entry 0 is page");
	EXPECT_PANIC(m, uvm_unloan(pgs, 1, UVM_LOAN_TOANON),
	    "come back with UVM_LOAN_TOPAGE");
	/* (1.39 would read the anon as a page: not run against it.) */
	EXPECT_PANIC(m, uvm_unloan(anons, 1, UVM_LOAN_TOPAGE),
	    "uvm_unloan: UVM_LOAN_TOPAGE, but entry 0 is anon");
	EXPECT_PANIC(m, uvm_unloan(anons, 1, UVM_LOAN_TOPAGE),
	    "come back with UVM_LOAN_TOANON");
#endif
	CHECK(m);
	assert_int_equal(pg->loan_count, 1);
	assert_int_equal(a->an_ref, 2);
	assert_ptr_equal(a->u.an_page, pg);
	assert_true(tu_anon_owned(pg));
	assert_int_equal(owner_get(VA), TAG);

	uvm_unloan(pgs, 1, UVM_LOAN_TOPAGE);
	CHECK(m);
	uvm_unloan(anons, 1, UVM_LOAN_TOANON);
	CHECK(m);
	assert_int_equal(pg->loan_count, 0);
	assert_int_equal(a->an_ref, 1);
	assert_true(pg->pqflags & PQ_ACTIVE);
	assert_int_equal(*(uint64_t *)uvmsim_page_data(m, pg), TAG);
	uvm_unmap(map, VA, VA + ps);
	CHECK(m);
}

#define T(fn)	TU_TEST(fn)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_kernel_write_no_entry),
		T(test_kernel_write_ro_entry),
		T(test_unloan_twice),
		T(test_unloan_twice_freed),
		T(test_unloan_wrong_flag),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
