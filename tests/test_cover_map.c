/*
 * test_cover_map.c: map calls on their edges: empty and unaligned
 * ranges, holes, entries that must not merge, a wiring that fails in
 * uvm_map and in uvm_map_protect (the uvm_pagealloc failpoint), and the
 * caller's lock (UVM_LK_ENTER), and a fork whose amap copy finds no
 * memory (the amap_alloc failpoint).  The checker runs after every step;
 * data is read back through the MMU.
 */
#include "testutil.h"
#include "uvmsim_vm.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define VA	0x400000UL

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

/* The wire_count of uobj's page at off (it must be resident). */
static int
obj_wired(struct uvm_object *uobj, voff_t off)
{
	struct vm_page *pg;

	simple_lock(&uobj->vmobjlock);
	pg = uvm_pagelookup(uobj, off);
	simple_unlock(&uobj->vmobjlock);
	assert_non_null(pg);
	return pg->wire_count;
}

static struct vm_map_entry *
entry_at(vaddr_t va)
{
	struct vm_map_entry *e;
	boolean_t found;

	vm_map_lock_read(map);
	found = uvm_map_lookup_entry(map, va, &e);
	vm_map_unlock_read(map);
	return found ? e : NULL;
}

/* Empty ranges change nothing and succeed; unaligned ones are EINVAL. */
static void
test_empty_and_unaligned(void **state)
{
	struct vm_map_entry *e;
	uint64_t clock;

	(void)state;
	tu_map_anon(m, map, VA, 2, VM_PROT_READ | VM_PROT_WRITE,
	    UVM_INH_COPY, UVM_ADV_NORMAL, 0);
	clock = uvmsim_clock(m);
	assert_int_equal(uvm_map_protect(map, VA, VA, VM_PROT_READ, FALSE), 0);
	assert_int_equal(uvm_map_inherit(map, VA, VA, MAP_INHERIT_NONE), 0);
	assert_int_equal(uvm_map_advice(map, VA, VA, UVM_ADV_RANDOM), 0);
	assert_int_equal(uvm_map_pageable(map, VA, VA, FALSE, 0), 0);
	uvm_unmap(map, VA, VA);
	assert_int_equal(uvmsim_clock(m), clock);
	CHECK(m);
	e = entry_at(VA);
	assert_non_null(e);
	assert_int_equal(e->protection, VM_PROT_READ | VM_PROT_WRITE);
	assert_int_equal(e->inheritance, MAP_INHERIT_COPY);
	assert_int_equal(e->advice, UVM_ADV_NORMAL);
	assert_int_equal(e->wired_count, 0);
	assert_int_equal(e->end, VA + 2 * ps);

	assert_int_equal(uvm_map_inherit(map, VA + 1, VA + ps,
	    MAP_INHERIT_NONE), EINVAL);
	assert_non_null(strstr(uvmsim_last_error(), "not page aligned"));
	assert_int_equal(uvm_map_pageable(map, VA, VA + ps + 1, FALSE, 0),
	    EINVAL);
	assert_non_null(strstr(uvmsim_last_error(), "uvm_map_pageable"));
	assert_int_equal(e->inheritance, MAP_INHERIT_COPY);
	assert_int_equal(e->wired_count, 0);
	CHECK(m);
	uvm_unmap(map, VA, VA + 2 * ps);
	CHECK(m);
}

/* A range that starts in a hole: advice and inheritance skip the hole
 * and change the entry after it, clipped at the range's end. */
static void
test_start_in_hole(void **state)
{
	struct vm_map_entry *e;

	(void)state;
	tu_map_anon(m, map, VA + ps, 2, VM_PROT_READ | VM_PROT_WRITE,
	    UVM_INH_COPY, UVM_ADV_NORMAL, 0);
	assert_int_equal(uvm_map_advice(map, VA, VA + 2 * ps,
	    UVM_ADV_SEQUENTIAL), 0);
	CHECK(m);
	assert_int_equal(uvm_map_inherit(map, VA, VA + 2 * ps,
	    MAP_INHERIT_SHARE), 0);
	CHECK(m);
	e = entry_at(VA + ps);
	assert_non_null(e);
	assert_int_equal(e->start, VA + ps);
	assert_int_equal(e->end, VA + 2 * ps);
	assert_int_equal(e->advice, UVM_ADV_SEQUENTIAL);
	assert_int_equal(e->inheritance, MAP_INHERIT_SHARE);
	e = entry_at(VA + 2 * ps);
	assert_non_null(e);
	assert_int_equal(e->advice, UVM_ADV_NORMAL);
	assert_int_equal(e->inheritance, MAP_INHERIT_COPY);
	assert_null(entry_at(VA));
	uvm_unmap(map, VA + ps, VA + 3 * ps);
	CHECK(m);
}

