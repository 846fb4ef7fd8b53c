/*
 * test_pmap.c: pmap(9) driven directly, on frames from uvm_pagealloc and
 * pmaps from pmap_create (no maps needed): entering, extracting and
 * removing mappings, page-table pages coming and going, the raw PTEs
 * in the page-table frames, pv lists, referenced and modified bits,
 * kernel mappings, wiring, allocation failure, and the checker finding
 * each corruption it claims.  Every test runs on every architecture; the
 * raw bits each expects come from a table of facts per architecture
 * (struct arch_facts), the rest through the probe's neutral UVMSIM_PTE_
 * bits and the machine's levels.
 *
 * The tree of a user address, as the tests draw it, on x86-64:
 *
 *	root (L4) --[va 47:39]--> L3 --[38:30]--> L2 --[29:21]--> L1
 *	L1 --[20:12]--> frame
 *
 * and on i386:
 *
 *	root (L2, the PD) --[va 31:22]--> L1 (a PT) --[21:12]--> frame
 *
 * A machine starts with the kernel's root and one table below the
 * kernel's root entry (x86-64: the L3 covering the kernel's GiB; i386:
 * the PT of its 4 MiB) wired: 2 frames.  A user pmap adds its root, and
 * its first mapping adds a table at every level below it (NT of them,
 * levels - 1).
 */
#include "testutil.h"

#include <endian.h>
#include <errno.h>

#include "pmap_sim/pmap_impl.h"

#define PS		((vaddr_t)uvmsim_page_size(m))
#define UVA		((vaddr_t)16 * PS)	/* a user address */
#define KVA		(uvmsim_vmparam(m)->kernel_min + 0x200000) /* kernel */
/* A fresh user root's wire_count: 1, and 1 for the kernel's entry it
 * shares (none where the kernel has a root of its own). */
#define ROOT_WIRE	(tu_arch_has("kernel_root") ? 1u : 2u)
#define NT		((int)uvmsim_vmparam(m)->pt_levels - 1)	/* tables below
						   a root */
/* A user address far from UVA: under another root entry. */
#define FARVA		(uvmsim_vmparam(m)->user_max - PS)

/*
 * What the tests expect of each architecture's raw PTEs, as its manual
 * and NetBSD's pte.h give them: the bits (frame left out) of the entries
 * the tests make.
 */
struct arch_facts {
	const char	*arch;
	vaddr_t		user_max;	/* VM_MAXUSER_ADDRESS */
	vaddr_t		kernel_min;	/* the kernel map's range */
	vaddr_t		kernel_max;
	unsigned	kslot;		/* the root entry of the kernel's map */
	uint64_t	frame;		/* the frame bits of an entry */
	uint64_t	ptp_user;	/* an upper entry of a user pmap */
	uint64_t	ptp_kernel;	/* ... of the kernel's */
	uint64_t	u_rw_written;	/* user, read/write, a write made it */
	uint64_t	u_rw_written_wired; /* ... wired */
	uint64_t	u_rx_clean;	/* user, read/execute, no access yet */
	uint64_t	k_ro_kenter;	/* pmap_kenter_pa, read-only */
	uint64_t	k_rw_read;	/* kernel pmap_enter, read/write, read */
	uint64_t	up_all, up_any;	/* upper entries, AND and OR ... */
	uint32_t	up_rights;	/* ... and the rights they allow */
};

#define X_P	(1ULL << 0)	/* x86: present, RW, US, A, D, G, PG_W, */
#define X_RW	(1ULL << 1)	/* PG_PVLIST, NX */
#define X_US	(1ULL << 2)
#define X_A	(1ULL << 5)
#define X_D	(1ULL << 6)
#define X_G	(1ULL << 8)
#define X_W	(1ULL << 9)
#define X_PVL	(1ULL << 10)
#define X_NX	(1ULL << 63)
#define A_V	(1ULL << 0)	/* Alpha: valid, FOR, FOW, FOE, ASM, KRE, */
#define A_FOR	(1ULL << 1)	/* URE, KWE, UWE, PG_WIRED, PG_PVLIST, */
#define A_FOW	(1ULL << 2)	/* PG_EXEC */
#define A_FOE	(1ULL << 3)
#define A_ASM	(1ULL << 4)
#define A_KRE	(1ULL << 8)
#define A_URE	(1ULL << 9)
#define A_KWE	(1ULL << 12)
#define A_UWE	(1ULL << 13)
#define A_WIRED	(1ULL << 16)
#define A_PVL	(1ULL << 17)
#define A_EXEC	(1ULL << 18)

static const struct arch_facts arch_facts[] = {
	{ "x86_64", 0x00007f8000000000UL, 0xffff800000000000UL,
	    0xffff800040000000UL, 256, 0x000ffffffffff000ULL,
	    X_P | X_RW | X_US, X_P | X_RW,
	    X_P | X_RW | X_US | X_A | X_D | X_PVL | X_NX,
	    X_P | X_RW | X_US | X_A | X_D | X_W | X_PVL | X_NX,
	    X_P | X_US | X_PVL,
	    X_P | X_G | X_W | X_NX,
	    X_P | X_RW | X_G | X_A | X_PVL | X_NX,
	    /* AND for write and user, OR for no-execute */
	    X_P | X_US, X_P | X_RW | X_US | X_NX, TLB_R | TLB_U },
	/* i386: no NX, whatever is read is executed */
	{ "i386", 0xbfc00000UL, 0xc0000000UL, 0xc0400000UL, 768,
	    0xfffff000ULL,
	    X_P | X_RW | X_US, X_P | X_RW,
	    X_P | X_RW | X_US | X_A | X_D | X_PVL,
	    X_P | X_RW | X_US | X_A | X_D | X_W | X_PVL,
	    X_P | X_US | X_PVL,
	    X_P | X_G | X_W,
	    X_P | X_RW | X_G | X_A | X_PVL,
	    X_P | X_US, X_P | X_RW | X_US, TLB_R | TLB_X | TLB_U },
	/* Alpha: the fault-on bits of accesses not yet made (FOE on what
	 * may not be executed), none on pmap_kenter_pa's; upper entries
	 * restrict nothing */
	{ "alpha", 0x0000040000000000UL, 0xfffffe0000000000UL,
	    0xfffffe0200000000UL, 768, 0xffffffff00000000ULL,
	    A_V | A_KRE | A_KWE, A_V | A_KRE | A_KWE,
	    A_V | A_KRE | A_URE | A_KWE | A_UWE | A_PVL | A_FOE,
	    A_V | A_KRE | A_URE | A_KWE | A_UWE | A_WIRED | A_PVL | A_FOE,
	    A_V | A_KRE | A_URE | A_EXEC | A_PVL | A_FOR | A_FOW | A_FOE,
	    A_V | A_KRE | A_ASM | A_WIRED,
	    A_V | A_KRE | A_KWE | A_ASM | A_PVL | A_FOW | A_FOE,
	    A_V, A_V | A_FOE, TLB_R | TLB_W | TLB_X | TLB_U },
};

static struct uvmsim_machine *m;
static int wired0, free0;
static const struct arch_facts *F;	/* the architecture's, or NULL */

/* The raw-bit tests need the architecture's facts: an architecture not
 * in arch_facts skips them, saying so. */
#define NEED_FACTS() do {						\
	if (F == NULL) {						\
		print_message("no raw PTE facts for arch %s\n", tu_arch()); \
		skip();							\
	}								\
} while (0)

static int
setup(void **state)
{
	struct uvmexp *ux;

	(void)state;
	m = tu_machine(64);
	ux = uvmsim_uvmexp(m);
	for (F = &arch_facts[0]; F < &arch_facts[sizeof(arch_facts) /
	    sizeof(arch_facts[0])]; F++)
		if (strcmp(F->arch, tu_arch()) == 0)
			break;
	if (F == &arch_facts[sizeof(arch_facts) / sizeof(arch_facts[0])])
		F = NULL;
	wired0 = ux->wired;
	free0 = ux->free;
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	tu_destroy(m);
	return 0;
}

#define EXPECT_PROBLEM(inv, field)	tu_expect_problem(m, inv, field, __LINE__)

