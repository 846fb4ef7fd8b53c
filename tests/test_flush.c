/*
 * test_flush.c: flushing an object's pages (pgo_put with PGO_FREE) while
 * processes map them, and while they are lent to the kernel or to anons.
 *
 * Two processes, p and q, map the same object and reach it through the
 * MMU (uvmsim_load, uvmsim_store, uvmsim_copyin, uvmsim_copyout).  A
 * flush takes every managed mapping of a page away before it frees the
 * page or, for a lent page, lets go of it (the page stays with its
 * borrowers, an orphan): afterwards no process maps a freed page or an
 * orphan, and each one that touches the range faults the object's
 * current page in, so both read the same data.  The kernel's own mapping
 * of a lent page (pmap_kenter_pa) is unmanaged and stays: the kernel
 * still reads what it borrowed.  The checker runs after every step.
 *
 * Built against NetBSD's uvm_loan.c too (kernloan.flush): the loans are
 * the kernel file's there, the flush the library's.
 */
#include "testutil.h"

#include <stdlib.h>

#define VA	0x400000UL	/* p's view of the object */
#define VB	0x800000UL	/* q's view */
#define KOFF	0x200000UL	/* kernel address: kernel_min + KOFF */

static struct uvmsim_machine *m;
static struct proc *p, *q;
static size_t ps;

static int
setup(void **state)
{
	(void)state;
	m = tu_proc_setup(256, &p, NULL, &ps);
	assert_int_equal(uvmsim_proc_create(m, &q), 0);
	CHECK(m);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	uvmsim_proc_exit(m, q);
	tu_proc_teardown(m, p, TU_ANONS_FREE);
	return 0;
}

/* ---- objects and mappings --------------------------------------------- */

/* Byte j of page i of a file made with seed. */
static uint8_t
fbyte(uint32_t seed, int i, size_t j)
{
	return (uint8_t)(seed + i * 13 + j * 5 + (j >> 8));
}

/* A file of npages pages of fbyte(seed, ...); the caller's reference. */
static struct uvm_object *
make_file(int npages, uint8_t seed)
{
	struct uvm_object *f;

	f = tu_file_pattern(m, npages, ps, fbyte, seed);
	CHECK(m);
	return f;
}

/* Map npages of uobj shared and writable at va in who (a reference of
 * the mapping's own). */
static void
map_shared(struct proc *who, vaddr_t va, struct uvm_object *uobj,
    int npages)
{
	uobj->pgops->pgo_reference(uobj);
	tu_map_object(m, &who->p_vmspace->vm_map, va, uobj, npages,
	    UVM_INH_SHARE, UVM_ADV_NORMAL, 0);
}

static void
unmap(struct proc *who, vaddr_t va, int npages)
{
	uvm_unmap(&who->p_vmspace->vm_map, va, va + (vsize_t)npages * ps);
	CHECK(m);
}

/* pgo_put of pages [first, first + n) of uobj, as a pager's caller
 * makes it (the object locked, unlocked on return). */
static void
flush(struct uvm_object *uobj, int first, int n, int flags)
{
	assert_int_equal(tu_pgo_put(uobj, (voff_t)first * (voff_t)ps,
	    (voff_t)(first + n) * (voff_t)ps, flags), 0);
	CHECK(m);
}

/* ---- what the processes and the kernel see ---------------------------- */

static uint64_t
get(struct proc *who, vaddr_t va)
{
	uint64_t v = 0;

	assert_int_equal(uvmsim_load(m, 0, who->p_vmspace, va, 8, &v), 0);
	CHECK(m);
	return v;
}

static void
put(struct proc *who, vaddr_t va, uint64_t v)
{
	assert_int_equal(uvmsim_store(m, 0, who->p_vmspace, va, 8, v), 0);
	CHECK(m);
}

static uint64_t
kernel_get(vaddr_t kva)
{
	uint64_t v = 0;

	assert_int_equal(uvmsim_load(m, 0, NULL, kva, 8, &v), 0);
	CHECK(m);
	return v;
}

