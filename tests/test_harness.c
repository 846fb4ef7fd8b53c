/*
 * test_harness.c: what a harness learns from the installed headers and
 * the guide, each statement held to the code.
 *
 *   - the machine's loan behaviour and the modern loan-zero object;
 *   - failpoint counts since arming, and their reset; one-shot hooks;
 *   - the order in which a fault reaches the failpoints and hooks
 *     (docs/guide.md lists it per operation);
 *   - uvm_map consumes the caller's object reference; pgo_put is called
 *     with the object locked and returns it unlocked; uvm_fault_wire is
 *     a pin of the pages, not of the entry; the two inheritance sets
 *     (UVM_INH_ for uvm_map, MAP_INHERIT_ for uvm_map_inherit) and the
 *     refusal of a value from the wrong one.
 */
#include "testutil.h"

#include <errno.h>

#define VA	0x100000UL

static struct uvmsim_machine *m;
static struct proc *p;
static struct vm_map *map;
static size_t ps;

static int
setup(void **state)
{
	(void)state;
	m = tu_proc_setup(128, &p, &map, &ps);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	tu_proc_teardown(m, p, 0);
	return 0;
}

static void
expect_error(int error, int want, const char *text)
{
	assert_int_equal(error, want);
	if (strstr(uvmsim_last_error(), text) == NULL)
		fail_msg("error \"%s\" lacks \"%s\"", uvmsim_last_error(),
		    text);
}

/* Private anonymous memory, untouched. */
static void
map_anon(vaddr_t va, int npages, int inh)
{
	tu_map_anon(m, map, va, npages, VM_PROT_READ | VM_PROT_WRITE, inh,
	    UVM_ADV_RANDOM, 0);
}

/* ---- loan behaviour ---------------------------------------------------- */

static void
test_loan_getters(void **state)
{
	struct uvm_object *zobj;
	struct vm_page *pgs[2];

	(void)state;
	assert_string_equal(uvmsim_loan_behaviour(m), tu_loan_behaviour());
	assert_null(uvmsim_loan_behaviour(NULL));
	assert_non_null(strstr(uvmsim_last_error(), "m: NULL"));
	assert_null(uvmsim_loan_zero_object(NULL));

	zobj = uvmsim_loan_zero_object(m);
	assert_null(zobj);
	if (!tu_modern()) {
		assert_non_null(strstr(uvmsim_last_error(), "1.39"));
	} else
		assert_non_null(strstr(uvmsim_last_error(), "no zero loan"));

	/* Zero loans of untouched private memory. */
	map_anon(VA, 2, UVM_INH_COPY);
	assert_int_equal(uvm_loan(map, VA, 2 * ps, pgs, UVM_LOAN_TOPAGE), 0);
	CHECK(m);
	zobj = uvmsim_loan_zero_object(m);
	if (tu_modern()) {
		/* One shared zero page, the object's at offset 0. */
		assert_non_null(zobj);
		assert_ptr_equal(pgs[0], pgs[1]);
		assert_ptr_equal(pgs[0]->uobject, zobj);
		assert_int_equal(pgs[0]->offset, 0);
		assert_int_equal(pgs[0]->loan_count, 2);
	} else {
		/* Fresh pages, nobody's. */
		assert_null(zobj);
		assert_ptr_not_equal(pgs[0], pgs[1]);
		assert_null(pgs[0]->uobject);
		assert_null(pgs[0]->uanon);
	}
	assert_true(tu_is_zero(m, pgs[0]));
	uvm_unloan(pgs, 2, UVM_LOAN_TOPAGE);
	CHECK(m);
	uvm_unmap(map, VA, VA + 2 * ps);
	CHECK(m);
	/* The modern object stays (with its page) for the next zero loan. */
	assert_ptr_equal(uvmsim_loan_zero_object(m), zobj);
}

