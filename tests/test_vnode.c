/*
 * test_vnode.c: file objects over an in-memory store (uvm_vnode.c).
 *
 * Every test makes its own machine of 16 frames, checks the invariants
 * after each step and frees everything, so Valgrind sees no leak.  The
 * pictures show the file's pages by offset ("." absent, "r" resident,
 * "d" resident and dirty, "B" busy, "R" busy and released) over the
 * store, with "|" marking the end of the file.
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

/* A byte pattern for stores, different from the frame patterns. */
static void
fill_buf(uint8_t *buf, size_t len, unsigned seed)
{
	size_t i;

	for (i = 0; i < len; i++)
		buf[i] = (uint8_t)(i * 7 + seed * 31 + (i >> 8));
}

/* Make a file of size bytes holding the pattern seed. */
static struct uvm_object *
make_file(struct uvmsim_machine *m, size_t size, unsigned seed)
{
	struct uvm_object *uobj = NULL;
	uint8_t *buf = malloc(size + 1);

	assert_non_null(buf);
	fill_buf(buf, size, seed);
	assert_int_equal(uvmsim_file_create(m, size, &uobj), 0);
	assert_non_null(uobj);
	assert_int_equal(uvmsim_file_write(m, uobj, 0, buf, size), 0);
	free(buf);
	CHECK(m);
	return uobj;
}

static void
detach(struct uvm_object *uobj)
{
	uobj->pgops->pgo_detach(uobj);
}

/* The shared pager helpers of testutil, under this file's names. */
#define get_locked(u, o, p, n, c)	tu_pgo_get_locked(u, o, p, n, c, 0)
#define get_sync_flags(u, o, p, n, f)	tu_pgo_get_sync(u, o, p, n, f)
#define get_sync(u, o, p, n)		tu_pgo_get_sync(u, o, p, n, 0)
#define put(u, s, e, f)			tu_pgo_put(u, s, e, f)
#define release(p, n)			tu_pgo_release(p, n)
#define make_resident(m, u, n, o)	tu_pgo_resident(m, u, n, o)

/* Write pattern seed into a resident page, as a CPU store would. */
static void
dirty(struct uvmsim_machine *m, struct uvm_object *uobj, struct vm_page *pg,
    uint32_t seed)
{
	simple_lock(&uobj->vmobjlock);
	tu_fill(m, pg, seed);
	pg->flags &= ~PG_CLEAN;
	simple_unlock(&uobj->vmobjlock);
	CHECK(m);
}

/* Events of this type about uobj in the trace ring. */
static int
count_events(struct uvmsim_machine *m, unsigned type, struct uvm_object *uobj)
{
	struct uvmsim_event *ev = calloc(1024, sizeof(*ev));
	size_t i, n;
	int c = 0;

	assert_non_null(ev);
	n = uvmsim_trace_ring(m, ev, 1024);
	for (i = 0; i < n; i++)
		if (ev[i].type == type && ev[i].arg[0] == uobj->uo_id)
			c++;
	free(ev);
	return c;
}

/* Does the store hold, at off, the len bytes at p? */
static int
store_equals(struct uvmsim_machine *m, struct uvm_object *uobj, size_t off,
    const void *p, size_t len)
{
	uint8_t *buf = malloc(len + 1);
	int eq;

	assert_non_null(buf);
	assert_int_equal(uvmsim_file_read(m, uobj, off, buf, len), 0);
	eq = memcmp(buf, p, len) == 0;
	free(buf);
	return eq;
}

static void
test_create_bad(void **state)
{
	struct uvmsim_machine *m = *state;
	struct uvm_object *uobj = (void *)1;
	struct vm_page *pps[1] = { NULL };
	size_t size = 1;

	assert_int_equal(uvmsim_file_create(m, 10, NULL), EINVAL);
	assert_non_null(strstr(uvmsim_last_error(), "uobjp"));
	assert_int_equal(uvmsim_file_create(m, SIZE_MAX / 2 + 1, &uobj),
	    EINVAL);
	assert_non_null(strstr(uvmsim_last_error(), "size"));
	assert_null(uobj);
	CHECK(m);

	/* an empty file: every page is past the end */
	assert_int_equal(uvmsim_file_create(m, 0, &uobj), 0);
	assert_true(uvmsim_is_file(m, uobj));
	assert_false(uvmsim_is_aobj(uobj));
	assert_int_equal(uobj->uo_refs, 1);
	assert_int_equal(uvmsim_file_size(m, uobj, &size), 0);
	assert_int_equal(size, 0);
	CHECK(m);
	assert_int_equal(get_sync(uobj, 0, pps, 1), EINVAL);
	assert_false(simple_lock_held(&uobj->vmobjlock));
	assert_null(pps[0]);
	CHECK(m);
	detach(uobj);
	CHECK(m);
}

