/*
 * pmap_tlb.c: address-space identifiers (ASIDs): the machine-wide ASID
 * space of a backend whose TLB tags its entries (pa_asid_bits > 0), as
 * NetBSD's sys/uvm/pmap/pmap_tlb.c manages it for mips, powerpc, riscv
 * and aarch64.  x86-64 and i386 have no tags (pa_asid_bits 0): nothing
 * here runs for them but the release of pm_active (empty: their switch
 * flushes).
 *
 * The space is the ASIDs 0 .. ps_asid_max; 0 is the kernel's (its
 * entries are global and carry no tag), the rest go to user pmaps.  The
 * space is one for the machine, as NetBSD keeps one pmap_tlb_info for
 * the CPUs that share it (PMAP_TLB_MAX 1), and it has a generation:
 *
 *   given      a user pmap activated on a CPU (po_activate) without an
 *              ASID of the current generation gets the lowest ASID at or
 *              above ps_asid_hint not yet given in this generation
 *              (uvmsim__pmap_tlb_asid_acquire).  ASIDs are given in
 *              rising order and never given twice in a generation: an
 *              ASID a destroyed pmap held is not reused before the next
 *              rollover, so no entry of it can be mistaken for another
 *              pmap's.
 *   rollover   no ASID is left: the generation advances, every CPU's
 *              non-global entries are flushed (counted as a flush and an
 *              asid_rollover in each CPU's stats), and the ASIDs of the
 *              pmaps running on a CPU now (NetBSD's "onproc" pmaps) are
 *              kept for the new generation, since a CPU cannot change its
 *              current ASID under itself; every other pmap gets a new
 *              ASID when next activated.  cfg.asid_max >= ncpus leaves one
 *              free after a rollover for the pmap being activated.
 *   released   pmap_destroy drops the pmap's entries from every TLB that
 *              may hold them and forgets its ASID
 *              (uvmsim__pmap_tlb_asid_release).
 *
 * A TLB entry's key (te_vpn) is the vpn with the ASID in the bits a vpn
 * never uses (ps_asid_shift = 64 - page shift and up), so the hit path
 * makes one compare against vpn | pc_asidtag and an address-space switch
 * flushes nothing.  A global entry's key is the vpn alone: a user access
 * that misses on its tagged key probes once more for it (mmu.c's
 * tlb_search).  pa_asid_bits < pa_page_shift, so a tag never makes a key
 * TLBE_INVALID and a key's tag and vpn never overlap.
 *
 * Which TLBs may hold a pmap's entries is pm_active (NetBSD keeps
 * pm_onproc and pm_active; here pm_cpus is the former): a CPU's bit is
 * set when the pmap is activated there and cleared when that CPU's
 * non-global entries are flushed (a switch without ASIDs, a rollover) or
 * the pmap's entries dropped.  Every invalidation of a pmap's mappings
 * (pmap_update's pending ranges, pmap_page_protect, the attribute
 * clears, pmap_destroy) reaches each CPU of pm_active, not only those
 * running the pmap now.
 *
 * Invariants (checked by uvmsim__check_pmap and uvmsim__check_tlb in
 * pmap_check.c, names in brackets):
 *   1. a live user pmap's ASID of the current generation is in 1 ..
 *      ps_asid_max, marked in ps_asid_used, and no other live pmap's; a pmap running on a CPU has one, and the CPU's
 *      pc_asidtag is its tag.  [pmap.asid]
 *   2. pm_active holds pm_cpus.  [pmap.active]
 *   3. a TLB entry tagged with an ASID never outlives the mapping it
 *      caches: its tag is its pmap's ASID of the current generation, its
 *      pmap is live and has the CPU in pm_active, and it matches the page
 *      tables (or an invalidation covering it is pending).  [tlb.asid]
 *
 * Locking: none; the simulator runs one thread.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "pmap_impl.h"

/*
 * uvmsim__pmap_tlb_init: the ASID space of the backend, cfg->asid_max
 * ASIDs when given.
 *
 * => returns 0, or EINVAL (message naming asid_max) for an asid_max the
 *	architecture cannot have or too small for ncpus CPUs, or ENOMEM.
 */