/* A machine made with cfg.loan NULL behaves, and says it behaves, as 1.39. */
static void
test_loan_default(void **state)
{
	struct uvmsim_machine *m2;
	struct uvmsim_config cfg;

	(void)state;
	uvmsim_config_init(&cfg);
	cfg.npages = 64;
	cfg.loan = NULL;
	assert_int_equal(uvmsim_machine_create(&cfg, &m2), 0);
	assert_string_equal(uvmsim_loan_behaviour(m2), "1.39");
	assert_null(uvmsim_loan_zero_object(m2));
	uvmsim_machine_destroy(m2);
}

/* ---- failpoints and hooks ---------------------------------------------- */

static struct vm_page *
alloc(void)
{
	struct vm_page *pg = uvm_pagealloc(NULL, 0, NULL, 0);

	if (pg != NULL)
		tu_unbusy(pg);
	return pg;
}

/*
 * Counts since the machine was made, since the point was armed, and
 * after a reset.
 */
static void
test_failpoint_counts(void **state)
{
	const char *fp = "uvm_pagealloc";
	struct vm_page *pg[4];
	unsigned long h0, fired;
	int i;

	(void)state;
	/* Machine creation and the process's page tables allocated. */
	h0 = uvmsim_failpoint_hits(m, fp);
	assert_true(h0 > 0);
	assert_int_equal(uvmsim_failpoint_since_armed(m, fp, &fired), h0);
	assert_int_equal(fired, 0);

	pg[0] = alloc();
	assert_non_null(pg[0]);
	assert_int_equal(uvmsim_failpoint_set(m, fp, 2, 1), 0);
	assert_int_equal(uvmsim_failpoint_since_armed(m, fp, NULL), 0);
	pg[1] = alloc();
	assert_non_null(pg[1]);
	assert_null(alloc());		/* the second hit since arming */
	pg[2] = alloc();
	assert_non_null(pg[2]);
	CHECK(m);
	assert_int_equal(uvmsim_failpoint_since_armed(m, fp, &fired), 3);
	assert_int_equal(fired, 1);
	assert_int_equal(uvmsim_failpoint_hits(m, fp), h0 + 4);
	assert_int_equal(uvmsim_failpoint_fired(m, fp), 1);

	/* Armed again: the count starts over; disarming does not. */
	assert_int_equal(uvmsim_failpoint_set(m, fp, 5, 1), 0);
	pg[3] = alloc();
	assert_non_null(pg[3]);
	assert_int_equal(uvmsim_failpoint_since_armed(m, fp, &fired), 1);
	assert_int_equal(fired, 0);
	assert_int_equal(uvmsim_failpoint_set(m, fp, 0, 0), 0);
	assert_int_equal(uvmsim_failpoint_since_armed(m, fp, NULL), 1);
	assert_int_equal(uvmsim_failpoint_fired(m, fp), 1);

	/* A reset: as at creation, disarmed. */
	assert_int_equal(uvmsim_failpoint_set(m, fp, 1, 1), 0);
	assert_int_equal(uvmsim_failpoint_reset(m, fp), 0);
	assert_int_equal(uvmsim_failpoint_hits(m, fp), 0);
	assert_int_equal(uvmsim_failpoint_fired(m, fp), 0);
	assert_int_equal(uvmsim_failpoint_since_armed(m, fp, &fired), 0);
	assert_int_equal(fired, 0);
	for (i = 0; i < 4; i++)
		tu_pagefree(pg[i]);	/* (the reset disarmed it) */
	CHECK(m);
	assert_int_equal(uvmsim_failpoint_hits(m, fp), 0);
	assert_int_equal(uvmsim_failpoint_hits(m, "uvm_analloc"), 0);

	/* Every point at once; bad arguments. */
	assert_int_equal(uvmsim_failpoint_set(m, "uvm_analloc", 1, 1), 0);
	assert_int_equal(uvmsim_failpoint_reset(m, NULL), 0);
	assert_int_equal(uvmsim_failpoint_since_armed(m, "uvm_analloc", NULL),
	    0);
	expect_error(uvmsim_failpoint_reset(m, "uvm_nothing"), EINVAL,
	    "name: no failpoint called \"uvm_nothing\"");
	expect_error(uvmsim_failpoint_reset(NULL, fp), EINVAL, "m: NULL");
	assert_int_equal(uvmsim_failpoint_since_armed(m, "x", NULL), ~0UL);
	assert_non_null(strstr(uvmsim_last_error(), "name"));
	assert_int_equal(uvmsim_failpoint_since_armed(NULL, fp, NULL), ~0UL);
	CHECK(m);
}

