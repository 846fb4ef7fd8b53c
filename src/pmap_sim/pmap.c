/*
 * pmap.c: the machine-independent pmap glue: pmap(9) over a backend's
 * page-table format, pv lists, referenced and modified attributes,
 * wiring and statistics, pending invalidations.  Page-table pages, walks
 * and the layer's creation are in pmap_ptp.c, its checks in
 * pmap_check.c, the backends' functions in pmap_<arch>.c.
 *
 * Page tables live in simulated frames.  A pmap is a tree of page-table
 * pages (PTPs) written in the backend's format (struct pmap_sim_arch), so
 * a student can dump raw PTEs and the MMU (mmu.c) walks what was written
 * here.  The glue keeps pv lists, attributes, wiring, statistics,
 * page-table pages and pending invalidations; it makes and decodes PTEs
 * through the backend's operations (struct pmap_sim_ops, pmap_sim.h) and
 * reads the accessed, dirty, wired and managed bits at the backend's bit
 * positions.  No architecture policy is written in this file.
 *
 * The life of a PTP:
 *
 *   allocated  uvm_pagealloc(zeroed, may use the kernel's reserve, as
 *              NetBSD/x86's pmap_get_ptp does), unbusied, wired once
 *              under the page queue lock: it counts in uvmexp.wired and
 *              sits on no queue, owned by nobody.
 *   in use     hooked into its parent's entry.  wire_count is
 *              1 + its valid entries, as NetBSD/x86 keeps it.
 *   freed      when its last entry goes (wire_count back to 1) it is
 *              unhooked from its parent, which loses an entry in turn,
 *              and uvm_pagefree'd under the page queue lock.  The root and
 *              the kernel's boot-time tables below the root are never
 *              freed this way; a root goes with its pmap.
 *
 * The kernel pmap is made at boot with its root and the tables below the
 * root entries of the kernel's range.  Where the backend shares those
 * entries with user roots (po_kernel_slots; x86-64 does, as NetBSD/amd64
 * does), every user pmap copies them into its own root, so kernel
 * addresses translate through any pmap and a kernel mapping entered
 * later is seen by every pmap at once; where the kernel has a root of its
 * own (AArch64's TTBR1), the MMU walks it for kernel addresses.
 *
 * The life of a mapping (a valid leaf PTE):
 *
 *   managed    made by pmap_enter: the frame's pv list has one entry
 *              (pmap, va) for it and the PTE carries the backend's
 *              "managed" software bit.  When it goes, its PTE's accessed
 *              and dirty bits are folded into the page's mdpg_attrs.
 *   unmanaged  made by pmap_kenter_pa: kernel, wired, no pv.
 *
 * A change that lowers or removes a mapping is in the page tables at once
 * but reaches the TLBs only at pmap_update(), which shoots the pending
 * invalidations down on every CPU whose TLB may hold the pmap's entries
 * (pm_active: where it runs, and with ASIDs where it ran; the kernel
 * pmap: every CPU; pmap_tlb.c).  pmap_page_protect, pmap_clear_modify and
 * pmap_clear_reference invalidate the TLB entries at once: their callers
 * of the seed's era do not call pmap_update after them.
 *
 * Invariants (checked by uvmsim__check_pmap in pmap_check.c, names in
 * brackets):
 *   1. every valid leaf PTE with the managed bit maps a frame of the
 *      machine that has exactly one pv entry (pmap, va); every pv entry has
 *      such a PTE; mdpg_npv is the length of the page's list; an unmanaged
 *      mapping has no pv entry.  [pmap.pv]
 *   2. pm_resident is the number of valid leaf PTEs in the pmap's own
 *      range (user or kernel), pm_wired the number of those wired.
 *      [pmap.counts]
 *   3. a PTP's wire_count is 1 + its valid entries; no PTP but a root or a
 *      kernel boot-time table is empty.  [pmap.ptp]
 *   4. no PTE points outside memory or at a free frame.  [pmap.pte]
 *   5. every user root holds the kernel root's shared entries
 *      (po_kernel_slots).  [pmap.kernel]
 *   6. pm_cpus of a user pmap is the set of CPUs whose active pmap it is,
 *      and pm_active holds it; a live pmap has references.
 *      [pmap.active]
 *   7. a valid TLB entry grants no more than its current PTE (same frame,
 *      no right the PTE lacks, dirty only if the PTE is), unless an
 *      invalidation covering it is pending for its pmap; a CPU holds
 *      non-global entries of its active pmap only, or with ASIDs of
 *      pmaps whose pm_active holds it, tagged with their ASIDs.
 *      [tlb.stale, tlb.asid, mmu.c; pmap.asid, pmap_tlb.c]
 *   8. a pmap's live walk cache entry names the path to a leaf table
 *      that its tables hold, and the rights of the upper entries on it
 *      (struct pmap_wcache, pmap_impl.h).  [pmap.wcache]
 *   9. a page with a managed mapping that allows writing has
 *      PMAP_ATTR_WMAP in mdpg_attrs.  The bit is set when pmap_enter
 *      makes such a mapping and cleared when pmap_page_protect takes
 *      every right to write away, so that pmap_page_protect(pg,
 *      VM_PROT_READ) on a page nobody may write (a page lent over and
 *      over) walks no pv list.  [pmap.wmap]
 *  10. a leaf PTE that lets the hardware write without a fault (TLB_D)
 *      records the page modified (po_pte_attrs): where modified is
 *      emulated (AArch64's AP[2]), a clean or write-protected mapping is
 *      never writable in hardware.  [pmap.hwwrite]
 *
 * Locking: NetBSD's pmap had locks of its own; in the simulator one thread
 * runs, so the pmap takes none.  It takes none of UVM's locks either
 * (callers hold object, anon and page queue locks in various orders),
 * except the page queue lock around the allocation, wiring and freeing of
 * page-table pages, and only when the caller does not already hold it.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "pmap_impl.h"

/* ---- the layer ---- */

void
uvmsim__pmap_nosim(struct uvmsim_machine *m)
{
	uvmsim__panic(m, "pmap: machine has no MMU (arch none)");
}

/* The bytes of a pmap's range: [*minp, *maxp). */
static inline void
pmap_range(const struct pmap_sim *ps, const struct pmap *pm, vaddr_t *minp,
    vaddr_t *maxp)
{
	if (pm->pm_kernel) {
		*minp = ps->ps_arch->pa_kernel_min;
		*maxp = ps->ps_arch->pa_kernel_max;
	} else {
		*minp = ps->ps_arch->pa_user_min;
		*maxp = ps->ps_arch->pa_user_max;
	}
}

static inline size_t
page_bytes(const struct pmap_sim *ps)
{
	return ps->ps_pgbytes;
}

/* ---- pv entries ---- */

/*
 * pv_alloc: a free pv entry, refilling the free list a block at a time.
 *
 * => NULL when the host has no memory for a block.
 */
static struct pv_entry *
pv_alloc(struct pmap_sim *ps)
{
	struct pv_block *pb;
	struct pv_entry *pv;
	size_t i;

	if (ps->ps_pvfree == NULL) {
		/* Not zeroed: an entry's fields are set when it is used;
		 * a free one is read for its link alone. */
		pb = uvmsim__malloc(uvmsim__cur(), sizeof(*pb));
		if (pb == NULL)
			return NULL;
		SLIST_INSERT_HEAD(&ps->ps_pvblocks, pb, pb_list);
		/* Push in reverse so the block hands out in order. */
		for (i = PV_BLOCK; i-- > 0;) {
			pb->pb_pv[i].pv_next = ps->ps_pvfree;
			ps->ps_pvfree = &pb->pb_pv[i];
		}
	}
	pv = ps->ps_pvfree;
	ps->ps_pvfree = pv->pv_next;
	pv->pv_next = NULL;
	return pv;
}

/* pv_free: back on the free list (a free entry is read for its link
 * alone: its other fields are left as they were). */
static void
pv_free(struct pmap_sim *ps, struct pv_entry *pv)
{
	pv->pv_next = ps->ps_pvfree;
	ps->ps_pvfree = pv;
}

/*
 * pv_enter: record the mapping (pm, va) of pg.
 */
static void
pv_enter(struct vm_page *pg, struct pv_entry *pv, struct pmap *pm,
    vaddr_t va, struct vm_page *ptp, u_int idx)
{
	pv->pv_pmap = pm;
	pv->pv_va = va;
	pv->pv_ptp = ptp;
	pv->pv_idx = idx;
	pv->pv_next = pg->mdpage.mdpg_pvh;
	pg->mdpage.mdpg_pvh = pv;
	pg->mdpage.mdpg_npv++;
}

