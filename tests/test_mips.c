/*
 * test_mips.c: the MIPS-style backend (pmap_mips.c): the raw PTEs
 * pmap_enter and pmap_kenter_pa write; the software refill (counted as
 * tlb_refills) loading the even/odd pair of pages one TLB entry maps,
 * and an invalidation of one page dropping the pair; referenced emulated
 * by the TLB invalid exception (V clear until used) and modified by the
 * "TLB modified" exception (D clear until written), both resolved by the
 * pmap without uvm_fault; kseg0 translating without the TLB; kseg2's
 * global entries; the dump's MIPS names.
 *
 * Each test needs the "mips" architecture and says so elsewhere.
 * Mappings are made with pmap_enter in the pmap of a process whose map
 * has no entries: an access that succeeds was served by the MMU and the
 * pmap alone.
 */
#include "testutil.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "pmap_sim/pmap_impl.h"

#define UVA		0x400000UL		/* a user address, even page */
#define PS		4096UL
#define KSEG0		0x80000000UL

/* PTE bits, as NetBSD/mips's pte.h (MIPS3_PG_) and the backend's
 * software bits. */
#define M_G		0x00000001ULL
#define M_V		0x00000002ULL
#define M_D		0x00000004ULL
#define M_CACHED	0x00000018ULL		/* C = 3 */
#define M_PRESENT	0x10000000ULL
#define M_MANAGED	0x20000000ULL
#define M_WR		0x40000000ULL
#define M_WIRED		0x80000000ULL

static struct uvmsim_machine *m;
static struct proc *p;
static struct vmspace *vs;
static struct pmap *pm;

static int
setup(void **state)
{
	struct uvmsim_config cfg;

	(void)state;
	tu_config(&cfg, 64);
	m = tu_proc_setup_cfg(&cfg, &p, NULL, NULL);
	vs = p->p_vmspace;
	pm = vs->vm_map.pmap;
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	tu_proc_teardown(m, p, 0);
	return 0;
}

/* The tests hold on the MIPS-style MMU alone. */
#define NEED_MIPS() do {						\
	if (strcmp(tu_arch(), "mips") != 0) {				\
		print_message("the MIPS-style MMU only (arch %s)\n",	\
		    tu_arch());						\
		skip();							\
	}								\
} while (0)

static struct uvmsim_tlb_stats
stats(void)
{
	struct uvmsim_tlb_stats st;

	assert_int_equal(uvmsim_tlb_stats(m, 0, &st), 0);
	return st;
}

static struct uvmsim_probe
probe(struct vmspace *xvs, vaddr_t va)
{
	struct uvmsim_probe pr;

	assert_int_equal(uvmsim_probe(m, xvs, va, &pr), 0);
	return pr;
}

static uint64_t
pfn(struct vm_page *pg)
{
	return (VM_PAGE_TO_PHYS(pg) >> 12) << 6;
}

static void
unmap(vaddr_t va, vsize_t len)
{
	pmap_remove(pm, va, va + len);
	pmap_update(pm);
	CHECK(m);
}

static void
test_enter_bits(void **state)
{
	struct vm_page *pg, *kpg;
	vaddr_t kva;

	(void)state;
	NEED_MIPS();
	pg = tu_page();
	kpg = tu_page();
	kva = m->vmparam.kernel_min + 0x2000;
	/* No access yet: V and D clear, WR the right; no G. */
	assert_int_equal(pmap_enter(pm, UVA, VM_PAGE_TO_PHYS(pg),
	    VM_PROT_READ | VM_PROT_WRITE, 0), 0);
	assert_int_equal(probe(vs, UVA).pte_raw, pfn(pg) | M_CACHED |
	    M_PRESENT | M_MANAGED | M_WR);
	assert_int_equal(probe(vs, UVA).pte, UVMSIM_PTE_VALID |
	    UVMSIM_PTE_WRITABLE | UVMSIM_PTE_USER | UVMSIM_PTE_MANAGED);
	/* Made by a write, wired: V and D. */
	assert_int_equal(pmap_enter(pm, UVA + PS, VM_PAGE_TO_PHYS(pg),
	    VM_PROT_READ | VM_PROT_WRITE, VM_PROT_WRITE | PMAP_WIRED), 0);
	assert_int_equal(probe(vs, UVA + PS).pte_raw, pfn(pg) | M_CACHED |
	    M_PRESENT | M_MANAGED | M_WR | M_V | M_D | M_WIRED);
	CHECK(m);
	/* kseg2, unmanaged: G, V, and D when writable. */
	pmap_kenter_pa(kva, VM_PAGE_TO_PHYS(kpg), VM_PROT_READ |
	    VM_PROT_WRITE);
	assert_int_equal(probe(NULL, kva).pte_raw, pfn(kpg) | M_CACHED |
	    M_PRESENT | M_WR | M_WIRED | M_G | M_V | M_D);
	CHECK(m);
	pmap_kremove(kva, PS);
	pmap_update(pmap_kernel());
	tu_pagefree(kpg);
	unmap(UVA, 2 * PS);
	tu_pagefree(pg);
	CHECK(m);
}

