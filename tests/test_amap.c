/*
 * test_amap.c: amaps: slots, references, per-page references, extension,
 * copy, allocation failure and the panics of misuse.
 *
 * Pictures of an amap show its slots, each "." (empty) or an anon's
 * letter, and under them the per-page counts when the amap has them:
 *
 *	slots   [ A | B | . | C ]
 *	ppref     1   1   0   2
 *
 * Every test frees what it made, so Valgrind sees no leak, and checks
 * the machine's invariants after each step.
 */
#include "testutil.h"

#include <errno.h>
#include <stdlib.h>

#include "uvmsim_impl.h"

#define NPAGES	64

/* ---- helpers ------------------------------------------------------------ */

static size_t ps;	/* page size of the test's machine */

static struct uvmsim_machine *
amap_machine(void)
{
	struct uvmsim_machine *m = tu_machine(NPAGES);

	ps = uvmsim_page_size(m);
	return m;
}

/* Live (not free) anons of the machine. */
static int
live_anons(struct uvmsim_machine *m)
{
	struct uvmexp *ux = uvmsim_uvmexp(m);

	return ux->nanon - ux->nfreeanon;
}

static int
live_amaps(struct uvmsim_machine *m)
{
	struct vm_amap *am;
	int n = 0;

	TAILQ_FOREACH(am, &m->amaps, am_list)
		n++;
	return n;
}

static int
free_pages(struct uvmsim_machine *m)
{
	return uvmsim_uvmexp(m)->free;
}

/*
 * An unlocked anon with one reference (the caller's).  With seed != 0 it
 * gets a resident page, active, not busy, filled with the seed's pattern.
 */
static struct vm_anon *
mkanon(struct uvmsim_machine *m, uint32_t seed)
{
	struct vm_anon *anon;
	struct vm_page *pg;

	anon = uvm_analloc();
	assert_non_null(anon);
	/* locked: anon */
	assert_int_equal(anon->an_ref, 1);
	if (seed != 0) {
		pg = uvm_pagealloc(NULL, 0, anon, UVM_PGA_ZERO);
		assert_non_null(pg);
		assert_ptr_equal(anon->u.an_page, pg);
		pg->flags &= ~(PG_BUSY | PG_FAKE);
		UVM_PAGE_OWN(pg, NULL);
		tu_activate(pg);
		tu_fill(m, pg, seed);
	}
	simple_unlock(&anon->an_lock);
	return anon;
}

/* Drop a reference the test holds, as the kernel's callers do. */
static void
dropanon(struct vm_anon *anon)
{
	int refs;

	simple_lock(&anon->an_lock);
	refs = --anon->an_ref;
	simple_unlock(&anon->an_lock);
	if (refs == 0)
		uvm_anfree(anon);
}

/* amap_add / amap_lookup / amap_unadd of one slot, locking around it. */
static void
add(struct vm_aref *ar, int slot, struct vm_anon *anon)
{
	amap_lock(ar->ar_amap);
	amap_add(ar, (vaddr_t)slot * ps, anon, FALSE);
	amap_unlock(ar->ar_amap);
}

static struct vm_anon *
lookup(struct vm_aref *ar, int slot)
{
	struct vm_anon *anon;

	amap_lock(ar->ar_amap);
	anon = amap_lookup(ar, (vaddr_t)slot * ps);
	amap_unlock(ar->ar_amap);
	return anon;
}

/* Decode am_ppref into one count per slot; false if the amap has none. */
static bool
counts(const struct vm_amap *am, int *out)
{
	const int *pp = am->am_ppref;
	int s, i, ref, len;

	if (pp == NULL || pp == PPREF_NONE)
		return false;
	for (s = 0; s < am->am_nslot; s += len) {
		if (pp[s] > 0) {
			ref = pp[s] - 1;
			len = 1;
		} else {
			ref = -pp[s] - 1;
			len = pp[s + 1];
		}
		assert_true(len >= 1 && s + len <= am->am_nslot);
		for (i = 0; i < len; i++)
			out[s + i] = ref;
	}
	return true;
}

static void
assert_counts(const struct vm_amap *am, const int *want, int n)
{
	int got[16];
	int i;

	assert_int_equal(am->am_nslot, n);
	assert_true(counts(am, got));
	for (i = 0; i < n; i++)
		if (got[i] != want[i])
			fail_msg("ppref slot %d: count %d, want %d", i, got[i],
			    want[i]);
}

/* A map entry over [start, start + npages pages) with an aref. */
static void
mkentry(struct vm_map_entry *e, vaddr_t start, int npages,
    struct vm_amap *am, int pageoff, int etype)
{
	memset(e, 0, sizeof(*e));
	e->start = start;
	e->end = start + (vaddr_t)npages * ps;
	e->aref.ar_amap = am;
	e->aref.ar_pageoff = pageoff;
	e->etype = etype;
	e->protection = e->max_protection = VM_PROT_ALL;
	e->inheritance = MAP_INHERIT_COPY;
}

/* The type of the newest event in the trace ring. */
static unsigned
last_event(struct uvmsim_machine *m)
{
	struct uvmsim_event ev[1];

	assert_int_equal(uvmsim_trace_ring(m, ev, 1), 1);
	return ev[0].type;
}

/* ---- allocation and freeing -------------------------------------------- */