struct once {
	int	runs;
	int	again;		/* times the hook re-installs itself */
};

static void
once_hook(struct uvmsim_machine *mm, const char *point, void *arg)
{
	struct once *o = arg;

	assert_string_equal(point, "pgo_get");
	o->runs++;
	if (o->again > 0) {
		o->again--;
		assert_int_equal(uvmsim_hook_set_once(mm, point, once_hook,
		    arg), 0);
	}
}

/*
 * A one-shot hook runs at the first visit only; one that installs itself
 * again runs once more per installation.  Each read of a page of a file
 * not yet resident does the pager's I/O: one visit of "pgo_get".
 */
static void
test_hook_once(void **state)
{
	struct once o = { 0, 0 };
	struct uvm_object *f;
	uint64_t v;
	vaddr_t va = VA;
	int i;

	(void)state;
	assert_int_equal(uvmsim_file_create(m, 8 * ps, &f), 0);
	assert_int_equal(uvm_map(map, &va, 8 * ps, f, 0, 0,
	    UVM_MAPFLAG(VM_PROT_READ, VM_PROT_READ, UVM_INH_SHARE,
	    UVM_ADV_RANDOM, UVM_FLAG_FIXED)), 0);
	CHECK(m);
	assert_int_equal(uvmsim_hook_set_once(m, "pgo_get", once_hook, &o),
	    0);
	for (i = 0; i < 3; i++)
		assert_int_equal(uvmsim_load(m, 0, p->p_vmspace,
		    VA + (vaddr_t)i * ps, 8, &v), 0);
	CHECK(m);
	assert_int_equal(o.runs, 1);
	assert_int_equal(uvmsim_hook_runs(m, "pgo_get"), 1);

	o.again = 1;
	assert_int_equal(uvmsim_hook_set_once(m, "pgo_get", once_hook, &o),
	    0);
	for (i = 3; i < 6; i++)
		assert_int_equal(uvmsim_load(m, 0, p->p_vmspace,
		    VA + (vaddr_t)i * ps, 8, &v), 0);
	CHECK(m);
	assert_int_equal(o.runs, 3);
	assert_int_equal(uvmsim_hook_runs(m, "pgo_get"), 3);

	/* uvmsim_hook_set over a one-shot hook makes it a lasting one. */
	assert_int_equal(uvmsim_hook_set_once(m, "pgo_get", once_hook, &o),
	    0);
	assert_int_equal(uvmsim_hook_set(m, "pgo_get", once_hook, &o), 0);
	for (i = 6; i < 8; i++)
		assert_int_equal(uvmsim_load(m, 0, p->p_vmspace,
		    VA + (vaddr_t)i * ps, 8, &v), 0);
	assert_int_equal(o.runs, 5);
	assert_int_equal(uvmsim_hook_set(m, "pgo_get", NULL, NULL), 0);

	expect_error(uvmsim_hook_set_once(m, "pgo_get", NULL, NULL), EINVAL,
	    "fn: NULL");
	expect_error(uvmsim_hook_set_once(m, "nowhere", once_hook, &o),
	    EINVAL, "point: no hook point called \"nowhere\"");
	expect_error(uvmsim_hook_set_once(NULL, "pgo_get", once_hook, &o),
	    EINVAL, "m: NULL");
	uvm_unmap(map, VA, VA + 8 * ps);
	CHECK(m);
}

