/*
 * test_cover_kassert.c: the KASSERTs of the kernel interfaces, reached
 * by misuse: amaps handed no reference, no anon, a negative offset or
 * count, or taken unlocked; entries that end before they start or run
 * past their amap; an aobj's pager and slot table handed a file, an
 * index off the object or an unlocked object; loans returned with no
 * kind, a negative count, or from an anon that lent nothing; loan breaks
 * of pages nobody lent; kernel memory from a user map or freed where
 * nothing is mapped; a fault on no map.
 *
 * Each misuse panics (UVMSIM_CATCH, through the machine's handler) with
 * the assertion's text, before anything changes: the checker finds the
 * machine clean after it, and every test gives back all it made.
 */
#include "testutil.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>

static struct uvmsim_machine *m;
static struct proc *p;
static struct vm_map *map;
static size_t ps;

static int
setup(void **state)
{
	(void)state;
	m = tu_proc_setup(64, &p, &map, &ps);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	tu_proc_teardown(m, p, TU_ANONS_FREE);
	return 0;
}

/* A KASSERT whose expression begins with text fails in stmt. */
#define EXPECT_KASSERT(stmt, text)					\
	EXPECT_PANIC(m, stmt, "kernel assertion \"" text)
/* A lock assertion fails in stmt: its expression is simple_lock_held's
 * expansion, which names the check and the lock l. */
#define EXPECT_HELD(stmt, l) do {					\
	struct uvmsim_catch c_;						\
	UVMSIM_CATCH(m, &c_, stmt);					\
	if (!c_.caught)							\
		fail_msg("%s:%d: expected a panic from: %s",		\
		    __FILE__, __LINE__, #stmt);				\
	if (strstr(c_.message, "kernel assertion \"uvmsim__simple_lock_held(") \
	    == NULL || strstr(c_.message, l ")") == NULL)		\
		fail_msg("%s:%d: panic \"%s\" is not the assertion that "	\
		    "%s is held", __FILE__, __LINE__, c_.message, l);	\
} while (0)

/* ---- amaps -------------------------------------------------------------- */

static void
test_amap_misuse(void **state)
{
	struct vm_amap *am;
	struct vm_aref ar, none, neg, split;
	struct vm_anon *anons[2], *an;
	int nanon = uvmsim_uvmexp(m)->nanon - uvmsim_uvmexp(m)->nfreeanon;

	(void)state;
	EXPECT_KASSERT((void)amap_alloc(ps + 1, 0, 0),
	    "(bytes & (m->pagesize - 1)) == 0");
	EXPECT_KASSERT((void)amap_alloc(((vaddr_t)INT_MAX + 1) * ps, 0, 0),
	    "(bytes >> m->pageshift) <= INT_MAX");
	CHECK(m);

	am = amap_alloc(2 * ps, 0, 0);
	assert_non_null(am);
	ar.ar_amap = am;
	ar.ar_pageoff = 0;
	none.ar_amap = NULL;
	none.ar_pageoff = 0;
	neg.ar_amap = am;
	neg.ar_pageoff = -1;
	an = uvm_analloc();
	assert_non_null(an);
	simple_unlock(&an->an_lock);
	CHECK(m);

	/* Lookups: no reference, no amap, a negative offset, unlocked, a
	 * negative count. */
	EXPECT_KASSERT((void)amap_lookup(NULL, 0),
	    "aref != NULL && aref->ar_amap != NULL");
	EXPECT_KASSERT((void)amap_lookup(&none, 0),
	    "aref != NULL && aref->ar_amap != NULL");
	EXPECT_KASSERT({ amap_lock(am); (void)amap_lookup(&neg, 0); },
	    "aref->ar_pageoff >= 0");
	EXPECT_KASSERT(amap_lookups(NULL, 0, anons, 1),
	    "aref != NULL && aref->ar_amap != NULL");
	EXPECT_KASSERT(amap_lookups(&none, 0, anons, 1),
	    "aref != NULL && aref->ar_amap != NULL");
	EXPECT_HELD(amap_lookups(&ar, 0, anons, 1), "&amap->am_l");
	EXPECT_KASSERT({ amap_lock(am); amap_lookups(&ar, 0, anons, -1); },
	    "npages >= 0");
	CHECK(m);

	/* Adding and removing: no reference, no amap, no anon, unlocked. */
	EXPECT_KASSERT(amap_add(NULL, 0, an, FALSE),
	    "aref != NULL && aref->ar_amap != NULL");
	EXPECT_KASSERT(amap_add(&none, 0, an, FALSE),
	    "aref != NULL && aref->ar_amap != NULL");
	EXPECT_KASSERT({ amap_lock(am); amap_add(&ar, 0, NULL, FALSE); },
	    "anon != NULL");
	EXPECT_KASSERT(amap_unadd(NULL, 0),
	    "aref != NULL && aref->ar_amap != NULL");
	EXPECT_KASSERT(amap_unadd(&none, 0),
	    "aref != NULL && aref->ar_amap != NULL");
	EXPECT_HELD(amap_unadd(&ar, 0), "&amap->am_l");
	CHECK(m);
	assert_int_equal(am->am_nused, 0);
	assert_int_equal(an->an_ref, 1);

	/* References: no amap; splits with a side missing. */
	EXPECT_KASSERT(amap_ref(NULL, 0, 1, 0), "amap != NULL");
	EXPECT_KASSERT(amap_unref(NULL, 0, 1, FALSE), "amap != NULL");
	EXPECT_KASSERT(amap_splitref(NULL, &split, ps),
	    "origref != NULL && splitref != NULL");
	EXPECT_KASSERT(amap_splitref(&ar, NULL, ps),
	    "origref != NULL && splitref != NULL");
	EXPECT_KASSERT(amap_splitref(&none, &split, ps), "amap != NULL");
	CHECK(m);
	assert_int_equal(am->am_ref, 1);

	/* Per-page counts: none yet, unlocked, then a range off the amap. */
	EXPECT_KASSERT(amap_pp_adjref(NULL, 0, 1, 1), "amap != NULL");
	EXPECT_HELD(amap_pp_adjref(am, 0, 1, 1), "&amap->am_l");
	EXPECT_KASSERT({ amap_lock(am); amap_pp_adjref(am, 0, 1, 1); },
	    "uvmsim__amap_pp_valid(amap)");
	amap_ref(am, 0, 1, 0);		/* a part: the counts appear */
	assert_true(am->am_ppref != NULL && am->am_ppref != PPREF_NONE);
	CHECK(m);
	EXPECT_KASSERT({ amap_lock(am); amap_pp_adjref(am, -1, 1, 1); },
	    "curslot >= 0 && slotlen <= (vsize_t)amap->am_nslot &&");
	EXPECT_KASSERT({ amap_lock(am); amap_pp_adjref(am, 0, 3, 1); },
	    "curslot >= 0 && slotlen <= (vsize_t)amap->am_nslot &&");
	EXPECT_KASSERT({ amap_lock(am); amap_pp_adjref(am, 1, 2, 1); },
	    "curslot >= 0 && slotlen <= (vsize_t)amap->am_nslot &&");
	amap_unref(am, 0, 1, FALSE);
	CHECK(m);
	assert_int_equal(am->am_ref, 1);

	/* Wiping out: no amap, unlocked, still referenced; freeing no
	 * amap. */
	EXPECT_KASSERT(amap_wipeout(NULL), "amap != NULL");
	EXPECT_HELD(amap_wipeout(am), "&amap->am_l");
	EXPECT_KASSERT({ amap_lock(am); amap_wipeout(am); },
	    "amap->am_ref == 0");
	EXPECT_KASSERT(amap_free(NULL), "amap != NULL");
	CHECK(m);

	amap_unref(am, 0, 2, TRUE);
	an->an_ref = 0;
	uvm_anfree(an);
	CHECK(m);
	assert_int_equal(uvmsim_uvmexp(m)->nanon - uvmsim_uvmexp(m)->nfreeanon,
	    nanon);
}