static void
test_alloc_free(void **state)
{
	struct uvmsim_machine *m = amap_machine();
	struct vm_amap *am, *am2;
	int i;

	(void)state;
	am = amap_alloc(4 * ps, 2 * ps, 0);
	assert_non_null(am);
	CHECK(m);
	assert_int_equal(last_event(m), UVMSIM_EV_AMAP_ALLOC);
	assert_int_equal(am->am_ref, 1);
	assert_int_equal(am->am_flags, 0);
	assert_int_equal(am->am_nslot, 4);
	assert_int_equal(am->am_maxslot, 6);
	assert_int_equal(am->am_nused, 0);
	assert_null(am->am_ppref);
	assert_false(simple_lock_held(&am->am_l));
	for (i = 0; i < am->am_maxslot; i++)
		assert_null(am->am_anon[i]);
	assert_int_equal(live_amaps(m), 1);

	/* The last reference frees it (through amap_wipeout). */
	amap_unref(am, 0, 4, TRUE);
	CHECK(m);
	assert_int_equal(live_amaps(m), 0);
	assert_int_equal(last_event(m), UVMSIM_EV_AMAP_FREE);

	/* amap_free directly, as amap_copy's take-over path does. */
	am2 = amap_alloc(ps, 0, 0);
	assert_non_null(am2);
	CHECK(m);
	assert_int_not_equal(am2->am_id, 0);
	am2->am_ref--;
	amap_free(am2);
	CHECK(m);
	assert_int_equal(live_amaps(m), 0);
	tu_destroy(m);
}

/*
 * Amaps still alive when the machine goes are freed with it, ppref and
 * all; their anons go with the machine's anon blocks.
 */
static void
test_teardown_frees(void **state)
{
	struct uvmsim_machine *m = amap_machine();
	struct vm_amap *am;
	struct vm_aref ar, right;

	(void)state;
	am = amap_alloc(8 * ps, 4 * ps, 0);
	assert_non_null(am);
	ar.ar_amap = am;
	ar.ar_pageoff = 0;
	add(&ar, 3, mkanon(m, 9));
	amap_splitref(&ar, &right, 4 * ps);
	CHECK(m);
	assert_non_null(am->am_ppref);
	tu_destroy(m);
}

/* ---- slots ---------------------------------------------------------- */

static void
test_add_lookup_unadd(void **state)
{
	struct uvmsim_machine *m = amap_machine();
	struct vm_amap *am;
	struct vm_aref ar;
	struct vm_anon *a, *b, *c, *got[4];
	int nanon;

	(void)state;
	nanon = live_anons(m);
	am = amap_alloc(4 * ps, 0, 0);
	assert_non_null(am);
	ar.ar_amap = am;
	ar.ar_pageoff = 0;
	a = mkanon(m, 0);
	b = mkanon(m, 0);
	c = mkanon(m, 0);

	/* slots [ A | . | B | C ]; each slot owns its anon's reference */
	add(&ar, 0, a);
	CHECK(m);
	assert_int_equal(last_event(m), UVMSIM_EV_AMAP_ADD);
	add(&ar, 2, b);
	CHECK(m);
	add(&ar, 3, c);
	CHECK(m);
	assert_int_equal(am->am_nused, 3);
	assert_ptr_equal(lookup(&ar, 0), a);
	assert_null(lookup(&ar, 1));
	assert_ptr_equal(lookup(&ar, 2), b);
	assert_ptr_equal(lookup(&ar, 3), c);
	assert_int_equal(a->an_ref, 1);

	amap_lock(am);
	amap_lookups(&ar, 0, got, 4);
	amap_unlock(am);
	assert_ptr_equal(got[0], a);
	assert_null(got[1]);
	assert_ptr_equal(got[2], b);
	assert_ptr_equal(got[3], c);

	/* An aref that starts at slot 2 sees [ B | C ]. */
	{
		struct vm_aref ar2 = { 2, am };

		amap_lock(am);
		amap_lookups(&ar2, 0, got, 2);
		assert_ptr_equal(amap_lookup(&ar2, ps), c);
		amap_unlock(am);
		assert_ptr_equal(got[0], b);
		assert_ptr_equal(got[1], c);
	}

	/*
	 * Unadd slot 0: [ . | . | B | C ].  The last used slot (C's) moves
	 * into the hole in am_slots; the reference to A comes back to us.
	 */
	amap_lock(am);
	amap_unadd(&ar, 0);
	amap_unlock(am);
	assert_int_equal(last_event(m), UVMSIM_EV_AMAP_UNADD);
	assert_null(lookup(&ar, 0));
	assert_int_equal(am->am_nused, 2);
	assert_int_equal(a->an_ref, 1);
	dropanon(a);
	CHECK(m);
	assert_int_equal(live_anons(m), nanon + 2);

	/* Refill the hole: [ A' | . | B | C ] */
	a = mkanon(m, 0);
	add(&ar, 0, a);
	CHECK(m);

	/* The last reference drops every anon. */
	amap_unref(am, 0, 4, TRUE);
	CHECK(m);
	assert_int_equal(live_anons(m), nanon);
	assert_int_equal(live_amaps(m), 0);
	tu_destroy(m);
}