/* The page who maps at va, or NULL (no fault, no accessed bit). */
static struct vm_page *
mapped(struct proc *who, vaddr_t va)
{
	vm_prot_t prot;
	paddr_t pa;

	if (uvmsim_translate(m, who->p_vmspace, va, &pa, &prot) != 0)
		return NULL;
	return PHYS_TO_VM_PAGE(pa);
}

/* The first word of a frame's file contents (fbyte, little-endian). */
static uint64_t
fword(uint8_t seed, int i)
{
	uint8_t b[8];
	uint64_t v;
	size_t j;

	for (j = 0; j < 8; j++)
		b[j] = fbyte(seed, i, j);
	memcpy(&v, b, sizeof(v));
	return v;
}

/* The first word of page i of the file's store. */
static uint64_t
store_word(struct uvm_object *f, int i)
{
	uint64_t v = 0;

	assert_int_equal(uvmsim_file_read(m, f, (size_t)i * ps, &v,
	    sizeof(v)), 0);
	return v;
}

/* Whether who's whole page at va holds page i of a file made with seed
 * (copied out of the process through the MMU). */
static int
reads_file_page(struct proc *who, vaddr_t va, uint8_t seed, int i)
{
	uint8_t *buf = malloc(ps);
	size_t j;
	int same = 1;

	assert_non_null(buf);
	assert_int_equal(uvmsim_copyin(m, 0, who->p_vmspace, va, buf, ps), 0);
	for (j = 0; j < ps && same; j++)
		same = buf[j] == fbyte(seed, i, j);
	free(buf);
	CHECK(m);
	return same;
}

/* ---- the tests -------------------------------------------------------- */

/*
 * A file page written through p's shared mapping and flushed without
 * cleaning: its frame goes back to the free list with no mapping left
 * (the checker would report pmap.pte and pmap.pv), and p reads the store
 * again, its write discarded.  Then a write flushed with PGO_CLEANIT:
 * what the mapping wrote reaches the store before the page goes.
 *
 *	before:   p VA+0 -> pg0 (written)   p VA+1 -> pg1
 *	after:    p VA+0, VA+1 unmapped     pg0, pg1 free
 */
static void
test_free_mapped_file(void **state)
{
	struct uvm_object *f = make_file(2, 10);
	struct vm_page *pg0, *pg1;
	uint64_t v = 0x1111;

	(void)state;
	map_shared(p, VA, f, 2);
	put(p, VA, 0xf00d);
	assert_int_equal(get(p, VA + ps), fword(10, 1));
	pg0 = mapped(p, VA);
	pg1 = mapped(p, VA + ps);
	assert_non_null(pg0);
	assert_non_null(pg1);
	assert_ptr_equal(pg0->uobject, f);

	flush(f, 0, 2, PGO_FREE);
	assert_null(mapped(p, VA));
	assert_null(mapped(p, VA + ps));
	assert_true(pg0->pqflags & PQ_FREE);
	assert_true(pg1->pqflags & PQ_FREE);
	assert_int_equal(store_word(f, 0), fword(10, 0));
	assert_true(reads_file_page(p, VA, 10, 0));	/* the write is lost */
	assert_true(reads_file_page(p, VA + ps, 10, 1));

	/* Written again, through copyout, and flushed with cleaning. */
	assert_int_equal(uvmsim_copyout(m, 0, p->p_vmspace, &v, VA + ps,
	    sizeof(v)), 0);
	CHECK(m);
	pg1 = mapped(p, VA + ps);
	flush(f, 0, 2, PGO_CLEANIT | PGO_FREE);
	assert_null(mapped(p, VA + ps));
	assert_true(pg1->pqflags & PQ_FREE);
	assert_int_equal(store_word(f, 1), 0x1111);
	assert_int_equal(get(p, VA + ps), 0x1111);

	unmap(p, VA, 2);
	f->pgops->pgo_detach(f);
	CHECK(m);
}

/*
 * Shared anonymous memory (an aobj) mapped by two processes: a flush
 * throws the page away in both; each reads zeros, and a write by one
 * is seen by the other, through the one new page.
 */