/* Entries handed to amap_extend, amap_copy and amap_cow_now that no map
 * could hold. */
static void
test_amap_entry_misuse(void **state)
{
	struct vm_map_entry e, *ent;
	struct vm_amap *am;

	(void)state;
	am = amap_alloc(2 * ps, 0, 0);
	assert_non_null(am);
	memset(&e, 0, sizeof(e));
	e.start = 0x100000;
	e.end = e.start + 2 * ps;
	e.protection = e.max_protection = VM_PROT_ALL;
	e.etype = UVM_ET_COPYONWRITE;

	EXPECT_KASSERT((void)amap_extend(NULL, ps),
	    "entry != NULL && entry->aref.ar_amap != NULL");
	EXPECT_KASSERT((void)amap_extend(&e, ps),
	    "entry != NULL && entry->aref.ar_amap != NULL");
	e.aref.ar_amap = am;
	e.end = e.start - ps;
	EXPECT_KASSERT((void)amap_extend(&e, ps),
	    "entry->end >= entry->start");
	EXPECT_KASSERT(amap_copy(NULL, &e, 0, FALSE, 0, 0),
	    "entry->end >= entry->start");
	EXPECT_KASSERT(amap_copy(NULL, NULL, 0, FALSE, 0, 0),
	    "entry != NULL");
	e.end = e.start + 2 * ps;
	e.aref.ar_pageoff = -1;
	EXPECT_KASSERT((void)amap_extend(&e, ps), "slotoff >= 0");
	e.aref.ar_pageoff = 0;
	EXPECT_KASSERT((void)amap_extend(&e, (vsize_t)INT_MAX * ps),
	    "(int64_t)slotoff + slotmapped + slotadd <= INT_MAX");
	e.end = e.start + 3 * ps;	/* one page past the amap */
	EXPECT_KASSERT((void)amap_extend(&e, ps),
	    "slotoff + slotmapped <= amap->am_nslot");
	CHECK(m);
	assert_int_equal(am->am_nslot, 2);
	assert_int_equal(am->am_ref, 1);
	amap_unref(am, 0, 2, TRUE);
	CHECK(m);

	/* amap_cow_now: no map, no entry, the map not locked. */
	tu_map_anon(m, map, 0x400000, 1, VM_PROT_READ | VM_PROT_WRITE,
	    UVM_INH_COPY, UVM_ADV_NORMAL, 0);
	vm_map_lock_read(map);
	assert_true(uvm_map_lookup_entry(map, 0x400000, &ent));
	vm_map_unlock_read(map);
	EXPECT_KASSERT((void)amap_cow_now(NULL, ent),
	    "map != NULL && entry != NULL");
	EXPECT_KASSERT((void)amap_cow_now(map, NULL),
	    "map != NULL && entry != NULL");
	EXPECT_KASSERT((void)amap_cow_now(map, ent),
	    "map->lock.lk_exholder == m->curcpu + 1");
	CHECK(m);
	uvm_unmap(map, 0x400000, 0x400000 + ps);
	CHECK(m);
}

/* ---- aobjs -------------------------------------------------------------- */

