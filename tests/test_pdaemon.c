/*
 * test_pdaemon.c: the page daemon: its targets, what it reactivates,
 * skips and never frees (wired, busy, lent pages), the owners it cannot
 * lock, the pass that gives up when dirty pages find no swap, loans
 * under pressure (an anon's page lent to the kernel, an
 * object's page lent to an anon, orphans adopted, zero loans), uvm_wait
 * and its policy, the daemon run from lock-drop hooks, and a machine
 * with three times as much memory mapped as it has frames running a
 * seeded mixed workload to the end.
 */
#include "testutil.h"

#include <errno.h>
#include <stdlib.h>

#define VA	0x400000UL
#define NPAGES	64		/* frames of the machine */
#define NSLOTS	256		/* slots of its swap */

static struct uvmsim_machine *m;
static struct proc *p;
static struct vm_map *map;
static size_t ps;

static struct vm_page *hog[NPAGES];
static int nhog;

static int
setup_policy(int policy)
{
	struct uvmsim_config cfg;

	tu_config(&cfg, NPAGES);
	cfg.swap_slots = NSLOTS;
	cfg.uvm_wait = policy;
	m = tu_proc_setup_cfg(&cfg, &p, &map, &ps);
	nhog = 0;
	return 0;
}

static int
setup(void **state)
{
	(void)state;
	return setup_policy(UVMSIM_WAIT_PAGEDAEMON);
}

static int
setup_hook(void **state)
{
	(void)state;
	return setup_policy(UVMSIM_WAIT_HOOK);
}

static int
teardown(void **state)
{
	(void)state;
	tu_proc_teardown(m, p, TU_ANONS_FREE);
	return 0;
}

/* Byte j of page i of the pattern seed. */
static uint8_t
pbyte(uint32_t seed, int i, size_t j)
{
	return (uint8_t)(seed * 11u + (uint32_t)i * 5u + j + (j >> 9));
}

static void
put_page(struct proc *pr, vaddr_t va, int i, uint32_t seed)
{
	uint8_t *buf = malloc(ps);
	size_t j;

	assert_non_null(buf);
	for (j = 0; j < ps; j++)
		buf[j] = pbyte(seed, i, j);
	assert_int_equal(uvmsim_copyout(m, 0, pr->p_vmspace, buf, va, ps), 0);
	free(buf);
	CHECK(m);
}

static void
get_page(struct proc *pr, vaddr_t va, int i, uint32_t seed)
{
	uint8_t *buf = malloc(ps);
	size_t j;

	assert_non_null(buf);
	assert_int_equal(uvmsim_copyin(m, 0, pr->p_vmspace, va, buf, ps), 0);
	for (j = 0; j < ps; j++)
		if (buf[j] != pbyte(seed, i, j))
			fail_msg("va %#lx byte %zu: %#x, not %#x",
			    (unsigned long)va, j, buf[j], pbyte(seed, i, j));
	free(buf);
	CHECK(m);
}

/* The bytes of a frame are page i of the pattern seed. */
static bool
frame_is(struct vm_page *pg, int i, uint32_t seed)
{
	const uint8_t *b = uvmsim_page_data(m, pg);
	size_t j;

	for (j = 0; j < ps; j++)
		if (b[j] != pbyte(seed, i, j))
			return false;
	return true;
}

/* Run the daemon with every free frame taken, n times. */
static int
squeeze(int n)
{
	int i, freed = 0, r;

	for (i = 0; i < n; i++) {
		tu_hog_all(m, hog, &nhog, NPAGES);
		r = uvmsim_pagedaemon_run(m, 0);
		assert_true(r >= 0);
		freed += r;
		CHECK(m);
	}
	tu_hog_all(m, hog, &nhog, NPAGES);
	tu_hog_release(m, hog, &nhog);
	return freed;
}

static void
map_anon(vaddr_t va, int npages)
{
	tu_map_anon(m, map, va, npages, VM_PROT_READ | VM_PROT_WRITE,
	    UVM_INH_COPY, UVM_ADV_NORMAL, 0);
}

