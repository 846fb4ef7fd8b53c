/*
 * pmap_check.c: the pmap layer's checks, called by the checker's driver
 * (uvmsim_check): the page tables, pv lists and walk caches of every pmap
 * (uvmsim__check_pmap, invariants 1-6, 8 and 9 of pmap.c's essay), the
 * TLBs (uvmsim__check_tlb, invariant 7 and mmu.c's), and the question the
 * loan checks ask (uvmsim__pmap_page_writable).
 *
 * Every check walks the tables from the root without the walk cache and
 * reads the TLBs without a fill, a drop or a count: it changes nothing,
 * takes no lock and never panics; what it finds it reports by name.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "pmap_impl.h"

/* ---- pmaps ---- */

/* Longest a pv list can be: one entry per leaf PTE every frame could
 * hold.  A walk past it has found a cycle. */
static size_t
pv_limit(const struct uvmsim_machine *m, const struct pmap_sim *ps)
{
	return m->npages * ps->ps_nidx[1] + 1;
}

struct check_counts {
	long	resident;
	long	wired;
};

/*
 * check_table: check the table ptp of pm at level, mapping from base, and
 * everything below it (invariants 1-5 from the PTE side).
 */
static void
check_table(struct uvmsim_machine *m, struct pmap_sim *ps, struct pmap *pm,
    struct vm_page *ptp, unsigned level, vaddr_t base,
    struct check_counts *cc, struct uvmsim_report *r)
{
	const struct pmap_sim_arch *a = ps->ps_arch;
	struct pmap *kpm = ps->ps_kernel;
	unsigned idx, kfirst, klast, nvalid = 0, n;
	size_t steps;
	struct vm_page *pg;
	struct pv_entry *pv;
	char who[48];
	uint64_t e, ke;
	vaddr_t va;

	snprintf(who, sizeof(who), "pmap %u", pm->pm_id);
	if (!ps->ps_ops->po_kernel_slots(ps, &kfirst, &klast))
		klast = 0, kfirst = 1;
	for (idx = 0; idx < ps->ps_nidx[level]; idx++) {
		e = pmap_pte_get(ps, pmap_pte_ptr(m, ps, ptp, idx));
		if ((e & ps->ps_v) == 0)
			continue;
		nvalid++;
		va = level == a->pa_levels ? pmap_root_va(ps, pm, idx) :
		    base | ((vaddr_t)idx << ps->ps_shift[level]);
		if (level == a->pa_levels && idx >= kfirst && idx <= klast &&
		    !pm->pm_kernel) {
			ke = pmap_pte_get(ps, pmap_pte_ptr(m, ps, kpm->pm_root,
			    idx));
			if (e != ke)
				uvmsim__problem(r, "pmap.kernel", who, "root",
				    "entry %u is %#" PRIx64 ", the kernel's "
				    "%#" PRIx64, idx, e, ke);
			continue;
		}
		pg = uvmsim__pa_page(m, pmap_pte_pa(ps, e));
		if (pg == NULL) {
			uvmsim__problem(r, "pmap.pte", who, "pte",
			    "va %#lx: level %u entry %#" PRIx64 " points "
			    "outside memory", (unsigned long)va, level, e);
			continue;
		}
		if (level == 1) {
			cc->resident++;
			if (e & ps->ps_wired)
				cc->wired++;
		}
		if (pg->pqflags & PQ_FREE) {
			uvmsim__problem(r, "pmap.pte", who, "pte",
			    "va %#lx: level %u entry points at free page %zu",
			    (unsigned long)va, level, (size_t)(pg - m->pages));
			continue;
		}
		if (level > 1) {
			check_table(m, ps, pm, pg, level - 1, va, cc, r);
			continue;
		}
		/* Written without a fault only where modified is recorded:
		 * an emulated-clean or write-protected mapping is never
		 * writable in hardware. */
		if ((ps->ps_ops->po_pte_rights(ps, e) & TLB_D) &&
		    (ps->ps_ops->po_pte_attrs(ps, e) & PMAP_ATTR_MOD) == 0)
			uvmsim__problem(r, "pmap.hwwrite", who, "pte",
			    "va %#lx: entry %#" PRIx64 " lets the hardware "
			    "write page %zu, which it does not record "
			    "modified", (unsigned long)va, e,
			    (size_t)(pg - m->pages));
		n = 0;
		steps = 0;
		for (pv = pg->mdpage.mdpg_pvh; pv != NULL &&
		    ++steps <= pv_limit(m, ps); pv = pv->pv_next)
			if (pv->pv_pmap == pm && pv->pv_va == va)
				n++;
		if ((e & ps->ps_managed) && n != 1)
			uvmsim__problem(r, "pmap.pv", who, "pv",
			    "va %#lx: managed mapping of page %zu has %u pv "
			    "entries, not 1", (unsigned long)va,
			    (size_t)(pg - m->pages), n);
		if ((e & ps->ps_managed) == 0 && n != 0)
			uvmsim__problem(r, "pmap.pv", who, "pv",
			    "va %#lx: unmanaged mapping of page %zu has %u pv "
			    "entries", (unsigned long)va,
			    (size_t)(pg - m->pages), n);
	}
	if (ptp->wire_count != 1 + nvalid)
		uvmsim__problem(r, "pmap.ptp", who, "wire_count",
		    "level %u table (page %zu) at %#lx has wire_count %u, "
		    "expected 1 + %u valid entries", level,
		    (size_t)(ptp - m->pages), (unsigned long)base,
		    ptp->wire_count, nvalid);
	if (nvalid == 0 && level < a->pa_levels &&
	    !(pm->pm_kernel && level >= a->pa_levels - 1))
		uvmsim__problem(r, "pmap.ptp", who, "wire_count",
		    "level %u table (page %zu) at %#lx is empty but kept",
		    level, (size_t)(ptp - m->pages), (unsigned long)base);
}