static void
test_aobj_misuse(void **state)
{
	const struct uvm_pagerops *ops;
	struct uvm_object *ao, *f;
	struct vm_page *pps[2] = { NULL, NULL };
	int n = 1, zero = 0;

	(void)state;
	ao = uao_create(2 * ps, 0);
	assert_non_null(ao);
	assert_int_equal(uvmsim_file_create(m, ps, &f), 0);
	ops = ao->pgops;
	CHECK(m);

	/* The aobj calls handed a file. */
	EXPECT_KASSERT(uao_reference(f), "uvmsim_is_aobj(uobj)");
	EXPECT_KASSERT(uao_detach(f), "uvmsim_is_aobj(uobj)");
	EXPECT_KASSERT({ simple_lock(&f->vmobjlock);
	    (void)uao_find_swslot(f, 0); }, "uvmsim_is_aobj(uobj)");
	EXPECT_KASSERT({ simple_lock(&f->vmobjlock);
	    (void)uao_set_swslot(f, 0, 0); }, "uvmsim_is_aobj(uobj)");
	/* Slots off the object, or the object unlocked. */
	EXPECT_KASSERT({ simple_lock(&ao->vmobjlock);
	    (void)uao_find_swslot(ao, -1); },
	    "pageidx >= 0 && pageidx < aobj->u_pages");
	EXPECT_KASSERT({ simple_lock(&ao->vmobjlock);
	    (void)uao_find_swslot(ao, 2); },
	    "pageidx >= 0 && pageidx < aobj->u_pages");
	EXPECT_HELD((void)uao_set_swslot(ao, 0, 0), "&uobj->vmobjlock");
	EXPECT_KASSERT({ simple_lock(&ao->vmobjlock);
	    (void)uao_set_swslot(ao, -1, 0); },
	    "pageidx >= 0 && pageidx < aobj->u_pages");
	EXPECT_KASSERT({ simple_lock(&ao->vmobjlock);
	    (void)uao_set_swslot(ao, 2, 0); },
	    "pageidx >= 0 && pageidx < aobj->u_pages");
	CHECK(m);

	/* The aobj pager's operations: another object, none, unlocked,
	 * no page array or count, a count of 0, a center off the pages,
	 * an offset negative, unaligned or past the end. */
	EXPECT_KASSERT({ simple_lock(&f->vmobjlock);
	    (void)ops->pgo_get(f, 0, pps, &n, 0, VM_PROT_READ, 0, 0); },
	    "uobj != NULL && uobj->pgops == &aobj_pager");
	EXPECT_KASSERT((void)ops->pgo_get(NULL, 0, pps, &n, 0, VM_PROT_READ,
	    0, 0), "uobj != NULL && uobj->pgops == &aobj_pager");
	EXPECT_KASSERT((void)ops->pgo_get(ao, 0, pps, &n, 0, VM_PROT_READ,
	    0, 0), "simple_lock_held(&uobj->vmobjlock)");
	EXPECT_KASSERT({ simple_lock(&ao->vmobjlock);
	    (void)ops->pgo_get(ao, 0, NULL, &n, 0, VM_PROT_READ, 0, 0); },
	    "pps != NULL && npagesp != NULL && *npagesp > 0");
	EXPECT_KASSERT({ simple_lock(&ao->vmobjlock);
	    (void)ops->pgo_get(ao, 0, pps, NULL, 0, VM_PROT_READ, 0, 0); },
	    "pps != NULL && npagesp != NULL && *npagesp > 0");
	EXPECT_KASSERT({ simple_lock(&ao->vmobjlock);
	    (void)ops->pgo_get(ao, 0, pps, &zero, 0, VM_PROT_READ, 0, 0); },
	    "pps != NULL && npagesp != NULL && *npagesp > 0");
	EXPECT_KASSERT({ simple_lock(&ao->vmobjlock);
	    (void)ops->pgo_get(ao, 0, pps, &n, -1, VM_PROT_READ, 0, 0); },
	    "centeridx >= 0 && centeridx < *npagesp");
	EXPECT_KASSERT({ simple_lock(&ao->vmobjlock);
	    (void)ops->pgo_get(ao, 0, pps, &n, 1, VM_PROT_READ, 0, 0); },
	    "centeridx >= 0 && centeridx < *npagesp");
	EXPECT_KASSERT({ simple_lock(&ao->vmobjlock);
	    (void)ops->pgo_get(ao, -(voff_t)ps, pps, &n, 0, VM_PROT_READ, 0,
	    0); }, "offset >= 0 && (offset & (voff_t)(m->pagesize - 1)) == 0");
	EXPECT_KASSERT({ simple_lock(&ao->vmobjlock);
	    (void)ops->pgo_get(ao, 1, pps, &n, 0, VM_PROT_READ, 0, 0); },
	    "offset >= 0 && (offset & (voff_t)(m->pagesize - 1)) == 0");
	EXPECT_KASSERT({ simple_lock(&ao->vmobjlock);
	    (void)ops->pgo_get(ao, 2 * ps, pps, &n, 0, VM_PROT_READ, 0, 0); },
	    "(vsize_t)offset + ((vsize_t)npages << m->pageshift) <=");
	EXPECT_KASSERT({ simple_lock(&f->vmobjlock);
	    (void)ops->pgo_put(f, 0, 0, PGO_ALLPAGES); },
	    "uobj != NULL && uobj->pgops == &aobj_pager");
	EXPECT_KASSERT((void)ops->pgo_put(NULL, 0, 0, PGO_ALLPAGES),
	    "uobj != NULL && uobj->pgops == &aobj_pager");
	EXPECT_KASSERT((void)ops->pgo_put(ao, 0, 0, PGO_ALLPAGES),
	    "simple_lock_held(&uobj->vmobjlock)");
	EXPECT_KASSERT(ops->pgo_reference(f),
	    "uobj != NULL && uobj->pgops == &aobj_pager");
	EXPECT_KASSERT(ops->pgo_reference(NULL),
	    "uobj != NULL && uobj->pgops == &aobj_pager");
	EXPECT_KASSERT(ops->pgo_detach(f),
	    "uobj != NULL && uobj->pgops == &aobj_pager");
	EXPECT_KASSERT(ops->pgo_detach(NULL),
	    "uobj != NULL && uobj->pgops == &aobj_pager");
	CHECK(m);
	assert_null(pps[0]);
	assert_int_equal(ao->uo_refs, 1);
	assert_int_equal(ao->uo_npages, 0);
	assert_int_equal(f->uo_refs, 1);

	uao_detach(ao);
	f->pgops->pgo_detach(f);
	CHECK(m);
}