/* The free targets follow 1.6's uvmpd_tune; inactarg is a third of the
 * queued pages, above freetarg. */
static void
test_targets(void **state)
{
	struct uvmexp *ux = uvmsim_uvmexp(m);
	int min = (int)((16 * 1024) / ps), i;

	(void)state;
	if (min < NPAGES / 20)
		min = NPAGES / 20;
	assert_int_equal(ux->freemin, min);
	assert_int_equal(ux->freetarg, min * 4 / 3 > min ? min * 4 / 3 :
	    min + 1);
	map_anon(VA, 30);
	for (i = 0; i < 30; i++)
		put_page(p, VA + (vaddr_t)i * ps, i, 1);
	/* plenty free: nothing to do but the inactive target */
	assert_int_equal(uvmsim_pagedaemon_run(m, 0), 0);
	CHECK(m);
	assert_int_equal(ux->pdwoke, 1);
	assert_true(ux->inactarg >= ux->freetarg + 1);
	assert_true(ux->inactive >= ux->inactarg ||
	    ux->inactive == ux->active + ux->inactive);
	/* a budget bounds the pages looked at */
	tu_hog_all(m, hog, &nhog, NPAGES);
	i = ux->pdscans;
	assert_true(uvmsim_pagedaemon_run(m, 1) <= 1);
	assert_true(ux->pdscans - i <= 1);
	CHECK(m);
	tu_hog_release(m, hog, &nhog);
	/* misuse: a simple lock held */
	simple_lock(&map->ref_lock);
	assert_int_equal(uvmsim_pagedaemon_run(m, 0), -1);
	assert_non_null(strstr(uvmsim_last_error(), "simple lock"));
	simple_unlock(&map->ref_lock);
	for (i = 0; i < 30; i++)
		get_page(p, VA + (vaddr_t)i * ps, i, 1);
}

/* A page used since it was deactivated goes back to the active queue. */
static void
test_reactivate(void **state)
{
	struct uvmexp *ux = uvmsim_uvmexp(m);
	struct vm_anon *a0;
	uint64_t v;
	int i;

	(void)state;
	map_anon(VA, 24);
	for (i = 0; i < 24; i++)
		put_page(p, VA + (vaddr_t)i * ps, i, 2);
	a0 = tu_anon_at(map, VA);
	/* first pass: pages to the inactive queue, references cleared */
	squeeze(1);
	while ((a0->u.an_page->pqflags & PQ_INACTIVE) == 0 && ux->pdrevs < 8)
		squeeze(1);
	assert_true(a0->u.an_page->pqflags & PQ_INACTIVE);
	/* used again, through the MMU */
	assert_int_equal(uvmsim_load(m, 0, p->p_vmspace, VA, 8, &v), 0);
	CHECK(m);
	i = ux->pdreact;
	squeeze(1);
	assert_true(ux->pdreact > i);
	assert_non_null(a0->u.an_page);
	for (i = 0; i < 24; i++)
		get_page(p, VA + (vaddr_t)i * ps, i, 2);
}

/*
 * Wired, busy and lent pages are never freed: a wired page is on no
 * queue, a busy one is skipped, a lent one left to its borrower (the
 * kernel keeps its bytes; the anon goes to swap and comes back with a
 * new page of the same bytes).
 */