static void
test_api_bad(void **state)
{
	struct uvmsim_machine *m = *state;
	struct uvm_object *uobj, *aobj;
	uint8_t buf[16], back[16];
	size_t size;

	uobj = make_file(m, 100, 1);
	aobj = uao_create(uvmsim_page_size(m), 0);
	assert_non_null(aobj);
	memset(buf, 0xa5, sizeof(buf));

	/* uobj */
	assert_int_equal(uvmsim_file_write(m, NULL, 0, buf, 1), EINVAL);
	assert_non_null(strstr(uvmsim_last_error(), "uobj"));
	assert_int_equal(uvmsim_file_read(m, NULL, 0, buf, 1), EINVAL);
	assert_non_null(strstr(uvmsim_last_error(), "uobj"));
	assert_int_equal(uvmsim_file_size(m, NULL, &size), EINVAL);
	assert_non_null(strstr(uvmsim_last_error(), "uobj"));
	assert_int_equal(uvmsim_file_write(m, aobj, 0, buf, 1), EINVAL);
	assert_non_null(strstr(uvmsim_last_error(),
	    "uobj: not a file object"));
	assert_int_equal(uvmsim_file_read(m, aobj, 0, buf, 1), EINVAL);
	assert_non_null(strstr(uvmsim_last_error(),
	    "uobj: not a file object"));
	assert_int_equal(uvmsim_file_size(m, aobj, &size), EINVAL);
	assert_non_null(strstr(uvmsim_last_error(),
	    "uobj: not a file object"));
	assert_false(uvmsim_is_file(m, aobj));
	assert_false(uvmsim_is_file(m, NULL));
	CHECK(m);

	/* buf */
	assert_int_equal(uvmsim_file_write(m, uobj, 0, NULL, 5), EINVAL);
	assert_non_null(strstr(uvmsim_last_error(), "buf"));
	assert_int_equal(uvmsim_file_read(m, uobj, 0, NULL, 5), EINVAL);
	assert_non_null(strstr(uvmsim_last_error(), "buf"));
	assert_int_equal(uvmsim_file_write(m, uobj, 0, NULL, 0), 0);
	assert_int_equal(uvmsim_file_read(m, uobj, 0, NULL, 0), 0);

	/* off and len */
	assert_int_equal(uvmsim_file_write(m, uobj, 101, buf, 0), EINVAL);
	assert_non_null(strstr(uvmsim_last_error(), "off"));
	assert_int_equal(uvmsim_file_read(m, uobj, SIZE_MAX, buf, 1), EINVAL);
	assert_non_null(strstr(uvmsim_last_error(), "off"));
	assert_int_equal(uvmsim_file_write(m, uobj, 90, buf, 11), EINVAL);
	assert_non_null(strstr(uvmsim_last_error(), "len"));
	assert_int_equal(uvmsim_file_read(m, uobj, 1, buf, SIZE_MAX), EINVAL);
	assert_non_null(strstr(uvmsim_last_error(), "len"));
	assert_int_equal(uvmsim_file_write(m, uobj, 100, buf, 0), 0);
	assert_int_equal(uvmsim_file_write(m, uobj, 90, buf, 10), 0);
	assert_int_equal(uvmsim_file_read(m, uobj, 90, back, 10), 0);
	assert_memory_equal(buf, back, 10);

	/* sizep */
	assert_int_equal(uvmsim_file_size(m, uobj, NULL), EINVAL);
	assert_non_null(strstr(uvmsim_last_error(), "sizep"));
	assert_int_equal(uvmsim_file_size(m, uobj, &size), 0);
	assert_int_equal(size, 100);
	CHECK(m);

	uao_detach(aobj);
	detach(uobj);
	CHECK(m);
}