/* ---- loans -------------------------------------------------------------- */

static void
test_loan_misuse(void **state)
{
	struct vm_page *pg, *opg[1], *lent[1];
	struct vm_anon *an, *anons[1], *lender;
	struct uvm_object *f;

	(void)state;
	an = uvm_analloc();
	assert_non_null(an);
	pg = uvm_pagealloc(NULL, 0, an, 0);
	assert_non_null(pg);
	tu_unbusy(pg);
	tu_activate(pg);
	tu_fill(m, pg, 0x10a);
	simple_unlock(&an->an_lock);
	anons[0] = an;
	assert_int_equal(uvmsim_file_create(m, ps, &f), 0);
	tu_pgo_resident(m, f, 1, opg);
	CHECK(m);

	/* uvm_unloan: neither kind, or both; a negative count; the two
	 * returns called directly with one. */
	EXPECT_KASSERT(uvm_unloan(anons, 1, 0),
	    "((flags & UVM_LOAN_TOANON) != 0) !=");
	EXPECT_KASSERT(uvm_unloan(anons, 1,
	    UVM_LOAN_TOANON | UVM_LOAN_TOPAGE),
	    "((flags & UVM_LOAN_TOANON) != 0) !=");
	EXPECT_KASSERT(uvm_unloan(anons, -1, UVM_LOAN_TOANON),
	    "npages >= 0");
	EXPECT_KASSERT(uvm_unloananon(anons, -1), "nanons >= 0");
	EXPECT_KASSERT(uvm_unloanpage(opg, -1), "npages >= 0");
	/* An anon that lent nothing returns no loan. */
	EXPECT_KASSERT(uvm_unloananon(anons, 1),
	    "anon->an_ref > 0 && anon->an_loans > 0");
	CHECK(m);
	assert_int_equal(an->an_ref, 1);
	assert_int_equal(an->an_loans, 0);

	/* Loan breaks of pages nobody lent: an object's, an anon's; an
	 * anon unlocked. */
	EXPECT_KASSERT({ simple_lock(&f->vmobjlock);
	    (void)uvm_loanbreak(opg[0]); }, "uobjpage->loan_count != 0");
	EXPECT_KASSERT((void)uvm_loanbreak(pg), "uobj != NULL");
	EXPECT_HELD((void)uvm_loanbreak_anon(an, NULL), "&anon->an_lock");
	EXPECT_KASSERT({ simple_lock(&an->an_lock);
	    (void)uvm_loanbreak_anon(an, NULL); },
	    "opg != NULL && opg->loan_count != 0");
	CHECK(m);
	assert_true(tu_verify(m, pg, 0x10a));
	assert_ptr_equal(an->u.an_page, pg);
	assert_ptr_equal(opg[0]->uobject, f);
	assert_int_equal(opg[0]->loan_count, 0);

	/* A process's anon page lent to the kernel: breaking the loan for
	 * the anon, naming an object the page is not in. */
	tu_map_anon(m, map, 0x400000, 1, VM_PROT_READ | VM_PROT_WRITE,
	    UVM_INH_COPY, UVM_ADV_NORMAL, 0);
	assert_int_equal(uvmsim_store(m, 0, p->p_vmspace, 0x400000, 8,
	    0x5eed), 0);
	assert_int_equal(uvm_loan(map, 0x400000, ps, lent, UVM_LOAN_TOPAGE),
	    0);
	lender = tu_anon_at(map, 0x400000);
	assert_non_null(lender);
	assert_ptr_equal(lender->u.an_page, lent[0]);
	CHECK(m);
	EXPECT_KASSERT({ simple_lock(&lender->an_lock);
	    simple_lock(&f->vmobjlock);
	    (void)uvm_loanbreak_anon(lender, f); }, "opg->uobject == uobj");
	CHECK(m);
	assert_int_equal(lent[0]->loan_count, 1);
	assert_ptr_equal(lender->u.an_page, lent[0]);
	assert_int_equal(tu_word(m, lent[0], 0), 0x5eed);
	uvm_unloan(lent, 1, UVM_LOAN_TOPAGE);
	uvm_unmap(map, 0x400000, 0x400000 + ps);
	CHECK(m);

	an->an_ref = 0;
	uvm_anfree(an);
	f->pgops->pgo_detach(f);
	CHECK(m);
}

/* ---- kernel memory, faults ---------------------------------------------- */

