/*
 * test_hooks.c: lock-drop hooks: another CPU acting where UVM drops its
 * locks, and the interrupted code coping as the kernel does.
 */
#include "testutil.h"

#include <errno.h>

#define VA	0x400000UL

static struct uvmsim_machine *m;
static struct proc *p;
static struct vm_map *map;
static size_t ps;

static int
setup(void **state)
{
	struct uvmsim_config cfg;

	(void)state;
	tu_config(&cfg, 128);
	cfg.ncpus = 2;
	m = tu_proc_setup_cfg(&cfg, &p, &map, &ps);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	tu_proc_teardown(m, p, 0);
	return 0;
}

/* Byte j of page i of a file_mapped file: i + 1. */
static uint8_t
page_number(uint32_t seed, int i, size_t j)
{
	(void)seed;
	(void)j;
	return (uint8_t)(i + 1);
}

/* A file of npages pages, byte i of page n holding n + 1, mapped
 * privately at VA; the caller keeps its own reference. */
static struct uvm_object *
file_mapped(int npages)
{
	struct uvm_object *f;

	f = tu_file_pattern(m, npages, 64, page_number, 0);
	f->pgops->pgo_reference(f);
	tu_map_object(m, map, VA, f, npages, UVM_INH_COPY, UVM_ADV_RANDOM,
	    UVM_FLAG_COPYONW);
	return f;
}

static void
test_api(void **state)
{
	(void)state;
	assert_int_equal(uvmsim_hook_set(m, "no.such", NULL, NULL), EINVAL);
	assert_non_null(strstr(uvmsim_last_error(), "no.such"));
	assert_int_equal(uvmsim_hook_set(m, NULL, NULL, NULL), EINVAL);
	assert_int_equal(uvmsim_hook_runs(m, "no.such"), ~0UL);
	assert_int_equal(uvmsim_hook_runs(m, "pgo_get"), 0);
	assert_int_equal(uvmsim_hook_set(m, "page_wait", NULL, NULL), 0);
}

/* ---- "pgo_get": the map changes during a fault's I/O ---- */

static void
unmap_hook(struct uvmsim_machine *mm, const char *point, void *arg)
{
	(void)mm;
	assert_string_equal(point, "pgo_get");
	/* Nothing of the faulting thread is locked: the map can be taken. */
	uvm_unmap((struct vm_map *)arg, VA, VA + 2 * ps);
}

static void
test_pgo_get_unmap(void **state)
{
	struct uvm_object *f = file_mapped(2);
	struct uvmsim_segv sv;
	uint64_t v;

	(void)state;
	assert_int_equal(uvmsim_hook_set(m, "pgo_get", unmap_hook, map), 0);
	/* The fault's I/O runs the hook, which unmaps the range: the fault
	 * relocks, sees the map changed, looks up again and finds nothing. */
	assert_int_equal(uvmsim_load(m, 0, p->p_vmspace, VA, 8, &v), EFAULT);
	uvmsim_last_segv(m, &sv);
	assert_int_equal(sv.error, EFAULT);
	assert_int_equal(uvmsim_hook_runs(m, "pgo_get"), 1);
	CHECK(m);
	/* The page read in stayed with the file, unbusied. */
	simple_lock(&f->vmobjlock);
	assert_non_null(uvm_pagelookup(f, 0));
	assert_false(uvm_pagelookup(f, 0)->flags & PG_BUSY);
	simple_unlock(&f->vmobjlock);
	assert_int_equal(uvmsim_hook_set(m, "pgo_get", NULL, NULL), 0);
	f->pgops->pgo_detach(f);
	CHECK(m);
}

/* ---- "pgo_get": the page is released during the I/O ---- */

static void
release_hook(struct uvmsim_machine *mm, const char *point, void *arg)
{
	struct uvm_object *f = arg;

	(void)point;
	if (uvmsim_hook_runs(mm, "pgo_get") > 1)
		return;			/* only the first time */
	/* A flush frees the file's pages: the busy one is marked released. */
	simple_lock(&f->vmobjlock);
	assert_int_equal(f->pgops->pgo_put(f, 0, 0, PGO_ALLPAGES | PGO_FREE),
	    0);
}

