/*
 * test_loan.c: page loanout (uvm_loan.c): every kind of loan of the pages
 * of a process, their return, the owner writing or freeing a loaned page,
 * fork, orphans and their adoption, each failure path, and each step of a
 * loan called on its own.
 *
 * One process per test, with memory mapped through uvm_map and written
 * through the MMU (uvmsim_store), so that the pages exist with known
 * contents; those contents are checked in the frames of the loaned pages
 * (uvmsim_page_data) and, for the owner, through the MMU (uvmsim_load).
 * The checker runs after every step.
 *
 * A test pager (struct tpager) stands for a file whose I/O another CPU
 * can interfere with: a hook runs once, with everything unlocked, at the
 * end of its next PGO_SYNCIO get; it can release the page, fill an amap
 * slot or change the map, as the kernel's other CPUs could while the
 * loaning thread slept on the I/O.  It can also answer EAGAIN.
 *
 * Where a test's comment names a defect of 1.39 (D1..D8, listed in
 * src/uvm_loan.c), the test fails with 1.39's code, and says how.
 */
#include "testutil.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>

#define VA	0x400000UL	/* the region under test */
#define VB	0x800000UL	/* a second region */
#define NMAX	8		/* pages in a loan, at most */

static struct uvmsim_machine *m;
static struct uvmexp *ux;
static struct proc *p;
static struct vm_map *map;
static size_t ps;

/* A machine with the given loan behaviour, and one process. */
static int
setup_with(const char *behaviour)
{
	struct uvmsim_config cfg;

	tu_config(&cfg, 256);
	cfg.loan = behaviour;
	m = tu_machine_cfg(&cfg);
	ux = uvmsim_uvmexp(m);
	ps = uvmsim_page_size(m);
	assert_int_equal(uvmsim_proc_create(m, &p), 0);
	map = &p->p_vmspace->vm_map;
	CHECK(m);
	return 0;
}

/* The behaviour under test (tu_loan_behaviour). */
static int
setup(void **state)
{
	(void)state;
	return setup_with(tu_loan_behaviour());
}

#ifndef TU_KERNEL_LOAN	/* the kernel file knows 1.39 only */
/* The modern behaviour, whatever is under test. */
static int
setup_modern(void **state)
{
	(void)state;
	return setup_with("modern");
}
#endif

static int
teardown(void **state)
{
	(void)state;
	uvmsim_proc_exit(m, p);
	CHECK(m);
	assert_int_equal(ux->nanon, ux->nfreeanon);
	tu_destroy(m);
	return 0;
}

/* ---- regions ---------------------------------------------------------- */

/* Private anonymous memory (copy-on-write), untouched. */
static void
map_anon(vaddr_t va, int npages)
{
	assert_int_equal(uvm_map(map, &va, (vsize_t)npages * ps, NULL,
	    UVM_UNKNOWN_OFFSET, 0, UVM_MAPFLAG(VM_PROT_READ | VM_PROT_WRITE,
	    VM_PROT_ALL, UVM_INH_COPY, UVM_ADV_NORMAL,
	    UVM_FLAG_FIXED | UVM_FLAG_COPYONW)), 0);
	CHECK(m);
}

/* Byte j of page i of a file made with seed. */
static uint8_t
fbyte(uint8_t seed, int i, size_t j)
{
	return (uint8_t)(seed + i * 17 + j * 7 + (j >> 8));
}

/*
 * A file of npages pages filled with fbyte(seed, ...), mapped at va
 * (private: copy-on-write).  The caller keeps the file's first reference
 * and gives it back with pgo_detach; the mapping holds another.
 */
static struct uvm_object *
map_file(vaddr_t va, int npages, int private, uint8_t seed)
{
	struct uvm_object *f;
	uint8_t *buf;
	size_t j;
	int i;

	buf = malloc(ps);
	assert_non_null(buf);
	assert_int_equal(uvmsim_file_create(m, (size_t)npages * ps, &f), 0);
	for (i = 0; i < npages; i++) {
		for (j = 0; j < ps; j++)
			buf[j] = fbyte(seed, i, j);
		assert_int_equal(uvmsim_file_write(m, f, (size_t)i * ps, buf,
		    ps), 0);
	}
	free(buf);
	f->pgops->pgo_reference(f);
	assert_int_equal(uvm_map(map, &va, (vsize_t)npages * ps, f, 0, 0,
	    UVM_MAPFLAG(VM_PROT_READ | VM_PROT_WRITE, VM_PROT_ALL,
	    UVM_INH_COPY, UVM_ADV_NORMAL,
	    UVM_FLAG_FIXED | (private ? UVM_FLAG_COPYONW : 0))), 0);
	CHECK(m);
	return f;
}

/* Whether pg holds page i of a file made with seed. */
static int
file_frame(struct vm_page *pg, uint8_t seed, int i)
{
	const uint8_t *d = uvmsim_page_data(m, pg);
	size_t j;

	for (j = 0; j < ps; j++)
		if (d[j] != fbyte(seed, i, j))
			return 0;
	return 1;
}

/* ---- access through the MMU, and what the frames hold ----------------- */

static void
put(vaddr_t va, uint64_t v)
{
	assert_int_equal(uvmsim_store(m, 0, p->p_vmspace, va, 8, v), 0);
}

static uint64_t
get(vaddr_t va)
{
	uint64_t v = 0;

	assert_int_equal(uvmsim_load(m, 0, p->p_vmspace, va, 8, &v), 0);
	return v;
}

/* Mark each page: its first word tag + i, its last word ~(tag + i). */
static void
fill(vaddr_t va, int npages, uint64_t tag)
{
	int i;

	for (i = 0; i < npages; i++) {
		put(va + (vaddr_t)i * ps, tag + (uint64_t)i);
		put(va + (vaddr_t)i * ps + ps - 8, ~(tag + (uint64_t)i));
	}
	CHECK(m);
}

static void
expect(vaddr_t va, int npages, uint64_t tag)
{
	int i;

	for (i = 0; i < npages; i++) {
		assert_int_equal(get(va + (vaddr_t)i * ps), tag + (uint64_t)i);
		assert_int_equal(get(va + (vaddr_t)i * ps + ps - 8),
		    ~(tag + (uint64_t)i));
	}
	CHECK(m);
}

static uint64_t
word(struct vm_page *pg, size_t off)
{
	uint64_t v;

	memcpy(&v, (uint8_t *)uvmsim_page_data(m, pg) + off, sizeof(v));
	return v;
}

/* Whether pg's frame carries the marks fill() leaves for tag. */
static int
frame_has(struct vm_page *pg, uint64_t tag)
{
	return word(pg, 0) == tag && word(pg, ps - 8) == ~tag;
}

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

	if (uvmsim_translate(m, p->p_vmspace, va, &pa, &prot) != 0)
		return VM_PROT_NONE;
	return prot;
}

/* The anon in the amap slot of va, or NULL. */
static struct vm_anon *
anon_at(vaddr_t va)
{
	struct vm_map_entry *entry;
	struct vm_amap *amap;
	struct vm_anon *anon = NULL;
	boolean_t found;

	vm_map_lock_read(map);
	found = uvm_map_lookup_entry(map, va, &entry);
	amap = found ? entry->aref.ar_amap : NULL;
	if (amap != NULL) {
		amap_lock(amap);
		anon = amap_lookup(&entry->aref, va - entry->start);
		amap_unlock(amap);
	}
	vm_map_unlock_read(map);
	return anon;
}

static int
queued(const struct vm_page *pg)
{
	return (pg->pqflags & (PQ_ACTIVE | PQ_INACTIVE)) != 0;
}

/*
 * Where an owned page lent to the kernel sits: off the paging queues in
 * 1.39, on the active queue in the modern behaviour (whose page daemon
 * knows what to do with lent pages).
 */
static void
assert_kernel_lent(const struct vm_page *pg)
{
	if (tu_modern())
		assert_true(pg->pqflags & PQ_ACTIVE);
	else
		assert_false(queued(pg));
}

/*
 * A test of what only the 1.39 behaviour does: on a modern machine it
 * stops here, saying why.  The modern behaviour's own tests (below, run
 * on a modern machine whatever the behaviour under test) show what it
 * does there instead.
 */
#define ONLY_139(why) do {						\
	if (tu_modern()) {						\
		print_message("modern: %s\n", (why));			\
		skip();							\
	}								\
} while (0)

#ifdef TU_KERNEL_LOAN
/*
 * Against NetBSD's uvm_loan.c (tests/conformance): where its outcome is
 * a listed difference (tests/conformance/EXPECTED-DIFFERENCES.md), a test
 * asserts that outcome instead of the native module's, then puts right
 * what the kernel file left, so that the rest of the test runs.
 */

/* A hook that only counts its runs (uvmsim_hook_runs). */
static void
kl_count_hook(struct uvmsim_machine *mm, const char *point, void *arg)
{
	(void)mm;
	(void)point;
	(void)arg;
}

/* D4: the failed loan left the map read-locked and the amap of the
 * entry at va locked; the checker names both; unlock them. */
static void
kl_unlock_left(vaddr_t va, int line)
{
	struct vm_map_entry *entry;

	tu_expect_problem(m, "map.lock", "lock", line);
	tu_expect_problem(m, "lock.held", "lock_holder", line);
	assert_true(uvm_map_lookup_entry(map, va, &entry));
	assert_true(simple_lock_held(&entry->aref.ar_amap->am_l));
	amap_unlock(entry->aref.ar_amap);
	vm_map_unlock_read(map);
}
#endif

/* ---- a pager whose I/O others can interfere with ---------------------- */

struct tpager {
	struct uvm_object obj;		/* must be first */
	int		eagain;		/* SYNCIO gets left to fail, EAGAIN */
	int		nio;		/* SYNCIO gets so far */
	void		(*hook)(struct tpager *, struct vm_page *);
	vaddr_t		hook_va;	/* an address for the hook */
	int		npages;		/* its size: pages from offset 0 */
};

/* The first word of the page at offset off; the rest is zeros. */
#define TP_TAG(off)	(0x7e5700000000ULL + (uint64_t)(off))

static void
tp_reference(struct uvm_object *o)
{
	simple_lock(&o->vmobjlock);
	o->uo_refs++;
	simple_unlock(&o->vmobjlock);
}

static void
tp_detach(struct uvm_object *o)
{
	struct tpager *tp = (struct tpager *)o;
	struct vm_page *pg;
	voff_t off;

	simple_lock(&o->vmobjlock);
	if (--o->uo_refs > 0) {
		simple_unlock(&o->vmobjlock);
		return;
	}
	/* (a pager outside the library finds its pages by offset) */
	uvm_lock_pageq();
	for (off = 0; off < (voff_t)(tp->npages * ps); off += (voff_t)ps)
		if ((pg = uvm_pagelookup(o, off)) != NULL)
			uvm_pagefree(pg); /* a loaned page becomes an orphan */
	uvm_unlock_pageq();
	assert_int_equal(o->uo_npages, 0);
	simple_unlock(&o->vmobjlock);
	uvm_obj_destroy(o);
	free(o);
}

/*
 * tp_get: PGO_LOCKED returns resident pages (EBUSY if the centre page is
 * not one); otherwise the pages are "read" (given TP_TAG contents), the
 * object unlocked, and the hook, if set, run once.
 */
static int
tp_get(struct uvm_object *o, voff_t off, struct vm_page **pps, int *npagesp,
    int center, vm_prot_t access, int advice, int flags)
{
	struct tpager *tp = (struct tpager *)o;
	void (*hook)(struct tpager *, struct vm_page *);
	struct vm_page *pg;
	uint64_t tag;
	int i, got = 0, error = 0;

	(void)access;
	(void)advice;
	if (flags & PGO_LOCKED) {
		for (i = 0; i < *npagesp; i++) {
			if (pps[i] != NULL)
				continue;
			pg = uvm_pagelookup(o, off + (voff_t)i * (voff_t)ps);
			if (pg == NULL || (pg->flags &
			    (PG_BUSY | PG_RELEASED | PG_FAKE)) != 0) {
				if (i == center)
					error = EBUSY;
				continue;
			}
			pg->flags |= PG_BUSY;
			UVM_PAGE_OWN(pg, "tp_get");
			pps[i] = pg;
			got++;
		}
		*npagesp = got;
		return error;
	}

	tp->nio++;
	if (tp->eagain > 0) {
		tp->eagain--;
		simple_unlock(&o->vmobjlock);
		return EAGAIN;
	}
	for (i = 0; i < *npagesp; i++) {
		if (pps[i] != NULL)
			continue;
		pg = uvm_pagelookup(o, off + (voff_t)i * (voff_t)ps);
		if (pg != NULL) {
			assert_false(pg->flags & PG_BUSY);
			pg->flags |= PG_BUSY;
			UVM_PAGE_OWN(pg, "tp_get");
		} else {
			pg = uvm_pagealloc(o, off + (voff_t)i * (voff_t)ps,
			    NULL, 0);
			assert_non_null(pg);
			memset(uvmsim_page_data(m, pg), 0, ps);
			tag = TP_TAG(pg->offset);
			memcpy(uvmsim_page_data(m, pg), &tag, sizeof(tag));
			pg->flags &= ~PG_FAKE;
		}
		pps[i] = pg;
	}
	simple_unlock(&o->vmobjlock);
	hook = tp->hook;
	tp->hook = NULL;
	if (hook != NULL)
		hook(tp, pps[center]);
	return 0;
}

static int
tp_put(struct uvm_object *o, voff_t start, voff_t stop, int flags)
{
	(void)start;
	(void)stop;
	(void)flags;
	simple_unlock(&o->vmobjlock);
	return 0;
}

static const struct uvm_pagerops tp_ops = {
	.pgo_reference = tp_reference,
	.pgo_detach = tp_detach,
	.pgo_get = tp_get,
	.pgo_put = tp_put,
	.pgo_name = "tpager",
};

/* A test pager of npages pages mapped at va; the mapping holds its only
 * reference, so unmapping frees it. */
static struct tpager *
map_tpager(vaddr_t va, int npages, int private)
{
	struct tpager *tp = calloc(1, sizeof(*tp));

	assert_non_null(tp);
	tp->npages = npages;
	uvm_obj_init(&tp->obj, &tp_ops, 1);
	assert_int_equal(uvm_map(map, &va, (vsize_t)npages * ps, &tp->obj, 0,
	    0, UVM_MAPFLAG(VM_PROT_READ | VM_PROT_WRITE, VM_PROT_ALL,
	    UVM_INH_COPY, UVM_ADV_NORMAL,
	    UVM_FLAG_FIXED | (private ? UVM_FLAG_COPYONW : 0))), 0);
	CHECK(m);
	return tp;
}

/* Hook: the page being read is released (pgo_put with PGO_FREE of a busy
 * page), as a pager flush on another CPU would. */
static void
hook_release(struct tpager *tp, struct vm_page *pg)
{
	simple_lock(&tp->obj.vmobjlock);
	pg->flags |= PG_RELEASED;
	simple_unlock(&tp->obj.vmobjlock);
}

#define HOOK_ANON_TAG	0xa11ce0000ULL

static struct vm_anon *hook_anon;

