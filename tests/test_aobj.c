/*
 * test_aobj.c: anonymous objects and their pager (uvm_aobj.c).
 *
 * Every test makes its own machine of 16 frames, checks the invariants
 * after each step and frees everything, so Valgrind sees no leak.  The
 * pictures show the object's pages by offset: "." absent, "r" resident,
 * "B" busy, "R" busy and released.
 */
#include "testutil.h"

#include <errno.h>
#include <stdlib.h>

#define NFRAMES	16

static int
setup(void **state)
{
	*state = tu_machine(NFRAMES);
	return 0;
}

static int
teardown(void **state)
{
	tu_destroy(*state);
	return 0;
}

/* The shared pager helpers of testutil, under this file's names. */
#define get_locked(u, o, p, n, c, f)	tu_pgo_get_locked(u, o, p, n, c, f)
#define get_sync(u, o, p, n)		tu_pgo_get_sync(u, o, p, n, 0)
#define put(u, s, e, f)			tu_pgo_put(u, s, e, f)
#define release(p, n)			tu_pgo_release(p, n)
#define make_resident(m, u, n, o)	tu_pgo_resident(m, u, n, o)

static void
test_create_bad(void **state)
{
	struct uvmsim_machine *m = *state;
	size_t ps = uvmsim_page_size(m);

	assert_null(uao_create(0, 0));
	assert_non_null(strstr(uvmsim_last_error(), "size"));
	assert_null(uao_create(ps + 1, 0));
	assert_non_null(strstr(uvmsim_last_error(), "size"));
	assert_null(uao_create(ps, 1));
	assert_non_null(strstr(uvmsim_last_error(), "flags"));
	CHECK(m);
}

static void
test_create_ref_detach(void **state)
{
	struct uvmsim_machine *m = *state;
	struct vm_page *pgs[4];
	struct uvm_object *uobj;
	int free0 = tu_nfree(m);

	uobj = uao_create(4 * uvmsim_page_size(m), 0);
	assert_non_null(uobj);
	assert_true(uvmsim_is_aobj(uobj));
	assert_false(uvmsim_is_file(m, uobj));
	assert_false(uvmsim_is_aobj(NULL));
	assert_int_equal(uobj->uo_refs, 1);
	assert_int_equal(uobj->uo_npages, 0);
	CHECK(m);

	uao_reference(uobj);
	assert_int_equal(uobj->uo_refs, 2);
	CHECK(m);

	/* r r r . */
	make_resident(m, uobj, 3, pgs);
	assert_int_equal(uobj->uo_npages, 3);
	assert_int_equal(tu_nfree(m), free0 - 3);

	uao_detach(uobj);
	assert_int_equal(uobj->uo_refs, 1);
	assert_int_equal(uobj->uo_npages, 3);
	assert_int_equal(tu_nfree(m), free0 - 3);
	CHECK(m);

	/* the last reference takes the pages with it */
	uao_detach(uobj);
	assert_int_equal(tu_nfree(m), free0);
	CHECK(m);
}

