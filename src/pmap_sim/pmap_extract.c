/*
 * pmap_extract.c: what the page tables map, looked up without changing
 * them: pmap_extract, and uvmsim__pmap_mapped, the same question for the
 * neighbourhood of a fault, which 1.6's uvm_fault asks of each
 * neighbour with pmap_extract before it maps one.
 *
 * A lookup walks the tables (or follows the pmap's walk cache) and
 * touches no accessed or dirty bit, no TLB and no lock: the pmap layer
 * has none of its own (pmap.c's essay).
 */
#include "pmap_impl.h"

/*
 * pmap_extract: the physical address va maps to in pm.
 *
 * => FALSE when nothing is mapped there.  Touches no accessed bit.
 */
boolean_t
pmap_extract(pmap_t pm, vaddr_t va, paddr_t *pap)
{
	struct uvmsim_machine *m = uvmsim__cur();
	struct pmap_sim *ps = uvmsim__pmap_sim(m);
	struct pmap_walk w;

	if (!pmap_va_ok(ps, va))
		return FALSE;
	pmap_walk_pte(m, pm, va, &w);
	if (w.pw_stop != 0 || w.pw_bad)
		return FALSE;
	if (pap != NULL)
		*pap = pmap_pte_pa(ps, w.pw_pte) | (va & (ps->ps_pgbytes - 1));
	return TRUE;
}

/*
 * uvmsim__pmap_mapped: which of the n pages from va pm maps (bit i for
 * va + i pages; n <= 32), as n calls of pmap_extract would say.  For the
 * neighbourhood of a fault: one walk, then the entries of the leaf table
 * one after another (a walk again where the range enters another table).
 */
uint32_t
uvmsim__pmap_mapped(struct pmap *pm, vaddr_t va, int n)
{
	struct uvmsim_machine *m = uvmsim__cur();
	struct pmap_sim *ps = uvmsim__pmap_sim(m);
	const struct pmap_sim_arch *a = ps->ps_arch;
	const struct pmap_wcache *wc = &pm->pm_wc;
	const uint64_t v = ps->ps_v, amask = a->pa_addr_mask;
	const uint64_t base = m->phys_base >> m->pageshift, nf = m->npages;
	const unsigned pteb = a->pa_pte_bytes, pfnsh = a->pa_pfn_shift;
	const unsigned nent = (unsigned)ps->ps_idxmask[1] + 1;
	const bool be = a->pa_big_endian;
	const size_t pb = ps->ps_pgbytes;
	const uint8_t *p;
	struct vm_page *ptp;
	struct pmap_walk w;
	uint32_t mask = 0;
	uint64_t e;
	unsigned idx;
	int i, j, run;

	KASSERT(n >= 0 && n <= 32);
	for (i = 0; i < n; i += run, va += (vaddr_t)run * pb) {
		/* The run of pages in one leaf table, from its walk
		 * cache's path or a walk. */
		idx = pmap_index(ps, va, 1);
		run = n - i < (int)(nent - idx) ? n - i : (int)(nent - idx);
		if (!pmap_va_ok(ps, va))
			continue;
		if (wc->wc_gen == ps->ps_ptpgen &&
		    wc->wc_tag == va >> ps->ps_wcshift)
			ptp = wc->wc_ptp[1];
		else {
			uvmsim__pmap_walk_fill(m, pm, va, &w);
			if (w.pw_bad > 1 || w.pw_stop > 1)
				continue;	/* no leaf table */
			ptp = w.pw_ptp[1];
		}
		p = pmap_pte_ptr(m, ps, ptp, idx);
		/* (valid, and a frame of the machine: a walk's leaf) */
		if (pteb == 8 && !be) {
			/* The usual PTE, read without a test per entry; the
			 * frame's range test on the PTE's address field as it
			 * stands (its low pfnsh bits are clear). */
			const uint64_t lo = base << pfnsh, span = nf << pfnsh;
			const uint8_t *end = p + (size_t)run * 8;
			uint32_t bit = (uint32_t)1 << i;

			for (; p < end; p += 8, bit <<= 1) {
				e = pmap_pte_read(p, 8, false);
				if ((e & v) != 0 && (e & amask) - lo < span)
					mask |= bit;
			}
			continue;
		}
		for (j = 0; j < run; j++) {
			e = pmap_pte_read(p + (size_t)j * pteb, pteb, be);
			if ((e & v) != 0 && ((e & amask) >> pfnsh) - base < nf)
				mask |= (uint32_t)1 << (i + j);
		}
	}
	return mask;
}
