/*
 * test_map.c: maps and their entries: uvm_map with every kind of backing
 * and every bad argument, unmap with clipping, protection, inheritance,
 * advice, wiring, lookup, fork (share, copy, none, wired), kernel memory,
 * amap chunking, the map lock and the map checker.  Data is checked
 * through the MMU (uvmsim_load/uvmsim_store) and the checker runs after
 * every step.
 */
#include "testutil.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>

#define VA	0x400000UL		/* where fixed mappings go */

static struct uvmsim_machine *m;
static struct proc *p;
static struct vm_map *map;
static size_t ps;

static int
setup(void **state)
{
	(void)state;
	m = tu_proc_setup(256, &p, &map, &ps);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	tu_proc_teardown(m, p, 0);
	return 0;
}

/* ---- helpers ------------------------------------------------------------ */

static uvm_flag_t
flags_rw(int inh, int extra)
{
	return UVM_MAPFLAG(VM_PROT_READ | VM_PROT_WRITE, VM_PROT_ALL, inh,
	    UVM_ADV_NORMAL, extra);
}

/* Private anonymous memory at exactly va. */
static void
map_anon(struct vm_map *mp, vaddr_t va, int npages, int inh, int extra)
{
	tu_map_anon(m, mp, va, npages, VM_PROT_READ | VM_PROT_WRITE, inh,
	    UVM_ADV_NORMAL, extra);
}

static void
st(struct proc *pr, vaddr_t va, uint64_t val)
{
	assert_int_equal(uvmsim_store(m, 0, pr->p_vmspace, va, 8, val), 0);
}

static uint64_t
ld(struct proc *pr, vaddr_t va)
{
	uint64_t val = 0;

	assert_int_equal(uvmsim_load(m, 0, pr->p_vmspace, va, 8, &val), 0);
	return val;
}

static int
ld_err(struct proc *pr, vaddr_t va)
{
	uint64_t val;

	return uvmsim_load(m, 0, pr->p_vmspace, va, 8, &val);
}

static int
st_err(struct proc *pr, vaddr_t va, uint64_t val)
{
	return uvmsim_store(m, 0, pr->p_vmspace, va, 8, val);
}

/* The entry holding va (asserting there is one), looked up locked. */
static struct vm_map_entry *
entry_at(struct vm_map *mp, vaddr_t va)
{
	struct vm_map_entry *e;

	vm_map_lock_read(mp);
	assert_true(uvm_map_lookup_entry(mp, va, &e));
	vm_map_unlock_read(mp);
	return e;
}

/*
 * Wired data pages of [va, va + npages pages) of mp: each mapped page
 * wired exactly want times.  (uvmexp.wired also counts page-table pages,
 * whose wire_count the pmap uses as a count of valid entries, so tests
 * check the data pages themselves and that uvmexp.wired comes back.)
 */
static void
expect_wired(struct vm_map *mp, vaddr_t va, int npages, int want)
{
	paddr_t pa;
	int i;

	for (i = 0; i < npages; i++) {
		assert_true(pmap_extract(mp->pmap, va + (vaddr_t)i * ps, &pa));
		assert_int_equal(PHYS_TO_VM_PAGE(pa)->wire_count, want);
	}
}

static int
live_anons(void)
{
	struct uvmexp *ux = uvmsim_uvmexp(m);

	return ux->nanon - ux->nfreeanon;
}

static void
expect_error(int got, int want, const char *text)
{
	assert_int_equal(got, want);
	if (strstr(uvmsim_last_error(), text) == NULL)
		fail_msg("error \"%s\" lacks \"%s\"", uvmsim_last_error(),
		    text);
}

/* A file of npages pages, page i filled with bytes seed + i. */
static struct uvm_object *
file_new(int npages, uint8_t seed)
{
	struct uvm_object *f;
	uint8_t *buf;
	int i;

	buf = malloc(ps);
	assert_non_null(buf);
	assert_int_equal(uvmsim_file_create(m, (size_t)npages * ps, &f), 0);
	for (i = 0; i < npages; i++) {
		memset(buf, seed + i, ps);
		assert_int_equal(uvmsim_file_write(m, f, (size_t)i * ps, buf,
		    ps), 0);
	}
	free(buf);
	return f;
}

static uint64_t
bytes8(uint8_t b)
{
	return 0x0101010101010101ULL * b;
}

/* ---- tests -------------------------------------------------------------- */

static void
test_map_anywhere(void **state)
{
	const struct uvmsim_vmparam *vp = uvmsim_vmparam(m);
	struct vm_map_entry *e;
	vaddr_t a = 0, b = 0, c, d;

	(void)state;
	/* First fit from the bottom of the map. */
	assert_int_equal(uvm_map(map, &a, 2 * ps, NULL, UVM_UNKNOWN_OFFSET, 0,
	    flags_rw(UVM_INH_COPY, UVM_FLAG_COPYONW)), 0);
	CHECK(m);
	assert_int_equal(a, vp->user_min);
	assert_int_equal(uvm_map(map, &b, 3 * ps, NULL, UVM_UNKNOWN_OFFSET, 0,
	    flags_rw(UVM_INH_COPY, UVM_FLAG_COPYONW)), 0);
	CHECK(m);
	assert_int_equal(b, a + 2 * ps);		/* no merging */
	assert_int_equal(map->nentries, 2);
	assert_int_equal(map->size, 5 * ps);
	/* A hint inside a mapping finds the first hole above it. */
	c = a + ps;
	assert_int_equal(uvm_map(map, &c, ps, NULL, UVM_UNKNOWN_OFFSET, 0,
	    flags_rw(UVM_INH_COPY, UVM_FLAG_COPYONW)), 0);
	CHECK(m);
	assert_int_equal(c, b + 3 * ps);
	/* Alignment. */
	d = 0;
	assert_int_equal(uvm_map(map, &d, ps, NULL, UVM_UNKNOWN_OFFSET,
	    16 * ps, flags_rw(UVM_INH_COPY, UVM_FLAG_COPYONW)), 0);
	CHECK(m);
	assert_int_equal(d % (16 * ps), 0);
	assert_true(d >= c + ps);

	/* Private anonymous memory: copy-on-write, needs copy, no amap. */
	e = entry_at(map, b);
	assert_int_equal(e->etype, UVM_ET_COPYONWRITE | UVM_ET_NEEDSCOPY);
	assert_null(e->aref.ar_amap);
	assert_null(e->object.uvm_obj);
	assert_int_equal(e->protection, VM_PROT_READ | VM_PROT_WRITE);
	assert_int_equal(e->max_protection, VM_PROT_ALL);
	assert_int_equal(e->inheritance, MAP_INHERIT_COPY);

	/* Zero-filled, and it keeps what is written. */
	assert_int_equal(ld(p, b + 8), 0);
	st(p, b + ps, 0x1234);
	CHECK(m);
	assert_int_equal(ld(p, b + ps), 0x1234);
	assert_non_null(entry_at(map, b)->aref.ar_amap);

	uvm_unmap(map, a, d + ps);
	CHECK(m);
	assert_int_equal(map->nentries, 0);
	assert_int_equal(map->size, 0);
	assert_int_equal(live_anons(), 0);
}

static void
test_map_fixed(void **state)
{
	vaddr_t va;

	(void)state;
	/*
	 *   VA        VA+2      VA+4
	 *   [ A  A  ][ B  B  ]
	 */
	map_anon(map, VA, 2, UVM_INH_COPY, 0);
	map_anon(map, VA + 2 * ps, 2, UVM_INH_COPY, 0);
	assert_int_equal(map->nentries, 2);
	va = VA + ps;
	expect_error(uvm_map(map, &va, ps, NULL, UVM_UNKNOWN_OFFSET, 0,
	    flags_rw(UVM_INH_COPY, UVM_FLAG_FIXED | UVM_FLAG_COPYONW)), ENOMEM,
	    "overlaps an entry");
	va = VA - ps;
	expect_error(uvm_map(map, &va, 2 * ps, NULL, UVM_UNKNOWN_OFFSET, 0,
	    flags_rw(UVM_INH_COPY, UVM_FLAG_FIXED | UVM_FLAG_COPYONW)), ENOMEM,
	    "overlaps an entry");
	assert_int_equal(va, VA - ps);			/* untouched */
	CHECK(m);
	assert_int_equal(map->nentries, 2);
	st(p, VA, 1);
	st(p, VA + 3 * ps, 2);
	assert_int_equal(ld(p, VA), 1);
	assert_int_equal(ld(p, VA + 3 * ps), 2);
	uvm_unmap(map, VA, VA + 4 * ps);
	CHECK(m);
}