/*
 * pv_remove: take the entry of (pm, va) off pg's list and return it.
 *
 * => the entry must be there (a missing one is pmap corruption: panic).
 */
static struct pv_entry *
pv_remove(struct uvmsim_machine *m, struct vm_page *pg, struct pmap *pm,
    vaddr_t va)
{
	struct pv_entry **pvp, *pv;

	for (pvp = &pg->mdpage.mdpg_pvh; (pv = *pvp) != NULL;
	    pvp = &pv->pv_next)
		if (pv->pv_pmap == pm && pv->pv_va == va)
			break;
	if (pv == NULL)
		uvmsim__panic(m, "pmap: no pv entry for pmap %u va %#lx on "
		    "page %" PRIu64, pm->pm_id, (unsigned long)va,
		    uvmsim__pgid(m, pg));
	*pvp = pv->pv_next;
	KASSERT(pg->mdpage.mdpg_npv > 0);
	pg->mdpage.mdpg_npv--;
	return pv;
}

/*
 * pv_pte: the bytes of the PTE of a mapping, without a walk.  The leaf
 * table a pv entry names stays while the mapping does: a table page is
 * freed only when its last valid entry goes.
 */
static inline uint8_t *
pv_pte(const struct uvmsim_machine *m, const struct pmap_sim *ps,
    const struct pv_entry *pv)
{
	return pmap_pte_ptr(m, ps, pv->pv_ptp, pv->pv_idx);
}

/* ---- pending invalidations ---- */

static inline void
pending_add(struct pmap *pm, vaddr_t sva, vaddr_t eva)
{
	struct pmap_inval *pi;

	/* The usual: nothing pending (a fault's replaced page after the
	 * last pmap_update). */
	if (pm->pm_ninval == 0) {
		pm->pm_inval[0].pi_sva = sva;
		pm->pm_inval[0].pi_eva = eva;
		pm->pm_ninval = 1;
		return;
	}
	if (pm->pm_ninval == PMAP_INVAL_ALL)
		return;
	pi = &pm->pm_inval[pm->pm_ninval - 1];
	if (sva <= pi->pi_eva && eva >= pi->pi_sva) {
		if (sva < pi->pi_sva)
			pi->pi_sva = sva;
		if (eva > pi->pi_eva)
			pi->pi_eva = eva;
		return;
	}
	if (pm->pm_ninval == PMAP_INVAL_MAX) {
		pm->pm_ninval = PMAP_INVAL_ALL;
		return;
	}
	pi = &pm->pm_inval[pm->pm_ninval++];
	pi->pi_sva = sva;
	pi->pi_eva = eva;
}

bool
uvmsim__pmap_pending(const struct pmap *pm, vaddr_t va)
{
	u_int i;

	if (pm->pm_ninval == PMAP_INVAL_ALL)
		return true;
	for (i = 0; i < pm->pm_ninval; i++)
		if (va >= pm->pm_inval[i].pi_sva && va < pm->pm_inval[i].pi_eva)
			return true;
	return false;
}

/* ---- lowering rights ---- */

/*
 * attrs_fold: a managed PTE of pg changes from opte to npte: the
 * referenced and modified attributes opte recorded and npte does not go
 * into the page's mdpg_attrs, so that lowering a right forgets nothing.
 */
static inline void
attrs_fold(struct pmap_sim *ps, struct vm_page *pg, uint64_t opte,
    uint64_t npte)
{
	pg->mdpage.mdpg_attrs |= ps->ps_ops->po_pte_attrs(ps, opte) &
	    ~ps->ps_ops->po_pte_attrs(ps, npte);
}

/*
 * pte_protect: the leaf PTE pte (of pg) with its rights lowered to prot
 * (read kept): the backend's po_pte_protect where it has one, else the
 * write bit cleared and the no-execute bit set.
 */
static inline uint64_t
pte_protect(struct pmap_sim *ps, struct vm_page *pg, uint64_t pte,
    vm_prot_t prot)
{
	uint64_t npte;

	if (ps->ps_ops->po_pte_protect != NULL) {
		npte = ps->ps_ops->po_pte_protect(ps, pte, prot);
		if (pte & ps->ps_managed)
			attrs_fold(ps, pg, pte, npte);
		return npte;
	}
	npte = pte;
	if ((prot & VM_PROT_WRITE) == 0)
		npte &= ~ps->ps_w;
	if ((prot & VM_PROT_EXECUTE) == 0)
		npte = (npte & ~ps->ps_x) | ps->ps_nx;
	return npte;
}

/* ---- removing mappings ---- */

/*
 * ptp_unref: the leaf table of walk w lost a valid entry: drop its count,
 * and free it if empty, and so on up the tree.
 */
static void
ptp_unref(struct uvmsim_machine *m, struct pmap_sim *ps, struct pmap *pm,
    const struct pmap_walk *w)
{
	unsigned top = ps->ps_arch->pa_levels, lvl;
	struct vm_page *ptp;

	for (lvl = 1;; lvl++) {
		ptp = w->pw_ptp[lvl];
		KASSERT(ptp->wire_count > 1);
		ptp->wire_count--;
		if (ptp->wire_count > 1 || lvl == top ||
		    (pm->pm_kernel && lvl >= top - 1))
			return;
		pmap_pte_set(ps, pmap_pte_ptr(m, ps, w->pw_ptp[lvl + 1],
		    w->pw_idx[lvl + 1]), 0);
		uvmsim__ev(m, UVMSIM_EV_PTP_FREE, pm->pm_id, lvl,
		    uvmsim__pgid(m, ptp), 0);
		uvmsim__pmap_ptp_free(m, ptp);
	}
}

/* A leaf PTE's bytes at p, read and written: one move where PTEs are
 * 8 bytes little-endian, else in the backend's size and order. */
static inline uint64_t
pte_load(const struct pmap_sim *ps, const uint8_t *p)
{
	uint64_t v;

	if (__predict_true(ps->ps_pte_le64)) {
		memcpy(&v, p, 8);
		return le64toh(v);
	}
	return pmap_pte_get(ps, p);
}

static inline void
pte_store(const struct pmap_sim *ps, uint8_t *p, uint64_t pte)
{
	uint64_t v;

	if (__predict_true(ps->ps_pte_le64)) {
		v = htole64(pte);
		memcpy(p, &v, 8);
		return;
	}
	pmap_pte_set(ps, p, pte);
}

/* pte_dropped: pm's counts less the mapping of PTE opte, dropped. */
static inline UVMSIM__ALWAYS_INLINE void
pte_dropped(const struct pmap_sim *ps, struct pmap *pm, uint64_t opte)
{
	pm->pm_resident--;
	if (opte & ps->ps_wired)
		pm->pm_wired--;
}

/*
 * pte_drop: zero the valid leaf PTE opte of pg at p (va's, in pm) and
 * account for it: the page's pv entry and attributes, the pmap's counts.
 * The leaf table's count is left to the caller.  Inline where a loop
 * drops mapping after mapping (pmap_page_protect); pmap_enter, which
 * drops one where it replaces a page, calls pte_drop_enter.
 */
static inline UVMSIM__ALWAYS_INLINE void
pte_drop(struct uvmsim_machine *m, struct pmap_sim *ps, struct pmap *pm,
    vaddr_t va, uint8_t *p, uint64_t opte, struct vm_page *pg)
{
	pte_store(ps, p, 0);
	if (opte & ps->ps_managed) {
		pg->mdpage.mdpg_attrs |= ps->ps_ops->po_pte_attrs(ps, opte);
		pv_free(ps, pv_remove(m, pg, pm, va));
	}
	pte_dropped(ps, pm, opte);
}

/*
 * pte_drop_head: pte_drop where the mapping's pv entry is pv, the head of
 * pg's list (pmap_page_protect takes the mappings from the head): it
 * comes off without the search of pv_remove, which would stop there.
 * le64: the PTE is 8 bytes, little-endian.
 */
static inline UVMSIM__ALWAYS_INLINE void
pte_drop_head(struct pmap_sim *ps, struct pmap *pm, vaddr_t va, uint8_t *p,
    uint64_t opte, struct vm_page *pg, struct pv_entry *pv, const bool le64)
{
	KASSERT(pg->mdpage.mdpg_pvh == pv && pv->pv_pmap == pm &&
	    pv->pv_va == va);
	if (le64)
		pmap_pte_write(p, 8, false, 0);
	else
		pmap_pte_set(ps, p, 0);
	if (opte & ps->ps_managed) {
		pg->mdpage.mdpg_attrs |= pmap_attrs_cached(ps, &ps->ps_dattrs,
		    opte);
		KASSERT(pg->mdpage.mdpg_npv > 0);
		pg->mdpage.mdpg_pvh = pv->pv_next;
		pg->mdpage.mdpg_npv--;
		pv_free(ps, pv);
	}
	pte_dropped(ps, pm, opte);
}