static void
test_free_mapped_aobj(void **state)
{
	struct uvm_object *ao = uao_create(2 * ps, 0);
	struct vm_page *pg;

	(void)state;
	assert_non_null(ao);
	map_shared(p, VA, ao, 2);
	map_shared(q, VB, ao, 2);
	put(p, VA + ps, 0xabc);
	assert_int_equal(get(q, VB + ps), 0xabc);
	pg = mapped(p, VA + ps);
	assert_ptr_equal(mapped(q, VB + ps), pg);

	flush(ao, 0, 2, PGO_FREE);
	assert_null(mapped(p, VA + ps));
	assert_null(mapped(q, VB + ps));
	assert_true(pg->pqflags & PQ_FREE);
	assert_int_equal(ao->uo_npages, 0);
	assert_int_equal(get(p, VA + ps), 0);
	assert_int_equal(get(q, VB + ps), 0);
	put(q, VB + ps, 0xdef);
	assert_int_equal(get(p, VA + ps), 0xdef);
	assert_ptr_equal(mapped(p, VA + ps), mapped(q, VB + ps));

	unmap(q, VB, 2);
	unmap(p, VA, 2);
	uao_detach(ao);
	CHECK(m);
}

/*
 * PGO_DEACTIVATE with PGO_FREE, as 1.6's putpages takes them: a page
 * not yet inactive is deactivated and kept, its mappings gone all the
 * same (the next access maps the same page again); a page already
 * inactive is freed.
 */
static void
test_deactivate_and_free(void **state)
{
	struct uvm_object *f = make_file(1, 20);
	struct vm_page *pg;

	(void)state;
	map_shared(p, VA, f, 1);
	put(p, VA, 0x77);
	pg = mapped(p, VA);
	assert_non_null(pg);
	assert_true(pg->pqflags & PQ_ACTIVE);

	flush(f, 0, 1, PGO_CLEANIT | PGO_FREE | PGO_DEACTIVATE);
	assert_null(mapped(p, VA));
	assert_ptr_equal(pg->uobject, f);
	assert_true(pg->pqflags & PQ_INACTIVE);
	assert_true(pg->flags & PG_CLEAN);
	assert_int_equal(store_word(f, 0), 0x77);
	assert_int_equal(get(p, VA), 0x77);
	assert_ptr_equal(mapped(p, VA), pg);
	assert_true(pg->pqflags & PQ_ACTIVE);

	/* Inactive already: freed. */
	tu_deactivate(pg);
	CHECK(m);
	flush(f, 0, 1, PGO_FREE | PGO_DEACTIVATE);
	assert_null(mapped(p, VA));
	assert_true(pg->pqflags & PQ_FREE);
	assert_int_equal(f->uo_npages, 0);
	assert_int_equal(get(p, VA), 0x77);

	unmap(p, VA, 1);
	f->pgops->pgo_detach(f);
	CHECK(m);
}

/* Hook: during a fault's I/O, the file is flushed (once). */
static void
flush_hook(struct uvmsim_machine *mm, const char *point, void *arg)
{
	struct uvm_object *f = arg;

	(void)point;
	if (uvmsim_hook_runs(mm, "pgo_get") > 1)
		return;
	simple_lock(&f->vmobjlock);
	assert_int_equal(f->pgops->pgo_put(f, 0, 0, PGO_ALLPAGES | PGO_FREE),
	    0);
}

/*
 * A flush meets a page busy in another fault's I/O: the page is marked
 * released for that fault to free, and loses its mappings now, so q,
 * which mapped it, maps no freed frame once the fault has freed it.
 *
 *	q VB -> pg; p faults at VA: the locked get says "needs I/O", the
 *	get with I/O busies pg, the flush (hook) releases it, the fault
 *	frees it and starts over with a new page.
 */
