/*
 * test_mmu.c: the simulated MMU: loads, stores and fetches through the
 * TLB and the page-table walk, accessed and dirty bits set by the walker,
 * faults that uvm_fault cannot resolve (the simulated SIGSEGV), stale TLB
 * entries across CPUs until pmap_update, copyin/copyout across pages,
 * uvmsim_translate's lack of side effects, argument checking, and the
 * kernel's fatal write to a read-only kernel mapping.
 *
 * Every test runs on every architecture: page size, kernel addresses and
 * PTE bits come from the machine (uvmsim_page_size, uvmsim_vmparam, the
 * probe's UVMSIM_PTE_ bits); where MMUs differ (execute as a right of its
 * own, the addresses an architecture cannot form) the test says which.
 *
 * Mappings are made with pmap_enter directly in the pmap of a process's
 * address space whose map has no entries: any fault uvm_fault is asked to
 * resolve fails (EFAULT), which is how "the fault was not resolved" is
 * driven here.  Faults that uvm_fault resolves are tested with the fault
 * handler.
 */
#include "testutil.h"

#include <endian.h>
#include <errno.h>
#include <stdlib.h>

#include "pmap_sim/pmap_impl.h"

#define PS		((vaddr_t)uvmsim_page_size(m))
#define UVA		0x400000UL		/* a user address */
#define KVA		(uvmsim_vmparam(m)->kernel_min + 0x200000) /* kernel */

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