static void __attribute__((__noinline__))
pte_drop_enter(struct uvmsim_machine *m, struct pmap_sim *ps, struct pmap *pm,
    vaddr_t va, uint8_t *p, uint64_t opte, struct vm_page *pg)
{
	pte_drop(m, ps, pm, va, p, opte, pg);
}

/* pte_drop of the leaf of walk w, which reached a valid leaf. */
static inline void
pte_drop_walk(struct uvmsim_machine *m, struct pmap_sim *ps, struct pmap *pm,
    vaddr_t va, const struct pmap_walk *w)
{
	KASSERT(w->pw_stop == 0);
	pte_drop(m, ps, pm, va, pmap_pte_ptr(m, ps, w->pw_ptp[1],
	    w->pw_idx[1]), w->pw_pte, w->pw_pg);
}

/*
 * remove_range: remove every mapping of pm in [sva, eva).
 *
 * => the range lies in pm's range; sva and eva page aligned.
 * => kremove: only unmanaged mappings may be found (pmap_kremove).
 * => returns how many mappings went.  Records no invalidation.
 */
static long
remove_range(struct uvmsim_machine *m, struct pmap_sim *ps, struct pmap *pm,
    vaddr_t sva, vaddr_t eva, bool kremove)
{
	struct pmap_walk w;
	vaddr_t va, next;
	long n = 0;

	KASSERT(sva <= eva);
	for (va = sva; va < eva; va = next) {
		pmap_walk_pte(m, pm, va, &w);
		if (w.pw_bad)
			uvmsim__panic(m, "pmap: pmap %u: entry at level %d "
			    "for va %#lx points outside memory", pm->pm_id,
			    w.pw_bad, (unsigned long)va);
		if (w.pw_stop != 0) {
			/* Nothing below this entry: skip all it covers. */
			next = (va | (((vaddr_t)1 << ps->ps_shift[w.pw_stop])
			    - 1)) + 1;
		} else {
			if (kremove && (w.pw_pte & ps->ps_managed))
				uvmsim__panic(m, "pmap_kremove: va %#lx is a "
				    "managed mapping (use pmap_remove)",
				    (unsigned long)va);
			pte_drop_walk(m, ps, pm, va, &w);
			ptp_unref(m, ps, pm, &w);
			n++;
			next = va + page_bytes(ps);
		}
		if (next <= va)		/* wrapped at the top */
			break;
	}
	return n;
}

/* ---- entering mappings ---- */

/*
 * enter_gen: map pg at va in pm with prot, in every case: the body of
 * pmap_kenter_pa, and of pmap_enter where enter_managed's usual case
 * does not hold (a walk from the root, a table to make, the same page
 * again, an unmanaged mapping to replace).  Out of line: it keeps what
 * those cases need off pmap_enter's usual path.
 *
 * Where pm's walk cache covers va (a fault's page and its neighbours,
 * after the MMU's walk of the fault filled it), the leaf table is there
 * (invariant [pmap.wcache]) and only va's leaf PTE is read: the upper
 * path matters only where a table must be made, which a walk from the
 * root finds out.
 *
 * => flags: PMAP_WIRED, PMAP_CANFAIL, access type in VM_PROT_ALL.
 * => managed: a pv entry is kept (pmap_enter) or not (pmap_kenter_pa).
 * => returns 0, or ENOMEM (PMAP_CANFAIL only) with nothing changed.
 */
static int __attribute__((__noinline__))
enter_gen(struct uvmsim_machine *m, struct pmap_sim *ps, struct pmap *pm,
    vaddr_t va, struct vm_page *pg, vm_prot_t prot, int flags, bool managed,
    const char *who)
{
	const struct pmap_wcache *wc = &pm->pm_wc;
	struct vm_page *newptp[PMAP_SIM_MAXLEVELS];
	struct vm_page *ptp, *opg;
	struct pv_entry *pv = NULL;
	struct pmap_walk w;
	unsigned need, i, lvl, idx;
	vm_prot_t access = flags & VM_PROT_ALL;
	bool wired = (flags & PMAP_WIRED) != 0, same;
	uint64_t opte, npte, frame;
	unsigned attrs = 0;
	uint8_t *p;

	KASSERT((prot & (flags & VM_PROT_ALL)) == (flags & VM_PROT_ALL));
	if (__predict_true(wc->wc_gen == ps->ps_ptpgen &&
	    wc->wc_tag == va >> ps->ps_wcshift)) {
		/* The cached path's leaf table: va's entry alone. */
		need = 0;
		ptp = wc->wc_ptp[1];
		idx = pmap_index(ps, va, 1);
		p = pmap_pte_ptr(m, ps, ptp, idx);
		opte = pmap_pte_get(ps, p);
		opg = NULL;
		if (opte & ps->ps_v) {
			frame = ((opte & ps->ps_arch->pa_addr_mask) >>
			    ps->ps_arch->pa_pfn_shift) -
			    (m->phys_base >> m->pageshift);
			if (__predict_false(frame >= m->npages))
				uvmsim__panic(m, "%s: pmap %u: entry at level "
				    "%d for va %#lx points outside memory", who,
				    pm->pm_id, 1, (unsigned long)va);
			opg = &m->pages[frame];
		} else
			opte = 0;
	} else {
		/* From the root (filling the walk cache where the leaf table
		 * is there): a table may be missing. */
		uvmsim__pmap_walk_fill(m, pm, va, &w);
		if (w.pw_bad)
			uvmsim__panic(m, "%s: pmap %u: entry at level %d for "
			    "va %#lx points outside memory", who, pm->pm_id,
			    w.pw_bad, (unsigned long)va);
		need = w.pw_stop > 1 ? w.pw_stop - 1 : 0;
		opte = w.pw_stop == 0 ? w.pw_pte : 0;
		opg = w.pw_pg;
		ptp = NULL;		/* (set below, once the tables are in) */
		idx = 0;
		p = NULL;
	}
	same = opte != 0 && opg == pg &&
	    ((opte & ps->ps_managed) != 0) == managed;
	/* What the page is known to have had done to it (a format that
	 * emulates referenced and modified builds the PTE from it). */
	if (managed)
		attrs = pg->mdpage.mdpg_attrs |
		    (same ? ps->ps_ops->po_pte_attrs(ps, opte) : 0);
	npte = ps->ps_ops->po_pte_make(ps, VM_PAGE_TO_PHYS(pg), prot, access,
	    (pm->pm_kernel ? PMAP_SIM_PTE_KERNEL : 0) |
	    (wired ? PMAP_SIM_PTE_WIRED : 0) |
	    (managed ? PMAP_SIM_PTE_MANAGED : 0) |
	    ((attrs & PMAP_ATTR_REF) ? PMAP_SIM_PTE_REF : 0) |
	    ((attrs & PMAP_ATTR_MOD) ? PMAP_SIM_PTE_MOD : 0));
	/* (a PTE made without VM_PROT_WRITE in prot allows no writing:
	 * po_pte_make never grants more than prot) */
	if (managed && (prot & VM_PROT_WRITE) &&
	    (pmap_pte_prot(ps, npte) & VM_PROT_WRITE))
		pg->mdpage.mdpg_attrs |= PMAP_ATTR_WMAP;	/* [pmap.wmap] */
	if (same) {
		/* The same page: new rights and wiring; the referenced and
		 * modified attributes stay (in the PTE, or in the page where
		 * the new PTE cannot say them). */
		if (ps->ps_ops->po_pte_remap == NULL)
			npte |= opte & (ps->ps_a | ps->ps_d);
		else {
			npte = ps->ps_ops->po_pte_remap(ps, opte, npte);
			if (managed)
				attrs_fold(ps, pg, opte, npte);
		}
		if (npte == opte)
			return 0;	/* already as asked */
	}

	/* First whatever can fail, so that a failure changes nothing. */
	if (managed && !same && (pv = pv_alloc(ps)) == NULL) {
		if (flags & PMAP_CANFAIL)
			return ENOMEM;
		uvmsim__panic(m, "%s: no host memory for a pv entry", who);
	}
	if (__predict_false(need > 0)) {
		for (i = 0; i < need; i++) {
			if ((newptp[i] = uvmsim__pmap_ptp_alloc(m)) != NULL)
				continue;
			while (i-- > 0)
				uvmsim__pmap_ptp_free(m, newptp[i]);
			if (pv != NULL)
				pv_free(ps, pv);
			if (flags & PMAP_CANFAIL)
				return ENOMEM;
			uvmsim__panic(m, "%s: out of page-table pages", who);
		}
		/* Hook the new tables in, top down. */
		for (lvl = w.pw_stop, i = 0; i < need; lvl--, i++) {
			pmap_pte_set(ps, pmap_pte_ptr(m, ps, w.pw_ptp[lvl],
			    w.pw_idx[lvl]), ps->ps_ops->po_ptp_make(ps,
			    VM_PAGE_TO_PHYS(newptp[i]), pm->pm_kernel));
			w.pw_ptp[lvl]->wire_count++;
			w.pw_ptp[lvl - 1] = newptp[i];
			w.pw_idx[lvl - 1] = pmap_index(ps, va, lvl - 1);
			uvmsim__ev(m, UVMSIM_EV_PTP_ALLOC, pm->pm_id, lvl - 1,
			    uvmsim__pgid(m, newptp[i]), 0);
		}
	}
	if (p == NULL) {
		ptp = w.pw_ptp[1];
		idx = w.pw_idx[1];
		p = pmap_pte_ptr(m, ps, ptp, idx);
	}

	if (same) {
		if ((opte & ps->ps_wired) && !wired)
			pm->pm_wired--;
		else if ((opte & ps->ps_wired) == 0 && wired)
			pm->pm_wired++;
		if (ps->ps_ops->po_pte_rights(ps, opte) &
		    ~ps->ps_ops->po_pte_rights(ps, npte) & ~(TLB_G | TLB_D))
			pending_add(pm, va, va + page_bytes(ps));
	} else {
		if (opte != 0) {
			/* Another page was there: it goes first. */
			pte_drop_enter(m, ps, pm, va, p, opte, opg);
			ptp->wire_count--;
			pending_add(pm, va, va + page_bytes(ps));
		}
		ptp->wire_count++;
		pm->pm_resident++;
		if (wired)
			pm->pm_wired++;
		if (managed)
			pv_enter(pg, pv, pm, va, ptp, idx);
	}
	pmap_pte_set(ps, p, npte);
	return 0;
}