static paddr_t
pa_of(struct vm_page *pg)
{
	return VM_PAGE_TO_PHYS(pg);
}

/*
 * raw_pte: the level-`level` entry for va in pm's tree, read from the
 * page-table frames' bytes as a student would dump them (0 if a level
 * above is missing).
 */
static uint64_t
raw_pte(struct pmap *pm, vaddr_t va, int level)
{
	const struct pmap_sim *ps = m->pmap_sim;
	struct vm_page *ptp = pm->pm_root;
	uint64_t e = 0;
	int l;

	for (l = (int)ps->ps_arch->pa_levels; l >= level; l--) {
		e = pmap_pte_get(ps, pmap_pte_ptr(m, ps, ptp,
		    pmap_index(ps, va, (unsigned)l)));
		if (l == level)
			break;
		if ((e & ps->ps_v) == 0)
			return 0;
		ptp = PHYS_TO_VM_PAGE(pmap_pte_pa(ps, e));
		assert_non_null(ptp);
	}
	return e;
}

/* The leaf PTE's own bits for va in pm, as uvmsim_probe decodes them
 * (UVMSIM_PTE_; 0 when nothing is mapped). */
static unsigned
leaf_bits(struct pmap *pm, vaddr_t va)
{
	struct uvmsim_probe pr;

	memset(&pr, 0, sizeof(pr));
	assert_int_equal(uvmsim__mmu_probe(m, pm, va, !pm->pm_kernel, &pr),
	    0);
	return pr.pte;
}

/* A vmspace around pm, enough for uvmsim_translate: the current
 * machine's. */
static struct vmspace *
vs_of(struct vmspace *vs, struct pmap *pm)
{
	memset(vs, 0, sizeof(*vs));
	vs->vm_map.pmap = pm;
	vs->vm_map.map_machine = uvmsim_machine_current();
	return vs;
}

static void
test_boot(void **state)
{
	const struct uvmsim_vmparam *vp = uvmsim_vmparam(m);
	struct pmap *kpm;
	uint64_t e;

	(void)state;
	NEED_FACTS();
	assert_int_equal(vp->user_min, 0);
	assert_int_equal(vp->user_max, F->user_max);
	assert_int_equal(vp->kernel_min, F->kernel_min);
	assert_int_equal(vp->kernel_max, F->kernel_max);
	assert_int_equal(vp->pt_levels, m->pmap_sim->ps_arch->pa_levels);
	assert_int_equal(vp->pt_leaf_span, PS * (PS /
	    m->pmap_sim->ps_arch->pa_pte_bytes));
	kpm = pmap_kernel();
	assert_non_null(kpm);
	assert_true(kpm->pm_kernel);
	/* The kernel's root entry (x86-64: 256; i386: 768) points at its
	 * boot-time table (x86-64: an L3; i386: a PT). */
	assert_int_equal(pmap_index(m->pmap_sim, vp->kernel_min,
	    vp->pt_levels), F->kslot);
	e = raw_pte(kpm, vp->kernel_min, (int)vp->pt_levels);
	assert_true((e & ~F->frame) == F->ptp_kernel);
	assert_int_equal(kpm->pm_root->wire_count, 2);
	assert_int_equal(PHYS_TO_VM_PAGE(pmap_pte_pa(m->pmap_sim,
	    e))->wire_count, 1);
	assert_int_equal(wired0, 2);
	assert_int_equal(free0, 62);
	assert_int_equal(pmap_resident_count(kpm), 0);
	CHECK(m);
}

static void
test_enter_remove(void **state)
{
	struct uvmexp *ux = uvmsim_uvmexp(m);
	struct vm_page *pg = tu_page();
	struct pmap *pm;
	paddr_t pa;

	(void)state;
	pm = pmap_create();
	assert_int_equal(ux->wired, wired0 + 1);	/* its root */
	if (tu_arch_has("kernel_root")) {
		/* The kernel's root is its own (TTBR1): none of its
		 * entries in the user root. */
		assert_int_equal(raw_pte(pm, KVA, NT + 1), 0);
		assert_true(raw_pte(pmap_kernel(), KVA, NT + 1) &
		    m->pmap_sim->ps_v);
	} else {
		/* The user root shares the kernel's table below its root
		 * entry. */
		assert_int_equal(raw_pte(pm, KVA, NT + 1),
		    raw_pte(pmap_kernel(), KVA, NT + 1));
	}
	assert_int_equal(pm->pm_root->wire_count, ROOT_WIRE);
	CHECK(m);

	/* root -> L3 -> L2 -> L1 -> pg: three tables appear (i386: root
	 * -> PT -> pg, one). */
	assert_int_equal(pmap_enter(pm, UVA, pa_of(pg), VM_PROT_READ |
	    VM_PROT_WRITE, VM_PROT_READ), 0);
	assert_int_equal(ux->wired, wired0 + 1 + NT);
	assert_int_equal(ux->free, free0 - 1 - 1 - NT);
	assert_int_equal(pmap_resident_count(pm), 1);
	assert_int_equal(pmap_wired_count(pm), 0);
	assert_int_equal(pg->mdpage.mdpg_npv, 1);
	assert_true(pmap_extract(pm, UVA + 0x123, &pa));
	assert_int_equal(pa, pa_of(pg) + 0x123);
	assert_false(pmap_extract(pm, UVA + PS, &pa));
	assert_false(pmap_extract(pm, uvmsim_vmparam(m)->user_max, &pa));
	CHECK(m);

	/* A second page in the same L1 table adds no table. */
	assert_int_equal(pmap_enter(pm, UVA + PS, pa_of(pg), VM_PROT_READ, 0),
	    0);
	assert_int_equal(ux->wired, wired0 + 1 + NT);
	assert_int_equal(pg->mdpage.mdpg_npv, 2);
	assert_int_equal(pmap_resident_count(pm), 2);
	CHECK(m);

	pmap_remove(pm, UVA, UVA + PS);
	assert_int_equal(pmap_resident_count(pm), 1);
	assert_int_equal(ux->wired, wired0 + 1 + NT);
	CHECK(m);
	/* The last entry goes: every table below the root goes with it. */
	pmap_remove(pm, 0, uvmsim_vmparam(m)->user_max);
	pmap_update(pm);
	assert_int_equal(pmap_resident_count(pm), 0);
	assert_int_equal(pg->mdpage.mdpg_npv, 0);
	assert_int_equal(ux->wired, wired0 + 1);
	assert_int_equal(pm->pm_root->wire_count, ROOT_WIRE);
	CHECK(m);
	pmap_destroy(pm);
	assert_int_equal(ux->wired, wired0);
	CHECK(m);
	tu_pagefree(pg);
	assert_int_equal(ux->free, free0);
	CHECK(m);
}

static void
test_raw_ptes(void **state)
{
	struct vm_page *pg = tu_page();
	struct pmap *pm = pmap_create();
	struct vmspace vs;
	vm_prot_t prot;
	uint64_t e;
	paddr_t pa;
	int l;

	(void)state;
	NEED_FACTS();
	/* Written through a write fault: accessed and dirty; wired; not
	 * executable (x86-64: NX; i386 has no such bit). */
	assert_int_equal(pmap_enter(pm, UVA, pa_of(pg), VM_PROT_READ |
	    VM_PROT_WRITE, VM_PROT_WRITE | PMAP_WIRED), 0);
	CHECK(m);
	e = raw_pte(pm, UVA, 1);
	assert_int_equal(pmap_pte_pa(m->pmap_sim, e), pa_of(pg));
	assert_true((e & ~F->frame) == F->u_rw_written_wired);
	/* Upper levels are permissive: the leaf decides. */
	for (l = 2; l <= NT + 1; l++) {
		e = raw_pte(pm, UVA, l);
		assert_true((e & ~F->frame) == F->ptp_user);
	}
	assert_int_equal(uvmsim_translate(m, vs_of(&vs, pm), UVA + 8, &pa,
	    &prot), 0);
	assert_int_equal(pa, pa_of(pg) + 8);
	assert_int_equal(prot, tu_prot(VM_PROT_READ | VM_PROT_WRITE));

	/* Read-only, executable, entered without an access: no A, no D. */
	assert_int_equal(pmap_enter(pm, UVA + PS, pa_of(pg), VM_PROT_READ |
	    VM_PROT_EXECUTE, 0), 0);
	e = raw_pte(pm, UVA + PS, 1);
	assert_true((e & ~F->frame) == F->u_rx_clean);
	assert_int_equal(uvmsim_translate(m, &vs, UVA + PS, &pa, &prot), 0);
	assert_int_equal(prot, VM_PROT_READ | VM_PROT_EXECUTE);
	assert_int_equal(uvmsim_translate(m, &vs, UVA + 2 * PS, &pa, &prot),
	    ENOENT);
	CHECK(m);

	pmap_destroy(pm);
	CHECK(m);
	tu_pagefree(pg);
	CHECK(m);
}

