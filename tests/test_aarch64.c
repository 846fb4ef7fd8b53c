/*
 * test_aarch64.c: the AArch64 backend (pmap_aarch64.c) as NetBSD/aarch64
 * writes its descriptors: the raw page descriptor after pmap_enter,
 * pmap_kenter_pa, pmap_protect, pmap_clear_reference and
 * pmap_clear_modify; referenced emulated by access flag faults and
 * modified by permission faults (or by the hardware with cfg.dbm), each
 * resolved by the pmap without uvm_fault and counted by kind; TTBR1
 * serving kernel addresses from the kernel pmap's own root; the dump's
 * Arm names.  And, on every architecture, the fault counts of the TLB
 * statistics and the validation of cfg.dbm.
 *
 * Mappings are made with pmap_enter in the pmap of a process whose map
 * has no entries: any fault that reaches uvm_fault fails (EFAULT), so an
 * access that succeeds was resolved by the MMU and the pmap alone.
 */
#include "testutil.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "pmap_sim/pmap_impl.h"

#define UVA		0x400000UL		/* a user address */
/* A page of the machine under test (the neutral tests run on all). */
#define PS		((unsigned long)uvmsim_page_size(m))

/* Descriptor bits, as the Arm ARM and NetBSD/aarch64's pte.h give them. */
#define A_V		(1ULL << 0)
#define A_PAGE		(1ULL << 1)
#define A_AP_USER	(1ULL << 6)		/* AP[1] */
#define A_AP_RO		(1ULL << 7)		/* AP[2] */
#define A_SH_IS		(3ULL << 8)
#define A_AF		(1ULL << 10)
#define A_NG		(1ULL << 11)
#define A_DBM		(1ULL << 51)
#define A_PXN		(1ULL << 53)
#define A_UXN		(1ULL << 54)
#define A_OS_READ	(1ULL << 55)
#define A_OS_WRITE	(1ULL << 56)
#define A_OS_WIRED	(1ULL << 57)
#define A_OS_MANAGED	(1ULL << 58)

static struct uvmsim_machine *m;
static struct proc *p;
static struct vmspace *vs;
static struct pmap *pm;

static void
start(const struct uvmsim_config *cfg)
{
	m = tu_proc_setup_cfg(cfg, &p, NULL, NULL);
	vs = p->p_vmspace;
	pm = vs->vm_map.pmap;
}

static int
setup(void **state)
{
	struct uvmsim_config cfg;

	(void)state;
	tu_config(&cfg, 64);
	start(&cfg);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	tu_proc_teardown(m, p, 0);
	return 0;
}

/* Start again on a machine with the hardware dirty-bit modifier. */
static void
restart_dbm(void)
{
	struct uvmsim_config cfg;

	tu_proc_teardown(m, p, 0);
	tu_config(&cfg, 64);
	cfg.dbm = 1;
	start(&cfg);
}

static bool
is_aarch64(void)
{
	return strcmp(tu_arch(), "aarch64") == 0;
}

static struct uvmsim_tlb_stats
stats(void)
{
	struct uvmsim_tlb_stats st;

	assert_int_equal(uvmsim_tlb_stats(m, 0, &st), 0);
	return st;
}

/* The probe of va in xvs (NULL: the kernel's view). */
static struct uvmsim_probe
probe(struct vmspace *xvs, vaddr_t va)
{
	struct uvmsim_probe pr;

	assert_int_equal(uvmsim_probe(m, xvs, va, &pr), 0);
	return pr;
}

static uint64_t
raw(struct vmspace *xvs, vaddr_t va)
{
	return probe(xvs, va).pte_raw;
}

static void
unmap_free(vaddr_t va, struct vm_page *pg)
{
	pmap_remove(pm, va, va + PS);
	pmap_update(pm);
	tu_pagefree(pg);
	CHECK(m);
}

/* Faults are counted by kind in the TLB statistics, on every
 * architecture: nothing mapped, and mapped without the right. */