/* enter's panic for a leaf PTE outside memory, out of line. */
static void __attribute__((__noreturn__, __noinline__))
enter_bad(struct uvmsim_machine *m, struct pmap *pm, vaddr_t va)
{
	uvmsim__panic(m, "pmap_enter: pmap %u: entry at level 1 for va %#lx "
	    "points outside memory", pm->pm_id, (unsigned long)va);
}

/*
 * ptet_make: make ps_ptet[key] and ps_ptetw[key] (pmap_ptet_key) with
 * the backend's po_pte_make, of frame 0: a PTE's frame field is its
 * own (pmap_sim.h), so that the PTE of a frame is this one with
 * pmap_pa_pte's bits of the frame added.  Returns the PTE.
 */
static uint64_t __attribute__((__noinline__))
ptet_make(struct pmap_sim *ps, unsigned key)
{
	vm_prot_t prot = key & VM_PROT_ALL, access = (key >> 3) & VM_PROT_ALL;
	unsigned flags = PMAP_SIM_PTE_MANAGED;
	uint64_t pte;

	KASSERT(key < PMAP_PTET_N);
	if (key & (PMAP_WIRED << 3))
		flags |= PMAP_SIM_PTE_WIRED;
	if (key & (1u << 6))
		flags |= PMAP_SIM_PTE_KERNEL;
	if (key & (PMAP_ATTR_REF << 8))
		flags |= PMAP_SIM_PTE_REF;
	if (key & (PMAP_ATTR_MOD << 8))
		flags |= PMAP_SIM_PTE_MOD;
	pte = ps->ps_ops->po_pte_make(ps, 0, prot, access, flags);
	KASSERT((pte & ps->ps_v) != 0 &&
	    (pte & ps->ps_arch->pa_addr_mask) == 0);
	ps->ps_ptet[key] = pte;
	/* (a PTE made without VM_PROT_WRITE in prot allows no writing:
	 * po_pte_make never grants more than prot) */
	ps->ps_ptetw[key] = (prot & VM_PROT_WRITE) &&
	    (pmap_pte_prot(ps, pte) & VM_PROT_WRITE);
	return pte;
}

/*
 * enter_managed: pmap_enter's body: map pg (at pa) at va in pm with
 * prot, managed.  The usual case, inline: pm's walk cache holds va's
 * leaf table and va has no mapping (a fault's neighbour, a zero fill)
 * or a managed mapping of another page (the copy a copy-on-write or
 * loan break puts where the original was); every other case is
 * enter_gen's.  The PTE comes from ps_ptet (no call), and a replaced
 * mapping's pv entry is the new one's: the same pmap, address, table
 * and entry, off one page's list and onto the other's, the table's and
 * the pmap's counts unchanged.
 *
 * => as enter_gen (managed).
 * => le64: ps_pte_le64, a constant in each of pmap_enter's two copies
 *	(PTEs of 8 bytes, little-endian: one move, an entry's offset a
 *	shift).
 */
static inline UVMSIM__ALWAYS_INLINE int
enter_managed(struct uvmsim_machine *m, struct pmap_sim *ps, struct pmap *pm,
    vaddr_t va, paddr_t pa, struct vm_page *pg, vm_prot_t prot, int flags,
    const bool le64)
{
	struct vm_page *ptp, *opg = NULL;
	struct pv_entry *pv;
	uint64_t opte, npte, frame;
	unsigned idx, key, attrs;
	uint8_t *p;

	/* (flags' access within prot: pmap_enter's check) */
	if (__predict_false(pm->pm_wc.wc_gen != ps->ps_ptpgen ||
	    pm->pm_wc.wc_tag != va >> ps->ps_wcshift ||
	    (prot & ~VM_PROT_ALL) != 0))
		return enter_gen(m, ps, pm, va, pg, prot, flags, true,
		    "pmap_enter");
	ptp = pm->pm_wc.wc_ptp[1];
	idx = pmap_index(ps, va, 1);
	if (le64) {
		p = (uint8_t *)uvmsim__pgdata(m, ptp) + (size_t)idx * 8;
		opte = pmap_pte_read(p, 8, false);
	} else {
		p = pmap_pte_ptr(m, ps, ptp, idx);
		opte = pmap_pte_get(ps, p);
	}
	if (opte & ps->ps_v) {
		frame = ((opte & ps->ps_arch->pa_addr_mask) >>
		    ps->ps_arch->pa_pfn_shift) - ps->ps_pfn0;
		if (__predict_false(frame >= m->npages))
			enter_bad(m, pm, va);
		opg = &m->pages[frame];
		/* The same page, an unmanaged one, or a pv entry to be had
		 * (enter_gen takes one first, refilling the free list, and
		 * frees the old: the host's allocations stay where they
		 * were). */
		if (opg == pg || (opte & ps->ps_managed) == 0 ||
		    ps->ps_pvfree == NULL)
			return enter_gen(m, ps, pm, va, pg, prot, flags, true,
			    "pmap_enter");
	}
	attrs = pg->mdpage.mdpg_attrs;
	key = pmap_ptet_key(prot, flags, pm->pm_kernel, attrs);
	if (__predict_false((npte = ps->ps_ptet[key]) == 0))
		npte = ptet_make(ps, key);
	/* pmap_pa_pte(pa) in a rotation (ps_pa_rot): pa is page aligned,
	 * and what the rotation brings round falls outside the field. */
	npte |= pmap_rotl64(pa, ps->ps_pa_rot) & ps->ps_arch->pa_addr_mask;
	if (ps->ps_ptetw[key])
		pg->mdpage.mdpg_attrs = attrs | PMAP_ATTR_WMAP;	/* [pmap.wmap] */
	if (opg != NULL) {
		/* Another page was there: its mapping goes, its attributes
		 * into the page, its pv entry to pg. */
		opg->mdpage.mdpg_attrs |= pmap_attrs_cached(ps, &ps->ps_rattrs,
		    opte);
		pv = pv_remove(m, opg, pm, va);
		KASSERT(pv->pv_ptp == ptp && pv->pv_idx == idx);
		pv->pv_next = pg->mdpage.mdpg_pvh;
		pg->mdpage.mdpg_pvh = pv;
		pg->mdpage.mdpg_npv++;
		if (opte & ps->ps_wired)
			pm->pm_wired--;
		if (flags & PMAP_WIRED)
			pm->pm_wired++;
		pending_add(pm, va, va + page_bytes(ps));
	} else {
		if (__predict_false((pv = pv_alloc(ps)) == NULL)) {
			if (flags & PMAP_CANFAIL)
				return ENOMEM;
			uvmsim__panic(m, "pmap_enter: no host memory for a pv "
			    "entry");
		}
		ptp->wire_count++;
		pm->pm_resident++;
		if (flags & PMAP_WIRED)
			pm->pm_wired++;
		pv_enter(pg, pv, pm, va, ptp, idx);
	}
	if (le64)
		pmap_pte_write(p, 8, false, npte);
	else
		pmap_pte_set(ps, p, npte);
	return 0;
}

