/*
 * test_check.c: the checker finds each invariant it claims.
 *
 * Each case builds a small, healthy state, corrupts one field the way a
 * bug would, expects the report to name the invariant and the field, then
 * repairs the field and expects a clean report again.  The loan case
 * runs on a machine with a process, whose page it lends.
 */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>

static struct uvmsim_machine *m;
static const struct uvm_pagerops bare_ops = { .pgo_name = "bare" };

static int
setup(void **state)
{
	(void)state;
	m = tu_machine(8);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	tu_destroy(m);
	return 0;
}

#define EXPECT_PROBLEM(inv, field)	tu_expect_problem(m, inv, field, __LINE__)

/* An active page with no owner, unbusied. */
static struct vm_page *
active_page(void)
{
	struct vm_page *pg = uvm_pagealloc(NULL, 0, NULL, 0);

	tu_unbusy(pg);
	tu_activate(pg);
	return pg;
}

static void
test_counters(void **state)
{
	struct uvmexp *ux = uvmsim_uvmexp(m);
	struct vm_page *pg = active_page();

	(void)state;
	CHECK(m);
#define BUMP(f) do {							\
	ux->f++;							\
	EXPECT_PROBLEM("uvmexp." #f, #f);				\
	ux->f--;							\
	CHECK(m);							\
} while (0)
	BUMP(free);
	BUMP(zeropages);
	BUMP(active);
	BUMP(inactive);
	BUMP(wired);
	BUMP(anonpages);
#undef BUMP
	tu_pagefree(pg);
	CHECK(m);
}

static void
test_queue_flags(void **state)
{
	struct vm_page *pg = active_page(), *other;

	(void)state;
	/* On the active queue without PQ_ACTIVE (and marked inactive). */
	pg->pqflags = PQ_INACTIVE;
	EXPECT_PROBLEM("page.queue", "pqflags");
	/* Flagged for two queues. */
	pg->pqflags = PQ_ACTIVE | PQ_INACTIVE;
	EXPECT_PROBLEM("page.queue", "pqflags");
	pg->pqflags = PQ_ACTIVE;
	CHECK(m);

	/* A page flagged active but on no queue. */
	other = uvm_pagealloc(NULL, 0, NULL, 0);
	other->pqflags = PQ_ACTIVE;
	EXPECT_PROBLEM("page.queue", "pqflags");
	other->pqflags = 0;
	CHECK(m);

	tu_pagefree(other);
	tu_pagefree(pg);
	CHECK(m);
}

static void
test_free_pages(void **state)
{
	struct vm_page *pg = uvmsim_page(m, 3);
	struct vm_anon fake;

	(void)state;
	pg->uanon = &fake;
	EXPECT_PROBLEM("page.free_owner", "uanon");
	pg->uanon = NULL;
	pg->loan_count = 1;
	EXPECT_PROBLEM("page.free_owner", "loan_count");
	pg->loan_count = 0;
	pg->flags |= PG_BUSY;
	EXPECT_PROBLEM("page.free_flags", "flags");
	pg->flags &= ~PG_BUSY;
	CHECK(m);
}

static void
test_wired_busy(void **state)
{
	struct vm_page *pg = active_page();

	(void)state;
	pg->wire_count = 1;		/* wired, yet still on the queue */
	uvmsim_uvmexp(m)->wired++;
	EXPECT_PROBLEM("page.wired_queue", "pqflags");
	pg->wire_count = 0;
	uvmsim_uvmexp(m)->wired--;
	CHECK(m);
	pg->flags |= PG_BUSY;		/* busy with no owner tag */
	EXPECT_PROBLEM("page.busy", "owner_tag");
	pg->flags &= ~PG_BUSY;
	CHECK(m);
	tu_pagefree(pg);
}

