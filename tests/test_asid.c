/*
 * test_asid.c: address-space identifiers (pmap_tlb.c): a switch between
 * address spaces that flushes nothing on a TLB with ASIDs, global
 * (kernel) entries matched under any ASID, invalidations that reach
 * every CPU whose TLB may hold a pmap's entries (pm_active) and not only
 * those running it, the entries of a destroyed pmap, the rollover of an
 * exhausted ASID space (cfg.asid_max), and the checker's pmap.asid and
 * tlb.asid invariants.
 *
 * The configuration and checker tests run on every architecture; the
 * others need ASIDs and say so when the architecture has none (x86-64
 * flushes its TLB at every %cr3 load instead, as test_mmu's test_switch
 * shows).
 */
#include "testutil.h"

#include <errno.h>

#include "pmap_sim/pmap_impl.h"

#define UVA		0x400000UL		/* a user address */

static struct uvmsim_machine *m;
static struct proc *p;
static struct vmspace *vs;
static struct pmap *pm;
static vaddr_t ps_;				/* the page size */

static void
start(const struct uvmsim_config *cfg)
{
	m = tu_proc_setup_cfg(cfg, &p, NULL, NULL);
	vs = p->p_vmspace;
	pm = vs->vm_map.pmap;
	ps_ = uvmsim_page_size(m);
}