static void
test_pv_two_pmaps(void **state)
{
	struct uvmexp *ux = uvmsim_uvmexp(m);
	struct vm_page *pg = tu_page();
	struct pmap *a = pmap_create(), *b = pmap_create();
	struct vmspace vsa, vsb;
	vm_prot_t prot;

	(void)state;
	/*
	 * pg is mapped twice:
	 *	pmap a, UVA          --\
	 *	pmap b, UVA + 3 pages --> pg   (pv list: b, a)
	 */
	assert_int_equal(pmap_enter(a, UVA, pa_of(pg), VM_PROT_ALL, 0), 0);
	assert_int_equal(pmap_enter(b, UVA + 3 * PS, pa_of(pg),
	    VM_PROT_READ | VM_PROT_WRITE, 0), 0);
	assert_int_equal(pg->mdpage.mdpg_npv, 2);
	assert_ptr_equal(pg->mdpage.mdpg_pvh->pv_pmap, b);
	assert_ptr_equal(pg->mdpage.mdpg_pvh->pv_next->pv_pmap, a);
	assert_int_equal(ux->wired, wired0 + 2 + 2 * NT);
	CHECK(m);

	pmap_page_protect(pg, VM_PROT_READ);
	assert_int_equal(uvmsim_translate(m, vs_of(&vsa, a), UVA, NULL,
	    &prot), 0);
	assert_int_equal(prot, VM_PROT_READ | VM_PROT_EXECUTE);
	assert_int_equal(uvmsim_translate(m, vs_of(&vsb, b), UVA + 3 * PS,
	    NULL, &prot), 0);
	assert_int_equal(prot, tu_prot(VM_PROT_READ));
	assert_int_equal(pg->mdpage.mdpg_npv, 2);
	CHECK(m);
	/* With write in prot nothing changes. */
	pmap_page_protect(pg, VM_PROT_ALL);
	assert_int_equal(pg->mdpage.mdpg_npv, 2);
	CHECK(m);

	/* The loan code calls it with the page queues locked. */
	uvm_lock_pageq();
	pmap_page_protect(pg, VM_PROT_NONE);
	uvm_unlock_pageq();
	assert_int_equal(pg->mdpage.mdpg_npv, 0);
	assert_null(pg->mdpage.mdpg_pvh);
	assert_int_equal(pmap_resident_count(a), 0);
	assert_int_equal(pmap_resident_count(b), 0);
	assert_int_equal(uvmsim_translate(m, &vsa, UVA, NULL, NULL), ENOENT);
	assert_int_equal(ux->wired, wired0 + 2);	/* only the roots */
	CHECK(m);

	pmap_destroy(a);
	pmap_destroy(b);
	tu_pagefree(pg);
	assert_int_equal(ux->wired, wired0);
	assert_int_equal(ux->free, free0);
	CHECK(m);
}

static void
test_mod_ref(void **state)
{
	struct vm_page *pg = tu_page();
	struct pmap *pm = pmap_create();

	(void)state;
	assert_false(pmap_is_referenced(pg));
	assert_false(pmap_is_modified(pg));
	/* A read fault: referenced, not modified. */
	assert_int_equal(pmap_enter(pm, UVA, pa_of(pg), VM_PROT_READ |
	    VM_PROT_WRITE, VM_PROT_READ), 0);
	assert_true(pmap_is_referenced(pg));
	assert_false(pmap_is_modified(pg));
	assert_true(leaf_bits(pm, UVA) & UVMSIM_PTE_ACCESSED);
	CHECK(m);
	/* The same page again with a write: modified; rights unchanged. */
	assert_int_equal(pmap_enter(pm, UVA, pa_of(pg), VM_PROT_READ |
	    VM_PROT_WRITE, VM_PROT_WRITE), 0);
	assert_true(pmap_is_modified(pg));
	assert_int_equal(pmap_resident_count(pm), 1);
	assert_int_equal(pg->mdpage.mdpg_npv, 1);
	CHECK(m);

	assert_true(pmap_clear_modify(pg));
	assert_false(pmap_clear_modify(pg));
	assert_false(pmap_is_modified(pg));
	assert_false(leaf_bits(pm, UVA) & UVMSIM_PTE_MODIFIED);
	assert_true(pmap_clear_reference(pg));
	assert_false(pmap_is_referenced(pg));
	assert_false(leaf_bits(pm, UVA) & UVMSIM_PTE_ACCESSED);
	CHECK(m);

	/* A mapping that goes leaves its bits in the page's attributes. */
	assert_int_equal(pmap_enter(pm, UVA, pa_of(pg), VM_PROT_READ |
	    VM_PROT_WRITE, VM_PROT_WRITE), 0);
	pmap_remove(pm, UVA, UVA + PS);
	assert_int_equal(pg->mdpage.mdpg_attrs & ~PMAP_ATTR_WMAP,
	    PMAP_ATTR_MOD | PMAP_ATTR_REF);
	assert_true(pmap_is_modified(pg));
	assert_true(pmap_is_referenced(pg));
	assert_true(pmap_clear_modify(pg));
	assert_true(pmap_clear_reference(pg));
	assert_int_equal(pg->mdpage.mdpg_attrs & ~PMAP_ATTR_WMAP, 0);
	CHECK(m);

	pmap_destroy(pm);
	tu_pagefree(pg);
	CHECK(m);
}

static void
test_replace_and_update(void **state)
{
	struct vm_page *a = tu_page(), *b = tu_page();
	struct pmap *pm = pmap_create();
	paddr_t pa;

	(void)state;
	assert_int_equal(pmap_enter(pm, UVA, pa_of(a), VM_PROT_READ |
	    VM_PROT_WRITE, VM_PROT_WRITE), 0);
	assert_int_equal(pm->pm_ninval, 0);
	/* Raising rights records nothing; lowering records the page. */
	assert_int_equal(pmap_enter(pm, UVA, pa_of(a), VM_PROT_ALL, 0), 0);
	assert_int_equal(pm->pm_ninval, 0);
	assert_int_equal(pmap_enter(pm, UVA, pa_of(a), VM_PROT_READ, 0), 0);
	assert_int_equal(pm->pm_ninval, 1);
	pmap_update(pm);
	assert_int_equal(pm->pm_ninval, 0);
	CHECK(m);

	/* Another page at va: a's mapping goes first (pv, attributes). */
	assert_int_equal(pmap_enter(pm, UVA, pa_of(b), VM_PROT_READ, 0), 0);
	assert_int_equal(a->mdpage.mdpg_npv, 0);
	assert_int_equal(a->mdpage.mdpg_attrs & ~PMAP_ATTR_WMAP,
	    PMAP_ATTR_MOD | PMAP_ATTR_REF);
	assert_int_equal(b->mdpage.mdpg_npv, 1);
	assert_int_equal(pmap_resident_count(pm), 1);
	assert_true(pmap_extract(pm, UVA, &pa));
	assert_int_equal(pa, pa_of(b));
	assert_int_equal(pm->pm_ninval, 1);
	CHECK(m);

	/* Many scattered invalidations fall back to "all". */
	pmap_update(pm);
	for (pa = 0; pa < PMAP_INVAL_MAX + 1; pa++) {
		assert_int_equal(pmap_enter(pm, UVA + (2 * pa + 4) * PS,
		    pa_of(b), VM_PROT_READ, 0), 0);
		pmap_remove(pm, UVA + (2 * pa + 4) * PS, UVA + (2 * pa + 5) *
		    PS);
	}
	assert_int_equal(pm->pm_ninval, PMAP_INVAL_ALL);
	CHECK(m);
	pmap_update(pm);
	assert_int_equal(pm->pm_ninval, 0);
	CHECK(m);

	pmap_destroy(pm);
	tu_pagefree(a);
	tu_pagefree(b);
	CHECK(m);
}