static void
test_bad_args(void **state)
{
	const struct uvmsim_vmparam *vp = uvmsim_vmparam(m);
	struct uvm_object *f;
	vaddr_t va;
	uint64_t clock;

	(void)state;
	map_anon(map, VA, 1, UVM_INH_COPY, 0);
	clock = uvmsim_clock(m);
#define BAD(sz, flg, err, text) do {					\
	va = VA + 8 * ps;						\
	expect_error(uvm_map(map, &va, (sz), NULL, UVM_UNKNOWN_OFFSET,	\
	    0, (flg)), (err), (text));					\
	CHECK(m);							\
} while (0)
	BAD(0, flags_rw(UVM_INH_COPY, UVM_FLAG_FIXED), EINVAL, "size");
	BAD(ps + 1, flags_rw(UVM_INH_COPY, UVM_FLAG_FIXED), EINVAL, "size");
	BAD(vp->user_max - vp->user_min + ps, flags_rw(UVM_INH_COPY, 0),
	    EINVAL, "size");
	BAD(ps, UVM_MAPFLAG(VM_PROT_ALL, VM_PROT_READ, UVM_INH_COPY,
	    UVM_ADV_NORMAL, UVM_FLAG_FIXED), EINVAL,
	    "uvm_map: protection 0x7 exceeds maximum 0x1");
	BAD(ps, flags_rw(UVM_INH_COPY, UVM_FLAG_FIXED) | 0x08000000, EINVAL,
	    "flags");
	BAD(ps, UVM_MAPFLAG(VM_PROT_READ, VM_PROT_ALL, 0x30, UVM_ADV_NORMAL,
	    UVM_FLAG_FIXED), EINVAL, "inheritance");
	BAD(ps, UVM_MAPFLAG(VM_PROT_READ, VM_PROT_ALL, UVM_INH_COPY, 5,
	    UVM_FLAG_FIXED), EINVAL, "advice");
	/* An overlay larger than an amap holds (INT_MAX slots, padding
	 * included), where the map is that large: refused before anything
	 * is allocated, nothing left behind. */
	if ((vp->user_max - vp->user_min) / ps > (vsize_t)INT_MAX) {
		long allocs = uvmsim_host_allocs();

		BAD(((vsize_t)INT_MAX + 1) * ps, flags_rw(UVM_INH_COPY,
		    UVM_FLAG_OVERLAY), ENOMEM, "more than an amap holds");
		BAD(((vsize_t)INT_MAX - UVM_AMAP_CHUNK + 1) * ps,
		    flags_rw(UVM_INH_COPY, UVM_FLAG_OVERLAY |
		    UVM_FLAG_AMAPPAD), ENOMEM, "more than an amap holds");
		assert_int_equal(uvmsim_host_allocs(), allocs);
	}
	/* Fixed addresses: aligned, inside, free. */
	va = VA + 1;
	expect_error(uvm_map(map, &va, ps, NULL, UVM_UNKNOWN_OFFSET, 0,
	    flags_rw(UVM_INH_COPY, UVM_FLAG_FIXED)), EINVAL, "addr");
	va = vp->user_max - ps;
	expect_error(uvm_map(map, &va, 2 * ps, NULL, UVM_UNKNOWN_OFFSET, 0,
	    flags_rw(UVM_INH_COPY, UVM_FLAG_FIXED)), EINVAL, "addr");
	va = VA + ps;
	expect_error(uvm_map(map, &va, ps, NULL, UVM_UNKNOWN_OFFSET, 4 * ps,
	    flags_rw(UVM_INH_COPY, UVM_FLAG_FIXED)), EINVAL, "aligned");
	expect_error(uvm_map(map, &va, ps, NULL, UVM_UNKNOWN_OFFSET, 3 * ps,
	    flags_rw(UVM_INH_COPY, 0)), EINVAL, "align");
	/* No room above the hint. */
	va = vp->user_max - ps;
	expect_error(uvm_map(map, &va, 2 * ps, NULL, UVM_UNKNOWN_OFFSET, 0,
	    flags_rw(UVM_INH_COPY, 0)), ENOMEM, "no free range");
	expect_error(uvm_map(NULL, &va, ps, NULL, 0, 0, 0), EINVAL, "map");
	expect_error(uvm_map(map, NULL, ps, NULL, 0, 0, 0), EINVAL, "startp");
	/* An object offset must be page aligned; the caller keeps its
	 * reference when the call fails. */
	f = file_new(2, 1);
	va = VA + 8 * ps;
	expect_error(uvm_map(map, &va, ps, f, 3, 0,
	    flags_rw(UVM_INH_COPY, UVM_FLAG_FIXED)), EINVAL, "uoffset");
	assert_int_equal(f->uo_refs, 1);
	/* A locked map and UVM_FLAG_TRYLOCK. */
	vm_map_lock_read(map);
	expect_error(uvm_map(map, &va, ps, NULL, UVM_UNKNOWN_OFFSET, 0,
	    flags_rw(UVM_INH_COPY, UVM_FLAG_FIXED | UVM_FLAG_TRYLOCK)), EAGAIN,
	    "locked");
	vm_map_unlock_read(map);
	CHECK(m);
	/* Nothing changed: no event, one entry. */
	assert_int_equal(map->nentries, 1);
	assert_true(uvmsim_clock(m) - clock < 8);	/* only the file's */

	/* The other calls. */
	expect_error(uvm_map_protect(map, VA + 1, VA + ps, VM_PROT_READ,
	    FALSE), EINVAL, "page aligned");
	expect_error(uvm_map_protect(map, VA, VA + 2 * ps, VM_PROT_READ,
	    FALSE), EINVAL, "is not mapped");
	expect_error(uvm_map_protect(map, VA, VA + ps, 0x10, FALSE), EINVAL,
	    "unknown bits");
	expect_error(uvm_map_inherit(map, VA, VA + ps, 7), EINVAL,
	    "inheritance");
	expect_error(uvm_map_inherit(map, VA, VA + ps,
	    MAP_INHERIT_DONATE_COPY), EINVAL, "inheritance");
	expect_error(uvm_map_advice(map, VA, VA + ps, 9), EINVAL, "advice");
	expect_error(uvm_map_advice(map, VA, vp->user_max + ps,
	    UVM_ADV_RANDOM), EINVAL, "page aligned");
	expect_error(uvm_map_pageable(map, VA, VA + 2 * ps, FALSE, 0), EINVAL,
	    "is not mapped");
	expect_error(uvm_map_pageable(map, VA, VA + ps, TRUE, 0), EINVAL,
	    "is not wired");
	CHECK(m);
	EXPECT_PANIC(m, uvm_unmap(map, VA, VA + ps + 1), "uvm_unmap");
	CHECK(m);
	assert_int_equal(uvm_map_advice(map, VA, VA + ps, UVM_ADV_RANDOM), 0);
	assert_int_equal(entry_at(map, VA)->advice, UVM_ADV_RANDOM);
	uvm_unmap(map, VA, VA + ps);
	f->pgops->pgo_detach(f);
	CHECK(m);
#undef BAD
}

static void
test_overlay(void **state)
{
	struct vm_map_entry *e;
	vaddr_t va = VA;

	(void)state;
	/*
	 * Shared anonymous memory: an amap now, no copy-on-write; then a
	 * private region with its amap made at once (overlay).
	 *
	 *   VA                 VA+4          VA+8      VA+10
	 *   [ .  .  .  .  ]  (hole)          [ .  . ]
	 *    shared amap, 4 slots             COW, own amap,
	 *    (+ UVM_AMAP_CHUNK spare)          no needs-copy
	 */
	assert_int_equal(uvm_map(map, &va, 4 * ps, NULL, UVM_UNKNOWN_OFFSET,
	    0, flags_rw(UVM_INH_SHARE, UVM_FLAG_FIXED | UVM_FLAG_OVERLAY |
	    UVM_FLAG_AMAPPAD)), 0);
	CHECK(m);
	e = entry_at(map, VA);
	assert_int_equal(e->etype, 0);
	assert_non_null(e->aref.ar_amap);
	assert_int_equal(e->aref.ar_amap->am_nslot, 4);
	assert_int_equal(e->aref.ar_amap->am_maxslot, 4 + UVM_AMAP_CHUNK);
	/* Private with an amap from the start: no needs-copy. */
	va = VA + 8 * ps;
	assert_int_equal(uvm_map(map, &va, 2 * ps, NULL, UVM_UNKNOWN_OFFSET,
	    0, flags_rw(UVM_INH_COPY, UVM_FLAG_FIXED | UVM_FLAG_OVERLAY |
	    UVM_FLAG_COPYONW)), 0);
	CHECK(m);
	e = entry_at(map, va);
	assert_int_equal(e->etype, UVM_ET_COPYONWRITE);
	assert_non_null(e->aref.ar_amap);
	st(p, VA + ps, 7);
	st(p, va, 8);
	CHECK(m);
	assert_int_equal(ld(p, VA + ps), 7);
	assert_int_equal(ld(p, va), 8);
	uvm_unmap(map, VA, VA + 10 * ps);
	CHECK(m);
	assert_int_equal(live_anons(), 0);
}

/*
 * An aobj is mapped only inside its size: a range past its end (by the
 * size, by the offset, or by the offset UVM_UNKNOWN_OFFSET gives at the
 * address chosen) is refused with EINVAL naming the argument; nothing is
 * mapped, and the caller keeps its reference, as on every failure of
 * uvm_map.  (It was mapped, and the first fault past the end tripped
 * uao_get's assertion.)  A range that ends at the end is mapped.
 *
 *	aobj:    | 0 | 1 |
 *	refused: | 0 | 1 | 2 |      size 3 pages at offset 0
 *	                 | 1 | 2 |  size 2 pages at offset 1
 *	                     | 2 |  offset 2
 */
