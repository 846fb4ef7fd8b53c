/*
 * test_fault.c: uvm_fault called directly: each way a fault is resolved,
 * each way it fails, wiring, and faults on loaned pages, with frame
 * contents checked through the pmap's mappings.
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
map_anon(vaddr_t va, int npages, vm_prot_t prot, int flags)
{
	tu_map_anon(m, map, va, npages, prot, UVM_INH_COPY, UVM_ADV_NORMAL,
	    flags);
}

/* Byte j of page i of a file made with seed. */
static uint8_t
fbyte(uint32_t seed, int i, size_t j)
{
	return (uint8_t)(seed + (uint32_t)i + j);
}

/* A file of npages pages of fbyte(seed, ...) mapped at va (private:
 * copy-on-write); the caller keeps the first reference. */
static struct uvm_object *
map_file(vaddr_t va, int npages, int private, uint32_t seed)
{
	struct uvm_object *f;

	f = tu_file_pattern(m, npages, ps, fbyte, seed);
	f->pgops->pgo_reference(f);		/* the mapping's */
	tu_map_object(m, map, va, f, npages, UVM_INH_COPY, UVM_ADV_NORMAL,
	    private ? UVM_FLAG_COPYONW : 0);
	return f;
}

/* Map f again, privately, at VA (the mapping takes a new reference). */
static void
remap_private(struct uvm_object *f, int npages)
{
	vaddr_t va = VA;

	f->pgops->pgo_reference(f);
	assert_int_equal(uvm_map(map, &va, (vsize_t)npages * ps, f, 0, 0,
	    UVM_MAPFLAG(VM_PROT_READ | VM_PROT_WRITE, VM_PROT_ALL,
	    UVM_INH_COPY, UVM_ADV_NORMAL, UVM_FLAG_FIXED | UVM_FLAG_COPYONW)),
	    0);
}

/* The page mapped at va, or NULL. */
static struct vm_page *
mapped(vaddr_t va)
{
	paddr_t pa;

	if (!pmap_extract(map->pmap, va, &pa))
		return NULL;
	return PHYS_TO_VM_PAGE(pa);
}

static vm_prot_t
prot_at(vaddr_t va)
{
	paddr_t pa;
	vm_prot_t prot = 0;

	assert_int_equal(uvmsim_translate(m, p->p_vmspace, va, &pa, &prot), 0);
	return prot;
}

static void
test_zero_fill(void **state)
{
	struct uvmexp *ux = uvmsim_uvmexp(m);
	struct vm_map_entry *entry;
	struct vm_page *pg;

	(void)state;
	map_anon(VA, 4, VM_PROT_READ | VM_PROT_WRITE, 0);
	/*
	 * A write fault in page 1 of an untouched region: the entry's
	 * needs-copy makes its amap, page 1 gets an anon and a zeroed frame,
	 * mapped writable; the other slots stay empty.
	 *
	 *   0x400000                                  0x404000
	 *   before | .      | .      | .      | .      |  needs-copy, no amap
	 *   after  | .      | anon   | .      | .      |  amap, 4 slots
	 *                      zero frame, RW
	 */
	assert_int_equal(uvm_fault(map, VA + ps + 123, VM_FAULT_INVALID,
	    VM_PROT_WRITE), 0);
	CHECK(m);
	pg = mapped(VA + ps);
	assert_non_null(pg);
	assert_non_null(pg->uanon);
	assert_true(tu_anon_owned(pg));
	assert_true(pg->pqflags & PQ_ACTIVE);
	assert_true(tu_is_zero(m, pg));
	assert_int_equal(ux->flt_przero, 1);
	assert_true(prot_at(VA + ps) & VM_PROT_WRITE);
	vm_map_lock_read(map);
	assert_true(uvm_map_lookup_entry(map, VA, &entry));
	assert_non_null(entry->aref.ar_amap);	/* the needs-copy was done */
	assert_false(UVM_ET_ISNEEDSCOPY(entry));
	vm_map_unlock_read(map);
	/* Only the faulting page: the others were never touched. */
	assert_null(mapped(VA));
	assert_null(mapped(VA + 2 * ps));
	uvm_unmap(map, VA, VA + 4 * ps);
	CHECK(m);
}

static void
test_errors(void **state)
{
	(void)state;
	/* Nothing mapped. */
	assert_int_equal(uvm_fault(map, VA, VM_FAULT_INVALID, VM_PROT_READ),
	    EFAULT);
	CHECK(m);
	/* A write to a read-only entry. */
	map_anon(VA, 1, VM_PROT_READ, 0);
	assert_int_equal(uvm_fault(map, VA, VM_FAULT_INVALID, VM_PROT_WRITE),
	    EACCES);
	CHECK(m);
	/* Reading it is fine, and gives zeros. */
	assert_int_equal(uvm_fault(map, VA, VM_FAULT_INVALID, VM_PROT_READ),
	    0);
	assert_true(tu_is_zero(m, mapped(VA)));
	assert_false(prot_at(VA) & VM_PROT_WRITE);
	CHECK(m);
	uvm_unmap(map, VA, VA + ps);
	CHECK(m);
}