static void
test_replace(void **state)
{
	struct uvmsim_machine *m = amap_machine();
	struct vm_amap *am;
	struct vm_aref ar;
	struct vm_anon *a, *b;
	int nanon, nfree;

	(void)state;
	nanon = live_anons(m);
	nfree = free_pages(m);
	am = amap_alloc(2 * ps, 0, 0);
	assert_non_null(am);
	ar.ar_amap = am;
	ar.ar_pageoff = 0;
	a = mkanon(m, 11);
	b = mkanon(m, 22);
	add(&ar, 1, a);
	CHECK(m);

	/* [ . | A ] -> [ . | B ]: A's reference passes back to us. */
	amap_lock(am);
	amap_add(&ar, ps, b, TRUE);
	amap_unlock(am);
	CHECK(m);
	assert_ptr_equal(lookup(&ar, 1), b);
	assert_int_equal(am->am_nused, 1);
	assert_int_equal(a->an_ref, 1);
	assert_int_equal(b->an_ref, 1);
	assert_true(tu_verify(m, a->u.an_page, 11));
	assert_true(tu_verify(m, b->u.an_page, 22));
	dropanon(a);
	CHECK(m);
	assert_int_equal(free_pages(m), nfree - 1);

	amap_unref(am, 0, 2, TRUE);
	CHECK(m);
	assert_int_equal(live_anons(m), nanon);
	assert_int_equal(free_pages(m), nfree);
	tu_destroy(m);
}

/* ---- references ----------------------------------------------------- */

static void
test_ref_unref_all(void **state)
{
	struct uvmsim_machine *m = amap_machine();
	struct vm_amap *am;
	struct vm_aref ar;
	struct vm_anon *a, *b;
	int nanon, nfree;

	(void)state;
	nanon = live_anons(m);
	nfree = free_pages(m);
	am = amap_alloc(3 * ps, 0, 0);
	assert_non_null(am);
	ar.ar_amap = am;
	ar.ar_pageoff = 0;
	a = mkanon(m, 1);
	b = mkanon(m, 2);
	add(&ar, 0, a);
	add(&ar, 2, b);
	CHECK(m);

	/* A second, shared reference over everything: no ppref needed. */
	amap_ref(am, 0, 3, AMAP_SHARED | AMAP_REFALL);
	CHECK(m);
	assert_int_equal(last_event(m), UVMSIM_EV_AMAP_REF);
	assert_int_equal(am->am_ref, 2);
	assert_true(am->am_flags & AMAP_SHARED);
	assert_null(am->am_ppref);
	assert_false(simple_lock_held(&am->am_l));

	/* A full reference without REFALL needs no ppref either. */
	amap_ref(am, 0, 3, 0);
	CHECK(m);
	assert_int_equal(am->am_ref, 3);
	assert_null(am->am_ppref);

	amap_unref(am, 0, 3, FALSE);
	CHECK(m);
	assert_int_equal(am->am_ref, 2);
	assert_true(am->am_flags & AMAP_SHARED);
	amap_unref(am, 0, 0, TRUE);
	CHECK(m);
	assert_int_equal(am->am_ref, 1);
	assert_false(am->am_flags & AMAP_SHARED);
	assert_int_equal(a->an_ref, 1);
	assert_int_equal(b->an_ref, 1);
	assert_int_equal(free_pages(m), nfree - 2);

	amap_unref(am, 0, 3, TRUE);
	CHECK(m);
	assert_int_equal(live_anons(m), nanon);
	assert_int_equal(free_pages(m), nfree);
	assert_int_equal(live_amaps(m), 0);
	tu_destroy(m);
}

/*
 * A partial reference brings in ppref; when the full reference goes, the
 * slots only it covered lose their anons at once.
 */
static void
test_partial_ref_ppref(void **state)
{
	struct uvmsim_machine *m = amap_machine();
	struct vm_amap *am;
	struct vm_aref ar;
	struct vm_anon *an[4];
	int nanon, nfree, i;

	(void)state;
	nanon = live_anons(m);
	nfree = free_pages(m);
	am = amap_alloc(4 * ps, 0, 0);
	assert_non_null(am);
	ar.ar_amap = am;
	ar.ar_pageoff = 0;
	for (i = 0; i < 4; i++) {
		an[i] = mkanon(m, 100 + i);
		add(&ar, i, an[i]);
		CHECK(m);
	}
	assert_int_equal(free_pages(m), nfree - 4);

	/*
	 * A second entry maps slots 1..2:
	 *	slots   [ A | B | C | D ]
	 *	ppref     1   2   2   1
	 */
	amap_ref(am, 1, 2, 0);
	CHECK(m);
	assert_int_equal(am->am_ref, 2);
	{
		static const int want[] = { 1, 2, 2, 1 };

		assert_counts(am, want, 4);
	}

	/*
	 * The first entry (all of it) goes:
	 *	slots   [ . | B | C | . ]	A, D freed, their pages too
	 *	ppref     0   1   1   0
	 */
	amap_unref(am, 0, 4, TRUE);
	CHECK(m);
	assert_int_equal(am->am_ref, 1);
	{
		static const int want[] = { 0, 1, 1, 0 };

		assert_counts(am, want, 4);
	}
	assert_int_equal(am->am_nused, 2);
	assert_null(lookup(&ar, 0));
	assert_ptr_equal(lookup(&ar, 1), an[1]);
	assert_ptr_equal(lookup(&ar, 2), an[2]);
	assert_null(lookup(&ar, 3));
	assert_int_equal(an[1]->an_ref, 1);
	assert_int_equal(an[2]->an_ref, 1);
	assert_int_equal(live_anons(m), nanon + 2);
	assert_int_equal(free_pages(m), nfree - 2);
	assert_true(tu_verify(m, an[1]->u.an_page, 101));
	assert_true(tu_verify(m, an[2]->u.an_page, 102));

	amap_unref(am, 1, 2, FALSE);
	CHECK(m);
	assert_int_equal(live_anons(m), nanon);
	assert_int_equal(free_pages(m), nfree);
	assert_int_equal(live_amaps(m), 0);
	tu_destroy(m);
}

/*
 * Two entries map the amap whole (after fork with MAP_SHARE); one is
 * clipped and loses its left part.  The other still covers that slot,
 * so nothing is freed until it goes too.
 */