/* UVM_FLAG_NOMERGE: two mappings side by side stay two entries; without
 * it the second extends the first. */
static void
test_nomerge(void **state)
{
	int n0 = map->nentries;

	(void)state;
	tu_map_anon(m, map, VA, 1, VM_PROT_READ | VM_PROT_WRITE,
	    UVM_INH_COPY, UVM_ADV_NORMAL, 0);
	tu_map_anon(m, map, VA + ps, 1, VM_PROT_READ | VM_PROT_WRITE,
	    UVM_INH_COPY, UVM_ADV_NORMAL, UVM_FLAG_NOMERGE);
	assert_int_equal(map->nentries, n0 + 2);
	assert_true(entry_at(VA + ps)->flags & UVM_MAP_NOMERGE);
	assert_int_equal(entry_at(VA)->end, VA + ps);
	uvm_unmap(map, VA, VA + 2 * ps);
	CHECK(m);
	assert_int_equal(map->nentries, n0);
}

/* uvm_map of an object with UVM_FLAG_WIRED, whose wiring finds no page:
 * the mapping is taken back, the caller's reference to the object is
 * still the caller's, and nothing is left wired or allocated. */
static void
test_map_wired_fails(void **state)
{
	struct uvm_object *uobj;
	struct uvmexp *ux = uvmsim_uvmexp(m);
	vaddr_t va = VA;
	int free0, wired0 = ux->wired, n0 = map->nentries;

	(void)state;
	uobj = uao_create(2 * ps, 0);
	assert_non_null(uobj);
	CHECK(m);
	free0 = ux->free;
	assert_int_equal(uvmsim_failpoint_set(m, "uvm_pagealloc", 1, 1000), 0);
	assert_int_not_equal(uvm_map(map, &va, 2 * ps, uobj, 0, 0,
	    UVM_MAPFLAG(VM_PROT_READ | VM_PROT_WRITE, VM_PROT_ALL,
	    UVM_INH_SHARE, UVM_ADV_NORMAL, UVM_FLAG_FIXED | UVM_FLAG_WIRED)),
	    0);
	assert_true(uvmsim_failpoint_fired(m, "uvm_pagealloc") >= 1);
	assert_non_null(strstr(uvmsim_last_error(), "uvm_map: wiring"));
	uvmsim_failpoint_clear(m);
	CHECK(m);
	assert_int_equal(map->nentries, n0);
	assert_null(entry_at(va));
	assert_int_equal(uobj->uo_refs, 1);
	assert_int_equal(uobj->uo_npages, 0);
	assert_int_equal(ux->wired, wired0);
	assert_int_equal(ux->free, free0);

	/* Unarmed, the same call maps and wires both pages. */
	assert_int_equal(uvm_map(map, &va, 2 * ps, uobj, 0, 0,
	    UVM_MAPFLAG(VM_PROT_READ | VM_PROT_WRITE, VM_PROT_ALL,
	    UVM_INH_SHARE, UVM_ADV_NORMAL, UVM_FLAG_FIXED | UVM_FLAG_WIRED)),
	    0);
	CHECK(m);
	assert_int_equal(entry_at(va)->wired_count, 1);
	assert_int_equal(uobj->uo_npages, 2);
	assert_int_equal(obj_wired(uobj, 0), 1);
	assert_int_equal(obj_wired(uobj, ps), 1);
	assert_int_equal(uvm_map_pageable(map, va, va + 2 * ps, TRUE, 0), 0);
	CHECK(m);
	assert_int_equal(obj_wired(uobj, 0), 0);
	assert_int_equal(obj_wired(uobj, ps), 0);
	uvm_unmap(map, va, va + 2 * ps);	/* drops the reference */
	CHECK(m);
}

/* A wired read-only private page made writable is refaulted wired, and
 * so copied; when the copy finds no page the range is no longer wired,
 * the error says so, and the old contents are still there. */
