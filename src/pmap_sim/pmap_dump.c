/*
 * pmap_dump.c: the raw page tables of a pmap, printed for people
 * (uvmsim_pmap_dump).
 *
 * The walk is the glue's: from the root down, every valid entry of every
 * table, indented by level, with the range of addresses it covers, its
 * raw value in the PTE's own width and the frame it points at.  What the
 * bits mean is the backend's: po_pte_str names them in the
 * architecture's own words (x86's "P RW US", AArch64's "AF AP=..", ...),
 * so that a student reads the table as the hardware manual draws it.  The
 * root entries a user pmap shares with the kernel's are printed once,
 * marked, and not followed: they are the kernel's tables.
 *
 * Like a probe, a dump is an observation: no lock, no event, no accessed
 * or dirty bit set, no walk cache.
 */
#include <inttypes.h>
#include <stdio.h>

#include "pmap_impl.h"

static void
dump_table(struct uvmsim_machine *m, struct pmap_sim *ps, struct pmap *pm,
    struct vm_page *ptp, unsigned level, vaddr_t base, FILE *fp)
{
	const struct pmap_sim_arch *a = ps->ps_arch;
	unsigned idx, kfirst, klast, width = a->pa_pte_bytes * 2;
	struct vm_page *pg;
	char bits[128];
	uint64_t e;
	vaddr_t va, last;

	if (!ps->ps_ops->po_kernel_slots(ps, &kfirst, &klast))
		klast = 0, kfirst = 1;
	for (idx = 0; idx < ps->ps_nidx[level]; idx++) {
		e = pmap_pte_get(ps, pmap_pte_ptr(m, ps, ptp, idx));
		if ((e & ps->ps_v) == 0)
			continue;
		va = level == a->pa_levels ? pmap_root_va(ps, pm, idx) :
		    base | ((vaddr_t)idx << ps->ps_shift[level]);
		last = va + (((vaddr_t)1 << ps->ps_shift[level]) - 1);
		ps->ps_ops->po_pte_str(ps, level, e, bits, sizeof(bits));
		fprintf(fp, "%*sL%u[%3u] 0x%016" PRIx64 "-0x%016" PRIx64
		    "  0x%0*" PRIx64 " -> pa %#" PRIx64 "  %s",
		    (int)(2 * (a->pa_levels - level)), "", level, idx,
		    (uint64_t)va, (uint64_t)last, (int)width, e,
		    (uint64_t)pmap_pte_pa(ps, e), bits);
		if (level == a->pa_levels && idx >= kfirst && idx <= klast &&
		    !pm->pm_kernel) {
			fprintf(fp, "  (the kernel's)\n");
			continue;
		}
		pg = uvmsim__pa_page(m, pmap_pte_pa(ps, e));
		if (level > 1 && pg != NULL)
			fprintf(fp, "  (page %zu)", (size_t)(pg - m->pages));
		fputc('\n', fp);
		if (level > 1 && pg != NULL && (pg->pqflags & PQ_FREE) == 0)
			dump_table(m, ps, pm, pg, level - 1, va, fp);
	}
}

/*
 * uvmsim__pmap_dump: print pm's page tables to fp.
 *
 * => pm is a live pmap of m.
 */
void
uvmsim__pmap_dump(struct uvmsim_machine *m, struct pmap *pm, FILE *fp)
{
	struct pmap_sim *ps = m->pmap_sim;
	const struct pmap_sim_arch *a = ps->ps_arch;

	fprintf(fp, "pmap %u (%s%s): %u levels, %u-byte PTEs, %zu-byte "
	    "pages, root page %zu at pa %#" PRIx64 "\n", pm->pm_id,
	    a->pa_name, pm->pm_kernel ? ", the kernel's" : "", a->pa_levels,
	    a->pa_pte_bytes, ps->ps_pgbytes,
	    (size_t)(pm->pm_root - m->pages),
	    (uint64_t)pm->pm_root->phys_addr);
	dump_table(m, ps, pm, pm->pm_root, a->pa_levels, 0, fp);
}