static void
test_locked_get_zero(void **state)
{
	struct uvmsim_machine *m = *state;
	struct vm_page *pps[3] = { NULL }, *first[3];
	struct uvm_object *uobj;
	int free0 = tu_nfree(m), i, np;

	uobj = uao_create(4 * uvmsim_page_size(m), 0);
	assert_non_null(uobj);

	/* . . . .  ->  B B B .   (no I/O: zero pages made on the spot) */
	np = 3;
	assert_int_equal(get_locked(uobj, 0, pps, &np, 1, 0), 0);
	assert_true(simple_lock_held(&uobj->vmobjlock));
	assert_int_equal(np, 3);
	assert_int_equal(uobj->uo_npages, 3);
	assert_int_equal(tu_nfree(m), free0 - 3);
	for (i = 0; i < 3; i++) {
		assert_non_null(pps[i]);
		assert_ptr_equal(pps[i]->uobject, uobj);
		assert_true(pps[i]->offset == tu_pgoff(m, i));
		assert_true(pps[i]->flags & PG_BUSY);
		assert_false(pps[i]->flags & PG_FAKE);
		assert_false(pps[i]->flags & PG_CLEAN);
		assert_true(pps[i]->pqflags & PQ_AOBJ);
		assert_true(tu_is_zero(m, pps[i]));
		first[i] = pps[i];
	}
	tu_fill(m, pps[1], 7);
	release(pps, 3);
	simple_unlock(&uobj->vmobjlock);
	CHECK(m);

	/* r r r .  ->  r B r .   resident, unbusy: busied and handed back */
	np = 3;
	pps[0] = first[0];	/* a page the caller has: left alone */
	assert_int_equal(get_locked(uobj, 0, pps, &np, 1, 0), 0);
	assert_int_equal(np, 2);
	assert_ptr_equal(pps[1], first[1]);
	assert_ptr_equal(pps[2], first[2]);
	assert_string_equal(pps[1]->owner_tag, "uao_get1");
	assert_true(tu_verify(m, pps[1], 7));
	assert_false(first[0]->flags & PG_BUSY);
	pps[0] = NULL;
	simple_unlock(&uobj->vmobjlock);
	CHECK(m);

	/* r B B .  page 0 is free to take; page 1 busy but not the centre */
	simple_lock(&uobj->vmobjlock);
	{
		struct vm_page *two[2] = { NULL, NULL };

		np = 2;
		assert_int_equal(uobj->pgops->pgo_get(uobj, 0, two, &np, 0,
		    VM_PROT_READ, MADV_NORMAL, PGO_LOCKED), 0);
		assert_int_equal(np, 1);
		assert_ptr_equal(two[0], first[0]);
		assert_null(two[1]);
		release(two, 2);
	}
	/* B as the centre: EBUSY, nothing returned */
	{
		struct vm_page *c[1] = { NULL };

		np = 1;
		assert_int_equal(uobj->pgops->pgo_get(uobj, tu_pgoff(m, 1), c,
		    &np, 0, VM_PROT_READ, MADV_NORMAL, PGO_LOCKED), EBUSY);
		assert_int_equal(np, 0);
		assert_null(c[0]);
	}
	release(pps, 3);
	simple_unlock(&uobj->vmobjlock);
	CHECK(m);

	/* PGO_ALLPAGES: one busy page anywhere makes it EBUSY */
	simple_lock(&uobj->vmobjlock);
	{
		struct vm_page *b[1] = { NULL };

		np = 1;
		assert_int_equal(uobj->pgops->pgo_get(uobj, tu_pgoff(m, 2), b,
		    &np, 0, VM_PROT_READ, MADV_NORMAL, PGO_LOCKED), 0);
		np = 3;
		assert_int_equal(uobj->pgops->pgo_get(uobj, 0, pps, &np, 0,
		    VM_PROT_READ, MADV_NORMAL, PGO_LOCKED | PGO_ALLPAGES),
		    EBUSY);
		assert_int_equal(np, 2);
		assert_null(pps[2]);
		release(pps, 3);
		release(b, 1);
	}
	simple_unlock(&uobj->vmobjlock);
	CHECK(m);

	uao_detach(uobj);
	assert_int_equal(tu_nfree(m), free0);
	CHECK(m);
}

static void
test_unlocked_get(void **state)
{
	struct uvmsim_machine *m = *state;
	struct vm_page *pps[2] = { NULL }, *res[1];
	struct uvm_object *uobj;
	int free0 = tu_nfree(m);

	uobj = uao_create(4 * uvmsim_page_size(m), 0);
	assert_non_null(uobj);

	/* r . . .   page 0 holds data */
	make_resident(m, uobj, 1, res);
	simple_lock(&uobj->vmobjlock);
	tu_fill(m, res[0], 3);
	res[0]->flags &= ~PG_CLEAN;
	simple_unlock(&uobj->vmobjlock);
	CHECK(m);

	/* r . . .  ->  B B . .   with the object unlocked on return */
	assert_int_equal(get_sync(uobj, 0, pps, 2), 0);
	assert_false(simple_lock_held(&uobj->vmobjlock));
	assert_ptr_equal(pps[0], res[0]);
	assert_true(tu_verify(m, pps[0], 3));
	assert_false(pps[0]->flags & PG_CLEAN);	/* still dirty */
	assert_string_equal(pps[0]->owner_tag, "uao_get");
	assert_non_null(pps[1]);
	assert_true(pps[1]->flags & PG_BUSY);
	assert_true(pps[1]->flags & PG_CLEAN);
	assert_false(pps[1]->flags & PG_FAKE);
	assert_true(pps[1]->pqflags & PQ_AOBJ);
	assert_true(tu_is_zero(m, pps[1]));
	assert_int_equal(tu_nfree(m), free0 - 2);
	CHECK(m);

	simple_lock(&uobj->vmobjlock);
	release(pps, 2);
	simple_unlock(&uobj->vmobjlock);
	CHECK(m);
	uao_detach(uobj);
	assert_int_equal(tu_nfree(m), free0);
	CHECK(m);
}

