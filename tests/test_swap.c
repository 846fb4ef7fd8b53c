/*
 * test_swap.c: the swap device: its configuration, slot allocation and
 * the checker's swap.slots, and pages of anons, anonymous objects and
 * files going out (the page daemon, pgo_put) and coming back (a fault,
 * pgo_get) with their contents, through fork too; each swap failpoint
 * and what it leaves.
 */
#include "testutil.h"

#include <errno.h>
#include <stdlib.h>

#define VA	0x400000UL
#define NPAGES	64		/* frames of the machine */
#define NSLOTS	64		/* slots of its swap */

static struct uvmsim_machine *m;
static struct proc *p;
static struct vm_map *map;
static size_t ps;

/* Frames taken from the free list to make memory short: busy, owned by
 * nobody, on no queue. */
static struct vm_page *hog[NPAGES];
static int nhog;

static int
setup_slots(size_t slots)
{
	struct uvmsim_config cfg;

	tu_config(&cfg, NPAGES);
	cfg.swap_slots = slots;
	cfg.uvm_wait = UVMSIM_WAIT_PAGEDAEMON;
	m = tu_proc_setup_cfg(&cfg, &p, &map, &ps);
	nhog = 0;
	return 0;
}

static int
setup(void **state)
{
	(void)state;
	return setup_slots(NSLOTS);
}

static int
setup_noswap(void **state)
{
	(void)state;
	return setup_slots(0);
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
	return (uint8_t)(seed * 7u + (uint32_t)i * 13u + j * 3u + (j >> 8));
}

/* Write page i of the pattern seed at va through CPU 0. */
static void
put_page(vaddr_t va, int i, uint32_t seed)
{
	uint8_t *buf = malloc(ps);
	size_t j;

	assert_non_null(buf);
	for (j = 0; j < ps; j++)
		buf[j] = pbyte(seed, i, j);
	assert_int_equal(uvmsim_copyout(m, 0, p->p_vmspace, buf, va, ps), 0);
	free(buf);
	CHECK(m);
}

/* Read the page at va through CPU 0: 0 and the pattern checked, or the
 * access's error. */
static int
get_page(struct proc *pr, vaddr_t va, int i, uint32_t seed)
{
	uint8_t *buf = malloc(ps);
	size_t j;
	int error;

	assert_non_null(buf);
	error = uvmsim_copyin(m, 0, pr->p_vmspace, va, buf, ps);
	if (error == 0)
		for (j = 0; j < ps; j++)
			if (buf[j] != pbyte(seed, i, j))
				fail_msg("va %#lx byte %zu: %#x, not %#x",
				    (unsigned long)va, j, buf[j],
				    pbyte(seed, i, j));
	free(buf);
	CHECK(m);
	return error;
}

/*
 * With every free frame taken, run the page daemon until done(arg) says
 * so (at most 16 runs); the frames it frees are taken again after each
 * run, so it keeps working.  Returns the runs made.
 */
static int
squeeze(bool (*done)(void *), void *arg)
{
	int runs = 0;

	while (!done(arg) && runs < 16) {
		tu_hog_all(m, hog, &nhog, NPAGES);
		assert_true(uvmsim_pagedaemon_run(m, 0) >= 0);
		CHECK(m);
		runs++;
	}
	tu_hog_all(m, hog, &nhog, NPAGES);
	tu_hog_release(m, hog, &nhog);
	return runs;
}

/* The anon has no page (it is in swap only). */
static bool
anon_out(void *arg)
{
	return ((struct vm_anon *)arg)->u.an_page == NULL;
}

static bool
obj_out(void *arg)
{
	struct uvm_object *uobj = arg;

	return uobj->uo_npages == 0;
}