static void
test_partial_unref_shared(void **state)
{
	struct uvmsim_machine *m = amap_machine();
	struct vm_amap *am;
	struct vm_aref a_ref, b_ref, b_right;
	struct vm_anon *a, *b;
	int nanon, nfree;

	(void)state;
	nanon = live_anons(m);
	nfree = free_pages(m);
	am = amap_alloc(2 * ps, 0, 0);
	assert_non_null(am);
	a_ref.ar_amap = am;
	a_ref.ar_pageoff = 0;
	a = mkanon(m, 7);
	b = mkanon(m, 8);
	add(&a_ref, 0, a);
	add(&a_ref, 1, b);
	amap_ref(am, 0, 2, AMAP_SHARED | AMAP_REFALL);
	b_ref = a_ref;
	CHECK(m);
	assert_null(am->am_ppref);

	/*
	 * Entry B is clipped after one page:
	 *	slots   [ A | B ]
	 *	ppref     2   2	(A's entry, and one piece of B's each)
	 */
	amap_splitref(&b_ref, &b_right, ps);
	CHECK(m);
	assert_int_equal(am->am_ref, 3);
	{
		static const int want[] = { 2, 2 };

		assert_counts(am, want, 2);
	}

	/* B's left piece is unmapped: ppref 1 2, nothing freed. */
	amap_unref(am, b_ref.ar_pageoff, 1, FALSE);
	CHECK(m);
	{
		static const int want[] = { 1, 2 };

		assert_counts(am, want, 2);
	}
	assert_int_equal(am->am_ref, 2);
	assert_true(am->am_flags & AMAP_SHARED);
	assert_int_equal(am->am_nused, 2);
	assert_int_equal(free_pages(m), nfree - 2);

	/* Entry A goes: ppref 0 1, so A's anon and page are freed. */
	amap_unref(am, 0, 2, TRUE);
	CHECK(m);
	{
		static const int want[] = { 0, 1 };

		assert_counts(am, want, 2);
	}
	assert_int_equal(am->am_ref, 1);
	assert_false(am->am_flags & AMAP_SHARED);
	assert_int_equal(am->am_nused, 1);
	assert_null(lookup(&a_ref, 0));
	assert_ptr_equal(lookup(&b_right, 0), b);
	assert_int_equal(free_pages(m), nfree - 1);
	assert_true(tu_verify(m, b->u.an_page, 8));

	amap_unref(am, b_right.ar_pageoff, 1, FALSE);
	CHECK(m);
	assert_int_equal(live_anons(m), nanon);
	assert_int_equal(free_pages(m), nfree);
	assert_int_equal(live_amaps(m), 0);
	tu_destroy(m);
}

/* ---- splitref ------------------------------------------------------- */

static void
test_splitref(void **state)
{
	struct uvmsim_machine *m = amap_machine();
	struct vm_amap *am;
	struct vm_aref left, right;
	struct vm_anon *an[4];
	int nanon, nfree, i;

	(void)state;
	nanon = live_anons(m);
	nfree = free_pages(m);
	am = amap_alloc(4 * ps, 0, 0);
	assert_non_null(am);
	left.ar_amap = am;
	left.ar_pageoff = 0;
	for (i = 0; i < 4; i++) {
		an[i] = mkanon(m, 200 + i);
		add(&left, i, an[i]);
	}
	CHECK(m);

	/*
	 * The entry is clipped two pages in:
	 *	slots   [ A | B | C | D ]
	 *	          left    right
	 *	ppref     1   1   1   1	(one run)
	 */
	amap_splitref(&left, &right, 2 * ps);
	CHECK(m);
	assert_int_equal(last_event(m), UVMSIM_EV_AMAP_SPLITREF);
	assert_ptr_equal(right.ar_amap, am);
	assert_int_equal(right.ar_pageoff, 2);
	assert_int_equal(am->am_ref, 2);
	assert_false(simple_lock_held(&am->am_l));
	{
		static const int want[] = { 1, 1, 1, 1 };

		assert_counts(am, want, 4);
	}
	assert_ptr_equal(lookup(&right, 0), an[2]);
	assert_ptr_equal(lookup(&right, 1), an[3]);

	/*
	 * The right part is unmapped:
	 *	slots   [ A | B | . | . ]	C, D and their pages freed
	 *	ppref     1   1   0   0
	 */
	amap_unref(right.ar_amap, right.ar_pageoff, 2, FALSE);
	CHECK(m);
	{
		static const int want[] = { 1, 1, 0, 0 };

		assert_counts(am, want, 4);
	}
	/* Two runs of two: -(1 + 1) 2 x, then -(0 + 1) 2 x. */
	assert_int_equal(am->am_ppref[0], -2);
	assert_int_equal(am->am_ppref[1], 2);
	assert_int_equal(am->am_ppref[2], -1);
	assert_int_equal(am->am_ppref[3], 2);
	assert_int_equal(am->am_ref, 1);
	assert_int_equal(am->am_nused, 2);
	assert_int_equal(live_anons(m), nanon + 2);
	assert_int_equal(free_pages(m), nfree - 2);
	assert_int_equal(an[0]->an_ref, 1);
	assert_true(tu_verify(m, an[0]->u.an_page, 200));
	assert_true(tu_verify(m, an[1]->u.an_page, 201));

	amap_unref(am, 0, 2, FALSE);
	CHECK(m);
	assert_int_equal(live_anons(m), nanon);
	assert_int_equal(free_pages(m), nfree);
	assert_int_equal(live_amaps(m), 0);
	tu_destroy(m);
}

/* ---- extend --------------------------------------------------------- */