/* check_va's panics, out of line. */
static void __attribute__((__noreturn__, __noinline__))
check_va_fail(struct uvmsim_machine *m, struct pmap_sim *ps, struct pmap *pm,
    vaddr_t va, vsize_t len, const char *who)
{
	vaddr_t min, max;

	pmap_range(ps, pm, &min, &max);
	if (((va | len) & (page_bytes(ps) - 1)) != 0)
		uvmsim__panic(m, "%s: va %#lx or length %#lx not page aligned",
		    who, (unsigned long)va, (unsigned long)len);
	uvmsim__panic(m, "%s: %#lx-%#lx is outside pmap %u's range "
	    "%#lx-%#lx", who, (unsigned long)va,
	    (unsigned long)(va + len), pm->pm_id, (unsigned long)min,
	    (unsigned long)max);
}

/*
 * check_va: panic unless [va, va + len) is page aligned and within pm's
 * range.
 */
static inline void
check_va(struct uvmsim_machine *m, struct pmap_sim *ps, struct pmap *pm,
    vaddr_t va, vsize_t len, const char *who)
{
	vaddr_t min, max;

	pmap_range(ps, pm, &min, &max);
	if (__predict_false(((va | len) & (page_bytes(ps) - 1)) != 0 ||
	    va < min || va > max || len > max - va))
		check_va_fail(m, ps, pm, va, len, who);
}

/*
 * check_page_va: check_va of the one page at va, in one comparison:
 * va - pm_vmin, rotated right by the page shift, is the page's number
 * in pm's range when va is page aligned; its offset in the page, if
 * any, lands in the top bits, and an address below the range wraps to
 * near 2^64, both above pm_vlast (pmap(9)'s calls of one page:
 * pmap_enter's, on every fault).
 */
static inline void
check_page_va(struct uvmsim_machine *m, struct pmap_sim *ps, struct pmap *pm,
    vaddr_t va, const char *who)
{
	if (__predict_false(pmap_rotr64(va - pm->pm_vmin, m->pageshift) >
	    pm->pm_vlast))
		check_va_fail(m, ps, pm, va, page_bytes(ps), who);
}

/*
 * frame_of: the frame at pa, which must be one of the machine's and in
 * use.  pa - phys_base, rotated right by the page shift, is the frame's
 * index when pa is page aligned; an offset in the page lands in the top
 * bits, and an address below the first frame wraps to near 2^64 (the
 * machine's memory ends below 2^64), both npages or more: one
 * comparison for the three tests.
 */
static void __attribute__((__noreturn__, __noinline__))
frame_of_fail(struct uvmsim_machine *m, struct pmap_sim *ps, paddr_t pa,
    const char *who)
{
	struct vm_page *pg;

	if ((pa & (page_bytes(ps) - 1)) != 0)
		uvmsim__panic(m, "%s: pa %#lx not page aligned", who,
		    (unsigned long)pa);
	if ((pg = uvmsim__pa_page(m, pa)) == NULL)
		uvmsim__panic(m, "%s: pa %#lx is not a frame of this machine",
		    who, (unsigned long)pa);
	uvmsim__panic(m, "%s: page %" PRIu64 " (pa %#lx) is free", who,
	    uvmsim__pgid(m, pg), (unsigned long)pa);
}

static inline struct vm_page *
frame_of(struct uvmsim_machine *m, struct pmap_sim *ps, paddr_t pa,
    const char *who)
{
	uint64_t frame = pmap_rotr64(pa - m->phys_base, m->pageshift);

	if (__predict_false(frame >= m->npages ||
	    (m->pages[frame].pqflags & PQ_FREE)))
		frame_of_fail(m, ps, pa, who);	/* (its panics, out of line) */
	return &m->pages[frame];
}

/* ---- referenced and modified ---- */

/*
 * test_bit: the page's attribute, or the bit in any of its PTEs.
 */
static boolean_t
test_bit(struct uvmsim_machine *m, struct pmap_sim *ps, struct vm_page *pg,
    u_int attr)
{
	struct pv_entry *pv;

	if (pg->mdpage.mdpg_attrs & attr)
		return TRUE;
	for (pv = pg->mdpage.mdpg_pvh; pv != NULL; pv = pv->pv_next)
		if (ps->ps_ops->po_pte_attrs(ps, pmap_pte_get(ps,
		    pv_pte(m, ps, pv))) & attr)
			return TRUE;
	return FALSE;
}

/*
 * clear_bit: clear the page's attribute and the bit in each of its PTEs,
 * dropping the TLB entries of the PTEs that had it at once.  Returns
 * whether it was set anywhere.  Out of line: attr_clear answers a page
 * with no mapping (the page daemon's usual page) without its frame.
 */
static __attribute__((__noinline__)) boolean_t
clear_bit(struct uvmsim_machine *m, struct pmap_sim *ps, struct vm_page *pg,
    u_int attr)
{
	struct pv_entry *pv;
	boolean_t was = (pg->mdpage.mdpg_attrs & attr) != 0;
	uint64_t pte, npte;
	uint8_t *p;

	pg->mdpage.mdpg_attrs &= ~attr;
	for (pv = pg->mdpage.mdpg_pvh; pv != NULL; pv = pv->pv_next) {
		p = pv_pte(m, ps, pv);
		pte = pmap_pte_get(ps, p);
		if ((ps->ps_ops->po_pte_attrs(ps, pte) & attr) == 0)
			continue;
		was = TRUE;
		/* The other attribute the PTE records is kept in the page's:
		 * a format may forget it with this one (Alpha sets FOW
		 * again when it clears the reference). */
		pg->mdpage.mdpg_attrs |= ps->ps_ops->po_pte_attrs(ps, pte) &
		    ~attr;
		npte = ps->ps_ops->po_pte_clear_attrs(ps, pte, attr);
		pmap_pte_set(ps, p, npte);
		uvmsim__tlb_inval_all_cpus(m, pv->pv_pmap, pv->pv_va);
	}
	return was;
}

/* ---- pmap(9) ---- */

/*
 * pmap_kernel: the kernel's pmap.
 */
pmap_t
pmap_kernel(void)
{
	return uvmsim__pmap_sim(uvmsim__cur())->ps_kernel;
}

/*
 * pmap_create: a new user pmap, with one reference, its root holding the
 * kernel's root entries.
 *
 * => NULL, with nothing allocated, when the host has no memory for it or
 *	no frame can be had for the root (NetBSD sleeps for one): the
 *	simulator cannot wait, so the caller fails as on any shortage.
 */
pmap_t
pmap_create(void)
{
	struct uvmsim_machine *m = uvmsim__cur();
	struct pmap_sim *ps = uvmsim__pmap_sim(m);
	struct pmap *pm, *kpm = ps->ps_kernel;
	unsigned first, last, idx;
	uint64_t e;

	pm = uvmsim__calloc(m, 1, sizeof(*pm));
	if (pm == NULL)
		return NULL;
	pm->pm_root = uvmsim__pmap_ptp_alloc(m);
	if (pm->pm_root == NULL) {
		uvmsim__free(pm);
		return NULL;
	}
	pm->pm_refcnt = 1;
	pm->pm_id = ++ps->ps_next_id;
	pmap_range_init(ps, pm);
	if (!ps->ps_ops->po_kernel_slots(ps, &first, &last))
		last = 0, first = 1;	/* (the kernel's root is its own) */
	for (idx = first; idx <= last; idx++) {
		e = pmap_pte_get(ps, pmap_pte_ptr(m, ps, kpm->pm_root, idx));
		pmap_pte_set(ps, pmap_pte_ptr(m, ps, pm->pm_root, idx), e);
		if (e & ps->ps_v)
			pm->pm_root->wire_count++;
	}
	TAILQ_INSERT_TAIL(&ps->ps_pmaps, pm, pm_list);
	uvmsim__ev(m, UVMSIM_EV_PMAP_CREATE, pm->pm_id, 0, 0, 0);
	uvmsim__ev(m, UVMSIM_EV_PTP_ALLOC, pm->pm_id, ps->ps_arch->pa_levels,
	    uvmsim__pgid(m, pm->pm_root), 0);
	return pm;
}

/*
 * pmap_reference: add a reference to pm.
 */
void
pmap_reference(pmap_t pm)
{
	struct uvmsim_machine *m = uvmsim__cur();

	(void)uvmsim__pmap_sim(m);
	KASSERT(pm->pm_refcnt > 0);
	pm->pm_refcnt++;
}