static bool
pmap_live(struct pmap_sim *ps, const struct pmap *pm)
{
	struct pmap *p;

	TAILQ_FOREACH(p, &ps->ps_pmaps, pm_list)
		if (p == pm)
			return true;
	return false;
}

/* A pv list that loops back on itself (Floyd's tortoise and hare). */
static bool
pv_cycle(const struct pv_entry *pv)
{
	const struct pv_entry *fast = pv;

	while (fast != NULL && fast->pv_next != NULL) {
		pv = pv->pv_next;
		fast = fast->pv_next->pv_next;
		if (pv == fast)
			return true;
	}
	return false;
}

/*
 * check_pv: invariant 1 from the pv side, for every frame.
 */
static void
check_pv(struct uvmsim_machine *m, struct pmap_sim *ps,
    struct uvmsim_report *r)
{
	struct pmap_walk w;
	struct pv_entry *pv;
	struct vm_page *pg;
	char who[48];
	size_t i;
	u_int n;

	for (i = 0; i < m->npages; i++) {
		pg = &m->pages[i];
		if (pg->mdpage.mdpg_pvh == NULL && pg->mdpage.mdpg_npv == 0)
			continue;
		snprintf(who, sizeof(who), "page %zu", i);
		if (pg->pqflags & PQ_FREE)
			uvmsim__problem(r, "pmap.pv", who, "mdpg_pvh",
			    "a free page has %u mappings", pg->mdpage.mdpg_npv);
		if (pv_cycle(pg->mdpage.mdpg_pvh)) {
			uvmsim__problem(r, "pmap.pv", who, "mdpg_pvh",
			    "the pv list does not end (a cycle)");
			continue;
		}
		n = 0;
		for (pv = pg->mdpage.mdpg_pvh; pv != NULL; pv = pv->pv_next) {
			n++;
			if (!pmap_live(ps, pv->pv_pmap)) {
				uvmsim__problem(r, "pmap.pv", who, "mdpg_pvh",
				    "pv entry va %#lx names no live pmap",
				    (unsigned long)pv->pv_va);
				continue;
			}
			if (!pmap_va_ok(ps, pv->pv_va)) {
				uvmsim__problem(r, "pmap.pv", who, "mdpg_pvh",
				    "pv entry pmap %u va %#lx: not an address",
				    pv->pv_pmap->pm_id,
				    (unsigned long)pv->pv_va);
				continue;
			}
			uvmsim__pmap_walk_tables(m, pv->pv_pmap, pv->pv_va,
			    &w);
			if (w.pw_stop != 0 || w.pw_pg != pg ||
			    (w.pw_pte & ps->ps_managed) == 0)
				uvmsim__problem(r, "pmap.pv", who, "mdpg_pvh",
				    "pv entry pmap %u va %#lx: %s",
				    pv->pv_pmap->pm_id,
				    (unsigned long)pv->pv_va,
				    w.pw_stop != 0 ? "nothing is mapped there" :
				    w.pw_pg != pg ? "another page is mapped "
				    "there" : "the mapping is unmanaged");
			else if (pv->pv_ptp != w.pw_ptp[1] ||
			    pv->pv_idx != w.pw_idx[1])
				uvmsim__problem(r, "pmap.pv", who, "pv_ptp",
				    "pv entry pmap %u va %#lx names another "
				    "PTE than the page tables hold",
				    pv->pv_pmap->pm_id,
				    (unsigned long)pv->pv_va);
			else if ((pmap_pte_prot(ps, w.pw_pte) &
			    VM_PROT_WRITE) &&
			    !(pg->mdpage.mdpg_attrs & PMAP_ATTR_WMAP))
				uvmsim__problem(r, "pmap.wmap", who,
				    "mdpg_attrs", "pmap %u va %#lx may write "
				    "the page, which is not marked "
				    "PMAP_ATTR_WMAP", pv->pv_pmap->pm_id,
				    (unsigned long)pv->pv_va);
		}
		if (n != pg->mdpage.mdpg_npv)
			uvmsim__problem(r, "pmap.pv", who, "mdpg_npv",
			    "%u but the list holds %u entries",
			    pg->mdpage.mdpg_npv, n);
	}
}

