/*
 * test_cover_pmap.c: the pmap and TLB checker finds the corruptions
 * test_pmap's checker case does not make: a live pmap without a
 * reference, a pmap whose root is not a page in use, and TLB entries of
 * a pmap that no longer exists or whose host pointer is not the frame's
 * bytes.  Each is repaired and the report is clean again.  The TLB entry
 * is the one a load through the MMU filled; which invariant names it
 * depends on the architecture (an ASID-tagged entry: tlb.asid; an
 * untagged one: tlb.stale), as the checker decides.  The walk cache
 * entry a load filled, made to name another path, other rights or no
 * address, is pmap.wcache; a CPU's ASID tag that is not its pmap's, and
 * (on an architecture with ASIDs) an ASID outside the space, not marked
 * given or given twice, is pmap.asid.  A page's pv entry that names no
 * live pmap, no address, or a place where the page is not mapped (or
 * mapped unmanaged, or by another PTE) is pmap.pv.
 */
#include "testutil.h"
#include "pmap_sim/pmap_impl.h"

#include <errno.h>
#include <stdio.h>

#define VA	0x400000UL
#define EXPECT_PROBLEM(inv, field)	tu_expect_problem(m, inv, field, __LINE__)

static struct uvmsim_machine *m;
static struct proc *p;
static struct vm_map *map;
static size_t ps;

static int
setup(void **state)
{
	(void)state;
	m = tu_proc_setup(64, &p, &map, &ps);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	tu_proc_teardown(m, p, TU_ANONS_FREE);
	return 0;
}

static void
test_pmap_refcnt_and_root(void **state)
{
	struct pmap *pm = pmap_create();
	struct vm_page *root = pm->pm_root;

	(void)state;
	CHECK(m);
	pm->pm_refcnt = 0;
	EXPECT_PROBLEM("pmap.active", "pm_refcnt");
	pm->pm_refcnt = 1;
	CHECK(m);
	pm->pm_root = &m->pages[m->npages];	/* one past the last */
	EXPECT_PROBLEM("pmap.ptp", "pm_root");
	pm->pm_root = root;
	CHECK(m);
	pmap_destroy(pm);
	CHECK(m);
}

/* The TLB entry of cpu 0 for va, or NULL. */
static struct pmap_tlbe *
tlb_entry(vaddr_t va)
{
	struct pmap_sim *sim = m->pmap_sim;
	struct pmap_cpu *pc = &sim->ps_cpus[0];
	unsigned i;

	for (i = 0; i < sim->ps_tlb_entries; i++)
		if (pc->pc_tlb[i].te_vpn != TLBE_INVALID &&
		    ((pc->pc_tlb[i].te_vpn & sim->ps_vpnmask) <<
		    m->pageshift) == va)
			return &pc->pc_tlb[i];
	return NULL;
}

static void
test_tlb_entry(void **state)
{
	struct pmap_sim *sim = m->pmap_sim;
	struct pmap_tlbe *te;
	struct pmap *owner, fake;
	const char *inv;
	uint8_t *host;
	uint64_t v = 0;

	(void)state;
	tu_map_anon(m, map, VA, 1, VM_PROT_READ | VM_PROT_WRITE,
	    UVM_INH_COPY, UVM_ADV_NORMAL, 0);
	assert_int_equal(uvmsim_store(m, 0, p->p_vmspace, VA, 8, 0xabcd), 0);
	assert_int_equal(uvmsim_load(m, 0, p->p_vmspace, VA, 8, &v), 0);
	assert_int_equal(v, 0xabcd);
	CHECK(m);
	te = tlb_entry(VA);
	assert_non_null(te);
	assert_ptr_equal(te->te_pmap, map->pmap);
	inv = (te->te_vpn & ~sim->ps_vpnmask) != 0 ? "tlb.asid" : "tlb.stale";

	owner = te->te_pmap;
	memset(&fake, 0, sizeof(fake));
	te->te_pmap = &fake;			/* not a live pmap */
	EXPECT_PROBLEM(inv, "tlb");
	te->te_pmap = owner;
	CHECK(m);

	host = te->te_host;
	te->te_host = host + 1;		/* not the frame's bytes */
	EXPECT_PROBLEM(inv, "tlb");
	te->te_host = host;
	CHECK(m);

	/* The entry still serves the load. */
	assert_int_equal(uvmsim_load(m, 0, p->p_vmspace, VA, 8, &v), 0);
	assert_int_equal(v, 0xabcd);
	uvm_unmap(map, VA, VA + ps);
	CHECK(m);
	assert_null(tlb_entry(VA));
}