int
uvmsim__pmap_tlb_init(struct pmap_sim *ps, const struct uvmsim_config *cfg,
    unsigned ncpus)
{
	const struct pmap_sim_arch *a = ps->ps_arch;
	u_int max;

	ps->ps_asid_shift = 64 - a->pa_page_shift;
	ps->ps_vpnmask = ((uint64_t)1 << ps->ps_asid_shift) - 1;
	if (a->pa_asid_bits == 0) {
		if (cfg->asid_max != 0)
			return uvmsim__error(NULL, EINVAL,
			    "uvmsim_machine_create: asid_max: %u, but arch %s "
			    "has no ASIDs", cfg->asid_max, a->pa_name);
		return 0;
	}
	KASSERT(a->pa_asid_bits < a->pa_page_shift);
	max = (1u << a->pa_asid_bits) - 1;
	if (cfg->asid_max > max)
		return uvmsim__error(NULL, EINVAL, "uvmsim_machine_create: "
		    "asid_max: %u is above arch %s's %u (%u-bit ASIDs)",
		    cfg->asid_max, a->pa_name, max, a->pa_asid_bits);
	if (cfg->asid_max != 0) {
		if (cfg->asid_max < ncpus)
			return uvmsim__error(NULL, EINVAL,
			    "uvmsim_machine_create: asid_max: %u is below "
			    "ncpus %u (each CPU's pmap keeps its ASID at a "
			    "rollover, and one more is needed)",
			    cfg->asid_max, ncpus);
		max = cfg->asid_max;
	}
	ps->ps_asid_used = uvmsim__bit_alloc(uvmsim__cur(), (int)max + 1);
	if (ps->ps_asid_used == NULL)
		return uvmsim__error(NULL, ENOMEM, "uvmsim_machine_create: no "
		    "host memory for %u ASIDs", max);
	bit_set(ps->ps_asid_used, 0);	/* the kernel's */
	ps->ps_asid_max = max;
	ps->ps_asid_gen = 1;
	ps->ps_asid_hint = 1;
	return 0;
}

void
uvmsim__pmap_tlb_teardown(struct pmap_sim *ps)
{
	uvmsim__free(ps->ps_asid_used);
	ps->ps_asid_used = NULL;
}

/*
 * asid_rollover: the ASID space is exhausted: a new generation, every
 * CPU's non-global entries flushed, the ASIDs of the pmaps running on a
 * CPU kept (in CPU order) but that of pm, which is being given one.
 */
static void
asid_rollover(struct uvmsim_machine *m, struct pmap_sim *ps, struct pmap *pm)
{
	struct pmap *opm;
	unsigned cpu;

	ps->ps_asid_gen++;
	bit_nclear(ps->ps_asid_used, 1, (int)ps->ps_asid_max);
	ps->ps_asid_hint = 1;
	for (cpu = 0; cpu < ps->ps_ncpus; cpu++) {
		ps->ps_cpus[cpu].pc_stats.asid_rollovers++;
		uvmsim__tlb_flush(m, cpu, false);
	}
	for (cpu = 0; cpu < ps->ps_ncpus; cpu++) {
		opm = ps->ps_cpus[cpu].pc_pmap;
		if (opm->pm_kernel || opm == pm ||
		    opm->pm_asid_gen != ps->ps_asid_gen - 1)
			continue;	/* (kept already, or none to keep) */
		opm->pm_asid_gen = ps->ps_asid_gen;
		bit_set(ps->ps_asid_used, (int)opm->pm_asid);
	}
}

/*
 * uvmsim__pmap_tlb_asid_acquire: cpu switches to pm (po_activate of a
 * backend with ASIDs): pm gets an ASID of the current generation if it
 * has none, and its tag becomes cpu's.  Flushes nothing unless the ASID
 * space rolls over.
 *
 * => pm is cpu's active pmap already (uvmsim__pmap_switch set it).
 */
void
uvmsim__pmap_tlb_asid_acquire(struct uvmsim_machine *m, unsigned cpu,
    struct pmap *pm)
{
	struct pmap_sim *ps = m->pmap_sim;
	u_int asid;

	KASSERT(ps->ps_asid_max != 0);
	KASSERT(ps->ps_cpus[cpu].pc_pmap == pm);
	if (!pm->pm_kernel && pm->pm_asid_gen != ps->ps_asid_gen) {
		asid = ps->ps_asid_hint;
		while (asid <= ps->ps_asid_max &&
		    bit_test(ps->ps_asid_used, (int)asid))
			asid++;		/* (an ASID kept at the rollover) */
		if (asid > ps->ps_asid_max) {
			asid_rollover(m, ps, pm);
			asid = 1;
			while (bit_test(ps->ps_asid_used, (int)asid))
				asid++;
			KASSERT(asid <= ps->ps_asid_max);
		}
		bit_set(ps->ps_asid_used, (int)asid);
		ps->ps_asid_hint = asid + 1;
		pm->pm_asid = asid;
		pm->pm_asid_gen = ps->ps_asid_gen;
	}
	ps->ps_cpus[cpu].pc_asidtag = pmap_tlb_tag(ps, pm);
}

/*
 * uvmsim__pmap_tlb_asid_release: pm is being destroyed: its entries go
 * from every TLB that may hold them (pm_active) and its ASID is
 * forgotten (not given again before the next rollover).
 *
 * => pm runs on no CPU.
 */
void
uvmsim__pmap_tlb_asid_release(struct uvmsim_machine *m, struct pmap *pm)
{
	struct pmap_sim *ps = m->pmap_sim;
	unsigned cpu;

	KASSERT(!pm->pm_kernel);
	for (cpu = 0; cpu < ps->ps_ncpus; cpu++) {
		KASSERT(ps->ps_cpus[cpu].pc_pmap != pm);
		if (!bit_test(pm->pm_active, (int)cpu))
			continue;
		(void)uvmsim__tlb_inval_pmap(m, cpu, pm);
	}
	pm->pm_asid = 0;
	pm->pm_asid_gen = 0;
}