static void
test_owners(void **state)
{
	struct uvmexp *ux = uvmsim_uvmexp(m);
	static struct uvm_object obj, obj2;
	struct vm_anon *a;
	struct vm_page *pg, *opg;

	(void)state;
	a = uvm_analloc();
	pg = uvm_pagealloc(NULL, 0, a, 0);
	tu_unbusy(pg);
	tu_activate(pg);
	simple_unlock(&a->an_lock);
	CHECK(m);
	/* Owned, not busy, wired or lent, yet on no paging queue. */
	tu_dequeue(pg);
	EXPECT_PROBLEM("page.unqueued", "pqflags");
	tu_activate(pg);
	CHECK(m);

	/* The anon's mark (PQ_ANON, modern PG_ANON) with no anon. */
	pg->uanon = NULL;
	EXPECT_PROBLEM("page.owner", tu_modern() ? "flags" : "pqflags");
	pg->uanon = a;
	/* The anon does not point back. */
	a->u.an_page = NULL;
	EXPECT_PROBLEM("page.owner", "uanon");
	a->u.an_page = pg;
	CHECK(m);

	/* An object page the object does not hold. */
	uvm_obj_init(&obj, &bare_ops, 1);
	uvm_obj_init(&obj2, &bare_ops, 1);
	simple_lock(&obj.vmobjlock);
	opg = uvm_pagealloc(&obj, (voff_t)uvmsim_page_size(m), NULL, 0);
	simple_unlock(&obj.vmobjlock);
	opg->uobject = &obj2;
	EXPECT_PROBLEM("page.owner", "uobject");
	EXPECT_PROBLEM("object.owner", "uobject");
	opg->uobject = &obj;
	opg->flags &= ~PG_TABLED;
	EXPECT_PROBLEM("page.owner", "uobject");
	EXPECT_PROBLEM("object.tabled", "flags");
	opg->flags |= PG_TABLED;
	CHECK(m);

	/* An orphan (loaned, no owner) on a queue. */
	pg->pqflags &= ~PQ_ANON;
	pg->flags &= ~PG_ANON;
	ux->anonpages--;
	a->u.an_page = NULL;
	pg->uanon = NULL;
	pg->loan_count = 1;
	pg->kloan_count = 1;
	tu_activate(pg);
	EXPECT_PROBLEM("page.orphan_queue", "pqflags");
	tu_dequeue(pg);
	CHECK(m);
	/* A loan that the ledger does not know of. */
	pg->kloan_count = 0;
	EXPECT_PROBLEM("loan.count", "loan_count");
	/* A count below the loans the ledger knows of (wrapped). */
	pg->kloan_count = 2;
	EXPECT_PROBLEM("loan.wrap", "loan_count");
	uvm_lock_pageq();
	pg->loan_count = 0;
	uvm_unlock_pageq();
	tu_pagefree(pg);
	CHECK(m);

	/* A loan counted with the page queues locked but not its owner,
	 * then one with neither: each seen at the next lock operation. */
	simple_lock(&obj.vmobjlock);
	uvm_lock_pageq();
	simple_unlock(&obj.vmobjlock);
	opg->loan_count = 1;
	opg->kloan_count = 1;
	uvm_unlock_pageq();
	EXPECT_PROBLEM("loan.lock", "loan_count");
	CHECK(m);			/* reported once */
	opg->loan_count = 0;
	opg->kloan_count = 0;
	EXPECT_PROBLEM("loan.lock", "loan_count");
	CHECK(m);

	simple_lock(&obj.vmobjlock);
	tu_pagefree(opg);
	simple_unlock(&obj.vmobjlock);
	uvm_obj_destroy(&obj);
	uvm_obj_destroy(&obj2);
	a->an_ref = 0;
	uvm_anfree(a);
	CHECK(m);
}

static void
test_objects(void **state)
{
	static struct uvm_object obj;
	struct vm_page *pg, *pg2;

	(void)state;
	uvm_obj_init(&obj, &bare_ops, 1);
	simple_lock(&obj.vmobjlock);
	pg = uvm_pagealloc(&obj, 0, NULL, 0);
	simple_unlock(&obj.vmobjlock);
	CHECK(m);
	obj.uo_npages = 2;
	EXPECT_PROBLEM("object.npages", "uo_npages");
	obj.uo_npages = 1;
	obj.uo_refs = 0;
	EXPECT_PROBLEM("object.refs", "uo_refs");
	obj.uo_refs = 1;
	pg->uobject = NULL;
	EXPECT_PROBLEM("object.owner", "uobject");
	pg->uobject = &obj;
	CHECK(m);
	/* Offsets out of tree order. */
	simple_lock(&obj.vmobjlock);
	pg2 = uvm_pagealloc(&obj, 0x4000, NULL, 0);
	simple_unlock(&obj.vmobjlock);
	pg2->offset = 0;
	pg->offset = 0x8000;
	EXPECT_PROBLEM("object.tree", "memt");
	pg->offset = 0;
	pg2->offset = 0x4000;
	CHECK(m);
	simple_lock(&obj.vmobjlock);
	tu_pagefree(pg);
	tu_pagefree(pg2);
	simple_unlock(&obj.vmobjlock);
	uvm_obj_destroy(&obj);
	CHECK(m);
}

