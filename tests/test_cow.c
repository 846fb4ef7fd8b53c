/*
 * test_cow.c: copy-on-write scenarios, through the MMU, on 1, 2 and 4 CPUs.
 *
 * The classic cases: a write after fork, three generations, the parent
 * exiting first, read then write, a file mapped private and shared,
 * protection lowered and raised, wired memory across fork.  Every access
 * goes through uvmsim_load/uvmsim_store on a chosen CPU, so a TLB entry
 * left writable on another CPU after fork would let a write through to
 * the shared page: the data checks would see it.  The checker runs after
 * every step.
 */
#include "testutil.h"

#include <errno.h>
#include <stdlib.h>

#define NPG	4		/* pages in each region */

struct env {
	struct uvmsim_machine *m;
	unsigned	ncpus;
	size_t		ps;
};

static unsigned
cpu(struct env *e, unsigned i)
{
	return i % e->ncpus;
}

static struct env *
env_new(void **state)
{
	struct uvmsim_config cfg;
	struct env *e = calloc(1, sizeof(*e));

	assert_non_null(e);
	e->ncpus = (unsigned)(uintptr_t)*state;
	tu_config(&cfg, 256);
	cfg.ncpus = e->ncpus;
	cfg.tlb_entries = 16;
	cfg.tlb_ways = 2;
	e->m = tu_machine_cfg(&cfg);
	e->ps = uvmsim_page_size(e->m);
	return e;
}

static void
env_free(struct env *e)
{
	CHECK(e->m);
	tu_destroy(e->m);
	free(e);
}

static struct proc *
proc_new(struct env *e)
{
	struct proc *p;

	assert_int_equal(uvmsim_proc_create(e->m, &p), 0);
	return p;
}

static struct proc *
proc_fork(struct env *e, struct proc *parent)
{
	struct proc *c;

	assert_int_equal(uvmsim_proc_fork(e->m, parent, &c), 0);
	CHECK(e->m);
	return c;
}

/* A private anonymous region of NPG pages, inherited by copy. */
static vaddr_t
map_anon(struct env *e, struct proc *p, int inherit)
{
	vaddr_t va = 0x100000;

	assert_int_equal(uvm_map(&p->p_vmspace->vm_map, &va, NPG * e->ps,
	    NULL, UVM_UNKNOWN_OFFSET, 0, UVM_MAPFLAG(VM_PROT_READ |
	    VM_PROT_WRITE, VM_PROT_ALL, inherit, UVM_ADV_NORMAL,
	    UVM_FLAG_COPYONW)), 0);
	CHECK(e->m);
	return va;
}

static void
put(struct env *e, unsigned c, struct proc *p, vaddr_t va, uint64_t v)
{
	assert_int_equal(uvmsim_store(e->m, cpu(e, c), p->p_vmspace, va, 8,
	    v), 0);
}

static uint64_t
get(struct env *e, unsigned c, struct proc *p, vaddr_t va)
{
	uint64_t v = 0;

	assert_int_equal(uvmsim_load(e->m, cpu(e, c), p->p_vmspace, va, 8,
	    &v), 0);
	return v;
}

/* Write tag + page number into the first word of each page. */
static void
fill(struct env *e, unsigned c, struct proc *p, vaddr_t va, uint64_t tag)
{
	int i;

	for (i = 0; i < NPG; i++)
		put(e, c, p, va + (vaddr_t)i * e->ps, tag + (uint64_t)i);
	CHECK(e->m);
}

static void
expect(struct env *e, unsigned c, struct proc *p, vaddr_t va, uint64_t tag)
{
	int i;

	for (i = 0; i < NPG; i++)
		assert_int_equal(get(e, c, p, va + (vaddr_t)i * e->ps),
		    tag + (uint64_t)i);
	CHECK(e->m);
}

