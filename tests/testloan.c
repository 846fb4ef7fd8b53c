/*
 * testloan.c: the loan suites' machine and process, their regions and
 * accessors, and the test pager whose I/O others can interfere with
 * (testloan.h says what each is for).
 */
#include "testloan.h"

#include <errno.h>
#include <stdlib.h>

struct uvmsim_machine *m;
struct uvmexp *ux;
struct proc *p;
struct vm_map *map;
size_t ps;
struct vm_anon *hook_anon;

/* A machine with the given loan behaviour, and one process. */
static int
setup_with(const char *behaviour)
{
	struct uvmsim_config cfg;

	tu_config(&cfg, 256);
	cfg.loan = behaviour;
	m = tu_proc_setup_cfg(&cfg, &p, &map, &ps);
	ux = uvmsim_uvmexp(m);
	return 0;
}

/* The behaviour under test (tu_loan_behaviour). */
int
tl_setup(void **state)
{
	(void)state;
	return setup_with(tu_loan_behaviour());
}

#ifndef TU_KERNEL_LOAN	/* the kernel file knows 1.39 only */
/* The modern behaviour, whatever is under test. */
int
tl_setup_modern(void **state)
{
	(void)state;
	return setup_with("modern");
}
#endif

int
tl_teardown(void **state)
{
	(void)state;
	tu_proc_teardown(m, p, TU_ANONS_FREE);
	return 0;
}

/* ---- regions ---------------------------------------------------------- */

/* Private anonymous memory (copy-on-write), untouched. */
void
map_anon(vaddr_t va, int npages)
{
	tu_map_anon(m, map, va, npages, VM_PROT_READ | VM_PROT_WRITE,
	    UVM_INH_COPY, UVM_ADV_NORMAL, 0);
}

/* Byte j of page i of a file made with seed. */
uint8_t
fbyte(uint32_t seed, int i, size_t j)
{
	return (uint8_t)(seed + i * 17 + j * 7 + (j >> 8));
}

/*
 * A file of npages pages filled with fbyte(seed, ...), mapped at va
 * (private: copy-on-write).  The caller keeps the file's first reference
 * and gives it back with pgo_detach; the mapping holds another.
 */
struct uvm_object *
map_file(vaddr_t va, int npages, int private, uint8_t seed)
{
	struct uvm_object *f;

	f = tu_file_pattern(m, npages, ps, fbyte, seed);
	f->pgops->pgo_reference(f);
	tu_map_object(m, map, va, f, npages, UVM_INH_COPY, UVM_ADV_NORMAL,
	    private ? UVM_FLAG_COPYONW : 0);
	return f;
}

/* Whether pg holds page i of a file made with seed. */
int
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

void
put(vaddr_t va, uint64_t v)
{
	assert_int_equal(uvmsim_store(m, 0, p->p_vmspace, va, 8, v), 0);
}

uint64_t
get(vaddr_t va)
{
	uint64_t v = 0;

	assert_int_equal(uvmsim_load(m, 0, p->p_vmspace, va, 8, &v), 0);
	return v;
}

/* Mark each page: its first word tag + i, its last word ~(tag + i). */
void
fill(vaddr_t va, int npages, uint64_t tag)
{
	int i;

	for (i = 0; i < npages; i++) {
		put(va + (vaddr_t)i * ps, tag + (uint64_t)i);
		put(va + (vaddr_t)i * ps + ps - 8, ~(tag + (uint64_t)i));
	}
	CHECK(m);
}

void
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

uint64_t
word(struct vm_page *pg, size_t off)
{
	return tu_word(m, pg, off);
}

/* Whether pg's frame carries the marks fill() leaves for tag. */
int
frame_has(struct vm_page *pg, uint64_t tag)
{
	return word(pg, 0) == tag && word(pg, ps - 8) == ~tag;
}

struct vm_page *
mapped(vaddr_t va)
{
	paddr_t pa;

	if (!pmap_extract(map->pmap, va, &pa))
		return NULL;
	return PHYS_TO_VM_PAGE(pa);
}

vm_prot_t
prot_at(vaddr_t va)
{
	paddr_t pa;
	vm_prot_t prot = 0;

	if (uvmsim_translate(m, p->p_vmspace, va, &pa, &prot) != 0)
		return VM_PROT_NONE;
	return prot;
}

/* The anon in the amap slot of va, or NULL. */
struct vm_anon *
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

int
queued(const struct vm_page *pg)
{
	return (pg->pqflags & (PQ_ACTIVE | PQ_INACTIVE)) != 0;
}

/*
 * Where an owned page lent to the kernel sits: off the paging queues in
 * 1.39, on the active queue in the modern behaviour (whose page daemon
 * knows what to do with lent pages).
 */
void
assert_kernel_lent(const struct vm_page *pg)
{
	if (tu_modern())
		assert_true(pg->pqflags & PQ_ACTIVE);
	else
		assert_false(queued(pg));
}

/* A hook that only counts its runs (uvmsim_hook_runs). */
void
count_runs_hook(struct uvmsim_machine *mm, const char *point, void *arg)
{
	(void)mm;
	(void)point;
	(void)arg;
}

#ifdef TU_KERNEL_LOAN
/*
 * Against NetBSD's uvm_loan.c (tests/conformance): where its outcome is
 * a listed difference (tests/conformance/EXPECTED-DIFFERENCES.md), a test
 * asserts that outcome instead of the native module's, then puts right
 * what the kernel file left, so that the rest of the test runs.
 */

/* D4: the failed loan left the map read-locked and the amap of the
 * entry at va locked; the checker names both; unlock them. */
void
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

/*
 * set_loans: a test cannot make 2^32 loans.  This brings a count to the
 * edge by hand, as loans would: loan_count with the page's owner and the
 * page queues locked (the rule the loan-lock watch checks), and the loan
 * ledger's kloan_count with it, so that the checker's loan.count still
 * holds.
 */
void
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

/* ---- a pager whose I/O others can interfere with ---------------------- */

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
struct tpager *
map_tpager(vaddr_t va, int npages, int private)
{
	struct tpager *tp = calloc(1, sizeof(*tp));

	assert_non_null(tp);
	tp->npages = npages;
	uvm_obj_init(&tp->obj, &tp_ops, 1);
	tu_map_object(m, map, va, &tp->obj, npages, UVM_INH_COPY,
	    UVM_ADV_NORMAL, private ? UVM_FLAG_COPYONW : 0);
	return tp;
}

/* Hook: the page being read is released (pgo_put with PGO_FREE of a busy
 * page), as a pager flush on another CPU would. */
void
hook_release(struct tpager *tp, struct vm_page *pg)
{
	simple_lock(&tp->obj.vmobjlock);
	pg->flags |= PG_RELEASED;
	simple_unlock(&tp->obj.vmobjlock);
}

/* Hook: another thread's write fault puts a fresh anon in the amap slot
 * of hook_va (the map only read-locked: its timestamp stays). */
void
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
void
hook_unmap_other(struct tpager *tp, struct vm_page *busy)
{
	(void)busy;
	uvm_unmap(map, tp->hook_va, tp->hook_va + ps);
}