/*
 * A first load: a refill, and the TLB invalid exception that sets V; a
 * first store: the "TLB modified" exception that sets D.  The clears make
 * them happen again.
 */
static void
test_refill_emulation(void **state)
{
	struct uvmsim_tlb_stats st;
	struct vm_page *pg;
	uint64_t v;

	(void)state;
	NEED_MIPS();
	pg = tu_page();
	*(uint64_t *)uvmsim_page_data(m, pg) = 5;
	assert_int_equal(pmap_enter(pm, UVA, VM_PAGE_TO_PHYS(pg),
	    VM_PROT_READ | VM_PROT_WRITE, 0), 0);
	st = stats();
	assert_int_equal(uvmsim_load(m, 0, vs, UVA, 8, &v), 0);
	assert_int_equal(v, 5);
	assert_int_equal(stats().tlb_refills, st.tlb_refills + 1);
	assert_int_equal(stats().faults_refmod, st.faults_refmod + 1);
	assert_int_equal(stats().faults_invalid + stats().faults_protect, 0);
	assert_true(probe(vs, UVA).pte_raw & M_V);
	assert_false(probe(vs, UVA).pte_raw & M_D);
	assert_true(pmap_is_referenced(pg));
	assert_false(pmap_is_modified(pg));
	CHECK(m);

	/* The store: no refill (the entry is there), the modified
	 * exception. */
	assert_int_equal(uvmsim_store(m, 0, vs, UVA, 8, 6), 0);
	assert_int_equal(stats().tlb_refills, st.tlb_refills + 1);
	assert_int_equal(stats().faults_refmod, st.faults_refmod + 2);
	assert_true(probe(vs, UVA).pte_raw & M_D);
	assert_true(pmap_is_modified(pg));
	assert_int_equal(tu_word(m, pg, 0), 6);
	CHECK(m);

	assert_true(pmap_clear_modify(pg));
	assert_false(probe(vs, UVA).pte_raw & M_D);
	assert_int_equal(probe(vs, UVA).tlb_cpus, 0);
	assert_int_equal(uvmsim_store(m, 0, vs, UVA, 8, 7), 0);
	assert_int_equal(stats().faults_refmod, st.faults_refmod + 3);
	assert_int_equal(stats().tlb_refills, st.tlb_refills + 2);
	CHECK(m);

	assert_true(pmap_clear_reference(pg));
	assert_false(probe(vs, UVA).pte_raw & M_V);
	assert_int_equal(uvmsim_load(m, 0, vs, UVA, 8, &v), 0);
	assert_int_equal(v, 7);
	assert_int_equal(stats().faults_refmod, st.faults_refmod + 4);
	CHECK(m);

	/* Read-only: the store faults to uvm_fault. */
	pmap_protect(pm, UVA, UVA + PS, VM_PROT_READ);
	pmap_update(pm);
	assert_int_equal(probe(vs, UVA).pte_raw & (M_WR | M_D), 0);
	assert_true(pmap_is_modified(pg));	/* kept in the page */
	assert_int_equal(uvmsim_store(m, 0, vs, UVA, 8, 8), EFAULT);
	assert_int_equal(stats().faults_protect, 1);
	CHECK(m);
	unmap(UVA, PS);
	tu_pagefree(pg);
	CHECK(m);
}

/* A refill loads the even and odd pages of a pair; an invalidation of
 * one page drops the pair's entry. */