static void
test_write_after_fork(void **state)
{
	struct env *e = env_new(state);
	struct proc *parent = proc_new(e), *child;
	vaddr_t va = map_anon(e, parent, UVM_INH_COPY);

	fill(e, 1, parent, va, 0x1000);		/* parent's TLB on cpu 1 */
	expect(e, 1, parent, va, 0x1000);
	/*
	 * Fork: both entries copy-on-write and needs-copy, one amap between
	 * them; the parent's pages are write-protected, and the child's
	 * reads map the same frames read-only.
	 *
	 *   0x100000                                0x104000
	 *   | anon 0 | anon 1 | anon 2 | anon 3 |   0x1000 + i
	 *   parent ---+  (entry: COW, needs-copy)
	 *   child  ---/  shares the amap (am_ref 2)
	 */
	child = proc_fork(e, parent);
	expect(e, 2, child, va, 0x1000);	/* child sees parent's data */
	/*
	 * The parent writes: its first fault gives it an amap of its own
	 * (the same anons), then each write copies its anon into a fresh
	 * frame.  The child keeps the old anons, now its alone.
	 *
	 *   parent | anon 0'| anon 1'| anon 2'| anon 3'|   0x2000 + i
	 *   child  | anon 0 | anon 1 | anon 2 | anon 3 |   0x1000 + i
	 */
	fill(e, 1, parent, va, 0x2000);		/* parent writes: its copy */
	expect(e, 2, child, va, 0x1000);
	/* The child's write: its amap is its alone (am_ref 1), so needs-copy
	 * just clears and the anons are written in place, no copy. */
	fill(e, 3, child, va, 0x3000);
	expect(e, 0, parent, va, 0x2000);
	expect(e, 0, child, va, 0x3000);
	uvmsim_proc_exit(e->m, child);
	uvmsim_proc_exit(e->m, parent);
	env_free(e);
}

static void
test_three_generations(void **state)
{
	struct env *e = env_new(state);
	struct proc *p = proc_new(e), *c, *g;
	vaddr_t va = map_anon(e, p, UVM_INH_COPY);

	fill(e, 0, p, va, 0x10);
	c = proc_fork(e, p);
	fill(e, 1, c, va, 0x20);
	/*
	 * The child has copied every page; its fork shares its amap with
	 * the grandchild, while the parent keeps its own:
	 *
	 *   0x100000                                0x104000
	 *   p      | anon 0 | anon 1 | anon 2 | anon 3 |   0x10 + i
	 *   c   ---+ c's anons 0'..3', 0x20 + i
	 *   g   ---/ shares c's amap, needs-copy
	 */
	g = proc_fork(e, c);
	expect(e, 2, g, va, 0x20);
	fill(e, 3, g, va, 0x30);
	fill(e, 0, p, va, 0x40);
	expect(e, 1, c, va, 0x20);
	expect(e, 2, g, va, 0x30);
	expect(e, 3, p, va, 0x40);
	uvmsim_proc_exit(e->m, c);		/* the middle one goes first */
	expect(e, 2, g, va, 0x30);
	expect(e, 3, p, va, 0x40);
	uvmsim_proc_exit(e->m, g);
	uvmsim_proc_exit(e->m, p);
	env_free(e);
}

static void
test_parent_exits_first(void **state)
{
	struct env *e = env_new(state);
	struct uvmexp *ux = uvmsim_uvmexp(e->m);
	struct proc *p = proc_new(e), *c;
	vaddr_t va = map_anon(e, p, UVM_INH_COPY);
	int free0;

	fill(e, 0, p, va, 0x500);
	c = proc_fork(e, p);
	uvmsim_proc_exit(e->m, p);
	CHECK(e->m);
	expect(e, 1, c, va, 0x500);		/* the anons survive */
	free0 = ux->free;
	fill(e, 1, c, va, 0x600);		/* sole owner: no copies */
	assert_int_equal(ux->free, free0);
	expect(e, 2, c, va, 0x600);
	uvmsim_proc_exit(e->m, c);
	env_free(e);
}

static void
test_read_then_write(void **state)
{
	struct env *e = env_new(state);
	struct uvmexp *ux = uvmsim_uvmexp(e->m);
	struct proc *p = proc_new(e), *c;
	vaddr_t va = map_anon(e, p, UVM_INH_COPY);
	int faults;

	/* Untouched memory reads as zeros, then takes writes. */
	assert_int_equal(get(e, 0, p, va), 0);
	assert_int_equal(get(e, 1, p, va + e->ps), 0);
	fill(e, 1, p, va, 0x77);
	/* After fork, reads share and take no copy; the first write does. */
	c = proc_fork(e, p);
	faults = ux->flt_acow;
	expect(e, 2, c, va, 0x77);
	expect(e, 3, p, va, 0x77);
	assert_int_equal(ux->flt_acow, faults);
	put(e, 2, c, va, 0xabc);
	assert_int_equal(ux->flt_acow, faults + 1);
	assert_int_equal(get(e, 0, p, va), 0x77);
	assert_int_equal(get(e, 3, c, va), 0xabc);
	CHECK(e->m);
	uvmsim_proc_exit(e->m, p);
	uvmsim_proc_exit(e->m, c);
	env_free(e);
}