/* Two CPUs, TLBs of 16 entries in 4 sets of 4. */
static int
setup(void **state)
{
	struct uvmsim_config cfg;

	(void)state;
	tu_config(&cfg, 96);
	cfg.ncpus = 2;
	cfg.tlb_entries = 16;
	cfg.tlb_ways = 4;
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

static bool
has_asids(void)
{
	return m->pmap_sim->ps_asid_max != 0;
}

static struct uvmsim_tlb_stats
stats(unsigned cpu)
{
	struct uvmsim_tlb_stats st;

	assert_int_equal(uvmsim_tlb_stats(m, cpu, &st), 0);
	return st;
}

/* cpu's TLB entry of (pmap, va), whatever its key, or NULL. */
static struct pmap_tlbe *
entry_of(unsigned cpu, struct pmap *epm, vaddr_t va)
{
	struct pmap_sim *ps = m->pmap_sim;
	struct pmap_cpu *pc = &ps->ps_cpus[cpu];
	unsigned i;

	for (i = 0; i < ps->ps_tlb_entries; i++)
		if (pc->pc_tlb[i].te_vpn != TLBE_INVALID &&
		    (pc->pc_tlb[i].te_vpn & ps->ps_vpnmask) == va / ps_ &&
		    pc->pc_tlb[i].te_pmap == epm)
			return &pc->pc_tlb[i];
	return NULL;
}

/* A machine made with cfg fails with EINVAL naming asid_max. */
static void
expect_refused(const struct uvmsim_config *cfg)
{
	struct uvmsim_machine *bad = NULL;

	assert_int_equal(uvmsim_machine_create(cfg, &bad), EINVAL);
	assert_null(bad);
	assert_non_null(strstr(uvmsim_last_error(), "asid_max"));
}

/* cfg.asid_max: only within the architecture's ASIDs, at least ncpus. */
static void
test_config(void **state)
{
	struct uvmsim_config cfg;
	struct uvmsim_machine *m2;
	unsigned max;

	(void)state;
	tu_config(&cfg, 64);
	cfg.ncpus = 2;
	cfg.asid_max = 2;
	if (!has_asids()) {
		/* No ASIDs to make fewer of. */
		expect_refused(&cfg);
		assert_int_equal(stats(0).asid_rollovers, 0);
		return;
	}
	max = (1u << m->pmap_sim->ps_arch->pa_asid_bits) - 1;
	assert_int_equal(m->pmap_sim->ps_asid_max, max);
	cfg.asid_max = max + 1;
	expect_refused(&cfg);
	cfg.asid_max = 1;		/* below ncpus */
	expect_refused(&cfg);
	cfg.asid_max = 2;
	assert_int_equal(uvmsim_machine_create(&cfg, &m2), 0);
	assert_int_equal(m2->pmap_sim->ps_asid_max, 2);
	uvmsim_machine_destroy(m2);
}

/* The checker reports a TLB entry tagged with an ASID that is not its
 * pmap's, a CPU missing from the pmap's pm_active, and a CPU tag that is
 * not its pmap's. */
static void
test_checker(void **state)
{
	struct pmap_sim *ps = m->pmap_sim;
	struct vm_page *pg = tu_page();
	struct pmap_tlbe *te;
	uint64_t v, key, tag;

	(void)state;
	assert_int_equal(pmap_enter(pm, UVA, VM_PAGE_TO_PHYS(pg),
	    VM_PROT_READ, 0), 0);
	assert_int_equal(uvmsim_load(m, 0, vs, UVA, 8, &v), 0);
	CHECK(m);
	te = entry_of(0, pm, UVA);
	assert_non_null(te);

	/* The entry carries an ASID its pmap does not have. */
	key = te->te_vpn;
	tag = (uint64_t)(pm->pm_asid + 1) << ps->ps_asid_shift;
	te->te_vpn = (key & ps->ps_vpnmask) | tag;
	tu_expect_problem(m, "tlb.asid", "tlb", __LINE__);
	te->te_vpn = key;
	CHECK(m);

	/* The CPU runs the pmap, which does not say so in pm_active: a
	 * shootdown would miss it. */
	bit_clear(pm->pm_active, 0);
	tu_expect_problem(m, "pmap.active", "pm_active", __LINE__);
	bit_set(pm->pm_active, 0);
	CHECK(m);

	/* The CPU's tag is not its pmap's. */
	ps->ps_cpus[0].pc_asidtag ^= tag;
	tu_expect_problem(m, "pmap.asid", "pc_asidtag", __LINE__);
	ps->ps_cpus[0].pc_asidtag ^= tag;
	CHECK(m);

	if (has_asids()) {
		struct proc *p2;
		struct pmap *pm2;
		u_int a2;

		/* Another pmap with an entry on CPU 0, not running. */
		assert_int_equal(uvmsim_proc_create(m, &p2), 0);
		pm2 = p2->p_vmspace->vm_map.pmap;
		assert_int_equal(pmap_enter(pm2, UVA, VM_PAGE_TO_PHYS(pg),
		    VM_PROT_READ, 0), 0);
		assert_int_equal(uvmsim_load(m, 0, p2->p_vmspace, UVA, 8,
		    &v), 0);
		assert_int_equal(uvmsim_load(m, 0, vs, UVA, 8, &v), 0);
		assert_non_null(entry_of(0, pm2, UVA));
		CHECK(m);

		/* Two pmaps with one ASID. */
		a2 = pm2->pm_asid;
		pm2->pm_asid = pm->pm_asid;
		tu_expect_problem(m, "pmap.asid", "pm_asid", __LINE__);
		pm2->pm_asid = a2;
		CHECK(m);

		/* The mapping goes but its tagged entry stays, with no
		 * invalidation pending: it outlived the mapping. */
		pmap_remove(pm2, UVA, UVA + ps_);
		pm2->pm_ninval = 0;
		tu_expect_problem(m, "tlb.asid", "tlb", __LINE__);
		pm2->pm_ninval = 1;
		pmap_update(pm2);
		assert_null(entry_of(0, pm2, UVA));
		CHECK(m);
		uvmsim_proc_exit(m, p2);
		CHECK(m);
	}

	pmap_remove(pm, UVA, UVA + ps_);
	pmap_update(pm);
	tu_pagefree(pg);
	CHECK(m);
}

/*
 * A switch between address spaces keeps both in the TLB: back on the
 * first, its entry hits; a global (kernel) entry hits under either ASID.
 */
static void
test_switch_no_flush(void **state)
{
	struct vm_page *pg1 = tu_page(), *pg2 = tu_page(), *kpg = tu_page();
	vaddr_t kva = m->vmparam.kernel_min + 0x200000;
	struct uvmsim_tlb_stats st;
	struct vmspace *vs2;
	struct proc *p2;
	struct pmap *pm2;
	uint64_t v;

	(void)state;
	if (!has_asids()) {
		/* Without address-space tags every switch flushes
		 * (test_mmu: test_switch). */
		tu_pagefree(pg1);
		tu_pagefree(pg2);
		tu_pagefree(kpg);
		return;
	}
	assert_int_equal(uvmsim_proc_create(m, &p2), 0);
	vs2 = p2->p_vmspace;
	*(uint64_t *)uvmsim_page_data(m, pg1) = 0x1111;
	*(uint64_t *)uvmsim_page_data(m, pg2) = 0x2222;
	*(uint64_t *)uvmsim_page_data(m, kpg) = 0x3333;
	assert_int_equal(pmap_enter(pm, UVA, VM_PAGE_TO_PHYS(pg1),
	    VM_PROT_READ, VM_PROT_READ), 0);
	assert_int_equal(pmap_enter(vs2->vm_map.pmap, UVA,
	    VM_PAGE_TO_PHYS(pg2), VM_PROT_READ, VM_PROT_READ), 0);
	pmap_kenter_pa(kva, VM_PAGE_TO_PHYS(kpg), VM_PROT_READ);

	assert_int_equal(uvmsim_load(m, 0, vs, UVA, 8, &v), 0);
	assert_int_equal(v, 0x1111);
	assert_int_equal(uvmsim_load(m, 0, NULL, kva, 8, &v), 0);
	assert_int_equal(v, 0x3333);
	assert_int_equal(uvmsim_load(m, 0, vs2, UVA, 8, &v), 0);
	assert_int_equal(v, 0x2222);
	CHECK(m);
	assert_int_not_equal(pm->pm_asid, vs2->vm_map.pmap->pm_asid);
	st = stats(0);
	assert_int_equal(st.flushes, 0);

	/* Back and forth: every access hits, nothing is flushed. */
	assert_int_equal(uvmsim_load(m, 0, vs, UVA, 8, &v), 0);
	assert_int_equal(v, 0x1111);
	assert_int_equal(uvmsim_load(m, 0, vs2, UVA, 8, &v), 0);
	assert_int_equal(v, 0x2222);
	assert_int_equal(uvmsim_load(m, 0, NULL, kva, 8, &v), 0);
	assert_int_equal(v, 0x3333);
	assert_int_equal(stats(0).misses, st.misses);
	assert_int_equal(stats(0).flushes, 0);
	assert_int_equal(stats(0).hits, st.hits + 3);
	assert_non_null(entry_of(0, pm, UVA));
	assert_non_null(entry_of(0, vs2->vm_map.pmap, UVA));
	CHECK(m);

	pmap_kremove(kva, ps_);
	pmap_update(pmap_kernel());
	pm2 = vs2->vm_map.pmap;
	uvmsim_proc_exit(m, p2);
	/* The exited process's entry went with its pmap (pm2 is only
	 * compared, not read). */
	assert_null(entry_of(0, pm2, UVA));
	CHECK(m);
	pmap_remove(pm, UVA, UVA + ps_);
	pmap_update(pm);
	tu_pagefree(pg1);
	tu_pagefree(pg2);
	tu_pagefree(kpg);
	CHECK(m);
}

/*
 * A CPU that ran a pmap and moved on keeps its entries (pm_active):
 * pmap_update, pmap_page_protect and pmap_destroy reach it there.
 */
static void
test_inval_inactive(void **state)
{
	struct vm_page *pg = tu_page();
	struct uvmsim_tlb_stats st;
	struct proc *p2;
	uint64_t v;

	(void)state;
	if (!has_asids()) {
		/* Without tags a switch flushes: only running CPUs hold a
		 * pmap's entries (test_mmu: test_stale_tlb). */
		tu_pagefree(pg);
		return;
	}
	assert_int_equal(uvmsim_proc_create(m, &p2), 0);
	*(uint64_t *)uvmsim_page_data(m, pg) = 7;
	assert_int_equal(pmap_enter(pm, UVA, VM_PAGE_TO_PHYS(pg),
	    VM_PROT_READ | VM_PROT_WRITE, VM_PROT_READ | VM_PROT_WRITE), 0);

	/* CPU 1 writes through p's pmap, then runs p2: its entry stays. */
	assert_int_equal(uvmsim_store(m, 1, vs, UVA, 8, 8), 0);
	assert_int_equal(uvmsim_load(m, 1, p2->p_vmspace, UVA, 8, &v),
	    EFAULT);
	assert_false(bit_test(pm->pm_cpus, 1));
	assert_true(bit_test(pm->pm_active, 1));
	assert_non_null(entry_of(1, pm, UVA));
	CHECK(m);

	/* pmap_page_protect reaches CPU 1. */
	pmap_page_protect(pg, VM_PROT_READ);
	assert_null(entry_of(1, pm, UVA));
	CHECK(m);
	assert_int_equal(uvmsim_load(m, 1, vs, UVA, 8, &v), 0);
	assert_int_equal(v, 8);
	assert_int_equal(uvmsim_load(m, 1, p2->p_vmspace, UVA, 8, &v),
	    EFAULT);
	assert_non_null(entry_of(1, pm, UVA));

	/* pmap_remove and pmap_update reach it too. */
	st = stats(1);
	pmap_remove(pm, UVA, UVA + ps_);
	pmap_update(pm);
	assert_int_equal(stats(1).invalidations, st.invalidations + 1);
	assert_null(entry_of(1, pm, UVA));
	CHECK(m);
	/* Back on p: the page is gone, not read through a stale entry. */
	assert_int_equal(uvmsim_load(m, 1, vs, UVA, 8, &v), EFAULT);
	CHECK(m);

	/* pmap_destroy drops the entries a CPU kept of it. */
	assert_int_equal(pmap_enter(p2->p_vmspace->vm_map.pmap, UVA,
	    VM_PAGE_TO_PHYS(pg), VM_PROT_READ, VM_PROT_READ), 0);
	assert_int_equal(uvmsim_load(m, 0, p2->p_vmspace, UVA, 8, &v), 0);
	assert_int_equal(uvmsim_load(m, 0, vs, UVA, 8, &v), EFAULT);
	assert_non_null(entry_of(0, p2->p_vmspace->vm_map.pmap, UVA));
	st = stats(0);
	uvmsim_proc_exit(m, p2);
	assert_int_equal(stats(0).invalidations, st.invalidations + 1);
	CHECK(m);
	tu_pagefree(pg);
	CHECK(m);
}

/*
 * More pending ranges than a pmap keeps ("all"): where entries carry
 * ASIDs, pmap_update drops the pmap's entries alone, on every CPU that
 * may hold them, and flushes nothing; another pmap's entries stay.
 */
static void
test_update_all(void **state)
{
	struct vm_page *pg = tu_page();
	struct uvmsim_tlb_stats st0, st1;
	struct pmap *pm2;
	struct proc *p2;
	uint64_t v;
	int i;

	(void)state;
	if (!has_asids()) {
		/* Without tags "all" is a flush of the CPUs running the
		 * pmap (test_mmu). */
		tu_pagefree(pg);
		return;
	}
	assert_int_equal(uvmsim_proc_create(m, &p2), 0);
	pm2 = p2->p_vmspace->vm_map.pmap;
	for (i = 0; i < 10; i++)
		assert_int_equal(pmap_enter(pm, UVA + 2 * (vaddr_t)i * ps_,
		    VM_PAGE_TO_PHYS(pg), VM_PROT_READ, VM_PROT_READ), 0);
	assert_int_equal(pmap_enter(pm2, UVA, VM_PAGE_TO_PHYS(pg),
	    VM_PROT_READ, VM_PROT_READ), 0);
	/* CPU 1 reads two of p's pages and moves to p2; CPU 0 reads one. */
	assert_int_equal(uvmsim_load(m, 1, vs, UVA, 8, &v), 0);
	assert_int_equal(uvmsim_load(m, 1, vs, UVA + 2 * ps_, 8, &v), 0);
	assert_int_equal(uvmsim_load(m, 1, p2->p_vmspace, UVA, 8, &v), 0);
	assert_int_equal(uvmsim_load(m, 0, vs, UVA + 4 * ps_, 8, &v), 0);
	CHECK(m);
	st0 = stats(0);
	st1 = stats(1);
	for (i = 0; i < 10; i++)	/* ten ranges apart: "all" */
		pmap_remove(pm, UVA + 2 * (vaddr_t)i * ps_,
		    UVA + (2 * (vaddr_t)i + 1) * ps_);
	assert_int_equal(pm->pm_ninval, PMAP_INVAL_ALL);
	pmap_update(pm);
	assert_int_equal(stats(0).flushes, st0.flushes);
	assert_int_equal(stats(1).flushes, st1.flushes);
	assert_int_equal(stats(0).invalidations, st0.invalidations + 1);
	assert_int_equal(stats(1).invalidations, st1.invalidations + 2);
	assert_null(entry_of(1, pm, UVA));
	assert_non_null(entry_of(1, pm2, UVA));
	assert_false(bit_test(pm->pm_active, 1));	/* none left there */
	CHECK(m);
	uvmsim_proc_exit(m, p2);
	tu_pagefree(pg);
	CHECK(m);
}

/*
 * The ASID space rolls over: with asid_max 2 and two CPUs, a third
 * address space finds none free: a new generation, every CPU's
 * non-global entries flushed, the pmap running on the other CPU keeping
 * its ASID; global entries survive.
 */
static void
test_rollover(void **state)
{
	struct uvmsim_config cfg;
	struct vm_page *pg[3], *kpg;
	struct proc *q[3];
	struct pmap *qpm[3];
	struct uvmsim_tlb_stats st0, st1;
	vaddr_t kva;
	uint64_t v, gen;
	u_int asid1;
	int i;

	(void)state;
	if (!has_asids()) {
		/* No ASIDs: nothing to run out of. */
		return;
	}
	tu_proc_teardown(m, p, 0);
	tu_config(&cfg, 96);
	cfg.ncpus = 2;
	cfg.tlb_entries = 16;
	cfg.tlb_ways = 4;
	cfg.asid_max = 2;
	start(&cfg);
	kva = m->vmparam.kernel_min + 0x200000;
	kpg = tu_page();
	pmap_kenter_pa(kva, VM_PAGE_TO_PHYS(kpg), VM_PROT_READ);
	for (i = 0; i < 3; i++) {
		if (i == 0)
			q[i] = p;
		else
			assert_int_equal(uvmsim_proc_create(m, &q[i]), 0);
		qpm[i] = q[i]->p_vmspace->vm_map.pmap;
		pg[i] = tu_page();
		*(uint64_t *)uvmsim_page_data(m, pg[i]) = 100 + (uint64_t)i;
		assert_int_equal(pmap_enter(qpm[i], UVA,
		    VM_PAGE_TO_PHYS(pg[i]), VM_PROT_READ, VM_PROT_READ), 0);
	}

	/* CPU 0 runs q0 (ASID 1), CPU 1 runs q1 (ASID 2). */
	assert_int_equal(uvmsim_load(m, 0, q[0]->p_vmspace, UVA, 8, &v), 0);
	assert_int_equal(uvmsim_load(m, 0, NULL, kva, 8, &v), 0);
	assert_int_equal(uvmsim_load(m, 1, q[1]->p_vmspace, UVA, 8, &v), 0);
	assert_int_equal(v, 101);
	gen = m->pmap_sim->ps_asid_gen;
	asid1 = qpm[1]->pm_asid;
	CHECK(m);
	st0 = stats(0);
	st1 = stats(1);
	assert_int_equal(st0.asid_rollovers, 0);

	/* CPU 0 runs q2: no ASID left: a rollover. */
	assert_int_equal(uvmsim_load(m, 0, q[2]->p_vmspace, UVA, 8, &v), 0);
	assert_int_equal(v, 102);
	assert_int_equal(m->pmap_sim->ps_asid_gen, gen + 1);
	assert_int_equal(stats(0).asid_rollovers, 1);
	assert_int_equal(stats(1).asid_rollovers, 1);
	assert_int_equal(stats(0).flushes, st0.flushes + 1);
	assert_int_equal(stats(1).flushes, st1.flushes + 1);
	assert_int_equal(qpm[1]->pm_asid, asid1);	/* kept: it runs */
	assert_int_not_equal(qpm[2]->pm_asid, asid1);
	assert_null(entry_of(0, qpm[0], UVA));
	assert_null(entry_of(1, qpm[1], UVA));
	CHECK(m);

	/* The kernel's global entry survived. */
	st0 = stats(0);
	assert_int_equal(uvmsim_load(m, 0, NULL, kva, 8, &v), 0);
	assert_int_equal(stats(0).misses, st0.misses);
	/* CPU 1 refills q1 under its kept ASID. */
	assert_int_equal(uvmsim_load(m, 1, q[1]->p_vmspace, UVA, 8, &v), 0);
	assert_int_equal(v, 101);
	CHECK(m);

	/* CPU 0 back to q0: its ASID is of the old generation: another
	 * rollover (q1 keeps ASID 2, q2 on no CPU loses its ASID). */
	assert_int_equal(uvmsim_load(m, 0, q[0]->p_vmspace, UVA, 8, &v), 0);
	assert_int_equal(v, 100);
	assert_int_equal(stats(0).asid_rollovers, 2);
	assert_int_equal(qpm[2]->pm_asid_gen, gen + 1);
	assert_int_equal(qpm[0]->pm_asid_gen, gen + 2);
	CHECK(m);

	for (i = 2; i > 0; i--)
		uvmsim_proc_exit(m, q[i]);
	pmap_kremove(kva, ps_);
	pmap_update(pmap_kernel());
	tu_pagefree(kpg);
	pmap_remove(qpm[0], UVA, UVA + ps_);
	pmap_update(qpm[0]);
	for (i = 0; i < 3; i++)
		tu_pagefree(pg[i]);
	CHECK(m);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		TU_TEST(test_config),
		TU_TEST(test_checker),
		TU_TEST(test_switch_no_flush),
		TU_TEST(test_inval_inactive),
		TU_TEST(test_update_all),
		TU_TEST(test_rollover),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