/*
 * uvmsim__pmap_page_writable: find a managed mapping of pg whose leaf PTE
 * allows writing, for the checker (a loaned page has none: invariant 2
 * of uvm_loan.c).
 *
 * => takes no lock, never panics: the walk of the pv list is bounded, and
 *    an entry naming no live pmap or no address, or whose PTE maps another
 *    page or nothing, is passed over (check_pv reports those).
 * => returns true with the pmap's id and the address in *pmidp and *vap
 *    when there is such a mapping; false when there is none, and always
 *    on a machine without an MMU.
 */
bool
uvmsim__pmap_page_writable(struct uvmsim_machine *m, const struct vm_page *pg,
    u_int *pmidp, vaddr_t *vap)
{
	struct pmap_sim *ps = m->pmap_sim;
	const struct pv_entry *pv;
	struct pmap_walk w;
	size_t steps = 0;

	if (ps == NULL)
		return false;
	for (pv = pg->mdpage.mdpg_pvh; pv != NULL &&
	    ++steps <= pv_limit(m, ps); pv = pv->pv_next) {
		if (!pmap_live(ps, pv->pv_pmap) || !pmap_va_ok(ps, pv->pv_va))
			continue;
		uvmsim__pmap_walk_tables(m, pv->pv_pmap, pv->pv_va, &w);
		/* The mapping's grant, not what the TLB would get now: a
		 * write its emulation of modified would let through after
		 * one trap is a write it allows. */
		if (w.pw_stop != 0 || w.pw_pg != pg ||
		    (pmap_pte_prot(ps, w.pw_pte) & VM_PROT_WRITE) ==
		    0)
			continue;
		*pmidp = pv->pv_pmap->pm_id;
		*vap = pv->pv_va;
		return true;
	}
	return false;
}