static void
test_never_frees(void **state)
{
	struct uvmexp *ux = uvmsim_uvmexp(m);
	struct vm_page *lent[1], *wired, *busy, *np;
	struct vm_anon *al, *ab;
	int i;

	(void)state;
	map_anon(VA, 20);
	for (i = 0; i < 20; i++)
		put_page(p, VA + (vaddr_t)i * ps, i, 3);
	/* page 0 wired, page 1 lent to the kernel, page 2 busy */
	assert_int_equal(uvm_map_pageable(map, VA, VA + ps, FALSE, 0), 0);
	CHECK(m);
	wired = tu_anon_at(map, VA)->u.an_page;
	assert_int_equal(uvm_loan(map, VA + ps, ps, lent, UVM_LOAN_TOPAGE), 0);
	CHECK(m);
	al = tu_anon_at(map, VA + ps);
	ab = tu_anon_at(map, VA + 2 * ps);
	/* 1.39 took the lent page off the queues; a fault that maps it
	 * again puts it back on the active queue, where the daemon meets
	 * it (the modern behaviour keeps it there throughout) */
	pmap_remove(map->pmap, VA + ps, VA + 2 * ps);
	pmap_update(map->pmap);
	assert_int_equal(uvmsim_load(m, 0, p->p_vmspace, VA + ps, 8,
	    &(uint64_t){ 0 }), 0);
	CHECK(m);
	assert_true(lent[0]->pqflags & PQ_ACTIVE);
	busy = ab->u.an_page;
	simple_lock(&ab->an_lock);
	busy->flags |= PG_BUSY;
	UVM_PAGE_OWN(busy, "test");
	simple_unlock(&ab->an_lock);
	CHECK(m);

	squeeze(12);
	assert_true(ux->pdfreed > 0);
	assert_int_equal(wired->pqflags & PQ_FREE, 0);
	assert_ptr_equal(tu_anon_at(map, VA)->u.an_page, wired);
	assert_true(frame_is(wired, 0, 3));
	assert_int_equal(busy->pqflags & PQ_FREE, 0);
	assert_ptr_equal(ab->u.an_page, busy);
	assert_true(ux->pdbusy > 0 || (busy->pqflags & PQ_INACTIVE) == 0);
	/* the lent page: never freed, its bytes the kernel's */
	assert_int_equal(lent[0]->pqflags & PQ_FREE, 0);
	assert_true(lent[0]->loan_count > 0);
	assert_true(frame_is(lent[0], 1, 3));
	assert_null(al->u.an_page);
	{
		/* the anon went out: the lent page is an orphan now */
		assert_true(al->an_swslot > 0);
		assert_null(lent[0]->uanon);
		get_page(p, VA + ps, 1, 3);
		np = al->u.an_page;
		assert_non_null(np);
		assert_ptr_not_equal(np, lent[0]);
	}
	simple_lock(&ab->an_lock);
	busy->flags &= ~PG_BUSY;
	UVM_PAGE_OWN(busy, NULL);
	simple_unlock(&ab->an_lock);
	uvm_unloan(lent, 1, UVM_LOAN_TOPAGE);
	CHECK(m);
	assert_int_equal(uvm_map_pageable(map, VA, VA + ps, TRUE, 0), 0);
	CHECK(m);
	for (i = 0; i < 20; i++)
		get_page(p, VA + (vaddr_t)i * ps, i, 3);
}

/* Owners that cannot be locked (the "simple_lock_try" failpoint): their
 * pages are skipped; nothing is freed, nothing breaks. */
static void
test_trylock_skip(void **state)
{
	struct uvmexp *ux = uvmsim_uvmexp(m);
	int i, freed, deact;

	(void)state;
	map_anon(VA, 20);
	for (i = 0; i < 20; i++)
		put_page(p, VA + (vaddr_t)i * ps, i, 4);
	assert_int_equal(uvmsim_failpoint_set(m, "simple_lock_try", 1,
	    100000), 0);
	deact = ux->pddeact;
	freed = squeeze(3);
	assert_int_equal(freed, 0);
	assert_int_equal(ux->pddeact, deact);
	assert_true(uvmsim_failpoint_fired(m, "simple_lock_try") > 0);
	assert_int_equal(uvmsim_failpoint_set(m, "simple_lock_try", 1, 0), 0);
	assert_true(squeeze(4) > 0);
	for (i = 0; i < 20; i++)
		get_page(p, VA + (vaddr_t)i * ps, i, 4);
}