static void
test_object_pages(void **state)
{
	struct uvmexp *ux = uvmsim_uvmexp(m);
	struct uvm_object *f = map_file(VA, 8, 1, 40);
	struct vm_page *pg;
	int i, nomap;

	(void)state;
	/* A read of a private file mapping maps the file's page read-only. */
	assert_int_equal(uvm_fault(map, VA + 4 * ps, VM_FAULT_INVALID,
	    VM_PROT_READ), 0);
	CHECK(m);
	pg = mapped(VA + 4 * ps);
	assert_ptr_equal(pg->uobject, f);
	assert_int_equal(((uint8_t *)uvmsim_page_data(m, pg))[0], 44);
	assert_false(prot_at(VA + 4 * ps) & VM_PROT_WRITE);
	assert_int_equal(ux->fltget, 1);	/* it needed I/O */

	/* Bring every page in; the next fault maps its resident
	 * neighbours too (3 behind, 4 ahead), read-only. */
	uvm_unmap(map, VA, VA + 8 * ps);
	remap_private(f, 8);
	for (i = 0; i < 8; i++)
		assert_int_equal(uvm_fault(map, VA + (vaddr_t)i * ps,
		    VM_FAULT_INVALID, VM_PROT_READ), 0);
	uvm_unmap(map, VA, VA + 8 * ps);
	remap_private(f, 8);
	CHECK(m);
	nomap = ux->fltnomap;
	assert_int_equal(uvm_fault(map, VA + 4 * ps, VM_FAULT_INVALID,
	    VM_PROT_READ), 0);
	CHECK(m);
	assert_null(mapped(VA));
	for (i = 1; i < 8; i++) {
		assert_non_null(mapped(VA + (vaddr_t)i * ps));
		assert_false(prot_at(VA + (vaddr_t)i * ps) & VM_PROT_WRITE);
	}
	assert_int_equal(ux->fltnomap, nomap + 6);

	/* A write promotes page 2 into an anon: a private copy. */
	assert_int_equal(uvm_fault(map, VA + 2 * ps, VM_FAULT_PROTECT,
	    VM_PROT_WRITE), 0);
	CHECK(m);
	pg = mapped(VA + 2 * ps);
	assert_null(pg->uobject);
	assert_non_null(pg->uanon);
	assert_int_equal(((uint8_t *)uvmsim_page_data(m, pg))[0], 42);
	assert_true(prot_at(VA + 2 * ps) & VM_PROT_WRITE);
	assert_int_equal(ux->flt_prcopy, 1);
	uvm_unmap(map, VA, VA + 8 * ps);
	CHECK(m);
	f->pgops->pgo_detach(f);
	CHECK(m);
}

/*
 * The anon neighbours of a fault: a resident one with no mapping is
 * entered (writable: each anon is the map's alone); one already mapped
 * keeps its mapping, even a read-only one.
 */
static void
test_anon_neighbours(void **state)
{
	struct uvmexp *ux = uvmsim_uvmexp(m);
	struct vm_page *pgs[8];
	vaddr_t va;
	int i, namap;

	(void)state;
	map_anon(VA, 8, VM_PROT_READ | VM_PROT_WRITE, 0);
	for (i = 0; i < 8; i++) {
		va = VA + (vaddr_t)i * ps;
		assert_int_equal(uvm_fault(map, va, VM_FAULT_INVALID,
		    VM_PROT_WRITE), 0);
		CHECK(m);
		pgs[i] = mapped(va);
		assert_non_null(pgs[i]);
		((uint8_t *)uvmsim_page_data(m, pgs[i]))[0] =
		    (uint8_t)(0x40 + i);
	}

	/* Pages 1, 2 and 4 lose their mappings; 5 keeps a read-only one. */
	pmap_remove(map->pmap, VA + ps, VA + 3 * ps);
	pmap_remove(map->pmap, VA + 4 * ps, VA + 5 * ps);
	pmap_protect(map->pmap, VA + 5 * ps, VA + 6 * ps, VM_PROT_READ);
	pmap_update(map->pmap);
	CHECK(m);
	assert_null(mapped(VA + ps));

	/*
	 * A fault at 4 looks at 1-3 behind and 5-7 ahead: it enters 1
	 * and 2 and leaves the others as they are.
	 *
	 *   0x400000                                                  0x408000
	 *   amap  | a0 | a1 | a2 | a3 | a4 | a5 | a6 | a7 |   every slot an anon
	 *   pmap  | RW | .  | .  | RW | .  | R  | RW | RW |   before
	 *   pmap  | RW | RW | RW | RW | RW | R  | RW | RW |   after
	 */
	namap = ux->fltnamap;
	assert_int_equal(uvm_fault(map, VA + 4 * ps, VM_FAULT_INVALID,
	    VM_PROT_READ), 0);
	CHECK(m);
	assert_int_equal(ux->fltnamap, namap + 2);
	for (i = 0; i < 8; i++) {
		va = VA + (vaddr_t)i * ps;
		assert_ptr_equal(mapped(va), pgs[i]);
		assert_int_equal(((uint8_t *)uvmsim_page_data(m, pgs[i]))[0],
		    0x40 + i);
		if (i != 5)
			assert_true(prot_at(va) & VM_PROT_WRITE);
	}
	assert_false(prot_at(VA + 5 * ps) & VM_PROT_WRITE);
	uvm_unmap(map, VA, VA + 8 * ps);
	CHECK(m);
}

/*
 * The same for an object's pages: a neighbour the pmap maps already is
 * left out of the fault (1.6 marks it "don't care" before it asks the
 * pager), so it is neither entered again nor moved on the paging queues.
 */