static void
test_protect_rewire_fails(void **state)
{
	struct vm_map_entry *e;
	struct uvmexp *ux = uvmsim_uvmexp(m);
	struct proc *child;
	uint64_t v = 0;
	int rv, wired0;

	(void)state;
	tu_map_anon(m, map, VA, 1, VM_PROT_READ | VM_PROT_WRITE,
	    UVM_INH_COPY, UVM_ADV_NORMAL, 0);
	assert_int_equal(uvmsim_store(m, 0, p->p_vmspace, VA, 8, 0x1122), 0);
	/* A child shares the anon copy-on-write: a write must copy. */
	assert_int_equal(uvmsim_proc_fork(m, p, &child), 0);
	CHECK(m);
	assert_int_equal(uvm_map_protect(map, VA, VA + ps, VM_PROT_READ,
	    FALSE), 0);
	wired0 = ux->wired;
	assert_int_equal(uvm_map_pageable(map, VA, VA + ps, FALSE, 0), 0);
	CHECK(m);
	assert_int_equal(ux->wired, wired0 + 1);

	assert_int_equal(uvmsim_failpoint_set(m, "uvm_pagealloc", 1, 1000), 0);
	rv = uvm_map_protect(map, VA, VA + ps, VM_PROT_READ | VM_PROT_WRITE,
	    FALSE);
	assert_int_not_equal(rv, 0);
	assert_non_null(strstr(uvmsim_last_error(), "no longer wired"));
	uvmsim_failpoint_clear(m);
	CHECK(m);
	e = entry_at(VA);
	assert_non_null(e);
	assert_int_equal(e->wired_count, 0);
	assert_int_equal(e->protection, VM_PROT_READ | VM_PROT_WRITE);
	assert_int_equal(ux->wired, wired0);
	assert_int_equal(uvmsim_load(m, 0, p->p_vmspace, VA, 8, &v), 0);
	assert_int_equal(v, 0x1122);
	/* Now the write copies; the child keeps the old value. */
	assert_int_equal(uvmsim_store(m, 0, p->p_vmspace, VA, 8, 0x3344), 0);
	assert_int_equal(uvmsim_load(m, 0, child->p_vmspace, VA, 8, &v), 0);
	assert_int_equal(v, 0x1122);
	CHECK(m);
	uvmsim_proc_exit(m, child);
	uvm_unmap(map, VA, VA + ps);
	CHECK(m);
}

/* UVM_LK_ENTER: the caller holds the map locked; uvm_map_pageable
 * wires under it and, without UVM_LK_EXIT, unlocks it. */
static void
test_pageable_lk_enter(void **state)
{
	(void)state;
	tu_map_anon(m, map, VA, 1, VM_PROT_READ | VM_PROT_WRITE,
	    UVM_INH_COPY, UVM_ADV_NORMAL, 0);
	vm_map_lock(map);
	assert_int_equal(uvm_map_pageable(map, VA, VA + ps, FALSE,
	    UVM_LK_ENTER), 0);
	assert_false(uvmsim__map_locked(m, map));
	CHECK(m);
	assert_int_equal(entry_at(VA)->wired_count, 1);
	assert_non_null(tu_anon_at(map, VA));
	assert_int_equal(tu_anon_at(map, VA)->u.an_page->wire_count, 1);
	assert_int_equal(uvm_map_pageable(map, VA, VA + ps, TRUE, 0), 0);
	CHECK(m);
	assert_int_equal(tu_anon_at(map, VA)->u.an_page->wire_count, 0);
	uvm_unmap(map, VA, VA + ps);
	CHECK(m);
}

/*
 * fork_fails_then_works: with failpoint fp failing from its hit nth on,
 * the fork fails with ENOMEM and leaves no child and a clean machine;
 * the parent still reads 0x77 at VA; unarmed, the fork works and the
 * child reads it too.
 */
static void
fork_fails_then_works_at(const char *fp, uint64_t nth)
{
	struct proc *child = NULL;
	uint64_t v = 0;
	int nproc0 = 0;
	struct proc *q;

	TAILQ_FOREACH(q, &m->procs, p_list)
		nproc0++;
	assert_int_equal(uvmsim_failpoint_set(m, fp, nth, 1000), 0);
	assert_int_equal(uvmsim_proc_fork(m, p, &child), ENOMEM);
	assert_true(uvmsim_failpoint_fired(m, fp) >= 1);
	uvmsim_failpoint_clear(m);
	CHECK(m);
	TAILQ_FOREACH(q, &m->procs, p_list)
		nproc0--;
	assert_int_equal(nproc0, 0);
	assert_int_equal(uvmsim_load(m, 0, p->p_vmspace, VA, 8, &v), 0);
	assert_int_equal(v, 0x77);
	assert_int_equal(uvmsim_proc_fork(m, p, &child), 0);
	CHECK(m);
	assert_int_equal(uvmsim_load(m, 0, child->p_vmspace, VA, 8, &v), 0);
	assert_int_equal(v, 0x77);
	uvmsim_proc_exit(m, child);
	CHECK(m);
}

static void
fork_fails_then_works(void)
{
	fork_fails_then_works_at("amap_alloc", 1);
}

/* A shared entry not yet written: it still needs its amap, which the
 * fork must make before both maps can share it. */
