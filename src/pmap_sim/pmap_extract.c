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
 * mapped_walk: uvmsim__pmap_mapped for any range: one walk (or the walk
 * cache's path) per leaf table the range enters, then that table's
 * entries one after another.
 */
static uint32_t __attribute__((__noinline__))
mapped_walk(struct uvmsim_machine *m, struct pmap_sim *ps, struct pmap *pm,
    vaddr_t va, int n)
{
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
		for (j = 0; j < run; j++) {
			e = pmap_pte_read(p + (size_t)j * pteb, pteb, be);
			if ((e & v) != 0 && ((e & amask) >> pfnsh) - base < nf)
				mask |= (uint32_t)1 << (i + j);
		}
	}
	return mask;
}

/*
 * uvmsim__pmap_mapped: which of the n pages from va pm maps (bit i for
 * va + i pages; n <= 32), as n calls of pmap_extract would say.  For the
 * neighbourhood of a fault, which lies in the leaf table the MMU's walk
 * of the fault has just put in pm's walk cache: then the n entries of
 * that table are read in a row, with no walk; elsewhere mapped_walk.
 */
uint32_t
uvmsim__pmap_mapped(struct pmap *pm, vaddr_t va, int n)
{
	struct uvmsim_machine *m = uvmsim__cur();
	struct pmap_sim *ps = uvmsim__pmap_sim(m);
	const struct pmap_wcache *wc = &pm->pm_wc;
	const struct pmap_sim_arch *a;
	unsigned idx = pmap_index(ps, va, 1), pteb, pfnsh;
	const uint8_t *p;
	uint64_t v, amask, lo, span, base, nf, e;
	uint32_t mask;
	bool be;
	int j;

	KASSERT(n >= 0 && n <= 32);
	if (__predict_false(idx + (unsigned)n > ps->ps_nidx[1] ||
	    wc->wc_gen != ps->ps_ptpgen ||
	    wc->wc_tag != va >> ps->ps_wcshift || !pmap_va_ok(ps, va)))
		return mapped_walk(m, ps, pm, va, n);
	/* Each entry valid, and a frame of the machine, as a walk's leaf:
	 * the range test on the PTE's address field as it stands (its bits
	 * below the frame number clear). */
	a = ps->ps_arch;
	v = ps->ps_v;
	amask = a->pa_addr_mask;
	p = pmap_pte_ptr(m, ps, wc->wc_ptp[1], idx);
	mask = 0;
	if (ps->ps_pte_le64) {
		/* The usual PTE, read with constants. */
		lo = ps->ps_pte_lo;
		span = ps->ps_pte_span;
		for (j = 0; j < n; j++) {
			e = pmap_pte_read(p + (size_t)j * 8, 8, false);
			mask |= (uint32_t)((e & v) != 0 &&
			    (e & amask) - lo < span) << j;
		}
		return mask;
	}
	if (ps->ps_pte_le32) {
		/* The same for 4-byte PTEs (i386, MIPS). */
		lo = ps->ps_pte_lo;
		span = ps->ps_pte_span;
		for (j = 0; j < n; j++) {
			e = pmap_pte_read(p + (size_t)j * 4, 4, false);
			mask |= (uint32_t)((e & v) != 0 &&
			    (e & amask) - lo < span) << j;
		}
		return mask;
	}
	pteb = a->pa_pte_bytes;
	pfnsh = a->pa_pfn_shift;
	be = a->pa_big_endian;
	base = m->phys_base >> m->pageshift;
	nf = m->npages;
	for (j = 0; j < n; j++) {
		e = pmap_pte_read(p + (size_t)j * pteb, pteb, be);
		mask |= (uint32_t)((e & v) != 0 &&
		    ((e & amask) >> pfnsh) - base < nf) << j;
	}
	return mask;
}