/* The uvmsim_file_* calls work on a machine that is not current. */
static void
test_other_machine(void **state)
{
	struct uvmsim_machine *m = *state, *m2 = NULL;
	struct uvmsim_config cfg;
	struct uvm_object *uobj = NULL;
	uint8_t buf[32], back[32];
	size_t size = 0;

	tu_config(&cfg, 4);
	assert_int_equal(uvmsim_machine_create(&cfg, &m2), 0);
	assert_ptr_equal(uvmsim_machine_current(), m);

	assert_int_equal(uvmsim_file_create(m2, 32, &uobj), 0);
	assert_ptr_equal(uvmsim_machine_current(), m);
	fill_buf(buf, sizeof(buf), 9);
	assert_int_equal(uvmsim_file_write(m2, uobj, 0, buf, 32), 0);
	assert_int_equal(uvmsim_file_read(m2, uobj, 0, back, 32), 0);
	assert_memory_equal(buf, back, 32);
	assert_int_equal(uvmsim_file_size(m2, uobj, &size), 0);
	assert_int_equal(size, 32);
	assert_int_equal(uvmsim_file_write(m2, uobj, 33, buf, 0), EINVAL);
	assert_non_null(strstr(uvmsim_machine_error(m2), "off"));
	assert_ptr_equal(uvmsim_machine_current(), m);
	CHECK(m);

	/* the file dies with its machine (Valgrind: no leak) */
	uvmsim_machine_destroy(m2);
	assert_ptr_equal(uvmsim_machine_current(), m);
	CHECK(m);
}

static void
test_read_into_pages(void **state)
{
	struct uvmsim_machine *m = *state;
	size_t ps = uvmsim_page_size(m), size = 2 * ps + ps / 2;
	struct vm_page *pps[3] = { NULL };
	struct uvm_object *uobj;
	uint8_t *want, *data;
	int free0 = tu_nfree(m), i, reads0;

	want = calloc(1, 3 * ps);
	assert_non_null(want);
	fill_buf(want, size, 2);	/* the tail past EOF stays zero */
	uobj = make_file(m, size, 2);
	reads0 = count_events(m, UVMSIM_EV_PGO_READ, uobj);

	/* . . .|  ->  B B B|   read from the store, tail zero-filled */
	assert_int_equal(get_sync(uobj, 0, pps, 3), 0);
	assert_false(simple_lock_held(&uobj->vmobjlock));
	assert_int_equal(uobj->uo_npages, 3);
	assert_int_equal(tu_nfree(m), free0 - 3);
	for (i = 0; i < 3; i++) {
		assert_non_null(pps[i]);
		assert_ptr_equal(pps[i]->uobject, uobj);
		assert_true(pps[i]->offset == tu_pgoff(m, i));
		assert_true(pps[i]->flags & PG_BUSY);
		assert_true(pps[i]->flags & PG_CLEAN);
		assert_false(pps[i]->flags & PG_FAKE);
		assert_false(pps[i]->pqflags & PQ_AOBJ);
		data = uvmsim_page_data(m, pps[i]);
		assert_memory_equal(data, want + i * ps, ps);
	}
	assert_int_equal(count_events(m, UVMSIM_EV_PGO_READ, uobj),
	    reads0 + 3);
	CHECK(m);

	simple_lock(&uobj->vmobjlock);
	release(pps, 3);
	simple_unlock(&uobj->vmobjlock);
	CHECK(m);

	/* writing the store leaves resident pages as they were */
	memset(want, 0x5a, ps);
	assert_int_equal(uvmsim_file_write(m, uobj, 0, want, ps), 0);
	simple_lock(&uobj->vmobjlock);
	data = uvmsim_page_data(m, uvm_pagelookup(uobj, 0));
	assert_int_not_equal(data[0], 0x5a);
	simple_unlock(&uobj->vmobjlock);
	CHECK(m);

	detach(uobj);
	assert_int_equal(tu_nfree(m), free0);
	CHECK(m);
	free(want);
}