static void
test_put(void **state)
{
	struct uvmsim_machine *m = *state;
	struct vm_page *pgs[4], *pps[1] = { NULL };
	struct uvm_object *uobj;
	int free0 = tu_nfree(m), np;

	uobj = uao_create(4 * uvmsim_page_size(m), 0);
	assert_non_null(uobj);
	make_resident(m, uobj, 4, pgs);
	simple_lock(&uobj->vmobjlock);
	tu_fill(m, pgs[1], 11);
	pgs[1]->flags &= ~PG_CLEAN;
	simple_unlock(&uobj->vmobjlock);

	/* PGO_CLEANIT alone on a machine without swap: nowhere to write
	 * the pages to (test_swap.c writes them), they stay, dirty */
	assert_int_equal(put(uobj, 0, 0, PGO_CLEANIT | PGO_ALLPAGES), 0);
	assert_false(simple_lock_held(&uobj->vmobjlock));
	assert_int_equal(uobj->uo_npages, 4);
	assert_false(pgs[1]->flags & PG_CLEAN);
	assert_true(pgs[1]->pqflags & PQ_ACTIVE);
	CHECK(m);

	/* deactivate [0, 2): pages 0 and 1 go inactive */
	assert_int_equal(put(uobj, 0, tu_pgoff(m, 2), PGO_DEACTIVATE), 0);
	assert_false(simple_lock_held(&uobj->vmobjlock));
	assert_true(pgs[0]->pqflags & PQ_INACTIVE);
	assert_true(pgs[1]->pqflags & PQ_INACTIVE);
	assert_true(pgs[2]->pqflags & PQ_ACTIVE);
	assert_true(pgs[3]->pqflags & PQ_ACTIVE);
	CHECK(m);

	/* r r r r  ->  r . . r   free [1, 3), an unaligned stop rounds up */
	assert_int_equal(put(uobj, tu_pgoff(m, 1), tu_pgoff(m, 2) + 1, PGO_FREE), 0);
	assert_int_equal(uobj->uo_npages, 2);
	assert_int_equal(tu_nfree(m), free0 - 2);
	CHECK(m);

	/* a wired page survives PGO_FREE */
	uvm_lock_pageq();
	uvm_pagewire(pgs[3]);
	uvm_unlock_pageq();
	CHECK(m);
	assert_int_equal(put(uobj, 0, 0, PGO_FREE | PGO_ALLPAGES), 0);
	assert_int_equal(uobj->uo_npages, 1);
	simple_lock(&uobj->vmobjlock);
	assert_ptr_equal(uvm_pagelookup(uobj, tu_pgoff(m, 3)), pgs[3]);
	simple_unlock(&uobj->vmobjlock);
	uvm_lock_pageq();
	uvm_pageunwire(pgs[3]);
	uvm_unlock_pageq();
	CHECK(m);

	/* stop == 0 is the whole object too */
	assert_int_equal(put(uobj, 0, 0, PGO_FREE), 0);
	assert_int_equal(uobj->uo_npages, 0);
	assert_int_equal(tu_nfree(m), free0);
	CHECK(m);

	/* freed contents are gone: page 1 reads as zeros again */
	np = 1;
	assert_int_equal(get_locked(uobj, tu_pgoff(m, 1), pps, &np, 0, 0), 0);
	assert_true(tu_is_zero(m, pps[0]));
	release(pps, 1);
	simple_unlock(&uobj->vmobjlock);
	CHECK(m);

	uao_detach(uobj);
	assert_int_equal(tu_nfree(m), free0);
	CHECK(m);
}