static void
test_extend(void **state)
{
	struct uvmsim_machine *m = amap_machine();
	struct vm_amap *am;
	struct vm_map_entry e;
	struct vm_anon *an[5];
	struct vm_anon **oldarr;
	int nanon, i;

	(void)state;
	nanon = live_anons(m);
	am = amap_alloc(2 * ps, 2 * ps, 0);
	assert_non_null(am);
	mkentry(&e, 0x100000, 2, am, 0, UVM_ET_COPYONWRITE);
	an[0] = mkanon(m, 300);
	an[1] = mkanon(m, 301);
	add(&e.aref, 0, an[0]);
	add(&e.aref, 1, an[1]);
	CHECK(m);

	/* In place, into the padding: [ A | B ] + [ . | . ] */
	oldarr = am->am_anon;
	assert_int_equal(amap_extend(&e, 2 * ps), 0);
	CHECK(m);
	assert_int_equal(last_event(m), UVMSIM_EV_AMAP_EXTEND);
	assert_false(simple_lock_held(&am->am_l));
	e.end += 2 * ps;
	assert_ptr_equal(am->am_anon, oldarr);
	assert_int_equal(am->am_nslot, 4);
	assert_int_equal(am->am_maxslot, 4);
	an[3] = mkanon(m, 303);
	add(&e.aref, 3, an[3]);
	CHECK(m);

	/* Reallocated: [ A | B | . | D ] + [ . ] */
	assert_int_equal(amap_extend(&e, ps), 0);
	CHECK(m);
	e.end += ps;
	assert_ptr_not_equal(am->am_anon, oldarr);
	assert_int_equal(am->am_nslot, 5);
	assert_int_equal(am->am_maxslot, 5);
	assert_int_equal(am->am_nused, 3);
	assert_ptr_equal(lookup(&e.aref, 0), an[0]);
	assert_ptr_equal(lookup(&e.aref, 1), an[1]);
	assert_null(lookup(&e.aref, 2));
	assert_ptr_equal(lookup(&e.aref, 3), an[3]);
	assert_null(lookup(&e.aref, 4));
	an[4] = mkanon(m, 304);
	add(&e.aref, 4, an[4]);
	CHECK(m);
	for (i = 0; i < 5; i++)
		if (i != 2)
			assert_true(tu_verify(m, an[i]->u.an_page, 300 + i));

	/* No memory for new arrays: ENOMEM, nothing changed. */
	assert_int_equal(uvmsim_failpoint_set(m, "amap_alloc", 1, 1), 0);
	assert_int_equal(amap_extend(&e, ps), ENOMEM);
	CHECK(m);
	assert_int_equal(am->am_nslot, 5);
	assert_int_equal(am->am_maxslot, 5);
	assert_false(simple_lock_held(&am->am_l));
	uvmsim_failpoint_clear(m);

	amap_unref(am, 0, 5, TRUE);
	CHECK(m);
	assert_int_equal(live_anons(m), nanon);
	tu_destroy(m);
}

/*
 * Extending an entry over slots that another entry's unmap left behind,
 * then into the padding, then past it, keeps the per-page counts right.
 */
static void
test_extend_ppref(void **state)
{
	struct uvmsim_machine *m = amap_machine();
	struct vm_amap *am;
	struct vm_map_entry e;
	struct vm_aref right;
	struct vm_anon *an[4], *late;
	int nanon, nfree, i;

	(void)state;
	nanon = live_anons(m);
	nfree = free_pages(m);
	am = amap_alloc(4 * ps, ps, 0);
	assert_non_null(am);
	assert_int_equal(am->am_maxslot, 5);
	mkentry(&e, 0x200000, 4, am, 0, UVM_ET_COPYONWRITE);
	for (i = 0; i < 4; i++) {
		an[i] = mkanon(m, 400 + i);
		add(&e.aref, i, an[i]);
	}
	CHECK(m);

	/* Clip at two pages and unmap the right part:
	 *	slots   [ A | B | . | . ] + pad [ . ]
	 *	ppref     1   1   0   0
	 */
	amap_splitref(&e.aref, &right, 2 * ps);
	e.end = e.start + 2 * ps;
	CHECK(m);
	amap_unref(am, right.ar_pageoff, 2, FALSE);
	CHECK(m);
	assert_int_equal(free_pages(m), nfree - 2);

	/* Case 1: the entry grows back over slots 2..3 (ppref 1 1 1 1). */
	assert_int_equal(amap_extend(&e, 2 * ps), 0);
	e.end += 2 * ps;
	CHECK(m);
	{
		static const int want[] = { 1, 1, 1, 1 };

		assert_counts(am, want, 4);
	}
	/* The raised run merged with the one before it: one run of 4. */
	assert_int_equal(am->am_ppref[0], -2);
	assert_int_equal(am->am_ppref[1], 4);

	/* Case 2: into the padding (ppref 1 1 1 1 1, arrays kept). */
	assert_int_equal(amap_extend(&e, ps), 0);
	e.end += ps;
	CHECK(m);
	assert_int_equal(am->am_maxslot, 5);
	{
		static const int want[] = { 1, 1, 1, 1, 1 };

		assert_counts(am, want, 5);
	}

	/* Case 3: two more pages, new arrays and ppref (1 x 7). */
	assert_int_equal(amap_extend(&e, 2 * ps), 0);
	e.end += 2 * ps;
	CHECK(m);
	assert_int_equal(am->am_maxslot, 7);
	{
		static const int want[] = { 1, 1, 1, 1, 1, 1, 1 };

		assert_counts(am, want, 7);
	}
	late = mkanon(m, 0);
	add(&e.aref, 6, late);
	CHECK(m);
	assert_true(tu_verify(m, an[0]->u.an_page, 400));
	assert_true(tu_verify(m, an[1]->u.an_page, 401));

	amap_unref(am, 0, 7, FALSE);
	CHECK(m);
	assert_int_equal(live_anons(m), nanon);
	assert_int_equal(free_pages(m), nfree);
	assert_int_equal(live_amaps(m), 0);
	tu_destroy(m);
}