static void
test_locked_get(void **state)
{
	struct uvmsim_machine *m = *state;
	size_t ps = uvmsim_page_size(m);
	struct vm_page *pps[2] = { NULL }, *res[1], *fake;
	struct uvm_object *uobj;
	uint8_t *want;
	int free0 = tu_nfree(m), np;

	want = malloc(2 * ps);
	assert_non_null(want);
	fill_buf(want, 2 * ps, 3);
	uobj = make_file(m, 2 * ps, 3);

	/* . .|   nothing resident: the centre needs I/O, nothing made */
	np = 1;
	assert_int_equal(get_locked(uobj, 0, pps, &np, 0), EBUSY);
	assert_true(simple_lock_held(&uobj->vmobjlock));
	assert_int_equal(np, 0);
	assert_null(pps[0]);
	simple_unlock(&uobj->vmobjlock);
	assert_int_equal(uobj->uo_npages, 0);
	assert_int_equal(tu_nfree(m), free0);
	CHECK(m);

	/* r .|   the resident centre is busied and returned */
	make_resident(m, uobj, 1, res);
	np = 2;
	assert_int_equal(get_locked(uobj, 0, pps, &np, 0), 0);
	assert_int_equal(np, 1);
	assert_ptr_equal(pps[0], res[0]);
	assert_null(pps[1]);
	assert_true(res[0]->flags & PG_BUSY);
	assert_string_equal(res[0]->owner_tag, "uvn_get1");
	assert_memory_equal(uvmsim_page_data(m, res[0]), want, ps);
	release(pps, 2);
	simple_unlock(&uobj->vmobjlock);
	CHECK(m);

	/* r .|   centre 1 is absent: EBUSY, but page 0 is still handed out */
	np = 2;
	assert_int_equal(get_locked(uobj, 0, pps, &np, 1), EBUSY);
	assert_int_equal(np, 1);
	assert_ptr_equal(pps[0], res[0]);
	assert_null(pps[1]);
	/* B .|   and a busy centre is EBUSY too */
	{
		struct vm_page *c[1] = { NULL };

		np = 1;
		assert_int_equal(uobj->pgops->pgo_get(uobj, 0, c, &np, 0,
		    VM_PROT_READ, MADV_NORMAL, PGO_LOCKED), EBUSY);
		assert_int_equal(np, 0);
		assert_null(c[0]);
	}
	release(pps, 2);
	simple_unlock(&uobj->vmobjlock);
	CHECK(m);

	/* r .|x  a centre past the end of the file: EINVAL, still locked */
	np = 1;
	assert_int_equal(get_locked(uobj, tu_pgoff(m, 2), pps, &np, 0), EINVAL);
	assert_true(simple_lock_held(&uobj->vmobjlock));
	assert_int_equal(np, 0);
	assert_null(pps[0]);

	/*
	 * r f|   a fake page (allocated, contents not valid) is not handed
	 * out by a locked get; an unlocked one reads it in.
	 */
	fake = uvm_pagealloc(uobj, tu_pgoff(m, 1), NULL, 0);
	assert_non_null(fake);
	tu_unbusy(fake);
	tu_activate(fake);
	simple_unlock(&uobj->vmobjlock);
	np = 1;
	assert_int_equal(get_locked(uobj, tu_pgoff(m, 1), pps, &np, 0), EBUSY);
	assert_null(pps[0]);
	simple_unlock(&uobj->vmobjlock);
	assert_int_equal(get_sync(uobj, tu_pgoff(m, 1), pps, 1), 0);
	assert_ptr_equal(pps[0], fake);
	assert_false(fake->flags & PG_FAKE);
	assert_true(fake->flags & PG_CLEAN);
	assert_memory_equal(uvmsim_page_data(m, fake), want + ps, ps);
	simple_lock(&uobj->vmobjlock);
	release(pps, 1);
	simple_unlock(&uobj->vmobjlock);
	CHECK(m);

	detach(uobj);
	assert_int_equal(tu_nfree(m), free0);
	CHECK(m);
	free(want);
}

static void
test_unlocked_get_resident(void **state)
{
	struct uvmsim_machine *m = *state;
	struct vm_page *pps[2] = { NULL }, *res[1];
	struct uvm_object *uobj;
	int free0 = tu_nfree(m);

	uobj = make_file(m, 2 * uvmsim_page_size(m), 4);
	make_resident(m, uobj, 1, res);
	dirty(m, uobj, res[0], 21);

	/* d .|  ->  B B|   the dirty page is not read over */
	assert_int_equal(get_sync(uobj, 0, pps, 2), 0);
	assert_false(simple_lock_held(&uobj->vmobjlock));
	assert_ptr_equal(pps[0], res[0]);
	assert_string_equal(pps[0]->owner_tag, "uvn_get");
	assert_true(tu_verify(m, pps[0], 21));
	assert_false(pps[0]->flags & PG_CLEAN);
	assert_non_null(pps[1]);
	CHECK(m);
	simple_lock(&uobj->vmobjlock);
	release(pps, 2);
	simple_unlock(&uobj->vmobjlock);
	CHECK(m);

	detach(uobj);
	assert_int_equal(tu_nfree(m), free0);
	CHECK(m);
}