static void
test_aobj_past_end(void **state)
{
	struct uvm_object *ao = uao_create(2 * ps, 0);
	uint64_t clock;
	vaddr_t va;
	paddr_t pa;
	vm_prot_t prot;
	int i;
	static const struct {
		int	npages;		/* size */
		voff_t	off;		/* uoffset, in pages (-1: unknown) */
		const char *text;	/* what the message names */
	} bad[] = {
		{ 3, 0, "uvm_map: size: " },
		{ 2, 1, "uvm_map: size: " },
		{ 1, 2, "uvm_map: uoffset: " },
		{ 1, -1, "uvm_map: uoffset (UVM_UNKNOWN_OFFSET" },
	};

	(void)state;
	assert_non_null(ao);
	CHECK(m);
	clock = uvmsim_clock(m);
	for (i = 0; i < (int)(sizeof(bad) / sizeof(bad[0])); i++) {
		va = VA;
		expect_error(uvm_map(map, &va, (vsize_t)bad[i].npages * ps, ao,
		    bad[i].off < 0 ? UVM_UNKNOWN_OFFSET :
		    bad[i].off * (voff_t)ps, 0,
		    flags_rw(UVM_INH_SHARE, UVM_FLAG_FIXED)), EINVAL,
		    bad[i].text);
		assert_non_null(strstr(uvmsim_last_error(), "past the end of "
		    "aobj"));
		CHECK(m);
		assert_int_equal(va, VA);
		assert_int_equal(map->nentries, 0);
		assert_int_equal(ao->uo_refs, 1);
		assert_int_equal(uvmsim_translate(m, p->p_vmspace, VA, &pa,
		    &prot), ENOENT);
	}
	/* The same without UVM_FLAG_FIXED. */
	va = VA;
	expect_error(uvm_map(map, &va, 3 * ps, ao, 0, 0,
	    flags_rw(UVM_INH_SHARE, 0)), EINVAL, "uvm_map: size: ");
	CHECK(m);
	assert_int_equal(map->nentries, 0);
	assert_int_equal(ao->uo_refs, 1);
	assert_int_equal(uvmsim_clock(m), clock);	/* nothing happened */

	/* Up to the end: mapped, and every page reachable. */
	va = VA;
	ao->pgops->pgo_reference(ao);
	assert_int_equal(uvm_map(map, &va, ps, ao, ps, 0,
	    flags_rw(UVM_INH_SHARE, UVM_FLAG_FIXED)), 0);
	CHECK(m);
	assert_int_equal(ao->uo_refs, 2);
	assert_int_equal(ld(p, VA), 0);
	st(p, VA, 0x4242);
	CHECK(m);
	assert_int_equal(ld(p, VA), 0x4242);
	uvm_unmap(map, VA, VA + ps);
	CHECK(m);
	assert_int_equal(ao->uo_refs, 1);
	uao_detach(ao);
	CHECK(m);
}

/*
 * A file may be mapped past its end, as mmap(2) allows: the pages up to
 * round_page(size) read the file (zeros past its last byte); an access
 * to a page wholly past the end fails (the pager says EINVAL: the
 * process's SIGBUS) and changes nothing.
 */
static void
test_file_past_end(void **state)
{
	struct uvm_object *f;
	struct uvmsim_segv sg;
	uint8_t byte = 0x3c;
	uint64_t v;
	vaddr_t va = VA;

	(void)state;
	assert_int_equal(uvmsim_file_create(m, ps + 8, &f), 0);
	assert_int_equal(uvmsim_file_write(m, f, ps, &byte, 1), 0);
	f->pgops->pgo_reference(f);
	assert_int_equal(uvm_map(map, &va, 3 * ps, f, 0, 0,
	    flags_rw(UVM_INH_SHARE, UVM_FLAG_FIXED)), 0);
	CHECK(m);
	assert_int_equal(ld(p, VA + ps), 0x3c);
	assert_int_equal(ld(p, VA + ps + 8), 0);
	CHECK(m);
	assert_int_equal(uvmsim_load(m, 0, p->p_vmspace, VA + 2 * ps, 8, &v),
	    EFAULT);
	uvmsim_last_segv(m, &sg);
	assert_int_equal(sg.addr, VA + 2 * ps);
	assert_int_equal(sg.error, EINVAL);
	CHECK(m);
	assert_int_equal(f->uo_npages, 1);	/* page 1 only */
	uvm_unmap(map, VA, VA + 3 * ps);
	CHECK(m);
	f->pgops->pgo_detach(f);
	CHECK(m);
}

static void
test_object(void **state)
{
	struct uvm_object *f;
	struct vm_map_entry *e;
	vaddr_t sh = VA, pr = VA + 8 * ps, hole = VA + 16 * ps;

	(void)state;
	f = file_new(4, 0x10);
	/* Shared, at offset 0; the map takes a reference of its own. */
	f->pgops->pgo_reference(f);
	assert_int_equal(uvm_map(map, &sh, 4 * ps, f, 0, 0,
	    flags_rw(UVM_INH_SHARE, UVM_FLAG_FIXED)), 0);
	CHECK(m);
	/* Private, from the second page on. */
	f->pgops->pgo_reference(f);
	assert_int_equal(uvm_map(map, &pr, 3 * ps, f, ps, 0,
	    flags_rw(UVM_INH_COPY, UVM_FLAG_FIXED | UVM_FLAG_COPYONW)), 0);
	CHECK(m);
	assert_int_equal(f->uo_refs, 3);
	e = entry_at(map, sh);
	assert_int_equal(e->etype, UVM_ET_OBJ);
	assert_ptr_equal(e->object.uvm_obj, f);
	e = entry_at(map, pr);
	assert_int_equal(e->etype, UVM_ET_OBJ | UVM_ET_COPYONWRITE |
	    UVM_ET_NEEDSCOPY);
	assert_int_equal(e->offset, (voff_t)ps);

	/* Both see the file. */
	assert_int_equal(ld(p, sh + 2 * ps), bytes8(0x12));
	assert_int_equal(ld(p, pr + ps), bytes8(0x12));
	/* A shared write reaches the object; the private mapping sees it
	 * until it writes itself. */
	st(p, sh + 2 * ps, 0xabcd);
	CHECK(m);
	assert_int_equal(ld(p, pr + ps), 0xabcd);
	st(p, pr + ps, 0x5555);
	CHECK(m);
	assert_int_equal(ld(p, pr + ps), 0x5555);
	assert_int_equal(ld(p, sh + 2 * ps), 0xabcd);
	st(p, sh + 2 * ps, 0x6666);
	assert_int_equal(ld(p, pr + ps), 0x5555);	/* its own copy now */

	/* UVM_UNKNOWN_OFFSET: the offset of the address in the map. */
	f->pgops->pgo_reference(f);
	assert_int_equal(uvm_map(map, &hole, ps, f, UVM_UNKNOWN_OFFSET, 0,
	    flags_rw(UVM_INH_SHARE, UVM_FLAG_FIXED)), 0);
	assert_int_equal(entry_at(map, hole)->offset,
	    (voff_t)(hole - vm_map_min(map)));
	uvm_unmap(map, hole, hole + ps);
	CHECK(m);

	/* Clipping a mapping gives each part its own reference. */
	assert_int_equal(uvm_map_protect(map, sh + ps, sh + 2 * ps,
	    VM_PROT_READ, FALSE), 0);
	CHECK(m);
	assert_int_equal(map->nentries, 4);
	assert_int_equal(f->uo_refs, 5);
	assert_int_equal(entry_at(map, sh + 2 * ps)->offset,
	    (voff_t)(2 * ps));
	assert_int_equal(ld(p, sh + 3 * ps), bytes8(0x13));

	uvm_unmap(map, sh, sh + 4 * ps);
	CHECK(m);
	assert_int_equal(f->uo_refs, 2);
	uvm_unmap(map, pr, pr + 3 * ps);
	CHECK(m);
	assert_int_equal(f->uo_refs, 1);
	assert_int_equal(live_anons(), 0);
	f->pgops->pgo_detach(f);
	CHECK(m);
}