static void
test_pairs(void **state)
{
	struct uvmsim_tlb_stats st;
	struct vm_page *pg;
	uint64_t v;

	(void)state;
	NEED_MIPS();
	pg = tu_page();
	assert_int_equal(pmap_enter(pm, UVA, VM_PAGE_TO_PHYS(pg),
	    VM_PROT_READ, VM_PROT_READ), 0);
	assert_int_equal(pmap_enter(pm, UVA + PS, VM_PAGE_TO_PHYS(pg),
	    VM_PROT_READ, VM_PROT_READ), 0);
	st = stats();
	assert_int_equal(uvmsim_load(m, 0, vs, UVA, 8, &v), 0);
	assert_int_equal(stats().tlb_refills, st.tlb_refills + 1);
	/* The odd page came with it. */
	assert_int_equal(probe(vs, UVA + PS).tlb_cpus, 1);
	assert_int_equal(uvmsim_load(m, 0, vs, UVA + PS, 8, &v), 0);
	assert_int_equal(stats().tlb_refills, st.tlb_refills + 1);
	assert_int_equal(stats().misses, st.misses + 1);
	CHECK(m);

	/* The odd page goes: the pair's entry goes. */
	pmap_remove(pm, UVA + PS, UVA + 2 * PS);
	pmap_update(pm);
	assert_int_equal(probe(vs, UVA).tlb_cpus, 0);
	assert_int_equal(stats().invalidations, st.invalidations + 1);
	CHECK(m);
	assert_int_equal(uvmsim_load(m, 0, vs, UVA, 8, &v), 0);
	assert_int_equal(stats().tlb_refills, st.tlb_refills + 2);
	assert_int_equal(probe(vs, UVA + PS).tlb_cpus, 0);
	CHECK(m);
	unmap(UVA, PS);
	tu_pagefree(pg);
	CHECK(m);
}

/*
 * A pair's refill when the TLB already holds the other page's entry:
 * the refill replaces it, never adds a second entry for the same page.
 * With a free way before the old entry in its set, the refill used to
 * fill the free way: two entries for the even page, an invalidation
 * dropped one, and the other, still writable, let a store through a
 * page made read-only.  Found by the model-based test.
 *
 *   set 0:  way 0 [UVA2 -> removed: free]  way 1 [UVA: RW, dirty]
 *   load UVA + PS: the pair's refill loads UVA again: into way 1
 */
static void
test_pair_refill_replaces(void **state)
{
	struct vm_page *pg1, *pg2, *pg3;
	vaddr_t uva2 = UVA + 16 * PS;	/* the same set (16 sets of 4) */
	uint64_t v;

	(void)state;
	NEED_MIPS();
	pg1 = tu_page();
	pg2 = tu_page();
	pg3 = tu_page();
	assert_int_equal(pmap_enter(pm, uva2, VM_PAGE_TO_PHYS(pg3),
	    VM_PROT_READ, VM_PROT_READ), 0);
	assert_int_equal(uvmsim_load(m, 0, vs, uva2, 8, &v), 0); /* way 0 */
	assert_int_equal(pmap_enter(pm, UVA, VM_PAGE_TO_PHYS(pg1),
	    VM_PROT_READ | VM_PROT_WRITE, VM_PROT_READ | VM_PROT_WRITE), 0);
	assert_int_equal(uvmsim_store(m, 0, vs, UVA, 8, 1), 0);   /* way 1 */
	pmap_remove(pm, uva2, uva2 + PS);
	pmap_update(pm);
	CHECK(m);
	assert_int_equal(pmap_enter(pm, UVA + PS, VM_PAGE_TO_PHYS(pg2),
	    VM_PROT_READ, VM_PROT_READ), 0);
	assert_int_equal(uvmsim_load(m, 0, vs, UVA + PS, 8, &v), 0);
	CHECK(m);

	/* Read-only now: a store faults (the map has no entry: EFAULT). */
	pmap_protect(pm, UVA, UVA + PS, VM_PROT_READ);
	pmap_update(pm);
	CHECK(m);
	assert_int_equal(probe(vs, UVA).tlb_writable, 0);
	assert_int_equal(uvmsim_store(m, 0, vs, UVA, 8, 2), EFAULT);
	assert_int_equal(*(uint64_t *)uvmsim_page_data(m, pg1), 1);
	unmap(UVA, 2 * PS);
	tu_pagefree(pg1);
	tu_pagefree(pg2);
	tu_pagefree(pg3);
	CHECK(m);
}