static void
test_cleanit(void **state)
{
	struct uvmsim_machine *m = *state;
	size_t ps = uvmsim_page_size(m), size = ps + 100;
	struct vm_page *pgs[2];
	struct uvm_object *uobj;
	uint8_t *p0, *p1, *orig;
	int free0 = tu_nfree(m), writes0;

	p0 = malloc(ps);
	p1 = malloc(ps);
	orig = malloc(size);
	assert_true(p0 != NULL && p1 != NULL && orig != NULL);
	uobj = make_file(m, size, 5);
	fill_buf(orig, size, 5);
	make_resident(m, uobj, 2, pgs);

	/* d d|   both pages written, the second across the end of file */
	dirty(m, uobj, pgs[0], 5);
	dirty(m, uobj, pgs[1], 6);
	memcpy(p0, uvmsim_page_data(m, pgs[0]), ps);
	memcpy(p1, uvmsim_page_data(m, pgs[1]), ps);
	assert_true(store_equals(m, uobj, 0, orig, size));
	writes0 = count_events(m, UVMSIM_EV_PGO_WRITE, uobj);

	/* d d|  ->  r r|   the store takes the bytes below the size only */
	assert_int_equal(put(uobj, 0, 0, PGO_CLEANIT | PGO_ALLPAGES), 0);
	assert_false(simple_lock_held(&uobj->vmobjlock));
	assert_true(store_equals(m, uobj, 0, p0, ps));
	assert_true(store_equals(m, uobj, ps, p1, 100));
	assert_true(pgs[0]->flags & PG_CLEAN);
	assert_true(pgs[1]->flags & PG_CLEAN);
	assert_true(pgs[0]->pqflags & PQ_ACTIVE);
	assert_int_equal(uobj->uo_npages, 2);
	assert_int_equal(count_events(m, UVMSIM_EV_PGO_WRITE, uobj),
	    writes0 + 2);
	{
		size_t sz = 0;

		assert_int_equal(uvmsim_file_size(m, uobj, &sz), 0);
		assert_int_equal(sz, size);
	}
	CHECK(m);

	/* clean pages are not written again */
	assert_int_equal(put(uobj, 0, 0, PGO_CLEANIT), 0);
	assert_int_equal(count_events(m, UVMSIM_EV_PGO_WRITE, uobj),
	    writes0 + 2);
	CHECK(m);

	/* d r|  ->  . r|   PGO_FREE alone throws the new contents away */
	dirty(m, uobj, pgs[0], 8);
	assert_int_equal(put(uobj, 0, tu_pgoff(m, 1), PGO_FREE), 0);
	assert_int_equal(uobj->uo_npages, 1);
	assert_true(store_equals(m, uobj, 0, p0, ps));
	CHECK(m);

	/* . d|  ->  . .|   PGO_CLEANIT|PGO_FREE writes, then frees */
	dirty(m, uobj, pgs[1], 9);
	memcpy(p1, uvmsim_page_data(m, pgs[1]), ps);
	assert_int_equal(put(uobj, tu_pgoff(m, 1), tu_pgoff(m, 2),
	    PGO_CLEANIT | PGO_FREE), 0);
	assert_int_equal(uobj->uo_npages, 0);
	assert_true(store_equals(m, uobj, ps, p1, 100));
	assert_int_equal(tu_nfree(m), free0);
	CHECK(m);

	detach(uobj);
	CHECK(m);
	free(p0);
	free(p1);
	free(orig);
}

static void
test_put_deactivate_busy(void **state)
{
	struct uvmsim_machine *m = *state;
	struct vm_page *pgs[2], *pps[1] = { NULL };
	struct uvm_object *uobj;
	int free0 = tu_nfree(m), np = 1, writes0;

	uobj = make_file(m, 2 * uvmsim_page_size(m), 6);
	make_resident(m, uobj, 2, pgs);

	/* r r|  ->  r r|   both inactive */
	assert_int_equal(put(uobj, 0, 0, PGO_DEACTIVATE | PGO_ALLPAGES), 0);
	assert_true(pgs[0]->pqflags & PQ_INACTIVE);
	assert_true(pgs[1]->pqflags & PQ_INACTIVE);
	assert_int_equal(uobj->uo_npages, 2);
	CHECK(m);

	/* d r|  ->  B r|  ->  R .|   busy: marked released, not written */
	dirty(m, uobj, pgs[0], 12);
	assert_int_equal(get_locked(uobj, 0, pps, &np, 0), 0);
	simple_unlock(&uobj->vmobjlock);
	writes0 = count_events(m, UVMSIM_EV_PGO_WRITE, uobj);
	assert_int_equal(put(uobj, 0, 0, PGO_CLEANIT | PGO_FREE), 0);
	assert_int_equal(count_events(m, UVMSIM_EV_PGO_WRITE, uobj), writes0);
	assert_int_equal(uobj->uo_npages, 1);
	assert_true(pgs[0]->flags & PG_BUSY);
	assert_true(pgs[0]->flags & PG_RELEASED);
	assert_false(pgs[0]->flags & PG_CLEAN);
	CHECK(m);

	/* the holder frees it */
	simple_lock(&uobj->vmobjlock);
	uvm_page_unbusy(pps, 1);
	simple_unlock(&uobj->vmobjlock);
	assert_int_equal(uobj->uo_npages, 0);
	assert_int_equal(tu_nfree(m), free0);
	CHECK(m);

	detach(uobj);
	CHECK(m);
}