/*
 * A pass gives up after UVMPD_NUMDIRTYREACTS (16) dirty pages found no
 * swap, as 1.6's does: 24 dirty, unreferenced pages on the inactive
 * queue and every swap allocation failing, the pass scans 16 of them,
 * puts each back on the active queue and stops; the other 8 wait.
 */
static void
test_dirtyreacts(void **state)
{
	struct uvmexp *ux = uvmsim_uvmexp(m);
	struct vm_anon *anon;
	int i, scans, freed;

	(void)state;
	map_anon(VA, 24);
	for (i = 0; i < 24; i++)
		put_page(p, VA + (vaddr_t)i * ps, i, 6);
	uvmsim_machine_enter(m);
	uvm_lock_pageq();
	for (i = 0; i < 24; i++) {
		anon = tu_anon_at(map, VA + (vaddr_t)i * ps);
		(void)pmap_clear_reference(anon->u.an_page);
		uvm_pagedeactivate(anon->u.an_page);
	}
	uvm_unlock_pageq();
	uvmsim_machine_leave(m);
	CHECK(m);
	assert_int_equal(ux->inactive, 24);
	assert_int_equal(uvmsim_failpoint_set(m, "uvm_swap_alloc", 1,
	    100000), 0);
	scans = ux->pdscans;
	freed = ux->pdfreed;
	tu_hog_all(m, hog, &nhog, NPAGES);
	assert_int_equal(uvmsim_pagedaemon_run(m, 0), 0);
	CHECK(m);
	assert_int_equal(ux->pdscans - scans, 16);
	assert_int_equal(ux->pdfreed, freed);
	assert_int_equal(uvmsim_failpoint_fired(m, "uvm_swap_alloc"), 16);
	/* the 16 scanned went back to the active queue, in queue order */
	for (i = 0; i < 24; i++) {
		anon = tu_anon_at(map, VA + (vaddr_t)i * ps);
		assert_true(anon->u.an_page->pqflags &
		    (i < 16 ? PQ_ACTIVE : PQ_INACTIVE));
	}
	tu_hog_release(m, hog, &nhog);
	assert_int_equal(uvmsim_failpoint_set(m, "uvm_swap_alloc", 1, 0), 0);
	for (i = 0; i < 24; i++)
		get_page(p, VA + (vaddr_t)i * ps, i, 6);
}

/*
 * An orphan an anon borrowed, met on a queue by the daemon, is adopted:
 * the anon owns it (PQ_ANON, or PG_ANON in the modern behaviour), its
 * loan gone; it can then go to swap and come back intact.
 */
static void
test_adopt(void **state)
{
	struct uvmexp *ux = uvmsim_uvmexp(m);
	struct uvm_object *f;
	struct vm_page *pgs[1], *pg;
	struct vm_anon *a;
	uint32_t i;

	(void)state;
	assert_int_equal(uvmsim_file_create(m, ps, &f), 0);
	tu_pgo_resident(m, f, 1, pgs);
	pg = pgs[0];
	for (i = 0; i < ps; i++)
		((uint8_t *)uvmsim_page_data(m, pg))[i] = pbyte(5, 0, i);
	/* lent to an anon, as an O->A loan makes it */
	simple_lock(&f->vmobjlock);
	a = uvm_analloc();
	assert_non_null(a);
	a->u.an_page = pg;
	pg->uanon = a;
	uvm_lock_pageq();
	pg->loan_count += 1;
	uvm_unlock_pageq();
	simple_unlock(&a->an_lock);
	simple_unlock(&f->vmobjlock);
	CHECK(m);
	/* the file lets it go: an orphan the anon borrowed, still queued */
	assert_int_equal(tu_pgo_put(f, 0, 0, PGO_ALLPAGES | PGO_FREE), 0);
	CHECK(m);
	assert_null(pg->uobject);
	assert_int_equal(pg->loan_count, 1);
	assert_true(pg->pqflags & (PQ_ACTIVE | PQ_INACTIVE));
	assert_false(tu_anon_owned(pg));

	tu_hog_all(m, hog, &nhog, NPAGES);
	assert_true(uvmsim_pagedaemon_run(m, 0) >= 0);
	CHECK(m);
	tu_hog_release(m, hog, &nhog);
	/* adopted, and perhaps pushed out already (which only an owner's
	 * page can be) */
	assert_true(ux->anonpages >= 1 || a->u.an_page == NULL);
	assert_true(a->u.an_page == NULL || (a->u.an_page == pg &&
	    tu_anon_owned(pg) && pg->loan_count == 0));
	/* and further: out to swap, back with its bytes */
	squeeze(6);
	simple_lock(&a->an_lock);
	if (a->u.an_page == NULL) {
		assert_true(a->an_swslot > 0);
		assert_int_equal(uvmfault_anonget(NULL, NULL, a), 0);
	}
	pg = a->u.an_page;
	assert_true(tu_anon_owned(pg));
	assert_int_equal(pg->loan_count, 0);
	assert_true(frame_is(pg, 0, 5));
	simple_unlock(&a->an_lock);
	assert_true(ux->anonpages >= 1);
	CHECK(m);
	a->an_ref = 0;
	uvm_anfree(a);
	f->pgops->pgo_detach(f);
	CHECK(m);
}