/*
 * check_wcache: pm's walk cache entry, if live, names the path from the
 * root to a leaf table that the tables hold, and the rights of its upper
 * entries (invariant 8).
 */
static void
check_wcache(struct uvmsim_machine *m, struct pmap_sim *ps,
    const struct pmap *pm, const char *who, struct uvmsim_report *r)
{
	const struct pmap_wcache *wc = &pm->pm_wc;
	unsigned lvl, top = ps->ps_arch->pa_levels;
	struct pmap_walk w;
	uint64_t frame;
	uint32_t acc;
	vaddr_t va;

	if (wc->wc_gen != ps->ps_ptpgen)
		return;			/* void: nothing cached */
	va = (vaddr_t)(wc->wc_tag << ps->ps_wcshift);
	if (!pmap_va_ok(ps, va)) {
		uvmsim__problem(r, "pmap.wcache", who, "pm_wc",
		    "tag %#" PRIx64 " is not an address", wc->wc_tag);
		return;
	}
	pmap_walk_start(&w);
	if (!uvmsim__pmap_walk_upper(m, pm, va, &w, &frame, &acc)) {
		uvmsim__problem(r, "pmap.wcache", who, "pm_wc",
		    "va %#lx: a path is cached but the tables stop at level "
		    "%u", (unsigned long)va, w.pw_stop);
		return;
	}
	for (lvl = 2; lvl <= top; lvl++)
		if (w.pw_ptp[lvl] != wc->wc_ptp[lvl] ||
		    w.pw_idx[lvl] != wc->wc_idx[lvl])
			uvmsim__problem(r, "pmap.wcache", who, "pm_wc",
			    "va %#lx: level %u: cached table %zu entry %u, "
			    "the tables hold table %zu entry %u",
			    (unsigned long)va, lvl,
			    (size_t)(wc->wc_ptp[lvl] - m->pages),
			    wc->wc_idx[lvl], (size_t)(w.pw_ptp[lvl] - m->pages),
			    w.pw_idx[lvl]);
	if (wc->wc_ptp[1] != &m->pages[frame])
		uvmsim__problem(r, "pmap.wcache", who, "pm_wc",
		    "va %#lx: cached leaf table %zu, the tables hold %zu",
		    (unsigned long)va, (size_t)(wc->wc_ptp[1] - m->pages),
		    (size_t)frame);
	if (wc->wc_acc != acc)
		uvmsim__problem(r, "pmap.wcache", who, "pm_wc",
		    "va %#lx: cached upper rights %#x, the tables allow %#x",
		    (unsigned long)va, wc->wc_acc, acc);
}

/*
 * check_asids: pmap_tlb.c's invariant 1 [pmap.asid]: the ASIDs of the
 * current generation are given once each, within the space and marked
 * used; a CPU runs a pmap with one, under its tag.
 */
static void
check_asids(struct uvmsim_machine *m, struct pmap_sim *ps,
    struct uvmsim_report *r)
{
	struct pmap *pm, *opm;
	struct pmap_cpu *pc;
	char who[48];
	unsigned cpu;
	size_t npm = 0;