static void
test_anons(void **state)
{
	struct uvmexp *ux = uvmsim_uvmexp(m);
	struct vm_aref aref;
	struct vm_amap *am;
	struct vm_anon *a;

	(void)state;
	a = uvm_analloc();
	simple_unlock(&a->an_lock);
	CHECK(m);
	a->an_ref = 0;			/* live, no reference, no page */
	EXPECT_PROBLEM("anon.ref", "an_ref");
	a->an_ref = 1;
	ux->nfreeanon++;
	EXPECT_PROBLEM("anon.count", "nfreeanon");
	ux->nfreeanon--;
	CHECK(m);

	/* Two amap slots refer to an anon counting one reference. */
	am = amap_alloc(2 * uvmsim_page_size(m), 0, 0);
	aref.ar_amap = am;
	aref.ar_pageoff = 0;
	amap_lock(am);
	amap_add(&aref, 0, a, FALSE);
	amap_unlock(am);
	CHECK(m);
	amap_lock(am);
	amap_add(&aref, uvmsim_page_size(m), a, FALSE);
	amap_unlock(am);
	EXPECT_PROBLEM("anon.amapref", "an_ref");
	simple_lock(&a->an_lock);
	a->an_ref++;
	simple_unlock(&a->an_lock);
	CHECK(m);
	/* A reference that is neither a slot's nor a loan's: a leak. */
	a->an_ref++;
	EXPECT_PROBLEM("loan.anonref", "an_ref");
	/* ... unless an anon loan holds it. */
	a->an_loans++;
	CHECK(m);
	a->an_loans--;
	a->an_ref--;
	CHECK(m);

	/* An amap whose use count is off. */
	am->am_nused--;
	EXPECT_PROBLEM("amap.nused", "am_nused");
	am->am_nused++;
	CHECK(m);

	/* Dropping the amap drops both references and frees the anon. */
	amap_unref(am, 0, 2 * uvmsim_page_size(m), TRUE);
	assert_int_equal(ux->nanon, ux->nfreeanon);
	CHECK(m);
}

static void
test_locks(void **state)
{
	struct vm_anon *a;

	(void)state;
	a = uvm_analloc();		/* returned locked */
	EXPECT_PROBLEM("lock.held", "lock_holder");
	simple_unlock(&a->an_lock);
	CHECK(m);
	a->an_ref = 0;
	uvm_anfree(a);
}

/* A cycle in a queue is reported, not followed forever. */
static void
test_queue_cycle(void **state)
{
	struct vm_page *a = active_page(), *b = active_page();
	struct vm_page *saved;

	(void)state;
	saved = TAILQ_NEXT(b, pageq);
	TAILQ_NEXT(b, pageq) = a;
	EXPECT_PROBLEM("page.queue", "pageq");
	TAILQ_NEXT(b, pageq) = saved;
	CHECK(m);
	tu_pagefree(a);
	tu_pagefree(b);
	CHECK(m);
}

/* ---- loans: a machine with a process ---- */

#define UVA	0x400000UL	/* a user address */

static struct proc *lp;

static int
setup_proc(void **state)
{
	(void)state;
	m = tu_proc_setup(64, &lp, NULL, NULL);
	return 0;
}

static int
teardown_proc(void **state)
{
	(void)state;
	tu_proc_teardown(m, lp, 0);
	return 0;
}

/*
 * A page of a process lent to the kernel: none of its managed mappings
 * may allow writing [loan.writable], and it may not be wired
 * [loan.wired]: in 1.39 at all, in the modern behaviour once it has no
 * owner (an orphan).
 *
 *	UVA: anon -> pg (written, mapped)  <- kernel (pgs[0])
 */