/* Hook: another thread's write fault puts a fresh anon in the amap slot
 * of hook_va (the map only read-locked: its timestamp stays). */
static void
hook_fill_slot(struct tpager *tp, struct vm_page *busy)
{
	struct vm_map_entry *entry;
	struct vm_anon *anon;
	struct vm_page *pg;
	uint64_t tag = HOOK_ANON_TAG;

	(void)busy;
	anon = uvm_analloc();
	assert_non_null(anon);
	pg = uvm_pagealloc(NULL, 0, anon, UVM_PGA_ZERO);
	assert_non_null(pg);
	memcpy(uvmsim_page_data(m, pg), &tag, sizeof(tag));
	uvm_lock_pageq();
	uvm_pageactivate(pg);
	uvm_unlock_pageq();
	pg->flags &= ~(PG_BUSY | PG_FAKE);
	UVM_PAGE_OWN(pg, NULL);
	simple_unlock(&anon->an_lock);

	vm_map_lock_read(map);
	assert_true(uvm_map_lookup_entry(map, tp->hook_va, &entry));
	amap_lock(entry->aref.ar_amap);
	amap_add(&entry->aref, tp->hook_va - entry->start, anon, FALSE);
	amap_unlock(entry->aref.ar_amap);
	vm_map_unlock_read(map);
	hook_anon = anon;
}

/* Hook: the map changes (another region is unmapped). */
static void
hook_unmap_other(struct tpager *tp, struct vm_page *busy)
{
	(void)busy;
	uvm_unmap(map, tp->hook_va, tp->hook_va + ps);
}

/* ---- anon pages ------------------------------------------------------- */

/*
 * A->K: the anon pages of a process lent to the kernel; the owner's write
 * then copies; a second loan; the return of both.
 */
static void
test_anon_to_kernel(void **state)
{
	struct vm_page *pgs[NMAX], *again[NMAX], *npg;
	int i, faults;

	(void)state;
	map_anon(VA, 4);
	fill(VA, 4, 0x100);

	assert_int_equal(uvm_loan(map, VA, 4 * ps, pgs, UVM_LOAN_TOPAGE), 0);
	CHECK(m);
	for (i = 0; i < 4; i++) {
		assert_ptr_equal(pgs[i], mapped(VA + (vaddr_t)i * ps));
		assert_ptr_equal(pgs[i]->uanon, anon_at(VA + (vaddr_t)i * ps));
		assert_true(tu_anon_owned(pgs[i]));
		assert_int_equal(pgs[i]->loan_count, 1);
		assert_kernel_lent(pgs[i]);
		assert_true(frame_has(pgs[i], 0x100 + (uint64_t)i));
		assert_false(prot_at(VA + (vaddr_t)i * ps) & VM_PROT_WRITE);
	}
	expect(VA, 4, 0x100);		/* reads need no copy */
	assert_ptr_equal(mapped(VA), pgs[0]);

	/*
	 * The owner writes page 0: it faults, and the fault gives the anon
	 * a fresh copy.  The lent frame keeps its bytes, an orphan.
	 *
	 *	before:  anon0 -> pgs[0] <- kernel
	 *	after:   anon0 -> npg        pgs[0] <- kernel (no owner)
	 */
	faults = ux->faults;
	put(VA, 0x999);
	assert_true(ux->faults > faults);
	CHECK(m);
	npg = mapped(VA);
	assert_ptr_not_equal(npg, pgs[0]);
	assert_int_equal(get(VA), 0x999);
	assert_int_equal(get(VA + ps - 8), ~(uint64_t)0x100);
	assert_true(frame_has(pgs[0], 0x100));
	assert_null(pgs[0]->uanon);
	assert_null(pgs[0]->uobject);
	assert_int_equal(pgs[0]->loan_count, 1);
	assert_true(prot_at(VA) & VM_PROT_WRITE);

	/* A second loan of pages 1-3: two loans each. */
	assert_int_equal(uvm_loan(map, VA + ps, 3 * ps, again,
	    UVM_LOAN_TOPAGE), 0);
	CHECK(m);
	for (i = 0; i < 3; i++) {
		assert_ptr_equal(again[i], pgs[i + 1]);
		assert_int_equal(again[i]->loan_count, 2);
	}

	/* The first loan comes back: the orphan is freed, the others keep
	 * a loan and stay where lent pages sit. */
	uvm_unloan(pgs, 4, UVM_LOAN_TOPAGE);
	CHECK(m);
	assert_true(pgs[0]->pqflags & PQ_FREE);
	for (i = 1; i < 4; i++) {
		assert_int_equal(pgs[i]->loan_count, 1);
		assert_kernel_lent(pgs[i]);
	}
	/* The second: back on the active queue, writable in place. */
	uvm_unloan(again, 3, UVM_LOAN_TOPAGE);
	CHECK(m);
	for (i = 1; i < 4; i++) {
		assert_int_equal(pgs[i]->loan_count, 0);
		assert_true(pgs[i]->pqflags & PQ_ACTIVE);
		assert_true(tu_anon_owned(pgs[i]));
	}
	put(VA + ps, 0x555);
	assert_ptr_equal(mapped(VA + ps), pgs[1]);
	assert_int_equal(word(pgs[1], 0), 0x555);
	uvm_unmap(map, VA, VA + 4 * ps);
	CHECK(m);
}

/*
 * A->A: the anons themselves are lent; the owner's write copies.
 */
static void
test_anon_to_anon(void **state)
{
	struct vm_anon *anons[NMAX], *more[1], *a0;
	struct vm_page *pg0;
	int i;

	(void)state;
	map_anon(VA, 2);
	fill(VA, 2, 0x200);
	pg0 = mapped(VA);

	assert_int_equal(uvm_loan(map, VA, 2 * ps, anons, UVM_LOAN_TOANON),
	    0);
	CHECK(m);
	for (i = 0; i < 2; i++) {
		assert_ptr_equal(anons[i], anon_at(VA + (vaddr_t)i * ps));
		assert_int_equal(anons[i]->an_ref, 2);
		assert_int_equal(anons[i]->u.an_page->loan_count, 0);
		assert_true(frame_has(anons[i]->u.an_page,
		    0x200 + (uint64_t)i));
		assert_false(prot_at(VA + (vaddr_t)i * ps) & VM_PROT_WRITE);
	}
	a0 = anons[0];

	/* Shared: the owner's write copies into a new anon. */
	put(VA, 0x777);
	CHECK(m);
	assert_ptr_not_equal(anon_at(VA), a0);
	assert_int_equal(a0->an_ref, 1);
	assert_ptr_equal(a0->u.an_page, pg0);
	assert_true(frame_has(pg0, 0x200));
	assert_int_equal(get(VA), 0x777);

	/* Another loan of page 1: one more reference. */
	assert_int_equal(uvm_loan(map, VA + ps, ps, more, UVM_LOAN_TOANON),
	    0);
	assert_ptr_equal(more[0], anons[1]);
	assert_int_equal(anons[1]->an_ref, 3);
	CHECK(m);
	uvm_unloan(more, 1, UVM_LOAN_TOANON);
	assert_int_equal(anons[1]->an_ref, 2);
	CHECK(m);
	/* Returning page 0's anon frees it: nobody else holds it. */
	uvm_unloan(anons, 2, UVM_LOAN_TOANON);
	CHECK(m);
	assert_true(pg0->pqflags & PQ_FREE);
	assert_int_equal(anon_at(VA + ps)->an_ref, 1);
	expect(VA + ps, 1, 0x201);
	uvm_unmap(map, VA, VA + 2 * ps);
	CHECK(m);
}

/* ---- object pages ----------------------------------------------------- */

/*
 * O->K: pages of a shared file mapping lent to the kernel; the owner's
 * write gives the object a fresh page; the return frees the old one.
 */
static void
test_object_to_kernel(void **state)
{
	struct uvm_object *f = map_file(VA, 3, 0, 10);
	struct vm_page *pgs[NMAX], *npg;
	int i;

	(void)state;
	for (i = 0; i < 3; i++)
		(void)get(VA + (vaddr_t)i * ps);	/* resident */
	CHECK(m);
	assert_int_equal(uvm_loan(map, VA, 3 * ps, pgs, UVM_LOAN_TOPAGE), 0);
	CHECK(m);
	for (i = 0; i < 3; i++) {
		assert_ptr_equal(pgs[i]->uobject, f);
		assert_int_equal(pgs[i]->offset, (voff_t)i * (voff_t)ps);
		assert_null(pgs[i]->uanon);
		assert_int_equal(pgs[i]->loan_count, 1);
		assert_kernel_lent(pgs[i]);
		assert_true(file_frame(pgs[i], 10, i));
		assert_false(prot_at(VA + (vaddr_t)i * ps) & VM_PROT_WRITE);
	}

	/* A shared mapping writes the object's page: the object takes a
	 * copy, the lent page is left to the kernel. */
	put(VA, 0xabc);
	CHECK(m);
	npg = mapped(VA);
	assert_ptr_not_equal(npg, pgs[0]);
	assert_ptr_equal(npg->uobject, f);
	assert_null(pgs[0]->uobject);
	assert_true(file_frame(pgs[0], 10, 0));
	assert_int_equal(get(VA), 0xabc);

	uvm_unloan(pgs, 3, UVM_LOAN_TOPAGE);
	CHECK(m);
	assert_true(pgs[0]->pqflags & PQ_FREE);
	for (i = 1; i < 3; i++) {
		assert_int_equal(pgs[i]->loan_count, 0);
		assert_true(pgs[i]->pqflags & PQ_ACTIVE);
		assert_ptr_equal(pgs[i]->uobject, f);
	}
	uvm_unmap(map, VA, VA + 3 * ps);
	f->pgops->pgo_detach(f);
	CHECK(m);
}

/*
 * O->A: pages of a private file mapping lent to anons; the anon is
 * reused by a second loan; a kernel loan of the same page on top.
 */
static void
test_object_to_anon(void **state)
{
	struct uvm_object *f = map_file(VA, 2, 1, 20);
	struct vm_anon *anons[NMAX], *again[NMAX];
	struct vm_page *pg, *kp[1], *opg[2];
	int i;

	(void)state;
	ONLY_139("no object-to-anon loans (test_modern_no_object_to_anon)");
	(void)get(VA);			/* page 0 resident, page 1 not */
	CHECK(m);
	assert_int_equal(uvm_loan(map, VA, 2 * ps, anons, UVM_LOAN_TOANON),
	    0);
	CHECK(m);
	for (i = 0; i < 2; i++) {
		pg = anons[i]->u.an_page;
		assert_ptr_equal(pg->uobject, f);
		assert_ptr_equal(pg->uanon, anons[i]);
		assert_false(pg->pqflags & PQ_ANON);
		assert_true(pg->pqflags & PQ_ACTIVE);
		assert_int_equal(pg->loan_count, 1);
		assert_int_equal(anons[i]->an_ref, 1);
		assert_true(file_frame(pg, 20, i));
	}
	assert_null(anon_at(VA));	/* the process's amap is untouched */
	assert_false(prot_at(VA) & VM_PROT_WRITE);

	/* Lent again: the page keeps its anon, which gains a reference. */
	assert_int_equal(uvm_loan(map, VA, 2 * ps, again, UVM_LOAN_TOANON),
	    0);
	CHECK(m);
	for (i = 0; i < 2; i++) {
		assert_ptr_equal(again[i], anons[i]);
		assert_int_equal(anons[i]->an_ref, 2);
		assert_int_equal(anons[i]->u.an_page->loan_count, 1);
	}

	/* And to the kernel: O->A and O->K at once. */
	assert_int_equal(uvm_loan(map, VA, ps, kp, UVM_LOAN_TOPAGE), 0);
	CHECK(m);
	assert_ptr_equal(kp[0], anons[0]->u.an_page);
	assert_int_equal(kp[0]->loan_count, 2);
	assert_false(queued(kp[0]));
	uvm_unloan(kp, 1, UVM_LOAN_TOPAGE);
	CHECK(m);
	/* Only the anon's loan is left: back on the active queue. */
	assert_int_equal(kp[0]->loan_count, 1);
	assert_true(kp[0]->pqflags & PQ_ACTIVE);

	for (i = 0; i < 2; i++)
		opg[i] = anons[i]->u.an_page;
	uvm_unloan(again, 2, UVM_LOAN_TOANON);
	CHECK(m);
	uvm_unloan(anons, 2, UVM_LOAN_TOANON);
	CHECK(m);
	/* The anons are gone; the object's pages are its own again. */
	for (i = 0; i < 2; i++) {
		assert_int_equal(opg[i]->loan_count, 0);
		assert_null(opg[i]->uanon);
		assert_ptr_equal(opg[i]->uobject, f);
		assert_true(file_frame(opg[i], 20, i));
	}
	uvm_unmap(map, VA, VA + 2 * ps);
	f->pgops->pgo_detach(f);
	CHECK(m);
}

/* ---- zero loans ------------------------------------------------------- */

/*
 * 0->K and 0->A: untouched copy-on-write memory lends fresh zeroed pages
 * (anons); the process's own memory stays untouched.
 */
static void
test_zero_loans(void **state)
{
	struct vm_page *pgs[NMAX];
	struct vm_anon *anons[NMAX];
	int i, free0, anons0;

	(void)state;
	ONLY_139("one shared zero page, and no zero-to-anon loans (test_modern_zero_page)");
	map_anon(VA, 3);
	free0 = ux->free;
	anons0 = ux->nanon - ux->nfreeanon;

	assert_int_equal(uvm_loan(map, VA, 3 * ps, pgs, UVM_LOAN_TOPAGE), 0);
	CHECK(m);
	for (i = 0; i < 3; i++) {
		assert_null(pgs[i]->uobject);
		assert_null(pgs[i]->uanon);
		assert_int_equal(pgs[i]->loan_count, 1);
		assert_false(pgs[i]->flags & PG_BUSY);
		assert_false(queued(pgs[i]));
		assert_true(tu_is_zero(m, pgs[i]));
	}
	assert_int_equal(ux->free, free0 - 3);
	assert_null(anon_at(VA));
	assert_null(mapped(VA));

	/* D1: 1.39 left each new anon locked; CHECK would name it. */
	assert_int_equal(uvm_loan(map, VA, 3 * ps, anons, UVM_LOAN_TOANON),
	    0);
#ifdef TU_KERNEL_LOAN
	/* D1 shown: every new anon is still locked. */
	tu_expect_problem(m, "lock.held", "lock_holder", __LINE__);
	for (i = 0; i < 3; i++) {
		assert_true(simple_lock_held(&anons[i]->an_lock));
		simple_unlock(&anons[i]->an_lock);
	}
#endif
	CHECK(m);
	for (i = 0; i < 3; i++) {
		assert_int_equal(anons[i]->an_ref, 1);
		assert_false(simple_lock_held(&anons[i]->an_lock));
		assert_ptr_equal(anons[i]->u.an_page->uanon, anons[i]);
		assert_true(anons[i]->u.an_page->pqflags & PQ_ANON);
		assert_true(anons[i]->u.an_page->pqflags & PQ_ACTIVE);
		assert_int_equal(anons[i]->u.an_page->loan_count, 0);
		assert_true(tu_is_zero(m, anons[i]->u.an_page));
	}
	assert_int_equal(ux->nanon - ux->nfreeanon, anons0 + 3);

	/* The process reads zeros of its own (a zero fill: an anon). */
	assert_int_equal(get(VA + ps), 0);
	CHECK(m);
	assert_ptr_not_equal(mapped(VA + ps), anons[1]->u.an_page);
	uvm_unloan(pgs, 3, UVM_LOAN_TOPAGE);
	CHECK(m);
	uvm_unloan(anons, 3, UVM_LOAN_TOANON);
	CHECK(m);
	assert_int_equal(ux->nanon - ux->nfreeanon, anons0 + 1);
	for (i = 0; i < 3; i++)
		assert_true(pgs[i]->pqflags & PQ_FREE);
	uvm_unmap(map, VA, VA + 3 * ps);
	CHECK(m);
	assert_int_equal(ux->nanon - ux->nfreeanon, anons0);
}