/* ---- copy ----------------------------------------------------------- */

static void
test_copy(void **state)
{
	struct uvmsim_machine *m = amap_machine();
	struct vm_amap *am, *child;
	struct vm_map_entry parent, kid;
	struct vm_anon *a, *b;
	int nanon, nfree;

	(void)state;
	nanon = live_anons(m);
	nfree = free_pages(m);
	am = amap_alloc(3 * ps, 0, 0);
	assert_non_null(am);
	mkentry(&parent, 0x300000, 3, am, 0, UVM_ET_COPYONWRITE);
	a = mkanon(m, 500);
	b = mkanon(m, 502);
	add(&parent.aref, 0, a);
	add(&parent.aref, 2, b);
	CHECK(m);

	/* fork: both entries share the amap and both need a copy. */
	amap_ref(am, 0, 3, AMAP_REFALL);
	parent.etype |= UVM_ET_NEEDSCOPY;
	mkentry(&kid, 0x300000, 3, am, 0,
	    UVM_ET_COPYONWRITE | UVM_ET_NEEDSCOPY);
	CHECK(m);

	/*
	 * The child copies:
	 *	am     [ A | . | B ]  ref 1 (the parent's)
	 *	child  [ A | . | B ]  ref 1; A and B: an_ref 2
	 */
	amap_copy(NULL, &kid, 0, FALSE, kid.start, kid.end);
	CHECK(m);
	assert_int_equal(last_event(m), UVMSIM_EV_AMAP_COPY);
	child = kid.aref.ar_amap;
	assert_non_null(child);
	assert_ptr_not_equal(child, am);
	assert_int_equal(kid.aref.ar_pageoff, 0);
	assert_false(UVM_ET_ISNEEDSCOPY(&kid));
	assert_int_equal(child->am_ref, 1);
	assert_int_equal(child->am_nslot, 3);
	assert_int_equal(child->am_nused, 2);
	assert_int_equal(am->am_ref, 1);
	assert_false(simple_lock_held(&am->am_l));
	assert_ptr_equal(lookup(&kid.aref, 0), a);
	assert_null(lookup(&kid.aref, 1));
	assert_ptr_equal(lookup(&kid.aref, 2), b);
	assert_int_equal(a->an_ref, 2);
	assert_int_equal(b->an_ref, 2);
	assert_true(tu_verify(m, a->u.an_page, 500));
	assert_true(tu_verify(m, b->u.an_page, 502));
	assert_int_equal(live_amaps(m), 2);

	/* The parent is now alone on its amap: it takes it over. */
	amap_copy(NULL, &parent, 0, FALSE, parent.start, parent.end);
	CHECK(m);
	assert_ptr_equal(parent.aref.ar_amap, am);
	assert_false(UVM_ET_ISNEEDSCOPY(&parent));
	assert_int_equal(live_amaps(m), 2);
	assert_int_equal(am->am_ref, 1);

	/* The parent exits: the anons live on in the child. */
	amap_unref(am, 0, 3, TRUE);
	CHECK(m);
	assert_int_equal(a->an_ref, 1);
	assert_int_equal(b->an_ref, 1);
	assert_int_equal(free_pages(m), nfree - 2);
	assert_true(tu_verify(m, a->u.an_page, 500));

	amap_unref(child, 0, 3, TRUE);
	CHECK(m);
	assert_int_equal(live_anons(m), nanon);
	assert_int_equal(free_pages(m), nfree);
	assert_int_equal(live_amaps(m), 0);
	tu_destroy(m);
}