static void
test_loans(void **state)
{
	struct vm_map *map = &lp->p_vmspace->vm_map;
	struct vm_page *pgs[1], *pg;
	size_t ps = uvmsim_page_size(m);

	(void)state;
	tu_map_anon(m, map, UVA, 1, VM_PROT_READ | VM_PROT_WRITE,
	    UVM_INH_COPY, UVM_ADV_NORMAL, 0);
	assert_int_equal(uvmsim_store(m, 0, lp->p_vmspace, UVA, 8, 7), 0);
	assert_int_equal(uvm_loan(map, UVA, ps, pgs, UVM_LOAN_TOPAGE), 0);
	pg = pgs[0];
	CHECK(m);

	/* The owner's mapping made writable again, as a pmap_enter that
	 * forgot the loan would leave it: the PTE is the one at fault. */
	assert_int_equal(pmap_enter(map->pmap, UVA, VM_PAGE_TO_PHYS(pg),
	    VM_PROT_READ | VM_PROT_WRITE, 0), 0);
	EXPECT_PROBLEM("loan.writable", "mdpg_pvh");
	pmap_page_protect(pg, VM_PROT_READ);
	CHECK(m);

	/* The same with the modification still to be emulated (Alpha:
	 * KWE and UWE with FOW set): no write gets through before a trap,
	 * but the emulation would let the next one through, so the
	 * mapping counts as writable.  (On x86 the PTE is plainly
	 * writable, its D bit clear.) */
	assert_true(pmap_clear_modify(pg));
	assert_int_equal(pmap_enter(map->pmap, UVA, VM_PAGE_TO_PHYS(pg),
	    VM_PROT_READ | VM_PROT_WRITE, 0), 0);
	{
		struct uvmsim_probe pr;

		assert_int_equal(uvmsim_probe(m, lp->p_vmspace, UVA, &pr), 0);
		assert_true(pr.pte & UVMSIM_PTE_WRITABLE);
		assert_false(pr.pte & UVMSIM_PTE_MODIFIED);
	}
	EXPECT_PROBLEM("loan.writable", "mdpg_pvh");
	pmap_page_protect(pg, VM_PROT_READ);
	CHECK(m);

	/* Wired while lent: a problem in 1.39.  The modern behaviour wires
	 * an owned lent page read-only, as later NetBSD's fault does: no
	 * problem there.  Unwiring puts the page on the active queue, where
	 * 1.39 does not keep a page lent to the kernel: off it again (the
	 * modern behaviour keeps it there). */
	uvm_lock_pageq();
	uvm_pagewire(pg);
	uvm_unlock_pageq();
	if (tu_modern())
		CHECK(m);
	else
		EXPECT_PROBLEM("loan.wired", "wire_count");
	uvm_lock_pageq();
	uvm_pageunwire(pg);
	if (!tu_modern())
		uvm_pagedequeue(pg);
	uvm_unlock_pageq();
	CHECK(m);

	/* An orphan wired: a problem in both behaviours (no owner's
	 * mapping could ever unwire it). */
	uvm_unmap(map, UVA, UVA + ps);
	CHECK(m);
	assert_null(pg->uanon);
	uvm_lock_pageq();
	uvm_pagewire(pg);
	uvm_unlock_pageq();
	EXPECT_PROBLEM("loan.wired", "wire_count");
	uvm_lock_pageq();
	uvm_pageunwire(pg);
	uvm_pagedequeue(pg);
	uvm_unlock_pageq();
	CHECK(m);

	/* Returned (the orphan freed): memory there may be written and
	 * wired again. */
	uvm_unloan(pgs, 1, UVM_LOAN_TOPAGE);
	CHECK(m);
	tu_map_anon(m, map, UVA, 1, VM_PROT_READ | VM_PROT_WRITE,
	    UVM_INH_COPY, UVM_ADV_NORMAL, 0);
	assert_int_equal(uvmsim_store(m, 0, lp->p_vmspace, UVA, 8, 8), 0);
	assert_int_equal(uvm_map_pageable(map, UVA, UVA + ps, FALSE, 0), 0);
	CHECK(m);
	assert_int_equal(uvm_map_pageable(map, UVA, UVA + ps, TRUE, 0), 0);
	uvm_unmap(map, UVA, UVA + ps);
	CHECK(m);
}

/*
 * A report that cannot grow (failpoint "uvmsim_check.report") keeps the
 * problems it has room for and counts the rest in dropped, writing
 * nothing past its array; the count returned is every problem found.
 */
static void
test_report_dropped(void **state)
{
	struct simplelock locks[20];
	struct uvmsim_report r = { 0 };
	char *text = NULL;
	size_t len = 0;
	FILE *fp;
	int i;

	(void)state;
	for (i = 0; i < 20; i++) {
		simple_lock_init(&locks[i]);
		simple_lock(&locks[i]);
	}
	/* The first growth (16 problems) succeeds, every later one fails. */
	assert_int_equal(uvmsim_failpoint_set(m, "uvmsim_check.report", 2,
	    1000), 0);
	assert_int_equal(uvmsim_check(m, &r), 20);
	assert_int_equal(r.count, 16);
	assert_int_equal(r.cap, 16);
	assert_int_equal(r.dropped, 4);
	assert_int_equal(uvmsim_failpoint_fired(m, "uvmsim_check.report"), 4);
	assert_non_null(uvmsim_report_find(&r, "lock.held", "lock_holder"));
	fp = open_memstream(&text, &len);
	assert_non_null(fp);
	uvmsim_report_print(&r, fp);
	fclose(fp);
	assert_non_null(strstr(text, "(4 more problems not kept: no memory)"));
	free(text);
	uvmsim_report_free(&r);
	assert_int_equal(r.dropped, 0);
	uvmsim_failpoint_clear(m);
	for (i = 0; i < 20; i++)
		simple_unlock(&locks[i]);
	CHECK(m);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		TU_TEST(test_counters),
		TU_TEST(test_report_dropped),
		TU_TEST(test_queue_flags),
		TU_TEST(test_free_pages),
		TU_TEST(test_wired_busy),
		TU_TEST(test_owners),
		TU_TEST(test_objects),
		TU_TEST(test_anons),
		TU_TEST(test_locks),
		TU_TEST(test_queue_cycle),
		cmocka_unit_test_setup_teardown(test_loans, setup_proc,
		    teardown_proc),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