static void
test_object_neighbours_mapped(void **state)
{
	struct uvmexp *ux = uvmsim_uvmexp(m);
	struct uvm_object *f;
	struct vm_page *pgs[8];
	vaddr_t va;
	int i, nomap;

	(void)state;
	f = map_file(VA, 8, 0, 7);
	for (i = 0; i < 8; i++) {
		va = VA + (vaddr_t)i * ps;
		assert_int_equal(uvm_fault(map, va, VM_FAULT_INVALID,
		    VM_PROT_READ), 0);
		CHECK(m);
		pgs[i] = mapped(va);
		assert_non_null(pgs[i]);
	}

	/* Pages 1, 2 and 4 lose their mappings. */
	pmap_remove(map->pmap, VA + ps, VA + 3 * ps);
	pmap_remove(map->pmap, VA + 4 * ps, VA + 5 * ps);
	pmap_update(map->pmap);
	CHECK(m);

	/*
	 * A fault at 4 looks at 1-3 behind and 5-7 ahead: it enters 1 and
	 * 2 and leaves the others where they are, 3 included, which stays
	 * behind 2 on the active queue.
	 *
	 *   0x400000                                                  0x408000
	 *   object| p0 | p1 | p2 | p3 | p4 | p5 | p6 | p7 |   every page resident
	 *   pmap  | R  | .  | .  | R  | .  | R  | R  | R  |   before
	 *   pmap  | R  | R  | R  | R  | R  | R  | R  | R  |   after
	 */
	nomap = ux->fltnomap;
	assert_int_equal(uvm_fault(map, VA + 4 * ps, VM_FAULT_INVALID,
	    VM_PROT_READ), 0);
	CHECK(m);
	assert_int_equal(ux->fltnomap, nomap + 2);
	for (i = 0; i < 8; i++)
		assert_ptr_equal(mapped(VA + (vaddr_t)i * ps), pgs[i]);
	/* Activated in the fault's order: 1, 2, then 4; 3 kept its place. */
	assert_ptr_equal(TAILQ_NEXT(pgs[3], pageq), pgs[5]);
	assert_ptr_equal(TAILQ_NEXT(pgs[1], pageq), pgs[2]);
	assert_ptr_equal(TAILQ_NEXT(pgs[2], pageq), pgs[4]);
	uvm_unmap(map, VA, VA + 8 * ps);
	f->pgops->pgo_detach(f);
	CHECK(m);
}

/*
 * A neighbourhood across two leaf page tables (x86-64: 2 MiB each), the
 * second one freed when its last mapping went: the pages under it are
 * all entered, those mapped under the first one left as they are.
 */
static void
test_neighbours_across_tables(void **state)
{
	const vaddr_t b = 0x800000UL;		/* a leaf table's boundary */
	struct uvmexp *ux = uvmsim_uvmexp(m);
	struct vm_page *pgs[8];
	vaddr_t va;
	int i, namap, ptps;

	(void)state;
	map_anon(b - 4 * ps, 8, VM_PROT_READ | VM_PROT_WRITE, 0);
	for (i = 0; i < 8; i++) {
		va = b + (vaddr_t)(i - 4) * ps;
		assert_int_equal(uvm_fault(map, va, VM_FAULT_INVALID,
		    VM_PROT_WRITE), 0);
		CHECK(m);
		pgs[i] = mapped(va);
		assert_non_null(pgs[i]);
		((uint8_t *)uvmsim_page_data(m, pgs[i]))[7] = (uint8_t)(i + 1);
	}
	/* The upper table goes with its last mapping; below, pages -2 and
	 * -1 lose theirs. */
	ptps = ux->wired;
	pmap_remove(map->pmap, b, b + 4 * ps);
	pmap_remove(map->pmap, b - 2 * ps, b);
	pmap_update(map->pmap);
	CHECK(m);
	assert_int_equal(ux->wired, ptps - 1);	/* the leaf table freed */

	/*
	 * A read fault at -1 (normal advice: 3 behind, 4 ahead) maps -1,
	 * and enters -2 again and 0..3 under a new leaf table (writable:
	 * each anon is the map's alone); -4 and -3 keep their mappings.
	 *
	 *                       b = 0x800000
	 *   page   -4   -3   -2   -1  |  0    1    2    3
	 *   amap | a  | a  | a  | a  | a  | a  | a  | a  |
	 *   pmap | RW | RW | .  | .  | .  | .  | .  | .  |  before (no table
	 *   pmap | RW | RW | RW | RW | RW | RW | RW | RW |  after   above b)
	 *         leaf table 1        |   leaf table 2
	 */
	namap = ux->fltnamap;
	assert_int_equal(uvm_fault(map, b - ps, VM_FAULT_INVALID,
	    VM_PROT_READ), 0);
	CHECK(m);
	assert_int_equal(ux->fltnamap, namap + 5);	/* -2 and 0..3 */
	for (i = 0; i < 8; i++) {
		va = b + (vaddr_t)(i - 4) * ps;
		assert_ptr_equal(mapped(va), pgs[i]);
		assert_int_equal(((uint8_t *)uvmsim_page_data(m, pgs[i]))[7],
		    i + 1);
	}
	uvm_unmap(map, b - 4 * ps, b + 4 * ps);
	CHECK(m);
}

/*
 * A copy-on-write fault whose pmap_enter finds no page for a page table:
 * the fault fails, the copy stays in the child's amap, queued, and the
 * next fault maps it without copying again.
 */