/* ---- ranges ----------------------------------------------------------- */

/*
 * A range across two entries:
 *
 *	VA        VA+2ps          VA+4ps
 *	| anon 0 | anon 1 | file 0 | file 1 |
 */
static void
test_two_entries(void **state)
{
	struct uvm_object *f;
	struct vm_page *pgs[NMAX];
	struct vm_anon *anons[NMAX];
	int i;

	(void)state;
	ONLY_139("lends a file entry's pages to anons (object-to-anon)");
	map_anon(VA, 2);
	f = map_file(VA + 2 * ps, 2, 0, 30);
	fill(VA, 2, 0x300);
	assert_int_equal(uvm_loan(map, VA, 4 * ps, pgs, UVM_LOAN_TOPAGE), 0);
	CHECK(m);
	for (i = 0; i < 2; i++) {
		assert_ptr_equal(pgs[i], mapped(VA + (vaddr_t)i * ps));
		assert_true(frame_has(pgs[i], 0x300 + (uint64_t)i));
		assert_ptr_equal(pgs[i + 2]->uobject, f);
		assert_true(file_frame(pgs[i + 2], 30, i));
	}
	assert_int_equal(uvm_loan(map, VA, 4 * ps, anons, UVM_LOAN_TOANON),
	    0);
	CHECK(m);
	for (i = 0; i < 4; i++)
		assert_ptr_equal(anons[i]->u.an_page, pgs[i]);
	assert_int_equal(anons[0]->an_ref, 2);		/* the process's */
	assert_int_equal(anons[2]->an_ref, 1);		/* a borrower */
	assert_int_equal(pgs[2]->loan_count, 2);	/* kernel + anon */
	uvm_unloan(anons, 4, UVM_LOAN_TOANON);
	CHECK(m);
	uvm_unloan(pgs, 4, UVM_LOAN_TOPAGE);
	CHECK(m);
	for (i = 0; i < 4; i++) {
		assert_int_equal(pgs[i]->loan_count, 0);
		assert_true(pgs[i]->pqflags & PQ_ACTIVE);
	}
	expect(VA, 2, 0x300);
	uvm_unmap(map, VA, VA + 4 * ps);
	f->pgops->pgo_detach(f);
	CHECK(m);
}

/*
 * A hole in the range: ENOENT, and every loan made before it returned.
 *
 *	VA              VA+2ps  VA+3ps
 *	| anon | anon | (hole) | anon |
 */
static void
test_hole(void **state)
{
	struct vm_page *pgs[NMAX], *pg0, *pg1;
	struct vm_anon *anons[NMAX];
	int free0, anons0;

	(void)state;
	ONLY_139("makes zero-to-anon loans");
	map_anon(VA, 2);
	map_anon(VA + 3 * ps, 1);
	fill(VA, 2, 0x400);
	pg0 = mapped(VA);
	pg1 = mapped(VA + ps);
	assert_int_equal(uvm_loan(map, VA, 4 * ps, pgs, UVM_LOAN_TOPAGE),
	    ENOENT);
	CHECK(m);
	assert_int_equal(pg0->loan_count, 0);
	assert_int_equal(pg1->loan_count, 0);
	assert_true(pg0->pqflags & PQ_ACTIVE);
	assert_true(pg1->pqflags & PQ_ACTIVE);
	assert_int_equal(uvm_loan(map, VA, 4 * ps, anons, UVM_LOAN_TOANON),
	    ENOENT);
	CHECK(m);
	assert_int_equal(pg0->uanon->an_ref, 1);
	assert_int_equal(pg1->uanon->an_ref, 1);
	expect(VA, 2, 0x400);

	/* Zero loans before the hole are given back too (with 1.39's D1,
	 * returning the still-locked anon panicked). */
	map_anon(VB, 1);
	free0 = ux->free;
	anons0 = ux->nanon - ux->nfreeanon;
#ifdef TU_KERNEL_LOAN
	/* D1 shown: the failed loan returns its zero loan, whose anon it
	 * left locked: locking against itself.  (The catch unlocks it.) */
	EXPECT_PANIC(m, (void)uvm_loan(map, VB, 2 * ps, anons,
	    UVM_LOAN_TOANON), "locking against myself");
	assert_int_equal(anons[0]->an_ref, 1);
	uvm_unloan(anons, 1, UVM_LOAN_TOANON);
#else
	assert_int_equal(uvm_loan(map, VB, 2 * ps, anons, UVM_LOAN_TOANON),
	    ENOENT);
#endif
	CHECK(m);
	assert_int_equal(uvm_loan(map, VB, 2 * ps, pgs, UVM_LOAN_TOPAGE),
	    ENOENT);
	CHECK(m);
	assert_int_equal(ux->free, free0);
	assert_int_equal(ux->nanon - ux->nfreeanon, anons0);
	/* Nothing mapped at all. */
	assert_int_equal(uvm_loan(map, VA + 2 * ps, ps, pgs, UVM_LOAN_TOPAGE),
	    ENOENT);
	CHECK(m);
	uvm_unmap(map, VA, VA + 4 * ps);
	uvm_unmap(map, VB, VB + ps);
	CHECK(m);
}

/* A file page not resident: the loan reads it in (PGO_SYNCIO). */
static void
test_file_io(void **state)
{
	struct uvm_object *f = map_file(VA, 2, 1, 40);
	struct vm_page *pgs[NMAX];
	unsigned long gets;
	int fltget = ux->fltget, i;

	(void)state;
	assert_int_equal(f->uo_npages, 0);
	gets = uvmsim_failpoint_hits(m, "pgo_get.eio");
	assert_int_equal(uvm_loan(map, VA, 2 * ps, pgs, UVM_LOAN_TOPAGE), 0);
	CHECK(m);
	/* Per page: the locked get says "needs I/O", then the I/O get. */
	assert_int_equal(uvmsim_failpoint_hits(m, "pgo_get.eio"), gets + 4);
	assert_int_equal(ux->fltget, fltget);	/* not the fault's doing */
	assert_int_equal(f->uo_npages, 2);
	for (i = 0; i < 2; i++) {
		assert_ptr_equal(pgs[i]->uobject, f);
		assert_true(file_frame(pgs[i], 40, i));
		assert_false(pgs[i]->flags & (PG_BUSY | PG_FAKE));
		assert_int_equal(pgs[i]->loan_count, 1);
		assert_kernel_lent(pgs[i]);
	}
	/* The owner reads the same pages, read-only. */
	(void)get(VA + ps);
	assert_ptr_equal(mapped(VA + ps), pgs[1]);
	assert_false(prot_at(VA + ps) & VM_PROT_WRITE);
	CHECK(m);
	uvm_unloan(pgs, 2, UVM_LOAN_TOPAGE);
	CHECK(m);
	uvm_unmap(map, VA, VA + 2 * ps);
	f->pgops->pgo_detach(f);
	CHECK(m);
}

/*
 * A lent page that its owner faults on again: the fault maps it
 * read-only and puts it on the active queue, as NetBSD 1.6's fault
 * handler does with every page it maps (the 1.39 loan had taken it off
 * the queues; the modern behaviour never did).  The kernel's view does
 * not change; the last unloan leaves it active.
 *
 *	VA: anon -> pg <- kernel      VB: file -> fpg <- kernel
 *	mappings removed (pmap_remove), then read by the owner
 */
static void
test_lent_page_refault(void **state)
{
	struct uvm_object *f = map_file(VB, 1, 0, 170);
	struct vm_page *pgs[1], *kp[1];

	(void)state;
	map_anon(VA, 1);
	fill(VA, 1, 0x1500);
	(void)get(VB);
	assert_int_equal(uvm_loan(map, VA, ps, pgs, UVM_LOAN_TOPAGE), 0);
	assert_int_equal(uvm_loan(map, VB, ps, kp, UVM_LOAN_TOPAGE), 0);
	CHECK(m);
	assert_kernel_lent(pgs[0]);
	assert_kernel_lent(kp[0]);

	pmap_remove(map->pmap, VA, VA + ps);
	pmap_remove(map->pmap, VB, VB + ps);
	pmap_update(map->pmap);
	CHECK(m);
	expect(VA, 1, 0x1500);			/* anon layer */
	assert_int_equal(get(VB), word(kp[0], 0));	/* object layer */
	CHECK(m);
	assert_ptr_equal(mapped(VA), pgs[0]);
	assert_ptr_equal(mapped(VB), kp[0]);
	assert_false(prot_at(VA) & VM_PROT_WRITE);
	assert_false(prot_at(VB) & VM_PROT_WRITE);
	assert_true(pgs[0]->pqflags & PQ_ACTIVE);
	assert_true(kp[0]->pqflags & PQ_ACTIVE);
	assert_int_equal(pgs[0]->loan_count, 1);
	assert_int_equal(kp[0]->loan_count, 1);
	assert_true(frame_has(pgs[0], 0x1500));
	assert_true(file_frame(kp[0], 170, 0));

	uvm_unloan(pgs, 1, UVM_LOAN_TOPAGE);
	uvm_unloan(kp, 1, UVM_LOAN_TOPAGE);
	CHECK(m);
	assert_true(pgs[0]->pqflags & PQ_ACTIVE);
	assert_true(kp[0]->pqflags & PQ_ACTIVE);
	uvm_unmap(map, VA, VA + ps);
	uvm_unmap(map, VB, VB + ps);
	f->pgops->pgo_detach(f);
	CHECK(m);
}

/* ---- failpoints ------------------------------------------------------- */

/* No anon for an O->A or 0->A loan: EINVAL, everything given back. */
static void
test_fp_analloc(void **state)
{
	struct uvm_object *f = map_file(VA, 2, 1, 50);
	struct vm_anon *anons[NMAX];
	struct vm_page *pg0;
	int anons0;

	(void)state;
	ONLY_139("fails the anon of object-to-anon and zero-to-anon loans, which the modern behaviour does not make");
	(void)get(VA);
	(void)get(VA + ps);
	pg0 = mapped(VA);
	anons0 = ux->nanon - ux->nfreeanon;
	uvmsim_failpoint_set(m, "uvm_analloc", 2, 1);	/* page 1's anon */
	assert_int_equal(uvm_loan(map, VA, 2 * ps, anons, UVM_LOAN_TOANON),
	    EINVAL);
	assert_int_equal(uvmsim_failpoint_fired(m, "uvm_analloc"), 1);
	CHECK(m);
	assert_int_equal(pg0->loan_count, 0);
	assert_null(pg0->uanon);
	assert_true(file_frame(pg0, 50, 0));
	assert_int_equal(ux->nanon - ux->nfreeanon, anons0);

	/* A zero loan to an anon, after an anon page was lent. */
	map_anon(VB, 2);
	put(VB, 0x55);
	uvmsim_failpoint_set(m, "uvm_analloc", 1, 1);
	assert_int_equal(uvm_loan(map, VB, 2 * ps, anons, UVM_LOAN_TOANON),
	    EINVAL);
	CHECK(m);
	assert_int_equal(anon_at(VB)->an_ref, 1);
	assert_int_equal(ux->nanon - ux->nfreeanon, anons0 + 1);
	uvm_unmap(map, VB, VB + 2 * ps);
	uvm_unmap(map, VA, VA + 2 * ps);
	f->pgops->pgo_detach(f);
	CHECK(m);
}

/*
 * D9: no anon for an O->A loan of a page the loan had to read in.  The
 * page stays in the file, on the active queue, where a page daemon finds
 * it (1.39 left it on no queue: the checker's page.unqueued).  The
 * modern behaviour refuses the loan before any I/O.
 *
 *	file page 0: not resident -> read in (busy) -> no anon -> active
 */
static void
test_fp_analloc_read_in(void **state)
{
	struct uvm_object *f = map_file(VA, 1, 1, 55);
	struct vm_anon *anons[1];
	struct vm_page *pg;

	(void)state;
	uvmsim_failpoint_set(m, "uvm_analloc", 1, 1);
	assert_int_equal(uvm_loan(map, VA, ps, anons, UVM_LOAN_TOANON),
	    EINVAL);
	simple_lock(&f->vmobjlock);
	pg = uvm_pagelookup(f, 0);
	simple_unlock(&f->vmobjlock);
	if (tu_modern()) {
		/* Refused first: no I/O, no anon asked for. */
		assert_int_equal(uvmsim_failpoint_fired(m, "uvm_analloc"), 0);
		assert_null(pg);
		uvmsim_failpoint_clear(m);
		CHECK(m);
		uvm_unmap(map, VA, VA + ps);
		f->pgops->pgo_detach(f);
		CHECK(m);
		return;
	}
	assert_int_equal(uvmsim_failpoint_fired(m, "uvm_analloc"), 1);
	assert_non_null(pg);
#ifdef TU_KERNEL_LOAN
	/* D9 shown: the page read in is on no queue; queued here. */
	tu_expect_problem(m, "page.unqueued", "pqflags", __LINE__);
	assert_false(queued(pg));
	tu_activate(pg);
#endif
	CHECK(m);
	assert_true(pg->pqflags & PQ_ACTIVE);
	assert_false(pg->flags & (PG_BUSY | PG_FAKE));
	assert_int_equal(pg->loan_count, 0);
	assert_null(pg->uanon);
	assert_true(file_frame(pg, 55, 0));

	/* With an anon, the same page is lent. */
	assert_int_equal(uvm_loan(map, VA, ps, anons, UVM_LOAN_TOANON), 0);
	CHECK(m);
	assert_ptr_equal(anons[0]->u.an_page, pg);
	uvm_unloan(anons, 1, UVM_LOAN_TOANON);
	CHECK(m);
	uvm_unmap(map, VA, VA + ps);
	f->pgops->pgo_detach(f);
	CHECK(m);
}

