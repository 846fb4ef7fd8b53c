/*
 * pmap_ptp.c: the pmap layer's page-table pages and walks: the half of
 * the glue that knows the shape of the tables (levels, index bits, PTE
 * size, byte order) but not what a mapping means (pmap.c).  The layer's
 * creation and teardown are pmap_boot.c's.
 *
 * A page-table page (PTP) comes from the VM system through the
 * pmap_sim_uvm given at creation (uvm_page.c allocates it zeroed, from
 * the kernel's reserve if need be, as NetBSD/x86's pmap_get_ptp does,
 * and wires it once); that, and the trap handler the MMU calls, are the
 * only ways this layer calls up.  pmap.c's essay gives the rest of a
 * PTP's life.  A walk goes from a pmap's root down to a
 * leaf PTE, reading the frames' bytes; the upper entries' rights combine
 * by the backend's po_upper_rights.  uvmsim__pmap_walk_fill caches the
 * path in the pmap's walk cache (struct pmap_wcache, pmap_impl.h);
 * uvmsim__pmap_walk_tables, for observers and the checker, changes
 * nothing.
 *
 * This file calls no other of the layer: the backends, pmap.c and
 * pmap_extract.c call down into it.
 *
 * Locking: as pmap.c: none of its own; uvm_page.c takes the page queue
 * lock around the allocation, wiring and freeing of a PTP when the caller
 * does not hold it.
 */
#include "pmap_impl.h"

/* ---- page-table pages ---- */

/*
 * uvmsim__pmap_ptp_alloc: a zeroed frame for a page table, wired once,
 * from the VM system (pmap_sim_uvm).
 *
 * => page queues locked or not.
 * => NULL when no frame may be had.
 */
struct vm_page *
uvmsim__pmap_ptp_alloc(struct uvmsim_machine *m)
{
	struct pmap_sim *ps = m->pmap_sim;
	struct vm_page *ptp;

	if ((ptp = ps->ps_uvm->pu_ptp_alloc(m)) != NULL &&
	    ++ps->ps_nptp > ps->ps_nptp_peak)
		ps->ps_nptp_peak = ps->ps_nptp;
	return ptp;
}

/*
 * uvmsim__pmap_ptp_free: free an empty page table.
 *
 * => unhooked from its parent; every entry zero (wire_count 1).
 * => every pmap's walk cache entry goes void: a path through this table
 *	may be cached, in its own pmap or (a kernel table) in any.
 */
void
uvmsim__pmap_ptp_free(struct uvmsim_machine *m, struct vm_page *ptp)
{
	KASSERT(ptp->wire_count == 1);
	KASSERT(m->pmap_sim->ps_nptp > 0);
	m->pmap_sim->ps_ptpgen++;
	m->pmap_sim->ps_nptp--;
	m->pmap_sim->ps_uvm->pu_ptp_free(m, ptp);
}

/* ---- walks ---- */

/*
 * walk_upper: the walk from pm's root down to the leaf table of va.
 *
 * => fills w's pw_ptp/pw_idx for the levels above the leaf, and pw_stop
 *	and pw_bad when it stops at one of them (an invalid entry, or one
 *	pointing outside memory).
 * => returns true when it reached the leaf table: its frame index in
 *	*framep, the rights the upper entries allow in *accp.
 */