/* Two CPUs, each with a TLB of 8 entries in 4 sets of 2. */
static int
setup2(void **state)
{
	struct uvmsim_config cfg;

	(void)state;
	tu_config(&cfg, 64);
	cfg.ncpus = 2;
	cfg.tlb_entries = 8;
	cfg.tlb_ways = 2;
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

/* Remove pm's mappings of [va, va + n pages) and free pg. */
static void
unmap_free(vaddr_t va, int n, struct vm_page *pg)
{
	pmap_remove(pm, va, va + n * PS);
	pmap_update(pm);
	if (pg != NULL)
		tu_pagefree(pg);
	CHECK(m);
}

/* The leaf PTE's own bits for va (UVMSIM_PTE_, as uvmsim_probe decodes
 * them); va must be mapped. */
static unsigned
leaf(struct pmap *pmap, vaddr_t va)
{
	struct uvmsim_probe pr;

	memset(&pr, 0, sizeof(pr));
	assert_int_equal(uvmsim__mmu_probe(m, pmap, va, !pmap->pm_kernel,
	    &pr), 0);
	assert_true(pr.pte & UVMSIM_PTE_VALID);
	return pr.pte;
}

#define X_A	UVMSIM_PTE_ACCESSED
#define X_D	UVMSIM_PTE_MODIFIED

/*
 * An address the architecture cannot form, just past what it can:
 * x86-64's non-canonical hole from 2^47; on i386, 4 GiB (32-bit virtual
 * addresses).
 */
static vaddr_t
bad_va(void)
{
	const struct pmap_sim_arch *a = m->pmap_sim->ps_arch;

	return (vaddr_t)1 << (a->pa_va_signext ? a->pa_va_bits - 1 :
	    a->pa_va_bits);
}

static struct uvmsim_tlb_stats
stats(unsigned cpu)
{
	struct uvmsim_tlb_stats st;

	assert_int_equal(uvmsim_tlb_stats(m, cpu, &st), 0);
	return st;
}

/* The referenced/modified emulation faults a CPU's statistics count:
 * AArch64's access flag faults and every architecture's others. */
static uint64_t
emul_faults(const struct uvmsim_tlb_stats *st)
{
	return st->faults_refmod + st->faults_access_flag;
}

static uint64_t
emul_faults_now(void)
{
	struct uvmsim_tlb_stats st = stats(0);

	return emul_faults(&st);
}

static void
test_load_store(void **state)
{
	struct vm_page *pg = tu_page();
	uint8_t *data = uvmsim_page_data(m, pg);
	struct uvmsim_tlb_stats st0, st;
	uint64_t v;
	/* AArch64, MIPS and Alpha emulate A and D: each first access after
	 * the mapping, or after pmap_clear_modify/_reference, is a miss and
	 * an emulation fault the pmap resolves (emul_faults()) where x86's
	 * walker sets the bit itself; the first store misses where x86's
	 * hits and walks again for D. */
	const int emul = tu_arch_has("refmod_trap");
	/* On Alpha the write that traps is a TLB miss too (its entry lacks
	 * the right); AArch64's permission fault and MIPS's "TLB modified"
	 * exception come from an entry that hit. */
	const int emul_miss = tu_arch_has("refmod_emul");

	(void)state;
	/* Mapped with no access yet: A and D clear. */
	assert_int_equal(pmap_enter(pm, UVA, VM_PAGE_TO_PHYS(pg),
	    VM_PROT_READ | VM_PROT_WRITE, 0), 0);
	assert_int_equal(leaf(pm, UVA) & (X_A | X_D), 0);
	data[8] = 0x11;
	data[9] = 0x22;
	st0 = stats(0);
	CHECK(m);

	/* A miss: the walker sets A and fills the TLB. */
	assert_int_equal(uvmsim_load(m, 0, vs, UVA + 8, 2, &v), 0);
	assert_int_equal(v, 0x2211);
	st = stats(0);
	assert_int_equal(st.misses, st0.misses + 1);
	assert_int_equal(st.hits, st0.hits);
	assert_int_equal(emul_faults(&st), emul_faults(&st0) + emul);
	assert_int_equal(st.faults_invalid + st.faults_protect,
	    st0.faults_invalid + st0.faults_protect);
	assert_int_equal(leaf(pm, UVA) & (X_A | X_D), X_A);
	assert_false(pmap_is_modified(pg));
	CHECK(m);

	/* Hits, of each size. */
	assert_int_equal(uvmsim_load(m, 0, vs, UVA + 8, 1, &v), 0);
	assert_int_equal(v, 0x11);
	assert_int_equal(uvmsim_load(m, 0, vs, UVA + 8, 4, &v), 0);
	assert_int_equal(v, 0x2211);
	assert_int_equal(uvmsim_load(m, 0, vs, UVA + 8, 8, &v), 0);
	assert_int_equal(v, 0x2211);
	st = stats(0);
	assert_int_equal(st.hits, st0.hits + 3);
	assert_int_equal(st.misses, st0.misses + 1);

	/* The first store finds D not yet set: the walker sets it. */
	assert_int_equal(uvmsim_store(m, 0, vs, UVA + 16, 8,
	    0x0102030405060708ULL), 0);
	assert_int_equal(leaf(pm, UVA) & (X_A | X_D), X_A | X_D);
	assert_true(pmap_is_modified(pg));
	assert_int_equal(data[16], 0x08);	/* little-endian */
	assert_int_equal(data[23], 0x01);
	assert_int_equal(uvmsim_store(m, 0, vs, UVA + 30, 2, 0xbeef), 0);
	assert_int_equal(uvmsim_load(m, 0, vs, UVA + 30, 2, &v), 0);
	assert_int_equal(v, 0xbeef);
	st = stats(0);
	assert_int_equal(st.misses, st0.misses + 1 + emul_miss);
	assert_int_equal(st.hits, st0.hits + 6 - emul_miss);
	assert_int_equal(emul_faults(&st), emul_faults(&st0) + 2 * emul);
	CHECK(m);

	/* pmap_clear_modify drops the TLB entry: the next store re-walks. */
	assert_true(pmap_clear_modify(pg));
	assert_int_equal(stats(0).invalidations, st0.invalidations + 1);
	assert_int_equal(leaf(pm, UVA) & X_D, 0);
	assert_int_equal(uvmsim_store(m, 0, vs, UVA, 1, 7), 0);
	assert_int_equal(leaf(pm, UVA) & X_D, X_D);
	assert_int_equal(stats(0).misses, st0.misses + 2 + emul_miss);
	assert_int_equal(emul_faults_now(), emul_faults(&st0) + 3 * emul);
	CHECK(m);

	/* pmap_clear_reference too: the next load re-walks and sets A. */
	assert_true(pmap_clear_reference(pg));
	assert_int_equal(leaf(pm, UVA) & X_A, 0);
	assert_int_equal(uvmsim_load(m, 0, vs, UVA, 8, &v), 0);
	assert_int_equal(leaf(pm, UVA) & X_A, X_A);
	assert_int_equal(stats(0).misses, st0.misses + 3 + emul_miss);
	assert_int_equal(emul_faults_now(), emul_faults(&st0) + 4 * emul);
	/* The page stays modified: clearing the reference forgot no
	 * modification (on Alpha it set FOW again). */
	assert_true(pmap_is_modified(pg));
	CHECK(m);

	unmap_free(UVA, 1, pg);
}

/* The page faults a user load of va that fails takes: 1, or 0 when va is
 * no address at all. */
static unsigned
pagefaults(struct vmspace *uvs, vaddr_t va)
{
	struct uvmsim_tlb_stats st0 = stats(0), st;
	uint64_t v;

	assert_int_equal(uvmsim_load(m, 0, uvs, va, 8, &v), EFAULT);
	st = stats(0);
	return (unsigned)(st.faults_invalid + st.faults_protect -
	    st0.faults_invalid - st0.faults_protect);
}

static void
test_segv(void **state)
{
	struct vm_page *pg = tu_page(), *kpg = tu_page();
	struct uvmsim_tlb_stats st0;
	struct uvmsim_segv sg;
	uint64_t v;

	(void)state;
	assert_int_equal(pmap_enter(pm, UVA, VM_PAGE_TO_PHYS(pg),
	    VM_PROT_READ, 0), 0);
	assert_int_equal(uvmsim_load(m, 0, vs, UVA, 8, &v), 0);
	CHECK(m);

	/* A store to a read-only page: a protection fault, and uvm_fault
	 * finds no map entry. */
	st0 = stats(0);
	assert_int_equal(uvmsim_store(m, 0, vs, UVA + 8, 8, 1), EFAULT);
	assert_int_equal(stats(0).faults_protect, st0.faults_protect + 1);
	assert_int_equal(stats(0).faults_invalid, st0.faults_invalid);
	uvmsim_last_segv(m, &sg);
	assert_int_equal(sg.addr, UVA + 8);
	assert_int_equal(sg.access, VM_PROT_WRITE);
	assert_int_equal(sg.cpu, 0);
	assert_int_not_equal(sg.error, 0);
	assert_non_null(strstr(uvmsim_last_error(), "uvmsim_store"));
	/* The frame is untouched; the mapping is still there. */
	assert_true(tu_is_zero(m, pg));
	assert_int_equal(uvmsim_load(m, 0, vs, UVA + 8, 8, &v), 0);
	CHECK(m);

	/* Nothing mapped. */
	assert_int_equal(uvmsim_load(m, 0, vs, UVA + PS, 4, &v), EFAULT);
	assert_int_equal(stats(0).faults_invalid, st0.faults_invalid + 1);
	uvmsim_last_segv(m, &sg);
	assert_int_equal(sg.addr, UVA + PS);
	assert_int_equal(sg.access, VM_PROT_READ);
	/* Not an address: x86-64's non-canonical hole, i386's beyond
	 * 4 GiB; no page fault is taken. */
	assert_int_equal(uvmsim_load(m, 0, vs, bad_va(), 8, &v), EFAULT);
	uvmsim_last_segv(m, &sg);
	assert_int_equal(sg.addr, bad_va());
	assert_int_equal(uvmsim_load(m, 0, vs, bad_va() + UVA, 8, &v), EFAULT);
	/* Its edges: the last address below it, and (sign-extended) the
	 * first above it, take a page fault; the first in it, and the last,
	 * none. */
	assert_int_equal(pagefaults(vs, bad_va() - 8), 1);
	assert_int_equal(pagefaults(vs, bad_va()), 0);
	if (m->pmap_sim->ps_arch->pa_va_signext) {
		assert_int_equal(pagefaults(vs, (vaddr_t)0 - bad_va()), 1);
		assert_int_equal(pagefaults(vs, (vaddr_t)0 - bad_va() - 8),
		    0);
	} else
		assert_int_equal(pagefaults(vs, (vaddr_t)0 - 8), 0);
	/* A user access to a kernel mapping. */
	pmap_kenter_pa(KVA, VM_PAGE_TO_PHYS(kpg), VM_PROT_READ |
	    VM_PROT_WRITE);
	assert_int_equal(uvmsim_load(m, 0, vs, KVA, 8, &v), EFAULT);
	assert_int_equal(uvmsim_load(m, 0, NULL, KVA, 8, &v), 0);
	CHECK(m);

	/* Execute: no-execute faults (x86-64: NX); an MMU without such a
	 * right (i386) executes whatever it may read, the frame's bytes. */
	((uint8_t *)uvmsim_page_data(m, pg))[0] = 0xc3;
	if (tu_arch_has("noexec")) {
		assert_int_equal(uvmsim_fetch(m, 0, vs, UVA, 4, &v), EFAULT);
		uvmsim_last_segv(m, &sg);
		assert_int_equal(sg.access, VM_PROT_EXECUTE);
	} else {
		assert_int_equal(uvmsim_fetch(m, 0, vs, UVA, 1, &v), 0);
		assert_int_equal(v, 0xc3);
	}
	assert_int_equal(pmap_enter(pm, UVA + PS, VM_PAGE_TO_PHYS(pg),
	    VM_PROT_READ | VM_PROT_EXECUTE, 0), 0);
	assert_int_equal(uvmsim_fetch(m, 0, vs, UVA + PS, 1, &v), 0);
	assert_int_equal(v, 0xc3);
	CHECK(m);

	pmap_kremove(KVA, PS);
	pmap_update(pmap_kernel());
	tu_pagefree(kpg);
	unmap_free(UVA, 2, pg);
}

/*
 * On 2 CPUs, a right lowered without pmap_update lingers in the other
 * CPU's TLB; the checker knows the invalidation is pending.
 */
static void
test_stale_tlb(void **state)
{
	struct vm_page *pg = tu_page();
	struct uvmsim_tlb_stats st0, st1;
	uint64_t v;

	(void)state;
	assert_int_equal(pmap_enter(pm, UVA, VM_PAGE_TO_PHYS(pg),
	    VM_PROT_READ | VM_PROT_WRITE, 0), 0);
	/* Both CPUs run the process and have the page, dirty, in the TLB. */
	assert_int_equal(uvmsim_store(m, 0, vs, UVA, 8, 1), 0);
	assert_int_equal(uvmsim_store(m, 1, vs, UVA, 8, 2), 0);
	assert_int_equal(uvmsim_cpu_current(m), 1);
	assert_true(bit_test(pm->pm_cpus, 0) && bit_test(pm->pm_cpus, 1));
	CHECK(m);

	/*
	 * PTE: read-only now.  CPU 1's TLB: still read/write.
	 */
	pmap_protect(pm, UVA, UVA + PS, VM_PROT_READ);
	assert_int_equal(uvmsim_store(m, 1, vs, UVA, 8, 3), 0);
	assert_int_equal(uvmsim_load(m, 0, vs, UVA, 8, &v), 0);
	assert_int_equal(v, 3);
	CHECK(m);		/* the invalidation is pending: no complaint */

	st0 = stats(0);
	st1 = stats(1);
	pmap_update(pm);
	assert_int_equal(stats(0).invalidations, st0.invalidations + 1);
	assert_int_equal(stats(1).invalidations, st1.invalidations + 1);
	CHECK(m);
	assert_int_equal(uvmsim_store(m, 1, vs, UVA, 8, 4), EFAULT);
	assert_int_equal(uvmsim_load(m, 1, vs, UVA, 8, &v), 0);
	assert_int_equal(v, 3);
	CHECK(m);

	/* pmap_page_protect acts on both TLBs at once. */
	assert_int_equal(pmap_enter(pm, UVA, VM_PAGE_TO_PHYS(pg),
	    VM_PROT_READ | VM_PROT_WRITE, 0), 0);
	assert_int_equal(uvmsim_store(m, 0, vs, UVA, 8, 5), 0);
	assert_int_equal(uvmsim_store(m, 1, vs, UVA, 8, 6), 0);
	pmap_page_protect(pg, VM_PROT_READ);
	CHECK(m);
	assert_int_equal(uvmsim_store(m, 0, vs, UVA, 8, 7), EFAULT);
	assert_int_equal(uvmsim_store(m, 1, vs, UVA, 8, 7), EFAULT);
	CHECK(m);

	unmap_free(UVA, 1, pg);
}

/* The checker reports a TLB entry granting more than its PTE. */
static void
test_checker_tlb(void **state)
{
	struct vm_page *pg = tu_page(), *pg2 = tu_page();
	struct pmap_cpu *pc = &m->pmap_sim->ps_cpus[0];
	struct pmap_tlbe *te = NULL;
	struct uvmsim_report r = { 0 };
	const struct uvmsim_problem *pr;
	struct vm_page *saved;
	/* An entry tagged with an ASID has the invariant of its own. */
	const char *inv = m->pmap_sim->ps_asid_max != 0 ? "tlb.asid" :
	    "tlb.stale";
	unsigned i;
	uint64_t v, key;

	(void)state;
	assert_int_equal(pmap_enter(pm, UVA, VM_PAGE_TO_PHYS(pg),
	    VM_PROT_READ, 0), 0);
	assert_int_equal(uvmsim_load(m, 0, vs, UVA, 8, &v), 0);
	CHECK(m);
	for (i = 0; i < m->pmap_sim->ps_tlb_entries; i++)
		if ((pc->pc_tlb[i].te_vpn & m->pmap_sim->ps_vpnmask) ==
		    UVA / PS)	/* (the key without its ASID tag) */
			te = &pc->pc_tlb[i];
	assert_non_null(te);

	/* Corrupted: the entry allows writes the PTE does not.  (An entry
	 * tagged with an ASID, as Alpha's user entries are, is reported
	 * by the name of pmap_tlb.c's invariant, tlb.asid.) */
	te->te_rights |= TLB_W | TLB_D;
	assert_int_not_equal(uvmsim_check(m, &r), 0);
	pr = uvmsim_report_find(&r, inv, "tlb");
	assert_non_null(pr);
	assert_string_equal(pr->object, "cpu 0");
	assert_non_null(strstr(pr->detail, "va 0x400000"));
	assert_non_null(strstr(pr->detail, "grants more"));
	uvmsim_report_free(&r);
	te->te_rights &= ~(TLB_W | TLB_D);
	CHECK(m);

	/* Corrupted: the entry names another frame. */
	saved = te->te_pg;
	te->te_pg = pg2;
	te->te_host = uvmsim_page_data(m, pg2);
	assert_int_not_equal(uvmsim_check(m, &r), 0);
	assert_non_null(uvmsim_report_find(&r, inv, "tlb"));
	uvmsim_report_free(&r);
	te->te_pg = saved;
	te->te_host = uvmsim_page_data(m, saved);
	CHECK(m);

	/* A fault on a page without an entry notes that its key has none
	 * (pc_absent: the fault's invalidations of it need not look); the
	 * next fill forgets it.  Corrupted: the key noted has an entry. */
	key = te->te_vpn;
	assert_int_equal(uvmsim_store(m, 0, vs, UVA + PS, 8, 7), EFAULT);
	assert_int_equal(pc->pc_absent, key + 1);	/* (UVA + PS's) */
	CHECK(m);
	assert_int_equal(uvmsim_store(m, 0, vs, UVA, 8, 7), EFAULT);
	assert_int_equal(uvmsim_load(m, 0, vs, UVA, 8, &v), 0);
	assert_int_equal(pc->pc_absent, TLBE_INVALID);
	pc->pc_absent = key;
	assert_int_not_equal(uvmsim_check(m, &r), 0);
	pr = uvmsim_report_find(&r, "tlb.absent", "pc_absent");
	assert_non_null(pr);
	assert_string_equal(pr->object, "cpu 0");
	uvmsim_report_free(&r);
	pc->pc_absent = TLBE_INVALID;
	CHECK(m);

	/* Corrupted: the count of empty entries a fill trusts. */
	pc->pc_nempty++;
	assert_int_not_equal(uvmsim_check(m, &r), 0);
	pr = uvmsim_report_find(&r, "tlb.count", "pc_nempty");
	assert_non_null(pr);
	assert_string_equal(pr->object, "cpu 0");
	uvmsim_report_free(&r);
	pc->pc_nempty--;
	CHECK(m);

	/* A page mapped writable but clean, read once: an entry that
	 * writes without a trap is reported, whether the PTE would let
	 * the walker set D (x86) or its write must first be emulated
	 * (Alpha's FOW): a clean page is never written in hardware
	 * unrecorded. */
	assert_int_equal(pmap_enter(pm, UVA, VM_PAGE_TO_PHYS(pg),
	    VM_PROT_READ | VM_PROT_WRITE, 0), 0);
	pmap_update(pm);
	assert_int_equal(uvmsim_load(m, 0, vs, UVA, 8, &v), 0);
	assert_false(pmap_is_modified(pg));
	CHECK(m);
	te = NULL;
	for (i = 0; i < m->pmap_sim->ps_tlb_entries; i++)
		if ((pc->pc_tlb[i].te_vpn & m->pmap_sim->ps_vpnmask) ==
		    UVA / PS)
			te = &pc->pc_tlb[i];
	assert_non_null(te);
	assert_false(te->te_rights & TLB_D);
	te->te_rights |= TLB_W | TLB_D;
	assert_int_not_equal(uvmsim_check(m, &r), 0);
	pr = uvmsim_report_find(&r, inv, "tlb");
	assert_non_null(pr);
	assert_non_null(strstr(pr->detail, "grants more"));
	uvmsim_report_free(&r);
	te->te_rights &= ~(TLB_W | TLB_D);
	CHECK(m);

	unmap_free(UVA, 1, pg);
	tu_pagefree(pg2);
	CHECK(m);
}

static void
test_copy(void **state)
{
	struct vm_page *pg[3];
	const size_t n = 2 * PS + 100;
	uint8_t *out = malloc(n), *in = malloc(n);
	size_t i;
	int k;

	(void)state;
	assert_non_null(out);
	assert_non_null(in);
	/*
	 * UVA          UVA+PS        UVA+2PS       UVA+3PS
	 * | pg[0] rw    | pg[1] rw    | pg[2] ro    | (nothing)
	 *     ^-------- copy of 2 pages + 100 bytes -------^ (at UVA + 50)
	 */
	for (k = 0; k < 3; k++) {
		pg[k] = tu_page();
		assert_int_equal(pmap_enter(pm, UVA + k * PS,
		    VM_PAGE_TO_PHYS(pg[k]), k < 2 ? VM_PROT_READ |
		    VM_PROT_WRITE : VM_PROT_READ, 0), 0);
	}
	for (i = 0; i < n; i++)
		out[i] = (uint8_t)(i * 7 + 3);
	/* The third page is read-only: copyout stops there with EFAULT... */
	assert_int_equal(uvmsim_copyout(m, 0, vs, out, UVA + 50, n),
	    EFAULT);
	/* ...after the first two pages were written. */
	assert_int_equal(((uint8_t *)uvmsim_page_data(m, pg[0]))[50], out[0]);
	assert_int_equal(memcmp((uint8_t *)uvmsim_page_data(m, pg[1]),
	    out + PS - 50, PS), 0);
	CHECK(m);

	assert_int_equal(pmap_enter(pm, UVA + 2 * PS, VM_PAGE_TO_PHYS(pg[2]),
	    VM_PROT_READ | VM_PROT_WRITE, 0), 0);
	assert_int_equal(uvmsim_copyout(m, 0, vs, out, UVA + 50, n),
	    0);
	memset(in, 0, n);
	assert_int_equal(uvmsim_copyin(m, 0, vs, UVA + 50, in, n), 0);
	assert_int_equal(memcmp(in, out, n), 0);
	assert_int_equal(((uint8_t *)uvmsim_page_data(m, pg[2]))[149],
	    out[n - 1]);
	assert_true(pmap_is_modified(pg[2]));
	CHECK(m);

	/* Across the end of the mapped pages: EFAULT. */
	assert_int_equal(uvmsim_copyin(m, 0, vs, UVA + 3 * PS - 8, in, 16),
	    EFAULT);
	/* Outside user space altogether: EFAULT, no fault taken. */
	assert_int_equal(uvmsim_copyin(m, 0, vs,
	    uvmsim_vmparam(m)->user_max - 16, in, 32), EFAULT);
	assert_int_equal(uvmsim_copyin(m, 0, vs, UVA, in, 0), 0);
	CHECK(m);

	/*
	 * Frames out of order: UVA + 8PS -> pg[2], + 9PS -> pg[1],
	 * + 10PS -> pg[0]; each page is copied on its own.
	 */
	for (k = 0; k < 3; k++)
		assert_int_equal(pmap_enter(pm, UVA + (10 - k) * PS,
		    VM_PAGE_TO_PHYS(pg[k]), VM_PROT_READ | VM_PROT_WRITE, 0),
		    0);
	for (i = 0; i < n; i++)
		out[i] = (uint8_t)(i * 13 + 1);
	assert_int_equal(uvmsim_copyout(m, 0, vs, out, UVA + 8 * PS + 50,
	    n), 0);
	assert_int_equal(memcmp((uint8_t *)uvmsim_page_data(m, pg[1]),
	    out + PS - 50, PS), 0);
	assert_int_equal(memcmp((uint8_t *)uvmsim_page_data(m, pg[0]),
	    out + 2 * PS - 50, 150), 0);
	memset(in, 0, n);
	assert_int_equal(uvmsim_copyin(m, 0, vs, UVA + 8 * PS + 50, in,
	    n), 0);
	assert_int_equal(memcmp(in, out, n), 0);
	CHECK(m);

	pmap_remove(pm, UVA, UVA + 11 * PS);
	pmap_update(pm);
	for (k = 0; k < 3; k++)
		tu_pagefree(pg[k]);
	free(out);
	free(in);
	CHECK(m);
}

static void
test_translate_pure(void **state)
{
	struct vm_page *pg = tu_page();
	struct uvmsim_tlb_stats st0, st;
	uint64_t clock0;
	vm_prot_t prot;
	paddr_t pa;

	(void)state;
	assert_int_equal(pmap_enter(pm, UVA, VM_PAGE_TO_PHYS(pg),
	    VM_PROT_READ | VM_PROT_WRITE, 0), 0);
	st0 = stats(0);
	clock0 = uvmsim_clock(m);
	assert_int_equal(uvmsim_translate(m, vs, UVA + 0x10, &pa, &prot), 0);
	assert_int_equal(pa, VM_PAGE_TO_PHYS(pg) + 0x10);
	assert_int_equal(prot, tu_prot(VM_PROT_READ | VM_PROT_WRITE));
	assert_int_equal(leaf(pm, UVA) & (X_A | X_D), 0);
	st = stats(0);
	assert_memory_equal(&st, &st0, sizeof(st));
	assert_int_equal(uvmsim_clock(m), clock0);	/* not an event */
	assert_int_equal(uvmsim_translate(m, vs, UVA + PS, &pa, &prot),
	    ENOENT);
	assert_int_equal(uvmsim_translate(m, vs, bad_va(), &pa, &prot),
	    ENOENT);
	CHECK(m);
	unmap_free(UVA, 1, pg);
}

static void
test_bad_args(void **state)
{
	struct uvmsim_tlb_stats st;
	uint8_t buf[8];
	uint64_t v;

#define EXPECT_EINVAL(call, word) do {					\
	assert_int_equal((call), EINVAL);				\
	if (strstr(uvmsim_last_error(), (word)) == NULL)		\
		fail_msg("\"%s\" does not name %s",			\
		    uvmsim_last_error(), (word));			\
} while (0)

	(void)state;
	EXPECT_EINVAL(uvmsim_load(m, 1, vs, UVA, 8, &v), "cpu: 1");
	EXPECT_EINVAL(uvmsim_load(m, 0, vs, UVA, 3, &v), "size: 3");
	EXPECT_EINVAL(uvmsim_load(m, 0, vs, UVA, 0, &v), "size: 0");
	EXPECT_EINVAL(uvmsim_load(m, 0, vs, UVA + 2, 4, &v), "va: ");
	EXPECT_EINVAL(uvmsim_load(m, 0, vs, UVA, 8, NULL), "valp");
	EXPECT_EINVAL(uvmsim_load(m, 0, NULL, UVA, 8, &v),
	    "not a kernel address");
	EXPECT_EINVAL(uvmsim_load(NULL, 0, vs, UVA, 8, &v), "m: NULL");
	EXPECT_EINVAL(uvmsim_store(m, 7, vs, UVA, 8, 0), "cpu: 7");
	EXPECT_EINVAL(uvmsim_store(m, 0, vs, UVA + 4, 8, 0), "va: ");
	EXPECT_EINVAL(uvmsim_store(m, 0, vs, UVA, 16, 0), "size: 16");
	EXPECT_EINVAL(uvmsim_fetch(m, 0, vs, UVA, 8, NULL), "valp");
	EXPECT_EINVAL(uvmsim_fetch(m, 2, vs, UVA, 8, &v), "cpu: 2");
	EXPECT_EINVAL(uvmsim_copyin(m, 0, NULL, UVA, buf, 8), "vs: NULL");
	EXPECT_EINVAL(uvmsim_copyin(m, 0, vs, UVA, NULL, 8), "kbuf");
	EXPECT_EINVAL(uvmsim_copyin(m, 3, vs, UVA, buf, 8), "cpu: 3");
	EXPECT_EINVAL(uvmsim_copyout(m, 0, NULL, buf, UVA, 8), "vs: NULL");
	EXPECT_EINVAL(uvmsim_copyout(m, 0, vs, NULL, UVA, 8), "kbuf");
	EXPECT_EINVAL(uvmsim_translate(m, NULL, UVA, NULL, NULL),
	    "va: 0x400000 is not a kernel address");
	EXPECT_EINVAL(uvmsim_translate(NULL, vs, UVA, NULL, NULL), "m: NULL");
	EXPECT_EINVAL(uvmsim_tlb_stats(m, 1, &st), "cpu: 1");
	EXPECT_EINVAL(uvmsim_tlb_stats(m, 0, NULL), "st: NULL");
	assert_int_equal(uvmsim_cpu_current(m), 0);
#undef EXPECT_EINVAL
	CHECK(m);
}