static void
test_fault_counts(void **state)
{
	struct vm_page *pg = tu_page();
	vaddr_t va = UVA;
	struct uvmsim_tlb_stats st0 = stats();
	uint64_t v;

	(void)state;
	assert_int_equal(uvmsim_load(m, 0, vs, va, 8, &v), EFAULT);
	assert_int_equal(stats().faults_invalid, st0.faults_invalid + 1);
	assert_int_equal(stats().faults_protect, st0.faults_protect);
	assert_int_equal(pmap_enter(pm, va, VM_PAGE_TO_PHYS(pg),
	    VM_PROT_READ, VM_PROT_READ), 0);
	assert_int_equal(uvmsim_store(m, 0, vs, va, 8, 1), EFAULT);
	assert_int_equal(stats().faults_protect, st0.faults_protect + 1);
	assert_int_equal(stats().faults_invalid, st0.faults_invalid + 1);
	/* Made with the access: nothing left to emulate. */
	assert_int_equal(stats().faults_access_flag, 0);
	assert_int_equal(stats().faults_refmod, 0);
	CHECK(m);
	unmap_free(va, pg);
}

/* cfg.dbm: 0 or 1, and 1 only where the architecture has DBM. */
static void
test_dbm_config(void **state)
{
	struct uvmsim_config cfg;
	struct uvmsim_machine *bad = NULL;

	(void)state;
	tu_config(&cfg, 64);
	cfg.dbm = 2;
	assert_int_equal(uvmsim_machine_create(&cfg, &bad), EINVAL);
	assert_null(bad);
	assert_non_null(strstr(uvmsim_last_error(), "dbm"));
	cfg.dbm = 1;
	if (is_aarch64()) {
		assert_int_equal(uvmsim_machine_create(&cfg, &bad), 0);
		assert_true(bad->pmap_sim->ps_dbm);
		uvmsim_machine_destroy(bad);
		return;
	}
	assert_int_equal(uvmsim_machine_create(&cfg, &bad), EINVAL);
	assert_null(bad);
	assert_non_null(strstr(uvmsim_last_error(), "dbm"));
}