/* The pager fails: in the locked get, or in the I/O get. */
static void
test_fp_pgo_eio(void **state)
{
	struct uvm_object *f = map_file(VA, 2, 0, 60);
	struct vm_page *pgs[NMAX], *pg0;

	(void)state;
	(void)get(VA);
	pg0 = mapped(VA);
	/* Page 0: locked get (hit 1); page 1: locked get (2), I/O (3). */
	uvmsim_failpoint_set(m, "pgo_get.eio", 3, 1);
	assert_int_equal(uvm_loan(map, VA, 2 * ps, pgs, UVM_LOAN_TOPAGE),
	    EINVAL);
	assert_int_equal(uvmsim_failpoint_fired(m, "pgo_get.eio"), 1);
	CHECK(m);
	assert_int_equal(pg0->loan_count, 0);
	assert_true(pg0->pqflags & PQ_ACTIVE);
	assert_int_equal(f->uo_npages, 1);
	/* The locked get of a resident page fails. */
	uvmsim_failpoint_set(m, "pgo_get.eio", 1, 1);
	assert_int_equal(uvm_loan(map, VA, ps, pgs, UVM_LOAN_TOPAGE), EINVAL);
	CHECK(m);
	assert_int_equal(pg0->loan_count, 0);
	assert_false(pg0->flags & PG_BUSY);
	uvm_unmap(map, VA, VA + 2 * ps);
	f->pgops->pgo_detach(f);
	CHECK(m);
}

/* The locked get says "needs I/O" for a resident page: the I/O path lends
 * the same page. */
static void
test_fp_pgo_io(void **state)
{
	struct uvm_object *f = map_file(VA, 1, 0, 70);
	struct vm_page *pgs[1], *pg0;
	int relck;

	(void)state;
	(void)get(VA);
	pg0 = mapped(VA);
	relck = ux->fltrelck;
	uvmsim_failpoint_set(m, "pgo_get.io", 1, 1);
	assert_int_equal(uvm_loan(map, VA, ps, pgs, UVM_LOAN_TOPAGE), 0);
	assert_int_equal(uvmsim_failpoint_fired(m, "pgo_get.io"), 1);
	CHECK(m);
	assert_ptr_equal(pgs[0], pg0);
	assert_int_equal(pg0->loan_count, 1);
	assert_true(file_frame(pg0, 70, 0));
	assert_int_equal(ux->fltrelck, relck + 1);	/* it relocked */
	uvm_unloan(pgs, 1, UVM_LOAN_TOPAGE);
	CHECK(m);
	uvm_unmap(map, VA, VA + ps);
	f->pgops->pgo_detach(f);
	CHECK(m);
}

/*
 * EAGAIN from the I/O get: the loan looks the range up again (1.39 slept
 * a second first).  If the pager keeps saying it, uvm_loan gives up after
 * 8 lookups that lent nothing, with everything given back.
 */
static void
test_eagain(void **state)
{
	struct uvm_object *f = map_file(VA, 1, 0, 80);
	struct vm_page *pgs[NMAX];
	struct tpager *tp;

	(void)state;
	/* The locked get finds nothing (EBUSY), the I/O get (the
	 * failpoint's first hit) says EAGAIN, then the lookup again works. */
	uvmsim_failpoint_set(m, "pgo_get.eagain", 1, 1);
	assert_int_equal(uvm_loan(map, VA, ps, pgs, UVM_LOAN_TOPAGE), 0);
	assert_int_equal(uvmsim_failpoint_fired(m, "pgo_get.eagain"), 1);
	CHECK(m);
	assert_true(file_frame(pgs[0], 80, 0));
	uvm_unloan(pgs, 1, UVM_LOAN_TOPAGE);
	uvm_unmap(map, VA, VA + ps);
	f->pgops->pgo_detach(f);
	CHECK(m);

	/* A pager that says EAGAIN three times, then reads. */
	map_anon(VA, 1);
	fill(VA, 1, 0x800);
	tp = map_tpager(VA + ps, 2, 0);
	tp->eagain = 3;
	assert_int_equal(uvm_loan(map, VA, 3 * ps, pgs, UVM_LOAN_TOPAGE), 0);
	CHECK(m);
	assert_int_equal(tp->nio, 5);		/* 3 EAGAIN, 2 reads */
	assert_true(frame_has(pgs[0], 0x800));
	assert_int_equal(word(pgs[1], 0), TP_TAG(0));
	assert_int_equal(word(pgs[2], 0), TP_TAG(ps));
	uvm_unloan(pgs, 3, UVM_LOAN_TOPAGE);
	CHECK(m);

	/* One that says it for ever: the ninth fruitless lookup fails. */
	uvm_unmap(map, VA + ps, VA + 3 * ps);
	tp = map_tpager(VA + ps, 1, 0);
	tp->eagain = 1000;
#ifdef TU_KERNEL_LOAN
	/* The kernel file sleeps on lbolt (the "tsleep" hook) and looks up
	 * again, with no limit: after 1000 EAGAINs the page is read and
	 * lent. */
	assert_int_equal(uvmsim_hook_set(m, "tsleep", kl_count_hook, NULL),
	    0);
	assert_int_equal(uvm_loan(map, VA, 2 * ps, pgs, UVM_LOAN_TOPAGE), 0);
	CHECK(m);
	assert_int_equal(uvmsim_hook_runs(m, "tsleep"), 1000);
	assert_int_equal(tp->nio, 1001);
	assert_int_equal(word(pgs[1], 0), TP_TAG(0));
	uvm_unloan(pgs, 2, UVM_LOAN_TOPAGE);
	assert_int_equal(uvmsim_hook_set(m, "tsleep", NULL, NULL), 0);
#else
	assert_int_equal(uvm_loan(map, VA, 2 * ps, pgs, UVM_LOAN_TOPAGE),
	    EINVAL);
	assert_int_equal(tp->nio, 9);
#endif
	CHECK(m);
	assert_int_equal(mapped(VA)->loan_count, 0);	/* given back */
	assert_true(mapped(VA)->pqflags & PQ_ACTIVE);
	uvm_unmap(map, VA, VA + 2 * ps);
	CHECK(m);
}

/* No page for a zero loan (1.39 waited for the page daemon). */
static void
test_fp_pagealloc(void **state)
{
	struct vm_page *pgs[NMAX];
	struct vm_anon *anons[NMAX];
	int free0, anons0;

	(void)state;
	ONLY_139("zero loans share one page (test_modern_zero_page fails its allocation)");
	map_anon(VA, 3);
	free0 = ux->free;
	anons0 = ux->nanon - ux->nfreeanon;
	uvmsim_failpoint_set(m, "uvm_pagealloc", 3, 1);
#ifdef TU_KERNEL_LOAN
	/* The kernel file waits for the page daemon (the "uvm_wait" hook)
	 * and tries again: the page comes, the loan is made. */
	assert_int_equal(uvmsim_hook_set(m, "uvm_wait", kl_count_hook, NULL),
	    0);
	assert_int_equal(uvm_loan(map, VA, 3 * ps, pgs, UVM_LOAN_TOPAGE), 0);
	CHECK(m);
	assert_int_equal(uvmsim_hook_runs(m, "uvm_wait"), 1);
	assert_int_equal(ux->free, free0 - 3);
	uvm_unloan(pgs, 3, UVM_LOAN_TOPAGE);
#else
	assert_int_equal(uvm_loan(map, VA, 3 * ps, pgs, UVM_LOAN_TOPAGE),
	    EINVAL);
#endif
	CHECK(m);
	assert_int_equal(ux->free, free0);
	uvmsim_failpoint_set(m, "uvm_pagealloc", 2, 1);
#ifdef TU_KERNEL_LOAN
	/* D1 shown: page 0's new anon is still locked when page 1 waits
	 * for memory: a sleep with a simple lock held.  (The catch unlocks
	 * it; the loan of page 0 is given back here.) */
	EXPECT_PANIC(m, (void)uvm_loan(map, VA, 3 * ps, anons,
	    UVM_LOAN_TOANON), "sleeping with 1 simple lock(s) held");
	assert_int_equal(uvmsim_hook_runs(m, "uvm_wait"), 1);
	uvm_unloan(anons, 1, UVM_LOAN_TOANON);
	assert_int_equal(uvmsim_hook_set(m, "uvm_wait", NULL, NULL), 0);
#else
	assert_int_equal(uvm_loan(map, VA, 3 * ps, anons, UVM_LOAN_TOANON),
	    EINVAL);
#endif
	CHECK(m);
	assert_int_equal(ux->free, free0);
	assert_int_equal(ux->nanon - ux->nfreeanon, anons0);
	uvm_unmap(map, VA, VA + 3 * ps);
	CHECK(m);
}

/*
 * uvm_unloanpage locks the owner by try-lock, with the page queues held:
 * each failure drops and retakes the page queues and tries again.  A lock
 * really held could never come free: that panics.
 */
static void
test_fp_lock_try(void **state)
{
	struct vm_page *pgs[2];
	struct vm_anon *anon;

	(void)state;
	map_anon(VA, 2);
	fill(VA, 2, 0x900);
	assert_int_equal(uvm_loan(map, VA, 2 * ps, pgs, UVM_LOAN_TOPAGE), 0);
	CHECK(m);
	uvmsim_failpoint_set(m, "simple_lock_try", 1, 3);
	uvm_unloan(pgs, 1, UVM_LOAN_TOPAGE);
	assert_int_equal(uvmsim_failpoint_fired(m, "simple_lock_try"), 3);
	CHECK(m);
	assert_int_equal(pgs[0]->loan_count, 0);
	assert_true(pgs[0]->pqflags & PQ_ACTIVE);

	anon = pgs[1]->uanon;
	simple_lock(&anon->an_lock);
	EXPECT_PANIC(m, uvm_unloan(&pgs[1], 1, UVM_LOAN_TOPAGE),
	    "spin for ever");
	simple_unlock(&anon->an_lock);
	CHECK(m);
	assert_int_equal(pgs[1]->loan_count, 1);	/* nothing changed */
	uvm_unloan(&pgs[1], 1, UVM_LOAN_TOPAGE);
	CHECK(m);
	assert_int_equal(pgs[1]->loan_count, 0);
	expect(VA, 2, 0x900);
	uvm_unmap(map, VA, VA + 2 * ps);
	CHECK(m);
}

/* ---- owners letting go ------------------------------------------------ */

/*
 * The owner frees loaned pages (uvm_unmap; the last detach of a file):
 * each page becomes an orphan that keeps its bytes; its return frees it.
 */
static void
test_owner_frees(void **state)
{
	struct uvm_object *f;
	struct vm_page *pgs[NMAX];
	int i;

	(void)state;
	map_anon(VA, 2);
	fill(VA, 2, 0xa00);
	f = map_file(VA + 2 * ps, 2, 0, 90);
	(void)get(VA + 2 * ps);		/* page 3 is read in by the loan */
	assert_int_equal(uvm_loan(map, VA, 4 * ps, pgs, UVM_LOAN_TOPAGE), 0);
	CHECK(m);

	uvm_unmap(map, VA, VA + 4 * ps);
	CHECK(m);
	f->pgops->pgo_detach(f);	/* the file goes, its pages too */
	CHECK(m);
	for (i = 0; i < 4; i++) {
		assert_null(pgs[i]->uanon);
		assert_null(pgs[i]->uobject);
		assert_false(pgs[i]->pqflags & (PQ_ANON | PQ_FREE));
		assert_false(queued(pgs[i]));
		assert_int_equal(pgs[i]->loan_count, 1);
	}
	assert_true(frame_has(pgs[0], 0xa00));
	assert_true(frame_has(pgs[1], 0xa01));
	assert_true(file_frame(pgs[2], 90, 0));
	assert_true(file_frame(pgs[3], 90, 1));
	uvm_unloan(pgs, 4, UVM_LOAN_TOPAGE);
	CHECK(m);
	for (i = 0; i < 4; i++)
		assert_true(pgs[i]->pqflags & PQ_FREE);
}

/*
 * Adoption: a file page lent to an anon and to the kernel; the file lets
 * go of it, leaving it with the anon that borrowed it; the kernel's
 * return makes the page the anon's.  D5: uvmexp.anonpages counts it (1.39
 * did not; CHECK would report the counter).
 *
 *	before:  file -> pg <- anon (borrowed), kernel     loan_count 2
 *	orphan:          pg <- anon (borrowed), kernel     loan_count 2
 *	adopted: anon -> pg (PQ_ANON)                      loan_count 0
 */
static void
test_adoption(void **state)
{
	struct uvm_object *f = map_file(VA, 1, 1, 100);
	struct vm_anon *anons[1];
	struct vm_page *pgs[1], *pg;
	int anonpages;

	(void)state;
	ONLY_139("the orphan an anon adopts was lent to it by an object (object-to-anon)");
	(void)get(VA);
	assert_int_equal(uvm_loan(map, VA, ps, anons, UVM_LOAN_TOANON), 0);
	assert_int_equal(uvm_loan(map, VA, ps, pgs, UVM_LOAN_TOPAGE), 0);
	CHECK(m);
	pg = pgs[0];
	assert_ptr_equal(anons[0]->u.an_page, pg);
	assert_int_equal(pg->loan_count, 2);

	uvm_unmap(map, VA, VA + ps);
	f->pgops->pgo_detach(f);
	CHECK(m);
	assert_null(pg->uobject);
	assert_ptr_equal(pg->uanon, anons[0]);
	assert_false(pg->pqflags & PQ_ANON);
	assert_int_equal(pg->loan_count, 2);
	assert_true(file_frame(pg, 100, 0));

	anonpages = ux->anonpages;
	uvm_unloan(pgs, 1, UVM_LOAN_TOPAGE);
#ifdef TU_KERNEL_LOAN
	/* D5 shown: the adopted page is not counted; counted here. */
	tu_expect_problem(m, "uvmexp.anonpages", "anonpages", __LINE__);
	assert_int_equal(ux->anonpages, anonpages);
	ux->anonpages++;
#endif
	CHECK(m);
	assert_true(pg->pqflags & PQ_ANON);
	assert_true(pg->pqflags & PQ_ACTIVE);
	assert_int_equal(pg->loan_count, 0);
	assert_int_equal(ux->anonpages, anonpages + 1);
	assert_true(file_frame(anons[0]->u.an_page, 100, 0));

	uvm_unloan(anons, 1, UVM_LOAN_TOANON);
	CHECK(m);
	assert_true(pg->pqflags & PQ_FREE);
	assert_int_equal(ux->anonpages, anonpages);
}

/*
 * Adoption at a fault: an anon borrowed a file page (O->A), and the file
 * let go of it.  Put into a process's amap (with a reference of its own),
 * the anon adopts the orphan when the process touches it
 * (uvmfault_anonget, uvm_anon_lockloanpg); the process reads the file's
 * old contents and, once the loan is back, writes the page in place.
 */