static void
test_unmap_partial(void **state)
{
	struct vm_map_entry *e1, *e2;
	struct vm_amap *amap;
	int i;

	(void)state;
	map_anon(map, VA, 8, UVM_INH_COPY, 0);
	for (i = 0; i < 8; i++)
		st(p, VA + (vaddr_t)i * ps, 100 + (uint64_t)i);
	CHECK(m);
	assert_int_equal(live_anons(), 8);
	amap = entry_at(map, VA)->aref.ar_amap;
	assert_non_null(amap);

	/*
	 * Unmap the middle:
	 *   VA                          VA+8
	 *   [ 0  1  2 ][ x  x ][ 5  6  7 ]   one amap, two references
	 */
	uvm_unmap(map, VA + 3 * ps, VA + 5 * ps);
	CHECK(m);
	assert_int_equal(map->nentries, 2);
	assert_int_equal(map->size, 6 * ps);
	e1 = entry_at(map, VA);
	e2 = entry_at(map, VA + 5 * ps);
	assert_ptr_equal(e1->aref.ar_amap, amap);
	assert_ptr_equal(e2->aref.ar_amap, amap);
	assert_int_equal(e1->aref.ar_pageoff, 0);
	assert_int_equal(e2->aref.ar_pageoff, 5);
	assert_int_equal(amap->am_ref, 2);
	assert_int_equal(live_anons(), 6);		/* 3 and 4 freed */
	assert_int_equal(ld_err(p, VA + 3 * ps), EFAULT);
	for (i = 0; i < 8; i++)
		if (i < 3 || i > 4)
			assert_int_equal(ld(p, VA + (vaddr_t)i * ps),
			    100 + (uint64_t)i);

	/*
	 * Over a hole and the next entry's start: no error.  Both entries
	 * are clipped; the amap keeps its two references.
	 *
	 *   VA                          VA+8
	 *   [ 0  1 ][ x  x  x  x ][ 6  7 ]   anons 2 and 5 freed too
	 */
	uvm_unmap(map, VA + 2 * ps, VA + 6 * ps);
	CHECK(m);
	assert_int_equal(live_anons(), 4);
	assert_int_equal(ld(p, VA + ps), 101);
	assert_int_equal(ld(p, VA + 7 * ps), 107);
	/* A range with nothing in it. */
	uvm_unmap(map, VA + 20 * ps, VA + 30 * ps);
	CHECK(m);
	uvm_unmap(map, VA, VA + 8 * ps);
	CHECK(m);
	assert_int_equal(map->nentries, 0);
	assert_int_equal(live_anons(), 0);
}

static void
test_protect(void **state)
{
	struct vm_map_entry *e;
	paddr_t pa;
	vm_prot_t prot;
	vaddr_t va;

	(void)state;
	map_anon(map, VA, 4, UVM_INH_COPY, 0);
	st(p, VA, 1);
	st(p, VA + ps, 2);
	CHECK(m);

	/* Down to read-only: the pmap forgets write access at once. */
	assert_int_equal(uvm_map_protect(map, VA, VA + 4 * ps, VM_PROT_READ,
	    FALSE), 0);
	CHECK(m);
	assert_int_equal(uvmsim_translate(m, p->p_vmspace, VA, &pa, &prot),
	    0);
	assert_int_equal(prot & VM_PROT_WRITE, 0);
	assert_int_equal(st_err(p, VA, 3), EFAULT);
	assert_int_equal(ld(p, VA), 1);
	CHECK(m);
	/* And up again: faults bring the access back. */
	assert_int_equal(uvm_map_protect(map, VA, VA + 4 * ps,
	    VM_PROT_READ | VM_PROT_WRITE, FALSE), 0);
	CHECK(m);
	st(p, VA, 3);
	assert_int_equal(ld(p, VA), 3);

	/*
	 * Part of an entry: clipped in three.
	 *
	 *   VA                      VA+4
	 *   [ RW ][ -- ][ RW    RW ]   three entries, one amap
	 */
	assert_int_equal(uvm_map_protect(map, VA + ps, VA + 2 * ps,
	    VM_PROT_NONE, FALSE), 0);
	CHECK(m);
	assert_int_equal(map->nentries, 3);
	assert_int_equal(ld_err(p, VA + ps), EFAULT);
	assert_int_equal(ld(p, VA), 3);

	/*
	 * The maximum: lowering it lowers the protection too.
	 *
	 *   VA                      VA+4
	 *   [ RW ][ -- ][ R     R  ]   the third entry's maximum: R
	 */
	assert_int_equal(uvm_map_protect(map, VA + 2 * ps, VA + 4 * ps,
	    VM_PROT_READ, TRUE), 0);
	CHECK(m);
	e = entry_at(map, VA + 2 * ps);
	assert_int_equal(e->max_protection, VM_PROT_READ);
	assert_int_equal(e->protection, VM_PROT_READ);
	expect_error(uvm_map_protect(map, VA, VA + 4 * ps, VM_PROT_READ |
	    VM_PROT_WRITE, FALSE), EACCES, "exceeds maximum");
	/* Nothing changed by the refusal. */
	assert_int_equal(entry_at(map, VA + ps)->protection, VM_PROT_NONE);
	expect_error(uvm_map_protect(map, VA + 2 * ps, VA + 3 * ps,
	    VM_PROT_ALL, TRUE), EACCES, "exceeds maximum");
	CHECK(m);
	uvm_unmap(map, VA, VA + 4 * ps);
	CHECK(m);

	/* A mapping made with a lower maximum. */
	va = VA;
	assert_int_equal(uvm_map(map, &va, ps, NULL, UVM_UNKNOWN_OFFSET, 0,
	    UVM_MAPFLAG(VM_PROT_READ, VM_PROT_READ | VM_PROT_WRITE,
	    UVM_INH_COPY, UVM_ADV_NORMAL, UVM_FLAG_FIXED | UVM_FLAG_COPYONW)),
	    0);
	expect_error(uvm_map_protect(map, VA, VA + ps, VM_PROT_ALL, FALSE),
	    EACCES, "protection 0x7 exceeds maximum 0x3");
	uvm_unmap(map, VA, VA + ps);
	CHECK(m);
}

static void
test_lookup(void **state)
{
	struct vm_map_entry *e;

	(void)state;
	map_anon(map, VA, 2, UVM_INH_COPY, 0);
	map_anon(map, VA + 4 * ps, 2, UVM_INH_COPY, 0);
	vm_map_lock_read(map);
	assert_true(uvm_map_lookup_entry(map, VA + ps + 5, &e));
	assert_int_equal(e->start, VA);
	assert_ptr_equal(map->hint, e);
	assert_false(uvm_map_lookup_entry(map, VA + 3 * ps, &e));
	assert_int_equal(e->start, VA);		/* the one before */
	assert_false(uvm_map_lookup_entry(map, VA - ps, &e));
	assert_ptr_equal(e, &map->header);
	assert_true(uvm_map_lookup_entry(map, VA + 6 * ps - 1, &e));
	assert_int_equal(e->start, VA + 4 * ps);
	assert_false(uvm_map_lookup_entry(map, VA + 6 * ps, &e));
	assert_int_equal(e->start, VA + 4 * ps);
	vm_map_unlock_read(map);
	CHECK(m);
	uvm_unmap(map, VA, VA + 6 * ps);
	CHECK(m);
}

static void
test_wire(void **state)
{
	struct uvmexp *ux = uvmsim_uvmexp(m);
	struct vm_map_entry *e;
	vaddr_t va;
	int wired0 = ux->wired, w1;

	(void)state;
	/* Untouched memory: wiring makes the amap and faults it all in. */
	map_anon(map, VA, 4, UVM_INH_COPY, 0);
	assert_int_equal(uvm_map_pageable(map, VA, VA + 4 * ps, FALSE, 0), 0);
	CHECK(m);
	e = entry_at(map, VA);
	assert_int_equal(e->wired_count, 1);
	assert_false(UVM_ET_ISNEEDSCOPY(e));
	assert_non_null(e->aref.ar_amap);
	assert_int_equal(e->aref.ar_amap->am_nused, 4);
	expect_wired(map, VA, 4, 1);
	assert_int_equal(pmap_wired_count(map->pmap), 4);
	/* Wired twice, unwired once: munlock undoes every mlock. */
	w1 = ux->wired;
	assert_int_equal(uvm_map_pageable(map, VA + ps, VA + 2 * ps, FALSE, 0),
	    0);
	CHECK(m);
	assert_int_equal(entry_at(map, VA + ps)->wired_count, 2);
	assert_int_equal(map->nentries, 3);
	assert_int_equal(ux->wired, w1);
	expect_wired(map, VA, 4, 1);
	assert_int_equal(uvm_map_pageable(map, VA, VA + 4 * ps, TRUE, 0), 0);
	CHECK(m);
	assert_int_equal(ux->wired, w1 - 4);
	expect_wired(map, VA, 4, 0);
	assert_int_equal(pmap_wired_count(map->pmap), 0);
	assert_int_equal(entry_at(map, VA + ps)->wired_count, 0);
	/* The data stayed. */
	st(p, VA + 3 * ps, 42);
	assert_int_equal(ld(p, VA + 3 * ps), 42);
	uvm_unmap(map, VA, VA + 4 * ps);
	CHECK(m);

	/* No access: nothing to wire. */
	va = VA;
	assert_int_equal(uvm_map(map, &va, ps, NULL, UVM_UNKNOWN_OFFSET, 0,
	    UVM_MAPFLAG(VM_PROT_NONE, VM_PROT_ALL, UVM_INH_COPY,
	    UVM_ADV_NORMAL, UVM_FLAG_FIXED | UVM_FLAG_COPYONW)), 0);
	expect_error(uvm_map_pageable(map, VA, VA + ps, FALSE, 0), EINVAL,
	    "no access");
	uvm_unmap(map, VA, VA + ps);
	CHECK(m);

	/* UVM_FLAG_WIRED; unmapping a wired range unwires it. */
	va = VA;
	assert_int_equal(uvm_map(map, &va, 3 * ps, NULL, UVM_UNKNOWN_OFFSET, 0,
	    flags_rw(UVM_INH_COPY, UVM_FLAG_FIXED | UVM_FLAG_COPYONW |
	    UVM_FLAG_WIRED)), 0);
	CHECK(m);
	expect_wired(map, VA, 3, 1);
	w1 = ux->wired;
	uvm_unmap(map, VA + ps, VA + 3 * ps);
	CHECK(m);
	assert_int_equal(ux->wired, w1 - 2);
	expect_wired(map, VA, 1, 1);
	uvm_unmap(map, VA, VA + ps);
	CHECK(m);
	assert_int_equal(ux->wired, wired0);

	/* A wiring that runs out of pages undoes itself.  The second page
	 * cannot be had (allocations: the first page, its page tables, the
	 * second page): the first stays mapped, unwired, and only its page
	 * tables stay wired. */
	map_anon(map, VA, 4, UVM_INH_COPY, 0);
	assert_int_equal(uvmsim_failpoint_set(m, "uvm_pagealloc",
	    2 + (unsigned long)tu_ptps(m), 1), 0);
	expect_error(uvm_map_pageable(map, VA, VA + 4 * ps, FALSE, 0), ENOMEM,
	    "uvm_map_pageable");
	uvmsim_failpoint_clear(m);
	CHECK(m);
	expect_wired(map, VA, 1, 0);
	assert_int_equal(ux->wired, wired0 + tu_ptps(m));
	assert_int_equal(entry_at(map, VA)->wired_count, 0);
	uvm_unmap(map, VA, VA + 4 * ps);
	CHECK(m);
	/* And so does uvm_map with UVM_FLAG_WIRED. */
	assert_int_equal(uvmsim_failpoint_set(m, "uvm_pagealloc", 2, 1), 0);
	va = VA;
	expect_error(uvm_map(map, &va, 3 * ps, NULL, UVM_UNKNOWN_OFFSET, 0,
	    flags_rw(UVM_INH_COPY, UVM_FLAG_FIXED | UVM_FLAG_COPYONW |
	    UVM_FLAG_WIRED)), ENOMEM, "wiring");
	uvmsim_failpoint_clear(m);
	CHECK(m);
	assert_int_equal(map->nentries, 0);
	assert_int_equal(ux->wired, wired0);
	assert_int_equal(live_anons(), 0);
}