/* The raw descriptors pmap_enter and pmap_kenter_pa write. */
static void
test_enter_bits(void **state)
{
	struct vm_page *pg = tu_page(), *kpg = tu_page();
	vaddr_t kva = m->vmparam.kernel_min + 0x200000;
	uint64_t pa = VM_PAGE_TO_PHYS(pg), kpa = VM_PAGE_TO_PHYS(kpg);
	const uint64_t base = A_V | A_PAGE | A_SH_IS | A_OS_READ;

	(void)state;
	if (!is_aarch64()) {
		/* AArch64 descriptors; test_pmap has each architecture's. */
		tu_pagefree(pg);
		tu_pagefree(kpg);
		return;
	}
	/* User, read/write, no access yet: nG, EL0, PXN and UXN, clean
	 * (AP[2] set) and unreferenced (AF clear), OS_WRITE the right. */
	assert_int_equal(pmap_enter(pm, UVA, pa, VM_PROT_READ | VM_PROT_WRITE,
	    0), 0);
	assert_int_equal(raw(vs, UVA), pa | base | A_AP_USER | A_AP_RO |
	    A_NG | A_PXN | A_UXN | A_OS_WRITE | A_OS_MANAGED);
	assert_int_equal(probe(vs, UVA).pte, UVMSIM_PTE_VALID |
	    UVMSIM_PTE_WRITABLE | UVMSIM_PTE_USER | UVMSIM_PTE_NOEXEC |
	    UVMSIM_PTE_MANAGED);
	CHECK(m);

	/* Made by a write: AF set, AP[2] clear (modified). */
	assert_int_equal(pmap_enter(pm, UVA, pa, VM_PROT_READ | VM_PROT_WRITE,
	    VM_PROT_WRITE), 0);
	assert_int_equal(raw(vs, UVA), pa | base | A_AP_USER | A_AF |
	    A_NG | A_PXN | A_UXN | A_OS_WRITE | A_OS_MANAGED);
	assert_true(pmap_is_modified(pg));
	assert_true(pmap_is_referenced(pg));
	CHECK(m);

	/* Read and execute, wired, by a read: UXN clear, PXN set. */
	assert_int_equal(pmap_enter(pm, UVA + PS, pa, VM_PROT_READ |
	    VM_PROT_EXECUTE, VM_PROT_READ | PMAP_WIRED), 0);
	assert_int_equal(raw(vs, UVA + PS), pa | base | A_AP_USER | A_AP_RO |
	    A_AF | A_NG | A_PXN | A_OS_WIRED | A_OS_MANAGED);
	CHECK(m);

	/* Kernel, unmanaged: global, EL1 only, UXN always, referenced and
	 * (writable) modified from the start. */
	pmap_kenter_pa(kva, kpa, VM_PROT_READ | VM_PROT_WRITE);
	assert_int_equal(raw(NULL, kva), kpa | base | A_AF | A_PXN | A_UXN |
	    A_OS_WRITE | A_OS_WIRED);
	assert_int_equal(probe(NULL, kva).pte, UVMSIM_PTE_VALID |
	    UVMSIM_PTE_WRITABLE | UVMSIM_PTE_ACCESSED | UVMSIM_PTE_MODIFIED |
	    UVMSIM_PTE_GLOBAL | UVMSIM_PTE_NOEXEC | UVMSIM_PTE_WIRED);
	CHECK(m);

	pmap_kremove(kva, PS);
	pmap_update(pmap_kernel());
	tu_pagefree(kpg);
	pmap_remove(pm, UVA + PS, UVA + 2 * PS);
	unmap_free(UVA, pg);
}

/*
 * Referenced and modified without DBM: the first access takes an access
 * flag fault, the first write a permission fault; the pmap resolves both
 * (no uvm_fault: the map is empty); pmap_clear_reference and
 * pmap_clear_modify make them happen again.
 */