static void
test_protect(void **state)
{
	struct vm_page *pg = tu_page();
	struct pmap *pm = pmap_create();
	struct vmspace vs;
	vm_prot_t prot;
	int i;

	(void)state;
	for (i = 0; i < 4; i++)
		assert_int_equal(pmap_enter(pm, UVA + i * PS, pa_of(pg),
		    VM_PROT_ALL, 0), 0);
	CHECK(m);
	/* Pages 1 and 2 lose write and execute; pmap_protect never raises. */
	pmap_protect(pm, UVA + PS, UVA + 3 * PS, VM_PROT_READ);
	pmap_protect(pm, UVA + PS, UVA + 3 * PS, VM_PROT_ALL);
	assert_int_equal(uvmsim_translate(m, vs_of(&vs, pm), UVA + PS, NULL,
	    &prot), 0);
	assert_int_equal(prot, tu_prot(VM_PROT_READ));
	/* Execute goes only where it is a right of its own (x86-64's NX;
	 * i386 executes whatever it reads). */
	assert_int_equal(!!(leaf_bits(pm, UVA + 2 * PS) & UVMSIM_PTE_NOEXEC),
	    tu_arch_has("noexec"));
	assert_int_equal(uvmsim_translate(m, &vs, UVA, NULL, &prot), 0);
	assert_int_equal(prot, VM_PROT_ALL);
	assert_true(uvmsim__pmap_pending(pm, UVA + PS));
	assert_false(uvmsim__pmap_pending(pm, UVA));
	CHECK(m);
	/* Without read, protect removes. */
	pmap_protect(pm, UVA, UVA + 4 * PS, VM_PROT_NONE);
	assert_int_equal(pmap_resident_count(pm), 0);
	assert_int_equal(pg->mdpage.mdpg_npv, 0);
	pmap_update(pm);
	CHECK(m);
	pmap_destroy(pm);
	tu_pagefree(pg);
	CHECK(m);
}

static void
test_kenter(void **state)
{
	struct uvmexp *ux = uvmsim_uvmexp(m);
	struct vm_page *pg = tu_page(), *pg2 = tu_page();
	struct pmap *kpm = pmap_kernel(), *pm = pmap_create();
	struct vmspace vs;
	vm_prot_t prot;
	uint64_t e;
	paddr_t pa;

	(void)state;
	NEED_FACTS();
	pmap_kenter_pa(KVA, pa_of(pg), VM_PROT_READ);
	e = raw_pte(kpm, KVA, 1);
	assert_true((e & ~F->frame) == F->k_ro_kenter);
	assert_int_equal(pg->mdpage.mdpg_npv, 0);	/* unmanaged */
	assert_int_equal(pmap_resident_count(kpm), 1);
	assert_int_equal(pmap_wired_count(kpm), 1);
	/* The tables below the shared boot-time one (x86-64: an L2 and an
	 * L1 under the shared L3; i386: none, its PT is the boot-time one). */
	assert_int_equal(ux->wired, wired0 + 1 + (NT - 1));
	/* Seen through any pmap, at once. */
	assert_int_equal(uvmsim_translate(m, vs_of(&vs, pm), KVA, &pa, &prot),
	    0);
	assert_int_equal(pa, pa_of(pg));
	assert_int_equal(uvmsim_translate(m, NULL, KVA + 4, &pa, &prot), 0);
	assert_int_equal(pa, pa_of(pg) + 4);
	assert_int_equal(prot, tu_prot(VM_PROT_READ));
	CHECK(m);

	/* A managed kernel mapping next to it. */
	assert_int_equal(pmap_enter(kpm, KVA + PS, pa_of(pg2), VM_PROT_READ |
	    VM_PROT_WRITE, VM_PROT_READ), 0);
	e = raw_pte(kpm, KVA + PS, 1);
	assert_true((e & ~F->frame) == F->k_rw_read);
	assert_int_equal(pg2->mdpage.mdpg_npv, 1);
	CHECK(m);
	/* pmap_kremove is for unmanaged mappings only. */
	EXPECT_PANIC(m, pmap_kremove(KVA + PS, PS), "managed mapping");
	CHECK(m);
	pmap_remove(kpm, KVA + PS, KVA + 2 * PS);
	pmap_update(kpm);
	CHECK(m);

	pmap_kremove(KVA, PS);
	assert_true(kpm->pm_ninval == 1);
	pmap_update(kpm);
	assert_int_equal(pmap_resident_count(kpm), 0);
	assert_int_equal(uvmsim_translate(m, NULL, KVA, &pa, NULL), ENOENT);
	/* The kernel's tables below its boot-time one went; that stays. */
	assert_int_equal(ux->wired, wired0 + 1);
	CHECK(m);

	/* Kernel addresses only, in the kernel pmap's range. */
	EXPECT_PANIC(m, pmap_kenter_pa(UVA, pa_of(pg), VM_PROT_READ),
	    "outside pmap 1's range");
	EXPECT_PANIC(m, pmap_enter(pm, KVA, pa_of(pg), VM_PROT_READ, 0),
	    "outside pmap");
	CHECK(m);

	pmap_destroy(pm);
	tu_pagefree(pg);
	tu_pagefree(pg2);
	assert_int_equal(ux->wired, wired0);
	CHECK(m);
}

static void
test_wiring(void **state)
{
	struct vm_page *pg = tu_page();
	struct pmap *pm = pmap_create();

	(void)state;
	assert_int_equal(pmap_enter(pm, UVA, pa_of(pg), VM_PROT_READ,
	    PMAP_WIRED), 0);
	assert_int_equal(pmap_wired_count(pm), 1);
	assert_true(leaf_bits(pm, UVA) & UVMSIM_PTE_WIRED);
	CHECK(m);
	/* Entering the same page unwired drops the wiring... */
	assert_int_equal(pmap_enter(pm, UVA, pa_of(pg), VM_PROT_READ, 0), 0);
	assert_int_equal(pmap_wired_count(pm), 0);
	CHECK(m);
	/* ...and wired again takes it back. */
	assert_int_equal(pmap_enter(pm, UVA, pa_of(pg), VM_PROT_READ,
	    PMAP_WIRED), 0);
	assert_int_equal(pmap_wired_count(pm), 1);
	CHECK(m);
	pmap_unwire(pm, UVA);
	assert_int_equal(pmap_wired_count(pm), 0);
	assert_false(leaf_bits(pm, UVA) & UVMSIM_PTE_WIRED);
	assert_int_equal(pmap_resident_count(pm), 1);
	CHECK(m);
	/* Unwiring twice changes nothing; an unmapped va panics. */
	pmap_unwire(pm, UVA);
	assert_int_equal(pmap_wired_count(pm), 0);
	EXPECT_PANIC(m, pmap_unwire(pm, UVA + PS), "is not mapped");
	CHECK(m);
	/* A wired mapping removed drops the count. */
	assert_int_equal(pmap_enter(pm, UVA + PS, pa_of(pg), VM_PROT_READ,
	    PMAP_WIRED), 0);
	assert_int_equal(pmap_wired_count(pm), 1);
	pmap_remove(pm, UVA, UVA + 2 * PS);
	assert_int_equal(pmap_wired_count(pm), 0);
	pmap_update(pm);
	CHECK(m);
	pmap_destroy(pm);
	tu_pagefree(pg);
	CHECK(m);
}