/* Trace callback: at each page written back, copy the store. */
struct wb {
	struct uvm_object *uobj;
	uint8_t	*store;
	size_t	size;
	int	writes;
	uint64_t off;
};

static void
wb_cb(struct uvmsim_machine *m, const struct uvmsim_event *ev, void *arg)
{
	struct wb *w = arg;

	if (ev->type != UVMSIM_EV_PGO_WRITE || ev->arg[0] != w->uobj->uo_id)
		return;
	w->writes++;
	w->off = ev->arg[1];
	assert_int_equal(uvmsim_file_read(m, w->uobj, 0, w->store, w->size),
	    0);
}

static void
test_detach_writeback(void **state)
{
	struct uvmsim_machine *m = *state;
	size_t ps = uvmsim_page_size(m);
	struct vm_page *pgs[2];
	struct uvm_object *uobj;
	struct wb w;
	uint8_t *want;
	int free0 = tu_nfree(m);

	want = malloc(2 * ps);
	assert_non_null(want);
	fill_buf(want, 2 * ps, 7);
	uobj = make_file(m, 2 * ps, 7);
	uobj->pgops->pgo_reference(uobj);
	assert_int_equal(uobj->uo_refs, 2);
	CHECK(m);

	/* r d|   */
	make_resident(m, uobj, 2, pgs);
	dirty(m, uobj, pgs[1], 13);
	memcpy(want + ps, uvmsim_page_data(m, pgs[1]), ps);

	/* not the last reference: nothing happens to the pages */
	detach(uobj);
	assert_int_equal(uobj->uo_refs, 1);
	assert_int_equal(uobj->uo_npages, 2);
	assert_false(pgs[1]->flags & PG_CLEAN);
	assert_false(store_equals(m, uobj, ps, want + ps, ps));
	CHECK(m);

	/* the last: the dirty page reaches the store before it is freed */
	memset(&w, 0, sizeof(w));
	w.uobj = uobj;
	w.size = 2 * ps;
	w.store = malloc(w.size);
	assert_non_null(w.store);
	uvmsim_trace_callback(m, wb_cb, &w);
	detach(uobj);
	uvmsim_trace_callback(m, NULL, NULL);
	assert_int_equal(w.writes, 1);
	assert_true(w.off == (uint64_t)ps);
	assert_memory_equal(w.store, want, 2 * ps);
	assert_int_equal(tu_nfree(m), free0);
	CHECK(m);
	free(w.store);
	free(want);
}

static void
test_pasteof(void **state)
{
	struct uvmsim_machine *m = *state;
	size_t ps = uvmsim_page_size(m);
	struct vm_page *pps[2] = { NULL };
	struct uvm_object *uobj;
	uint8_t *want;
	int free0 = tu_nfree(m), writes0;

	want = calloc(1, ps);
	assert_non_null(want);
	fill_buf(want, ps / 2, 8);
	uobj = make_file(m, ps / 2, 8);

	/* .|x   page 1 is past round_page(size) */
	assert_int_equal(get_sync(uobj, tu_pgoff(m, 1), pps, 1), EINVAL);
	assert_false(simple_lock_held(&uobj->vmobjlock));
	assert_null(pps[0]);
	CHECK(m);
	/* .|x   a request that straddles the end fails whole */
	assert_int_equal(get_sync(uobj, 0, pps, 2), EINVAL);
	assert_false(simple_lock_held(&uobj->vmobjlock));
	assert_null(pps[0]);
	assert_null(pps[1]);
	assert_int_equal(uobj->uo_npages, 0);
	assert_int_equal(tu_nfree(m), free0);
	CHECK(m);

	/* B|B   with PGO_PASTEOF it may: page 1 is zeros */
	assert_int_equal(get_sync_flags(uobj, 0, pps, 2, PGO_PASTEOF), 0);
	assert_false(simple_lock_held(&uobj->vmobjlock));
	assert_memory_equal(uvmsim_page_data(m, pps[0]), want, ps);
	assert_true(tu_is_zero(m, pps[1]));
	CHECK(m);

	/* r|d   cleaning the page past the end writes nothing to the store */
	simple_lock(&uobj->vmobjlock);
	tu_fill(m, pps[1], 14);
	pps[1]->flags &= ~PG_CLEAN;
	release(pps, 2);
	simple_unlock(&uobj->vmobjlock);
	CHECK(m);
	assert_int_equal(put(uobj, 0, 0, PGO_CLEANIT | PGO_ALLPAGES), 0);
	assert_true(store_equals(m, uobj, 0, want, ps / 2));
	CHECK(m);

	writes0 = count_events(m, UVMSIM_EV_PGO_WRITE, uobj);
	assert_int_equal(writes0, 1);
	detach(uobj);
	assert_int_equal(tu_nfree(m), free0);
	CHECK(m);
	free(want);
}