static void
test_cow_enter_fails(void **state)
{
	struct uvmexp *ux = uvmsim_uvmexp(m);
	struct vm_map *cmap;
	struct vm_page *ppg, *cpg;
	struct vm_anon *anon;
	struct proc *child;
	paddr_t pa;
	int acow;

	(void)state;
	map_anon(VA, 2, VM_PROT_READ | VM_PROT_WRITE, 0);
	assert_int_equal(uvm_fault(map, VA, VM_FAULT_INVALID, VM_PROT_WRITE),
	    0);
	ppg = mapped(VA);
	memset(uvmsim_page_data(m, ppg), 0x5a, ps);
	assert_int_equal(uvmsim_proc_fork(m, p, &child), 0);
	cmap = &child->p_vmspace->vm_map;
	CHECK(m);

	/*
	 * After fork, the child's write fault copies page 0's anon; its
	 * pmap_enter then fails for want of a page table:
	 *
	 *   0x400000            0x402000
	 *   parent | anon A |  .  |   A's frame 0x5a.., mapped
	 *   child  | anon A'|  .  |   A' a copy, in the child's own amap,
	 *                             queued, not mapped: ENOMEM
	 *
	 * Hit 1: the copy's page; hit 2: the child's first page table.
	 */
	uvmsim_failpoint_set(m, "uvm_pagealloc", 2, 1);
	acow = ux->flt_acow;
	assert_int_equal(uvm_fault(cmap, VA, VM_FAULT_INVALID, VM_PROT_WRITE),
	    ENOMEM);
	CHECK(m);
	assert_int_equal(ux->flt_acow, acow + 1);
	assert_int_equal(ux->fltnoram, 1);
	assert_false(pmap_extract(cmap->pmap, VA, NULL));
	anon = tu_anon_at(cmap, VA);
	assert_non_null(anon);
	assert_int_equal(anon->an_ref, 1);
	cpg = anon->u.an_page;
	assert_ptr_not_equal(cpg, ppg);
	assert_true(cpg->pqflags & PQ_ACTIVE);
	assert_false(cpg->flags & PG_BUSY);
	assert_memory_equal(uvmsim_page_data(m, cpg), uvmsim_page_data(m, ppg),
	    ps);

	/* The retry finds the child's own anon: no second copy. */
	assert_int_equal(uvm_fault(cmap, VA, VM_FAULT_INVALID, VM_PROT_WRITE),
	    0);
	CHECK(m);
	assert_int_equal(ux->flt_acow, acow + 1);
	assert_true(pmap_extract(cmap->pmap, VA, &pa));
	assert_ptr_equal(PHYS_TO_VM_PAGE(pa), cpg);
	assert_ptr_equal(mapped(VA), ppg);	/* the parent keeps its own */
	uvmsim_proc_exit(m, child);
	CHECK(m);
	uvm_unmap(map, VA, VA + 2 * ps);
	CHECK(m);
}

/*
 * A zero fill whose page-table pages cannot be had fails with ENOMEM, as
 * a failed pmap_enter does: the new anon stays in the amap with its page
 * (unbusied, queued by the retry, as 1.6 leaves a promoted page whose
 * pmap_enter failed), nothing is mapped, and the retry maps that same
 * page.
 */
static void
test_zero_fill_no_ptp(void **state)
{
	struct uvmexp *ux = uvmsim_uvmexp(m);
	struct vm_anon *anon;
	struct vm_page *pg;
	int noram = ux->fltnoram;

	(void)state;
	map_anon(VA, 1, VM_PROT_READ | VM_PROT_WRITE, 0);
	/* Hit 1: the zero-filled page; hit 2: the first page table. */
	assert_int_equal(uvmsim_failpoint_set(m, "uvm_pagealloc", 2, 1), 0);
	assert_int_equal(uvm_fault(map, VA, VM_FAULT_INVALID, VM_PROT_WRITE),
	    ENOMEM);
	CHECK(m);
	assert_int_equal(ux->fltnoram, noram + 1);
	assert_int_equal(uvmsim_failpoint_fired(m, "uvm_pagealloc"), 1);
	assert_null(mapped(VA));
	anon = tu_anon_at(map, VA);
	assert_non_null(anon);
	pg = anon->u.an_page;
	assert_non_null(pg);
	assert_false(pg->flags & PG_BUSY);
	assert_true(tu_is_zero(m, pg));

	assert_int_equal(uvm_fault(map, VA, VM_FAULT_INVALID, VM_PROT_WRITE),
	    0);
	CHECK(m);
	assert_ptr_equal(mapped(VA), pg);
	assert_true(pg->pqflags & PQ_ACTIVE);
	uvm_unmap(map, VA, VA + ps);
	CHECK(m);
}

/* A trace callback that panics at the fault's pmap_enter, where the
 * fault holds the map read-locked, the amap and the anon. */
static void
panic_at_enter(struct uvmsim_machine *mm, const struct uvmsim_event *ev,
    void *arg)
{
	(void)mm;
	(void)arg;
	if (ev->type == UVMSIM_EV_PMAP_ENTER)
		panic("test: panic at pmap_enter");
}

/*
 * A panic caught inside a fault releases every lock the fault took, the
 * map's read hold included: the range can be unmapped and the process
 * can exit afterwards, and the map locks held before the catch began
 * stay held.
 */