static void
test_km_fault_misuse(void **state)
{
	struct vm_map *kmap = uvm_kernel_map();
	struct uvmexp *ux = uvmsim_uvmexp(m);
	int free0, n0 = kmap->nentries;
	vaddr_t va;

	(void)state;
	EXPECT_KASSERT((void)uvm_km_alloc(NULL, ps),
	    "map != NULL && map->pmap == pmap_kernel()");
	EXPECT_KASSERT((void)uvm_km_alloc(map, ps),
	    "map != NULL && map->pmap == pmap_kernel()");
	EXPECT_KASSERT(uvm_km_free(NULL, 0, ps),
	    "map != NULL && map->pmap == pmap_kernel()");
	EXPECT_KASSERT(uvm_km_free(map, 0, ps),
	    "map != NULL && map->pmap == pmap_kernel()");
	EXPECT_KASSERT((void)uvm_fault(NULL, 0x400000, VM_FAULT_INVALID,
	    VM_PROT_READ), "orig_map != NULL");
	CHECK(m);

	/* Two pages of kernel memory; freeing them with no host memory for
	 * the list of their pages panics before anything goes. */
	va = uvm_km_alloc(kmap, 2 * ps);
	assert_int_not_equal(va, 0);
	free0 = ux->free;
	CHECK(m);
	assert_int_equal(uvmsim_failpoint_set(m, "host_alloc", 1, 1), 0);
	EXPECT_PANIC(m, uvm_km_free(kmap, va, 2 * ps),
	    "uvm_km_free: no host memory");
	assert_int_equal(uvmsim_failpoint_fired(m, "host_alloc"), 1);
	CHECK(m);
	assert_int_equal(ux->free, free0);
	assert_int_equal(kmap->nentries, n0 + 1);

	/* A range longer than what was allocated: the third page is not
	 * mapped, and the panic comes before any page or host memory is
	 * taken (memcheck sees no leak). */
	EXPECT_PANIC(m, uvm_km_free(kmap, va, 3 * ps),
	    "is not mapped");
	CHECK(m);
	assert_int_equal(ux->free, free0);
	assert_int_equal(kmap->nentries, n0 + 1);
	uvm_km_free(kmap, va, 2 * ps);
	CHECK(m);
	assert_true(ux->free >= free0 + 2);
	assert_int_equal(kmap->nentries, n0);
}

/* ---- pages -------------------------------------------------------------- */

static void
test_page_misuse(void **state)
{
	struct vm_page *pg, *fpg, *opg[1], *busy;
	struct vm_anon *an;
	struct uvm_object *f;

	(void)state;
	assert_int_equal(uvmsim_file_create(m, ps, &f), 0);
	tu_pgo_resident(m, f, 1, opg);
	an = uvm_analloc();
	assert_non_null(an);
	pg = uvm_pagealloc(NULL, 0, an, 0);
	assert_non_null(pg);
	tu_unbusy(pg);
	tu_activate(pg);
	tu_fill(m, pg, 0x9a9e);
	/* locked: anon */
	EXPECT_KASSERT((void)uvm_pagealloc(NULL, 0, an, 0),
	    "anon == NULL || anon->u.an_page == NULL");
	simple_unlock(&an->an_lock);
	busy = uvm_pagealloc(NULL, 0, NULL, 0);
	assert_non_null(busy);
	fpg = uvm_pagealloc(NULL, 0, NULL, 0);	/* then freed: a free page */
	assert_non_null(fpg);
	tu_pagefree(fpg);
	CHECK(m);

	/* Allocating into, or freeing from, an owner not locked. */
	EXPECT_KASSERT((void)uvm_pagealloc(f, ps, NULL, 0),
	    "obj == ((void *)0) || uvmsim__simple_lock_held(");
	EXPECT_KASSERT({ uvm_lock_pageq(); uvm_pagefree(opg[0]); },
	    "pg->uobject == ((void *)0) || uvmsim__simple_lock_held(");
	EXPECT_KASSERT({ uvm_lock_pageq(); uvm_pagefree(pg); },
	    "pg->uobject != ((void *)0) || pg->uanon == ((void *)0) ||");
	EXPECT_HELD((void)uvm_pagelookup(f, 0), "&obj->vmobjlock");
	/* The queues without their lock; a free page put on one. */
	EXPECT_KASSERT(uvm_pagedeactivate(pg), "((m)->uvm.pageqlock.lock_holder");
	EXPECT_KASSERT(uvm_pagedequeue(pg), "((m)->uvm.pageqlock.lock_holder");
	EXPECT_KASSERT(uvm_pagewire(pg), "((m)->uvm.pageqlock.lock_holder");
	EXPECT_KASSERT({ uvm_lock_pageq(); uvm_pageactivate(fpg); },
	    "(pg->pqflags & PQ_FREE) == 0");
	EXPECT_KASSERT({ uvm_lock_pageq(); uvm_pagedeactivate(fpg); },
	    "(pg->pqflags & PQ_FREE) == 0");
	EXPECT_KASSERT({ uvm_lock_pageq(); uvm_pagedequeue(fpg); },
	    "(pg->pqflags & PQ_FREE) == 0");
	EXPECT_KASSERT({ uvm_lock_pageq(); uvm_pagewire(fpg); },
	    "(pg->pqflags & PQ_FREE) == 0");
	/* A free page's contents, or a move of it or of an anon's page; a
	 * page unbusied that nobody busied. */
	EXPECT_KASSERT(uvm_pagezero(fpg), "(pg->pqflags & PQ_FREE) == 0");
	EXPECT_KASSERT(uvm_pagecopy(fpg, busy),
	    "(src->pqflags & PQ_FREE) == 0");
	EXPECT_KASSERT(uvm_pagecopy(pg, fpg),
	    "(dst->pqflags & PQ_FREE) == 0");
	EXPECT_KASSERT(uvm_pagerealloc(fpg, f, ps),
	    "(pg->pqflags & PQ_FREE) == 0 && !uvmsim__pg_isanon(m, pg)");
	EXPECT_KASSERT(uvm_pagerealloc(pg, f, ps),
	    "(pg->pqflags & PQ_FREE) == 0 && !uvmsim__pg_isanon(m, pg)");
	EXPECT_KASSERT(uvm_page_unbusy(&pg, 1), "pg->flags & PG_BUSY");
	CHECK(m);
	assert_true(tu_verify(m, pg, 0x9a9e));
	assert_ptr_equal(an->u.an_page, pg);
	assert_ptr_equal(opg[0]->uobject, f);
	assert_int_equal(f->uo_npages, 1);
	assert_true(fpg->pqflags & PQ_FREE);

	tu_unbusy(busy);
	tu_pagefree(busy);
	an->an_ref = 0;
	uvm_anfree(an);
	f->pgops->pgo_detach(f);
	CHECK(m);
}