/* A kernel write to a read-only kernel mapping is fatal. */
static void
test_kernel_ro(void **state)
{
	struct vm_page *kpg = tu_page();
	struct uvmsim_segv sg;
	char msg[80];
	uint64_t v;

	(void)state;
	snprintf(msg, sizeof(msg), "kernel page fault: va %#lx, write access",
	    (unsigned long)KVA);
	pmap_kenter_pa(KVA, VM_PAGE_TO_PHYS(kpg), VM_PROT_READ);
	((uint8_t *)uvmsim_page_data(m, kpg))[0] = 0x5a;
	assert_int_equal(uvmsim_load(m, 0, NULL, KVA, 1, &v), 0);
	assert_int_equal(v, 0x5a);
	CHECK(m);
	EXPECT_PANIC(m, uvmsim_store(m, 0, NULL, KVA, 8, 1), msg);
	uvmsim_last_segv(m, &sg);
	assert_int_equal(sg.addr, KVA);
	assert_int_equal(sg.access, VM_PROT_WRITE);
	assert_int_equal(((uint8_t *)uvmsim_page_data(m, kpg))[0], 0x5a);
	CHECK(m);
	/* A kernel access to an unmapped kernel address too. */
	EXPECT_PANIC(m, uvmsim_load(m, 0, NULL, KVA + PS, 8, &v),
	    "read access");
	CHECK(m);
	pmap_kremove(KVA, PS);
	pmap_update(pmap_kernel());
	tu_pagefree(kpg);
	CHECK(m);
}