static void
test_config(void **state)
{
	struct uvmsim_config cfg;
	struct uvmsim_machine *bad;

	(void)state;
	uvmsim_config_init(&cfg);
	assert_int_equal(cfg.swap_slots, 0);
	assert_int_equal(cfg.uvm_wait, UVMSIM_WAIT_HOOK);
	cfg.swap_slots = UVMSIM_MAX_SWAP_SLOTS + 1;
	assert_int_equal(uvmsim_machine_create(&cfg, &bad), EINVAL);
	assert_null(bad);
	assert_non_null(strstr(uvmsim_last_error(), "swap_slots"));
	cfg.swap_slots = 4;
	cfg.uvm_wait = 7;
	assert_int_equal(uvmsim_machine_create(&cfg, &bad), EINVAL);
	assert_non_null(strstr(uvmsim_last_error(), "uvm_wait"));
	/* the machine of the fixture */
	assert_int_equal(uvmsim_uvmexp(m)->swpages, NSLOTS);
	assert_int_equal(uvmsim_uvmexp(m)->nswapdev, 1);
	assert_int_equal(uvmsim_uvmexp(m)->swpginuse, 0);
	assert_null(uvmsim_uvmexp(NULL));
	assert_int_equal(uvmsim_pagedaemon_run(NULL, 0), -1);
	assert_non_null(strstr(uvmsim_last_error(), "m: NULL"));
}

/* Slots: next fit, full, freed; the checker wants an owner for each. */
static void
test_slots(void **state)
{
	struct uvmexp *ux = uvmsim_uvmexp(m);
	struct vm_anon *anon;
	int n, s, first, slots[NSLOTS];

	(void)state;
	n = 1;
	first = uvm_swap_alloc(&n, FALSE);
	assert_int_equal(first, 1);
	n = 1;
	assert_int_equal(uvm_swap_alloc(&n, FALSE), 2);
	assert_int_equal(ux->swpginuse, 2);
	uvm_swap_free(1, 1);
	/* next fit: the slot freed behind the cursor waits its turn */
	n = 1;
	assert_int_equal(uvm_swap_alloc(&n, FALSE), 3);
	uvm_swap_free(2, 2);
	/* a run of 4 */
	n = 4;
	assert_int_equal(uvm_swap_alloc(&n, FALSE), 4);
	uvm_swap_free(4, 4);
	assert_int_equal(ux->swpginuse, 0);

	/* fill it: then the search wraps, finds nothing and says 0 */
	for (s = 0; s < NSLOTS; s++) {
		n = 1;
		slots[s] = uvm_swap_alloc(&n, FALSE);
		assert_true(slots[s] > 0);
	}
	assert_true(uvm_swapisfull());
	n = 1;
	assert_int_equal(uvm_swap_alloc(&n, TRUE), 0);
	/* one slot back: found past the wrap */
	uvm_swap_free(slots[5], 1);
	n = 3;
	s = uvm_swap_alloc(&n, TRUE);
	assert_int_equal(s, slots[5]);
	assert_int_equal(n, 1);
	/* allocated slots with no owner: the checker says so */
	tu_expect_problem(m, "swap.slots", "swpginuse", __LINE__);
	for (s = 0; s < NSLOTS; s++)
		uvm_swap_free(slots[s], 1);
	CHECK(m);

	/* an anon naming a free slot */
	anon = uvm_analloc();
	assert_non_null(anon);
	anon->an_swslot = 9;
	tu_expect_problem(m, "swap.slots", "an_swslot", __LINE__);
	anon->an_swslot = 0;
	anon->an_ref = 0;
	simple_unlock(&anon->an_lock);
	uvm_anfree(anon);
	CHECK(m);

	/* a free slot freed again panics */
	EXPECT_PANIC(m, uvm_swap_free(3, 1), "slot 3 is free");
	EXPECT_PANIC(m, uvm_swap_free(NSLOTS + 1, 1), "not on the swap");
}

/*
 * An anon's page goes out to swap and comes back with its bytes; the
 * anon keeps its slot after the swap-in, and its new page is clean until
 * written again; exit frees the slot.
 */