/*
 * pmap_destroy: drop a reference; the last destroys the pmap.
 *
 * => as NetBSD's, forgiving: mappings still present are removed, every
 *	page-table page is freed, and a CPU still running on the pmap goes
 *	back to the kernel pmap (with a flush).
 */
void
pmap_destroy(pmap_t pm)
{
	struct uvmsim_machine *m = uvmsim__cur();
	struct pmap_sim *ps = uvmsim__pmap_sim(m);
	unsigned cpu, first, last, idx;
	vaddr_t min, max;

	if (pm->pm_kernel)
		uvmsim__panic(m, "pmap_destroy: the kernel pmap");
	KASSERT(pm->pm_refcnt > 0);
	if (--pm->pm_refcnt > 0)
		return;

	uvmsim__ev(m, UVMSIM_EV_PMAP_DESTROY, pm->pm_id, 0, 0, 0);
	for (cpu = 0; cpu < ps->ps_ncpus; cpu++)
		if (ps->ps_cpus[cpu].pc_pmap == pm)
			uvmsim__pmap_switch(m, cpu, ps->ps_kernel);
	/* Entries a switch left in place (ASIDs) go with the ASID. */
	uvmsim__pmap_tlb_asid_release(m, pm);
	pmap_range(ps, pm, &min, &max);
	remove_range(m, ps, pm, min, max, false);
	KASSERT(pm->pm_resident == 0 && pm->pm_wired == 0);

	/* The root keeps only the kernel's entries now. */
	if (!ps->ps_ops->po_kernel_slots(ps, &first, &last))
		last = 0, first = 1;
	for (idx = first; idx <= last; idx++) {
		if (pmap_pte_get(ps, pmap_pte_ptr(m, ps, pm->pm_root, idx)) &
		    ps->ps_v)
			pm->pm_root->wire_count--;
		pmap_pte_set(ps, pmap_pte_ptr(m, ps, pm->pm_root, idx), 0);
	}
	uvmsim__ev(m, UVMSIM_EV_PTP_FREE, pm->pm_id, ps->ps_arch->pa_levels,
	    uvmsim__pgid(m, pm->pm_root), 0);
	uvmsim__pmap_ptp_free(m, pm->pm_root);
	TAILQ_REMOVE(&ps->ps_pmaps, pm, pm_list);
	uvmsim__free(pm);
}

/*
 * pmap_enter: map the frame at pa at va in pm with prot.
 *
 * => flags & VM_PROT_ALL is the access that caused the call, for the
 *	backend's po_pte_make (x86-64 presets the accessed bit on any
 *	access, the dirty bit on a write, as NetBSD/x86 does).
 * => PMAP_WIRED: a wired mapping.  PMAP_CANFAIL: return ENOMEM rather
 *	than panic when no page-table page can be had, changing nothing.
 * => a mapping of another page at va is removed first; a mapping of the
 *	same page gets the new rights and wiring.  A lowered or replaced
 *	mapping is left to pmap_update to shoot down.
 */
int
pmap_enter(pmap_t pm, vaddr_t va, paddr_t pa, vm_prot_t prot, int flags)
{
	struct uvmsim_machine *m = uvmsim__cur();
	struct pmap_sim *ps = uvmsim__pmap_sim(m);
	struct vm_page *pg;
	int error;

	KASSERT(pm->pm_refcnt > 0);
	if ((flags & VM_PROT_ALL) & ~prot)
		uvmsim__panic(m, "pmap_enter: access type %#x exceeds "
		    "protection %#x", flags & VM_PROT_ALL, prot);
	check_page_va(m, ps, pm, va, "pmap_enter");
	pg = frame_of(m, ps, pa, "pmap_enter");
	if (__predict_true(ps->ps_pte_le64))
		error = enter_managed(m, ps, pm, va, pa, pg, prot, flags, true);
	else
		error = enter_managed(m, ps, pm, va, pa, pg, prot, flags,
		    false);
	if (error != 0)
		return error;
	uvmsim__ev(m, UVMSIM_EV_PMAP_ENTER, pm->pm_id, va, uvmsim__pgid(m, pg),
	    (uint64_t)(prot | flags));
	return 0;
}

/*
 * pmap_kenter_pa: map the frame at pa at kernel address va: wired,
 * global, unmanaged (no pv entry, no attributes).
 */
void
pmap_kenter_pa(vaddr_t va, paddr_t pa, vm_prot_t prot)
{
	struct uvmsim_machine *m = uvmsim__cur();
	struct pmap_sim *ps = uvmsim__pmap_sim(m);
	struct vm_page *pg;

	check_page_va(m, ps, ps->ps_kernel, va, "pmap_kenter_pa");
	pg = frame_of(m, ps, pa, "pmap_kenter_pa");
	(void)enter_gen(m, ps, ps->ps_kernel, va, pg, prot, PMAP_WIRED, false,
	    "pmap_kenter_pa");
	uvmsim__ev(m, UVMSIM_EV_PMAP_KENTER, va, uvmsim__pgid(m, pg),
	    (uint64_t)prot, 0);
}

/*
 * pmap_kremove: remove the kernel mappings of [va, va + len), which must
 * be pmap_kenter_pa's (unmanaged).
 */
void
pmap_kremove(vaddr_t va, vsize_t len)
{
	struct uvmsim_machine *m = uvmsim__cur();
	struct pmap_sim *ps = uvmsim__pmap_sim(m);
	struct pmap *kpm = ps->ps_kernel;

	check_va(m, ps, kpm, va, len, "pmap_kremove");
	uvmsim__ev(m, UVMSIM_EV_PMAP_KREMOVE, va, len, 0, 0);
	if (remove_range(m, ps, kpm, va, va + len, true) > 0)
		pending_add(kpm, va, va + len);
}

/*
 * pmap_remove: remove the mappings of [sva, eva) from pm.
 */
void
pmap_remove(pmap_t pm, vaddr_t sva, vaddr_t eva)
{
	struct uvmsim_machine *m = uvmsim__cur();
	struct pmap_sim *ps = uvmsim__pmap_sim(m);

	KASSERT(pm->pm_refcnt > 0);
	if (eva < sva)
		uvmsim__panic(m, "pmap_remove: end %#lx below start %#lx",
		    (unsigned long)eva, (unsigned long)sva);
	check_va(m, ps, pm, sva, eva - sva, "pmap_remove");
	uvmsim__ev(m, UVMSIM_EV_PMAP_REMOVE, pm->pm_id, sva, eva, 0);
	if (remove_range(m, ps, pm, sva, eva, false) > 0)
		pending_add(pm, sva, eva);
}

/*
 * pmap_protect: lower the rights of the mappings of [sva, eva) to prot.
 *
 * => never raises a right; prot without VM_PROT_READ removes them.
 */
void
pmap_protect(pmap_t pm, vaddr_t sva, vaddr_t eva, vm_prot_t prot)
{
	struct uvmsim_machine *m = uvmsim__cur();
	struct pmap_sim *ps = uvmsim__pmap_sim(m);
	struct pmap_walk w;
	vaddr_t va, next;
	uint64_t npte;
	bool changed = false;

	KASSERT(pm->pm_refcnt > 0);
	if ((prot & VM_PROT_READ) == 0) {
		pmap_remove(pm, sva, eva);
		return;
	}
	if (eva < sva)
		uvmsim__panic(m, "pmap_protect: end %#lx below start %#lx",
		    (unsigned long)eva, (unsigned long)sva);
	check_va(m, ps, pm, sva, eva - sva, "pmap_protect");
	uvmsim__ev(m, UVMSIM_EV_PMAP_PROTECT, pm->pm_id, sva, eva,
	    (uint64_t)prot);
	for (va = sva; va < eva; va = next) {
		pmap_walk_pte(m, pm, va, &w);
		if (w.pw_stop != 0 || w.pw_bad) {
			next = (va | (((vaddr_t)1 <<
			    ps->ps_shift[w.pw_stop ? w.pw_stop : 1]) - 1)) + 1;
		} else {
			npte = pte_protect(ps, w.pw_pg, w.pw_pte, prot);
			if (npte != w.pw_pte) {
				pmap_pte_set(ps, pmap_pte_ptr(m, ps,
				    w.pw_ptp[1], w.pw_idx[1]), npte);
				changed = true;
			}
			next = va + page_bytes(ps);
		}
		if (next <= va)
			break;
	}
	if (changed)
		pending_add(pm, sva, eva);
}

/*
 * page_remove_walk: page_remove's step where the mapping of pm at va is
 * the last valid entry of its leaf table ptp, which goes with it: a walk
 * for the path up (ptp_unref).  Out of line, so that page_remove keeps
 * no walk on its stack.
 */