static void
test_caught_panic_unlocks_map(void **state)
{
	struct uvmsim_catch c;
	uint64_t v;
	volatile int error = -1;

	(void)state;
	map_anon(VA, 2, VM_PROT_READ | VM_PROT_WRITE, 0);
	uvmsim_trace_callback(m, panic_at_enter, NULL);
	UVMSIM_CATCH(m, &c, error = uvm_fault(map, VA, VM_FAULT_INVALID,
	    VM_PROT_WRITE));
	uvmsim_trace_callback(m, NULL, NULL);
	assert_true(c.caught);
	assert_int_equal(error, -1);
	assert_non_null(strstr(c.message, "panic at pmap_enter"));
	assert_int_equal(map->lock.lk_sharecount, 0);
	assert_int_equal(map->lock.lk_exholder, 0);

	/* The machine goes on: the other page faults as ever. */
	assert_int_equal(uvmsim_store(m, 0, p->p_vmspace, VA + ps, 8, 0x77),
	    0);
	assert_int_equal(uvmsim_load(m, 0, p->p_vmspace, VA + ps, 8, &v), 0);
	assert_int_equal(v, 0x77);
	uvm_unmap(map, VA, VA + 2 * ps);
	CHECK(m);

	/* Caught in a uvmsim_ call, which made m current: the machine
	 * current before the catch is current again. */
	map_anon(VA, 1, VM_PROT_READ | VM_PROT_WRITE, 0);
	uvmsim_machine_leave(m);
	assert_null(uvmsim_machine_current());
	uvmsim_trace_callback(m, panic_at_enter, NULL);
	UVMSIM_CATCH(m, &c, (void)uvmsim_store(m, 0, p->p_vmspace, VA, 8, 1));
	uvmsim_trace_callback(m, NULL, NULL);
	assert_true(c.caught);
	assert_null(uvmsim_machine_current());
	uvmsim_machine_enter(m);
	assert_int_equal(map->lock.lk_sharecount, 0);
	uvm_unmap(map, VA, VA + ps);
	CHECK(m);

	/* A hold taken before the catch outlives it. */
	map_anon(VA, 1, VM_PROT_READ | VM_PROT_WRITE, 0);
	vm_map_lock_read(map);
	uvmsim_trace_callback(m, panic_at_enter, NULL);
	UVMSIM_CATCH(m, &c, (void)uvm_fault(map, VA, VM_FAULT_INVALID,
	    VM_PROT_READ));
	uvmsim_trace_callback(m, NULL, NULL);
	assert_true(c.caught);
	assert_int_equal(map->lock.lk_sharecount, 1);
	vm_map_unlock_read(map);
	uvm_unmap(map, VA, VA + ps);
	CHECK(m);
}

static void
test_shared_object_write(void **state)
{
	struct uvm_object *f = map_file(VA, 2, 0, 7);
	struct vm_page *pg;
	uint8_t b;

	(void)state;
	assert_int_equal(uvm_fault(map, VA, VM_FAULT_INVALID, VM_PROT_WRITE),
	    0);
	CHECK(m);
	pg = mapped(VA);
	assert_ptr_equal(pg->uobject, f);	/* in place, no copy */
	assert_true(prot_at(VA) & VM_PROT_WRITE);
	((uint8_t *)uvmsim_page_data(m, pg))[1] = 0xee;
	pg->flags &= ~PG_CLEAN;
	uvm_unmap(map, VA, VA + 2 * ps);
	simple_lock(&f->vmobjlock);
	assert_int_equal(f->pgops->pgo_put(f, 0, 0,
	    PGO_ALLPAGES | PGO_CLEANIT), 0);
	assert_int_equal(uvmsim_file_read(m, f, 1, &b, 1), 0);
	assert_int_equal(b, 0xee);
	CHECK(m);
	f->pgops->pgo_detach(f);
	CHECK(m);
}

/*
 * Map npages at va with the given advice: private anonymous memory
 * (uobj NULL), or uobj shared (the mapping takes a reference of its own).
 */
static void
map_advised(vaddr_t va, int npages, struct uvm_object *uobj, int advice)
{
	if (uobj != NULL)
		uobj->pgops->pgo_reference(uobj);
	assert_int_equal(uvm_map(map, &va, (vsize_t)npages * ps, uobj,
	    uobj != NULL ? 0 : UVM_UNKNOWN_OFFSET, 0,
	    UVM_MAPFLAG(VM_PROT_READ | VM_PROT_WRITE, VM_PROT_ALL,
	    UVM_INH_COPY, advice, UVM_FLAG_FIXED |
	    (uobj != NULL ? 0 : UVM_FLAG_COPYONW))), 0);
	CHECK(m);
}

/* Bit i set when page i of the n (<= 32) from VA is mapped. */
static uint32_t
mapped_set(int n)
{
	uint32_t set = 0;
	int i;

	for (i = 0; i < n; i++)
		if (mapped(VA + (vaddr_t)i * ps) != NULL)
			set |= (uint32_t)1 << i;
	return set;
}

/* Bit i set when pgs[i] is on the inactive queue. */
static uint32_t
inactive_set(struct vm_page **pgs, int n)
{
	uint32_t set = 0;
	int i;

	for (i = 0; i < n; i++) {
		if (pgs[i]->pqflags & PQ_INACTIVE) {
			assert_false(pgs[i]->pqflags & PQ_ACTIVE);
			set |= (uint32_t)1 << i;
		}
	}
	return set;
}

/*
 * Sequential advice on anonymous memory: a fault deactivates the pages
 * of the 8 behind it (uvmfault_anonflush), clears their referenced bits
 * and maps none of them; it maps its own page and the 7 ahead.
 *
 *	pages     0 ....... 7   8   9 ...... 15
 *	fault             (behind) ^  (ahead)
 *	after     inactive, not mapped  | mapped, active
 */