static void
test_pgo_get_released(void **state)
{
	struct uvm_object *f = file_mapped(2);
	uint64_t v;

	(void)state;
	assert_int_equal(uvmsim_hook_set(m, "pgo_get", release_hook, f), 0);
	/* The fault frees the released page and faults again; the second
	 * I/O goes through. */
	assert_int_equal(uvmsim_load(m, 1, p->p_vmspace, VA + ps, 8, &v), 0);
	assert_int_equal(v, 0x0202020202020202ULL);
	assert_int_equal(uvmsim_hook_runs(m, "pgo_get"), 2);
	CHECK(m);
	assert_int_equal(uvmsim_hook_set(m, "pgo_get", NULL, NULL), 0);
	uvm_unmap(map, VA, VA + 2 * ps);
	f->pgops->pgo_detach(f);
	CHECK(m);
}

/* ---- "page_wait": a fault waits for a page busy with another's I/O ---- */

static void
finish_io_hook(struct uvmsim_machine *mm, const char *point, void *arg)
{
	struct vm_page *pg = arg;

	(void)mm;
	assert_string_equal(point, "page_wait");
	assert_true(pg->flags & PG_WANTED);	/* the sleeper said so */
	simple_lock(&pg->uanon->an_lock);
	pg->flags &= ~(PG_BUSY | PG_WANTED);
	UVM_PAGE_OWN(pg, NULL);
	simple_unlock(&pg->uanon->an_lock);
}

static struct vm_page *
busy_anon_page(uint64_t value)
{
	struct vm_page *pg;
	paddr_t pa;

	tu_map_anon(m, map, VA, 1, VM_PROT_READ | VM_PROT_WRITE,
	    UVM_INH_COPY, UVM_ADV_RANDOM, 0);
	assert_int_equal(uvmsim_store(m, 0, p->p_vmspace, VA, 8, value), 0);
	assert_int_equal(uvmsim_translate(m, p->p_vmspace, VA, &pa, NULL), 0);
	pg = PHYS_TO_VM_PAGE(pa);
	/* Another CPU starts I/O on it (a pageout, say): busy, unmapped. */
	simple_lock(&pg->uanon->an_lock);
	pg->flags |= PG_BUSY;
	UVM_PAGE_OWN(pg, "other cpu's I/O");
	pmap_page_protect(pg, VM_PROT_NONE);
	simple_unlock(&pg->uanon->an_lock);
	CHECK(m);
	return pg;
}

static void
test_page_wait(void **state)
{
	struct vm_page *pg = busy_anon_page(77);
	uint64_t v = 0;

	(void)state;
	assert_int_equal(uvmsim_hook_set(m, "page_wait", finish_io_hook, pg),
	    0);
	assert_int_equal(uvmsim_load(m, 1, p->p_vmspace, VA, 8, &v), 0);
	assert_int_equal(v, 77);
	assert_int_equal(uvmsim_hook_runs(m, "page_wait"), 1);
	assert_int_equal(uvmsim_uvmexp(m)->fltpgwait, 1);
	CHECK(m);
	assert_int_equal(uvmsim_hook_set(m, "page_wait", NULL, NULL), 0);
	uvm_unmap(map, VA, VA + ps);
	CHECK(m);
}

static void
test_page_wait_forever(void **state)
{
	struct vm_page *pg = busy_anon_page(5);
	uint64_t v;

	(void)state;
	/* No hook: nothing would ever end the I/O. */
	EXPECT_PANIC(m, (void)uvmsim_load(m, 0, p->p_vmspace, VA, 8, &v),
	    "sleep would never end");
	CHECK(m);
	simple_lock(&pg->uanon->an_lock);
	pg->flags &= ~(PG_BUSY | PG_WANTED);
	UVM_PAGE_OWN(pg, NULL);
	simple_unlock(&pg->uanon->an_lock);
	uvm_unmap(map, VA, VA + ps);
	CHECK(m);
}

/* Another CPU starts I/O on the anon's page mapped at va: it is busy. */
static struct vm_page *
start_io(vaddr_t va)
{
	struct vm_page *pg;
	paddr_t pa;

	assert_int_equal(uvmsim_translate(m, p->p_vmspace, va, &pa, NULL), 0);
	pg = PHYS_TO_VM_PAGE(pa);
	assert_non_null(pg->uanon);
	simple_lock(&pg->uanon->an_lock);
	pg->flags |= PG_BUSY;
	UVM_PAGE_OWN(pg, "other cpu's I/O");
	simple_unlock(&pg->uanon->an_lock);
	CHECK(m);
	return pg;
}

/* ---- "page_wait" in a loan: the map changes while anonget waits ---- */

static void
finish_io_and_protect_hook(struct uvmsim_machine *mm, const char *point,
    void *arg)
{
	finish_io_hook(mm, point, arg);
	/* ...and the map changes meanwhile (its timestamp moves). */
	assert_int_equal(uvm_map_protect(map, VA, VA + ps,
	    VM_PROT_READ | VM_PROT_WRITE, FALSE), 0);
}