static void
test_adoption_at_fault(void **state)
{
	struct uvm_object *f = map_file(VA, 1, 1, 120);
	struct vm_map_entry *entry;
	struct vm_anon *anons[1], *a;
	struct vm_page *pg;
	int anonpages;

	(void)state;
	ONLY_139("the orphan an anon adopts was lent to it by an object (object-to-anon)");
	(void)get(VA);
	assert_int_equal(uvm_loan(map, VA, ps, anons, UVM_LOAN_TOANON), 0);
	a = anons[0];
	pg = a->u.an_page;
	uvm_unmap(map, VA, VA + ps);
	f->pgops->pgo_detach(f);
	CHECK(m);
	assert_null(pg->uobject);
	assert_ptr_equal(pg->uanon, a);
	assert_false(tu_anon_owned(pg));

	/* Anonymous memory at VB with an amap (page 1 written); the anon
	 * goes into slot 0. */
	map_anon(VB, 2);
	put(VB + ps, 1);
	vm_map_lock_read(map);
	assert_true(uvm_map_lookup_entry(map, VB, &entry));
	simple_lock(&a->an_lock);
	a->an_ref++;
	simple_unlock(&a->an_lock);
	amap_lock(entry->aref.ar_amap);
	amap_add(&entry->aref, 0, a, FALSE);
	amap_unlock(entry->aref.ar_amap);
	vm_map_unlock_read(map);
	CHECK(m);

	anonpages = ux->anonpages;
	assert_int_equal(get(VB), word(pg, 0));	/* the fault adopts */
	CHECK(m);
	assert_true(tu_anon_owned(pg));
	assert_int_equal(pg->loan_count, 0);
	assert_int_equal(ux->anonpages, anonpages + 1);
	assert_ptr_equal(mapped(VB), pg);
	assert_true(file_frame(pg, 120, 0));
	assert_false(prot_at(VB) & VM_PROT_WRITE);	/* still shared */

	uvm_unloan(anons, 1, UVM_LOAN_TOANON);
	CHECK(m);
	put(VB, 0x99);				/* a's alone: in place */
	CHECK(m);
	assert_ptr_equal(mapped(VB), pg);
	assert_int_equal(word(pg, 0), 0x99);
	uvm_unmap(map, VB, VB + 2 * ps);
	CHECK(m);
}

/* ---- fork ------------------------------------------------------------- */

/* Fork with pages on loan: each side's write copies; the loaned frames do
 * not change. */
static void
test_fork_after_loan(void **state)
{
	struct vm_page *pgs[2];
	struct vm_anon *anons[2];
	struct proc *c;
	uint64_t v;

	(void)state;
	map_anon(VA, 2);
	fill(VA, 2, 0xb00);
	assert_int_equal(uvm_loan(map, VA, 2 * ps, pgs, UVM_LOAN_TOPAGE), 0);
	assert_int_equal(uvm_loan(map, VA, 2 * ps, anons, UVM_LOAN_TOANON),
	    0);
	CHECK(m);
	assert_int_equal(uvmsim_proc_fork(m, p, &c), 0);
	CHECK(m);

	assert_int_equal(uvmsim_load(m, 0, c->p_vmspace, VA, 8, &v), 0);
	assert_int_equal(v, 0xb00);
	put(VA, 0xb10);				/* the parent's copy */
	CHECK(m);
	assert_int_equal(uvmsim_store(m, 0, c->p_vmspace, VA + ps, 8, 0xb21),
	    0);					/* the child's copy */
	CHECK(m);
	assert_int_equal(get(VA), 0xb10);
	assert_int_equal(get(VA + ps), 0xb01);
	assert_int_equal(uvmsim_load(m, 0, c->p_vmspace, VA, 8, &v), 0);
	assert_int_equal(v, 0xb00);
	assert_int_equal(uvmsim_load(m, 0, c->p_vmspace, VA + ps, 8, &v), 0);
	assert_int_equal(v, 0xb21);
	assert_true(frame_has(pgs[0], 0xb00));
	assert_true(frame_has(pgs[1], 0xb01));
	assert_ptr_not_equal(mapped(VA), pgs[0]);

	uvm_unloan(pgs, 2, UVM_LOAN_TOPAGE);
	CHECK(m);
	uvm_unloan(anons, 2, UVM_LOAN_TOANON);
	CHECK(m);
	uvmsim_proc_exit(m, c);
	CHECK(m);
	assert_int_equal(get(VA), 0xb10);
	assert_int_equal(get(VA + ps), 0xb01);
	uvm_unmap(map, VA, VA + 2 * ps);
	CHECK(m);
}

/*
 * Fork first, then lend from the child: each page is the parent's and the
 * child's (an_ref 2).  The parent's write is a plain copy-on-write; the
 * child, then alone with the lent page, breaks the loan when it writes.
 * The lent frames never change.
 *
 *	after fork+loan:  parent, child -> anon0 -> pg0 <- kernel
 *	parent writes:    parent -> new anon        child -> anon0 -> pg0
 *	child writes:     child -> anon0 -> copy    pg0 <- kernel (orphan)
 */
static void
test_fork_before_loan(void **state)
{
	struct vm_page *pgs[2];
	struct vm_anon *a0;
	struct vm_map *cmap;
	struct proc *c;
	uint64_t v;

	(void)state;
	map_anon(VA, 2);
	fill(VA, 2, 0xc00);
	assert_int_equal(uvmsim_proc_fork(m, p, &c), 0);
	CHECK(m);
	cmap = &c->p_vmspace->vm_map;
	/* The child reads, so that its amap is its own (copied). */
	assert_int_equal(uvmsim_load(m, 0, c->p_vmspace, VA, 8, &v), 0);
	CHECK(m);
	assert_int_equal(uvm_loan(cmap, VA, 2 * ps, pgs, UVM_LOAN_TOPAGE), 0);
	CHECK(m);
	a0 = anon_at(VA);
	assert_ptr_equal(pgs[0], a0->u.an_page);
	assert_int_equal(a0->an_ref, 2);
	assert_int_equal(pgs[0]->loan_count, 1);

	put(VA, 0xc10);				/* the parent's copy */
	CHECK(m);
	assert_ptr_not_equal(mapped(VA), pgs[0]);
	assert_int_equal(a0->an_ref, 1);	/* the child's alone */
	assert_ptr_equal(a0->u.an_page, pgs[0]);
	assert_true(frame_has(pgs[0], 0xc00));

	assert_int_equal(uvmsim_store(m, 0, c->p_vmspace, VA, 8, 0xc20), 0);
	CHECK(m);					/* the loan broken */
	assert_ptr_not_equal(a0->u.an_page, pgs[0]);
	assert_null(pgs[0]->uanon);
	assert_true(frame_has(pgs[0], 0xc00));
	assert_int_equal(uvmsim_load(m, 0, c->p_vmspace, VA, 8, &v), 0);
	assert_int_equal(v, 0xc20);
	assert_int_equal(get(VA), 0xc10);
	assert_int_equal(uvmsim_load(m, 0, c->p_vmspace, VA + ps, 8, &v), 0);
	assert_int_equal(v, 0xc01);

	uvm_unloan(pgs, 2, UVM_LOAN_TOPAGE);
	CHECK(m);
	assert_true(pgs[0]->pqflags & PQ_FREE);	/* the orphan */
	assert_int_equal(pgs[1]->loan_count, 0);
	assert_true(pgs[1]->pqflags & PQ_ACTIVE);
	uvmsim_proc_exit(m, c);
	CHECK(m);
	assert_int_equal(get(VA + ps), 0xc01);
	uvm_unmap(map, VA, VA + 2 * ps);
	CHECK(m);
}

/*
 * A file mapped shared by two processes, lent to the kernel from one:
 * the other's write breaks the loan (the object takes a fresh copy);
 * both processes see the write, the kernel the file's old contents.
 */
static void
test_shared_by_two(void **state)
{
	struct uvm_object *f = map_file(VA, 2, 0, 70);
	struct vm_page *pgs[2];
	struct proc *q;
	vaddr_t vb = VB;
	uint64_t v;

	(void)state;
	assert_int_equal(uvmsim_proc_create(m, &q), 0);
	f->pgops->pgo_reference(f);
	assert_int_equal(uvm_map(&q->p_vmspace->vm_map, &vb, 2 * ps, f, 0, 0,
	    UVM_MAPFLAG(VM_PROT_READ | VM_PROT_WRITE, VM_PROT_ALL,
	    UVM_INH_SHARE, UVM_ADV_NORMAL, UVM_FLAG_FIXED)), 0);
	CHECK(m);
	(void)get(VA);
	assert_int_equal(uvmsim_load(m, 0, q->p_vmspace, VB + ps, 8, &v), 0);
	CHECK(m);
	assert_int_equal(uvm_loan(map, VA, 2 * ps, pgs, UVM_LOAN_TOPAGE), 0);
	CHECK(m);
	assert_ptr_equal(pgs[0]->uobject, f);
	assert_ptr_equal(pgs[1]->uobject, f);

	/* q writes page 0: the loan breaks; p sees the write. */
	assert_int_equal(uvmsim_store(m, 0, q->p_vmspace, VB, 8, 0x123), 0);
	CHECK(m);
	assert_null(pgs[0]->uobject);
	assert_true(file_frame(pgs[0], 70, 0));
	assert_int_equal(get(VA), 0x123);
	assert_ptr_equal(mapped(VA)->uobject, f);
	assert_ptr_not_equal(mapped(VA), pgs[0]);
	/* p writes page 1: the same, seen by q. */
	put(VA + ps, 0x456);
	CHECK(m);
	assert_int_equal(uvmsim_load(m, 0, q->p_vmspace, VB + ps, 8, &v), 0);
	assert_int_equal(v, 0x456);
	assert_true(file_frame(pgs[1], 70, 1));

	uvm_unloan(pgs, 2, UVM_LOAN_TOPAGE);
	CHECK(m);
	assert_true(pgs[0]->pqflags & PQ_FREE);
	assert_true(pgs[1]->pqflags & PQ_FREE);
	uvmsim_proc_exit(m, q);
	CHECK(m);
	uvm_unmap(map, VA, VA + 2 * ps);
	f->pgops->pgo_detach(f);
	CHECK(m);
}

/* ---- each step on its own --------------------------------------------- */

/* (Not against the kernel file, whose steps are static.) */
#ifndef TU_KERNEL_LOAN

static void
lookup(struct uvm_faultinfo *ufi, vaddr_t va, int npages)
{
	ufi->orig_map = map;
	ufi->orig_rvaddr = va;
	ufi->orig_size = (vsize_t)npages * ps;
	assert_true(uvmfault_lookup(ufi, FALSE));
}

static void
test_step_loananon(void **state)
{
	struct uvm_faultinfo ufi;
	struct vm_amap *amap;
	struct vm_anon *anon, *res[2];
	void **cur;

	(void)state;
	map_anon(VA, 1);
	fill(VA, 1, 0xc00);
	lookup(&ufi, VA, 1);
	amap = ufi.entry->aref.ar_amap;
	amap_lock(amap);
	anon = amap_lookup(&ufi.entry->aref, 0);
	cur = (void **)res;
	assert_int_equal(uvm_loananon(&ufi, &cur, UVM_LOAN_TOPAGE, anon), 1);
	assert_ptr_equal(cur, (void **)res + 1);
	assert_true(simple_lock_held(&amap->am_l));	/* still locked */
	assert_false(simple_lock_held(&anon->an_lock));
	assert_int_equal(anon->u.an_page->loan_count, 1);
	assert_int_equal(uvm_loananon(&ufi, &cur, UVM_LOAN_TOANON, anon), 1);
	assert_ptr_equal(cur, (void **)res + 2);
	assert_int_equal(anon->an_ref, 2);
	uvmfault_unlockall(&ufi, amap, NULL, NULL);
	CHECK(m);
	assert_ptr_equal(res[0], (void *)anon->u.an_page);
	assert_ptr_equal(res[1], anon);
	assert_true(frame_has(anon->u.an_page, 0xc00));
	uvm_unloanpage((struct vm_page **)&res[0], 1);
	uvm_unloananon(&res[1], 1);
	CHECK(m);
	assert_int_equal(anon->an_ref, 1);
	assert_int_equal(anon->u.an_page->loan_count, 0);
	uvm_unmap(map, VA, VA + ps);
	CHECK(m);
}

static void
test_step_loanuobj(void **state)
{
	struct uvm_object *f = map_file(VA, 2, 1, 110);
	struct uvm_faultinfo ufi;
	struct vm_anon *res[2];
	void **cur = (void **)res;

	(void)state;
	ONLY_139("lends to anons (object-to-anon)");
	/* Page 1 is not resident: read in, with a relock. */
	lookup(&ufi, VA, 2);
	simple_lock(&f->vmobjlock);
	assert_int_equal(uvm_loanuobj(&ufi, &cur, UVM_LOAN_TOANON, VA + ps),
	    1);
	assert_true(simple_lock_held(&f->vmobjlock));
	assert_int_equal(uvm_loanuobj(&ufi, &cur, UVM_LOAN_TOANON, VA + ps),
	    1);
	uvmfault_unlockall(&ufi, NULL, f, NULL);
	CHECK(m);
	assert_ptr_equal(res[0], res[1]);		/* the same anon */
	assert_int_equal(res[0]->an_ref, 2);
	assert_int_equal(res[0]->u.an_page->offset, (voff_t)ps);
	assert_true(file_frame(res[0]->u.an_page, 110, 1));
	uvm_unloananon(res, 2);
	CHECK(m);
	uvm_unmap(map, VA, VA + 2 * ps);
	f->pgops->pgo_detach(f);
	CHECK(m);
}

static void
test_step_loanzero(void **state)
{
	struct uvm_faultinfo ufi;
	struct vm_page *pg[1];
	struct vm_anon *anon[1];
	void **cur;

	(void)state;
	ONLY_139("a fresh page per zero loan, and zero-to-anon loans");
	map_anon(VA, 1);
	lookup(&ufi, VA, 1);
	cur = (void **)pg;
	assert_int_equal(uvm_loanzero(&ufi, &cur, UVM_LOAN_TOPAGE), 1);
	cur = (void **)anon;
	assert_int_equal(uvm_loanzero(&ufi, &cur, UVM_LOAN_TOANON), 1);
	uvmfault_unlockmaps(&ufi, FALSE);
	CHECK(m);
	assert_true(tu_is_zero(m, pg[0]));
	assert_true(tu_is_zero(m, anon[0]->u.an_page));
	/* Out of pages: everything unlocked, -1. */
	lookup(&ufi, VA, 1);
	uvmsim_failpoint_set(m, "uvm_pagealloc", 1, 1);
	cur = (void **)pg + 1;
	assert_int_equal(uvm_loanzero(&ufi, &cur, UVM_LOAN_TOPAGE), -1);
	assert_ptr_equal(cur, (void **)pg + 1);
	CHECK(m);
	uvm_unloan(pg, 1, UVM_LOAN_TOPAGE);
	uvm_unloan(anon, 1, UVM_LOAN_TOANON);
	CHECK(m);
	uvm_unmap(map, VA, VA + ps);
	CHECK(m);
}

static void
test_step_loanentry(void **state)
{
	struct uvm_faultinfo ufi;
	struct vm_page *pgs[NMAX];
	void **cur = (void **)pgs;
	int i;

	(void)state;
	ONLY_139("a fresh page per zero loan");
	map_anon(VA, 4);
	fill(VA, 2, 0xd00);	/* pages 2, 3 untouched: zero loans */
	/* The lookup asks for more than the entry: ufi.size stops at it. */
	map_anon(VA + 4 * ps, 1);
	lookup(&ufi, VA, 5);
	assert_int_equal(ufi.size, 4 * ps);
	assert_int_equal(uvm_loanentry(&ufi, &cur, UVM_LOAN_TOPAGE), 4);
	CHECK(m);			/* the map is unlocked */
	assert_ptr_equal(cur, (void **)pgs + 4);
	assert_true(frame_has(pgs[0], 0xd00));
	assert_true(frame_has(pgs[1], 0xd01));
	assert_true(tu_is_zero(m, pgs[2]));
	assert_null(pgs[3]->uanon);
	for (i = 0; i < 4; i++)
		assert_int_equal(pgs[i]->loan_count, 1);
	uvm_unloanpage(pgs, 4);
	CHECK(m);
	uvm_unmap(map, VA, VA + 5 * ps);
	CHECK(m);
}