static void __attribute__((__noinline__))
page_remove_walk(struct uvmsim_machine *m, struct pmap_sim *ps,
    struct pmap *pm, vaddr_t va, struct vm_page *ptp)
{
	struct pmap_walk w;

	pmap_walk_pte(m, pm, va, &w);
	KASSERT(w.pw_stop == 0 && w.pw_ptp[1] == ptp);
	pte_drop_walk(m, ps, pm, va, &w);
	ptp_unref(m, ps, pm, &w);
}

static void __attribute__((__noinline__, __noreturn__))
page_remove_bad(struct uvmsim_machine *m, struct vm_page *pg,
    struct pmap *pm, vaddr_t va)
{
	uvmsim__panic(m, "pmap_page_protect: pv entry pmap %u va %#lx of "
	    "page %" PRIu64 " has no mapping", pm->pm_id, (unsigned long)va,
	    uvmsim__pgid(m, pg));
}

/*
 * page_remove: pmap_page_protect(pg, VM_PROT_NONE)'s work on a page with
 * a mapping: every mapping goes, each taken off the head of the page's
 * pv list.  le64: PTEs of 8 bytes, little-endian (one move, an entry's
 * offset a shift; page_remove_le64); else the backend's size and order.
 */
static inline UVMSIM__ALWAYS_INLINE void
page_remove_body(struct uvmsim_machine *m, struct pmap_sim *ps,
    struct vm_page *pg, const bool le64)
{
	/* (the page's frame number, from its address: no division by a
	 * descriptor's size) */
	const uint64_t pfn = VM_PAGE_TO_PHYS(pg) >> m->pageshift;
	struct pv_entry *pv;
	struct vm_page *ptp;
	struct pmap *pm;
	uint64_t pte;
	uint8_t *p;
	vaddr_t va;

	while ((pv = pg->mdpage.mdpg_pvh) != NULL) {
		/* The PTE where the pv entry says it is (its leaf table
		 * stays while the mapping does); a walk only where the
		 * table empties and goes, for the path up. */
		pm = pv->pv_pmap;
		va = pv->pv_va;
		ptp = pv->pv_ptp;
		if (le64) {
			p = (uint8_t *)uvmsim__pgdata(m, ptp) +
			    (size_t)pv->pv_idx * 8;
			pte = pmap_pte_read(p, 8, false);
		} else {
			p = pv_pte(m, ps, pv);
			pte = pmap_pte_get(ps, p);
		}
		if (__predict_false((pte & ps->ps_v) == 0 ||
		    ((pte & ps->ps_arch->pa_addr_mask) >>
		    ps->ps_arch->pa_pfn_shift) != pfn))
			page_remove_bad(m, pg, pm, va);
		if (__predict_true(ptp->wire_count > 2)) {
			pte_drop_head(ps, pm, va, p, pte, pg, pv, le64);
			ptp->wire_count--;
		} else
			page_remove_walk(m, ps, pm, va, ptp);
		pmap_tlb_inval_all(m, ps, pm, va);
	}
	pg->mdpage.mdpg_attrs &= ~PMAP_ATTR_WMAP;
}

static void __attribute__((__noinline__))
page_remove_le64(struct uvmsim_machine *m, struct pmap_sim *ps,
    struct vm_page *pg)
{
	page_remove_body(m, ps, pg, true);
}

static void __attribute__((__noinline__))
page_remove(struct uvmsim_machine *m, struct pmap_sim *ps,
    struct vm_page *pg)
{
	page_remove_body(m, ps, pg, false);
}

/* pmap_page_protect's work on a page some mapping may write, to
 * read-only: out of line, so that the call that finds nothing to do
 * stays small. */
static void __attribute__((__noinline__))
page_protect(struct uvmsim_machine *m, struct pmap_sim *ps,
    struct vm_page *pg)
{
	struct pv_entry *pv;
	uint64_t pte;
	uint8_t *p;

	for (pv = pg->mdpage.mdpg_pvh; pv != NULL; pv = pv->pv_next) {
		p = pv_pte(m, ps, pv);
		pte = pmap_pte_get(ps, p);
		if ((pmap_pte_prot(ps, pte) & VM_PROT_WRITE) == 0)
			continue;	/* read-only already */
		pmap_pte_set(ps, p, pte_protect(ps, pg, pte,
		    VM_PROT_READ | VM_PROT_EXECUTE));
		uvmsim__tlb_inval_all_cpus(m, pv->pv_pmap, pv->pv_va);
	}
	pg->mdpage.mdpg_attrs &= ~PMAP_ATTR_WMAP;
}

/* pmap_page_protect's steps after its event. */
static inline UVMSIM__ALWAYS_INLINE void
page_protect_cases(struct uvmsim_machine *m, struct vm_page *pg,
    vm_prot_t prot)
{
	/* To read-only when nobody may write it: nothing to do. */
	if ((prot & (VM_PROT_READ | VM_PROT_EXECUTE)) != 0 &&
	    (pg->mdpage.mdpg_attrs & PMAP_ATTR_WMAP) == 0)
		return;
	/* No mapping at all: none to lower or remove (page_protect's
	 * loops would find none). */
	if (pg->mdpage.mdpg_pvh == NULL) {
		pg->mdpage.mdpg_attrs &= ~PMAP_ATTR_WMAP;
		return;
	}
	if ((prot & (VM_PROT_READ | VM_PROT_EXECUTE)) != 0)
		page_protect(m, m->pmap_sim, pg);
	else if (__predict_true(m->pmap_sim->ps_pte_le64))
		page_remove_le64(m, m->pmap_sim, pg);
	else
		page_remove(m, m->pmap_sim, pg);
}

/* pmap_page_protect with its event traced, out of line: the usual call
 * then keeps nothing across a call, and ends in a jump or a return. */
static void __attribute__((__noinline__))
page_protect_traced(struct uvmsim_machine *m, struct vm_page *pg,
    vm_prot_t prot)
{
	uvmsim__ev(m, UVMSIM_EV_PMAP_PAGE_PROTECT, uvmsim__pgid(m, pg),
	    (uint64_t)prot, 0, 0);
	page_protect_cases(m, pg, prot);
}

/*
 * pmap_page_protect: lower the rights of every mapping of pg: to none
 * (remove them all) or to read-only.  Acts on every CPU's TLB at once.
 *
 * => prot with VM_PROT_WRITE changes nothing.
 */
void
pmap_page_protect(struct vm_page *pg, vm_prot_t prot)
{
	struct uvmsim_machine *m = uvmsim__cur();

	uvmsim__page_valid(m, pg, "pmap_page_protect");
	if ((prot & VM_PROT_WRITE) || m->pmap_sim == NULL)
		return;			/* (no MMU: nothing is ever mapped) */
	if (uvmsim__ev_traced(m, UVMSIM_EV_PMAP_PAGE_PROTECT)) {
		page_protect_traced(m, pg, prot);
		return;
	}
	uvmsim__ev_tick(m);	/* uvmsim__ev, the event not traced */
	page_protect_cases(m, pg, prot);
}

/*
 * pmap_update: push pm's pending invalidations to the TLB of every CPU
 * that may hold pm's entries (pm_active: where it runs, and with ASIDs
 * where it ran with its entries left in place; the kernel pmap: every
 * CPU).  "All" flushes the TLB where entries carry no ASID, and drops
 * pm's entries alone where they do.  Most calls find nothing pending;
 * the usual call that finds something (a fault's one page, which the
 * fault dropped from the TLB: pc_absent) is update's and calls no loop;
 * update_gen (the rest) and update_ranges are out of line.
 */
static void __attribute__((__noinline__))
update_ranges(struct uvmsim_machine *m, struct pmap_sim *ps, pmap_t pm)
{
	const struct pmap_inval *pi, *end = pm->pm_inval + pm->pm_ninval;
	unsigned cpu;

	/* (a page whose key a CPU is known not to hold, pc_absent, is
	 * answered by uvmsim__tlb_inval without a search) */
	for (cpu = 0; cpu < ps->ps_ncpus; cpu++) {
		if (!pmap_tlb_may_hold(pm, cpu))
			continue;
		for (pi = pm->pm_inval; pi < end; pi++)
			(void)uvmsim__tlb_inval(m, cpu, pm, pi->pi_sva,
			    pi->pi_eva);
	}
}