/*
 * Switching pmaps flushes, where the TLB has no address-space tags
 * (x86's %cr3 load); with tags (Alpha's ASNs) nothing is flushed and the
 * first process's entry is still there when it runs again.  Global
 * (kernel) entries survive either way.
 */
static void
test_switch(void **state)
{
	struct vm_page *pg = tu_page(), *kpg = tu_page();
	struct uvmsim_tlb_stats st0;
	struct proc *p2;
	uint64_t v;
	const int flush = m->pmap_sim->ps_asid_max == 0;

	(void)state;
	assert_int_equal(uvmsim_proc_create(m, &p2), 0);
	assert_int_equal(pmap_enter(pm, UVA, VM_PAGE_TO_PHYS(pg),
	    VM_PROT_READ, 0), 0);
	assert_int_equal(pmap_enter(p2->p_vmspace->vm_map.pmap, UVA,
	    VM_PAGE_TO_PHYS(pg), VM_PROT_READ, 0), 0);
	pmap_kenter_pa(KVA, VM_PAGE_TO_PHYS(kpg), VM_PROT_READ);
	assert_int_equal(uvmsim_load(m, 0, vs, UVA, 8, &v), 0);
	assert_int_equal(uvmsim_load(m, 0, NULL, KVA, 8, &v), 0);
	st0 = stats(0);
	CHECK(m);

	/* Another process: a flush (none where the TLB has ASIDs:
	 * test_asid); the kernel entry stays. */
	assert_int_equal(uvmsim_load(m, 0, p2->p_vmspace, UVA, 8, &v), 0);
	assert_int_equal(stats(0).flushes, st0.flushes + flush);
	assert_int_equal(stats(0).misses, st0.misses + 1);
	assert_int_equal(uvmsim_load(m, 0, NULL, KVA, 8, &v), 0);
	assert_int_equal(stats(0).misses, st0.misses + 1);
	assert_false(bit_test(pm->pm_cpus, 0));
	CHECK(m);

	/* pmap_activate / pmap_deactivate on the current CPU. */
	pmap_activate(p);
	assert_ptr_equal(m->pmap_sim->ps_cpus[0].pc_pmap, pm);
	assert_int_equal(stats(0).flushes, st0.flushes + 2 * flush);
	pmap_activate(p);		/* already on it: no flush */
	assert_int_equal(stats(0).flushes, st0.flushes + 2 * flush);
	/* Its entry survived the switches only with tags. */
	assert_int_equal(uvmsim_load(m, 0, vs, UVA, 8, &v), 0);
	assert_int_equal(stats(0).misses, st0.misses + 1 + flush);
	pmap_deactivate(p);
	assert_ptr_equal(m->pmap_sim->ps_cpus[0].pc_pmap, pmap_kernel());
	CHECK(m);

	/* A process exiting while its pmap runs: back to the kernel's. */
	assert_int_equal(uvmsim_load(m, 0, p2->p_vmspace, UVA, 8, &v), 0);
	pmap_remove(p2->p_vmspace->vm_map.pmap, UVA, UVA + PS);
	pmap_update(p2->p_vmspace->vm_map.pmap);
	uvmsim_proc_exit(m, p2);
	assert_ptr_equal(m->pmap_sim->ps_cpus[0].pc_pmap, pmap_kernel());
	CHECK(m);

	pmap_kremove(KVA, PS);
	pmap_update(pmap_kernel());
	tu_pagefree(kpg);
	unmap_free(UVA, 1, pg);
}