/*
 * The order of the points a zero-fill fault reaches (docs/guide.md):
 * "uvm_analloc" (the anon), then "uvm_pagealloc" (its page), then
 * "uvm_pagealloc" once per page table pmap_enter has to make.  Failing
 * each in turn shows it: a failure stops the fault before the next.
 */
static void
test_zero_fill_order(void **state)
{
	struct uvmsim_segv sg;
	uint64_t v;

	(void)state;
	map_anon(VA, 2, UVM_INH_COPY);
	/* A fresh pmap: the first fault needs a page table at each level
	 * below the root (x86-64: three; i386: one), and a needs-copy entry
	 * with no object an amap. */
	assert_int_equal(uvmsim_failpoint_reset(m, NULL), 0);
	assert_int_equal(uvmsim_failpoint_set(m, "uvm_analloc", 1, 1), 0);
	assert_int_equal(uvmsim_store(m, 0, p->p_vmspace, VA, 8, 1), EFAULT);
	uvmsim_last_segv(m, &sg);
	assert_int_equal(sg.error, ENOMEM);
	CHECK(m);
	assert_int_equal(uvmsim_failpoint_hits(m, "amap_alloc"), 1);
	assert_int_equal(uvmsim_failpoint_hits(m, "uvm_analloc"), 1);
	assert_int_equal(uvmsim_failpoint_hits(m, "uvm_pagealloc"), 0);

	assert_int_equal(uvmsim_failpoint_reset(m, NULL), 0);
	assert_int_equal(uvmsim_failpoint_set(m, "uvm_pagealloc", 1, 1), 0);
	assert_int_equal(uvmsim_store(m, 0, p->p_vmspace, VA, 8, 1), EFAULT);
	CHECK(m);
	assert_int_equal(uvmsim_failpoint_hits(m, "amap_alloc"), 0);
	assert_int_equal(uvmsim_failpoint_hits(m, "uvm_analloc"), 1);
	assert_int_equal(uvmsim_failpoint_hits(m, "uvm_pagealloc"), 1);

	/* The page tables come last: the last of them fails. */
	assert_int_equal(uvmsim_failpoint_reset(m, NULL), 0);
	assert_int_equal(uvmsim_failpoint_set(m, "uvm_pagealloc",
	    1 + (unsigned long)tu_ptps(m), 1), 0);
	assert_int_equal(uvmsim_store(m, 0, p->p_vmspace, VA, 8, 1), EFAULT);
	CHECK(m);
	assert_int_equal(uvmsim_failpoint_since_armed(m, "uvm_pagealloc",
	    NULL), 1 + tu_ptps(m));
	assert_int_equal(uvmsim_failpoint_hits(m, "uvm_analloc"), 1);

	/* Unhindered. */
	assert_int_equal(uvmsim_failpoint_reset(m, NULL), 0);
	assert_int_equal(uvmsim_store(m, 0, p->p_vmspace, VA, 8, 1), 0);
	CHECK(m);
	/* The anon and its page stayed in the amap (the fault failed
	 * after amap_add, as 1.6's would have waited and retried); the
	 * empty page tables went: only they are made now. */
	assert_int_equal(uvmsim_failpoint_hits(m, "uvm_analloc"), 0);
	assert_int_equal(uvmsim_failpoint_hits(m, "uvm_pagealloc"),
	    tu_ptps(m));
	/* The next page: an anon and its page; the leaf table exists, and
	 * the amap. */
	assert_int_equal(uvmsim_failpoint_reset(m, NULL), 0);
	assert_int_equal(uvmsim_store(m, 0, p->p_vmspace, VA + ps, 8, 2), 0);
	CHECK(m);
	assert_int_equal(uvmsim_failpoint_hits(m, "uvm_analloc"), 1);
	assert_int_equal(uvmsim_failpoint_hits(m, "uvm_pagealloc"), 1);
	assert_int_equal(uvmsim_failpoint_hits(m, "amap_alloc"), 0);
	assert_int_equal(uvmsim_load(m, 0, p->p_vmspace, VA, 8, &v), 0);
	assert_int_equal(v, 1);
	uvm_unmap(map, VA, VA + 2 * ps);
	CHECK(m);
}