static void
test_canfail(void **state)
{
	struct uvmexp *ux = uvmsim_uvmexp(m);
	struct vm_page *pg = tu_page();
	struct pmap *pm = pmap_create();
	int wired = ux->wired, freepg = ux->free;
	unsigned long nth;

	(void)state;
	/* Each page-table page the mapping needs cannot be had (x86-64:
	 * the first, second or third; i386: its one PT). */
	for (nth = 1; nth <= (unsigned long)NT; nth++) {
		assert_int_equal(uvmsim_failpoint_set(m, "uvm_pagealloc", nth,
		    1), 0);
		assert_int_equal(pmap_enter(pm, UVA, pa_of(pg), VM_PROT_READ,
		    VM_PROT_READ | PMAP_CANFAIL), ENOMEM);
		uvmsim_failpoint_clear(m);
		assert_int_equal(ux->wired, wired);
		assert_int_equal(ux->free, freepg);
		assert_int_equal(pmap_resident_count(pm), 0);
		assert_int_equal(pg->mdpage.mdpg_npv, 0);
		assert_int_equal(pm->pm_root->wire_count, ROOT_WIRE);
		assert_false(pmap_is_referenced(pg));
		CHECK(m);
	}
	/* Without PMAP_CANFAIL it is a panic, still changing nothing. */
	assert_int_equal(uvmsim_failpoint_set(m, "uvm_pagealloc", NT, 1), 0);
	EXPECT_PANIC(m, pmap_enter(pm, UVA, pa_of(pg), VM_PROT_READ, 0),
	    "pmap_enter: out of page-table pages");
	uvmsim_failpoint_clear(m);
	assert_int_equal(ux->wired, wired);
	CHECK(m);
	/* And it works once pages can be had. */
	assert_int_equal(pmap_enter(pm, UVA, pa_of(pg), VM_PROT_READ,
	    PMAP_CANFAIL), 0);
	assert_int_equal(ux->wired, wired + NT);
	CHECK(m);
	pmap_destroy(pm);
	tu_pagefree(pg);
	CHECK(m);
}

static void
test_copy_zero(void **state)
{
	struct vm_page *a = tu_page(), *b = tu_page();

	(void)state;
	tu_fill(m, a, 11);
	tu_fill(m, b, 12);
	pmap_copy_page(pa_of(a), pa_of(b));
	assert_true(tu_verify(m, b, 11));
	assert_true(tu_verify(m, a, 11));
	pmap_zero_page(pa_of(a));
	assert_true(tu_is_zero(m, a));
	assert_true(tu_verify(m, b, 11));
	EXPECT_PANIC(m, pmap_zero_page(PS), "not a frame");
	CHECK(m);
	tu_pagefree(a);
	tu_pagefree(b);
	CHECK(m);
}

static void
test_destroy_forgiving(void **state)
{
	struct uvmexp *ux = uvmsim_uvmexp(m);
	struct vm_page *pg = tu_page();
	struct pmap *pm = pmap_create();

	(void)state;
	/* Two mappings far apart, under two root entries: two trees below
	 * the root. */
	assert_int_equal(pmap_enter(pm, UVA, pa_of(pg), VM_PROT_READ,
	    PMAP_WIRED), 0);
	assert_int_equal(pmap_enter(pm, FARVA, pa_of(pg),
	    VM_PROT_READ, VM_PROT_READ), 0);
	assert_int_equal(ux->wired, wired0 + 1 + 2 * NT);
	pmap_reference(pm);
	pmap_destroy(pm);		/* one reference left */
	assert_int_equal(pmap_resident_count(pm), 2);
	CHECK(m);
	pmap_destroy(pm);		/* the last: everything goes */
	assert_int_equal(pg->mdpage.mdpg_npv, 0);
	assert_int_equal(ux->wired, wired0);
	CHECK(m);
	EXPECT_PANIC(m, pmap_destroy(pmap_kernel()), "the kernel pmap");
	tu_pagefree(pg);
	assert_int_equal(ux->free, free0);
	CHECK(m);
}

static void
test_misuse(void **state)
{
	struct vm_page *pg = tu_page(), *fr;
	struct pmap *pm = pmap_create();

	(void)state;
	EXPECT_PANIC(m, pmap_enter(pm, UVA, pa_of(pg), VM_PROT_READ,
	    VM_PROT_WRITE), "exceeds protection");
	EXPECT_PANIC(m, pmap_enter(pm, UVA + 1, pa_of(pg), VM_PROT_READ, 0),
	    "not page aligned");
	EXPECT_PANIC(m, pmap_enter(pm, UVA, PS, VM_PROT_READ, 0),
	    "not a frame of this machine");
	fr = uvmsim_page(m, 63);
	assert_true(fr->pqflags & PQ_FREE);
	EXPECT_PANIC(m, pmap_enter(pm, UVA, pa_of(fr), VM_PROT_READ, 0),
	    "is free");
	EXPECT_PANIC(m, pmap_remove(pm, UVA + PS, UVA), "below start");
	CHECK(m);
	pmap_destroy(pm);
	tu_pagefree(pg);
	CHECK(m);
}

static void
test_trace(void **state)
{
	struct uvmsim_event ev[16];
	struct vm_page *pg = tu_page();
	struct pmap *pm = pmap_create();
	size_t n, i;
	int saw_enter = 0, saw_ptp = 0;
	char line[160];

	(void)state;
	assert_int_equal(pmap_enter(pm, UVA, pa_of(pg), VM_PROT_READ,
	    VM_PROT_READ), 0);
	n = uvmsim_trace_ring(m, ev, 16);
	for (i = 0; i < n; i++) {
		if (ev[i].type == UVMSIM_EV_PMAP_ENTER) {
			saw_enter++;
			assert_int_equal(ev[i].arg[0], pm->pm_id);
			assert_int_equal(ev[i].arg[1], UVA);
			assert_int_equal(ev[i].arg[2],
			    uvmsim_page_frame(m, pg));
			uvmsim_event_format(&ev[i], line, sizeof(line));
			assert_non_null(strstr(line, "pmap.enter"));
		}
		/* The levels under the root pmap_create made (x86-64: 3,
		 * 2, 1; i386: 1). */
		if (ev[i].type == UVMSIM_EV_PTP_ALLOC &&
		    ev[i].arg[0] == pm->pm_id && ev[i].arg[1] < (unsigned)NT + 1)
			saw_ptp++;
	}
	assert_int_equal(saw_enter, 1);
	assert_int_equal(saw_ptp, NT);
	CHECK(m);
	pmap_destroy(pm);
	tu_pagefree(pg);
	CHECK(m);
}

/* The checker finds each corruption, and nothing once it is repaired. */
static void
test_checker(void **state)
{
	struct vm_page *pg = tu_page(), *ptp;
	struct pmap *pm = pmap_create();
	struct pv_entry *pv;
	struct pmap_walk w;

	(void)state;
	assert_int_equal(pmap_enter(pm, UVA, pa_of(pg), VM_PROT_READ, 0), 0);
	CHECK(m);

	pv = pg->mdpage.mdpg_pvh;
	pv->pv_va += PS;		/* the pv names the wrong va */
	EXPECT_PROBLEM("pmap.pv", "pv");
	EXPECT_PROBLEM("pmap.pv", "mdpg_pvh");
	pv->pv_va -= PS;
	CHECK(m);

	pg->mdpage.mdpg_npv++;
	EXPECT_PROBLEM("pmap.pv", "mdpg_npv");
	pg->mdpage.mdpg_npv--;
	CHECK(m);

	pm->pm_resident++;
	EXPECT_PROBLEM("pmap.counts", "pm_resident");
	pm->pm_resident--;
	pm->pm_wired++;
	EXPECT_PROBLEM("pmap.counts", "pm_wired");
	pm->pm_wired--;
	CHECK(m);

	/* The L1 table, from the L2 entry. */
	ptp = PHYS_TO_VM_PAGE(pmap_pte_pa(m->pmap_sim, raw_pte(pm, UVA, 2)));
	ptp->wire_count++;
	EXPECT_PROBLEM("pmap.ptp", "wire_count");
	ptp->wire_count--;
	CHECK(m);

	bit_set(pm->pm_cpus, 0);	/* claims to run on cpu 0 */
	EXPECT_PROBLEM("pmap.active", "pm_cpus");
	bit_clear(pm->pm_cpus, 0);
	CHECK(m);

	/* A frame's physical address is where its bytes are found. */
	pg->phys_addr += PS;
	EXPECT_PROBLEM("page.phys", "phys_addr");
	pg->phys_addr -= PS;
	CHECK(m);

	/* The MMU's hit path must look at the current CPU's TLB. */
	m->mmu_curpc = NULL;
	EXPECT_PROBLEM("tlb.curcpu", "tlb");
	uvmsim__mmu_setcpu(m);
	CHECK(m);

	/* The walk cache (filled by a walk to UVA's leaf table) names
	 * another leaf table, then claims rights the path lacks. */
	pmap_walk_pte(m, pm, UVA, &w);
	assert_int_equal(w.pw_stop, 0);
	assert_int_equal(pm->pm_wc.wc_gen, m->pmap_sim->ps_ptpgen);
	ptp = pm->pm_wc.wc_ptp[1];
	pm->pm_wc.wc_ptp[1] = pm->pm_root;
	EXPECT_PROBLEM("pmap.wcache", "pm_wc");
	pm->pm_wc.wc_ptp[1] = ptp;
	CHECK(m);
	pm->pm_wc.wc_acc ^= TLB_X;
	EXPECT_PROBLEM("pmap.wcache", "pm_wc");
	pm->pm_wc.wc_acc ^= TLB_X;
	CHECK(m);

	/* A pv list that loops (two mappings; the second points back). */
	assert_int_equal(pmap_enter(pm, UVA + PS, pa_of(pg), VM_PROT_READ, 0),
	    0);
	pv = pg->mdpage.mdpg_pvh->pv_next;
	pv->pv_next = pg->mdpage.mdpg_pvh;
	EXPECT_PROBLEM("pmap.pv", "mdpg_pvh");
	pv->pv_next = NULL;
	CHECK(m);

	/* A page freed while still mapped... */
	tu_pagefree(pg);
	EXPECT_PROBLEM("pmap.pv", "mdpg_pvh");
	EXPECT_PROBLEM("pmap.pte", "pte");
	/* ...and taken back (the free list hands it out first). */
	assert_ptr_equal(uvm_pagealloc(NULL, 0, NULL, 0), pg);
	tu_unbusy(pg);
	CHECK(m);

	pmap_remove(pm, UVA, UVA + 2 * PS);
	pmap_update(pm);
	CHECK(m);
	pmap_destroy(pm);
	tu_pagefree(pg);
	CHECK(m);
}