/*
 * The walk cache entry the load filled, changed one field at a time:
 * each change is reported, and the entry put back serves the next load.
 */
static void
test_wcache(void **state)
{
	struct pmap_sim *sim = m->pmap_sim;
	struct pmap_wcache *wc = &map->pmap->pm_wc, saved;
	unsigned bits = sim->ps_arch->pa_va_bits;
	uint64_t v = 0;

	(void)state;
	tu_map_anon(m, map, VA, 1, VM_PROT_READ | VM_PROT_WRITE,
	    UVM_INH_COPY, UVM_ADV_NORMAL, 0);
	assert_int_equal(uvmsim_store(m, 0, p->p_vmspace, VA, 8, 0x5a5a), 0);
	CHECK(m);
	assert_int_equal(wc->wc_gen, sim->ps_ptpgen);	/* live */
	assert_int_equal(wc->wc_tag, VA >> sim->ps_wcshift);
	saved = *wc;

	wc->wc_acc ^= 1;			/* other rights */
	EXPECT_PROBLEM("pmap.wcache", "pm_wc");
	*wc = saved;
	CHECK(m);

	/* Another leaf table, and another entry of the level above. */
	wc->wc_ptp[1] = wc->wc_ptp[1] == &m->pages[0] ? &m->pages[1] :
	    &m->pages[0];
	EXPECT_PROBLEM("pmap.wcache", "pm_wc");
	*wc = saved;
	wc->wc_idx[2] ^= 1;
	EXPECT_PROBLEM("pmap.wcache", "pm_wc");
	*wc = saved;
	CHECK(m);

	/* A tag 1 GiB on, where no tables are; a tag past the addresses. */
	wc->wc_tag = (VA + 0x40000000UL) >> sim->ps_wcshift;
	EXPECT_PROBLEM("pmap.wcache", "pm_wc");
	*wc = saved;
	assert_true(bits < 64);
	wc->wc_tag = (1ULL << bits) >> sim->ps_wcshift;
	EXPECT_PROBLEM("pmap.wcache", "pm_wc");
	*wc = saved;
	CHECK(m);

	assert_int_equal(uvmsim_load(m, 0, p->p_vmspace, VA, 8, &v), 0);
	assert_int_equal(v, 0x5a5a);
	uvm_unmap(map, VA, VA + ps);
	CHECK(m);
}

/*
 * CPU 0's ASID tag, then the ASID of the pmap it runs: outside the
 * space, not marked given, another pmap's too.  Each is reported and
 * repaired.
 */
static void
test_asid(void **state)
{
	struct pmap_sim *sim = m->pmap_sim;
	struct pmap_cpu *pc = &sim->ps_cpus[0];
	struct pmap *pm = map->pmap, *other;
	uint64_t tag, v = 0, ogen;
	u_int asid, oasid;

	(void)state;
	tu_map_anon(m, map, VA, 1, VM_PROT_READ | VM_PROT_WRITE,
	    UVM_INH_COPY, UVM_ADV_NORMAL, 0);
	assert_int_equal(uvmsim_store(m, 0, p->p_vmspace, VA, 8, 0x77), 0);
	CHECK(m);
	assert_ptr_equal(pc->pc_pmap, pm);

	tag = pc->pc_asidtag;
	pc->pc_asidtag = tag ^ 1;
	EXPECT_PROBLEM("pmap.asid", "pc_asidtag");
	pc->pc_asidtag = tag;
	CHECK(m);

	if (sim->ps_asid_max != 0) {
		assert_int_equal(pm->pm_asid_gen, sim->ps_asid_gen);
		asid = pm->pm_asid;
		pm->pm_asid = sim->ps_asid_max + 1;
		EXPECT_PROBLEM("pmap.asid", "pm_asid");
		pm->pm_asid = asid;
		CHECK(m);

		bit_clear(sim->ps_asid_used, (int)asid);
		EXPECT_PROBLEM("pmap.asid", "pm_asid");
		bit_set(sim->ps_asid_used, (int)asid);
		CHECK(m);

		other = pmap_create();
		oasid = other->pm_asid;
		ogen = other->pm_asid_gen;
		other->pm_asid = asid;
		other->pm_asid_gen = sim->ps_asid_gen;
		EXPECT_PROBLEM("pmap.asid", "pm_asid");
		other->pm_asid = oasid;
		other->pm_asid_gen = ogen;
		CHECK(m);
		pmap_destroy(other);
		CHECK(m);
	}

	assert_int_equal(uvmsim_load(m, 0, p->p_vmspace, VA, 8, &v), 0);
	assert_int_equal(v, 0x77);
	uvm_unmap(map, VA, VA + ps);
	CHECK(m);
}