	for (cpu = 0; cpu < ps->ps_ncpus; cpu++) {
		pc = &ps->ps_cpus[cpu];
		if (pc->pc_asidtag != pmap_tlb_tag(ps, pc->pc_pmap))
			uvmsim__problem(r, "pmap.asid", "machine", "pc_asidtag",
			    "cpu %u: tag %#" PRIx64 ", but its pmap %u's is "
			    "%#" PRIx64, cpu, pc->pc_asidtag,
			    pc->pc_pmap->pm_id, pmap_tlb_tag(ps, pc->pc_pmap));
		if (ps->ps_asid_max != 0 && !pc->pc_pmap->pm_kernel &&
		    pc->pc_pmap->pm_asid_gen != ps->ps_asid_gen)
			uvmsim__problem(r, "pmap.asid", "machine", "pc_pmap",
			    "cpu %u runs pmap %u, which has no ASID of "
			    "generation %" PRIu64, cpu, pc->pc_pmap->pm_id,
			    ps->ps_asid_gen);
	}
	if (ps->ps_asid_max == 0)
		return;
	TAILQ_FOREACH(pm, &ps->ps_pmaps, pm_list) {
		if (++npm > m->npages + 1)
			break;		/* (reported as pmap.active) */
		if (pm->pm_kernel || pm->pm_asid_gen != ps->ps_asid_gen)
			continue;
		snprintf(who, sizeof(who), "pmap %u", pm->pm_id);
		if (pm->pm_asid == 0 || pm->pm_asid > ps->ps_asid_max) {
			uvmsim__problem(r, "pmap.asid", who, "pm_asid",
			    "%u is outside 1..%u", pm->pm_asid,
			    ps->ps_asid_max);
			continue;
		}
		if (!bit_test(ps->ps_asid_used, (int)pm->pm_asid))
			uvmsim__problem(r, "pmap.asid", who, "pm_asid",
			    "%u is not marked given in generation %" PRIu64,
			    pm->pm_asid, ps->ps_asid_gen);
		for (opm = TAILQ_NEXT(pm, pm_list); opm != NULL;
		    opm = TAILQ_NEXT(opm, pm_list))
			if (!opm->pm_kernel &&
			    opm->pm_asid_gen == ps->ps_asid_gen &&
			    opm->pm_asid == pm->pm_asid)
				uvmsim__problem(r, "pmap.asid", who, "pm_asid",
				    "%u is pmap %u's too", pm->pm_asid,
				    opm->pm_id);
	}
}

/*
 * uvmsim__check_pmap: invariants 1-8.  Takes no lock, never panics.
 */
void
uvmsim__check_pmap(struct uvmsim_machine *m, struct uvmsim_report *r)
{
	struct pmap_sim *ps = m->pmap_sim;
	struct check_counts cc;
	struct pmap *pm;
	char who[48];
	unsigned cpu, npm = 0;
	size_t i;

	/* Frames' bytes are found by their physical addresses (the PTEs',
	 * and uvmsim__pgdata's): each must be its frame's. */
	for (i = 0; i < m->npages; i++) {
		if (m->pages[i].phys_addr == m->phys_base +
		    ((paddr_t)i << m->pageshift))
			continue;
		snprintf(who, sizeof(who), "page %zu", i);
		uvmsim__problem(r, "page.phys", who, "phys_addr",
		    "%#" PRIx64 ", not the frame's address %#" PRIx64,
		    (uint64_t)m->pages[i].phys_addr, (uint64_t)(m->phys_base +
		    ((paddr_t)i << m->pageshift)));
	}
	if (ps == NULL)
		return;
	TAILQ_FOREACH(pm, &ps->ps_pmaps, pm_list) {
		snprintf(who, sizeof(who), "pmap %u", pm->pm_id);
		if (++npm > m->npages + 1) {
			uvmsim__problem(r, "pmap.active", "pmaps", "pm_list",
			    "more pmaps than frames for their roots (a cycle)");
			break;
		}
		if (pm->pm_refcnt <= 0)
			uvmsim__problem(r, "pmap.active", who, "pm_refcnt",
			    "%d on a live pmap", pm->pm_refcnt);
		if (pm->pm_root < m->pages ||
		    pm->pm_root >= m->pages + m->npages ||
		    (pm->pm_root->pqflags & PQ_FREE)) {
			uvmsim__problem(r, "pmap.ptp", who, "pm_root",
			    "not a page in use");
			continue;
		}
		memset(&cc, 0, sizeof(cc));
		check_table(m, ps, pm, pm->pm_root, ps->ps_arch->pa_levels, 0,
		    &cc, r);
		if (cc.resident != pm->pm_resident)
			uvmsim__problem(r, "pmap.counts", who, "pm_resident",
			    "%ld but %ld leaf PTEs are valid", pm->pm_resident,
			    cc.resident);
		if (cc.wired != pm->pm_wired)
			uvmsim__problem(r, "pmap.counts", who, "pm_wired",
			    "%ld but %ld leaf PTEs are wired", pm->pm_wired,
			    cc.wired);
		check_wcache(m, ps, pm, who, r);
		if (pm->pm_kernel)
			continue;
		for (cpu = 0; cpu < ps->ps_ncpus; cpu++) {
			if ((ps->ps_cpus[cpu].pc_pmap == pm) !=
			    (bit_test(pm->pm_cpus, cpu) != 0))
				uvmsim__problem(r, "pmap.active", who,
				    "pm_cpus", "cpu %u is %s in pm_cpus but "
				    "%s on it", cpu, bit_test(pm->pm_cpus,
				    cpu) ? "set" : "clear",
				    ps->ps_cpus[cpu].pc_pmap == pm ? "runs" :
				    "does not run");
			if (bit_test(pm->pm_cpus, cpu) &&
			    !bit_test(pm->pm_active, cpu))
				uvmsim__problem(r, "pmap.active", who,
				    "pm_active", "cpu %u runs the pmap but is "
				    "not in pm_active", cpu);
		}
	}
	check_asids(m, ps, r);
	check_pv(m, ps, r);
	uvmsim__check_tlb(m, r);
}