static void
test_failpoints(void **state)
{
	struct uvmsim_machine *m = *state;
	struct vm_page *pps[2] = { NULL }, *res[1];
	struct uvm_object *uobj;
	int free0 = tu_nfree(m), np, reads0;
	unsigned long hits;

	uobj = make_file(m, 2 * uvmsim_page_size(m), 10);
	reads0 = count_events(m, UVMSIM_EV_PGO_READ, uobj);

	/* EIO, unlocked: unlocked on return, no page made or read */
	assert_int_equal(uvmsim_failpoint_set(m, "pgo_get.eio", 1, 1), 0);
	assert_int_equal(get_sync(uobj, 0, pps, 2), EIO);
	assert_false(simple_lock_held(&uobj->vmobjlock));
	assert_null(pps[0]);
	assert_null(pps[1]);
	assert_int_equal(uobj->uo_npages, 0);
	assert_int_equal(tu_nfree(m), free0);
	assert_int_equal(count_events(m, UVMSIM_EV_PGO_READ, uobj), reads0);
	assert_int_equal(uvmsim_failpoint_fired(m, "pgo_get.eio"), 1);
	CHECK(m);

	/* EAGAIN, unlocked */
	assert_int_equal(uvmsim_failpoint_set(m, "pgo_get.eagain", 1, 1), 0);
	assert_int_equal(get_sync(uobj, 0, pps, 2), EAGAIN);
	assert_false(simple_lock_held(&uobj->vmobjlock));
	assert_null(pps[0]);
	assert_int_equal(uobj->uo_npages, 0);
	assert_int_equal(tu_nfree(m), free0);
	CHECK(m);

	/* with page 0 resident, the locked failures return nothing */
	make_resident(m, uobj, 1, res);
	assert_int_equal(uvmsim_failpoint_set(m, "pgo_get.eio", 1, 1), 0);
	np = 1;
	assert_int_equal(get_locked(uobj, 0, pps, &np, 0), EIO);
	assert_true(simple_lock_held(&uobj->vmobjlock));
	assert_int_equal(np, 0);
	assert_null(pps[0]);
	simple_unlock(&uobj->vmobjlock);
	CHECK(m);
	/* EAGAIN is a shortage met doing I/O: a locked get never says it,
	 * nor counts a hit. */
	hits = uvmsim_failpoint_hits(m, "pgo_get.eagain");
	assert_int_equal(uvmsim_failpoint_set(m, "pgo_get.eagain", 1, 1), 0);
	np = 1;
	assert_int_equal(get_locked(uobj, 0, pps, &np, 0), 0);
	assert_int_equal(np, 1);
	uvm_page_unbusy(pps, 1);
	pps[0] = NULL;
	simple_unlock(&uobj->vmobjlock);
	assert_int_equal(uvmsim_failpoint_hits(m, "pgo_get.eagain"), hits);
	assert_int_equal(uvmsim_failpoint_set(m, "pgo_get.eagain", 1, 0), 0);
	CHECK(m);
	assert_int_equal(uvmsim_failpoint_set(m, "pgo_get.io", 1, 1), 0);
	np = 1;
	assert_int_equal(get_locked(uobj, 0, pps, &np, 0), EBUSY);
	assert_int_equal(np, 0);
	assert_null(pps[0]);
	simple_unlock(&uobj->vmobjlock);
	assert_false(res[0]->flags & PG_BUSY);
	assert_int_equal(uvmsim_failpoint_fired(m, "pgo_get.io"), 1);
	CHECK(m);

	/* disarmed, the same locked get works */
	np = 1;
	assert_int_equal(get_locked(uobj, 0, pps, &np, 0), 0);
	assert_ptr_equal(pps[0], res[0]);
	release(pps, 1);
	simple_unlock(&uobj->vmobjlock);
	CHECK(m);

	detach(uobj);
	assert_int_equal(tu_nfree(m), free0);
	CHECK(m);
}