/*
 * A loan to the kernel of a private file page that a write promoted into
 * an anon: the entry has an object, which uvm_loanentry locks, and an
 * amap.  The anon's page is busy; anonget waits, the map changes, and
 * anonget gives up (ERESTART) having unlocked what it knows of.  The
 * loan must unlock the entry's object itself (1.39 did not: the relookup
 * then locked it against itself) and look the range up again.
 */
static void
test_loan_restart_unlocks_object(void **state)
{
	struct uvmexp *ux = uvmsim_uvmexp(m);
	struct uvm_object *f = file_mapped(1);
	struct vm_page *pg, *pgs[1];
	int relck;

	(void)state;
	assert_int_equal(uvmsim_store(m, 0, p->p_vmspace, VA, 8, 99), 0);
	pg = start_io(VA);			/* promoted: the anon's page */

	assert_int_equal(uvmsim_hook_set(m, "page_wait",
	    finish_io_and_protect_hook, pg), 0);
	relck = ux->fltrelck - ux->fltrelckok;
#ifdef TU_KERNEL_LOAN
	/* Against NetBSD's uvm_loan.c (tests/conformance), D7 shown: the
	 * relookup locks the object against itself.  (The catch unlocks
	 * it, and the map's read hold.) */
	EXPECT_PANIC(m, (void)uvm_loan(map, VA, ps, pgs, UVM_LOAN_TOPAGE),
	    "locking against myself");
	assert_int_equal(uvmsim_hook_runs(m, "page_wait"), 1);
	assert_int_equal(ux->fltrelck - ux->fltrelckok, relck + 1);
	assert_int_equal(pg->loan_count, 0);
	assert_false(pg->flags & PG_BUSY);
#else
	assert_int_equal(uvm_loan(map, VA, ps, pgs, UVM_LOAN_TOPAGE), 0);
	assert_int_equal(uvmsim_hook_runs(m, "page_wait"), 1);
	/* The relock after the wait failed: the map had changed. */
	assert_int_equal(ux->fltrelck - ux->fltrelckok, relck + 1);
	assert_ptr_equal(pgs[0], pg);
	assert_int_equal(pg->loan_count, 1);
	assert_int_equal(*(uint64_t *)uvmsim_page_data(m, pg), 99);
	CHECK(m);
	uvm_unloan(pgs, 1, UVM_LOAN_TOPAGE);
	assert_int_equal(pg->loan_count, 0);
#endif
	CHECK(m);
	assert_int_equal(uvmsim_hook_set(m, "page_wait", NULL, NULL), 0);
	uvm_unmap(map, VA, VA + ps);
	f->pgops->pgo_detach(f);
	CHECK(m);
}

/* ---- "page_wait" in a loan: a later page's slot empties meanwhile ---- */

/* The waited-for page's I/O ends, and meanwhile another CPU throws the
 * third page of the range away (as MADV_FREE would): its anon leaves
 * the amap, its page is unmapped and freed.  The map is not changed. */
static void
finish_io_and_free_hook(struct uvmsim_machine *mm, const char *point,
    void *arg)
{
	struct vm_map_entry *entry;
	struct vm_anon *anon;
	vaddr_t off;

	finish_io_hook(mm, point, arg);
	vm_map_lock_read(map);
	assert_true(uvm_map_lookup_entry(map, VA + 2 * ps, &entry));
	off = VA + 2 * ps - entry->start;
	amap_lock(entry->aref.ar_amap);
	anon = amap_lookup(&entry->aref, off);
	assert_non_null(anon);
	amap_unadd(&entry->aref, off);
	amap_unlock(entry->aref.ar_amap);
	pmap_remove(map->pmap, VA + 2 * ps, VA + 3 * ps);
	pmap_update(map->pmap);
	simple_lock(&anon->an_lock);
	assert_int_equal(anon->an_ref, 1);
	anon->an_ref = 0;
	simple_unlock(&anon->an_lock);
	uvm_anfree(anon);
	vm_map_unlock_read(map);
}

/*
 * A loan of three anonymous pages whose first is busy: anonget waits,
 * and meanwhile the third page's slot empties.  The map did not change,
 * so the loan goes on after the wait; it must see the empty slot (and
 * lend a zero page there), not the anon that was in it when it began.
 */