/* Replacement is deterministic: round-robin within a set. */
static void
test_replacement(void **state)
{
	struct vm_page *pg = tu_page();
	struct uvmsim_tlb_stats st0;
	uint64_t v;
	int i;

	(void)state;
	/* 4 sets of 2 ways; pages UVA + i * PS fall in set (vpn & 3). */
	for (i = 0; i < 16; i++)
		assert_int_equal(pmap_enter(pm, UVA + i * PS,
		    VM_PAGE_TO_PHYS(pg), VM_PROT_READ, 0), 0);
	for (i = 0; i < 16; i++)
		assert_int_equal(uvmsim_load(m, 0, vs, UVA + i * PS, 8, &v), 0);
	CHECK(m);
	st0 = stats(0);
	/* Pages 8..15 are in the TLB, 0..7 were replaced. */
	for (i = 8; i < 16; i++)
		assert_int_equal(uvmsim_load(m, 0, vs, UVA + i * PS, 8, &v), 0);
	assert_int_equal(stats(0).hits, st0.hits + 8);
	assert_int_equal(stats(0).misses, st0.misses);
	assert_int_equal(uvmsim_load(m, 0, vs, UVA, 8, &v), 0);
	assert_int_equal(stats(0).misses, st0.misses + 1);
	CHECK(m);
	unmap_free(UVA, 16, pg);
}