static struct uvm_object *
file_new(struct env *e, uint64_t tag)
{
	struct uvm_object *f;
	uint64_t v;
	int i;

	assert_int_equal(uvmsim_file_create(e->m, NPG * e->ps, &f), 0);
	for (i = 0; i < NPG; i++) {
		v = tag + (uint64_t)i;
		assert_int_equal(uvmsim_file_write(e->m, f,
		    (size_t)i * e->ps, &v, 8), 0);
	}
	return f;
}

static uint64_t
file_word(struct env *e, struct uvm_object *f, int page)
{
	uint64_t v;

	assert_int_equal(uvmsim_file_read(e->m, f, (size_t)page * e->ps,
	    &v, 8), 0);
	return v;
}

static vaddr_t
map_file(struct env *e, struct proc *p, struct uvm_object *f, int private)
{
	vaddr_t va = 0x200000;

	f->pgops->pgo_reference(f);	/* the map's reference */
	assert_int_equal(uvm_map(&p->p_vmspace->vm_map, &va, NPG * e->ps,
	    f, 0, 0, UVM_MAPFLAG(VM_PROT_READ | VM_PROT_WRITE, VM_PROT_ALL,
	    UVM_INH_COPY, UVM_ADV_NORMAL, private ? UVM_FLAG_COPYONW : 0)), 0);
	CHECK(e->m);
	return va;
}

static void
test_file_private(void **state)
{
	struct env *e = env_new(state);
	struct proc *p = proc_new(e);
	struct uvm_object *f = file_new(e, 0xf00);
	vaddr_t va = map_file(e, p, f, 1);

	expect(e, 0, p, va, 0xf00);		/* the file's data */
	/*
	 * Reads mapped the file's pages read-only; each write copies its
	 * page into an anon of the entry's amap, over the object:
	 *
	 *   0x200000                                0x204000
	 *   amap | anon 0 | anon 1 | anon 2 | anon 3 |   0xa00 + i
	 *   file | page 0 | page 1 | page 2 | page 3 |   0xf00 + i
	 */
	fill(e, 1, p, va, 0xa00);		/* private copies */
	expect(e, 2, p, va, 0xa00);
	uvmsim_proc_exit(e->m, p);
	CHECK(e->m);
	assert_int_equal(file_word(e, f, 0), 0xf00);	/* file unchanged */
	assert_int_equal(file_word(e, f, NPG - 1), 0xf00 + NPG - 1);
	f->pgops->pgo_detach(f);
	env_free(e);
}

static void
test_file_shared(void **state)
{
	struct env *e = env_new(state);
	struct proc *p = proc_new(e), *q = proc_new(e);
	struct uvm_object *f = file_new(e, 0xf00);
	vaddr_t va = map_file(e, p, f, 0), vb = map_file(e, q, f, 0);

	fill(e, 1, p, va, 0xb00);
	expect(e, 2, q, vb, 0xb00);		/* the other process sees it */
	uvmsim_proc_exit(e->m, p);
	uvmsim_proc_exit(e->m, q);
	CHECK(e->m);
	f->pgops->pgo_detach(f);		/* the last reference */
	CHECK(e->m);
	env_free(e);
}

/* The file's store after the last reference: checked through a second
 * reference kept by the test. */
static void
test_file_shared_reaches_store(void **state)
{
	struct env *e = env_new(state);
	struct proc *p = proc_new(e);
	struct uvm_object *f = file_new(e, 0xf00);
	vaddr_t va = map_file(e, p, f, 0);
	int i;

	fill(e, 1, p, va, 0xc00);
	uvmsim_proc_exit(e->m, p);
	/* Write the dirty pages back, as a sync would. */
	simple_lock(&f->vmobjlock);
	assert_int_equal(f->pgops->pgo_put(f, 0, 0,
	    PGO_ALLPAGES | PGO_CLEANIT | PGO_SYNCIO), 0);
	for (i = 0; i < NPG; i++)
		assert_int_equal(file_word(e, f, i), 0xc00 + (uint64_t)i);
	CHECK(e->m);
	f->pgops->pgo_detach(f);
	env_free(e);
}

static void
test_mprotect_down_up(void **state)
{
	struct env *e = env_new(state);
	struct proc *p = proc_new(e);
	struct uvmsim_segv sv;
	vaddr_t va = map_anon(e, p, UVM_INH_COPY);
	struct vm_map *map = &p->p_vmspace->vm_map;

	fill(e, 1, p, va, 0x10);		/* writable TLB entries */
	assert_int_equal(uvm_map_protect(map, va, va + NPG * e->ps,
	    VM_PROT_READ, FALSE), 0);
	CHECK(e->m);
	assert_int_equal(uvmsim_store(e->m, cpu(e, 1), p->p_vmspace, va, 8,
	    1), EFAULT);
	uvmsim_last_segv(e->m, &sv);
	assert_int_equal(sv.addr, va);
	assert_int_equal(sv.access, VM_PROT_WRITE);
	assert_int_equal(sv.error, EACCES);
	expect(e, 2, p, va, 0x10);		/* still readable, unchanged */
	assert_int_equal(uvm_map_protect(map, va, va + NPG * e->ps,
	    VM_PROT_READ | VM_PROT_WRITE, FALSE), 0);
	fill(e, 1, p, va, 0x20);
	expect(e, 3, p, va, 0x20);
	uvmsim_proc_exit(e->m, p);
	env_free(e);
}