static void
test_anon_roundtrip(void **state)
{
	struct uvmexp *ux = uvmsim_uvmexp(m);
	struct vm_anon *anon;
	int slot, i;

	(void)state;
	tu_map_anon(m, map, VA, 8, VM_PROT_READ | VM_PROT_WRITE,
	    UVM_INH_COPY, UVM_ADV_NORMAL, 0);
	for (i = 0; i < 8; i++)
		put_page(VA + (vaddr_t)i * ps, i, 1);
	anon = tu_anon_at(map, VA);
	assert_non_null(anon);
	assert_int_equal(anon->an_swslot, 0);

	/* frames: all taken but the daemon's; it pushes the anon out */
	assert_true(squeeze(anon_out, anon) > 0);
	assert_null(anon->u.an_page);
	slot = anon->an_swslot;
	assert_true(slot > 0);
	assert_true(ux->pgswapout > 0);
	assert_true(ux->pdfreed > 0);

	/* read back through the MMU: the bytes are the same */
	assert_int_equal(get_page(p, VA, 0, 1), 0);
	assert_non_null(anon->u.an_page);
	assert_int_equal(anon->an_swslot, slot);
	assert_true(ux->pgswapin >= 1);
	for (i = 1; i < 8; i++)
		assert_int_equal(get_page(p, VA + (vaddr_t)i * ps, i, 1), 0);

	/* written again: pushed out once more, to a slot of its own */
	put_page(VA, 0, 2);
	assert_true(squeeze(anon_out, anon) > 0);
	assert_int_equal(get_page(p, VA, 0, 2), 0);
	assert_true(ux->swpginuse > 0);
}

/* A loan of an anon that is in swap reads the page back first
 * (uvmfault_anonget): the kernel borrows the anon's bytes. */
static void
test_loan_swapped(void **state)
{
	struct vm_page *pgs[2];
	struct vm_anon *anon;
	size_t j;
	int i;

	(void)state;
	tu_map_anon(m, map, VA, 2, VM_PROT_READ | VM_PROT_WRITE,
	    UVM_INH_COPY, UVM_ADV_NORMAL, 0);
	put_page(VA, 0, 12);
	put_page(VA + ps, 1, 12);
	anon = tu_anon_at(map, VA);
	assert_true(squeeze(anon_out, anon) > 0);
	assert_int_equal(uvm_loan(map, VA, 2 * ps, pgs, UVM_LOAN_TOPAGE), 0);
	CHECK(m);
	assert_ptr_equal(anon->u.an_page, pgs[0]);
	for (i = 0; i < 2; i++)
		for (j = 0; j < ps; j++)
			assert_int_equal(((uint8_t *)uvmsim_page_data(m,
			    pgs[i]))[j], pbyte(12, i, j));
	uvm_unloan(pgs, 2, UVM_LOAN_TOPAGE);
	CHECK(m);
	assert_int_equal(get_page(p, VA, 0, 12), 0);
}

/* The same through fork: parent and child share the anon (copy on
 * write), both read it back after it went out; a write by the child
 * afterwards leaves the parent's bytes alone. */
static void
test_anon_fork(void **state)
{
	struct proc *child;
	struct vm_anon *anon;

	(void)state;
	tu_map_anon(m, map, VA, 2, VM_PROT_READ | VM_PROT_WRITE,
	    UVM_INH_COPY, UVM_ADV_NORMAL, 0);
	put_page(VA, 0, 3);
	put_page(VA + ps, 1, 3);
	assert_int_equal(uvmsim_proc_fork(m, p, &child), 0);
	CHECK(m);
	anon = tu_anon_at(map, VA);
	assert_true(squeeze(anon_out, anon) > 0);
	assert_int_equal(get_page(child, VA, 0, 3), 0);
	assert_int_equal(get_page(p, VA, 0, 3), 0);
	assert_true(squeeze(anon_out, anon) > 0);
	/* the child writes: its own copy, read in from swap first */
	assert_int_equal(uvmsim_store(m, 0, child->p_vmspace, VA, 8,
	    0x1122334455667788ULL), 0);
	CHECK(m);
	assert_int_equal(get_page(p, VA, 0, 3), 0);
	assert_int_equal(get_page(p, VA + ps, 1, 3), 0);
	uvmsim_proc_exit(m, child);
	CHECK(m);
}

/*
 * An anonymous object's pages: written through a shared mapping, pushed
 * out by the daemon into the object's slots (uao_find_swslot), read back
 * by the fault through pgo_get; pgo_put with PGO_CLEANIT|PGO_FREE pushes
 * them out too, and PGO_FREE alone throws them away (zeros).
 */