/*
 * A file page: the locked pgo_get ("pgo_get.eio", then "pgo_get.io"),
 * then the one with I/O ("pgo_get.eio", "pgo_get.eagain", the page's
 * "uvm_pagealloc", the "pgo_get" hook); a private write promotes it
 * ("uvm_analloc", "uvm_pagealloc").
 */
static void
test_object_fault_order(void **state)
{
	struct uvm_object *f;
	vaddr_t va = VA;

	(void)state;
	assert_int_equal(uvmsim_file_create(m, ps, &f), 0);
	assert_int_equal(uvm_map(map, &va, ps, f, 0, 0,
	    UVM_MAPFLAG(VM_PROT_READ | VM_PROT_WRITE, VM_PROT_ALL,
	    UVM_INH_COPY, UVM_ADV_RANDOM, UVM_FLAG_FIXED | UVM_FLAG_COPYONW)),
	    0);
	/* A read fault first, so that the page tables exist. */
	assert_int_equal(uvmsim_failpoint_reset(m, NULL), 0);
	assert_int_equal(uvmsim_failpoint_set(m, "pgo_get.io", 1, 1), 0);
	assert_int_equal(uvmsim_store(m, 0, p->p_vmspace, VA, 8, 3), 0);
	CHECK(m);
	assert_int_equal(uvmsim_failpoint_hits(m, "pgo_get.eio"), 2);
	assert_int_equal(uvmsim_failpoint_hits(m, "pgo_get.io"), 1);
	assert_int_equal(uvmsim_failpoint_hits(m, "pgo_get.eagain"), 1);
	assert_int_equal(uvmsim_failpoint_hits(m, "uvm_analloc"), 1);
	/* the object's page, the anon's copy, the page tables */
	assert_int_equal(uvmsim_failpoint_hits(m, "uvm_pagealloc"),
	    2 + tu_ptps(m));
	assert_int_equal(uvmsim_failpoint_fired(m, "pgo_get.io"), 1);
	uvm_unmap(map, VA, VA + ps);
	CHECK(m);
}

/* ---- what a harness must know ------------------------------------------ */

/*
 * uvm_map takes over the caller's object reference on success (the map
 * drops it at unmap); on failure the caller keeps it.
 */
static void
test_map_consumes_reference(void **state)
{
	struct uvm_object *f;
	vaddr_t va = VA;

	(void)state;
	assert_int_equal(uvmsim_file_create(m, 2 * ps, &f), 0);
	f->pgops->pgo_reference(f);		/* ours, to watch it */
	assert_int_equal(f->uo_refs, 2);
	assert_int_equal(uvm_map(map, &va, 2 * ps, f, 0, 0,
	    UVM_MAPFLAG(VM_PROT_READ, VM_PROT_READ, UVM_INH_SHARE,
	    UVM_ADV_NORMAL, UVM_FLAG_FIXED)), 0);
	assert_int_equal(f->uo_refs, 2);	/* taken over, not taken */
	CHECK(m);
	va = VA;
	assert_int_equal(uvm_map(map, &va, 2 * ps, f, 0, 0,
	    UVM_MAPFLAG(VM_PROT_READ, VM_PROT_READ, UVM_INH_SHARE,
	    UVM_ADV_NORMAL, UVM_FLAG_FIXED)), ENOMEM);
	assert_int_equal(f->uo_refs, 2);	/* failed: still the caller's */
	uvm_unmap(map, VA, VA + 2 * ps);
	CHECK(m);
	assert_int_equal(f->uo_refs, 1);	/* the map's went */
	f->pgops->pgo_detach(f);
	CHECK(m);
}