static void
test_sequential_anon(void **state)
{
	struct vm_page *pgs[16];
	uint64_t v;
	int i;

	(void)state;
	map_advised(VA, 16, NULL, UVM_ADV_SEQUENTIAL);
	/* Written in order through the MMU (which sets the referenced
	 * bits): each fault leaves the pages behind inactive. */
	for (i = 0; i < 16; i++) {
		assert_int_equal(uvmsim_store(m, 0, p->p_vmspace,
		    VA + (vaddr_t)i * ps + 3, 1, (uint64_t)(i + 1)), 0);
		CHECK(m);
		pgs[i] = mapped(VA + (vaddr_t)i * ps);
		assert_non_null(pgs[i]);
		assert_true(pgs[i]->pqflags & PQ_ACTIVE);
		assert_int_equal(inactive_set(pgs, i + 1),
		    ((uint32_t)1 << i) - 1);
	}

	/* Every page read again (mapped: no fault, its accessed bit set),
	 * every mapping gone (the bit kept as the page's referenced bit),
	 * every page active again. */
	for (i = 0; i < 16; i++) {
		assert_int_equal(uvmsim_load(m, 0, p->p_vmspace,
		    VA + (vaddr_t)i * ps + 3, 1, &v), 0);
		assert_int_equal(v, i + 1);
	}
	assert_int_equal(inactive_set(pgs, 16), 0x7fff);
	pmap_remove(map->pmap, VA, VA + 16 * ps);
	pmap_update(map->pmap);
	for (i = 0; i < 16; i++) {
		tu_activate(pgs[i]);
		assert_true(pmap_is_referenced(pgs[i]));
	}
	CHECK(m);
	assert_int_equal(mapped_set(16), 0);

	assert_int_equal(uvm_fault(map, VA + 8 * ps, VM_FAULT_INVALID,
	    VM_PROT_READ), 0);
	CHECK(m);
	assert_int_equal(mapped_set(16), 0xff00);
	assert_int_equal(inactive_set(pgs, 16), 0x00ff);
	for (i = 0; i < 16; i++) {
		assert_int_equal(pmap_is_referenced(pgs[i]), i >= 8);
		assert_int_equal(((uint8_t *)uvmsim_page_data(m, pgs[i]))[3],
		    i + 1);
	}
	uvm_unmap(map, VA, VA + 16 * ps);
	CHECK(m);
}

/*
 * Sequential advice on a file: the pages behind the fault are put with
 * PGO_DEACTIVATE (inactive, not mapped), the fault's page and the 7
 * resident ones ahead are mapped.
 */
static void
test_sequential_object(void **state)
{
	struct uvm_object *f;
	struct vm_page *pgs[16];
	int i;

	(void)state;
	assert_int_equal(uvmsim_file_create(m, 16 * ps, &f), 0);
	map_advised(VA, 16, f, UVM_ADV_SEQUENTIAL);
	/* Read in order: each fault leaves the pages behind inactive. */
	for (i = 0; i < 16; i++) {
		assert_int_equal(uvm_fault(map, VA + (vaddr_t)i * ps,
		    VM_FAULT_INVALID, VM_PROT_READ), 0);
		CHECK(m);
		pgs[i] = mapped(VA + (vaddr_t)i * ps);
		assert_non_null(pgs[i]);
		assert_ptr_equal(pgs[i]->uobject, f);
		assert_true(pgs[i]->pqflags & PQ_ACTIVE);
		assert_int_equal(inactive_set(pgs, i + 1),
		    ((uint32_t)1 << i) - 1);
	}

	/* A new mapping of the resident file, every page active again. */
	uvm_unmap(map, VA, VA + 16 * ps);
	for (i = 0; i < 16; i++)
		tu_activate(pgs[i]);
	map_advised(VA, 16, f, UVM_ADV_SEQUENTIAL);
	assert_int_equal(mapped_set(16), 0);

	assert_int_equal(uvm_fault(map, VA + 8 * ps, VM_FAULT_INVALID,
	    VM_PROT_READ), 0);
	CHECK(m);
	assert_int_equal(mapped_set(16), 0xff00);
	assert_int_equal(inactive_set(pgs, 16), 0x00ff);
	for (i = 0; i < 16; i++)
		assert_ptr_equal(pgs[i]->uobject, f);	/* none freed */
	uvm_unmap(map, VA, VA + 16 * ps);
	CHECK(m);
	f->pgops->pgo_detach(f);
	CHECK(m);
}

/*
 * Random advice maps no neighbour and deactivates none; normal advice
 * maps 3 behind and 4 ahead, and deactivates none either.
 */
static void
test_random_and_normal_advice(void **state)
{
	struct uvm_object *f;
	struct vm_page *pgs[16];
	int i;

	(void)state;
	assert_int_equal(uvmsim_file_create(m, 16 * ps, &f), 0);
	map_advised(VA, 16, f, UVM_ADV_NORMAL);
	for (i = 0; i < 16; i++) {
		assert_int_equal(uvm_fault(map, VA + (vaddr_t)i * ps,
		    VM_FAULT_INVALID, VM_PROT_READ), 0);
		pgs[i] = mapped(VA + (vaddr_t)i * ps);
	}
	CHECK(m);
	assert_int_equal(inactive_set(pgs, 16), 0);

	uvm_unmap(map, VA, VA + 16 * ps);
	map_advised(VA, 16, f, UVM_ADV_NORMAL);
	assert_int_equal(uvm_fault(map, VA + 8 * ps, VM_FAULT_INVALID,
	    VM_PROT_READ), 0);
	CHECK(m);
	assert_int_equal(mapped_set(16), 0x1fe0);	/* 5..12 */
	assert_int_equal(inactive_set(pgs, 16), 0);

	uvm_unmap(map, VA, VA + 16 * ps);
	map_advised(VA, 16, f, UVM_ADV_RANDOM);
	assert_int_equal(uvm_fault(map, VA + 8 * ps, VM_FAULT_INVALID,
	    VM_PROT_READ), 0);
	CHECK(m);
	assert_int_equal(mapped_set(16), 0x0100);
	assert_int_equal(inactive_set(pgs, 16), 0);
	uvm_unmap(map, VA, VA + 16 * ps);
	CHECK(m);
	f->pgops->pgo_detach(f);
	CHECK(m);
}

/* A hook that counts its runs in *(int *)arg. */
static void
count_hook(struct uvmsim_machine *mm, const char *point, void *arg)
{
	(void)mm;
	(void)point;
	(*(int *)arg)++;
}