/* What n calls of pmap_extract say of the n pages from va of pm: bit i
 * for va + i pages. */
static uint32_t
extract_mask(struct pmap *pm, vaddr_t va, int n)
{
	uint32_t mask = 0;
	paddr_t pa;
	int i;

	for (i = 0; i < n; i++)
		if (pmap_extract(pm, va + (vaddr_t)i * PS, &pa))
			mask |= (uint32_t)1 << i;
	return mask;
}

/*
 * uvmsim__pmap_mapped says what pmap_extract says of each page, for
 * every window of up to 32 pages from UVA - 2 pages, over leaf entries
 * made of a real mapping's bits with another frame field:
 *
 *	UVA + 0   mapped (pmap_enter)	  6   valid, the last frame
 *	      1   0 (nothing)		  7   valid, one past the last
 *	      2   invalid, a frame's bits	  8   valid, the field's highest
 *	      3   mapped (pmap_enter)	  9   invalid, the field's highest
 *	      4   valid, below the first	 10   mapped (pmap_enter)
 *	      5   valid, the first frame	 11.. 0
 *
 * read from the leaf table the walk cache holds (the fault's way: its
 * one compare per entry on every architecture here) and, with the cache
 * on another leaf table, through mapped_walk.  The entries are put back
 * before the checker looks.
 */
static void
test_mapped(void **state)
{
	struct vm_page *pg = tu_page();
	struct pmap *pm = pmap_create();
	const struct pmap_sim *ps = m->pmap_sim;
	const uint64_t amask = ps->ps_arch->pa_addr_mask;
	const unsigned pfnsh = ps->ps_arch->pa_pfn_shift;
	const uint64_t base = m->phys_base >> m->pageshift;
	struct pmap_walk w;
	uint64_t e0, fn[5];
	uint8_t *leaf;
	unsigned idx;
	vaddr_t va;
	int i, n;

	(void)state;
	assert_int_equal(ps->ps_map_pteb, ps->ps_arch->pa_pte_bytes);
	assert_int_equal(pmap_enter(pm, UVA, pa_of(pg), VM_PROT_READ, 0), 0);
	assert_int_equal(pmap_enter(pm, UVA + 3 * PS, pa_of(pg),
	    VM_PROT_READ | VM_PROT_WRITE, VM_PROT_WRITE | PMAP_WIRED), 0);
	assert_int_equal(pmap_enter(pm, UVA + 10 * PS, pa_of(pg),
	    VM_PROT_READ, 0), 0);
	assert_int_equal(pmap_enter(pm, FARVA, pa_of(pg), VM_PROT_READ, 0), 0);
	uvmsim__pmap_walk_tables(m, pm, UVA, &w);
	assert_int_equal(w.pw_stop, 0);
	e0 = w.pw_pte;
	leaf = pmap_pte_ptr(m, ps, w.pw_ptp[1], w.pw_idx[1]);
	idx = w.pw_idx[1];
	assert_true(idx >= 2 && idx + 30 <= ps->ps_nidx[1]);
	fn[0] = base - 1;
	fn[1] = base;
	fn[2] = base + m->npages - 1;
	fn[3] = base + m->npages;
	fn[4] = amask >> pfnsh;
#define RAW(j, f, valid)						\
	pmap_pte_set(ps, leaf + (size_t)(j) * ps->ps_arch->pa_pte_bytes,	\
	    (((e0 & ~amask) | (((f) << pfnsh) & amask)) & ~ps->ps_v) |	\
	    ((valid) ? ps->ps_v : 0))
	RAW(2, base + 3, false);
	RAW(4, fn[0], true);
	RAW(5, fn[1], true);
	RAW(6, fn[2], true);
	RAW(7, fn[3], true);
	RAW(8, fn[4], true);
	RAW(9, fn[4], false);
	/* Each window: the walk cache on UVA's leaf table (extract_mask
	 * leaves it there), then on FARVA's. */
	for (va = UVA - 2 * PS; va <= UVA + 11 * PS; va += PS) {
		for (n = 0; n <= 32; n++) {
			uint32_t want = extract_mask(pm, va, n);

			assert_int_equal(uvmsim__pmap_mapped(m, pm, va, n),
			    want);
			(void)pmap_extract(pm, FARVA, NULL);
			assert_int_equal(uvmsim__pmap_mapped(m, pm, va, n),
			    want);
		}
	}
	/* The answers themselves, from UVA: mapped 0, 3, 5, 6, 10. */
	assert_int_equal(uvmsim__pmap_mapped(m, pm, UVA, 12),
	    1u << 0 | 1u << 3 | 1u << 5 | 1u << 6 | 1u << 10);
	for (i = 2; i <= 9; i++)
		if (i != 3)
			pmap_pte_set(ps, leaf + (size_t)i *
			    ps->ps_arch->pa_pte_bytes, 0);
#undef RAW
	CHECK(m);
	pmap_destroy(pm);
	CHECK(m);
	tu_pagefree(pg);
	CHECK(m);
}

/*
 * PMAP_ATTR_WMAP: set by a managed mapping that allows writing, cleared
 * when pmap_page_protect takes writing away; while it is clear, a
 * read-only pmap_page_protect has nothing to do.
 */