/* ---- the TLBs ---- */

static void
rights_str(uint32_t r, char *buf)
{
	buf[0] = (r & TLB_R) ? 'r' : '-';
	buf[1] = (r & TLB_W) ? 'w' : '-';
	buf[2] = (r & TLB_X) ? 'x' : '-';
	buf[3] = (r & TLB_U) ? 'u' : '-';
	buf[4] = (r & TLB_D) ? 'd' : '-';
	buf[5] = '\0';
}

/*
 * uvmsim__check_tlb: invariants 1-4.  Takes no lock, never panics.
 */
void
uvmsim__check_tlb(struct uvmsim_machine *m, struct uvmsim_report *r)
{
	struct pmap_sim *ps = m->pmap_sim;
	struct pmap_tlbe *te;
	struct pmap_cpu *pc;
	struct pmap_walk w;
	char who[48], have[8], may[8];
	const char *why, *inv;
	unsigned cpu, i, nempty;
	uint32_t extra;
	uint64_t tag;
	vaddr_t va;

	if (m->mmu_curpc != &ps->ps_cpus[m->curcpu])
		uvmsim__problem(r, "tlb.curcpu", "machine", "tlb",
		    "the hit path's CPU state is not that of CPU %u, the "
		    "current one", m->curcpu);
	for (cpu = 0; cpu < ps->ps_ncpus; cpu++) {
		pc = &ps->ps_cpus[cpu];
		snprintf(who, sizeof(who), "cpu %u", cpu);
		/* The key the fault path found nothing for (mmu.c): an
		 * invalidation skips its look on the strength of it. */
		if (pc->pc_absent != TLBE_INVALID &&
		    uvmsim__tlb_find(pc, pc->pc_absent) != NULL)
			uvmsim__problem(r, "tlb.absent", who, "pc_absent",
			    "key %#" PRIx64 " is said to have no entry, and "
			    "has one", pc->pc_absent);
		nempty = 0;
		for (i = 0; i < ps->ps_tlb_entries; i++) {
			te = &pc->pc_tlb[i];
			if (te->te_vpn == TLBE_INVALID) {
				nempty++;
				continue;
			}
			va = (te->te_vpn & ps->ps_vpnmask) << m->pageshift;
			tag = te->te_vpn & ~ps->ps_vpnmask;
			/* An entry tagged with an ASID: pmap_tlb.c's
			 * invariant 3, by its own name. */
			inv = tag != 0 ? "tlb.asid" : "tlb.stale";
			if (!pmap_live(ps, te->te_pmap)) {
				uvmsim__problem(r, inv, who, "tlb",
				    "va %#lx: entry of a pmap that no longer "
				    "exists", (unsigned long)va);
				continue;
			}
			if (tag != 0 && (te->te_pmap->pm_kernel ||
			    tag != pmap_tlb_tag(ps, te->te_pmap) ||
			    (te->te_rights & TLB_G)))
				uvmsim__problem(r, "tlb.asid", who, "tlb",
				    "va %#lx: tagged with ASID %" PRIu64 ", not "
				    "pmap %u's ASID of generation %" PRIu64
				    "%s", (unsigned long)va,
				    tag >> ps->ps_asid_shift,
				    te->te_pmap->pm_id, ps->ps_asid_gen,
				    (te->te_rights & TLB_G) ? " (and global)" :
				    "");
			if (ps->ps_asid_max != 0 && tag == 0 &&
			    (te->te_rights & TLB_G) == 0 &&
			    !te->te_pmap->pm_kernel)
				uvmsim__problem(r, "tlb.asid", who, "tlb",
				    "va %#lx: non-global entry of pmap %u "
				    "without its ASID", (unsigned long)va,
				    te->te_pmap->pm_id);
			if (ps->ps_asid_max == 0 &&
			    (te->te_rights & TLB_G) == 0 &&
			    te->te_pmap != pc->pc_pmap)
				uvmsim__problem(r, "tlb.stale", who, "tlb",
				    "va %#lx: non-global entry of pmap %u, "
				    "which the CPU does not run",
				    (unsigned long)va, te->te_pmap->pm_id);
			if (!pmap_tlb_may_hold(te->te_pmap, cpu))
				uvmsim__problem(r, inv, who, "tlb",
				    "va %#lx: entry of pmap %u, whose "
				    "pm_active lacks the CPU (an invalidation "
				    "would miss it)", (unsigned long)va,
				    te->te_pmap->pm_id);
			if (te->te_pg < m->pages ||
			    te->te_pg >= m->pages + m->npages ||
			    te->te_host != uvmsim__pgdata(m, te->te_pg)) {
				uvmsim__problem(r, inv, who, "tlb",
				    "va %#lx: pmap %u: host pointer is not "
				    "the frame's bytes", (unsigned long)va,
				    te->te_pmap->pm_id);
				continue;
			}
			if (uvmsim__pmap_pending(te->te_pmap, va))
				continue;
			why = NULL;
			extra = 0;
			if (!pmap_va_ok(ps, va)) {
				why = "not an address";
				w.pw_rights = 0;
			} else {
				uvmsim__pmap_walk_tables(m, te->te_pmap, va,
				    &w);
				if (w.pw_stop != 0 || w.pw_bad) {
					why = "nothing is mapped there";
					w.pw_rights = 0;
				} else if (w.pw_pg != te->te_pg)
					why = "the PTE maps another frame";
				else if ((extra = te->te_rights &
				    (TLB_R | TLB_W | TLB_X | TLB_U | TLB_D) &
				    ~w.pw_rights) != 0)
					why = "it grants more than the PTE";
			}
			if (why == NULL)
				continue;
			rights_str(te->te_rights, have);
			rights_str(w.pw_rights, may);
			uvmsim__problem(r, inv, who, "tlb",
			    "va %#lx: pmap %u: frame %zu %s: %s; PTE %s, "
			    "no invalidation pending", (unsigned long)va,
			    te->te_pmap->pm_id,
			    (size_t)(te->te_pg - m->pages), have, why, may);
		}
		/* A fill skips the look for an empty way on the strength of
		 * the count (mmu.c). */
		if (pc->pc_nempty != nempty)
			uvmsim__problem(r, "tlb.count", who, "pc_nempty",
			    "%u entries are said to be empty, and %u are",
			    pc->pc_nempty, nempty);
	}
}