/* ---- the file pager, objects -------------------------------------------- */

static void
test_file_pager_misuse(void **state)
{
	const struct uvm_pagerops *ops;
	struct uvm_object *ao, *f;
	struct vm_page *pps[2] = { NULL, NULL };
	int n = 1, zero = 0;

	(void)state;
	ao = uao_create(ps, 0);
	assert_non_null(ao);
	assert_int_equal(uvmsim_file_create(m, 2 * ps, &f), 0);
	ops = f->pgops;
	CHECK(m);

	EXPECT_KASSERT({ simple_lock(&ao->vmobjlock);
	    (void)ops->pgo_get(ao, 0, pps, &n, 0, VM_PROT_READ, 0, 0); },
	    "uobj != NULL && uobj->pgops == &uvm_vnodeops");
	EXPECT_KASSERT((void)ops->pgo_get(NULL, 0, pps, &n, 0, VM_PROT_READ,
	    0, 0), "uobj != NULL && uobj->pgops == &uvm_vnodeops");
	EXPECT_KASSERT((void)ops->pgo_get(f, 0, pps, &n, 0, VM_PROT_READ,
	    0, 0), "simple_lock_held(&uobj->vmobjlock)");
	EXPECT_KASSERT({ simple_lock(&f->vmobjlock);
	    (void)ops->pgo_get(f, 0, NULL, &n, 0, VM_PROT_READ, 0, 0); },
	    "pps != NULL && npagesp != NULL && *npagesp > 0");
	EXPECT_KASSERT({ simple_lock(&f->vmobjlock);
	    (void)ops->pgo_get(f, 0, pps, NULL, 0, VM_PROT_READ, 0, 0); },
	    "pps != NULL && npagesp != NULL && *npagesp > 0");
	EXPECT_KASSERT({ simple_lock(&f->vmobjlock);
	    (void)ops->pgo_get(f, 0, pps, &zero, 0, VM_PROT_READ, 0, 0); },
	    "pps != NULL && npagesp != NULL && *npagesp > 0");
	EXPECT_KASSERT({ simple_lock(&f->vmobjlock);
	    (void)ops->pgo_get(f, 0, pps, &n, -1, VM_PROT_READ, 0, 0); },
	    "centeridx >= 0 && centeridx < *npagesp");
	EXPECT_KASSERT({ simple_lock(&f->vmobjlock);
	    (void)ops->pgo_get(f, 0, pps, &n, 1, VM_PROT_READ, 0, 0); },
	    "centeridx >= 0 && centeridx < *npagesp");
	EXPECT_KASSERT({ simple_lock(&f->vmobjlock);
	    (void)ops->pgo_get(f, -(voff_t)ps, pps, &n, 0, VM_PROT_READ, 0,
	    0); }, "offset >= 0 && (offset & (voff_t)(m->pagesize - 1)) == 0");
	EXPECT_KASSERT({ simple_lock(&f->vmobjlock);
	    (void)ops->pgo_get(f, 1, pps, &n, 0, VM_PROT_READ, 0, 0); },
	    "offset >= 0 && (offset & (voff_t)(m->pagesize - 1)) == 0");
	EXPECT_KASSERT({ simple_lock(&ao->vmobjlock);
	    (void)ops->pgo_put(ao, 0, 0, PGO_ALLPAGES); },
	    "uobj != NULL && uobj->pgops == &uvm_vnodeops");
	EXPECT_KASSERT((void)ops->pgo_put(NULL, 0, 0, PGO_ALLPAGES),
	    "uobj != NULL && uobj->pgops == &uvm_vnodeops");
	EXPECT_KASSERT((void)ops->pgo_put(f, 0, 0, PGO_ALLPAGES),
	    "simple_lock_held(&uobj->vmobjlock)");
	/* A range that starts before the object. */
	EXPECT_KASSERT({ simple_lock(&f->vmobjlock);
	    (void)ops->pgo_put(f, -(voff_t)ps, ps, PGO_FREE); },
	    "start >= 0 && start <= stop");
	EXPECT_KASSERT(ops->pgo_reference(ao),
	    "uobj != NULL && uobj->pgops == &uvm_vnodeops");
	EXPECT_KASSERT(ops->pgo_reference(NULL),
	    "uobj != NULL && uobj->pgops == &uvm_vnodeops");
	EXPECT_KASSERT(ops->pgo_detach(ao),
	    "uobj != NULL && uobj->pgops == &uvm_vnodeops");
	EXPECT_KASSERT(ops->pgo_detach(NULL),
	    "uobj != NULL && uobj->pgops == &uvm_vnodeops");
	EXPECT_KASSERT(ops->pgo_teardown(ao),
	    "uobj != NULL && uobj->pgops == &uvm_vnodeops");
	EXPECT_KASSERT(ops->pgo_teardown(NULL),
	    "uobj != NULL && uobj->pgops == &uvm_vnodeops");
	CHECK(m);
	assert_null(pps[0]);
	assert_int_equal(f->uo_refs, 1);
	assert_int_equal(f->uo_npages, 0);
	assert_int_equal(ao->uo_refs, 1);

	uao_detach(ao);
	f->pgops->pgo_detach(f);
	CHECK(m);
}