static void
test_put_busy_released(void **state)
{
	struct uvmsim_machine *m = *state;
	struct vm_page *pgs[2], *pps[1] = { NULL };
	struct uvm_object *uobj;
	int free0 = tu_nfree(m), np = 1;

	uobj = uao_create(2 * uvmsim_page_size(m), 0);
	assert_non_null(uobj);
	make_resident(m, uobj, 2, pgs);

	/* r r  ->  B r  ->  R .   the busy page is only marked */
	assert_int_equal(get_locked(uobj, 0, pps, &np, 0, 0), 0);
	simple_unlock(&uobj->vmobjlock);
	assert_int_equal(put(uobj, 0, 0, PGO_FREE | PGO_ALLPAGES), 0);
	assert_int_equal(uobj->uo_npages, 1);
	assert_true(pgs[0]->flags & PG_BUSY);
	assert_true(pgs[0]->flags & PG_RELEASED);
	assert_int_equal(tu_nfree(m), free0 - 1);
	CHECK(m);

	/* the holder sees PG_RELEASED and frees it */
	simple_lock(&uobj->vmobjlock);
	uvm_page_unbusy(pps, 1);
	simple_unlock(&uobj->vmobjlock);
	assert_int_equal(uobj->uo_npages, 0);
	assert_int_equal(tu_nfree(m), free0);
	CHECK(m);

	uao_detach(uobj);
	CHECK(m);
}

static void
test_failpoints(void **state)
{
	struct uvmsim_machine *m = *state;
	struct vm_page *pps[2] = { NULL };
	struct uvm_object *uobj;
	int free0 = tu_nfree(m), np;

	uobj = uao_create(2 * uvmsim_page_size(m), 0);
	assert_non_null(uobj);

	/* EIO, unlocked: the object comes back unlocked, nothing made */
	assert_int_equal(uvmsim_failpoint_set(m, "pgo_get.eio", 1, 1), 0);
	assert_int_equal(get_sync(uobj, 0, pps, 2), EIO);
	assert_false(simple_lock_held(&uobj->vmobjlock));
	assert_null(pps[0]);
	assert_null(pps[1]);
	assert_int_equal(uobj->uo_npages, 0);
	assert_int_equal(tu_nfree(m), free0);
	assert_int_equal(uvmsim_failpoint_fired(m, "pgo_get.eio"), 1);
	CHECK(m);

	/* EIO, locked: the object stays locked, no page */
	assert_int_equal(uvmsim_failpoint_set(m, "pgo_get.eio", 1, 1), 0);
	np = 2;
	assert_int_equal(get_locked(uobj, 0, pps, &np, 0, 0), EIO);
	assert_true(simple_lock_held(&uobj->vmobjlock));
	assert_int_equal(np, 0);
	assert_null(pps[0]);
	simple_unlock(&uobj->vmobjlock);
	assert_int_equal(uobj->uo_npages, 0);
	CHECK(m);

	/* EAGAIN: a shortage met doing I/O, so only the unlocked get. */
	assert_int_equal(uvmsim_failpoint_set(m, "pgo_get.eagain", 1, 1), 0);
	assert_int_equal(get_sync(uobj, 0, pps, 2), EAGAIN);
	assert_false(simple_lock_held(&uobj->vmobjlock));
	assert_null(pps[0]);
	assert_int_equal(uobj->uo_npages, 0);
	assert_int_equal(uvmsim_failpoint_fired(m, "pgo_get.eagain"), 1);
	CHECK(m);

	/* "needs I/O": an unlocked get does not consult it ... */
	assert_int_equal(uvmsim_failpoint_set(m, "pgo_get.io", 1, 1), 0);
	assert_int_equal(get_sync(uobj, 0, pps, 1), 0);
	assert_int_equal(uvmsim_failpoint_hits(m, "pgo_get.io"), 0);
	simple_lock(&uobj->vmobjlock);
	release(pps, 1);
	simple_unlock(&uobj->vmobjlock);
	CHECK(m);
	/* ... a locked one returns EBUSY with no page, resident or not */
	np = 2;
	assert_int_equal(get_locked(uobj, 0, pps, &np, 0, 0), EBUSY);
	assert_int_equal(np, 0);
	assert_null(pps[0]);
	assert_null(pps[1]);
	simple_unlock(&uobj->vmobjlock);
	assert_int_equal(uobj->uo_npages, 1);
	assert_int_equal(uvmsim_failpoint_fired(m, "pgo_get.io"), 1);
	CHECK(m);

	uao_detach(uobj);
	assert_int_equal(tu_nfree(m), free0);
	CHECK(m);
}

