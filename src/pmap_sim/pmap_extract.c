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
 * The test of a leaf entry in one compare.  An entry counts as mapped
 * when it is valid and names a frame of the machine, as pmap_walk_leaf
 * asks: two tests, on the valid bit and on the address field.  Rotated
 * right by ps_map_rot, the entry's valid bit lands in bit 63 and its
 * address field (ps_map_key keeps those bits alone) in bits 0..62, the
 * frame number at bit ps_map_lo's lowest: the field is wholly above the
 * valid bit (it moves down) or wholly below it (it moves up), so the
 * rotation scales a field's value by a power of two, a, exactly.  Less
 * ps_map_lo (the first frame's field, rotated, with the valid bit) it
 * reads, for an entry whose field lies d above the first frame's,
 *
 *	valid:   a*d		    mod 2^64
 *	invalid: a*d - 2^63	    mod 2^64
 *
 * and ps_map_span is a times the field's span of the machine's frames.
 * A valid entry of a frame of the machine gives a*d below it; a frame
 * below the first wraps to above 2^63; an invalid entry gives 2^63 + a*d,
 * or for d < 0, 2^63 - a*|d|, which is at least ps_map_span because the
 * field one past the last frame's, rotated, is at most 2^63.  So one
 * subtraction and one unsigned compare say what the two tests say, for
 * any bits the entry holds.  uvmsim__pmap_mapped_init checks that the
 * format and the machine allow it.
 */
/*
 * uvmsim__pmap_mapped_init: ps's ps_map_* for m: the one-compare test
 * above where the backend's format allows it (little-endian PTEs, a
 * valid bit, an address field on one side of it whose lowest bit is the
 * frame number's, room in it for every frame of m), else ps_map_pteb 0
 * (uvmsim__pmap_mapped tests each entry as pmap_walk_leaf does).
 */
void
uvmsim__pmap_mapped_init(const struct uvmsim_machine *m, struct pmap_sim *ps)
{
	const struct pmap_sim_arch *a = ps->ps_arch;
	const uint64_t amask = a->pa_addr_mask;
	const uint64_t base = m->phys_base >> m->pageshift;
	unsigned vb, lowb, highb, fbits, sh;

	ps->ps_map_pteb = 0;
	if (a->pa_big_endian || (a->pa_pte_bytes != 4 &&
	    a->pa_pte_bytes != 8) || a->pa_bit_valid < 0 ||
	    a->pa_bit_valid >= 8 * (int)a->pa_pte_bytes || amask == 0 ||
	    (amask & ps->ps_v) != 0)
		return;
	vb = (unsigned)a->pa_bit_valid;
	lowb = (unsigned)__builtin_ctzll(amask);
	highb = 63 - (unsigned)__builtin_clzll(amask);
	if (lowb != a->pa_pfn_shift || (lowb < vb && highb > vb))
		return;			/* the field straddles the valid bit */
	fbits = highb + 1 - lowb;	/* bits of a frame number */
	if (fbits < 64 && base + m->npages > (uint64_t)1 << fbits)
		return;			/* frames the field cannot name */
	ps->ps_map_rot = (vb + 1) & 63;
	sh = (a->pa_pfn_shift - ps->ps_map_rot) & 63;
	ps->ps_map_key = amask | ps->ps_v;
	ps->ps_map_lo = (base << sh) | (uint64_t)1 << 63;
	ps->ps_map_span = (uint64_t)m->npages << sh;
	ps->ps_map_pteb = a->pa_pte_bytes;
}

/*
 * mapped_bits: the bits of the n entries (bytes each, little-endian) from
 * p, each with one compare (above).  From the last entry down, each
 * entry's bit shifted in at the bottom, kept negated (nmask is -mask:
 * nmask * 2 - bit), which compilers make an add and a subtract of the
 * compare's borrow.  Inline where bytes and n are constants: eight
 * pages, the usual neighbourhood (3 behind and 4 ahead, or 8 ahead of a
 * sequential fault), with no loop; else two a turn.
 */
static inline UVMSIM__ALWAYS_INLINE uint32_t
mapped_bits(const uint8_t *p, unsigned bytes, int n, uint64_t key,
    unsigned rot, uint64_t lo, uint64_t span)
{
	const uint8_t *q = p + (size_t)n * bytes;
	uint32_t nmask = 0;

#define MAPPED_BIT(q)							\
	(uint32_t)(pmap_rotr64(pmap_pte_read((q), bytes, false) & key,	\
	    rot) - lo < span)
	if (n & 1) {
		q -= bytes;
		nmask = -MAPPED_BIT(q);
	}
	while (q != p) {
		q -= 2 * bytes;
		nmask = nmask * 2 - MAPPED_BIT(q + bytes);
		nmask = nmask * 2 - MAPPED_BIT(q);
	}
#undef MAPPED_BIT
	return -nmask;
}

/*
 * uvmsim__pmap_mapped: which of the n pages from va pm maps (bit i for
 * va + i pages; n <= 32), as n calls of pmap_extract would say.  For the
 * neighbourhood of a fault, which lies in the leaf table the MMU's walk
 * of the fault has just put in pm's walk cache: then the n entries of
 * that table are read in a row, with no walk, each with one compare
 * (above); elsewhere, or on a format without the one-compare test,
 * mapped_walk.  A va the walk cache covers needs no pmap_va_ok: every
 * walk that fills the cache is of a canonical address (the MMU's, and
 * pmap(9)'s inside the pmap's range), and the tag holds all the bits
 * above the leaf table's index, those that make an address canonical.
 * Eight pages, the usual call, are tested first: that n is in range
 * goes without saying for them.
 */
uint32_t
uvmsim__pmap_mapped(struct uvmsim_machine *m, struct pmap *pm, vaddr_t va,
    int n)
{
	struct pmap_sim *ps = uvmsim__pmap_sim(m);
	const struct pmap_wcache *wc = &pm->pm_wc;
	const unsigned idx = pmap_index(ps, va, 1), pteb = ps->ps_map_pteb;
	const uint8_t *p;

	if (__predict_false(wc->wc_gen != ps->ps_ptpgen ||
	    wc->wc_tag != va >> ps->ps_wcshift))
		goto walk;
	p = (const uint8_t *)uvmsim__pgdata(m, wc->wc_ptp[1]);
	if (__predict_true(n == 8 && idx + 8 <= ps->ps_nidx[1])) {
		if (pteb == 8)
			return mapped_bits(p + (size_t)idx * 8, 8, 8,
			    ps->ps_map_key, ps->ps_map_rot, ps->ps_map_lo,
			    ps->ps_map_span);
		if (pteb == 4)
			return mapped_bits(p + (size_t)idx * 4, 4, 8,
			    ps->ps_map_key, ps->ps_map_rot, ps->ps_map_lo,
			    ps->ps_map_span);
	}
	KASSERT(n >= 0 && n <= 32);
	if (pteb == 0 || idx + (unsigned)n > ps->ps_nidx[1])
		goto walk;
	if (pteb == 8)
		return mapped_bits(p + (size_t)idx * 8, 8, n, ps->ps_map_key,
		    ps->ps_map_rot, ps->ps_map_lo, ps->ps_map_span);
	return mapped_bits(p + (size_t)idx * 4, 4, n, ps->ps_map_key,
	    ps->ps_map_rot, ps->ps_map_lo, ps->ps_map_span);
walk:
	KASSERT(n >= 0 && n <= 32);
	return mapped_walk(m, ps, pm, va, n);
}