static void
test_emulation(void **state)
{
	struct vm_page *pg = tu_page();
	uint64_t pa = VM_PAGE_TO_PHYS(pg), v;
	uint64_t *data = uvmsim_page_data(m, pg);

	(void)state;
	if (!is_aarch64()) {
		/* x86's walker sets A and D (test_mmu: test_load_store). */
		tu_pagefree(pg);
		return;
	}
	data[0] = 41;
	assert_int_equal(pmap_enter(pm, UVA, pa, VM_PROT_READ | VM_PROT_WRITE,
	    0), 0);
	assert_false(pmap_is_referenced(pg));

	/* A load: one access flag fault; AF set, AP[2] still set. */
	assert_int_equal(uvmsim_load(m, 0, vs, UVA, 8, &v), 0);
	assert_int_equal(v, 41);
	assert_int_equal(stats().faults_access_flag, 1);
	assert_int_equal(stats().faults_refmod, 0);
	assert_int_equal(stats().faults_invalid + stats().faults_protect, 0);
	assert_true(raw(vs, UVA) & A_AF);
	assert_true(raw(vs, UVA) & A_AP_RO);
	assert_true(pmap_is_referenced(pg));
	assert_false(pmap_is_modified(pg));
	/* Writable, but not without a fault (no TLB_D). */
	assert_int_equal(m->pmap_sim->ps_ops->po_pte_rights(m->pmap_sim,
	    raw(vs, UVA)) & (TLB_W | TLB_D), TLB_W);
	CHECK(m);

	/* A store: the permission fault the pmap resolves. */
	assert_int_equal(uvmsim_store(m, 0, vs, UVA, 8, 42), 0);
	assert_int_equal(data[0], 42);
	assert_int_equal(stats().faults_refmod, 1);
	assert_int_equal(stats().faults_access_flag, 1);
	assert_false(raw(vs, UVA) & A_AP_RO);
	assert_true(pmap_is_modified(pg));
	assert_int_equal(probe(vs, UVA).tlb_writable, 1);
	/* Writes go on with no fault. */
	assert_int_equal(uvmsim_store(m, 0, vs, UVA, 8, 43), 0);
	assert_int_equal(stats().faults_refmod, 1);
	CHECK(m);

	/* pmap_clear_modify: AP[2] set, the TLB entry gone; the next
	 * write faults again. */
	assert_true(pmap_clear_modify(pg));
	assert_true(raw(vs, UVA) & A_AP_RO);
	assert_true(raw(vs, UVA) & A_OS_WRITE);
	assert_int_equal(probe(vs, UVA).tlb_cpus, 0);
	assert_false(pmap_is_modified(pg));
	CHECK(m);
	assert_int_equal(uvmsim_load(m, 0, vs, UVA, 8, &v), 0);
	assert_int_equal(v, 43);
	assert_int_equal(stats().faults_access_flag, 1);
	assert_int_equal(uvmsim_store(m, 0, vs, UVA, 8, 44), 0);
	assert_int_equal(stats().faults_refmod, 2);
	assert_int_equal(data[0], 44);
	CHECK(m);

	/* pmap_clear_reference: AF clear; the next access faults. */
	assert_true(pmap_clear_reference(pg));
	assert_false(raw(vs, UVA) & A_AF);
	assert_false(pmap_is_referenced(pg));
	assert_true(pmap_is_modified(pg));
	CHECK(m);
	assert_int_equal(uvmsim_load(m, 0, vs, UVA, 8, &v), 0);
	assert_int_equal(v, 44);
	assert_int_equal(stats().faults_access_flag, 2);
	CHECK(m);

	/* Both clear, then a store: one access flag fault resolves both. */
	pmap_clear_reference(pg);
	pmap_clear_modify(pg);
	assert_int_equal(uvmsim_store(m, 0, vs, UVA, 8, 45), 0);
	assert_int_equal(stats().faults_access_flag, 3);
	assert_int_equal(stats().faults_refmod, 2);
	assert_true(pmap_is_modified(pg) && pmap_is_referenced(pg));
	assert_int_equal(stats().faults_invalid + stats().faults_protect, 0);
	CHECK(m);
	unmap_free(UVA, pg);
}

/*
 * pmap_protect to read-only: OS_WRITE and DBM go, AP[2] is set, and the
 * page stays modified (the attribute kept in the page); a store faults
 * to uvm_fault.  pmap_enter of the page again keeps AF.
 */