static void
test_wmap(void **state)
{
	struct vm_page *pg = tu_page();
	struct pmap *pm = pmap_create();

	(void)state;
	assert_int_equal(pmap_enter(pm, UVA, pa_of(pg), VM_PROT_READ, 0), 0);
	assert_int_equal(pg->mdpage.mdpg_attrs & PMAP_ATTR_WMAP, 0);
	assert_int_equal(pmap_enter(pm, UVA + PS, pa_of(pg), VM_PROT_READ |
	    VM_PROT_WRITE, 0), 0);
	assert_true(pg->mdpage.mdpg_attrs & PMAP_ATTR_WMAP);
	assert_true(leaf_bits(pm, UVA + PS) & UVMSIM_PTE_WRITABLE);
	CHECK(m);

	pmap_page_protect(pg, VM_PROT_READ);
	assert_false(leaf_bits(pm, UVA + PS) & UVMSIM_PTE_WRITABLE);
	assert_int_equal(pg->mdpage.mdpg_attrs & PMAP_ATTR_WMAP, 0);
	CHECK(m);
	pmap_page_protect(pg, VM_PROT_READ);	/* nothing left to do */
	assert_int_equal(pg->mdpage.mdpg_npv, 2);
	assert_true(leaf_bits(pm, UVA) & UVMSIM_PTE_VALID);
	CHECK(m);

	/* Writable again (the same page, new rights), the mark wiped by
	 * hand: the checker says so. */
	assert_int_equal(pmap_enter(pm, UVA, pa_of(pg), VM_PROT_READ |
	    VM_PROT_WRITE, 0), 0);
	assert_true(pg->mdpage.mdpg_attrs & PMAP_ATTR_WMAP);
	pg->mdpage.mdpg_attrs &= ~PMAP_ATTR_WMAP;
	EXPECT_PROBLEM("pmap.wmap", "mdpg_attrs");
	pg->mdpage.mdpg_attrs |= PMAP_ATTR_WMAP;
	CHECK(m);

	/* Taking every mapping away clears it too. */
	pmap_page_protect(pg, VM_PROT_NONE);
	assert_int_equal(pg->mdpage.mdpg_npv, 0);
	assert_int_equal(pg->mdpage.mdpg_attrs & PMAP_ATTR_WMAP, 0);
	pmap_update(pm);
	CHECK(m);
	pmap_destroy(pm);
	tu_pagefree(pg);
	CHECK(m);
}

/* Configurations the pmap layer refuses, and a machine without one. */
static void
test_config(void **state)
{
	struct uvmsim_machine *m2 = NULL;
	struct uvmsim_config cfg;
	uint64_t v;

	(void)state;
	tu_config(&cfg, 16);
	cfg.arch = "vax";
	assert_int_equal(uvmsim_machine_create(&cfg, &m2), EINVAL);
	assert_string_equal(uvmsim_last_error(), "uvmsim_machine_create: "
	    "arch: unknown architecture \"vax\"");
	cfg.arch = NULL;
	cfg.page_size = 8192;
	assert_int_equal(uvmsim_machine_create(&cfg, &m2), EINVAL);
	assert_string_equal(uvmsim_last_error(), "uvmsim_machine_create: "
	    "page_size: 8192 does not fit arch x86_64 (4096-byte pages)");
	cfg.page_size = 4096;
	cfg.tlb_entries = 48;
	assert_int_equal(uvmsim_machine_create(&cfg, &m2), EINVAL);
	assert_non_null(strstr(uvmsim_last_error(), "tlb_entries: 48"));
	cfg.tlb_entries = 8192;
	assert_int_equal(uvmsim_machine_create(&cfg, &m2), EINVAL);
	assert_non_null(strstr(uvmsim_last_error(), "tlb_entries"));
	cfg.tlb_entries = 64;
	cfg.tlb_ways = 3;
	assert_int_equal(uvmsim_machine_create(&cfg, &m2), EINVAL);
	assert_non_null(strstr(uvmsim_last_error(), "tlb_ways: 3"));
	cfg.tlb_ways = 0;
	assert_int_equal(uvmsim_machine_create(&cfg, &m2), EINVAL);
	assert_non_null(strstr(uvmsim_last_error(), "tlb_ways"));
	assert_null(m2);
	/* Too few frames for the kernel's page tables. */
	cfg.tlb_ways = 4;
	cfg.npages = 1;
	assert_int_equal(uvmsim_machine_create(&cfg, &m2), ENOMEM);
	assert_non_null(strstr(uvmsim_last_error(), "npages"));

	/* arch "none": no pmap layer at all. */
	cfg.npages = 16;
	cfg.arch = "none";
	m2 = tu_machine_cfg(&cfg);
	assert_null(m2->pmap_sim);
	assert_int_equal(uvmsim_uvmexp(m2)->free, 16);
	EXPECT_PANIC(m2, pmap_kernel(), "pmap: machine has no MMU (arch none)");
	EXPECT_PANIC(m2, pmap_create(), "arch none");
	assert_int_equal(uvmsim_load(m2, 0, NULL, 0, 8, &v), EINVAL);
	assert_non_null(strstr(uvmsim_last_error(), "arch none"));
	assert_int_equal(uvmsim_translate(m2, NULL, 0, NULL, NULL), EINVAL);
	CHECK(m2);
	tu_destroy(m2);
}

/*
 * test_backend_ops: the backend's functions write the bits its table
 * names (the glue reads the wired and managed bits, the checker and
 * uvmsim_probe decode PTEs, through the table's positions), and every
 * operation of the vector answers as the architecture's NetBSD pmap and
 * MMU do (NetBSD/amd64's, NetBSD/i386's, NetBSD/alpha's).  Where the
 * format emulates referenced and modified (Alpha), a right of a managed
 * mapping whose access has not happened yet is granted (po_pte_prot)
 * but absent from the TLB's rights until the emulation fault.
 */