static void
test_wire_protect(void **state)
{
	struct uvmexp *ux = uvmsim_uvmexp(m);
	struct uvm_object *f;
	struct vm_page *opg, *npg;
	paddr_t pa;
	vaddr_t va = VA;
	int wired0 = ux->wired, w1;

	(void)state;
	/* A private file mapping, read-only, wired: the file's pages. */
	f = file_new(2, 0x40);
	f->pgops->pgo_reference(f);
	assert_int_equal(uvm_map(map, &va, 2 * ps, f, 0, 0,
	    UVM_MAPFLAG(VM_PROT_READ, VM_PROT_ALL, UVM_INH_COPY,
	    UVM_ADV_NORMAL, UVM_FLAG_FIXED | UVM_FLAG_COPYONW)), 0);
	assert_int_equal(uvm_map_pageable(map, VA, VA + 2 * ps, FALSE, 0), 0);
	CHECK(m);
	assert_true(pmap_extract(map->pmap, VA, &pa));
	opg = PHYS_TO_VM_PAGE(pa);
	assert_ptr_equal(opg->uobject, f);
	expect_wired(map, VA, 2, 1);
	w1 = ux->wired;
	/* Made writable, it is refaulted wired: private copies, wired
	 * once; the file's pages are wired no more. */
	assert_int_equal(uvm_map_protect(map, VA, VA + 2 * ps,
	    VM_PROT_READ | VM_PROT_WRITE, FALSE), 0);
	CHECK(m);
	assert_true(pmap_extract(map->pmap, VA, &pa));
	npg = PHYS_TO_VM_PAGE(pa);
	assert_ptr_not_equal(npg, opg);
	assert_non_null(npg->uanon);
	expect_wired(map, VA, 2, 1);
	assert_int_equal(opg->wire_count, 0);
	assert_int_equal(ux->wired, w1);
	assert_int_equal(ld(p, VA + ps), bytes8(0x41));
	st(p, VA, 9);
	assert_int_equal(ld(p, VA), 9);
	CHECK(m);
	/* Wired memory keeps some access. */
	expect_error(uvm_map_protect(map, VA + ps, VA + 2 * ps, VM_PROT_NONE,
	    FALSE), EINVAL, "is wired");
	assert_int_equal(map->nentries, 1);
	assert_int_equal(uvm_map_protect(map, VA, VA + 2 * ps, VM_PROT_READ,
	    FALSE), 0);
	assert_int_equal(ld(p, VA), 9);
	expect_wired(map, VA, 2, 1);
	CHECK(m);
	uvm_unmap(map, VA, VA + 2 * ps);
	CHECK(m);
	assert_int_equal(ux->wired, wired0);
	f->pgops->pgo_detach(f);
	CHECK(m);
}

static void
test_fork(void **state)
{
	struct uvm_object *f;
	struct proc *c, *g;
	vaddr_t A = VA, B = VA + 8 * ps, C = VA + 16 * ps, F = VA + 24 * ps;
	vaddr_t va;

	(void)state;
	/*
	 *   A: private, copy    B: private, share    C: private, none
	 *   F: a file, shared mapping, share
	 */
	map_anon(map, A, 2, UVM_INH_COPY, 0);
	map_anon(map, B, 2, UVM_INH_SHARE, 0);
	map_anon(map, C, 2, UVM_INH_COPY, 0);
	assert_int_equal(uvm_map_inherit(map, C, C + 2 * ps,
	    MAP_INHERIT_NONE), 0);
	CHECK(m);
	f = file_new(1, 0x70);
	va = F;
	assert_int_equal(uvm_map(map, &va, ps, f, 0, 0,
	    flags_rw(UVM_INH_SHARE, UVM_FLAG_FIXED)), 0);	/* f's ref */
	st(p, A, 0xa);
	st(p, B, 0xb);
	st(p, C, 0xc);
	CHECK(m);

	/*
	 *   A = VA          B = VA+8        C = VA+16       F = VA+24
	 *   p [ 0xa  .  ]   [ 0xb  .  ]     [ 0xc  .  ]     [ file page ]
	 *   c [ needs-copy] [ shared amap ] (nothing)       [ file page ]
	 *     A: both entries needs-copy, one amap (am_ref 2)
	 *     B: one amap, AMAP_SHARED, no needs-copy
	 *     F: the file, one more reference (uo_refs 2)
	 */
	assert_int_equal(uvmsim_proc_fork(m, p, &c), 0);
	CHECK(m);
	assert_int_not_equal(c->p_pid, p->p_pid);
	assert_int_equal(c->p_vmspace->vm_map.nentries, 3);
	assert_int_equal(f->uo_refs, 2);
	/* The child sees the parent's data, except C. */
	assert_int_equal(ld(c, A), 0xa);
	assert_int_equal(ld(c, B), 0xb);
	assert_int_equal(ld_err(c, C), EFAULT);
	assert_int_equal(ld(c, F), bytes8(0x70));
	assert_true(UVM_ET_ISNEEDSCOPY(entry_at(map, A)));
	assert_true(entry_at(map, B)->aref.ar_amap->am_flags & AMAP_SHARED);
	CHECK(m);

	/*
	 * Copy: each writes its own.  c's write gives c an amap of its own
	 * (with a copy of page 0's anon); p's amap is then p's alone, so
	 * p's write clears its needs-copy and fills slot 1 in place.
	 *
	 *   A         page 0   page 1
	 *   p amap  [ 0xa    | 0xa1  ]
	 *   c amap  [ 0xca   | .     ]
	 */
	st(c, A, 0xca);
	CHECK(m);
	assert_int_equal(ld(p, A), 0xa);
	st(p, A + ps, 0xa1);
	CHECK(m);
	assert_int_equal(ld(c, A + ps), 0);
	assert_int_equal(ld(c, A), 0xca);
	/* Share: each sees the other's writes. */
	st(c, B, 0xcb);
	assert_int_equal(ld(p, B), 0xcb);
	st(p, B + ps, 0xb1);
	assert_int_equal(ld(c, B + ps), 0xb1);
	st(c, F, 0xf);
	assert_int_equal(ld(p, F), 0xf);
	CHECK(m);

	/*
	 * A grandchild of the child.  c's A, written since the last fork,
	 * has an amap of its own, not needs-copy; this fork makes it
	 * needs-copy again and shares it with g.  B's shared amap is shared
	 * by three now.
	 *
	 *   A: c ---+ amap [ 0xca | . ]   B: p, c, g ---> one amap
	 *      g ---/ needs-copy             [ 0xcb | 0xb1 ]
	 */
	assert_int_equal(uvmsim_proc_fork(m, c, &g), 0);
	CHECK(m);
	assert_int_equal(ld(g, A), 0xca);
	assert_int_equal(ld(g, B), 0xcb);
	st(g, A, 0x9a);
	st(g, B, 0x9b);
	CHECK(m);
	assert_int_equal(ld(c, A), 0xca);
	assert_int_equal(ld(p, B), 0x9b);

	/*
	 * Copy inheritance of a region the parent shares: the child gets a
	 * snapshot, the sharers stay together.
	 *
	 *   B: p, c ---> shared amap [ 0x1b | 0x3b ]   (after the writes)
	 *      g    ---> its copy    [ 0x9b | 0x2b ]
	 */
	assert_int_equal(uvm_map_inherit(&c->p_vmspace->vm_map, B, B + 2 * ps,
	    MAP_INHERIT_COPY), 0);
	uvmsim_proc_exit(m, g);
	CHECK(m);
	assert_int_equal(uvmsim_proc_fork(m, c, &g), 0);
	CHECK(m);
	assert_int_equal(ld(g, B), 0x9b);
	st(p, B, 0x1b);			/* p shares c's amap */
	CHECK(m);
	assert_int_equal(ld(c, B), 0x1b);
	assert_int_equal(ld(g, B), 0x9b);	/* the snapshot */
	st(g, B + ps, 0x2b);
	assert_int_equal(ld(c, B + ps), 0xb1);
	st(c, B + ps, 0x3b);
	assert_int_equal(ld(p, B + ps), 0x3b);
	assert_int_equal(ld(g, B + ps), 0x2b);
	CHECK(m);

	uvmsim_proc_exit(m, c);
	CHECK(m);
	assert_int_equal(ld(p, A), 0xa);
	assert_int_equal(ld(p, B), 0x1b);
	assert_int_equal(ld(g, A), 0xca);	/* c's, when g was forked */
	uvmsim_proc_exit(m, g);
	CHECK(m);
	assert_int_equal(f->uo_refs, 1);
	uvm_unmap(map, A, F + ps);
	CHECK(m);
	assert_int_equal(live_anons(), 0);
}