static void
test_protect(void **state)
{
	struct vm_page *pg;
	struct pmap_walk w;
	uint64_t pa, v, e;
	uint8_t *ptep;

	(void)state;
	if (!is_aarch64()) {
		/* AArch64's AP[2] (test_pmap has x86's RW). */
		return;
	}
	restart_dbm();
	pg = tu_page();
	pa = VM_PAGE_TO_PHYS(pg);
	assert_int_equal(pmap_enter(pm, UVA, pa, VM_PROT_ALL, 0), 0);
	assert_int_equal(raw(vs, UVA) & (A_DBM | A_AP_RO | A_UXN),
	    A_DBM | A_AP_RO);
	assert_int_equal(uvmsim_store(m, 0, vs, UVA, 8, 9), 0);
	assert_true(pmap_is_modified(pg));
	CHECK(m);

	pmap_protect(pm, UVA, UVA + PS, VM_PROT_READ);
	pmap_update(pm);
	assert_int_equal(raw(vs, UVA) & (A_DBM | A_AP_RO | A_OS_WRITE | A_UXN |
	    A_AF), A_AP_RO | A_UXN | A_AF);
	assert_true(pmap_is_modified(pg));	/* kept in the page */
	assert_int_equal(probe(vs, UVA).pte & UVMSIM_PTE_WRITABLE, 0);
	CHECK(m);
	assert_int_equal(uvmsim_store(m, 0, vs, UVA, 8, 10), EFAULT);
	assert_int_equal(stats().faults_protect, 1);
	assert_int_equal(uvmsim_load(m, 0, vs, UVA, 8, &v), 0);
	assert_int_equal(v, 9);
	CHECK(m);

	/* The same page again, writable: AF kept, clean until written. */
	assert_int_equal(pmap_enter(pm, UVA, pa, VM_PROT_READ | VM_PROT_WRITE,
	    0), 0);
	assert_true(raw(vs, UVA) & A_AF);
	assert_true(raw(vs, UVA) & A_AP_RO);
	CHECK(m);

	/* pmap_page_protect to read-only does as pmap_protect. */
	assert_int_equal(uvmsim_store(m, 0, vs, UVA, 8, 11), 0);
	assert_false(raw(vs, UVA) & A_AP_RO);
	pmap_page_protect(pg, VM_PROT_READ);
	assert_int_equal(raw(vs, UVA) & (A_DBM | A_AP_RO | A_OS_WRITE),
	    A_AP_RO);
	assert_true(pmap_is_modified(pg));
	assert_int_equal(uvmsim_store(m, 0, vs, UVA, 8, 12), EFAULT);
	CHECK(m);

	/* Corrupted: AP[2] cleared on the write-protected mapping (the
	 * hardware would write it). */
	e = raw(vs, UVA);
	pmap_walk_pte(m, pm, UVA, &w);
	ptep = pmap_pte_ptr(m, m->pmap_sim, w.pw_ptp[1], w.pw_idx[1]);
	pmap_pte_set(m->pmap_sim, ptep, e & ~A_AP_RO);
	tu_expect_problem(m, "pmap.hwwrite", "pte", __LINE__);
	pmap_pte_set(m->pmap_sim, ptep, e);
	CHECK(m);
	unmap_free(UVA, pg);
}

/* With DBM the hardware records the write: no permission fault. */
static void
test_dbm(void **state)
{
	struct vm_page *pg;
	uint64_t v;

	(void)state;
	if (!is_aarch64()) {
		/* No dirty-bit modifier elsewhere (test_dbm_config). */
		return;
	}
	restart_dbm();
	pg = tu_page();
	assert_int_equal(pmap_enter(pm, UVA, VM_PAGE_TO_PHYS(pg),
	    VM_PROT_READ | VM_PROT_WRITE, 0), 0);
	assert_int_equal(raw(vs, UVA) & (A_DBM | A_AP_RO | A_AF),
	    A_DBM | A_AP_RO);
	assert_int_equal(uvmsim_load(m, 0, vs, UVA, 8, &v), 0);
	assert_int_equal(stats().faults_access_flag, 1);
	assert_int_equal(uvmsim_store(m, 0, vs, UVA, 8, 5), 0);
	assert_int_equal(stats().faults_refmod, 0);
	assert_int_equal(raw(vs, UVA) & (A_DBM | A_AP_RO), A_DBM);
	assert_true(pmap_is_modified(pg));
	CHECK(m);
	assert_true(pmap_clear_modify(pg));
	assert_int_equal(raw(vs, UVA) & (A_DBM | A_AP_RO), A_DBM | A_AP_RO);
	assert_int_equal(uvmsim_store(m, 0, vs, UVA, 8, 6), 0);
	assert_int_equal(stats().faults_refmod, 0);
	assert_true(pmap_is_modified(pg));
	assert_int_equal(tu_word(m, pg, 0), 6);
	CHECK(m);
	unmap_free(UVA, pg);
}

/*
 * TTBR1: the kernel pmap's root serves the upper half; a user root holds
 * no kernel entry, and a kernel address still translates while a user
 * pmap runs.
 */