/* The checker reports pmap.pv with field and a detail holding text. */
static void
expect_pv(const char *field, const char *text, int line)
{
	struct uvmsim_report r = { 0 };
	const struct uvmsim_problem *pr;

	assert_true(uvmsim_check(m, &r) > 0);
	pr = uvmsim_report_find(&r, "pmap.pv", field);
	if (pr == NULL || strstr(pr->detail, text) == NULL) {
		uvmsim_report_print(&r, stderr);
		uvmsim_report_free(&r);
		fail_msg("line %d: no pmap.pv/%s saying \"%s\"", line, field,
		    text);
	}
	uvmsim_report_free(&r);
}

/*
 * The pv entry of a page mapped at VA (VA + ps maps another page), made
 * to name no live pmap, no address, an address where nothing is mapped,
 * where another page is, or where the page is mapped unmanaged (by
 * pmap_kenter_pa), or another PTE than the tables hold: each is
 * pmap.pv, and the entry put back makes the report clean again.
 */
static void
test_pv_entries(void **state)
{
	struct pmap bogus;
	struct pv_entry *pv, save;
	struct vm_page *pg;
	vaddr_t kva = uvmsim_vmparam(m)->kernel_min + 0x200000;
	paddr_t pa;

	(void)state;
	tu_map_anon(m, map, VA, 2, VM_PROT_READ | VM_PROT_WRITE,
	    UVM_INH_COPY, UVM_ADV_NORMAL, 0);
	assert_int_equal(uvmsim_store(m, 0, p->p_vmspace, VA, 8, 1), 0);
	assert_int_equal(uvmsim_store(m, 0, p->p_vmspace, VA + ps, 8, 2), 0);
	assert_true(pmap_extract(map->pmap, VA, &pa));
	pg = PHYS_TO_VM_PAGE(pa);
	pv = pg->mdpage.mdpg_pvh;
	assert_non_null(pv);
	assert_null(pv->pv_next);
	save = *pv;
	CHECK(m);

	memset(&bogus, 0, sizeof(bogus));
	pv->pv_pmap = &bogus;
	expect_pv("mdpg_pvh", "names no live pmap", __LINE__);
	*pv = save;
	pv->pv_va = (vaddr_t)1 << 62;	/* outside every architecture's space */
	expect_pv("mdpg_pvh", "not an address", __LINE__);
	*pv = save;
	pv->pv_va = VA + 2 * ps;
	expect_pv("mdpg_pvh", "nothing is mapped there", __LINE__);
	*pv = save;
	pv->pv_va = VA + ps;
	expect_pv("mdpg_pvh", "another page is mapped there", __LINE__);
	*pv = save;
	pv->pv_idx = save.pv_idx ^ 1;
	expect_pv("pv_ptp", "names another PTE than the page tables hold",
	    __LINE__);
	*pv = save;
	CHECK(m);

	pmap_kenter_pa(kva, pa, VM_PROT_READ);
	pmap_update(pmap_kernel());
	CHECK(m);
	pv->pv_pmap = pmap_kernel();
	pv->pv_va = kva;
	expect_pv("mdpg_pvh", "the mapping is unmanaged", __LINE__);
	*pv = save;
	CHECK(m);
	pmap_kremove(kva, ps);
	pmap_update(pmap_kernel());
	uvm_unmap(map, VA, VA + 2 * ps);
	CHECK(m);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		TU_TEST(test_pmap_refcnt_and_root),
		TU_TEST(test_tlb_entry),
		TU_TEST(test_wcache),
		TU_TEST(test_asid),
		TU_TEST(test_pv_entries),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