static void
test_fork_wired(void **state)
{
	struct vm_map_entry *pe, *ce;
	struct vm_amap *pa, *ca;
	struct proc *c;
	int i, anons;

	(void)state;
	map_anon(map, VA, 3, UVM_INH_COPY, 0);
	for (i = 0; i < 3; i++)
		st(p, VA + (vaddr_t)i * ps, 0x100 + (uint64_t)i);
	assert_int_equal(uvm_map_pageable(map, VA, VA + 3 * ps, FALSE, 0), 0);
	CHECK(m);
	anons = live_anons();

	/*
	 * The child copies now: the wired parent takes no COW fault.
	 *
	 *   VA                          VA+3
	 *   p (wired) [ a0  | a1  | a2  ]   0x100 + i, writable
	 *   c         [ a0' | a1' | a2' ]   copies, an amap of its own
	 */
	assert_int_equal(uvmsim_proc_fork(m, p, &c), 0);
	CHECK(m);
	pe = entry_at(map, VA);
	ce = entry_at(&c->p_vmspace->vm_map, VA);
	pa = pe->aref.ar_amap;
	ca = ce->aref.ar_amap;
	assert_false(UVM_ET_ISNEEDSCOPY(pe));
	assert_false(UVM_ET_ISNEEDSCOPY(ce));
	assert_non_null(ca);
	assert_ptr_not_equal(pa, ca);
	assert_int_equal(live_anons(), anons + 3);
	for (i = 0; i < 3; i++) {
		assert_ptr_not_equal(pa->am_anon[i], ca->am_anon[i]);
		assert_int_equal(pa->am_anon[i]->an_ref, 1);
		assert_int_equal(ca->am_anon[i]->an_ref, 1);
		assert_int_equal(ld(c, VA + (vaddr_t)i * ps),
		    0x100 + (uint64_t)i);
	}
	/* Writes stay apart. */
	st(p, VA, 0xaaa);
	st(c, VA + ps, 0xccc);
	CHECK(m);
	assert_int_equal(ld(c, VA), 0x100);
	assert_int_equal(ld(p, VA + ps), 0x101);
	uvmsim_proc_exit(m, c);
	CHECK(m);

	/* No page for the copies: the fork fails, the parent is intact. */
	assert_int_equal(uvmsim_failpoint_set(m, "uvm_pagealloc", 2, 1), 0);
	expect_error(uvmsim_proc_fork(m, p, &c), ENOMEM, "uvmsim_proc_fork");
	uvmsim_failpoint_clear(m);
	CHECK(m);
	assert_int_equal(live_anons(), anons);
	assert_int_equal(ld(p, VA), 0xaaa);
	assert_int_equal(ld(p, VA + 2 * ps), 0x102);
	uvm_unmap(map, VA, VA + 3 * ps);
	CHECK(m);
}

/* The leaf PTE of va in pr's page tables, as uvmsim_probe sees it. */
static struct uvmsim_probe
probe_at(struct proc *pr, vaddr_t va)
{
	struct uvmsim_probe pb;

	assert_int_equal(uvmsim_probe(m, pr->p_vmspace, va, &pb), 0);
	return pb;
}

static uint8_t
wire_byte(uint32_t seed, int page, size_t off)
{
	return (uint8_t)(seed + (uint32_t)page * 3 + off);
}

/*
 * A file page wired through a shared mapping of one process, promoted
 * into a shared amap by a write of another: the wiring process keeps its
 * wired mapping of the file's page, and its unwiring works.  1.6 takes
 * every mapping of the page away at the promotion (so that the amap's
 * sharers fault the copy in; "XXX: PAGE MIGHT BE WIRED!"): the wired
 * entry was left with nothing mapped, and its unwiring panicked
 * ("unwiring unmapped address").  Found by the model-based test.
 *
 *   VA                     q (wired, shared) -> file page P
 *   p, c: private, one shared amap; p writes: copy N in the amap
 *   after:  q -> P (wired, mapped)   p, c -> N
 */
static void
test_promote_keeps_other_wiring(void **state)
{
	struct uvm_object *f;
	struct uvmsim_probe pb;
	struct vm_page *pg;
	struct proc *c, *q;
	struct vm_map *qmap;
	uint64_t word;

	(void)state;
	f = tu_file_pattern(m, 1, ps, wire_byte, 9);
	f->pgops->pgo_reference(f);
	tu_map_object(m, map, VA, f, 1, UVM_INH_SHARE, UVM_ADV_NORMAL,
	    UVM_FLAG_COPYONW);
	assert_int_equal(uvmsim_proc_fork(m, p, &c), 0);	/* amap shared */
	CHECK(m);
	assert_int_equal(uvmsim_proc_create(m, &q), 0);
	qmap = &q->p_vmspace->vm_map;
	f->pgops->pgo_reference(f);
	tu_map_object(m, qmap, VA, f, 1, UVM_INH_COPY, UVM_ADV_NORMAL, 0);
	assert_int_equal(uvm_map_pageable(qmap, VA, VA + ps, FALSE, 0), 0);
	CHECK(m);
	pb = probe_at(q, VA);
	pg = pb.pte_page;
	assert_non_null(pg);
	assert_int_equal(pg->wire_count, 1);
	memcpy(&word, uvmsim_page_data(m, pg), 8);

	st(p, VA, 0x5150);		/* the promotion */
	CHECK(m);
	pb = probe_at(q, VA);		/* before q touches it again */
	assert_true(pb.pte & UVMSIM_PTE_VALID);
	assert_true(pb.pte & UVMSIM_PTE_WIRED);
	assert_ptr_equal(pb.pte_page, pg);
	assert_int_equal(pg->wire_count, 1);
	assert_int_equal(ld(c, VA), 0x5150);
	assert_int_equal(ld(q, VA), word);

	assert_int_equal(uvm_map_pageable(qmap, VA, VA + ps, TRUE, 0), 0);
	CHECK(m);
	assert_int_equal(pg->wire_count, 0);
	uvmsim_proc_exit(m, q);
	uvmsim_proc_exit(m, c);
	uvm_unmap(map, VA, VA + ps);
	f->pgops->pgo_detach(f);
	CHECK(m);
}

/*
 * An anon shared copy-on-write between two amaps; one amap shared by p
 * and b, where b wired the page read-only.  p's write copies the anon
 * into the shared amap: b, which shares the slot, must now map the copy,
 * wired in the old page's place; the old anon stays c's, unwired.  1.6
 * took b's wired mapping away, and b's unwiring panicked.
 *
 *   before:  p, b [ X ] (shared amap)    c [ X ]    X: an_ref 2, wired by b
 *   p writes: p, b [ N ] (N wired by b)  c [ X ] (unwired)
 */