/* The raw PTE of va in pmap (uvmsim_probe's pte_raw). */
static uint64_t
raw(struct pmap *pmap, vaddr_t va)
{
	struct uvmsim_probe pr;

	memset(&pr, 0, sizeof(pr));
	assert_int_equal(uvmsim__mmu_probe(m, pmap, va, !pmap->pm_kernel,
	    &pr), 0);
	return pr.pte_raw;
}

/* Alpha's fault-on bits and write enables (its pte.h). */
#define A_FOR	0x0002ULL
#define A_FOW	0x0004ULL
#define A_FOE	0x0008ULL
#define A_KWE	0x1000ULL
#define A_UWE	0x2000ULL

/*
 * Referenced and modified emulated with fault-on bits, as NetBSD/alpha's
 * pmap does (an Alpha test: x86's walker sets A and D itself, which
 * test_load_store shows; other architectures skip it, saying so).
 *
 *	UVA       -> pg   read/write          two mappings of one page
 *	UVA + PS  -> pg   read/write
 *	UVA + 2PS -> pg2  read/execute
 *
 * The first access to pg, through either mapping, is one emulation
 * fault that clears the bits of both (pmap_changebit); the first write
 * another; pmap_clear_reference and pmap_clear_modify set them again;
 * an execute of a mapping without PG_EXEC is a protection fault, FOE
 * or not.
 */