static void
test_failpoints(void **state)
{
	struct uvmexp *ux = uvmsim_uvmexp(m);
	struct uvm_object *f;
	int free0, sleeps;
	size_t j;

	(void)state;
	map_anon(VA, 2, VM_PROT_READ | VM_PROT_WRITE, 0);
	/* No anon: the fault fails cleanly. */
	free0 = ux->free;
	uvmsim_failpoint_set(m, "uvm_analloc", 1, 1);
	assert_int_equal(uvm_fault(map, VA, VM_FAULT_INVALID, VM_PROT_WRITE),
	    ENOMEM);
	assert_int_equal(ux->fltnoanon, 1);
	CHECK(m);
	/* No page (the anon is given back). */
	uvmsim_failpoint_set(m, "uvm_pagealloc", 1, 1);
	assert_int_equal(uvm_fault(map, VA, VM_FAULT_INVALID, VM_PROT_WRITE),
	    ENOMEM);
	CHECK(m);
	assert_int_equal(ux->nanon, ux->nfreeanon);
	/* And then it works. */
	assert_int_equal(uvm_fault(map, VA, VM_FAULT_INVALID, VM_PROT_WRITE),
	    0);
	CHECK(m);
	uvm_unmap(map, VA, VA + 2 * ps);
	CHECK(m);
	assert_true(ux->free >= free0 - 1);

	/* No amap for a needs-copy entry. */
	map_anon(VA, 2, VM_PROT_READ | VM_PROT_WRITE, 0);
	uvmsim_failpoint_set(m, "amap_alloc", 1, 1);
	assert_int_equal(uvm_fault(map, VA, VM_FAULT_INVALID, VM_PROT_WRITE),
	    ENOMEM);
	assert_int_equal(ux->fltnoamap, 1);
	CHECK(m);
	uvm_unmap(map, VA, VA + 2 * ps);

	/* The pager fails: its error comes back. */
	f = map_file(VA, 2, 1, 1);
	uvmsim_failpoint_set(m, "pgo_get.eio", 2, 1);	/* the I/O get */
	assert_int_equal(uvm_fault(map, VA, VM_FAULT_INVALID, VM_PROT_READ),
	    EIO);
	CHECK(m);
	/* The locked get says "needs I/O": the fault does the I/O. */
	uvmsim_failpoint_set(m, "pgo_get.io", 1, 1);
	assert_int_equal(uvm_fault(map, VA, VM_FAULT_INVALID, VM_PROT_READ),
	    0);
	assert_int_equal(((uint8_t *)uvmsim_page_data(m, mapped(VA)))[0], 1);
	CHECK(m);
	/* A transient shortage (EAGAIN from the I/O get): the fault sleeps
	 * on lbolt (the "tsleep" hook) and faults again, as 1.6 does, for as
	 * long as the shortage lasts. */
	sleeps = 0;
	assert_int_equal(uvmsim_hook_set(m, "tsleep", count_hook, &sleeps), 0);
	uvmsim_failpoint_set(m, "pgo_get.eagain", 1, 3);
	assert_int_equal(uvm_fault(map, VA + ps, VM_FAULT_INVALID,
	    VM_PROT_READ), 0);
	assert_int_equal(sleeps, 3);
	assert_int_equal(uvmsim_failpoint_fired(m, "pgo_get.eagain"), 3);
	for (j = 0; j < ps; j++)
		assert_int_equal(((uint8_t *)uvmsim_page_data(m,
		    mapped(VA + ps)))[j], fbyte(1, 1, j));
	CHECK(m);
	/* One no sleep ends (the failpoint armed for ever) would retry for
	 * ever: a panic, with nothing locked and nothing changed. */
	uvm_unmap(map, VA, VA + 2 * ps);
	f->pgops->pgo_detach(f);
	CHECK(m);
	f = map_file(VA, 2, 1, 2);
	uvmsim_failpoint_set(m, "pgo_get.eagain", 1, UVMSIM_FP_FOREVER);
	EXPECT_PANIC(m, (void)uvm_fault(map, VA + ps, VM_FAULT_INVALID,
	    VM_PROT_READ), "armed for ever");
	uvmsim_failpoint_set(m, "pgo_get.eagain", 1, 0);
	CHECK(m);
	assert_null(mapped(VA + ps));
	assert_int_equal(sleeps, 4);
	assert_int_equal(uvm_fault(map, VA + ps, VM_FAULT_INVALID,
	    VM_PROT_READ), 0);
	assert_int_equal(((uint8_t *)uvmsim_page_data(m,
	    mapped(VA + ps)))[0], fbyte(2, 1, 0));
	CHECK(m);
	assert_int_equal(uvmsim_hook_set(m, "tsleep", NULL, NULL), 0);
	uvm_unmap(map, VA, VA + 2 * ps);
	f->pgops->pgo_detach(f);
	CHECK(m);
}

static void
test_wire(void **state)
{
	struct uvmexp *ux = uvmsim_uvmexp(m);
	int wired0 = ux->wired, i;

	(void)state;
	map_anon(VA, 3, VM_PROT_READ | VM_PROT_WRITE, 0);
	assert_int_equal(uvm_fault_wire(map, VA, VA + 3 * ps, VM_FAULT_WIRE,
	    VM_PROT_READ | VM_PROT_WRITE), 0);
	CHECK(m);
	for (i = 0; i < 3; i++)
		assert_int_equal(mapped(VA + (vaddr_t)i * ps)->wire_count, 1);
	assert_true(ux->wired >= wired0 + 3);
	uvm_fault_unwire(map, VA, VA + 3 * ps);
	CHECK(m);
	for (i = 0; i < 3; i++)
		assert_int_equal(mapped(VA + (vaddr_t)i * ps)->wire_count, 0);
	uvm_unmap(map, VA, VA + 3 * ps);
	CHECK(m);
}