static void
test_nomem_unlocked(void **state)
{
	struct uvmsim_machine *m = *state;
	struct vm_page *res[1], *pps[3] = { NULL };
	struct uvm_object *uobj;
	int free0 = tu_nfree(m), reads0;

	uobj = make_file(m, 3 * uvmsim_page_size(m), 11);
	make_resident(m, uobj, 1, res);
	dirty(m, uobj, res[0], 15);
	reads0 = count_events(m, UVMSIM_EV_PGO_READ, uobj);

	/*
	 * d . .|   get [0, 3): page 0 busied, page 1 allocated, page 2's
	 * allocation (the 2nd) fails: everything is undone, nothing read.
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
	assert_true(tu_verify(m, res[0], 15));
	assert_int_equal(count_events(m, UVMSIM_EV_PGO_READ, uobj), reads0);
	CHECK(m);

	/* with memory back, the same call succeeds */
	assert_int_equal(get_sync(uobj, 0, pps, 3), 0);
	assert_int_equal(uobj->uo_npages, 3);
	assert_true(tu_verify(m, pps[0], 15));
	assert_int_equal(count_events(m, UVMSIM_EV_PGO_READ, uobj),
	    reads0 + 2);
	simple_lock(&uobj->vmobjlock);
	release(pps, 3);
	simple_unlock(&uobj->vmobjlock);
	CHECK(m);

	detach(uobj);
	assert_int_equal(tu_nfree(m), free0);
	CHECK(m);
}

static void
test_busy_panics(void **state)
{
	struct uvmsim_machine *m = *state;
	struct vm_page *res[2], *pps[1] = { NULL }, *q[2] = { NULL };
	struct uvm_object *uobj;
	int free0 = tu_nfree(m), np = 1;

	uobj = make_file(m, 2 * uvmsim_page_size(m), 12);
	make_resident(m, uobj, 1, res);
	assert_int_equal(get_locked(uobj, 0, pps, &np, 0), 0);
	simple_unlock(&uobj->vmobjlock);
	CHECK(m);

	/* B .|   an unlocked get sleeps on page 0; no "page_wait" hook is
	 * set to end the I/O (test_hooks.c), so the sleep would never end */
	np = 2;
	EXPECT_PANIC(m, (simple_lock(&uobj->vmobjlock),
	    uobj->pgops->pgo_get(uobj, 0, q, &np, 0, VM_PROT_READ,
	    MADV_NORMAL, PGO_SYNCIO)), "sleep would never end");
	assert_false(simple_lock_held(&uobj->vmobjlock));
	assert_null(q[0]);
	assert_null(q[1]);
	assert_int_equal(uobj->uo_npages, 1);
	CHECK(m);

	/* and so would the last detach */
	EXPECT_PANIC(m, detach(uobj), "sleep would never end");
	assert_int_equal(uobj->uo_refs, 1);
	CHECK(m);

	simple_lock(&uobj->vmobjlock);
	release(pps, 1);
	simple_unlock(&uobj->vmobjlock);
	detach(uobj);
	assert_int_equal(tu_nfree(m), free0);
	CHECK(m);
}

/* A machine destroyed with a file alive frees it (Valgrind: no leak). */
static void
test_teardown_alive(void **state)
{
	struct uvmsim_machine *m = *state;
	struct vm_page *pgs[2];
	struct uvm_object *uobj;

	uobj = make_file(m, 2 * uvmsim_page_size(m), 13);
	make_resident(m, uobj, 2, pgs);
	dirty(m, uobj, pgs[0], 16);
	CHECK(m);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		TU_TEST(test_create_bad),
		TU_TEST(test_api_bad),
		TU_TEST(test_other_machine),
		TU_TEST(test_read_into_pages),
		TU_TEST(test_locked_get),
		TU_TEST(test_unlocked_get_resident),
		TU_TEST(test_cleanit),
		TU_TEST(test_put_deactivate_busy),
		TU_TEST(test_detach_writeback),
		TU_TEST(test_pasteof),
		TU_TEST(test_failpoints),
		TU_TEST(test_nomem_unlocked),
		TU_TEST(test_busy_panics),
		TU_TEST(test_teardown_alive),
	};
#undef T

	return cmocka_run_group_tests_name("vnode", tests, NULL, NULL);
}