#endif /* !TU_KERNEL_LOAN */

/* ---- interference during I/O, and the defects of 1.39 ----------------- */

/*
 * D2: the page being read for the loan is released meanwhile.  The loan
 * frees it and looks up again (1.39 kept the object locked, and the next
 * lookup's lock of it panicked: locking against myself).
 */
static void
test_io_released(void **state)
{
	struct tpager *tp;
	struct vm_page *pgs[1];

	(void)state;
	tp = map_tpager(VA, 1, 0);
	tp->hook = hook_release;
#ifdef TU_KERNEL_LOAN
	/* D2 shown: the next lookup locks the object again.  (The catch
	 * unlocks it, and the map's read hold.) */
	EXPECT_PANIC(m, (void)uvm_loan(map, VA, ps, pgs, UVM_LOAN_TOPAGE),
	    "locking against myself");
	CHECK(m);
	assert_int_equal(tp->nio, 1);
	assert_int_equal(tp->obj.uo_npages, 0);		/* freed */
#else
	assert_int_equal(uvm_loan(map, VA, ps, pgs, UVM_LOAN_TOPAGE), 0);
	CHECK(m);
	assert_int_equal(tp->nio, 2);		/* read again after the free */
	assert_ptr_equal(pgs[0]->uobject, &tp->obj);
	assert_int_equal(word(pgs[0], 0), TP_TAG(0));
	assert_int_equal(tp->obj.uo_npages, 1);
	uvm_unloan(pgs, 1, UVM_LOAN_TOPAGE);
	CHECK(m);
#endif
	uvm_unmap(map, VA, VA + ps);
	CHECK(m);
}

/*
 * D3: while page 1 is read in, another thread's fault puts an anon in
 * page 1's amap slot.  The loan must see that the anon layer now hides
 * the object's page and lend the anon's page (1.39 checked page 0's slot,
 * found it empty, and lent the object's stale page).
 *
 *	slots:   [0: -]  [1: - -> hook anon]  [2: anon]
 *	object:  [0: pg] [1: read in]          [2: pg]
 */
static void
test_io_slot_filled(void **state)
{
	struct tpager *tp;
	struct vm_page *pgs[2];

	(void)state;
	tp = map_tpager(VA, 3, 1);
	(void)get(VA);				/* object page 0 */
	put(VA + 2 * ps, 0x2222);		/* an amap, slot 2 */
	CHECK(m);
	assert_null(anon_at(VA));
	assert_null(anon_at(VA + ps));
	tp->hook = hook_fill_slot;
	tp->hook_va = VA + ps;
	hook_anon = NULL;
	assert_int_equal(uvm_loan(map, VA, 2 * ps, pgs, UVM_LOAN_TOPAGE), 0);
	CHECK(m);
	assert_non_null(hook_anon);
	assert_ptr_equal(anon_at(VA + ps), hook_anon);
	assert_ptr_equal(pgs[0]->uobject, &tp->obj);
	assert_int_equal(word(pgs[0], 0), TP_TAG(0));
#ifdef TU_KERNEL_LOAN
	/* D3 shown: the object's stale page 1 was lent, not what the
	 * process sees there. */
	assert_ptr_equal(pgs[1]->uobject, &tp->obj);
	assert_int_equal(word(pgs[1], 0), TP_TAG(ps));
	assert_int_not_equal(word(pgs[1], 0), get(VA + ps));
#else
	assert_ptr_equal(pgs[1], hook_anon->u.an_page);
	assert_null(pgs[1]->uobject);
	assert_int_equal(word(pgs[1], 0), HOOK_ANON_TAG);
#endif
	/* What the process sees at page 1 is what was lent. */
	assert_int_equal(get(VA + ps), HOOK_ANON_TAG);
	uvm_unloan(pgs, 2, UVM_LOAN_TOPAGE);
	CHECK(m);
	uvm_unmap(map, VA, VA + 3 * ps);
	CHECK(m);
}

/* The map changes while a page is read in: the loan looks it up again
 * and lends the page read (now resident) without a second read. */
static void
test_io_map_changed(void **state)
{
	struct vm_map_entry *entry;
	struct tpager *tp;
	struct vm_page *pgs[1];
	int relckok = ux->fltrelckok;

	(void)state;
	map_anon(VB, 1);
	tp = map_tpager(VA, 1, 0);
	tp->hook = hook_unmap_other;
	tp->hook_va = VB;
	assert_int_equal(uvm_loan(map, VA, ps, pgs, UVM_LOAN_TOPAGE), 0);
	CHECK(m);
	assert_int_equal(tp->nio, 1);
	assert_int_equal(ux->fltrelckok, relckok);	/* relock failed */
	assert_ptr_equal(pgs[0]->uobject, &tp->obj);
	assert_int_equal(word(pgs[0], 0), TP_TAG(0));
	vm_map_lock_read(map);
	assert_false(uvm_map_lookup_entry(map, VB, &entry));	/* gone */
	vm_map_unlock_read(map);
	uvm_unloan(pgs, 1, UVM_LOAN_TOPAGE);
	CHECK(m);
	uvm_unmap(map, VA, VA + ps);
	CHECK(m);
}

/*
 * D4: shared anonymous memory never touched has nothing to lend: the loan
 * fails with nothing left locked (1.39 kept the map and the amap locked,
 * which CHECK reports, and the next map change would panic).
 */
static void
test_shared_anon_untouched(void **state)
{
	vaddr_t va = VA;
	struct vm_page *pgs[2], *pg0;
	struct vm_anon *anons[2];

	(void)state;
	assert_int_equal(uvm_map(map, &va, 2 * ps, NULL, UVM_UNKNOWN_OFFSET, 0,
	    UVM_MAPFLAG(VM_PROT_READ | VM_PROT_WRITE, VM_PROT_ALL,
	    UVM_INH_SHARE, UVM_ADV_NORMAL, UVM_FLAG_FIXED | UVM_FLAG_OVERLAY)),
	    0);
	fill(VA, 1, 0xe00);
	pg0 = mapped(VA);
	assert_int_equal(uvm_loan(map, VA, 2 * ps, pgs, UVM_LOAN_TOPAGE),
	    EINVAL);
#ifdef TU_KERNEL_LOAN
	kl_unlock_left(VA, __LINE__);		/* D4 shown */
#endif
	CHECK(m);
	assert_int_equal(pg0->loan_count, 0);
	assert_int_equal(uvm_loan(map, VA, 2 * ps, anons, UVM_LOAN_TOANON),
	    EINVAL);
#ifdef TU_KERNEL_LOAN
	kl_unlock_left(VA, __LINE__);		/* D4 shown */
#endif
	CHECK(m);
	assert_int_equal(pg0->uanon->an_ref, 1);
	/* The touched page lends. */
	assert_int_equal(uvm_loan(map, VA, ps, pgs, UVM_LOAN_TOPAGE), 0);
	assert_ptr_equal(pgs[0], pg0);
	assert_true(frame_has(pg0, 0xe00));
	uvm_unloan(pgs, 1, UVM_LOAN_TOPAGE);
	CHECK(m);
	map_anon(VB, 1);		/* the map can be changed */
	uvm_unmap(map, VB, VB + ps);
	uvm_unmap(map, VA, VA + 2 * ps);
	CHECK(m);
}

/*
 * D6: an anon that borrowed page 0 of a file sits in the amap of an entry
 * mapping that same file (page 1's slot), as a page-moving subsystem may
 * put it there.  Lending page 1 to the kernel must not try-lock the file
 * again: uvm_loanentry holds it already (1.39's anon layer tried for ever;
 * here its try-lock panics, saying so).
 *
 *	entry:   file, private     slots: [0: -] [1: A] [2: copy]
 *	A -> file page 0 (borrowed)
 */
static void
test_own_object_borrowed(void **state)
{
	struct uvm_object *f = map_file(VA, 3, 1, 120);
	struct vm_map_entry *entry;
	struct vm_anon *a[1];
	struct vm_page *pgs[1];

	(void)state;
	ONLY_139("the anon borrows its object's page (object-to-anon)");
	(void)get(VA);
	assert_int_equal(uvm_loan(map, VA, ps, a, UVM_LOAN_TOANON), 0);
	put(VA + 2 * ps, 0x3333);		/* gives the entry an amap */
	CHECK(m);

	vm_map_lock_read(map);
	assert_true(uvm_map_lookup_entry(map, VA, &entry));
	amap_lock(entry->aref.ar_amap);
	simple_lock(&a[0]->an_lock);
	a[0]->an_ref++;				/* the slot's reference */
	simple_unlock(&a[0]->an_lock);
	amap_add(&entry->aref, ps, a[0], FALSE);
	amap_unlock(entry->aref.ar_amap);
	vm_map_unlock_read(map);
	CHECK(m);

#ifdef TU_KERNEL_LOAN
	/* D6 shown: the anon layer's try-lock of the object, which the
	 * loan holds already, could never succeed.  (The catch unlocks what
	 * the loan took, the map's read hold too.) */
	EXPECT_PANIC(m, (void)uvm_loan(map, VA + ps, ps, pgs,
	    UVM_LOAN_TOPAGE), "spin forever");
	CHECK(m);
	assert_int_equal(a[0]->u.an_page->loan_count, 1);
#else
	assert_int_equal(uvm_loan(map, VA + ps, ps, pgs, UVM_LOAN_TOPAGE), 0);
	CHECK(m);
	assert_ptr_equal(pgs[0], a[0]->u.an_page);
	assert_ptr_equal(pgs[0]->uobject, f);
	assert_int_equal(pgs[0]->loan_count, 2);
	assert_false(queued(pgs[0]));
	assert_true(file_frame(pgs[0], 120, 0));
	/* The process reads page 1 through A. */
	assert_int_equal(get(VA + ps), word(pgs[0], 0));
	CHECK(m);

	uvm_unloan(pgs, 1, UVM_LOAN_TOPAGE);
	CHECK(m);
	assert_int_equal(pgs[0]->loan_count, 1);
	assert_true(pgs[0]->pqflags & PQ_ACTIVE);
#endif
	uvm_unloan(a, 1, UVM_LOAN_TOANON);
	CHECK(m);
	uvm_unmap(map, VA, VA + 3 * ps);
	CHECK(m);
	f->pgops->pgo_detach(f);
	CHECK(m);
}

/*
 * D8: wired pages are not lent (1.39 panicked on a KASSERT for an anon's
 * page lent to the kernel, and lent the others).
 */
static void
test_wired(void **state)
{
	struct uvm_object *f;
	struct vm_page *pgs[2], *pg;
	struct vm_anon *anons[2];

	(void)state;
	map_anon(VA, 1);
	fill(VA, 1, 0xf00);
	assert_int_equal(uvm_map_pageable(map, VA, VA + ps, FALSE, 0), 0);
	CHECK(m);
	pg = mapped(VA);
	assert_int_equal(pg->wire_count, 1);
#ifdef TU_KERNEL_LOAN
	/* D8 shown: A->K trips the KASSERT (the catch unlocks, the map's
	 * read hold too); A->A shares the wired page, and its wired
	 * mapping loses write access. */
	EXPECT_PANIC(m, (void)uvm_loan(map, VA, ps, pgs, UVM_LOAN_TOPAGE),
	    "pg->wire_count == 0");
	CHECK(m);
	assert_int_equal(uvm_loan(map, VA, ps, anons, UVM_LOAN_TOANON), 0);
	CHECK(m);
	assert_int_equal(pg->uanon->an_ref, 2);
	assert_false(prot_at(VA) & VM_PROT_WRITE);
	uvm_unloan(anons, 1, UVM_LOAN_TOANON);
	CHECK(m);
	assert_int_equal(pg->loan_count, 0);
	assert_int_equal(pg->uanon->an_ref, 1);
#else
	assert_int_equal(uvm_loan(map, VA, ps, pgs, UVM_LOAN_TOPAGE), EINVAL);
	CHECK(m);
	assert_int_equal(uvm_loan(map, VA, ps, anons, UVM_LOAN_TOANON), EINVAL);
	CHECK(m);
	assert_int_equal(pg->loan_count, 0);
	assert_int_equal(pg->uanon->an_ref, 1);
	assert_true(prot_at(VA) & VM_PROT_WRITE);	/* untouched */
#endif

	f = map_file(VB, 1, 0, 130);
	assert_int_equal(uvm_map_pageable(map, VB, VB + ps, FALSE, 0), 0);
	CHECK(m);
#ifdef TU_KERNEL_LOAN
	/* D8 shown: the wired object page is lent, to the kernel and to
	 * an anon. */
	assert_int_equal(uvm_loan(map, VB, ps, pgs, UVM_LOAN_TOPAGE), 0);
	tu_expect_problem(m, "loan.wired", "wire_count", __LINE__);
	assert_ptr_equal(pgs[0], mapped(VB));
	assert_int_equal(pgs[0]->loan_count, 1);
	uvm_unloan(pgs, 1, UVM_LOAN_TOPAGE);
	assert_int_equal(uvm_loan(map, VB, ps, anons, UVM_LOAN_TOANON), 0);
	tu_expect_problem(m, "loan.wired", "wire_count", __LINE__);
	assert_ptr_equal(anons[0]->u.an_page, mapped(VB));
	uvm_unloan(anons, 1, UVM_LOAN_TOANON);
#else
	assert_int_equal(uvm_loan(map, VB, ps, pgs, UVM_LOAN_TOPAGE), EINVAL);
	CHECK(m);
	assert_int_equal(uvm_loan(map, VB, ps, anons, UVM_LOAN_TOANON), EINVAL);
#endif
	CHECK(m);
	assert_int_equal(mapped(VB)->loan_count, 0);
	assert_null(mapped(VB)->uanon);

	/* Unwired, they lend. */
	assert_int_equal(uvm_map_pageable(map, VA, VA + ps, TRUE, 0), 0);
	assert_int_equal(uvm_map_pageable(map, VB, VB + ps, TRUE, 0), 0);
	CHECK(m);
	assert_int_equal(uvm_loan(map, VA, ps, pgs, UVM_LOAN_TOPAGE), 0);
	assert_int_equal(uvm_loan(map, VB, ps, pgs + 1, UVM_LOAN_TOPAGE), 0);
	CHECK(m);
	assert_true(frame_has(pgs[0], 0xf00));
	assert_true(file_frame(pgs[1], 130, 0));
	uvm_unloan(pgs, 2, UVM_LOAN_TOPAGE);
	CHECK(m);
	uvm_unmap(map, VA, VA + ps);
	uvm_unmap(map, VB, VB + ps);
	f->pgops->pgo_detach(f);
	CHECK(m);
}