/*
 * The owner writes an anon page it has loaned to the kernel: the anon
 * gets a copy; the loaned page keeps its contents, ownerless, until the
 * kernel returns it.
 */
static void
test_write_breaks_anon_loan(void **state)
{
	struct vm_page *pgs[1], *pg, *npg;

	(void)state;
	map_anon(VA, 1, VM_PROT_READ | VM_PROT_WRITE, 0);
	assert_int_equal(uvm_fault(map, VA, VM_FAULT_INVALID, VM_PROT_WRITE),
	    0);
	pg = mapped(VA);
	tu_fill(m, pg, 5);
	assert_int_equal(uvm_loan(map, VA, ps, pgs, UVM_LOAN_TOPAGE), 0);
	assert_ptr_equal(pgs[0], pg);
	CHECK(m);
	assert_false(prot_at(VA) & VM_PROT_WRITE);

	assert_int_equal(uvm_fault(map, VA, VM_FAULT_PROTECT, VM_PROT_WRITE),
	    0);
	CHECK(m);
	npg = mapped(VA);
	assert_ptr_not_equal(npg, pg);
	assert_true(tu_verify(m, npg, 5));	/* the owner's copy */
	assert_true(tu_verify(m, pg, 5));	/* the loan, unchanged */
	assert_null(pg->uanon);
	assert_int_equal(pg->loan_count, 1);
	assert_true(prot_at(VA) & VM_PROT_WRITE);
	/* The kernel gives the loan back: the orphan is freed. */
	uvm_unloan(pgs, 1, UVM_LOAN_TOPAGE);
	CHECK(m);
	assert_true(pg->pqflags & PQ_FREE);
	uvm_unmap(map, VA, VA + ps);
	CHECK(m);
}

/*
 * Wiring a range whose page is lent to the kernel.  1.39 behaviour: the
 * wiring fault, even a read one (the range read-only), gives the owner a
 * copy to wire and leaves the lent page to the kernel, unwired and off
 * the queues.  Modern behaviour, as NetBSD's uvm_fault (1.6 and later):
 * a read-only wiring keeps the loan and wires the lent page itself; the
 * range made writable is wired again with write access, and that breaks
 * the loan: the copy is wired, the lent page unwired, left to the kernel.
 */
static void
test_wire_breaks_loan(void **state)
{
	struct vm_page *pgs[1], *lent, *own;

	(void)state;
	map_anon(VA, 1, VM_PROT_READ | VM_PROT_WRITE, 0);
	assert_int_equal(uvmsim_store(m, 0, p->p_vmspace, VA, 8, 42), 0);
	assert_int_equal(uvm_loan(map, VA, ps, pgs, UVM_LOAN_TOPAGE), 0);
	lent = pgs[0];
	assert_int_equal(uvm_map_protect(map, VA, VA + ps, VM_PROT_READ,
	    FALSE), 0);
	CHECK(m);
	assert_int_equal(uvm_map_pageable(map, VA, VA + ps, FALSE, 0), 0);
	CHECK(m);
	own = mapped(VA);
	if (tu_modern()) {
		/* Wired read-only, still lent, still the anon's. */
		assert_ptr_equal(own, lent);
		assert_int_equal(lent->wire_count, 1);
		assert_int_equal(lent->loan_count, 1);
		assert_true(tu_anon_owned(lent));
		assert_int_equal(lent->pqflags & (PQ_ACTIVE | PQ_INACTIVE), 0);
		/* Writable again: the entry is wired again, writing. */
		assert_int_equal(uvm_map_protect(map, VA, VA + ps,
		    VM_PROT_READ | VM_PROT_WRITE, FALSE), 0);
		CHECK(m);
		own = mapped(VA);
	}
	assert_ptr_not_equal(own, lent);
	assert_int_equal(own->wire_count, 1);
	assert_int_equal(*(uint64_t *)uvmsim_page_data(m, own), 42);
	assert_int_equal(lent->wire_count, 0);
	assert_int_equal(lent->loan_count, 1);
	assert_null(lent->uanon);			/* an orphan now */
	assert_int_equal(lent->pqflags & (PQ_ACTIVE | PQ_INACTIVE), 0);
	assert_int_equal(*(uint64_t *)uvmsim_page_data(m, lent), 42);
	uvm_unloan(pgs, 1, UVM_LOAN_TOPAGE);	/* frees the orphan */
	CHECK(m);
	assert_true(lent->pqflags & PQ_FREE);
	assert_int_equal(uvm_map_pageable(map, VA, VA + ps, TRUE, 0), 0);
	CHECK(m);
	uvm_unmap(map, VA, VA + ps);
	CHECK(m);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		TU_TEST(test_zero_fill),
		TU_TEST(test_errors),
		TU_TEST(test_object_pages),
		TU_TEST(test_anon_neighbours),
		TU_TEST(test_object_neighbours_mapped),
		TU_TEST(test_neighbours_across_tables),
		TU_TEST(test_cow_enter_fails),
		TU_TEST(test_caught_panic_unlocks_map),
		TU_TEST(test_zero_fill_no_ptp),
		TU_TEST(test_shared_object_write),
		TU_TEST(test_sequential_anon),
		TU_TEST(test_sequential_object),
		TU_TEST(test_random_and_normal_advice),
		TU_TEST(test_failpoints),
		TU_TEST(test_wire),
		TU_TEST(test_write_breaks_anon_loan),
		TU_TEST(test_wire_breaks_loan),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