/* pgo_put: called with the object locked, returns with it unlocked. */
static void
test_pgo_put_unlocks(void **state)
{
	struct uvm_object *f, *a;
	struct vm_page *pg[1];
	struct uvm_object *objs[2];
	int i;

	(void)state;
	assert_int_equal(uvmsim_file_create(m, ps, &f), 0);
	a = uao_create(ps, 0);
	assert_non_null(a);
	objs[0] = f;
	objs[1] = a;
	for (i = 0; i < 2; i++) {
		tu_pgo_resident(m, objs[i], 1, pg);
		CHECK(m);
		simple_lock(&objs[i]->vmobjlock);
		assert_int_equal(objs[i]->pgops->pgo_put(objs[i], 0, 0,
		    PGO_ALLPAGES | PGO_FREE), 0);
		assert_false(simple_lock_held(&objs[i]->vmobjlock));
		assert_int_equal(objs[i]->uo_npages, 0);
		CHECK(m);
		objs[i]->pgops->pgo_detach(objs[i]);
		CHECK(m);
	}
}

/*
 * uvm_fault_wire pins the pages of a range, not the entry: the pages are
 * wired and mapped wired, the entry's wired_count stays 0, and
 * uvm_fault_unwire undoes it (before the range is unmapped).
 */
static void
test_fault_wire_pins(void **state)
{
	struct uvmsim_probe pr;
	struct uvmexp *ux = uvmsim_uvmexp(m);
	int wired0 = ux->wired;

	(void)state;
	map_anon(VA, 2, UVM_INH_COPY);
	assert_int_equal(uvm_fault_wire(map, VA, VA + 2 * ps, VM_FAULT_WIRE,
	    VM_PROT_READ | VM_PROT_WRITE), 0);
	CHECK(m);
	assert_int_equal(uvmsim_probe(m, p->p_vmspace, VA + ps, &pr), 0);
	assert_int_equal(pr.wired_count, 0);
	assert_non_null(pr.page);
	assert_int_equal(pr.page->wire_count, 1);
	assert_true(pr.pte & UVMSIM_PTE_WIRED);
	assert_true(pr.pte & UVMSIM_PTE_WRITABLE);	/* copied now */
	assert_int_equal(ux->wired, wired0 + 2 + tu_ptps(m)); /* + tables */
	uvm_fault_unwire(map, VA, VA + 2 * ps);
	CHECK(m);
	assert_int_equal(uvmsim_probe(m, p->p_vmspace, VA + ps, &pr), 0);
	assert_int_equal(pr.page->wire_count, 0);
	assert_false(pr.pte & UVMSIM_PTE_WIRED);
	uvm_unmap(map, VA, VA + 2 * ps);
	CHECK(m);

	/* The pin does not hold the range: unmapped while pinned, the
	 * pages are freed with their wirings (uvm_pagefree drops them, as
	 * 1.6's does), and unwiring afterwards is a panic. */
	map_anon(VA, 2, UVM_INH_COPY);
	assert_int_equal(uvm_fault_wire(map, VA, VA + 2 * ps, VM_FAULT_WIRE,
	    VM_PROT_READ | VM_PROT_WRITE), 0);
	assert_int_equal(ux->wired, wired0 + 2 + tu_ptps(m));
	uvm_unmap(map, VA, VA + 2 * ps);
	CHECK(m);
	assert_int_equal(ux->wired, wired0);	/* page tables went too */
	/* (a caught panic releases every lock taken since the catch began,
	 * the read hold on the map that uvm_fault_unwire took among them) */
	EXPECT_PANIC(m, uvm_fault_unwire(map, VA, VA + 2 * ps), "not mapped");
	CHECK(m);
}