/*
 * 1.39: a clean object page lent to an anon (O->A), inactive, is paged
 * out by breaking the loan: the file drops it, the anon keeps it (and is
 * given it); the borrower's bytes are intact, and so are the file's.
 */
static void
test_oa_loan_pageout(void **state)
{
	struct uvm_object *f;
	struct vm_anon *anons[4];
	struct vm_page *pg;
	uint8_t b;
	int i;

	(void)state;
	if (tu_modern())
		skip();		/* the modern behaviour makes no O->A loan */
	assert_int_equal(uvmsim_file_create(m, 4 * ps, &f), 0);
	f->pgops->pgo_reference(f);
	tu_map_object(m, map, VA, f, 4, UVM_INH_SHARE, UVM_ADV_NORMAL, 0);
	for (i = 0; i < 4; i++)
		put_page(p, VA + (vaddr_t)i * ps, i, 6);
	assert_int_equal(uvm_loan(map, VA, 4 * ps, anons, UVM_LOAN_TOANON), 0);
	CHECK(m);
	squeeze(8);
	for (i = 0; i < 4; i++) {
		assert_int_equal(uvmsim_file_read(m, f, (size_t)i * ps + 9,
		    &b, 1), 0);
		assert_int_equal(b, pbyte(6, i, 9));
		simple_lock(&anons[i]->an_lock);
		if (anons[i]->u.an_page == NULL)
			assert_int_equal(uvmfault_anonget(NULL, NULL,
			    anons[i]), 0);
		else if (anons[i]->u.an_page->loan_count != 0)
			(void)uvm_anon_lockloanpg(anons[i]);
		pg = anons[i]->u.an_page;
		assert_true(frame_is(pg, i, 6));
		if (pg->uobject != NULL)
			simple_unlock(&pg->uobject->vmobjlock);
		simple_unlock(&anons[i]->an_lock);
		CHECK(m);
	}
	assert_true(f->uo_npages < 4);
	uvm_unloan(anons, 4, UVM_LOAN_TOANON);
	CHECK(m);
	for (i = 0; i < 4; i++)
		get_page(p, VA + (vaddr_t)i * ps, i, 6);
	uvm_unmap(map, VA, VA + 4 * ps);
	f->pgops->pgo_detach(f);
	CHECK(m);
}

/* Zero loans survive the daemon: 1.39's fresh pages are the kernel's,
 * on no queue; the modern zero page stays with its object. */
static void
test_zero_loans(void **state)
{
	struct vm_page *pgs[4];
	int i;

	(void)state;
	map_anon(VA, 4);
	assert_int_equal(uvm_loan(map, VA, 4 * ps, pgs, UVM_LOAN_TOPAGE), 0);
	CHECK(m);
	squeeze(8);
	for (i = 0; i < 4; i++) {
		assert_int_equal(pgs[i]->pqflags & PQ_FREE, 0);
		assert_true(pgs[i]->loan_count > 0);
		assert_true(tu_is_zero(m, pgs[i]));
	}
	uvm_unloan(pgs, 4, UVM_LOAN_TOPAGE);
	CHECK(m);
}