static void
test_aobj_roundtrip(void **state)
{
	struct uvm_object *ao;
	struct vm_page *pg;
	int i, n;

	(void)state;
	ao = uao_create(4 * ps, 0);
	assert_non_null(ao);
	tu_map_object(m, map, VA, ao, 4, UVM_INH_SHARE, UVM_ADV_NORMAL, 0);
	uao_reference(ao);		/* ours; the first is the mapping's */
	for (i = 0; i < 4; i++)
		put_page(VA + (vaddr_t)i * ps, i, 4);
	assert_int_equal(uao_find_swslot(ao, 0), 0);
	assert_true(squeeze(obj_out, ao) > 0);
	for (i = 0; i < 4; i++)
		assert_true(uao_find_swslot(ao, i) > 0);
	for (i = 0; i < 4; i++)
		assert_int_equal(get_page(p, VA + (vaddr_t)i * ps, i, 4), 0);
	assert_int_equal(ao->uo_npages, 4);

	/* pgo_put(CLEANIT|FREE): clean pages with a slot are just freed;
	 * a written one goes to a new slot */
	put_page(VA + ps, 1, 5);
	assert_int_equal(tu_pgo_put(ao, 0, 0, PGO_ALLPAGES | PGO_CLEANIT |
	    PGO_FREE), 0);
	CHECK(m);
	assert_int_equal(ao->uo_npages, 0);
	assert_int_equal(get_page(p, VA + ps, 1, 5), 0);
	assert_int_equal(get_page(p, VA, 0, 4), 0);

	/* pgo_get brings a page in from its slot, not zeros */
	pg = NULL;
	n = 1;
	assert_int_equal(tu_pgo_get_sync(ao, tu_pgoff(m, 2), &pg, n, 0), 0);
	assert_non_null(pg);
	assert_int_equal(tu_word(m, pg, 0) & 0xff, pbyte(4, 2, 0));
	simple_lock(&ao->vmobjlock);
	tu_pgo_release(&pg, 1);
	simple_unlock(&ao->vmobjlock);
	CHECK(m);

	/* PGO_FREE alone: the range reads as zeros, its slots go */
	assert_int_equal(tu_pgo_put(ao, 0, 2 * ps, PGO_FREE), 0);
	CHECK(m);
	assert_int_equal(uao_find_swslot(ao, 0), 0);
	assert_int_equal(uao_find_swslot(ao, 1), 0);
	{
		uint64_t v = 1;

		assert_int_equal(uvmsim_load(m, 0, p->p_vmspace, VA, 8, &v),
		    0);
		assert_int_equal(v, 0);
	}
	assert_int_equal(get_page(p, VA + 3 * ps, 3, 4), 0);
	/* the mapping's reference and ours go: every slot with them */
	uao_detach(ao);
	uvm_unmap(map, VA, VA + 4 * ps);
	CHECK(m);
	assert_int_equal(uvmsim_uvmexp(m)->swpginuse, 0);
}

/*
 * A file's dirty pages: the daemon has the vnode pager write them to the
 * store (uvmsim_file_read sees the bytes) and frees them; they come back
 * from the store.
 */
static void
test_file_writeback(void **state)
{
	struct uvm_object *f;
	uint8_t b;
	int i;

	(void)state;
	assert_int_equal(uvmsim_file_create(m, 4 * ps, &f), 0);
	f->pgops->pgo_reference(f);
	tu_map_object(m, map, VA, f, 4, UVM_INH_SHARE, UVM_ADV_NORMAL, 0);
	for (i = 0; i < 4; i++)
		put_page(VA + (vaddr_t)i * ps, i, 6);
	assert_int_equal(uvmsim_file_read(m, f, ps + 5, &b, 1), 0);
	assert_int_equal(b, 0);		/* not written back yet */
	assert_true(squeeze(obj_out, f) > 0);
	for (i = 0; i < 4; i++) {
		assert_int_equal(uvmsim_file_read(m, f, (size_t)i * ps + 5,
		    &b, 1), 0);
		assert_int_equal(b, pbyte(6, i, 5));
	}
	assert_int_equal(uvmsim_uvmexp(m)->swpginuse, 0);
	for (i = 0; i < 4; i++)
		assert_int_equal(get_page(p, VA + (vaddr_t)i * ps, i, 6), 0);
	uvm_unmap(map, VA, VA + 4 * ps);
	f->pgops->pgo_detach(f);
	CHECK(m);
}