static void
test_wired_fork(void **state)
{
	struct env *e = env_new(state);
	struct uvmexp *ux = uvmsim_uvmexp(e->m);
	struct proc *p = proc_new(e), *c;
	vaddr_t va = map_anon(e, p, UVM_INH_COPY);
	struct vm_map *map = &p->p_vmspace->vm_map;
	int faults;

	assert_int_equal(uvm_map_pageable(map, va, va + NPG * e->ps, FALSE,
	    0), 0);
	assert_true(ux->wired >= NPG);
	CHECK(e->m);
	fill(e, 1, p, va, 0x900);
	/*
	 * A wired entry is not left needs-copy across fork: the child's
	 * amap is made and every page copied at once, so the parent's
	 * wired mappings stay writable.
	 *
	 *   0x100000                                0x104000
	 *   p (wired) | anon 0 | anon 1 | anon 2 | anon 3 |   0x900 + i
	 *   c         | anon 0'| anon 1'| anon 2'| anon 3'|   copies
	 */
	c = proc_fork(e, p);			/* the child copies at once */
	expect(e, 2, c, va, 0x900);
	faults = ux->faults;
	fill(e, 1, p, va, 0x950);		/* the parent keeps its pages */
	assert_int_equal(ux->faults, faults);	/* no fault: still writable */
	expect(e, 2, c, va, 0x900);
	fill(e, 3, c, va, 0x990);
	expect(e, 0, p, va, 0x950);
	assert_int_equal(uvm_map_pageable(map, va, va + NPG * e->ps, TRUE,
	    0), 0);
	CHECK(e->m);
	uvmsim_proc_exit(e->m, c);
	uvmsim_proc_exit(e->m, p);
	env_free(e);
}

static void
test_share_inherit(void **state)
{
	struct env *e = env_new(state);
	struct proc *p = proc_new(e), *c;
	vaddr_t va = map_anon(e, p, UVM_INH_SHARE);

	fill(e, 0, p, va, 0x100);
	/*
	 * Inherited shared: one amap, no needs-copy, the same anons and
	 * frames writable in both.
	 *
	 *   0x100000                                0x104000
	 *   p ---+ | anon 0 | anon 1 | anon 2 | anon 3 |
	 *   c ---/ (entry: shared amap, am_ref 2)
	 */
	c = proc_fork(e, p);
	fill(e, 1, c, va, 0x200);		/* shared, not copied */
	expect(e, 2, p, va, 0x200);
	uvmsim_proc_exit(e->m, p);
	expect(e, 3, c, va, 0x200);
	uvmsim_proc_exit(e->m, c);
	env_free(e);
}

static void
test_none_inherit(void **state)
{
	struct env *e = env_new(state);
	struct proc *p = proc_new(e), *c;
	vaddr_t va = map_anon(e, p, UVM_INH_NONE);
	uint64_t v;

	fill(e, 0, p, va, 0x100);
	c = proc_fork(e, p);
	assert_int_equal(uvmsim_load(e->m, cpu(e, 1), c->p_vmspace, va, 8,
	    &v), EFAULT);			/* nothing there in the child */
	CHECK(e->m);
	uvmsim_proc_exit(e->m, c);
	uvmsim_proc_exit(e->m, p);
	env_free(e);
}

#define ON_CPUS(t)							\
	cmocka_unit_test_prestate(t, (void *)1),			\
	cmocka_unit_test_prestate(t, (void *)2),			\
	cmocka_unit_test_prestate(t, (void *)4)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		ON_CPUS(test_write_after_fork),
		ON_CPUS(test_three_generations),
		ON_CPUS(test_parent_exits_first),
		ON_CPUS(test_read_then_write),
		ON_CPUS(test_file_private),
		ON_CPUS(test_file_shared),
		ON_CPUS(test_file_shared_reaches_store),
		ON_CPUS(test_mprotect_down_up),
		ON_CPUS(test_wired_fork),
		ON_CPUS(test_share_inherit),
		ON_CPUS(test_none_inherit),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