/*
 * uvm_wait's policy.  UVMSIM_WAIT_HOOK: out of frames, a fault fails
 * with ENOMEM at once (the daemon never runs).  UVMSIM_WAIT_PAGEDAEMON
 * (test_overcommit and the others): the fault waits and goes on.
 */
static void
test_policy_hook(void **state)
{
	struct uvmexp *ux = uvmsim_uvmexp(m);
	struct uvmsim_segv sv;
	int i;

	(void)state;
	map_anon(VA, 8);
	for (i = 0; i < 7; i++)
		put_page(p, VA + (vaddr_t)i * ps, i, 7);
	tu_hog_all(m, hog, &nhog, NPAGES);
	assert_int_equal(uvmsim_store(m, 0, p->p_vmspace, VA + 7 * ps, 8, 1),
	    EFAULT);
	uvmsim_last_segv(m, &sv);
	assert_int_equal(sv.error, ENOMEM);
	assert_int_equal(ux->pdwoke, 0);
	CHECK(m);
	tu_hog_release(m, hog, &nhog);
	for (i = 0; i < 7; i++)
		get_page(p, VA + (vaddr_t)i * ps, i, 7);
}

static int wait_hook_runs;

static void
count_hook(struct uvmsim_machine *mm, const char *point, void *arg)
{
	(void)mm;
	(void)point;
	(void)arg;
	wait_hook_runs++;
}

/* uvm_wait, the kernel name: its hook, then the daemon; a lock held
 * panics; waits that free nothing panic at last rather than loop. */
static void
test_uvm_wait(void **state)
{
	struct uvmexp *ux = uvmsim_uvmexp(m);
	int i, woke;

	(void)state;
	map_anon(VA, 20);
	for (i = 0; i < 20; i++)
		put_page(p, VA + (vaddr_t)i * ps, i, 8);
	assert_int_equal(uvmsim_hook_set(m, "uvm_wait", count_hook, NULL), 0);
	wait_hook_runs = 0;
	tu_hog_all(m, hog, &nhog, NPAGES);
	woke = ux->pdwoke;
	uvm_wait("test");
	CHECK(m);
	assert_int_equal(wait_hook_runs, 1);
	assert_int_equal(ux->pdwoke, woke + 1);
	simple_lock(&map->ref_lock);
	EXPECT_PANIC(m, uvm_wait("test"), "sleeping with 1 simple lock");
	simple_unlock(&map->ref_lock);
	assert_int_equal(uvmsim_hook_set(m, "uvm_wait", NULL, NULL), 0);
	tu_hog_release(m, hog, &nhog);
	/* the native zero loan out of memory waits and then lends */
	map_anon(VA + 32 * ps, 2);
	assert_int_equal(uvmsim_failpoint_set(m, "uvm_pagealloc", 1, 1), 0);
	{
		struct vm_page *pgs[2];

		woke = ux->pdwoke;
		assert_int_equal(uvm_loan(map, VA + 32 * ps, 2 * ps, pgs,
		    UVM_LOAN_TOPAGE), 0);
		CHECK(m);
		assert_true(ux->pdwoke > woke);
		uvm_unloan(pgs, 2, UVM_LOAN_TOPAGE);
		CHECK(m);
	}
	for (i = 0; i < 20; i++)
		get_page(p, VA + (vaddr_t)i * ps, i, 8);
}

/* The daemon run by a lock-drop hook: while a fault's pager does its
 * I/O ("pgo_get") the other CPU pushes pages out; the fault completes
 * with the right bytes and the checker is clean. */