/* update_gen: pmap_update of "all", or of ranges other than one page. */
static void __attribute__((__noinline__))
update_gen(struct uvmsim_machine *m, struct pmap_sim *ps, pmap_t pm)
{
	unsigned cpu;

	if (pm->pm_ninval != PMAP_INVAL_ALL) {
		uvmsim__ev(m, UVMSIM_EV_PMAP_UPDATE, pm->pm_id, pm->pm_ninval,
		    0, 0);
		update_ranges(m, ps, pm);
		pm->pm_ninval = 0;
		return;
	}
	uvmsim__ev(m, UVMSIM_EV_PMAP_UPDATE, pm->pm_id, 1, 0, 0);
	/* Every entry: pm's alone where they carry an ASID, else a flush. */
	for (cpu = 0; cpu < ps->ps_ncpus; cpu++) {
		if (!pmap_tlb_may_hold(pm, cpu))
			continue;
		if (ps->ps_asid_max != 0 && !pm->pm_kernel)
			(void)uvmsim__tlb_inval_pmap(m, cpu, pm);
		else
			uvmsim__tlb_flush(m, cpu, pm->pm_kernel);
	}
	pm->pm_ninval = 0;
}

/* update: pmap_update of something pending, out of line (most calls
 * find nothing); one page (a fault's) here, the rest update_gen's. */
static void __attribute__((__noinline__))
update(pmap_t pm)
{
	const struct pmap_inval *pi = &pm->pm_inval[0];
	struct uvmsim_machine *m = uvmsim__cur();
	struct pmap_sim *ps = uvmsim__pmap_sim(m);

	/* (one range: not "all", PMAP_INVAL_ALL) */
	if (__predict_false(pm->pm_ninval != 1 ||
	    pi->pi_eva - pi->pi_sva != ps->ps_pgbytes)) {
		update_gen(m, ps, pm);
		return;
	}
	uvmsim__ev(m, UVMSIM_EV_PMAP_UPDATE, pm->pm_id, 1, 0, 0);
	/* Done if no CPU that may hold the page does. */
	if (!pmap_tlb_absent(ps, pm, (pi->pi_sva >> m->pageshift) |
	    pmap_tlb_tag(ps, pm)))
		update_ranges(m, ps, pm);
	pm->pm_ninval = 0;
}

void
pmap_update(pmap_t pm)
{
	/* Nothing pending (a fault that lowered nothing): done. */
	if (pm->pm_ninval == 0)
		return;
	update(pm);
}

/*
 * attr_test, attr_clear: the bodies of pmap_is_modified and
 * pmap_is_referenced, pmap_clear_modify and pmap_clear_reference, for
 * attribute attr (PMAP_ATTR_MOD: the PTEs' dirty bit; PMAP_ATTR_REF:
 * their accessed bit).  A machine without an MMU never mapped a page.
 */
static boolean_t
attr_test(struct vm_page *pg, u_int attr, const char *who)
{
	struct uvmsim_machine *m = uvmsim__cur_fn(who);
	struct pmap_sim *ps = m->pmap_sim;

	uvmsim__page_valid(m, pg, who);
	if (ps == NULL)
		return FALSE;
	return test_bit(m, ps, pg, attr);
}

static boolean_t
attr_clear(struct vm_page *pg, u_int attr, unsigned ev, const char *who)
{
	struct uvmsim_machine *m = uvmsim__cur_fn(who);
	struct pmap_sim *ps = m->pmap_sim;
	boolean_t was;

	uvmsim__page_valid(m, pg, who);
	if (ps == NULL)
		return FALSE;
	if (pg->mdpage.mdpg_pvh == NULL) {
		/* No PTE to look at: the page's attribute alone. */
		was = (pg->mdpage.mdpg_attrs & attr) != 0;
		pg->mdpage.mdpg_attrs &= ~attr;
	} else
		was = clear_bit(m, ps, pg, attr);
	uvmsim__ev(m, ev, uvmsim__pgid(m, pg), (uint64_t)was, 0, 0);
	return was;
}

/*
 * pmap_is_modified: pg was written through a mapping (attributes saved
 * from mappings gone, or the dirty bit of one still there).
 */
boolean_t
pmap_is_modified(struct vm_page *pg)
{
	return attr_test(pg, PMAP_ATTR_MOD, "pmap_is_modified");
}

/*
 * pmap_is_referenced: pg was used through a mapping.
 */
boolean_t
pmap_is_referenced(struct vm_page *pg)
{
	return attr_test(pg, PMAP_ATTR_REF, "pmap_is_referenced");
}

/*
 * pmap_clear_modify: forget that pg was modified; whether it was.
 */
boolean_t
pmap_clear_modify(struct vm_page *pg)
{
	return attr_clear(pg, PMAP_ATTR_MOD, UVMSIM_EV_PMAP_CLEAR_MOD,
	    "pmap_clear_modify");
}

/*
 * pmap_clear_reference: forget that pg was referenced; whether it was.
 */
boolean_t
pmap_clear_reference(struct vm_page *pg)
{
	return attr_clear(pg, PMAP_ATTR_REF, UVMSIM_EV_PMAP_CLEAR_REF,
	    "pmap_clear_reference");
}

/*
 * pmap_copy_page: copy the frame at src into the frame at dst.
 */
void
pmap_copy_page(paddr_t src, paddr_t dst)
{
	struct uvmsim_machine *m = uvmsim__cur();
	struct pmap_sim *ps = uvmsim__pmap_sim(m);
	struct vm_page *spg, *dpg;

	spg = frame_of(m, ps, src, "pmap_copy_page");
	dpg = frame_of(m, ps, dst, "pmap_copy_page");
	uvmsim__frame_copy(m, dpg, spg);
	uvmsim__ev(m, UVMSIM_EV_PAGE_COPY, uvmsim__pgid(m, spg),
	    uvmsim__pgid(m, dpg), 0, 0);
}

/*
 * pmap_zero_page: fill the frame at pa with zeros.
 */
void
pmap_zero_page(paddr_t pa)
{
	struct uvmsim_machine *m = uvmsim__cur();
	struct pmap_sim *ps = uvmsim__pmap_sim(m);
	struct vm_page *pg;

	pg = frame_of(m, ps, pa, "pmap_zero_page");
	uvmsim__frame_zero(m, pg);
	uvmsim__ev(m, UVMSIM_EV_PAGE_ZERO, uvmsim__pgid(m, pg), 0, 0, 0);
}

/*
 * pmap_unwire: the mapping at va in pm is no longer wired.
 *
 * => va must be mapped (NetBSD panics too).
 */
void
pmap_unwire(pmap_t pm, vaddr_t va)
{
	struct uvmsim_machine *m = uvmsim__cur();
	struct pmap_sim *ps = uvmsim__pmap_sim(m);
	struct pmap_walk w;

	KASSERT(pm->pm_refcnt > 0);
	check_page_va(m, ps, pm, va, "pmap_unwire");
	pmap_walk_pte(m, pm, va, &w);
	if (w.pw_stop != 0 || w.pw_bad)
		uvmsim__panic(m, "pmap_unwire: va %#lx is not mapped in pmap "
		    "%u", (unsigned long)va, pm->pm_id);
	uvmsim__ev(m, UVMSIM_EV_PMAP_UNWIRE, pm->pm_id, va, 0, 0);
	if ((w.pw_pte & ps->ps_wired) == 0)
		return;		/* NetBSD: "wiring didn't change!" */
	pmap_pte_set(ps, pmap_pte_ptr(m, ps, w.pw_ptp[1], w.pw_idx[1]),
	    w.pw_pte & ~ps->ps_wired);
	pm->pm_wired--;
	pending_add(pm, va, va + page_bytes(ps));
}

/*
 * pmap_activate: the current CPU runs p: switch it to p's pmap.
 */
void
pmap_activate(struct proc *p)
{
	struct uvmsim_machine *m = uvmsim__cur();

	(void)uvmsim__pmap_sim(m);
	KASSERT(p != NULL && p->p_vmspace != NULL);
	uvmsim__pmap_switch(m, m->curcpu, p->p_vmspace->vm_map.pmap);
}

/*
 * pmap_deactivate: the current CPU stops running p: back to the kernel
 * pmap alone, if it was on p's.
 */
void
pmap_deactivate(struct proc *p)
{
	struct uvmsim_machine *m = uvmsim__cur();
	struct pmap_sim *ps = uvmsim__pmap_sim(m);

	KASSERT(p != NULL && p->p_vmspace != NULL);
	if (ps->ps_cpus[m->curcpu].pc_pmap == p->p_vmspace->vm_map.pmap)
		uvmsim__pmap_switch(m, m->curcpu, ps->ps_kernel);
}

/* pmap_resident_count: valid mappings of pm (of its own range). */
long
pmap_resident_count(pmap_t pm)
{
	(void)uvmsim__pmap_sim(uvmsim__cur());
	return pm->pm_resident;
}

/* pmap_wired_count: wired mappings of pm. */
long
pmap_wired_count(pmap_t pm)
{
	(void)uvmsim__pmap_sim(uvmsim__cur());
	return pm->pm_wired;
}