static void
test_ttbr1(void **state)
{
	struct pmap_sim *ps = m->pmap_sim;
	struct vm_page *kpg = tu_page();
	vaddr_t kva = m->vmparam.kernel_min + 0x200000;
	unsigned top = ps->ps_arch->pa_levels, idx;
	paddr_t pa;
	uint64_t v;

	(void)state;
	if (!is_aarch64()) {
		/* x86 shares the kernel's root entries (test_pmap). */
		tu_pagefree(kpg);
		return;
	}
	assert_int_equal(kva >> 48, 0xffff);
	pmap_kenter_pa(kva, VM_PAGE_TO_PHYS(kpg), VM_PROT_READ);
	*(uint64_t *)uvmsim_page_data(m, kpg) = 0x77;
	idx = pmap_index(ps, kva, top);
	assert_int_equal(pmap_pte_get(ps, pmap_pte_ptr(m, ps, pm->pm_root,
	    idx)), 0);
	assert_true(pmap_pte_get(ps, pmap_pte_ptr(m, ps,
	    pmap_kernel()->pm_root, idx)) & A_V);
	assert_ptr_equal(ps->ps_ops->po_root(ps, pm, kva), pmap_kernel());
	assert_ptr_equal(ps->ps_ops->po_root(ps, pm, UVA), pm);
	assert_int_equal(uvmsim_translate(m, vs, kva, &pa, NULL), 0);
	assert_int_equal(pa, VM_PAGE_TO_PHYS(kpg));

	/* CPU 0 runs the process; a kernel load walks TTBR1. */
	assert_int_equal(uvmsim_load(m, 0, vs, UVA, 8, &v), EFAULT);
	assert_ptr_equal(ps->ps_cpus[0].pc_pmap, pm);
	assert_int_equal(uvmsim_load(m, 0, NULL, kva, 8, &v), 0);
	assert_int_equal(v, 0x77);
	assert_int_equal(probe(NULL, kva).tlb_cpus, 1);
	/* A user access to it: EL0 may not (AP[1] clear). */
	assert_int_equal(uvmsim_load(m, 0, vs, kva, 8, &v), EFAULT);
	CHECK(m);
	/* An address of neither half is no address. */
	assert_int_equal(uvmsim_translate(m, vs, 0x0001000000000000UL, NULL,
	    NULL), ENOENT);

	pmap_kremove(kva, PS);
	pmap_update(pmap_kernel());
	tu_pagefree(kpg);
	CHECK(m);
}

/* The dump names the bits as the Arm ARM and NetBSD/aarch64 do. */
static void
test_dump(void **state)
{
	struct vm_page *pg = tu_page();
	char *text = NULL;
	size_t len = 0;
	FILE *fp;

	(void)state;
	if (!is_aarch64()) {
		/* x86's names: test_pmap. */
		tu_pagefree(pg);
		return;
	}
	assert_int_equal(pmap_enter(pm, UVA, VM_PAGE_TO_PHYS(pg),
	    VM_PROT_READ | VM_PROT_WRITE, VM_PROT_READ | PMAP_WIRED), 0);
	fp = open_memstream(&text, &len);
	assert_non_null(fp);
	assert_int_equal(uvmsim_pmap_dump(m, vs, fp), 0);
	fclose(fp);
	assert_non_null(strstr(text, "(aarch64)"));
	assert_non_null(strstr(text, "V TABLE"));
	assert_non_null(strstr(text, "V PAGE AttrIndx=0 SH=3 AP=11 AF nG PXN "
	    "UXN OS_READ OS_WRITE OS_WIRED OS_MANAGED"));
	free(text);
	unmap_free(UVA, pg);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		TU_TEST(test_fault_counts),
		TU_TEST(test_dbm_config),
		TU_TEST(test_enter_bits),
		TU_TEST(test_emulation),
		TU_TEST(test_protect),
		TU_TEST(test_dbm),
		TU_TEST(test_ttbr1),
		TU_TEST(test_dump),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