static void
pdaemon_hook(struct uvmsim_machine *mm, const char *point, void *arg)
{
	(void)point;
	(void)arg;
	tu_hog_all(m, hog, &nhog, NPAGES);
	assert_true(uvmsim_pagedaemon_run(mm, 0) >= 0);
	tu_hog_release(m, hog, &nhog);
}

static void
test_hook_runs_daemon(void **state)
{
	struct uvm_object *f;
	struct vm_page *pgs[2];
	uint8_t b;
	int i;

	(void)state;
	map_anon(VA, 16);
	for (i = 0; i < 16; i++)
		put_page(p, VA + (vaddr_t)i * ps, i, 9);
	assert_int_equal(uvmsim_file_create(m, 2 * ps, &f), 0);
	b = 0x5a;
	assert_int_equal(uvmsim_file_write(m, f, ps + 3, &b, 1), 0);
	f->pgops->pgo_reference(f);
	tu_map_object(m, map, VA + 32 * ps, f, 2, UVM_INH_SHARE,
	    UVM_ADV_RANDOM, 0);
	assert_int_equal(uvmsim_hook_set(m, "pgo_get", pdaemon_hook, NULL),
	    0);
	assert_int_equal(uvmsim_load(m, 0, p->p_vmspace, VA + 33 * ps, 8,
	    &(uint64_t){ 0 }), 0);
	CHECK(m);
	/* and a loan whose I/O lets the daemon run */
	assert_int_equal(uvm_loan(map, VA + 32 * ps, 2 * ps, pgs,
	    UVM_LOAN_TOPAGE), 0);
	CHECK(m);
	assert_int_equal(uvmsim_hook_set(m, "pgo_get", NULL, NULL), 0);
	assert_int_equal(((uint8_t *)uvmsim_page_data(m, pgs[1]))[3], 0x5a);
	uvm_unloan(pgs, 2, UVM_LOAN_TOPAGE);
	CHECK(m);
	for (i = 0; i < 16; i++)
		get_page(p, VA + (vaddr_t)i * ps, i, 9);
	uvm_unmap(map, VA + 32 * ps, VA + 34 * ps);
	f->pgops->pgo_detach(f);
	CHECK(m);
}

/*
 * Three times as much memory mapped as the machine has frames: private
 * anonymous memory, a shared aobj and a shared file, read and written at
 * random (the machine's generator, from its seed) by a process and,
 * after a while, its child too; every value read is the last one written there (a shadow copy in
 * the host), and the checker is clean after every step.
 */
#define OC_ANON		(NPAGES * 2)	/* pages of each region */
#define OC_AOBJ		(NPAGES / 2)
#define OC_FILE		(NPAGES / 2)
#define OC_STEPS	1500