static void
test_backend_ops(void **state)
{
	const struct pmap_sim *ps = m->pmap_sim;
	const struct pmap_sim_ops *po = ps->ps_ops;
	const paddr_t pa = 0x23456000ULL;	/* (below 4 GiB: i386) */
	const bool emul = tu_arch_has("refmod_emul");
	const bool hw = tu_arch_has("hw_refmod");
	vm_prot_t prot, access, grant;
	unsigned flags, first, last, attrs;
	uint64_t pte, e;
	uint32_t r;
	bool managed;

	(void)state;
	NEED_FACTS();
	assert_ptr_equal(po, ps->ps_arch->pa_ops);
	for (prot = 1; prot <= VM_PROT_ALL; prot++)
	for (access = 0; access <= prot; access++)
	for (flags = 0; flags < 8; flags++) {
		if (access & ~prot)
			continue;
		pte = po->po_pte_make(ps, pa, prot, access, flags);
		r = po->po_pte_rights(ps, pte);
		grant = po->po_pte_prot(ps, pte);
		managed = (flags & PMAP_SIM_PTE_MANAGED) != 0;
		assert_true(pte & ps->ps_v);
		assert_int_equal(pmap_pte_pa(ps, pte), pa);
		/* The frame field is the frame's alone, with the attributes
		 * known or not (pmap_enter keeps the PTE of frame 0 and adds
		 * the frame's bits). */
		for (attrs = 0; attrs < 4; attrs++) {
			e = po->po_pte_make(ps, 0, prot, access, flags |
			    ((attrs & 1) ? PMAP_SIM_PTE_REF : 0) |
			    ((attrs & 2) ? PMAP_SIM_PTE_MOD : 0));
			assert_true((e & ps->ps_arch->pa_addr_mask) == 0);
			assert_true((e | pmap_pa_pte(ps, pa)) ==
			    po->po_pte_make(ps, pa, prot, access, flags |
			    ((attrs & 1) ? PMAP_SIM_PTE_REF : 0) |
			    ((attrs & 2) ? PMAP_SIM_PTE_MOD : 0)));
		}
		/* The mapping grants prot, as the architecture widens it. */
		assert_int_equal(grant, tu_prot(prot));
		assert_true(po->po_pte_protect(ps, pte, VM_PROT_ALL) == pte);
		/* Lowered to read: write goes, and execute where it is a
		 * right of its own. */
		assert_int_equal(po->po_pte_prot(ps, po->po_pte_protect(ps, pte,
		    VM_PROT_READ)), grant & ~VM_PROT_WRITE &
		    (tu_arch_has("noexec") ? ~VM_PROT_EXECUTE : VM_PROT_ALL));
		/* The table's decode agrees with the backend's, but for an
		 * access an emulating format makes trap first. */
		if (!emul || !managed || (access & VM_PROT_WRITE)) {
			assert_int_equal(r & ~(TLB_G | TLB_D | TLB_U),
			    pmap_pte_rights(ps, pte) & ~TLB_U);
			assert_int_equal(!!(r & TLB_W),
			    !!(prot & VM_PROT_WRITE));
			assert_int_equal(!!(r & TLB_X),
			    !!(tu_prot(prot) & VM_PROT_EXECUTE));
		} else {
			assert_int_equal(!!(r & TLB_W),
			    !!(access & VM_PROT_WRITE));
			assert_int_equal(!!(r & (TLB_R | TLB_X)),
			    access != 0 && (grant & (VM_PROT_READ |
			    VM_PROT_EXECUTE)) != 0);
		}
		assert_int_equal(!!(r & TLB_U),
		    !(flags & PMAP_SIM_PTE_KERNEL));
		assert_int_equal(!!(r & TLB_G), !!(flags & PMAP_SIM_PTE_KERNEL));
		assert_int_equal(!!(r & TLB_G), !!(pte & ps->ps_g));
		assert_int_equal(!!(pte & ps->ps_wired),
		    !!(flags & PMAP_SIM_PTE_WIRED));
		assert_int_equal(!!(pte & ps->ps_managed),
		    !!(flags & PMAP_SIM_PTE_MANAGED));
		/* Referenced and modified preset by the access (an
		 * unmanaged mapping of an emulating format has nothing to
		 * emulate: both, always). */
		attrs = (access ? PMAP_ATTR_REF : 0) |
		    ((access & VM_PROT_WRITE) ? PMAP_ATTR_MOD : 0);
		if (emul && !managed)
			attrs = PMAP_ATTR_REF | PMAP_ATTR_MOD;
		assert_int_equal(po->po_pte_attrs(ps, pte), attrs);
		/* The attributes the page already has count as done. */
		if (managed)
			assert_int_equal(po->po_pte_attrs(ps, po->po_pte_make(ps,
			    pa, prot, 0, flags | PMAP_SIM_PTE_REF |
			    PMAP_SIM_PTE_MOD)), emul ? PMAP_ATTR_REF |
			    PMAP_ATTR_MOD : 0);
		if (hw) {
			/* The walker's bits, A and D. */
			assert_int_equal(!!(pte & ps->ps_a), access != 0);
			assert_int_equal(!!(pte & ps->ps_d), !!(r & TLB_D));
			assert_int_equal(!!(r & TLB_D),
			    !!(access & VM_PROT_WRITE));
		} else
			assert_int_equal(!!(r & TLB_D), !!(r & TLB_W));
		e = po->po_pte_clear_attrs(ps, pte, PMAP_ATTR_MOD);
		assert_int_equal(po->po_pte_attrs(ps, e),
		    po->po_pte_attrs(ps, pte) & ~PMAP_ATTR_MOD);
		assert_int_equal(po->po_pte_rights(ps, e) & TLB_D, 0);
		e = po->po_pte_clear_attrs(ps, pte, PMAP_ATTR_REF |
		    PMAP_ATTR_MOD);
		assert_int_equal(po->po_pte_attrs(ps, e), 0);
		if (hw)
			assert_true(e == (pte & ~(ps->ps_a | ps->ps_d)));
	}
	/* A user mapping written on entry, in raw bits. */
	assert_true(po->po_pte_make(ps, pa, VM_PROT_READ | VM_PROT_WRITE,
	    VM_PROT_WRITE, PMAP_SIM_PTE_MANAGED) ==
	    (pmap_pa_pte(ps, pa) | F->u_rw_written));
	/* Table entries: permissive, the leaf decides; user only in a user
	 * pmap (Alpha's restrict nothing either way). */
	e = po->po_ptp_make(ps, pa, false);
	assert_true(e == (pmap_pa_pte(ps, pa) | F->ptp_user));
	assert_int_equal(po->po_upper_rights(ps, e, e),
	    TLB_R | TLB_W | TLB_X | TLB_U);
	e = po->po_ptp_make(ps, pa, true);
	assert_true(e == (pmap_pa_pte(ps, pa) | F->ptp_kernel));
	assert_int_equal(po->po_upper_rights(ps, e, e) & ~TLB_U,
	    TLB_R | TLB_W | TLB_X);
	/* How upper entries combine (x86: AND for write and user, OR for
	 * no-execute; i386 has no NX; Alpha's leaf alone decides). */
	assert_int_equal(po->po_upper_rights(ps, F->up_all, F->up_any),
	    F->up_rights);
	/* One root for both halves: the pmap's own. */
	assert_ptr_equal(po->po_root(ps, ps->ps_cpus[0].pc_pmap, KVA),
	    ps->ps_cpus[0].pc_pmap);
	/* The kernel's root slot (x86-64: a PML4 entry; i386: a PDE),
	 * shared by every user root. */
	assert_true(po->po_kernel_slots(ps, &first, &last));
	assert_int_equal(first, F->kslot);
	assert_int_equal(last, F->kslot);
	CHECK(m);
}

/*
 * uvmsim_pmap_stats counts the page-table pages: the boot's are there
 * from the start and wired; a process's root comes with its pmap, a
 * first mapping adds a table per level below the root, and all go with
 * the process; the peak stays.
 */
static void
test_pmap_stats(void **state)
{
	struct uvmsim_pmap_stats st0, st;
	const struct uvmsim_vmparam *vp = uvmsim_vmparam(m);
	struct uvmsim_machine *m2;
	struct uvmsim_config cfg;
	struct proc *p;
	uint64_t boot;

	(void)state;
	assert_int_equal(uvmsim_pmap_stats(m, &st0), 0);
	boot = st0.ptps;
	assert_true(boot >= 1);
	assert_true(boot <= (uint64_t)(uvmsim_uvmexp(m)->wired));
	assert_int_equal(st0.levels, vp->pt_levels);
	assert_int_equal(st0.pt_bytes, boot * uvmsim_page_size(m));
	assert_true(st0.pte_bytes == 4 || st0.pte_bytes == 8);

	assert_int_equal(uvmsim_proc_create(m, &p), 0);
	assert_int_equal(uvmsim_pmap_stats(m, &st), 0);
	assert_int_equal(st.ptps, boot + 1);		/* its root */
	tu_map_anon(m, &p->p_vmspace->vm_map, 0x400000, 1,
	    VM_PROT_READ | VM_PROT_WRITE, UVM_INH_COPY, UVM_ADV_NORMAL, 0);
	assert_int_equal(uvmsim_store(m, 0, p->p_vmspace, 0x400000, 8, 1),
	    0);
	CHECK(m);
	assert_int_equal(uvmsim_pmap_stats(m, &st), 0);
	assert_int_equal(st.ptps, boot + 1 + (uint64_t)tu_ptps(m));
	assert_int_equal(st.ptps_peak, st.ptps);
	assert_int_equal(st.pt_bytes_peak, st.ptps * uvmsim_page_size(m));

	uvmsim_proc_exit(m, p);
	CHECK(m);
	assert_int_equal(uvmsim_pmap_stats(m, &st), 0);
	assert_int_equal(st.ptps, boot);
	assert_int_equal(st.ptps_peak, boot + 1 + (uint64_t)tu_ptps(m));

	/* Bad arguments. */
	assert_int_equal(uvmsim_pmap_stats(NULL, &st), EINVAL);
	assert_non_null(strstr(uvmsim_last_error(), "m: NULL"));
	assert_int_equal(uvmsim_pmap_stats(m, NULL), EINVAL);
	assert_non_null(strstr(uvmsim_last_error(), "st: NULL"));
	tu_config(&cfg, 16);
	cfg.arch = "none";
	assert_int_equal(uvmsim_machine_create(&cfg, &m2), 0);
	assert_int_equal(uvmsim_pmap_stats(m2, &st), EINVAL);
	assert_non_null(strstr(uvmsim_last_error(), "no MMU"));
	uvmsim_machine_destroy(m2);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		TU_TEST(test_boot),
		TU_TEST(test_pmap_stats),
		TU_TEST(test_enter_remove),
		TU_TEST(test_raw_ptes),
		TU_TEST(test_pv_two_pmaps),
		TU_TEST(test_mod_ref),
		TU_TEST(test_replace_and_update),
		TU_TEST(test_protect),
		TU_TEST(test_kenter),
		TU_TEST(test_wiring),
		TU_TEST(test_canfail),
		TU_TEST(test_copy_zero),
		TU_TEST(test_destroy_forgiving),
		TU_TEST(test_misuse),
		TU_TEST(test_trace),
		TU_TEST(test_checker),
		TU_TEST(test_wmap),
		TU_TEST(test_mapped),
		TU_TEST(test_backend_ops),
		cmocka_unit_test(test_config),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