static void
test_nomem_unlocked(void **state)
{
	struct uvmsim_machine *m = *state;
	struct vm_page *res[1], *pps[3] = { NULL };
	struct uvm_object *uobj;
	int free0 = tu_nfree(m);

	uobj = uao_create(3 * uvmsim_page_size(m), 0);
	assert_non_null(uobj);
	make_resident(m, uobj, 1, res);

	/*
	 * r . .   get [0, 3): page 0 is busied, page 1 allocated, the
	 * allocation of page 2 fails: all of it is undone.
	 */
	assert_int_equal(uvmsim_failpoint_set(m, "uvm_pagealloc", 2, 1), 0);
	assert_int_equal(get_sync(uobj, 0, pps, 3), ENOMEM);
	assert_false(simple_lock_held(&uobj->vmobjlock));
	assert_int_equal(uvmsim_failpoint_fired(m, "uvm_pagealloc"), 1);
	assert_null(pps[0]);
	assert_null(pps[1]);
	assert_null(pps[2]);
	assert_int_equal(uobj->uo_npages, 1);
	assert_int_equal(tu_nfree(m), free0 - 1);
	assert_false(res[0]->flags & PG_BUSY);
	assert_null(res[0]->owner_tag);
	assert_true(res[0]->pqflags & PQ_ACTIVE);
	CHECK(m);

	/* with memory back, the same call succeeds */
	assert_int_equal(get_sync(uobj, 0, pps, 3), 0);
	assert_int_equal(uobj->uo_npages, 3);
	simple_lock(&uobj->vmobjlock);
	release(pps, 3);
	simple_unlock(&uobj->vmobjlock);
	CHECK(m);

	uao_detach(uobj);
	assert_int_equal(tu_nfree(m), free0);
	CHECK(m);
}

static void
test_busy_panics(void **state)
{
	struct uvmsim_machine *m = *state;
	struct vm_page *pps[2] = { NULL }, *q[2] = { NULL };
	struct uvm_object *uobj;
	int free0 = tu_nfree(m), np = 1;

	uobj = uao_create(2 * uvmsim_page_size(m), 0);
	assert_non_null(uobj);
	assert_int_equal(get_locked(uobj, tu_pgoff(m, 1), pps, &np, 0, 0), 0);
	simple_unlock(&uobj->vmobjlock);
	CHECK(m);

	/* . B   an unlocked get sleeps on page 1; no "page_wait" hook is
	 * set to end the I/O (test_hooks.c), so the sleep would never end */
	np = 2;
	EXPECT_PANIC(m, (simple_lock(&uobj->vmobjlock),
	    uobj->pgops->pgo_get(uobj, 0, q, &np, 0, VM_PROT_READ,
	    MADV_NORMAL, PGO_SYNCIO)), "sleep would never end");
	assert_false(simple_lock_held(&uobj->vmobjlock));
	assert_null(q[0]);
	assert_null(q[1]);
	assert_int_equal(uobj->uo_npages, 1);	/* nothing was made */
	CHECK(m);

	/* and so would the last detach */
	EXPECT_PANIC(m, uao_detach(uobj), "sleep would never end");
	assert_int_equal(uobj->uo_refs, 1);
	CHECK(m);

	simple_lock(&uobj->vmobjlock);
	release(pps, 1);
	simple_unlock(&uobj->vmobjlock);
	uao_detach(uobj);
	assert_int_equal(tu_nfree(m), free0);
	CHECK(m);
}

/* A machine destroyed with an aobj alive frees it (Valgrind: no leak). */
static void
test_teardown_alive(void **state)
{
	struct uvmsim_machine *m = *state;
	struct vm_page *pgs[2];
	struct uvm_object *uobj;

	uobj = uao_create(2 * uvmsim_page_size(m), 0);
	assert_non_null(uobj);
	make_resident(m, uobj, 2, pgs);
	uao_reference(uobj);
	CHECK(m);
	/* teardown() destroys the machine with both references held */
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		TU_TEST(test_create_bad),
		TU_TEST(test_create_ref_detach),
		TU_TEST(test_locked_get_zero),
		TU_TEST(test_unlocked_get),
		TU_TEST(test_put),
		TU_TEST(test_put_busy_released),
		TU_TEST(test_failpoints),
		TU_TEST(test_nomem_unlocked),
		TU_TEST(test_busy_panics),
		TU_TEST(test_teardown_alive),
	};

	return cmocka_run_group_tests_name("aobj", tests, NULL, NULL);
}