/* ---- what a failed loan says ---------------------------------------- */

/* Leave an older, unrelated message (a bad uvm_map) for a loan to
 * replace. */
static void
stale_error(void)
{
	assert_int_equal(uvm_map(map, NULL, ps, NULL, UVM_UNKNOWN_OFFSET, 0,
	    0), EINVAL);
	assert_non_null(strstr(uvmsim_last_error(), "uvm_map"));
}

/* The thread's last error holds each of the texts given (NULL ends). */
static void
says(int line, const char *text, ...)
{
	const char *msg = uvmsim_last_error();
	va_list ap;

	va_start(ap, text);
	for (; text != NULL; text = va_arg(ap, const char *))
		if (strstr(msg, text) == NULL)
			fail_msg("line %d: last error \"%s\" lacks \"%s\"",
			    line, msg, text);
	va_end(ap);
}

/*
 * A failed loan says why in uvmsim_last_error(), whatever an earlier
 * call left there: a hole at va, a wired page at va, out of memory, a
 * pager error at an offset, a loan the modern behaviour does not make.
 * A loan that succeeds leaves no message.  (The kernel file says nothing
 * of its own: the compat layer's lookup clears the message and names a
 * hole; see EXPECTED-DIFFERENCES.md.)
 *
 *	VA: anon (1 page) | hole       VB: file (2 pages, private)
 */
static void
test_loan_errors(void **state)
{
	struct uvm_object *f;
	struct vm_page *pgs[2];
	struct vm_anon *anons[2];
	char where[64];

	(void)state;
	map_anon(VA, 1);
	fill(VA, 1, 0x1400);
	f = map_file(VB, 2, 1, 160);
	(void)get(VB);				/* page 0 resident */

	/* A hole after the first page: ENOENT, the hole's address. */
	stale_error();
	assert_int_equal(uvm_loan(map, VA, 2 * ps, pgs, UVM_LOAN_TOPAGE),
	    ENOENT);
	CHECK(m);
	snprintf(where, sizeof(where), "hole at va %#lx", VA + ps);
	says(__LINE__, where, NULL);
	assert_int_equal(mapped(VA)->loan_count, 0);

	/* Success: no message left. */
	stale_error();
	assert_int_equal(uvm_loan(map, VA, ps, pgs, UVM_LOAN_TOPAGE), 0);
	CHECK(m);
	assert_string_equal(uvmsim_last_error(), "");
	uvm_unloan(pgs, 1, UVM_LOAN_TOPAGE);
	CHECK(m);

	/* A pager error reading page 1 (the locked get is hit 1, the
	 * I/O get hit 2). */
	stale_error();
	uvmsim_failpoint_set(m, "pgo_get.eio", 2, 1);
	assert_int_equal(uvm_loan(map, VB + ps, ps, pgs, UVM_LOAN_TOPAGE),
	    EINVAL);
	assert_int_equal(uvmsim_failpoint_fired(m, "pgo_get.eio"), 1);
	CHECK(m);
#ifdef TU_KERNEL_LOAN
	assert_string_equal(uvmsim_last_error(), "");
#else
	snprintf(where, sizeof(where), "va %#lx", VB + ps);
	says(__LINE__, where, "pager error at offset 0x1000", "object",
	    uvmsim_strerror(EIO), NULL);
#endif

	/* No anon for an O->A loan: out of memory; the modern behaviour
	 * makes no such loan at all. */
	stale_error();
	uvmsim_failpoint_set(m, "uvm_analloc", 1, 1);
	assert_int_equal(uvm_loan(map, VB, ps, anons, UVM_LOAN_TOANON),
	    EINVAL);
	uvmsim_failpoint_clear(m);
	CHECK(m);
	snprintf(where, sizeof(where), "va %#lx", VB);
#ifdef TU_KERNEL_LOAN
	assert_string_equal(uvmsim_last_error(), "");
#else
	if (tu_modern())
		says(__LINE__, where, "modern loan behaviour lends no object "
		    "page to an anon", NULL);
	else
		says(__LINE__, where, "out of memory", NULL);
#endif

#ifndef TU_KERNEL_LOAN
	/* A wired page (D8: the kernel file lends it, or panics: see
	 * test_wired). */
	assert_int_equal(uvm_map_pageable(map, VA, VA + ps, FALSE, 0), 0);
	CHECK(m);
	stale_error();
	assert_int_equal(uvm_loan(map, VA, ps, pgs, UVM_LOAN_TOPAGE), EINVAL);
	CHECK(m);
	snprintf(where, sizeof(where), "va %#lx", VA);
	says(__LINE__, where, "wired", NULL);
	stale_error();
	assert_int_equal(uvm_loan(map, VA, ps, anons, UVM_LOAN_TOANON),
	    EINVAL);
	CHECK(m);
	says(__LINE__, where, "wired", NULL);
	assert_int_equal(uvm_map_pageable(map, VA, VA + ps, TRUE, 0), 0);
	CHECK(m);

	/* No page for a zero loan (the kernel file waits for one:
	 * test_fp_pagealloc); the modern behaviour's zero page, or its
	 * refusal of a zero loan to an anon. */
	map_anon(VA + 2 * ps, 1);
	stale_error();
	uvmsim_failpoint_set(m, "uvm_pagealloc", 1, 1);
	assert_int_equal(uvm_loan(map, VA + 2 * ps, ps, pgs, UVM_LOAN_TOPAGE),
	    EINVAL);
	uvmsim_failpoint_clear(m);
	CHECK(m);
	snprintf(where, sizeof(where), "va %#lx", VA + 2 * ps);
	says(__LINE__, where, "out of memory", NULL);
	if (tu_modern()) {
		stale_error();
		assert_int_equal(uvm_loan(map, VA + 2 * ps, ps, anons,
		    UVM_LOAN_TOANON), EINVAL);
		CHECK(m);
		says(__LINE__, where, "modern loan behaviour makes no zero "
		    "loan to an anon", NULL);
	}
	uvm_unmap(map, VA + 2 * ps, VA + 3 * ps);
#endif

	expect(VA, 1, 0x1400);
	uvm_unmap(map, VA, VA + ps);
	uvm_unmap(map, VB, VB + 2 * ps);
	f->pgops->pgo_detach(f);
	CHECK(m);
}

/* ---- counts at the edge ------------------------------------------- */

/*
 * A test cannot make 2^32 loans.  It brings a count to the edge by hand,
 * as loans would: loan_count with the page's owner and the page queues
 * locked (the rule the loan-lock watch checks), and the loan ledger's
 * kloan_count with it, so that the checker's loan.count still holds; an
 * anon's an_ref with its lock held, and the ledger's an_loans with it.
 * The loans so made are returned the same way before the real ones.
 */
static void
set_loans(struct vm_page *pg, u_int count, u_int kcount)
{
	struct simplelock *lk = pg->uobject != NULL ?
	    &pg->uobject->vmobjlock : &pg->uanon->an_lock;

	simple_lock(lk);
	uvm_lock_pageq();
	pg->loan_count = count;
	pg->kloan_count = kcount;
	uvm_unlock_pageq();
	simple_unlock(lk);
}

static void
set_refs(struct vm_anon *a, int ref, u_int loans)
{
	simple_lock(&a->an_lock);
	a->an_ref = ref;
	a->an_loans = loans;
	simple_unlock(&a->an_lock);
}

#ifndef TU_KERNEL_LOAN
/* Give back the busy hold on an object's page that a panic in the loan
 * left (the panic came between the pager's get and the unbusy). */
static void
unbusy_left(struct vm_page *pg)
{
	assert_true(pg->flags & PG_BUSY);
	simple_lock(&pg->uobject->vmobjlock);
	tu_unbusy(pg);
	simple_unlock(&pg->uobject->vmobjlock);
}
#endif

/*
 * loan_count at UINT_MAX: one more loan, A->K, O->K or O->A, would wrap
 * it to 0, and the owner's next store would go into the lent frame.  It
 * panics instead, and changes nothing (1.39 wraps: see below).
 *
 *	VA: anon -> pg     <- kernel x (UINT_MAX - 2 by hand + 2)
 *	VB: file -> fpg    <- kernel x (UINT_MAX - 2 by hand + 2)
 */
static void
test_loan_count_wrap(void **state)
{
	struct uvm_object *f;
	struct vm_page *pgs[2], *kp[2], *more[1], *pg, *fpg;
	struct vm_anon *anons[1];
	int anons0;

	(void)state;
	map_anon(VA, 1);
	fill(VA, 1, 0x1200);
	f = map_file(VB, 1, 1, 140);
	(void)get(VB);
	assert_int_equal(uvm_loan(map, VA, ps, pgs, UVM_LOAN_TOPAGE), 0);
	assert_int_equal(uvm_loan(map, VB, ps, kp, UVM_LOAN_TOPAGE), 0);
	pg = pgs[0];
	fpg = kp[0];
	set_loans(pg, UINT_MAX - 1, UINT_MAX - 1);
	set_loans(fpg, UINT_MAX - 1, UINT_MAX - 1);
	CHECK(m);
	/* The last loan that fits. */
	assert_int_equal(uvm_loan(map, VA, ps, pgs + 1, UVM_LOAN_TOPAGE), 0);
	assert_int_equal(uvm_loan(map, VB, ps, kp + 1, UVM_LOAN_TOPAGE), 0);
	CHECK(m);
	assert_int_equal(pg->loan_count, UINT_MAX);
	assert_int_equal(fpg->loan_count, UINT_MAX);

#ifdef TU_KERNEL_LOAN
	/*
	 * 1.39 lends once more: A->K and O->K wrap loan_count to 0 and
	 * leave the page off the queues, as a page lent to the kernel
	 * sits; unlent as far as anyone can tell, the checker's
	 * page.unqueued sees it.  The count is put back.
	 */
	assert_int_equal(uvm_loan(map, VA, ps, more, UVM_LOAN_TOPAGE), 0);
	assert_ptr_equal(more[0], pg);
	assert_int_equal(pg->loan_count, 0);
	tu_expect_problem(m, "page.unqueued", "pqflags", __LINE__);
	set_loans(pg, UINT_MAX, UINT_MAX);
	assert_int_equal(uvm_loan(map, VB, ps, more, UVM_LOAN_TOPAGE), 0);
	assert_ptr_equal(more[0], fpg);
	assert_int_equal(fpg->loan_count, 0);
	tu_expect_problem(m, "page.unqueued", "pqflags", __LINE__);
	set_loans(fpg, UINT_MAX, UINT_MAX);
	CHECK(m);
#else
	EXPECT_PANIC(m, (void)uvm_loan(map, VA, ps, more, UVM_LOAN_TOPAGE),
	    "would wrap loan_count");
	CHECK(m);
	assert_int_equal(pg->loan_count, UINT_MAX);
	assert_kernel_lent(pg);
	EXPECT_PANIC(m, (void)uvm_loan(map, VB, ps, more, UVM_LOAN_TOPAGE),
	    "would wrap loan_count");
	unbusy_left(fpg);
	CHECK(m);
	assert_int_equal(fpg->loan_count, UINT_MAX);
	/* A count that wrapped all the same (by hand: 0, where the ledger
	 * counts UINT_MAX kernel loans) is what loan.wrap reports. */
	set_loans(pg, 0, UINT_MAX);
	tu_expect_problem(m, "loan.wrap", "loan_count", __LINE__);
	set_loans(pg, UINT_MAX, UINT_MAX);
	CHECK(m);
#endif

	/* O->A of the file's page: the anon's loan counts on it too. */
	anons0 = ux->nanon - ux->nfreeanon;
	if (!tu_modern()) {
#ifdef TU_KERNEL_LOAN
		/* 1.39 wraps the count to 0 with the anon borrowing the
		 * page: loan.wrap sees a borrowed page with no loan. */
		assert_int_equal(uvm_loan(map, VB, ps, anons, UVM_LOAN_TOANON),
		    0);
		assert_ptr_equal(fpg->uanon, anons[0]);
		assert_int_equal(fpg->loan_count, 0);
		tu_expect_problem(m, "loan.wrap", "loan_count", __LINE__);
		set_loans(fpg, 3, 2);	/* the real loans: 2 kernel, 1 anon */
		CHECK(m);
		uvm_unloan(anons, 1, UVM_LOAN_TOANON);
#else
		EXPECT_PANIC(m, (void)uvm_loan(map, VB, ps, anons,
		    UVM_LOAN_TOANON), "would wrap loan_count");
		unbusy_left(fpg);
		assert_null(fpg->uanon);
#endif
		CHECK(m);
		assert_int_equal(ux->nanon - ux->nfreeanon, anons0);
	}

	/* The loans made by hand go back, then the real ones. */
	set_loans(pg, 2, 2);
	set_loans(fpg, 2, 2);
	CHECK(m);
	uvm_unloan(pgs, 2, UVM_LOAN_TOPAGE);
	uvm_unloan(kp, 2, UVM_LOAN_TOPAGE);
	CHECK(m);
	assert_int_equal(pg->loan_count, 0);
	assert_int_equal(fpg->loan_count, 0);
	assert_true(pg->pqflags & PQ_ACTIVE);
	assert_true(fpg->pqflags & PQ_ACTIVE);
	assert_true(frame_has(pg, 0x1200));
	assert_true(file_frame(fpg, 140, 0));
	put(VA, 0x1201);			/* in place: no loan left */
	assert_ptr_equal(mapped(VA), pg);
	CHECK(m);
	uvm_unmap(map, VA, VA + ps);
	uvm_unmap(map, VB, VB + ps);
	f->pgops->pgo_detach(f);
	CHECK(m);
}

/*
 * an_ref at INT_MAX: one more anon loan (A->A, or O->A of a page an anon
 * borrows already) would overflow it.  It panics instead, and changes
 * nothing (1.39 overflows: see below).
 */