/* kseg0 translates without the TLB; a user access there faults. */
static void
test_kseg0(void **state)
{
	struct uvmsim_tlb_stats st;
	struct vm_page *pg;
	vaddr_t va;
	uint64_t v;

	(void)state;
	NEED_MIPS();
	pg = tu_page();
	va = KSEG0 + VM_PAGE_TO_PHYS(pg);
	*(uint64_t *)uvmsim_page_data(m, pg) = 0xabc;
	st = stats();
	assert_int_equal(uvmsim_load(m, 0, NULL, va, 8, &v), 0);
	assert_int_equal(v, 0xabc);
	assert_int_equal(uvmsim_store(m, 0, NULL, va + 8, 8, 0xdef), 0);
	assert_int_equal(tu_word(m, pg, 8), 0xdef);
	assert_int_equal(stats().misses, st.misses);
	assert_int_equal(stats().hits, st.hits);
	assert_int_equal(stats().tlb_refills, st.tlb_refills);
	assert_int_equal(probe(vs, UVA).tlb_cpus, 0);
	/* User mode cannot reach kseg0. */
	assert_int_equal(uvmsim_load(m, 0, vs, va, 8, &v), EFAULT);
	/* Past memory: the kernel's bus error. */
	EXPECT_PANIC(m, (void)uvmsim_load(m, 0, NULL, KSEG0 + 0x1000000 *
	    16, 8, &v), "unmapped segment");
	CHECK(m);
	tu_pagefree(pg);
	CHECK(m);
}

/* kseg2 entries are global: they hit under any ASID. */
static void
test_kseg2_global(void **state)
{
	struct uvmsim_tlb_stats st;
	struct vm_page *kpg;
	struct proc *p2;
	vaddr_t kva;
	uint64_t v;

	(void)state;
	NEED_MIPS();
	kpg = tu_page();
	kva = m->vmparam.kernel_min + 0x4000;
	pmap_kenter_pa(kva, VM_PAGE_TO_PHYS(kpg), VM_PROT_READ);
	assert_int_equal(uvmsim_proc_create(m, &p2), 0);
	assert_int_equal(uvmsim_load(m, 0, vs, UVA, 8, &v), EFAULT);
	assert_int_equal(uvmsim_load(m, 0, NULL, kva, 8, &v), 0);
	st = stats();
	assert_int_equal(uvmsim_load(m, 0, p2->p_vmspace, UVA, 8, &v),
	    EFAULT);
	assert_int_not_equal(m->pmap_sim->ps_cpus[0].pc_asidtag, 0);
	assert_int_equal(uvmsim_load(m, 0, NULL, kva, 8, &v), 0);
	assert_int_equal(stats().tlb_refills, st.tlb_refills + 1);
	assert_int_equal(stats().hits, st.hits + 1);
	CHECK(m);
	uvmsim_proc_exit(m, p2);
	pmap_kremove(kva, PS);
	pmap_update(pmap_kernel());
	tu_pagefree(kpg);
	CHECK(m);
}

static void
test_dump(void **state)
{
	struct vm_page *pg;
	char *text = NULL;
	size_t len = 0;
	FILE *fp;

	(void)state;
	NEED_MIPS();
	pg = tu_page();
	assert_int_equal(pmap_enter(pm, UVA, VM_PAGE_TO_PHYS(pg),
	    VM_PROT_READ | VM_PROT_WRITE, VM_PROT_WRITE | PMAP_WIRED), 0);
	fp = open_memstream(&text, &len);
	assert_non_null(fp);
	assert_int_equal(uvmsim_pmap_dump(m, vs, fp), 0);
	fclose(fp);
	assert_non_null(strstr(text, "(mips)"));
	assert_non_null(strstr(text, "  PT"));
	assert_non_null(strstr(text, "V D C=3 PRESENT MANAGED WR WIRED"));
	free(text);
	unmap(UVA, PS);
	tu_pagefree(pg);
	CHECK(m);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		TU_TEST(test_enter_bits),
		TU_TEST(test_refill_emulation),
		TU_TEST(test_pairs),
		TU_TEST(test_pair_refill_replaces),
		TU_TEST(test_kseg0),
		TU_TEST(test_kseg2_global),
		TU_TEST(test_dump),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