/* An entry with no amap gets a blank one; a clipped entry copies its part. */
static void
test_copy_blank_and_part(void **state)
{
	struct uvmsim_machine *m = amap_machine();
	struct vm_amap *am, *part;
	struct vm_map_entry e, left, right;
	struct vm_anon *an[4];
	int nanon, nfree, i;

	(void)state;
	nanon = live_anons(m);
	nfree = free_pages(m);

	mkentry(&e, 0x400000, 3, NULL, 0,
	    UVM_ET_COPYONWRITE | UVM_ET_NEEDSCOPY);
	amap_copy(NULL, &e, AMAP_COPY_NOWAIT, TRUE, e.start, e.end);
	CHECK(m);
	assert_non_null(e.aref.ar_amap);
	assert_int_equal(e.aref.ar_amap->am_nslot, 3);
	assert_int_equal(e.aref.ar_amap->am_nused, 0);
	assert_false(UVM_ET_ISNEEDSCOPY(&e));
	amap_unref(e.aref.ar_amap, 0, 3, TRUE);
	CHECK(m);

	am = amap_alloc(4 * ps, 0, 0);
	assert_non_null(am);
	mkentry(&left, 0x500000, 4, am, 0, UVM_ET_COPYONWRITE);
	for (i = 0; i < 4; i++) {
		an[i] = mkanon(m, 600 + i);
		add(&left.aref, i, an[i]);
	}
	CHECK(m);

	/*
	 * Clip at two pages; the right part needs a copy.
	 *	am      [ A | B | C | D ]    ppref 1 1 1 1, ref 2
	 *	          left    right
	 */
	mkentry(&right, 0x500000 + 2 * ps, 2, NULL, 0,
	    UVM_ET_COPYONWRITE | UVM_ET_NEEDSCOPY);
	amap_splitref(&left.aref, &right.aref, 2 * ps);
	left.end = left.start + 2 * ps;
	CHECK(m);

	/*
	 * The copy takes C, D; the old amap no longer covers slots 2..3:
	 *	am      [ A | B | . | . ]    ppref 1 1 0 0, ref 1
	 *	part    [ C | D ]            C, D: an_ref 1 (moved)
	 */
	amap_copy(NULL, &right, 0, FALSE, right.start, right.end);
	CHECK(m);
	part = right.aref.ar_amap;
	assert_ptr_not_equal(part, am);
	assert_int_equal(right.aref.ar_pageoff, 0);
	assert_false(UVM_ET_ISNEEDSCOPY(&right));
	assert_int_equal(am->am_ref, 1);
	assert_int_equal(am->am_nused, 2);
	{
		static const int want[] = { 1, 1, 0, 0 };

		assert_counts(am, want, 4);
	}
	assert_ptr_equal(lookup(&right.aref, 0), an[2]);
	assert_ptr_equal(lookup(&right.aref, 1), an[3]);
	assert_int_equal(an[2]->an_ref, 1);
	assert_int_equal(an[3]->an_ref, 1);
	assert_int_equal(free_pages(m), nfree - 4);
	for (i = 0; i < 4; i++)
		assert_true(tu_verify(m, an[i]->u.an_page, 600 + i));

	amap_unref(am, 0, 2, FALSE);
	CHECK(m);
	amap_unref(part, 0, 2, TRUE);
	CHECK(m);
	assert_int_equal(live_anons(m), nanon);
	assert_int_equal(free_pages(m), nfree);
	assert_int_equal(live_amaps(m), 0);
	tu_destroy(m);
}

/* ---- allocation failure ------------------------------------------------- */

static void
test_failpoint(void **state)
{
	struct uvmsim_machine *m = amap_machine();
	struct vm_amap *am, *am2;
	struct vm_map_entry e, kid;
	struct vm_anon *a;
	int nanon;

	(void)state;
	nanon = live_anons(m);

	assert_int_equal(uvmsim_failpoint_set(m, "amap_alloc", 1, 1), 0);
	assert_null(amap_alloc(2 * ps, 0, 0));
	CHECK(m);
	assert_int_equal(uvmsim_failpoint_fired(m, "amap_alloc"), 1);
	assert_int_equal(live_amaps(m), 0);
	am = amap_alloc(2 * ps, 0, 0);	/* the next one succeeds */
	assert_non_null(am);
	CHECK(m);

	/* No amap and no memory: the entry stays as it was. */
	mkentry(&e, 0x600000, 2, NULL, 0,
	    UVM_ET_COPYONWRITE | UVM_ET_NEEDSCOPY);
	assert_int_equal(uvmsim_failpoint_set(m, "amap_alloc", 1, 1), 0);
	amap_copy(NULL, &e, AMAP_COPY_NOWAIT, FALSE, e.start, e.end);
	CHECK(m);
	assert_null(e.aref.ar_amap);
	assert_true(UVM_ET_ISNEEDSCOPY(&e));

	/* A shared amap and no memory for the copy: unchanged too. */
	a = mkanon(m, 700);
	add(&(struct vm_aref){ 0, am }, 1, a);
	amap_ref(am, 0, 2, AMAP_REFALL);
	mkentry(&kid, 0x600000, 2, am, 0,
	    UVM_ET_COPYONWRITE | UVM_ET_NEEDSCOPY);
	CHECK(m);
	assert_int_equal(uvmsim_failpoint_set(m, "amap_alloc", 1, 1), 0);
	amap_copy(NULL, &kid, AMAP_COPY_NOWAIT, FALSE, kid.start, kid.end);
	CHECK(m);
	assert_ptr_equal(kid.aref.ar_amap, am);
	assert_int_equal(kid.aref.ar_pageoff, 0);
	assert_true(UVM_ET_ISNEEDSCOPY(&kid));
	assert_int_equal(am->am_ref, 2);
	assert_int_equal(a->an_ref, 1);
	assert_int_equal(live_amaps(m), 1);
	assert_false(simple_lock_held(&am->am_l));

	/* Retried with memory, it works. */
	amap_copy(NULL, &kid, 0, FALSE, kid.start, kid.end);
	CHECK(m);
	am2 = kid.aref.ar_amap;
	assert_ptr_not_equal(am2, am);
	assert_int_equal(a->an_ref, 2);

	amap_unref(am, 0, 2, TRUE);
	amap_unref(am2, 0, 2, TRUE);
	CHECK(m);
	assert_int_equal(live_anons(m), nanon);
	assert_int_equal(live_amaps(m), 0);
	tu_destroy(m);
}

/* ---- misuse --------------------------------------------------------- */