static void
test_fork_share_amap_fails(void **state)
{
	struct proc *child = NULL;
	uint64_t v = 0;

	(void)state;
	tu_map_anon(m, map, VA, 1, VM_PROT_READ | VM_PROT_WRITE,
	    UVM_INH_SHARE, UVM_ADV_NORMAL, 0);
	assert_true(UVM_ET_ISNEEDSCOPY(entry_at(VA)));
	assert_int_equal(uvmsim_failpoint_set(m, "amap_alloc", 1, 1000), 0);
	assert_int_equal(uvmsim_proc_fork(m, p, &child), ENOMEM);
	uvmsim_failpoint_clear(m);
	CHECK(m);
	assert_true(UVM_ET_ISNEEDSCOPY(entry_at(VA)));
	assert_int_equal(uvmsim_proc_fork(m, p, &child), 0);
	CHECK(m);
	/* Shared: the child's write is the parent's. */
	assert_int_equal(uvmsim_store(m, 0, child->p_vmspace, VA, 8, 0x77),
	    0);
	assert_int_equal(uvmsim_load(m, 0, p->p_vmspace, VA, 8, &v), 0);
	assert_int_equal(v, 0x77);
	CHECK(m);
	uvmsim_proc_exit(m, child);
	uvm_unmap(map, VA, VA + ps);
	CHECK(m);
}

/* A wired private entry: the child's copy of the amap is made now. */
static void
test_fork_wired_amap_fails(void **state)
{
	(void)state;
	tu_map_anon(m, map, VA, 1, VM_PROT_READ | VM_PROT_WRITE,
	    UVM_INH_COPY, UVM_ADV_NORMAL, 0);
	assert_int_equal(uvmsim_store(m, 0, p->p_vmspace, VA, 8, 0x77), 0);
	assert_int_equal(uvm_map_pageable(map, VA, VA + ps, FALSE, 0), 0);
	fork_fails_then_works();
	assert_int_equal(uvm_map_pageable(map, VA, VA + ps, TRUE, 0), 0);
	uvm_unmap(map, VA, VA + ps);
	CHECK(m);
}

/*
 * A wired private entry of two written pages: the child's copies of the
 * anons are made at the fork (amap_cow_now), and there is no anon, or no
 * page for the first or the second copy.  The fork fails whole, the
 * parent keeps its wired pages.
 */
static void
test_fork_wired_copy_fails(void **state)
{
	uint64_t v = 0;

	(void)state;
	tu_map_anon(m, map, VA, 2, VM_PROT_READ | VM_PROT_WRITE,
	    UVM_INH_COPY, UVM_ADV_NORMAL, 0);
	assert_int_equal(uvmsim_store(m, 0, p->p_vmspace, VA, 8, 0x77), 0);
	assert_int_equal(uvmsim_store(m, 0, p->p_vmspace, VA + ps, 8, 0x78),
	    0);
	assert_int_equal(uvm_map_pageable(map, VA, VA + 2 * ps, FALSE, 0), 0);
	CHECK(m);
	fork_fails_then_works_at("uvm_analloc", 1);
	fork_fails_then_works_at("uvm_pagealloc", 1);
	fork_fails_then_works_at("uvm_pagealloc", 2);
	assert_int_equal(uvmsim_load(m, 0, p->p_vmspace, VA + ps, 8, &v), 0);
	assert_int_equal(v, 0x78);
	assert_int_equal(tu_anon_at(map, VA)->u.an_page->wire_count, 1);
	assert_int_equal(uvm_map_pageable(map, VA, VA + 2 * ps, TRUE, 0), 0);
	uvm_unmap(map, VA, VA + 2 * ps);
	CHECK(m);
}

/* A private entry whose amap is shared with another process (inherited
 * shared before): the child copies the amap at the fork. */
static void
test_fork_shared_amap_fails(void **state)
{
	struct proc *sharer = NULL;

	(void)state;
	tu_map_anon(m, map, VA, 1, VM_PROT_READ | VM_PROT_WRITE,
	    UVM_INH_SHARE, UVM_ADV_NORMAL, 0);
	assert_int_equal(uvmsim_store(m, 0, p->p_vmspace, VA, 8, 0x77), 0);
	assert_int_equal(uvmsim_proc_fork(m, p, &sharer), 0);
	assert_int_equal(uvm_map_inherit(map, VA, VA + ps, MAP_INHERIT_COPY),
	    0);
	CHECK(m);
	assert_true(amap_flags(entry_at(VA)->aref.ar_amap) & AMAP_SHARED);
	fork_fails_then_works();
	uvmsim_proc_exit(m, sharer);
	uvm_unmap(map, VA, VA + ps);
	CHECK(m);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		TU_TEST(test_empty_and_unaligned),
		TU_TEST(test_start_in_hole),
		TU_TEST(test_nomerge),
		TU_TEST(test_map_wired_fails),
		TU_TEST(test_protect_rewire_fails),
		TU_TEST(test_pageable_lk_enter),
		TU_TEST(test_fork_share_amap_fails),
		TU_TEST(test_fork_wired_amap_fails),
		TU_TEST(test_fork_wired_copy_fails),
		TU_TEST(test_fork_shared_amap_fails),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