/*
 * The inheritance sets: UVM_INH_* inside UVM_MAPFLAG for uvm_map,
 * MAP_INHERIT_* for uvm_map_inherit (and what uvm_map records in the
 * entry).  A value of the wrong set is refused where it can be told, with
 * a message naming the argument and the set it belongs to.
 */
static void
test_inheritance_sets(void **state)
{
	struct uvmsim_probe pr;
	vaddr_t va;

	(void)state;
	map_anon(VA, 1, UVM_INH_NONE);
	assert_int_equal(uvmsim_probe(m, p->p_vmspace, VA, &pr), 0);
	assert_int_equal(pr.inheritance, MAP_INHERIT_NONE);
	assert_int_equal(uvm_map_inherit(map, VA, VA + ps, MAP_INHERIT_COPY),
	    0);
	assert_int_equal(uvmsim_probe(m, p->p_vmspace, VA, &pr), 0);
	assert_int_equal(pr.inheritance, MAP_INHERIT_COPY);

	/* uvm_map_inherit given a uvm_map flag. */
	expect_error(uvm_map_inherit(map, VA, VA + ps, UVM_INH_NONE), EINVAL,
	    "new_inheritance: 0x20 is UVM_INH_NONE, a uvm_map flag; "
	    "uvm_map_inherit takes MAP_INHERIT_*");
	expect_error(uvm_map_inherit(map, VA, VA + ps, UVM_INH_COPY), EINVAL,
	    "UVM_INH_COPY");
	/* uvm_map given MAP_INHERIT_NONE as UVM_MAPFLAG's inheritance: it
	 * lands in the protection (VM_PROT_WRITE), past the maximum. */
	va = VA + 4 * ps;
	expect_error(uvm_map(map, &va, ps, NULL, UVM_UNKNOWN_OFFSET, 0,
	    UVM_MAPFLAG(VM_PROT_READ, VM_PROT_READ, MAP_INHERIT_NONE,
	    UVM_ADV_NORMAL, UVM_FLAG_FIXED)), EINVAL,
	    "(flags: a MAP_INHERIT_* value as UVM_MAPFLAG's inheritance "
	    "lands in the protection; uvm_map takes UVM_INH_*)");
	/* An inheritance field no UVM_INH_ value has. */
	expect_error(uvm_map(map, &va, ps, NULL, UVM_UNKNOWN_OFFSET, 0,
	    UVM_MAPFLAG(VM_PROT_READ, VM_PROT_READ, UVM_INH_MASK,
	    UVM_ADV_NORMAL, UVM_FLAG_FIXED)), EINVAL,
	    "uvm_map: flags: inheritance 0x30 is not UVM_INH_SHARE, "
	    "UVM_INH_COPY or UVM_INH_NONE");
	/* A real excess of protection gets no such hint. */
	expect_error(uvm_map(map, &va, ps, NULL, UVM_UNKNOWN_OFFSET, 0,
	    UVM_MAPFLAG(VM_PROT_ALL, VM_PROT_READ, UVM_INH_COPY,
	    UVM_ADV_NORMAL, UVM_FLAG_FIXED)), EINVAL, "maximum 0x1");
	assert_null(strstr(uvmsim_last_error(), "MAP_INHERIT"));
	assert_int_equal(map->nentries, 1);
	uvm_unmap(map, VA, VA + ps);
	CHECK(m);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		TU_TEST(test_loan_getters),
		TU_TEST(test_loan_default),
		TU_TEST(test_failpoint_counts),
		TU_TEST(test_hook_once),
		TU_TEST(test_zero_fill_order),
		TU_TEST(test_object_fault_order),
		TU_TEST(test_map_consumes_reference),
		TU_TEST(test_pgo_put_unlocks),
		TU_TEST(test_fault_wire_pins),
		TU_TEST(test_inheritance_sets),
	};
#undef T

	return cmocka_run_group_tests(tests, NULL, NULL);
}