static void
test_anon_ref_wrap(void **state)
{
	struct uvm_object *f;
	struct vm_anon *anons[1], *more[1], *a, *b;
	struct vm_page *fpg;

	(void)state;
	map_anon(VA, 1);
	fill(VA, 1, 0x1300);
	a = anon_at(VA);
	set_refs(a, INT_MAX - 1, INT_MAX - 2);	/* the amap's + loans */
	CHECK(m);
	assert_int_equal(uvm_loan(map, VA, ps, anons, UVM_LOAN_TOANON), 0);
	CHECK(m);
	assert_int_equal(a->an_ref, INT_MAX);
#ifdef TU_KERNEL_LOAN
	/* 1.39 takes an_ref past INT_MAX: negative, anon.ref reports it. */
	assert_int_equal(uvm_loan(map, VA, ps, more, UVM_LOAN_TOANON), 0);
	assert_ptr_equal(more[0], a);
	assert_true(a->an_ref < 0);
	tu_expect_problem(m, "anon.ref", "an_ref", __LINE__);
	set_refs(a, INT_MAX, INT_MAX - 1);
#else
	EXPECT_PANIC(m, (void)uvm_loan(map, VA, ps, more, UVM_LOAN_TOANON),
	    "would wrap an_ref");
#endif
	CHECK(m);
	assert_int_equal(a->an_ref, INT_MAX);
	set_refs(a, 2, 1);
	uvm_unloan(anons, 1, UVM_LOAN_TOANON);
	CHECK(m);
	assert_int_equal(a->an_ref, 1);
	expect(VA, 1, 0x1300);
	uvm_unmap(map, VA, VA + ps);
	CHECK(m);

	if (tu_modern())
		return;			/* no O->A loans */
	/* A file page an anon borrows: each O->A loan is a reference. */
	f = map_file(VB, 1, 1, 150);
	(void)get(VB);
	assert_int_equal(uvm_loan(map, VB, ps, anons, UVM_LOAN_TOANON), 0);
	b = anons[0];
	fpg = b->u.an_page;
	set_refs(b, INT_MAX, INT_MAX);
	CHECK(m);
#ifdef TU_KERNEL_LOAN
	assert_int_equal(uvm_loan(map, VB, ps, more, UVM_LOAN_TOANON), 0);
	assert_ptr_equal(more[0], b);
	assert_true(b->an_ref < 0);
	tu_expect_problem(m, "anon.ref", "an_ref", __LINE__);
#else
	EXPECT_PANIC(m, (void)uvm_loan(map, VB, ps, more, UVM_LOAN_TOANON),
	    "would wrap an_ref");
	unbusy_left(fpg);
#endif
	set_refs(b, 1, 1);
	CHECK(m);
	uvm_unloan(anons, 1, UVM_LOAN_TOANON);
	CHECK(m);
	assert_int_equal(fpg->loan_count, 0);
	assert_null(fpg->uanon);
	assert_true(file_frame(fpg, 150, 0));
	uvm_unmap(map, VB, VB + ps);
	f->pgops->pgo_detach(f);
	CHECK(m);
}

/* Exactly one of the flags. */
static void
test_bad_flags(void **state)
{
	struct vm_page *pgs[1];

	(void)state;
	map_anon(VA, 1);
	EXPECT_PANIC(m, (void)uvm_loan(map, VA, ps, pgs,
	    UVM_LOAN_TOANON | UVM_LOAN_TOPAGE), "UVM_LOAN_TOANON");
	EXPECT_PANIC(m, (void)uvm_loan(map, VA, ps, pgs, 0), "UVM_LOAN_TOANON");
#ifdef TU_KERNEL_LOAN
	{
		/*
		 * 1.39 checks no alignment: from VA + 1 the entry holds
		 * ps - 1 bytes, the count of bytes left wraps past zero,
		 * and zero pages are lent past the entry until memory runs
		 * out and uvm_wait finds that nothing frees any.  The array
		 * has room for every frame; the catch ends it.
		 */
		size_t i, n = uvmsim_npages(m), lent;
		struct vm_page **big = test_calloc(n, sizeof(*big));
		int free0 = ux->free;

		EXPECT_PANIC(m, (void)uvm_loan(map, VA + 1, ps, big,
		    UVM_LOAN_TOPAGE), "the wait would never end");
		CHECK(m);
		assert_int_equal(ux->free, 0);
		lent = 0;
		for (i = 0; i < n && big[i] != NULL; i++)
			lent++;
		assert_int_equal(lent, (size_t)free0);
		uvm_unloan(big, (int)lent, UVM_LOAN_TOPAGE);
		CHECK(m);
		assert_int_equal(ux->free, free0);
		test_free(big);
	}
#else
	EXPECT_PANIC(m, (void)uvm_loan(map, VA + 1, ps, pgs, UVM_LOAN_TOPAGE),
	    "pagesize");
#endif
	CHECK(m);
	uvm_unmap(map, VA, VA + ps);
	CHECK(m);
}

/* ---- the modern behaviour ------------------------------------------- */

#ifdef TU_KERNEL_LOAN
/* The kernel file knows 1.39 only: a modern machine is refused, saying
 * so, instead of the modern behaviour's tests. */
static void
test_kernel_refuses_modern(void **state)
{
	struct uvmsim_config cfg;
	struct uvmsim_machine *mm = NULL;

	(void)state;
	tu_config(&cfg, 64);
	cfg.loan = "modern";
	assert_int_equal(uvmsim_machine_create(&cfg, &mm), ENOTSUP);
	assert_null(mm);
	assert_non_null(strstr(uvmsim_last_error(), "loan"));
	assert_non_null(strstr(uvmsim_last_error(), "1.39"));
}
#else

/*
 * Zero loans share one page: read-only, zeroed, owned by the loan-zero
 * object, on the active queue, never freed; the regions lent stay
 * untouched.  No zero-to-anon loans.  The object's pgo_put (the page
 * daemon's) takes the page off the queues but never frees it.
 */
static void
test_modern_zero_page(void **state)
{
	struct vm_page *pgs[NMAX], *more[NMAX], *zp;
	struct vm_anon *anons[NMAX];
	struct uvm_object *zobj;
	int i, free0, anons0;

	(void)state;
	map_anon(VA, 3);
	map_anon(VB, 2);
	free0 = ux->free;
	anons0 = ux->nanon - ux->nfreeanon;
	assert_int_equal(uvm_loan(map, VA, 3 * ps, pgs, UVM_LOAN_TOPAGE), 0);
	CHECK(m);
	zp = pgs[0];
	zobj = zp->uobject;
	assert_non_null(zobj);
	assert_string_equal(zobj->pgops->pgo_name, "loanzero");
	assert_int_equal(zp->offset, 0);
	assert_true(zp->flags & PG_RDONLY);
	assert_false(zp->flags & (PG_BUSY | PG_FAKE));
	assert_true(zp->pqflags & PQ_ACTIVE);
	assert_true(tu_is_zero(m, zp));
	for (i = 0; i < 3; i++) {
		assert_ptr_equal(pgs[i], zp);
		assert_null(anon_at(VA + (vaddr_t)i * ps));
	}
	assert_int_equal(zp->loan_count, 3);
	assert_int_equal(ux->free, free0 - 1);

	/* Another region: the same page, two loans more. */
	assert_int_equal(uvm_loan(map, VB, 2 * ps, more, UVM_LOAN_TOPAGE), 0);
	CHECK(m);
	assert_ptr_equal(more[0], zp);
	assert_ptr_equal(more[1], zp);
	assert_int_equal(zp->loan_count, 5);
	assert_int_equal(ux->free, free0 - 1);

	/* The process reads zeros of its own, not the shared page. */
	assert_int_equal(get(VA), 0);
	CHECK(m);
	assert_ptr_not_equal(mapped(VA), zp);
	assert_int_equal(ux->nanon - ux->nfreeanon, anons0 + 1);

	/* 0->A fails, and lends nothing. */
	assert_int_equal(uvm_loan(map, VB, 2 * ps, anons, UVM_LOAN_TOANON),
	    EINVAL);
	CHECK(m);
	assert_int_equal(ux->nanon - ux->nfreeanon, anons0 + 1);
	assert_int_equal(zp->loan_count, 5);

	/* Every loan back: the page stays, the object's, unlent. */
	uvm_unloan(pgs, 3, UVM_LOAN_TOPAGE);
	CHECK(m);
	uvm_unloan(more, 2, UVM_LOAN_TOPAGE);
	CHECK(m);
	assert_int_equal(zp->loan_count, 0);
	assert_ptr_equal(zp->uobject, zobj);
	assert_true(zp->pqflags & PQ_ACTIVE);
	assert_true(tu_is_zero(m, zp));

	/* The page daemon's put: off the queues, not freed. */
	simple_lock(&zobj->vmobjlock);
	assert_int_equal(zobj->pgops->pgo_put(zobj, 0, 0,
	    PGO_FREE | PGO_ALLPAGES), 0);
	assert_false(simple_lock_held(&zobj->vmobjlock));
	CHECK(m);
	assert_false(zp->pqflags & (PQ_FREE | PQ_ACTIVE | PQ_INACTIVE));
	assert_ptr_equal(zp->uobject, zobj);

	/* It lends again, back on the active queue. */
	assert_int_equal(uvm_loan(map, VB + ps, ps, more, UVM_LOAN_TOPAGE), 0);
	CHECK(m);
	assert_ptr_equal(more[0], zp);
	assert_true(zp->pqflags & PQ_ACTIVE);
	uvm_unloan(more, 1, UVM_LOAN_TOPAGE);
	CHECK(m);
	uvm_unmap(map, VA, VA + 3 * ps);
	uvm_unmap(map, VB, VB + 2 * ps);
	CHECK(m);
	assert_int_equal(zp->loan_count, 0);
	assert_false(zp->pqflags & PQ_FREE);
}

/*
 * The shared zero page counts every zero loan on the machine: at
 * UINT_MAX loans the next zero loan panics rather than wrap its count to
 * 0 (a wrapped count would let the zero page be lent as if unlent).
 */
static void
test_modern_zero_page_wrap(void **state)
{
	struct vm_page *pgs[2], *more[1], *zp;

	(void)state;
	map_anon(VA, 2);
	assert_int_equal(uvm_loan(map, VA, ps, pgs, UVM_LOAN_TOPAGE), 0);
	zp = pgs[0];
	set_loans(zp, UINT_MAX - 1, UINT_MAX - 1);
	CHECK(m);
	assert_int_equal(uvm_loan(map, VA + ps, ps, pgs + 1, UVM_LOAN_TOPAGE),
	    0);
	CHECK(m);
	assert_ptr_equal(pgs[1], zp);
	assert_int_equal(zp->loan_count, UINT_MAX);
	EXPECT_PANIC(m, (void)uvm_loan(map, VA, ps, more, UVM_LOAN_TOPAGE),
	    "would wrap loan_count");
	CHECK(m);
	assert_int_equal(zp->loan_count, UINT_MAX);
	assert_true(tu_is_zero(m, zp));
	set_loans(zp, 2, 2);
	uvm_unloan(pgs, 2, UVM_LOAN_TOPAGE);
	CHECK(m);
	assert_int_equal(zp->loan_count, 0);
	uvm_unmap(map, VA, VA + 2 * ps);
	CHECK(m);
}

/* No page for the zero page: EINVAL, nothing lent; later it is made. */
static void
test_modern_zero_page_nomem(void **state)
{
	struct vm_page *pgs[NMAX];
	int free0;

	(void)state;
	map_anon(VA, 2);
	free0 = ux->free;
	uvmsim_failpoint_set(m, "uvm_pagealloc", 1, 1);
	assert_int_equal(uvm_loan(map, VA, 2 * ps, pgs, UVM_LOAN_TOPAGE),
	    EINVAL);
	CHECK(m);
	assert_int_equal(ux->free, free0);
	assert_int_equal(uvm_loan(map, VA, 2 * ps, pgs, UVM_LOAN_TOPAGE), 0);
	CHECK(m);
	assert_ptr_equal(pgs[0], pgs[1]);
	assert_int_equal(pgs[0]->loan_count, 2);
	uvm_unloan(pgs, 2, UVM_LOAN_TOPAGE);
	CHECK(m);
	uvm_unmap(map, VA, VA + 2 * ps);
	CHECK(m);
}

/*
 * No object-to-anon loans: EINVAL before any I/O, nothing lent.  Anons
 * still lend themselves (A->A), and lend their pages to the kernel with
 * PG_ANON, where 1.39 has PQ_ANON.
 */
static void
test_modern_no_object_to_anon(void **state)
{
	struct uvm_object *f = map_file(VA, 2, 1, 60);
	struct vm_anon *anons[NMAX], *a;
	struct vm_page *pg0, *pgs[NMAX];
	int anons0;

	(void)state;
	(void)get(VA);			/* page 0 resident, page 1 not */
	CHECK(m);
	pg0 = mapped(VA);
	anons0 = ux->nanon - ux->nfreeanon;
	assert_int_equal(uvm_loan(map, VA, 2 * ps, anons, UVM_LOAN_TOANON),
	    EINVAL);
	CHECK(m);
	assert_int_equal(ux->nanon - ux->nfreeanon, anons0);
	assert_int_equal(pg0->loan_count, 0);
	assert_null(pg0->uanon);
	assert_true(file_frame(pg0, 60, 0));
	simple_lock(&f->vmobjlock);
	assert_null(uvm_pagelookup(f, (voff_t)ps));	/* never read in */
	simple_unlock(&f->vmobjlock);

	/* The private copy of page 1 is an anon's: A->A, then A->K. */
	put(VA + ps, 0x77);
	CHECK(m);
	a = anon_at(VA + ps);
	assert_non_null(a);
	assert_true(a->u.an_page->flags & PG_ANON);
	assert_false(a->u.an_page->pqflags & PQ_ANON);
	assert_int_equal(uvm_loan(map, VA + ps, ps, anons, UVM_LOAN_TOANON),
	    0);
	CHECK(m);
	assert_ptr_equal(anons[0], a);
	assert_int_equal(a->an_ref, 2);
	assert_int_equal(uvm_loan(map, VA + ps, ps, pgs, UVM_LOAN_TOPAGE), 0);
	CHECK(m);
	assert_ptr_equal(pgs[0], a->u.an_page);
	assert_true(pgs[0]->pqflags & PQ_ACTIVE);
	assert_int_equal(word(pgs[0], 0), 0x77);
	uvm_unloan(pgs, 1, UVM_LOAN_TOPAGE);
	uvm_unloan(anons, 1, UVM_LOAN_TOANON);
	CHECK(m);
	assert_int_equal(a->an_ref, 1);
	uvm_unmap(map, VA, VA + 2 * ps);
	f->pgops->pgo_detach(f);
	CHECK(m);
}

#endif /* TU_KERNEL_LOAN */

#define T(fn)	cmocka_unit_test_setup_teardown(fn, setup, teardown)
#define TM(fn)	cmocka_unit_test_setup_teardown(fn, setup_modern, teardown)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_anon_to_kernel),
		T(test_anon_to_anon),
		T(test_object_to_kernel),
		T(test_object_to_anon),
		T(test_zero_loans),
		T(test_two_entries),
		T(test_hole),
		T(test_file_io),
		T(test_lent_page_refault),
		T(test_fp_analloc),
		T(test_fp_analloc_read_in),
		T(test_fp_pgo_eio),
		T(test_fp_pgo_io),
		T(test_eagain),
		T(test_fp_pagealloc),
		T(test_fp_lock_try),
		T(test_owner_frees),
		T(test_adoption),
		T(test_adoption_at_fault),
		T(test_fork_after_loan),
		T(test_fork_before_loan),
		T(test_shared_by_two),
#ifndef TU_KERNEL_LOAN
		T(test_step_loananon),
		T(test_step_loanuobj),
		T(test_step_loanzero),
		T(test_step_loanentry),
#endif
		T(test_io_released),
		T(test_io_slot_filled),
		T(test_io_map_changed),
		T(test_shared_anon_untouched),
		T(test_own_object_borrowed),
		T(test_wired),
		T(test_bad_flags),
		T(test_loan_errors),
		T(test_loan_count_wrap),
		T(test_anon_ref_wrap),
#ifdef TU_KERNEL_LOAN
		cmocka_unit_test(test_kernel_refuses_modern),
#else
		TM(test_modern_zero_page),
		TM(test_modern_zero_page_wrap),
		TM(test_modern_zero_page_nomem),
		TM(test_modern_no_object_to_anon),
#endif
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