static void
test_overcommit(void **state)
{
	struct uvmexp *ux = uvmsim_uvmexp(m);
	struct uvm_object *ao, *f;
	struct proc *child = NULL;
	uint64_t *shadow, *cshadow, v, rnd;
	const vaddr_t va_anon = VA, va_aobj = VA + 0x1000000UL,
	    va_file = VA + 0x2000000UL;
	const int total = OC_ANON + OC_AOBJ + OC_FILE;
	int step, i, words = 4;

	(void)state;
	assert_true(total >= 3 * NPAGES);
	shadow = calloc((size_t)total * words, sizeof(*shadow));
	cshadow = calloc((size_t)total * words, sizeof(*cshadow));
	assert_non_null(shadow);
	assert_non_null(cshadow);
	map_anon(va_anon, OC_ANON);
	ao = uao_create((vsize_t)OC_AOBJ * ps, 0);
	assert_non_null(ao);
	tu_map_object(m, map, va_aobj, ao, OC_AOBJ, UVM_INH_SHARE,
	    UVM_ADV_NORMAL, 0);
	assert_int_equal(uvmsim_file_create(m, (size_t)OC_FILE * ps, &f), 0);
	tu_map_object(m, map, va_file, f, OC_FILE, UVM_INH_SHARE,
	    UVM_ADV_NORMAL, 0);

	for (step = 0; step < OC_STEPS; step++) {
		int pg, w, who, wr;
		vaddr_t va;
		struct proc *pr;
		uint64_t *sh;

		rnd = uvmsim_random(m);
		pg = (int)((rnd >> 33) % (unsigned)total);
		w = (int)((rnd >> 20) % (unsigned)words);
		wr = (int)((rnd >> 11) & 1);
		who = child != NULL && ((rnd >> 7) & 1);
		if (pg < OC_ANON)
			va = va_anon + (vaddr_t)pg * ps;
		else if (pg < OC_ANON + OC_AOBJ)
			va = va_aobj + (vaddr_t)(pg - OC_ANON) * ps;
		else
			va = va_file + (vaddr_t)(pg - OC_ANON - OC_AOBJ) * ps;
		va += (vaddr_t)w * (ps / (size_t)words);
		pr = who ? child : p;
		/* private memory is the child's own after the fork; shared
		 * memory is one for both */
		sh = who && pg < OC_ANON ? cshadow : shadow;
		if (wr) {
			v = rnd ^ (uint64_t)step;
			if (uvmsim_store(m, 0, pr->p_vmspace, va, 8, v) != 0) {
				struct uvmsim_segv sv;

				uvmsim_last_segv(m, &sv);
				fail_msg("step %d: page %d: the store failed "
				    "with uvm_fault's %d, %d frames free", step,
				    pg, sv.error, ux->free);
			}
			sh[pg * words + w] = v;
			if (child == NULL || pg >= OC_ANON)
				cshadow[pg * words + w] = v;
		} else {
			assert_int_equal(uvmsim_load(m, 0, pr->p_vmspace, va,
			    8, &v), 0);
			if (v != sh[pg * words + w])
				fail_msg("step %d: page %d word %d of %s: %#jx, "
				    "not %#jx", step, pg, w, who ? "child" :
				    "parent", (uintmax_t)v,
				    (uintmax_t)sh[pg * words + w]);
		}
		CHECK(m);
		if (step == OC_STEPS / 3) {
			assert_int_equal(uvmsim_proc_fork(m, p, &child), 0);
			CHECK(m);
		}
	}
	assert_true(ux->pdfreed > 0);
	assert_true(ux->pgswapout > 0);
	assert_true(ux->pgswapin > 0);
	/* everything, read back at the end, by both */
	for (i = 0; i < total * words; i++) {
		int pg = i / words, w = i % words;
		vaddr_t va = (pg < OC_ANON ? va_anon + (vaddr_t)pg * ps :
		    pg < OC_ANON + OC_AOBJ ?
		    va_aobj + (vaddr_t)(pg - OC_ANON) * ps :
		    va_file + (vaddr_t)(pg - OC_ANON - OC_AOBJ) * ps) +
		    (vaddr_t)w * (ps / (size_t)words);

		assert_int_equal(uvmsim_load(m, 0, p->p_vmspace, va, 8, &v), 0);
		assert_true(v == shadow[i]);
		assert_int_equal(uvmsim_load(m, 0, child->p_vmspace, va, 8, &v),
		    0);
		assert_true(v == cshadow[i]);
	}
	CHECK(m);
	uvmsim_proc_exit(m, child);
	CHECK(m);
	uvm_unmap(map, va_anon, va_file + (vaddr_t)OC_FILE * ps);
	CHECK(m);
	assert_int_equal(ux->swpginuse, 0);
	free(shadow);
	free(cshadow);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		TU_TEST(test_targets),
		TU_TEST(test_reactivate),
		TU_TEST(test_never_frees),
		TU_TEST(test_trylock_skip),
		TU_TEST(test_dirtyreacts),
		TU_TEST(test_adopt),
		TU_TEST(test_oa_loan_pageout),
		TU_TEST(test_zero_loans),
		cmocka_unit_test_setup_teardown(test_policy_hook, setup_hook,
		    teardown),
		TU_TEST(test_uvm_wait),
		TU_TEST(test_hook_runs_daemon),
		TU_TEST(test_overcommit),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