static void
test_cow_moves_sharer_wiring(void **state)
{
	struct uvmsim_probe pb;
	struct vm_page *old, *npg;
	struct proc *b, *c;
	struct vm_map *bmap;

	(void)state;
	map_anon(map, VA, 1, UVM_INH_COPY, 0);
	st(p, VA, 0x11);
	assert_int_equal(uvmsim_proc_fork(m, p, &c), 0);	/* X shared */
	assert_int_equal(uvm_map_inherit(map, VA, VA + ps,
	    MAP_INHERIT_SHARE), 0);
	assert_int_equal(uvmsim_proc_fork(m, p, &b), 0);	/* p, b: amap */
	bmap = &b->p_vmspace->vm_map;
	assert_int_equal(uvm_map_protect(bmap, VA, VA + ps, VM_PROT_READ,
	    FALSE), 0);
	assert_int_equal(uvm_map_pageable(bmap, VA, VA + ps, FALSE, 0), 0);
	CHECK(m);
	old = probe_at(b, VA).pte_page;
	assert_non_null(old);
	assert_int_equal(old->wire_count, 1);

	st(p, VA, 0x22);		/* copy-on-write into the shared amap */
	CHECK(m);
	pb = probe_at(b, VA);		/* before b touches it again */
	npg = probe_at(p, VA).page;
	assert_ptr_not_equal(npg, old);
	assert_true(pb.pte & UVMSIM_PTE_VALID);
	assert_true(pb.pte & UVMSIM_PTE_WIRED);
	assert_ptr_equal(pb.pte_page, npg);
	assert_int_equal(npg->wire_count, 1);
	assert_int_equal(old->wire_count, 0);
	assert_int_equal(ld(b, VA), 0x22);
	assert_int_equal(ld(c, VA), 0x11);

	assert_int_equal(uvm_map_pageable(bmap, VA, VA + ps, TRUE, 0), 0);
	CHECK(m);
	assert_int_equal(npg->wire_count, 0);
	uvmsim_proc_exit(m, b);
	uvmsim_proc_exit(m, c);
	uvm_unmap(map, VA, VA + ps);
	CHECK(m);
}

/*
 * A wired entry's anon made shared behind its back: b shares p's amap
 * (inherited shared) and forks c with copy, so c's new amap shares the
 * anon copy-on-write and p's wired page is write-protected.  p's write
 * copies it; the copy, mapped wired, must carry p's wiring, and the old
 * page, c's now, none.  1.6 wires only on a wiring fault: the copy was
 * left unwired under a wired mapping, the old page wired for good, and
 * p's unwiring tripped "pg->wire_count > 0".  Found by the model-based
 * test.
 *
 *   p (wired), b [ X ] shared amap      c [ X ] (copy-on-write: an_ref 2)
 *   p writes:  p, b [ N ] N wired       c [ X ] X unwired
 */
static void
test_wired_cow_moves_wiring(void **state)
{
	struct vm_page *old, *npg;
	struct proc *b, *c;
	struct vm_map *bmap;

	(void)state;
	map_anon(map, VA, 1, UVM_INH_SHARE, 0);
	st(p, VA, 0x31);
	assert_int_equal(uvm_map_pageable(map, VA, VA + ps, FALSE, 0), 0);
	assert_int_equal(uvmsim_proc_fork(m, p, &b), 0);	/* p, b: amap */
	bmap = &b->p_vmspace->vm_map;
	assert_int_equal(uvm_map_inherit(bmap, VA, VA + ps,
	    MAP_INHERIT_COPY), 0);
	assert_int_equal(uvmsim_proc_fork(m, b, &c), 0);	/* X shared */
	CHECK(m);
	old = probe_at(p, VA).pte_page;
	assert_non_null(old);
	assert_int_equal(old->wire_count, 1);
	assert_int_equal(probe_at(p, VA).anon->an_ref, 2);

	st(p, VA, 0x32);		/* copy-on-write on a wired entry */
	CHECK(m);
	npg = probe_at(p, VA).pte_page;
	assert_ptr_not_equal(npg, old);
	assert_true(probe_at(p, VA).pte & UVMSIM_PTE_WIRED);
	assert_int_equal(npg->wire_count, 1);
	assert_int_equal(old->wire_count, 0);
	assert_int_equal(ld(b, VA), 0x32);
	assert_int_equal(ld(c, VA), 0x31);

	assert_int_equal(uvm_map_pageable(map, VA, VA + ps, TRUE, 0), 0);
	CHECK(m);
	assert_int_equal(npg->wire_count, 0);
	uvmsim_proc_exit(m, c);
	uvmsim_proc_exit(m, b);
	uvm_unmap(map, VA, VA + ps);
	CHECK(m);
}

static void
test_km(void **state)
{
	struct uvmexp *ux = uvmsim_uvmexp(m);
	struct vm_map *kmap = uvm_kernel_map();
	vaddr_t va, keep;
	uint64_t v;
	int wired0 = ux->wired, free0;

	(void)state;
	assert_non_null(kmap);
	assert_ptr_equal(kmap->pmap, pmap_kernel());
	/* A first round makes the kernel's page-table pages. */
	va = uvm_km_alloc(kmap, ps);
	assert_int_not_equal(va, 0);
	uvm_km_free(kmap, va, ps);
	CHECK(m);
	free0 = ux->free;
	va = uvm_km_alloc(kmap, 3 * ps - 100);
	assert_int_not_equal(va, 0);
	CHECK(m);
	assert_true(va >= vm_map_min(kmap));
	expect_wired(kmap, va, 3, 1);
	assert_int_equal(kmap->nentries, 1);
	assert_int_equal(uvmsim_load(m, 0, NULL, va + 2 * ps, 8, &v), 0);
	assert_int_equal(v, 0);
	assert_int_equal(uvmsim_store(m, 0, NULL, va + ps, 8, 77), 0);
	assert_int_equal(uvmsim_load(m, 0, NULL, va + ps, 8, &v), 0);
	assert_int_equal(v, 77);
	CHECK(m);
	uvm_km_free(kmap, va, 3 * ps - 100);
	CHECK(m);
	assert_int_equal(ux->wired, wired0);
	assert_int_equal(ux->free, free0);
	assert_int_equal(kmap->nentries, 0);

	/* No page for the second page: 0, and the first given back.  A page
	 * kept mapped keeps the page tables, so only the data pages are
	 * allocated (the failpoint counts them). */
	keep = uvm_km_alloc(kmap, ps);
	assert_int_not_equal(keep, 0);
	free0 = ux->free;
	assert_int_equal(uvmsim_failpoint_set(m, "uvm_pagealloc", 2, 1), 0);
	assert_int_equal(uvm_km_alloc(kmap, 2 * ps), 0);
	assert_int_equal(uvmsim_failpoint_fired(m, "uvm_pagealloc"), 1);
	uvmsim_failpoint_clear(m);
	CHECK(m);
	assert_int_equal(ux->free, free0);
	assert_int_equal(kmap->nentries, 1);
	uvm_km_free(kmap, keep, ps);
	CHECK(m);
	assert_int_equal(kmap->nentries, 0);
	assert_int_equal(ux->wired, wired0);
}

static void
test_amap_chunk(void **state)
{
	struct vm_map_entry *e;

	(void)state;
	/* 512 pages of address space, no page yet. */
	map_anon(map, VA, 512, UVM_INH_COPY, 0);
	vm_map_lock(map);
	assert_true(uvm_map_lookup_entry(map, VA, &e));
	/* Not allowed to chunk: the whole entry. */
	amap_copy(map, e, 0, FALSE, VA + 40 * ps, VA + 41 * ps);
	assert_int_equal(e->aref.ar_amap->am_nslot, 512);
	vm_map_unlock(map);
	CHECK(m);
	uvm_unmap(map, VA, VA + 512 * ps);
	map_anon(map, VA, 512, UVM_INH_COPY, 0);

	/*
	 *   VA      +32          +48            +512
	 *   [ ...  ][ chunk: 16 ][ ...          ]
	 */
	vm_map_lock(map);
	assert_true(uvm_map_lookup_entry(map, VA + 40 * ps, &e));
	amap_copy(map, e, 0, TRUE, VA + 40 * ps, VA + 41 * ps);
	assert_int_equal(e->start, VA + 32 * ps);
	assert_int_equal(e->end, VA + 48 * ps);
	assert_false(UVM_ET_ISNEEDSCOPY(e));
	assert_int_equal(e->aref.ar_amap->am_nslot, UVM_AMAP_CHUNK);
	assert_int_equal(map->nentries, 3);
	vm_map_unlock(map);
	CHECK(m);
	/* A write fault chunks the same way. */
	st(p, VA + 300 * ps + 8, 5);
	CHECK(m);
	assert_int_equal(map->nentries, 5);
	e = entry_at(map, VA + 300 * ps);
	assert_int_equal(e->start, VA + 288 * ps);
	assert_int_equal(e->end, VA + 304 * ps);
	assert_int_equal(ld(p, VA + 300 * ps + 8), 5);
	/* Small entries are never chunked. */
	map_anon(map, VA + 1024 * ps, 64, UVM_INH_COPY, 0);
	st(p, VA + 1030 * ps, 6);
	assert_int_equal(entry_at(map, VA + 1024 * ps)->end, VA + 1088 * ps);
	CHECK(m);
	uvm_unmap(map, VA, VA + 1088 * ps);
	CHECK(m);
	assert_int_equal(live_anons(), 0);
}