static void
test_panics(void **state)
{
	struct uvmsim_machine *m = amap_machine();
	struct vm_amap *am;
	struct vm_aref ar, right;
	struct vm_anon *a, *b, *got[4];

	(void)state;
	am = amap_alloc(2 * ps, 0, 0);
	assert_non_null(am);
	ar.ar_amap = am;
	ar.ar_pageoff = 0;
	a = mkanon(m, 0);
	b = mkanon(m, 0);
	add(&ar, 0, a);
	CHECK(m);

	/* Slot operations outside the amap. */
	amap_lock(am);
	EXPECT_PANIC(m, amap_lookup(&ar, 2 * ps), "out of range");
	EXPECT_PANIC(m, amap_lookups(&ar, ps, got, 2), "out of range");
	EXPECT_PANIC(m, amap_add(&ar, 5 * ps, b, FALSE), "out of range");
	EXPECT_PANIC(m, amap_unadd(&ar, 2 * ps), "out of range");
	/* An offset that is not page aligned. */
	EXPECT_PANIC(m, amap_lookup(&ar, 1), "kernel assertion");

	/* Adding over an anon, replacing nothing, removing nothing. */
	EXPECT_PANIC(m, amap_add(&ar, 0, b, FALSE), "in use");
	EXPECT_PANIC(m, amap_add(&ar, ps, b, TRUE), "replacing the empty");
	EXPECT_PANIC(m, amap_unadd(&ar, ps), "is empty");
	amap_unlock(am);
	CHECK(m);

	/* Slot operations without the amap lock. */
	EXPECT_PANIC(m, amap_lookup(&ar, 0), "simple_lock_held");
	EXPECT_PANIC(m, amap_add(&ar, ps, b, FALSE), "simple_lock_held");
	CHECK(m);

	/* Freeing an amap that is referenced and holds an anon. */
	EXPECT_PANIC(m, amap_free(am), "still in use");
	/* Dropping or taking references outside the amap. */
	EXPECT_PANIC(m, amap_unref(am, 1, 2, FALSE), "out of range");
	EXPECT_PANIC(m, amap_ref(am, 3, 1, 0), "out of range");
	/* Splitting at the start or past the end. */
	EXPECT_PANIC(m, amap_splitref(&ar, &right, 0), "zero offset");
	EXPECT_PANIC(m, amap_splitref(&ar, &right, 2 * ps), "past the end");
	CHECK(m);
	assert_int_equal(am->am_ref, 1);
	assert_false(simple_lock_held(&am->am_l));

	dropanon(b);
	amap_unref(am, 0, 2, TRUE);
	CHECK(m);
	tu_destroy(m);
}

/* The checker sees a broken amap and names what is wrong. */
static void
test_checker(void **state)
{
	struct uvmsim_machine *m = amap_machine();
	struct uvmsim_report r = { 0 };
	struct vm_amap *am;
	struct vm_aref ar;
	struct vm_anon *a;
	int saved;

	(void)state;
	am = amap_alloc(2 * ps, 0, 0);
	assert_non_null(am);
	ar.ar_amap = am;
	ar.ar_pageoff = 0;
	a = mkanon(m, 0);
	add(&ar, 1, a);
	CHECK(m);

	saved = am->am_bckptr[1];
	am->am_bckptr[1] = 5;
	assert_true(uvmsim_check(m, &r) > 0);
	assert_non_null(uvmsim_report_find(&r, "amap.bckptr", "am_bckptr"));
	uvmsim_report_free(&r);
	am->am_bckptr[1] = saved;

	am->am_nused = 0;
	memset(&r, 0, sizeof(r));
	assert_true(uvmsim_check(m, &r) > 0);
	assert_non_null(uvmsim_report_find(&r, "amap.nused", "am_nused"));
	uvmsim_report_free(&r);
	am->am_nused = 1;

	am->am_nused = 7;
	memset(&r, 0, sizeof(r));
	assert_true(uvmsim_check(m, &r) > 0);
	assert_non_null(uvmsim_report_find(&r, "amap.counts", NULL));
	uvmsim_report_free(&r);
	am->am_nused = 1;

	/* Slot 1 holds A, yet its count says nobody covers it. */
	am->am_ppref = calloc(2, sizeof(int));
	assert_non_null(am->am_ppref);
	am->am_ppref[0] = 2;		/* slot 0: count 1 */
	am->am_ppref[1] = 1;		/* slot 1: count 0 */
	memset(&r, 0, sizeof(r));
	assert_true(uvmsim_check(m, &r) > 0);
	assert_non_null(uvmsim_report_find(&r, "amap.ppref_zero", NULL));
	uvmsim_report_free(&r);
	am->am_ppref[1] = -2;		/* a run of 2 slots cannot fit */
	memset(&r, 0, sizeof(r));
	assert_true(uvmsim_check(m, &r) > 0);
	assert_non_null(uvmsim_report_find(&r, "amap.ppref", "am_ppref"));
	uvmsim_report_free(&r);
	am->am_ppref[0] = -2;		/* one run of 2 slots, count 1 */
	am->am_ppref[1] = 2;
	CHECK(m);

	am->am_ref = 0;
	memset(&r, 0, sizeof(r));
	assert_true(uvmsim_check(m, &r) > 0);
	assert_non_null(uvmsim_report_find(&r, "amap.ref", "am_ref"));
	uvmsim_report_free(&r);
	am->am_ref = 1;
	CHECK(m);

	amap_unref(am, 0, 2, TRUE);
	CHECK(m);
	tu_destroy(m);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_alloc_free),
		cmocka_unit_test(test_teardown_frees),
		cmocka_unit_test(test_add_lookup_unadd),
		cmocka_unit_test(test_replace),
		cmocka_unit_test(test_ref_unref_all),
		cmocka_unit_test(test_partial_ref_ppref),
		cmocka_unit_test(test_partial_unref_shared),
		cmocka_unit_test(test_splitref),
		cmocka_unit_test(test_extend),
		cmocka_unit_test(test_extend_ppref),
		cmocka_unit_test(test_copy),
		cmocka_unit_test(test_copy_blank_and_part),
		cmocka_unit_test(test_failpoint),
		cmocka_unit_test(test_panics),
		cmocka_unit_test(test_checker),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