static inline bool
walk_upper(struct uvmsim_machine *m, const struct pmap_sim *ps,
    const struct pmap *pm, vaddr_t va, struct pmap_walk *w,
    uint64_t *framep, uint32_t *accp)
{
	const struct pmap_sim_arch *a = ps->ps_arch;
	/*
	 * The walk is a chain of dependent loads, one per level, so each
	 * step keeps to frame numbers (a table's bytes lie at frames +
	 * frame * pagesize) and leaves the vm_page pointers aside.  The
	 * facts it needs are read into locals first: the stores into *w
	 * could alias them, and the compiler would read them again at every
	 * level.  The backends' pages are the machine's (pmap init checks
	 * it), so a PTE's frame number less the first frame's is the frame
	 * index.
	 */
	const uint64_t valid = ps->ps_v, amask = a->pa_addr_mask;
	const unsigned pfnshift = a->pa_pfn_shift, pageshift = m->pageshift;
	const unsigned ptebytes = a->pa_pte_bytes;
	const bool be = a->pa_big_endian;
	const uint64_t basepfn = m->phys_base >> pageshift;
	const uint64_t npages = m->npages;
	const uint8_t *const frames = m->frames;
	struct vm_page *const pages = m->pages;
	uint64_t frame = (uint64_t)(pm->pm_root - pages), e;
	uint64_t all = ~(uint64_t)0, any = 0;	/* AND, OR of upper entries */
	uint32_t acc = TLB_R | TLB_W | TLB_X | TLB_U;
	unsigned lvl, idx;

	for (lvl = a->pa_levels; lvl > 1; lvl--) {
		idx = pmap_index(ps, va, lvl);
		w->pw_ptp[lvl] = &pages[frame];
		w->pw_idx[lvl] = idx;
		e = pmap_pte_read(frames + (frame << pageshift) +
		    (size_t)idx * ptebytes, ptebytes, be);
		if ((e & valid) == 0) {
			w->pw_stop = lvl;
			return false;
		}
		frame = ((e & amask) >> pfnshift) - basepfn;
		if (frame >= npages) {	/* (below the first, too) */
			w->pw_bad = (int)lvl;
			w->pw_stop = lvl;
			return false;
		}
		all &= e;
		any |= e;
	}
	/* Upper entries, if any, restrict the leaf as the backend says.
	 * Global and dirty are the leaf's alone. */
	if (a->pa_levels > 1)
		acc = ps->ps_ops->po_upper_rights(ps, all, any);
	acc |= TLB_G | TLB_D;
	*framep = frame;
	*accp = acc;
	return true;
}

/*
 * uvmsim__pmap_walk_tables: walk pm's tables for va from the root,
 * changing nothing, the walk cache included.
 *
 * => va canonical.
 * => w->pw_stop is 0 with the leaf in pw_pte when va is mapped, else the
 *	level whose entry is invalid; pw_ptp/pw_idx name the table and entry
 *	at each level down to there.  pw_bad names a level whose entry points
 *	outside memory (the walk stops there).
 */
void
uvmsim__pmap_walk_tables(struct uvmsim_machine *m, struct pmap *pm,
    vaddr_t va, struct pmap_walk *w)
{
	const struct pmap_sim *ps = m->pmap_sim;
	uint64_t frame;
	uint32_t acc;

	pmap_walk_start(w);
	if (walk_upper(m, ps, pm, va, w, &frame, &acc))
		pmap_walk_leaf(m, ps, &m->pages[frame], va, acc, w, true);
}

/*
 * uvmsim__pmap_walk_fill: the walk of pmap_walk_pte (pmap_impl.h), and of
 * a backend's TLB miss, when pm's walk cache does not cover va: from the
 * root, caching the path to the leaf table when it gets there.
 */
void
uvmsim__pmap_walk_fill(struct uvmsim_machine *m, struct pmap *pm, vaddr_t va,
    struct pmap_walk *w)
{
	const struct pmap_sim *ps = m->pmap_sim;
	struct pmap_wcache *wc = &pm->pm_wc;
	uint64_t frame;
	uint32_t acc;
	unsigned lvl;

	pmap_walk_start(w);
	if (!walk_upper(m, ps, pm, va, w, &frame, &acc))
		return;
	if (ps->ps_arch->pa_levels > 1) {
		/* (a one-level format has no upper levels to cache: its
		 * entry stays void, wc_gen 0) */
		wc->wc_gen = ps->ps_ptpgen;
		wc->wc_tag = va >> ps->ps_wcshift;
		wc->wc_acc = acc;
		for (lvl = 2; lvl <= ps->ps_arch->pa_levels; lvl++) {
			wc->wc_ptp[lvl] = w->pw_ptp[lvl];
			wc->wc_idx[lvl] = w->pw_idx[lvl];
		}
		wc->wc_ptp[1] = &m->pages[frame];
	}
	pmap_walk_leaf(m, ps, &m->pages[frame], va, acc, w, true);
}


/*
 * uvmsim__pmap_walk_upper: walk_upper for the checker, which compares its
 * answer with a pmap's walk cache.
 */
bool
uvmsim__pmap_walk_upper(struct uvmsim_machine *m, const struct pmap *pm,
    vaddr_t va, struct pmap_walk *w, uint64_t *framep, uint32_t *accp)
{
	return walk_upper(m, m->pmap_sim, pm, va, w, framep, accp);
}