static void
test_free_busy_mapped(void **state)
{
	struct uvm_object *f = make_file(1, 50);

	(void)state;
	map_shared(q, VB, f, 1);
	map_shared(p, VA, f, 1);
	assert_int_equal(get(q, VB), fword(50, 0));
	assert_non_null(mapped(q, VB));

	assert_int_equal(uvmsim_failpoint_set(m, "pgo_get.io", 1, 1), 0);
	assert_int_equal(uvmsim_hook_set(m, "pgo_get", flush_hook, f), 0);
	assert_int_equal(get(p, VA), fword(50, 0));
	assert_int_equal(uvmsim_hook_runs(m, "pgo_get"), 2);
	assert_int_equal(uvmsim_hook_set(m, "pgo_get", NULL, NULL), 0);
	/* (pg's frame was freed and may serve the new page: the next
	 * allocation takes the frame freed last.) */
	assert_null(mapped(q, VB));
	assert_ptr_equal(mapped(p, VA)->uobject, f);
	assert_int_equal(uvmsim_failpoint_fired(m, "pgo_get.io"), 1);

	put(q, VB, 0x600d);
	assert_int_equal(get(p, VA), 0x600d);
	assert_ptr_equal(mapped(p, VA), mapped(q, VB));
	unmap(p, VA, 1);
	unmap(q, VB, 1);
	f->pgops->pgo_detach(f);
	CHECK(m);
}

/*
 * A file page lent to the kernel, which maps it (pmap_kenter_pa), is
 * flushed.  The file lets go of it: an orphan the kernel still holds,
 * mapped by the kernel alone.  p no longer maps it; q maps the file and
 * writes it, and p reads q's write from the file's new page, while the
 * kernel still reads the old contents.
 *
 *	before:  f -> pg <- p VA (read-only, lent), kernel kva
 *	after:   f -> npg <- p VA, q VB           pg <- kernel kva (orphan)
 */
static void
test_free_lent_to_kernel(void **state)
{
	struct uvm_object *f = make_file(2, 30);
	vaddr_t kva = uvmsim_vmparam(m)->kernel_min + KOFF;
	struct vm_page *pgs[1], *pg, *npg;
	vm_prot_t prot;
	paddr_t pa;

	(void)state;
	map_shared(p, VA, f, 2);
	assert_int_equal(get(p, VA), fword(30, 0));
	assert_int_equal(uvm_loan(&p->p_vmspace->vm_map, VA, ps, pgs,
	    UVM_LOAN_TOPAGE), 0);
	CHECK(m);
	pg = pgs[0];
	assert_ptr_equal(pg->uobject, f);
	assert_int_equal(pg->loan_count, 1);
	pmap_kenter_pa(kva, VM_PAGE_TO_PHYS(pg), VM_PROT_READ);
	pmap_update(pmap_kernel());
	CHECK(m);
	assert_ptr_equal(mapped(p, VA), pg);
	assert_int_equal(kernel_get(kva), fword(30, 0));

	flush(f, 0, 2, PGO_FREE);
	assert_null(pg->uobject);
	assert_null(pg->uanon);
	assert_int_equal(pg->loan_count, 1);
	assert_false(pg->pqflags & (PQ_FREE | PQ_ACTIVE | PQ_INACTIVE));
	assert_null(mapped(p, VA));			/* managed: gone */
	assert_int_equal(uvmsim_translate(m, NULL, kva, &pa, &prot), 0);
	assert_int_equal(pa, VM_PAGE_TO_PHYS(pg));	/* unmanaged: stays */
	assert_int_equal(kernel_get(kva), fword(30, 0));

	/* q maps the file and writes it; p reads the write. */
	map_shared(q, VB, f, 2);
	put(q, VB, 0x5eed);
	npg = mapped(q, VB);
	assert_ptr_equal(npg->uobject, f);
	assert_ptr_not_equal(npg, pg);
	assert_int_equal(get(p, VA), 0x5eed);
	assert_ptr_equal(mapped(p, VA), npg);
	assert_true(reads_file_page(p, VA + ps, 30, 1));
	/* The kernel still reads what it borrowed. */
	assert_int_equal(kernel_get(kva), fword(30, 0));
	assert_int_equal(tu_word(m, pg, 0), fword(30, 0));

	pmap_kremove(kva, ps);
	pmap_update(pmap_kernel());
	CHECK(m);
	uvm_unloan(pgs, 1, UVM_LOAN_TOPAGE);
	CHECK(m);
	assert_true(pg->pqflags & PQ_FREE);
	unmap(q, VB, 2);
	unmap(p, VA, 2);
	f->pgops->pgo_detach(f);
	CHECK(m);
}