/*
 * Swap full (the "uvm_swap_alloc" failpoint) and a write error
 * ("uvm_swap_put.eio"): the page daemon leaves the anon's page resident,
 * dirty and active, with no slot; nothing is lost.
 */
static void
test_fp_swap_full_and_write(void **state)
{
	struct uvmexp *ux = uvmsim_uvmexp(m);
	struct vm_anon *anon;
	struct vm_page *pg;
	const char *fps[2] = { "uvm_swap_alloc", "uvm_swap_put.eio" };
	int k;

	(void)state;
	tu_map_anon(m, map, VA, 1, VM_PROT_READ | VM_PROT_WRITE,
	    UVM_INH_COPY, UVM_ADV_NORMAL, 0);
	put_page(VA, 0, 7);
	anon = tu_anon_at(map, VA);
	for (k = 0; k < 2; k++) {
		assert_int_equal(uvmsim_failpoint_set(m, fps[k], 1, 1000), 0);
		squeeze(anon_out, anon);
		assert_true(uvmsim_failpoint_fired(m, fps[k]) > 0);
		assert_int_equal(uvmsim_failpoint_set(m, fps[k], 1, 0), 0);
		pg = anon->u.an_page;
		assert_non_null(pg);
		assert_int_equal(anon->an_swslot, 0);
		assert_int_equal(pg->flags & PG_CLEAN, 0);
		assert_true(pg->pqflags & (PQ_ACTIVE | PQ_INACTIVE));
		assert_int_equal(ux->swpginuse, 0);
		assert_int_equal(get_page(p, VA, 0, 7), 0);
	}
	/* with the failpoints gone it goes out and comes back */
	assert_true(squeeze(anon_out, anon) > 0);
	assert_int_equal(get_page(p, VA, 0, 7), 0);
}

/*
 * A read error ("uvm_swap_get.eio"): the access fails with uvm_fault's
 * error (EIO) and the anon keeps its slot and its bytes: once the
 * failpoint is gone, the same access reads them.
 */
static void
test_fp_swap_read(void **state)
{
	struct uvmsim_segv sv;
	struct vm_anon *anon;
	uint64_t v;
	int slot, nfree;

	(void)state;
	tu_map_anon(m, map, VA, 1, VM_PROT_READ | VM_PROT_WRITE,
	    UVM_INH_COPY, UVM_ADV_NORMAL, 0);
	put_page(VA, 0, 8);
	anon = tu_anon_at(map, VA);
	assert_true(squeeze(anon_out, anon) > 0);
	slot = anon->an_swslot;
	nfree = tu_nfree(m);
	assert_int_equal(uvmsim_failpoint_set(m, "uvm_swap_get.eio", 1, 1), 0);
	assert_int_equal(uvmsim_load(m, 0, p->p_vmspace, VA, 8, &v), EFAULT);
	CHECK(m);
	uvmsim_last_segv(m, &sv);
	assert_int_equal(sv.error, EIO);
	assert_int_equal(sv.addr, VA);
	assert_null(anon->u.an_page);
	assert_int_equal(anon->an_swslot, slot);
	assert_int_equal(tu_nfree(m), nfree);	/* the page tried is freed */
	assert_int_equal(get_page(p, VA, 0, 8), 0);

	/* the same for an aobj page: pgo_get fails with EIO, the slot
	 * stays, and the page comes back afterwards */
	{
		struct uvm_object *ao = uao_create(ps, 0);
		struct vm_page *pg = NULL;

		assert_non_null(ao);
		tu_map_object(m, map, VA + 4 * ps, ao, 1, UVM_INH_SHARE,
		    UVM_ADV_NORMAL, 0);
		uao_reference(ao);
		put_page(VA + 4 * ps, 0, 9);
		assert_true(squeeze(obj_out, ao) > 0);
		slot = uao_find_swslot(ao, 0);
		assert_true(slot > 0);
		assert_int_equal(uvmsim_failpoint_set(m, "uvm_swap_get.eio", 1,
		    1), 0);
		assert_int_equal(tu_pgo_get_sync(ao, 0, &pg, 1, 0), EIO);
		CHECK(m);
		assert_null(pg);
		assert_int_equal(ao->uo_npages, 0);
		assert_int_equal(uao_find_swslot(ao, 0), slot);
		assert_int_equal(get_page(p, VA + 4 * ps, 0, 9), 0);
		uao_detach(ao);
		uvm_unmap(map, VA + 4 * ps, VA + 5 * ps);
		CHECK(m);
	}
}