/* ---- swap --------------------------------------------------------------- */

static void
test_swap_misuse(void **state)
{
	struct uvmsim_config cfg;
	struct uvmsim_machine *sm;
	struct vm_page *pg[2];
	struct vm_anon *holder;
	int n = 0, one = 1, s;

	(void)state;
	tu_config(&cfg, 8);
	cfg.arch = "none";
	cfg.swap_slots = 4;
	sm = tu_machine_cfg(&cfg);
	s = uvm_swap_alloc(&one, FALSE);
	assert_int_equal(s, 1);
	holder = uvm_analloc();		/* slot s is its (swapped out) data */
	assert_non_null(holder);
	holder->an_swslot = s;
	simple_unlock(&holder->an_lock);
	pg[0] = uvm_pagealloc(NULL, 0, NULL, 0);	/* busy */
	pg[1] = uvm_pagealloc(NULL, 0, NULL, 0);
	assert_non_null(pg[0]);
	assert_non_null(pg[1]);
	tu_unbusy(pg[1]);
	CHECK(sm);

	EXPECT_PANIC(sm, (void)uvm_swap_alloc(&n, FALSE),
	    "kernel assertion \"n > 0\"");
	EXPECT_PANIC(sm, uvm_swap_free(s, 0),
	    "kernel assertion \"nslots > 0\"");
	EXPECT_PANIC(sm, (void)uvm_swap_put(s, pg, 0, 0),
	    "kernel assertion \"npages > 0 && swslot >= 1 &&");
	EXPECT_PANIC(sm, (void)uvm_swap_put(0, pg, 1, 0),
	    "kernel assertion \"npages > 0 && swslot >= 1 &&");
	EXPECT_PANIC(sm, (void)uvm_swap_put(4, pg, 2, 0),
	    "kernel assertion \"npages > 0 && swslot >= 1 &&");
	EXPECT_PANIC(sm, (void)uvm_swap_put(2, pg, 1, 0),
	    "kernel assertion \"bit_test(m->swap.inuse, s)\"");
	EXPECT_PANIC(sm, (void)uvm_swap_put(s, &pg[1], 1, 0),
	    "kernel assertion \"ppsp[i]->flags & PG_BUSY\"");
	EXPECT_PANIC(sm, (void)uvm_swap_get(pg[0], 0, 0),
	    "kernel assertion \"swslot >= 1 && swslot <= m->swap.nslots\"");
	EXPECT_PANIC(sm, (void)uvm_swap_get(pg[0], 5, 0),
	    "kernel assertion \"swslot >= 1 && swslot <= m->swap.nslots\"");
	EXPECT_PANIC(sm, (void)uvm_swap_get(pg[0], 2, 0),
	    "kernel assertion \"bit_test(m->swap.inuse, swslot)\"");
	EXPECT_PANIC(sm, (void)uvm_swap_get(pg[1], s, 0),
	    "kernel assertion \"page->flags & PG_BUSY\"");
	assert_int_equal(uvmsim_uvmexp(sm)->pgswapout, 0);
	assert_int_equal(uvmsim_uvmexp(sm)->swpginuse, 1);

	CHECK(sm);
	holder->an_ref = 0;
	uvm_anfree(holder);		/* gives the slot back */
	assert_int_equal(uvmsim_uvmexp(sm)->swpginuse, 0);
	tu_unbusy(pg[0]);
	tu_pagefree(pg[0]);
	tu_pagefree(pg[1]);
	CHECK(sm);
	tu_destroy(sm);
}

/* ---- maps, vmspaces, anons, waits --------------------------------------- */

static void
test_map_misuse(void **state)
{
	struct vm_map_entry *e = NULL;
	struct vm_anon *an, *dead;
	vaddr_t va = 0x400000;

	(void)state;
	tu_map_anon(m, map, va, 2, VM_PROT_READ | VM_PROT_WRITE,
	    UVM_INH_COPY, UVM_ADV_NORMAL, 0);
	assert_int_equal(uvmsim_store(m, 0, p->p_vmspace, va, 8, 0x3a9), 0);
	assert_int_equal(uvm_map_pageable(map, va, va + ps, FALSE, 0), 0);
	CHECK(m);

	EXPECT_KASSERT(uvmspace_free(NULL),
	    "vs != NULL && vs->vm_refcnt > 0");
	EXPECT_KASSERT((void)uvmspace_fork(NULL), "vs1 != NULL");
	EXPECT_KASSERT(uvm_map_reference(NULL), "map != NULL");
	EXPECT_KASSERT(uvm_map_deallocate(NULL), "map != NULL");
	EXPECT_KASSERT((void)uvm_map_lookup_entry(NULL, va, &e),
	    "map != NULL && entry != NULL");
	EXPECT_KASSERT({ vm_map_lock_read(map);
	    (void)uvm_map_lookup_entry(map, va, NULL); },
	    "map != NULL && entry != NULL");
	EXPECT_KASSERT((void)uvm_map_lookup_entry(map, va, &e),
	    "uvmsim__map_locked(m, map)");
	vm_map_lock_read(map);
	assert_true(uvm_map_lookup_entry(map, va, &e));
	vm_map_unlock_read(map);
	/* Clipping needs the map locked for writing, a read lock is not
	 * enough. */
	EXPECT_KASSERT({ vm_map_lock_read(map);
	    uvm_map_clip_start(map, e, va + ps); },
	    "uvmsim__map_locked_excl(m, map)");
	EXPECT_KASSERT({ vm_map_lock_read(map);
	    uvm_map_clip_end(map, e, va + ps); },
	    "uvmsim__map_locked_excl(m, map)");
	/* Unwiring outside the map (below it where it does not start at
	 * 0). */
	if (vm_map_min(map) >= ps)
		EXPECT_KASSERT(uvm_fault_unwire(map, vm_map_min(map) - ps,
		    vm_map_min(map)),
		    "start >= vm_map_min(map) && end <= vm_map_max(map)");
	EXPECT_KASSERT(uvm_fault_unwire(map, vm_map_max(map),
	    vm_map_max(map) + ps),
	    "start >= vm_map_min(map) && end <= vm_map_max(map)");
	/* An anon's loaned page looked up unlocked; a locked anon freed. */
	an = tu_anon_at(map, va);
	assert_non_null(an);
	EXPECT_HELD((void)uvm_anon_lockloanpg(an), "&anon->an_lock");
	dead = uvm_analloc();
	assert_non_null(dead);
	/* locked: dead */
	dead->an_ref = 0;
	EXPECT_KASSERT(uvm_anfree(dead), "!uvmsim__simple_lock_held(");
	simple_unlock(&dead->an_lock);
	uvm_anfree(dead);
	EXPECT_KASSERT(uvm_wait(NULL), "wmsg != NULL");
	CHECK(m);
	assert_int_equal(e->start, va);
	assert_int_equal(e->end, va + ps);	/* clipped by the wiring */
	assert_int_equal(e->wired_count, 1);

	assert_int_equal(uvm_map_pageable(map, va, va + ps, TRUE, 0), 0);
	uvm_unmap(map, va, va + 2 * ps);
	CHECK(m);
}