/*
 * Shared anonymous memory lent to the kernel, flushed: the orphan keeps
 * the data the kernel borrowed, both processes read zeros, then see each
 * other's writes.
 */
static void
test_free_aobj_lent_to_kernel(void **state)
{
	struct uvm_object *ao = uao_create(ps, 0);
	struct vm_page *pgs[1], *pg;

	(void)state;
	assert_non_null(ao);
	map_shared(p, VA, ao, 1);
	map_shared(q, VB, ao, 1);
	put(p, VA, 0x99);
	assert_int_equal(get(q, VB), 0x99);
	assert_int_equal(uvm_loan(&q->p_vmspace->vm_map, VB, ps, pgs,
	    UVM_LOAN_TOPAGE), 0);
	CHECK(m);
	pg = pgs[0];
	assert_ptr_equal(pg->uobject, ao);

	flush(ao, 0, 1, PGO_FREE);
	assert_null(pg->uobject);
	assert_int_equal(pg->loan_count, 1);
	assert_null(mapped(p, VA));
	assert_null(mapped(q, VB));
	assert_int_equal(get(p, VA), 0);
	put(q, VB, 0x1234);
	assert_int_equal(get(p, VA), 0x1234);
	assert_int_equal(tu_word(m, pg, 0), 0x99);

	uvm_unloan(pgs, 1, UVM_LOAN_TOPAGE);
	CHECK(m);
	assert_true(pg->pqflags & PQ_FREE);
	unmap(q, VB, 1);
	unmap(p, VA, 1);
	uao_detach(ao);
	CHECK(m);
}

/*
 * A file page lent to an anon (object to anon, 1.39), flushed: the
 * anon keeps the page, an orphan it borrows, with the contents it
 * borrowed; p, which mapped the file's page, now maps and reads the
 * file's new one, as q does after writing it.
 *
 *	before:  f -> pg <- anon (borrowed)    p VA -> pg (read-only)
 *	after:   f -> npg <- p VA, q VB         pg <- anon (orphan)
 */
static void
test_free_lent_to_anon(void **state)
{
	struct uvm_object *f = make_file(1, 40);
	struct vm_anon *anons[1];
	struct vm_page *pg;

	(void)state;
	if (tu_modern()) {
		print_message("modern: no object-to-anon loans\n");
		skip();
	}
	map_shared(p, VA, f, 1);
	assert_int_equal(get(p, VA), fword(40, 0));
	assert_int_equal(uvm_loan(&p->p_vmspace->vm_map, VA, ps, anons,
	    UVM_LOAN_TOANON), 0);
	CHECK(m);
	pg = anons[0]->u.an_page;
	assert_ptr_equal(pg->uobject, f);
	assert_ptr_equal(pg->uanon, anons[0]);
	assert_ptr_equal(mapped(p, VA), pg);

	flush(f, 0, 1, PGO_FREE);
	assert_null(pg->uobject);
	assert_ptr_equal(pg->uanon, anons[0]);
	assert_ptr_equal(anons[0]->u.an_page, pg);
	assert_int_equal(pg->loan_count, 1);
	assert_null(mapped(p, VA));

	map_shared(q, VB, f, 1);
	put(q, VB, 0xcafe);
	assert_int_equal(get(p, VA), 0xcafe);
	assert_ptr_equal(mapped(p, VA), mapped(q, VB));
	assert_ptr_not_equal(mapped(p, VA), pg);
	assert_int_equal(tu_word(m, pg, 0), fword(40, 0));

	uvm_unloan(anons, 1, UVM_LOAN_TOANON);
	CHECK(m);
	assert_true(pg->pqflags & PQ_FREE);
	unmap(q, VB, 1);
	unmap(p, VA, 1);
	f->pgops->pgo_detach(f);
	CHECK(m);
}


int
main(void)
{
	const struct CMUnitTest tests[] = {
		TU_TEST(test_free_mapped_file),
		TU_TEST(test_free_mapped_aobj),
		TU_TEST(test_deactivate_and_free),
		TU_TEST(test_free_busy_mapped),
		TU_TEST(test_free_lent_to_kernel),
		TU_TEST(test_free_aobj_lent_to_kernel),
		TU_TEST(test_free_lent_to_anon),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