static void
test_lock(void **state)
{
	unsigned ts;

	(void)state;
	ts = map->timestamp;
	vm_map_lock(map);
	assert_false(vm_map_lock_try(map));
	EXPECT_PANIC(m, vm_map_lock(map), "locked exclusive");
	EXPECT_PANIC(m, vm_map_lock_read(map), "locked exclusive");
	vm_map_downgrade(map);
	assert_int_equal(map->timestamp, ts + 1);
	vm_map_lock_read(map);			/* shared holds nest */
	EXPECT_PANIC(m, vm_map_upgrade(map), "shared holds");
	vm_map_unlock_read(map);
	vm_map_upgrade(map);
	vm_map_unlock(map);
	assert_int_equal(map->timestamp, ts + 2);
	EXPECT_PANIC(m, vm_map_unlock(map), "not locked exclusive");
	EXPECT_PANIC(m, vm_map_unlock_read(map), "not locked shared");
	assert_true(vm_map_lock_try(map));
	vm_map_unlock(map);
	vm_map_lock_read(map);
	EXPECT_PANIC(m, vm_map_lock(map), "locked shared");
	assert_false(vm_map_lock_try(map));
	vm_map_unlock_read(map);
	CHECK(m);

	/* Map references: a vmspace's map goes with the vmspace. */
	uvm_map_reference(map);
	assert_int_equal(map->ref_count, 2);
	uvm_map_deallocate(map);
	assert_int_equal(map->ref_count, 1);
	EXPECT_PANIC(m, uvm_map_deallocate(map), "a vmspace's");
	EXPECT_PANIC(m, uvm_map_deallocate(uvm_kernel_map()),
	    "the kernel map");
	assert_int_equal(map->ref_count, 1);
	CHECK(m);
}

static void
test_checker(void **state)
{
	struct uvmsim_report r = { 0 };
	struct vm_map_entry *b;
	vaddr_t save;

	(void)state;
	map_anon(map, VA, 2, UVM_INH_COPY, 0);
	map_anon(map, VA + 2 * ps, 2, UVM_INH_COPY, 0);
	map_anon(map, VA + 4 * ps, 2, UVM_INH_COPY, 0);
	b = entry_at(map, VA + 2 * ps);

	/* B starts inside A. */
	save = b->start;
	b->start = VA + ps;
	assert_true(uvmsim_check(m, &r) > 0);
	assert_non_null(uvmsim_report_find(&r, "map.order", "start"));
	uvmsim_report_free(&r);
	b->start = save;
	CHECK(m);

	/* A count that lies. */
	map->nentries++;
	assert_true(uvmsim_check(m, &r) > 0);
	assert_non_null(uvmsim_report_find(&r, "map.count", "nentries"));
	uvmsim_report_free(&r);
	map->nentries--;
	map->size += ps;
	assert_true(uvmsim_check(m, &r) > 0);
	assert_non_null(uvmsim_report_find(&r, "map.count", "size"));
	uvmsim_report_free(&r);
	map->size -= ps;

	/* More rights than allowed; needs-copy without copy-on-write. */
	b->max_protection = VM_PROT_READ;
	b->etype &= ~UVM_ET_COPYONWRITE;
	assert_true(uvmsim_check(m, &r) > 0);
	assert_non_null(uvmsim_report_find(&r, "map.prot", NULL));
	assert_non_null(uvmsim_report_find(&r, "map.etype", NULL));
	uvmsim_report_free(&r);
	b->max_protection = VM_PROT_ALL;
	b->etype |= UVM_ET_COPYONWRITE;

	/* An amap, an object and an address space that are not live. */
	{
		struct vm_amap fake_amap;
		struct uvm_object fake_obj;
		struct vmspace *vs = p->p_vmspace;

		b->aref.ar_amap = &fake_amap;
		b->aref.ar_pageoff = 0;
		assert_true(uvmsim_check(m, &r) > 0);
		assert_non_null(uvmsim_report_find(&r, "map.aref", "aref"));
		uvmsim_report_free(&r);
		b->aref.ar_amap = NULL;
		b->etype |= UVM_ET_OBJ;
		b->object.uvm_obj = &fake_obj;
		assert_true(uvmsim_check(m, &r) > 0);
		assert_non_null(uvmsim_report_find(&r, "map.object",
		    "object"));
		uvmsim_report_free(&r);
		b->etype &= ~UVM_ET_OBJ;
		b->object.uvm_obj = NULL;
		CHECK(m);
		p->p_vmspace = (struct vmspace *)(void *)&fake_obj;
		assert_true(uvmsim_check(m, &r) > 0);
		assert_non_null(uvmsim_report_find(&r, "proc.vmspace",
		    "p_vmspace"));
		uvmsim_report_free(&r);
		p->p_vmspace = vs;
		CHECK(m);
	}

	/* A lock left held. */
	vm_map_lock(map);
	assert_true(uvmsim_check(m, &r) > 0);
	assert_non_null(uvmsim_report_find(&r, "map.lock", "lock"));
	uvmsim_report_free(&r);
	vm_map_unlock(map);
	CHECK(m);
	uvm_unmap(map, VA, VA + 6 * ps);
	CHECK(m);
}

static void
test_procs(void **state)
{
	struct uvmsim_config cfg;
	struct uvmsim_machine *m2;
	struct proc *q, *c;
	struct vm_map *kmap = uvm_kernel_map();

	(void)state;
	expect_error(uvmsim_proc_create(NULL, &q), EINVAL, "m: NULL");
	expect_error(uvmsim_proc_create(m, NULL), EINVAL, "pp: NULL");
	expect_error(uvmsim_proc_fork(m, NULL, &c), EINVAL, "parent: NULL");
	expect_error(uvmsim_proc_fork(m, p, NULL), EINVAL, "childp: NULL");
	assert_int_equal(uvmsim_proc_create(m, &q), 0);
	assert_int_equal(q->p_pid, p->p_pid + 1);
	CHECK(m);

	/* A process of another machine. */
	m2 = tu_machine(32);
	expect_error(uvmsim_proc_fork(m2, q, &c), EINVAL,
	    "not a process of this machine");
	uvmsim_proc_exit(m2, q);
	assert_non_null(strstr(uvmsim_last_error(), "not a process"));
	tu_destroy(m2);
	CHECK(m);
	uvmsim_proc_exit(m, NULL);
	assert_non_null(strstr(uvmsim_last_error(), "p: NULL"));
	uvmsim_proc_exit(m, q);
	CHECK(m);

	/* No MMU: no kernel map, no processes. */
	tu_config(&cfg, 16);
	cfg.arch = "none";
	m2 = tu_machine_cfg(&cfg);
	assert_null(uvm_kernel_map());
	expect_error(uvmsim_proc_create(m2, &q), EINVAL,
	    "machine has no MMU (arch none)");
	CHECK(m2);
	tu_destroy(m2);
	assert_ptr_equal(uvm_kernel_map(), kmap);
}

static void
test_trace(void **state)
{
	struct uvmsim_event ev[64];
	size_t n, i;
	int seen_map = 0, seen_unmap = 0, seen_clip = 0, seen_prot = 0;

	(void)state;
	map_anon(map, VA, 3, UVM_INH_COPY, 0);
	assert_int_equal(uvm_map_protect(map, VA + ps, VA + 2 * ps,
	    VM_PROT_READ, FALSE), 0);
	uvm_unmap(map, VA, VA + 3 * ps);
	CHECK(m);
	n = uvmsim_trace_ring(m, ev, 64);
	for (i = 0; i < n; i++) {
		switch (ev[i].type) {
		case UVMSIM_EV_MAP_MAP:
			seen_map++;
			assert_int_equal(ev[i].arg[0], map->map_id);
			assert_int_equal(ev[i].arg[1], VA);
			assert_int_equal(ev[i].arg[2], VA + 3 * ps);
			break;
		case UVMSIM_EV_MAP_UNMAP:
			seen_unmap++;
			break;
		case UVMSIM_EV_MAP_CLIP:
			seen_clip++;
			break;
		case UVMSIM_EV_MAP_PROTECT:
			seen_prot++;
			assert_int_equal(ev[i].arg[3], VM_PROT_READ);
			break;
		}
	}
	assert_int_equal(seen_map, 1);
	assert_int_equal(seen_unmap, 1);
	assert_int_equal(seen_clip, 2);
	assert_int_equal(seen_prot, 1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		TU_TEST(test_map_anywhere),
		TU_TEST(test_map_fixed),
		TU_TEST(test_bad_args),
		TU_TEST(test_overlay),
		TU_TEST(test_object),
		TU_TEST(test_aobj_past_end),
		TU_TEST(test_file_past_end),
		TU_TEST(test_unmap_partial),
		TU_TEST(test_protect),
		TU_TEST(test_lookup),
		TU_TEST(test_wire),
		TU_TEST(test_wire_protect),
		TU_TEST(test_fork),
		TU_TEST(test_fork_wired),
		TU_TEST(test_promote_keeps_other_wiring),
		TU_TEST(test_cow_moves_sharer_wiring),
		TU_TEST(test_wired_cow_moves_wiring),
		TU_TEST(test_km),
		TU_TEST(test_amap_chunk),
		TU_TEST(test_lock),
		TU_TEST(test_checker),
		TU_TEST(test_procs),
		TU_TEST(test_trace),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