/* ---- the pmap ----------------------------------------------------------- */

static void
test_pmap_misuse(void **state)
{
	struct proc noproc;
	struct vm_page *pg;
	pmap_t pm = map->pmap;
	vaddr_t kva = uvmsim_vmparam(m)->kernel_min + 0x200000;
	vaddr_t va = 0x400000;
	long resident;

	(void)state;
	tu_map_anon(m, map, va, 1, VM_PROT_READ | VM_PROT_WRITE,
	    UVM_INH_COPY, UVM_ADV_NORMAL, 0);
	assert_int_equal(uvmsim_store(m, 0, p->p_vmspace, va, 8, 0x77aa), 0);
	resident = pmap_resident_count(pm);
	pg = tu_page();
	CHECK(m);

	/* A range that ends before it starts; an unmapped page unwired;
	 * a frame address inside a frame. */
	EXPECT_PANIC(m, pmap_protect(pm, va + ps, va, VM_PROT_READ),
	    "pmap_protect: end");
	EXPECT_PANIC(m, pmap_unwire(pm, va + ps), "pmap_unwire: va");
	EXPECT_PANIC(m, pmap_kenter_pa(kva, VM_PAGE_TO_PHYS(pg) + 8,
	    VM_PROT_READ), "not page aligned");
	/* Activating or deactivating no process, or one without a
	 * vmspace. */
	memset(&noproc, 0, sizeof(noproc));
	EXPECT_KASSERT(pmap_activate(NULL),
	    "p != NULL && p->p_vmspace != NULL");
	EXPECT_KASSERT(pmap_activate(&noproc),
	    "p != NULL && p->p_vmspace != NULL");
	EXPECT_KASSERT(pmap_deactivate(NULL),
	    "p != NULL && p->p_vmspace != NULL");
	EXPECT_KASSERT(pmap_deactivate(&noproc),
	    "p != NULL && p->p_vmspace != NULL");
	CHECK(m);
	assert_int_equal(pmap_resident_count(pm), resident);
	assert_false(pmap_extract(pmap_kernel(), kva, NULL));

	/* Write-protecting where nothing is mapped changes nothing; a
	 * process deactivated twice: the second finds the CPU on the
	 * kernel's pmap already. */
	pmap_protect(pm, va + ps, va + 4 * ps, VM_PROT_READ);
	pmap_update(pm);
	pmap_activate(p);
	pmap_deactivate(p);
	pmap_deactivate(p);
	pmap_activate(p);
	CHECK(m);
	assert_int_equal(pmap_resident_count(pm), resident);
	{
		uint64_t v = 0;

		assert_int_equal(uvmsim_load(m, 0, p->p_vmspace, va, 8, &v), 0);
		assert_int_equal(v, 0x77aa);
	}
	tu_pagefree(pg);
	uvm_unmap(map, va, va + ps);
	CHECK(m);
}

/* A machine without an MMU never mapped a page: none is modified or
 * referenced, and clearing says nothing was. */
static void
test_pmap_none(void **state)
{
	struct uvmsim_machine *pm_m;
	struct vm_page *pg;

	(void)state;
	pm_m = tu_machine_phys(4);
	pg = tu_page();
	tu_fill(pm_m, pg, 5);
	assert_false(pmap_is_modified(pg));
	assert_false(pmap_is_referenced(pg));
	assert_false(pmap_clear_modify(pg));
	assert_false(pmap_clear_reference(pg));
	assert_true(tu_verify(pm_m, pg, 5));
	tu_pagefree(pg);
	CHECK(pm_m);
	tu_destroy(pm_m);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		TU_TEST(test_amap_misuse),
		TU_TEST(test_amap_entry_misuse),
		TU_TEST(test_aobj_misuse),
		TU_TEST(test_loan_misuse),
		TU_TEST(test_km_fault_misuse),
		TU_TEST(test_page_misuse),
		TU_TEST(test_file_pager_misuse),
		cmocka_unit_test(test_swap_misuse),
		TU_TEST(test_map_misuse),
		TU_TEST(test_pmap_misuse),
		cmocka_unit_test(test_pmap_none),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