static void
test_loan_wait_frees_later_page(void **state)
{
	struct vm_page *pg, *pgs[3];
	size_t i;
	int j;

	(void)state;
	tu_map_anon(m, map, VA, 3, VM_PROT_READ | VM_PROT_WRITE,
	    UVM_INH_COPY, UVM_ADV_RANDOM, 0);
	for (j = 0; j < 3; j++)
		assert_int_equal(uvmsim_store(m, 0, p->p_vmspace,
		    VA + (vaddr_t)j * ps, 8, (uint64_t)(11 * (j + 1))), 0);
	pg = start_io(VA);

	assert_int_equal(uvmsim_hook_set(m, "page_wait",
	    finish_io_and_free_hook, pg), 0);
	assert_int_equal(uvm_loan(map, VA, 3 * ps, pgs, UVM_LOAN_TOPAGE), 0);
	assert_int_equal(uvmsim_hook_runs(m, "page_wait"), 1);
	CHECK(m);
	assert_ptr_equal(pgs[0], pg);
	assert_int_equal(*(uint64_t *)uvmsim_page_data(m, pgs[0]), 11);
	assert_int_equal(*(uint64_t *)uvmsim_page_data(m, pgs[1]), 22);
	/* The third: a zero page lent in place of the page thrown away. */
	assert_null(pgs[2]->uanon);
	for (i = 0; i < ps; i++)
		assert_int_equal(((uint8_t *)uvmsim_page_data(m, pgs[2]))[i],
		    0);
	uvm_unloan(pgs, 3, UVM_LOAN_TOPAGE);
	CHECK(m);
	assert_int_equal(uvmsim_hook_set(m, "page_wait", NULL, NULL), 0);
	uvm_unmap(map, VA, VA + 3 * ps);
	CHECK(m);
}

/* ---- "lock_retry": a try-lock against the lock order ---- */

static void
release_lock_hook(struct uvmsim_machine *mm, const char *point, void *arg)
{
	struct uvm_object *uo = arg;

	assert_string_equal(point, "lock_retry");
	/* CPU 1, which holds the object lock, lets go of it. */
	assert_int_equal(uvmsim_cpu_set(mm, 1), 0);
	simple_unlock(&uo->vmobjlock);
	assert_int_equal(uvmsim_cpu_set(mm, 0), 0);
}

static void
test_lock_retry(void **state)
{
	static const struct uvm_pagerops bare = { .pgo_name = "bare" };
	static struct uvm_object obj;
	struct vm_anon *a;
	struct vm_page *pg;

	(void)state;
	/* An object page loaned to an anon. */
	uvm_obj_init(&obj, &bare, 1);
	simple_lock(&obj.vmobjlock);
	pg = uvm_pagealloc(&obj, 0, NULL, 0);
	tu_unbusy(pg);
	a = uvm_analloc();
	a->u.an_page = pg;
	pg->uanon = a;
	uvm_lock_pageq();
	pg->loan_count += 1;
	uvm_pageactivate(pg);
	uvm_unlock_pageq();
	simple_unlock(&obj.vmobjlock);
	/* CPU 1 holds the object's lock. */
	assert_int_equal(uvmsim_cpu_set(m, 1), 0);
	simple_lock(&obj.vmobjlock);
	assert_int_equal(uvmsim_cpu_set(m, 0), 0);

	assert_int_equal(uvmsim_hook_set(m, "lock_retry", release_lock_hook,
	    &obj), 0);
	assert_ptr_equal(uvm_anon_lockloanpg(a), pg);
	assert_int_equal(uvmsim_hook_runs(m, "lock_retry"), 1);
	assert_true(simple_lock_held(&obj.vmobjlock));	/* ours now */
	assert_true(simple_lock_held(&a->an_lock));
	simple_unlock(&obj.vmobjlock);
	simple_unlock(&a->an_lock);
	CHECK(m);

	assert_int_equal(uvmsim_hook_set(m, "lock_retry", NULL, NULL), 0);
	a->an_ref = 0;
	uvm_anfree(a);				/* returns the loan */
	simple_lock(&obj.vmobjlock);
	tu_pagefree(pg);
	simple_unlock(&obj.vmobjlock);
	uvm_obj_destroy(&obj);
	CHECK(m);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		TU_TEST(test_api),
		TU_TEST(test_pgo_get_unmap),
		TU_TEST(test_pgo_get_released),
		TU_TEST(test_page_wait),
		TU_TEST(test_page_wait_forever),
		TU_TEST(test_loan_restart_unlocks_object),
		TU_TEST(test_loan_wait_frees_later_page),
		TU_TEST(test_lock_retry),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