static void
test_refmod_emulation(void **state)
{
	struct vm_page *pg, *pg2;
	struct uvmsim_tlb_stats st0;
	uint64_t v;

	(void)state;
	if (!tu_arch_has("refmod_emul")) {
		print_message("arch %s has no referenced/modified emulation\n",
		    tu_arch());
		skip();
	}
	pg = tu_page();
	pg2 = tu_page();
	*(uint64_t *)uvmsim_page_data(m, pg) = 0x1234;
	*(uint64_t *)uvmsim_page_data(m, pg2) = 0x5678;
	assert_int_equal(pmap_enter(pm, UVA, VM_PAGE_TO_PHYS(pg),
	    VM_PROT_READ | VM_PROT_WRITE, 0), 0);
	assert_int_equal(pmap_enter(pm, UVA + PS, VM_PAGE_TO_PHYS(pg),
	    VM_PROT_READ | VM_PROT_WRITE, 0), 0);
	assert_int_equal(pmap_enter(pm, UVA + 2 * PS, VM_PAGE_TO_PHYS(pg2),
	    VM_PROT_READ | VM_PROT_EXECUTE, 0), 0);
	/* Nothing done yet: every fault-on bit; write enabled. */
	assert_int_equal(raw(pm, UVA) & (A_FOR | A_FOW | A_FOE | A_KWE |
	    A_UWE), A_FOR | A_FOW | A_FOE | A_KWE | A_UWE);
	assert_int_equal(raw(pm, UVA + PS) & (A_FOR | A_FOW | A_FOE),
	    A_FOR | A_FOW | A_FOE);
	st0 = stats(0);
	CHECK(m);

	/* A load through UVA: one emulation fault, both mappings lose FOR
	 * (FOE stays: not executable), the page is referenced. */
	assert_int_equal(uvmsim_load(m, 0, vs, UVA, 8, &v), 0);
	assert_int_equal(v, 0x1234);
	assert_int_equal(stats(0).faults_refmod, st0.faults_refmod + 1);
	assert_int_equal(raw(pm, UVA) & (A_FOR | A_FOW | A_FOE),
	    A_FOW | A_FOE);
	assert_int_equal(raw(pm, UVA + PS) & (A_FOR | A_FOW | A_FOE),
	    A_FOW | A_FOE);
	assert_true(pmap_is_referenced(pg));
	assert_false(pmap_is_modified(pg));
	CHECK(m);
	/* The other mapping: a miss, no emulation. */
	assert_int_equal(uvmsim_load(m, 0, vs, UVA + PS, 8, &v), 0);
	assert_int_equal(v, 0x1234);
	assert_int_equal(stats(0).faults_refmod, st0.faults_refmod + 1);

	/* A store through UVA + PS: the TLB entry lacks write (FOW): a
	 * second emulation fault; both mappings lose FOW. */
	assert_int_equal(uvmsim_store(m, 0, vs, UVA + PS, 8, 0x4321), 0);
	assert_int_equal(stats(0).faults_refmod, st0.faults_refmod + 2);
	assert_int_equal(raw(pm, UVA) & (A_FOR | A_FOW), 0);
	assert_true(pmap_is_modified(pg));
	assert_int_equal(uvmsim_load(m, 0, vs, UVA, 8, &v), 0);
	assert_int_equal(v, 0x4321);
	assert_int_equal(*(uint64_t *)uvmsim_page_data(m, pg), 0x4321);
	CHECK(m);

	/* Executing pg, mapped without execute: a protection fault, no
	 * emulation. */
	assert_int_equal(uvmsim_fetch(m, 0, vs, UVA, 8, &v), EFAULT);
	assert_int_equal(stats(0).faults_refmod, st0.faults_refmod + 2);
	assert_int_equal(stats(0).faults_protect, st0.faults_protect + 1);
	/* Executing pg2: FOE was set for want of a reference: emulated. */
	assert_int_equal(uvmsim_fetch(m, 0, vs, UVA + 2 * PS, 8, &v), 0);
	assert_int_equal(v, 0x5678);
	assert_int_equal(stats(0).faults_refmod, st0.faults_refmod + 3);
	assert_int_equal(raw(pm, UVA + 2 * PS) & (A_FOR | A_FOE), 0);
	CHECK(m);

	/* pmap_clear_modify: FOW on both, the next store traps again. */
	assert_true(pmap_clear_modify(pg));
	assert_int_equal(raw(pm, UVA) & (A_FOR | A_FOW), A_FOW);
	assert_int_equal(raw(pm, UVA + PS) & (A_FOR | A_FOW), A_FOW);
	assert_int_equal(uvmsim_store(m, 0, vs, UVA, 8, 0x99), 0);
	assert_int_equal(stats(0).faults_refmod, st0.faults_refmod + 4);
	assert_true(pmap_is_modified(pg));
	/* pmap_clear_reference: FOR, FOW and FOE on both; the page stays
	 * modified (its attribute kept). */
	assert_true(pmap_clear_reference(pg));
	assert_int_equal(raw(pm, UVA) & (A_FOR | A_FOW | A_FOE),
	    A_FOR | A_FOW | A_FOE);
	assert_false(pmap_is_referenced(pg));
	assert_true(pmap_is_modified(pg));
	CHECK(m);

	/* pmap_protect to read-only: the write enables go; a store is a
	 * protection fault, not an emulation. */
	pmap_protect(pm, UVA, UVA + 2 * PS, VM_PROT_READ);
	pmap_update(pm);
	assert_int_equal(raw(pm, UVA) & (A_KWE | A_UWE), 0);
	assert_int_equal(uvmsim_store(m, 0, vs, UVA, 8, 1), EFAULT);
	assert_int_equal(stats(0).faults_refmod, st0.faults_refmod + 4);
	assert_int_equal(stats(0).faults_protect, st0.faults_protect + 2);
	assert_int_equal(*(uint64_t *)uvmsim_page_data(m, pg), 0x99);
	CHECK(m);

	pmap_remove(pm, UVA + 2 * PS, UVA + 3 * PS);
	tu_pagefree(pg2);
	unmap_free(UVA, 2, pg);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		TU_TEST(test_load_store),
		TU_TEST(test_segv),
		cmocka_unit_test_setup_teardown(test_stale_tlb, setup2,
		    teardown),
		TU_TEST(test_checker_tlb),
		TU_TEST(test_copy),
		TU_TEST(test_translate_pure),
		TU_TEST(test_bad_args),
		TU_TEST(test_kernel_ro),
		TU_TEST(test_switch),
		TU_TEST(test_refmod_emulation),
		cmocka_unit_test_setup_teardown(test_replacement, setup2,
		    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