/* pgo_put(PGO_CLEANIT|PGO_FREE) of an aobj with swap full keeps the
 * dirty page resident: the free is not done without the write. */
static void
test_aobj_put_full(void **state)
{
	struct uvm_object *ao;

	(void)state;
	ao = uao_create(ps, 0);
	assert_non_null(ao);
	tu_map_object(m, map, VA, ao, 1, UVM_INH_SHARE, UVM_ADV_NORMAL, 0);
	uao_reference(ao);
	put_page(VA, 0, 10);
	assert_int_equal(uvmsim_failpoint_set(m, "uvm_swap_alloc", 1, 1), 0);
	assert_int_equal(tu_pgo_put(ao, 0, 0, PGO_ALLPAGES | PGO_CLEANIT |
	    PGO_FREE), 0);
	CHECK(m);
	assert_int_equal(ao->uo_npages, 1);
	assert_int_equal(uao_find_swslot(ao, 0), 0);
	assert_int_equal(get_page(p, VA, 0, 10), 0);
	assert_int_equal(uvmsim_failpoint_set(m, "uvm_swap_put.eio", 1, 1), 0);
	assert_int_equal(tu_pgo_put(ao, 0, 0, PGO_ALLPAGES | PGO_CLEANIT |
	    PGO_FREE), 0);
	CHECK(m);
	assert_int_equal(ao->uo_npages, 1);
	assert_int_equal(uvmsim_uvmexp(m)->swpginuse, 0);
	assert_int_equal(get_page(p, VA, 0, 10), 0);
	uao_detach(ao);
	uvm_unmap(map, VA, VA + ps);
	CHECK(m);
}

/*
 * No swap: the daemon frees clean file pages but keeps every anonymous
 * page, dirty and resident; when it can free nothing, a fault that needs
 * a frame fails with ENOMEM (uvm_fault's error) instead of waiting for
 * ever.
 */
static void
test_noswap(void **state)
{
	struct uvmexp *ux = uvmsim_uvmexp(m);
	struct uvmsim_segv sv;
	struct vm_anon *anon;
	int i, freed;

	(void)state;
	assert_int_equal(ux->swpages, 0);
	assert_int_equal(ux->nswapdev, 0);
	tu_map_anon(m, map, VA, 5, VM_PROT_READ | VM_PROT_WRITE,
	    UVM_INH_COPY, UVM_ADV_NORMAL, 0);
	for (i = 0; i < 4; i++)
		put_page(VA + (vaddr_t)i * ps, i, 11);
	anon = tu_anon_at(map, VA);
	tu_hog_all(m, hog, &nhog, NPAGES);
	freed = 0;
	for (i = 0; i < 4; i++) {
		freed += uvmsim_pagedaemon_run(m, 0);
		CHECK(m);
	}
	assert_int_equal(freed, 0);
	assert_non_null(anon->u.an_page);
	/* out of frames and nothing to free: ENOMEM, reported */
	assert_int_equal(uvmsim_store(m, 0, p->p_vmspace, VA + 4 * ps, 8, 1),
	    EFAULT);
	uvmsim_last_segv(m, &sv);
	assert_int_equal(sv.error, ENOMEM);
	CHECK(m);
	tu_hog_release(m, hog, &nhog);
	for (i = 0; i < 4; i++)
		assert_int_equal(get_page(p, VA + (vaddr_t)i * ps, i, 11), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		TU_TEST(test_config),
		TU_TEST(test_slots),
		TU_TEST(test_anon_roundtrip),
		TU_TEST(test_anon_fork),
		TU_TEST(test_loan_swapped),
		TU_TEST(test_aobj_roundtrip),
		TU_TEST(test_file_writeback),
		TU_TEST(test_fp_swap_full_and_write),
		TU_TEST(test_fp_swap_read),
		TU_TEST(test_aobj_put_full),
		cmocka_unit_test_setup_teardown(test_noswap, setup_noswap,
		    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
