/*
 * pmap_x86_64.c: the x86-64 backend: 4-level paging with 4 KiB pages.
 *
 * Page tables are as the AMD64 and Intel manuals give them, and as
 * NetBSD/amd64's pmap writes them:
 *
 *	level 4  PML4   index va[47:39]   root, one per pmap
 *	level 3  PDPT   index va[38:30]
 *	level 2  PD     index va[29:21]
 *	level 1  PT     index va[20:12]   leaf PTEs map 4 KiB pages
 *
 * Each entry is 8 bytes, little-endian:
 *
 *	bit  0  P    present
 *	bit  1  RW   writable
 *	bit  2  US   user-accessible
 *	bit  5  A    accessed (set by the walker)
 *	bit  6  D    dirty (set by the walker on a write; leaf only)
 *	bit  8  G    global: kept across an address-space switch
 *	bit  9  PG_W wired (available to software; NetBSD's PG_W)
 *	bit 10  PG_PVLIST  the page has a pv entry for this mapping
 *	        (available to software; NetBSD/amd64's PG_PVLIST)
 *	bits 12..51  physical address of the frame or page-table page
 *	bit 63  NX   no execute
 *
 * Rights combine over the levels: a page is writable only if RW is set
 * at every level, user-accessible only if US is, executable only if NX is
 * set at none.  Non-leaf entries are made permissive (RW, and US for
 * user pmaps) so that the leaf decides.  Large pages (PS) are not used.
 *
 * Virtual addresses are 48 bits, sign-extended ("canonical"); the user
 * half ends at 0x00007f8000000000 (the top 512 GiB slot is left out, as
 * NetBSD/amd64 keeps its recursive slot there) and the kernel's map
 * covers the first GiB of the upper half.
 *
 * What the MMU and the pmap do, as the functions below give it to the
 * glue (pmap_sim.h describes each operation):
 *
 *   - one root (%cr3) translates both halves: the kernel's root entries
 *     for its range are copied into every user root at pmap_create, so
 *     kernel addresses translate through any pmap (x86_64_kernel_slots);
 *   - kernel mappings are global and supervisor-only, user mappings are
 *     user-accessible; the access that makes a mapping presets A, and D
 *     for a write, as NetBSD/x86's pmap_enter does (x86_64_pte_make);
 *   - loading %cr3 at a pmap switch drops every non-global TLB entry:
 *     there are no address-space tags (x86_64_activate);
 *   - the hardware walker refills the TLB, setting A, and D on a write; a
 *     write through an entry filled with D clear walks again to set D
 *     (x86_64_tlb_miss).
 */
#include "pmap_impl.h"

/* The bits, as NetBSD/amd64's pte.h names them.  The functions below use
 * them as constants; the table gives the glue their positions. */
#define PG_V		0x0000000000000001ULL	/* present */
#define PG_RW		0x0000000000000002ULL	/* writable */
#define PG_u		0x0000000000000004ULL	/* user-accessible */
#define PG_U		0x0000000000000020ULL	/* accessed ("used") */
#define PG_M		0x0000000000000040ULL	/* dirty ("modified") */
#define PG_G		0x0000000000000100ULL	/* global */
#define PG_W		0x0000000000000200ULL	/* wired (software) */
#define PG_PVLIST	0x0000000000000400ULL	/* has a pv entry (software) */
#define PG_FRAME	0x000ffffffffff000ULL	/* physical address */
#define PG_NX		0x8000000000000000ULL	/* no execute */

/* x86_64_rights: the TLB_ rights of a leaf PTE (x86_64_miss_rights:
 * those of a present one, for the miss). */
static inline UVMSIM__ALWAYS_INLINE uint32_t
x86_64_rights(uint64_t pte)
{
	uint32_t r;

	if ((pte & PG_V) == 0)
		return 0;
	r = TLB_R;
	if (pte & PG_RW)
		r |= TLB_W;
	if ((pte & PG_NX) == 0)
		r |= TLB_X;
	if (pte & PG_u)
		r |= TLB_U;
	if (pte & PG_G)
		r |= TLB_G;
	if (pte & PG_M)
		r |= TLB_D;
	return r;
}

/*
 * x86_64_pte_make: the leaf PTE mapping pa with prot (po_pte_make).
 */
static uint64_t
x86_64_pte_make(const struct pmap_sim *ps, paddr_t pa, vm_prot_t prot,
    vm_prot_t access, unsigned flags)
{
	uint64_t pte = (pa & PG_FRAME) | PG_V;

	(void)ps;
	if (prot & VM_PROT_WRITE)
		pte |= PG_RW;
	if ((prot & VM_PROT_EXECUTE) == 0)
		pte |= PG_NX;
	pte |= (flags & PMAP_SIM_PTE_KERNEL) ? PG_G : PG_u;
	if (flags & PMAP_SIM_PTE_WIRED)
		pte |= PG_W;
	if (flags & PMAP_SIM_PTE_MANAGED)
		pte |= PG_PVLIST;
	if (access)
		pte |= PG_U;
	if (access & VM_PROT_WRITE)
		pte |= PG_M;
	return pte;
}

/*
 * x86_64_pte_rights: what a leaf PTE allows (po_pte_rights): present is
 * readable, RW writable, US user, NX clear executable; G global; D known
 * dirty.
 */
static uint32_t
x86_64_pte_rights(const struct pmap_sim *ps, uint64_t pte)
{
	(void)ps;
	return x86_64_rights(pte);
}

/*
 * x86_64_ptp_make: the entry pointing at a page-table page (po_ptp_make):
 * permissive (RW, and US in a user pmap), so that the leaf decides.
 */
static uint64_t
x86_64_ptp_make(const struct pmap_sim *ps, paddr_t pa, bool kernel)
{
	(void)ps;
	return (pa & PG_FRAME) | PG_V | PG_RW | (kernel ? 0 : PG_u);
}

/*
 * x86_64_upper_rights: the rights the upper entries allow
 * (po_upper_rights): write and user need RW and US at every level (all),
 * NX at any level forbids execution (any).
 */
static uint32_t
x86_64_upper_rights(const struct pmap_sim *ps, uint64_t all, uint64_t any)
{
	uint32_t acc = TLB_R | TLB_W | TLB_X | TLB_U;

	(void)ps;
	if ((all & PG_RW) == 0)
		acc &= ~TLB_W;
	if ((all & PG_u) == 0)
		acc &= ~TLB_U;
	if (any & PG_NX)
		acc &= ~TLB_X;
	return acc;
}

/*
 * x86_64_kernel_slots: the PML4 entries of the kernel range, shared by
 * every user root (po_kernel_slots).
 */
static bool
x86_64_kernel_slots(const struct pmap_sim *ps, unsigned *firstp,
    unsigned *lastp)
{
	unsigned top = ps->ps_arch->pa_levels;

	*firstp = pmap_index(ps, ps->ps_arch->pa_kernel_min, top);
	*lastp = pmap_index(ps, ps->ps_arch->pa_kernel_max - 1, top);
	return true;
}

/*
 * x86_64_pte_attrs: what the walker recorded (po_pte_attrs): A is
 * referenced, D modified.
 */
static unsigned
x86_64_pte_attrs(const struct pmap_sim *ps, uint64_t pte)
{
	(void)ps;
	return ((pte & PG_U) ? PMAP_ATTR_REF : 0) |
	    ((pte & PG_M) ? PMAP_ATTR_MOD : 0);
}

/*
 * x86_64_pte_clear_attrs: pte with A (PMAP_ATTR_REF) or D
 * (PMAP_ATTR_MOD) cleared, for the walker to set again
 * (po_pte_clear_attrs).
 */
static uint64_t
x86_64_pte_clear_attrs(const struct pmap_sim *ps, uint64_t pte, unsigned attrs)
{
	(void)ps;
	if (attrs & PMAP_ATTR_REF)
		pte &= ~PG_U;
	if (attrs & PMAP_ATTR_MOD)
		pte &= ~PG_M;
	return pte;
}

/*
 * x86_64_root: one root (%cr3) for both halves (po_root): pm's, whose
 * kernel slots are the kernel's.
 */
static struct pmap *
x86_64_root(const struct pmap_sim *ps, struct pmap *pm, vaddr_t va)
{
	(void)ps;
	(void)va;
	return pm;
}

/*
 * x86_64_activate: loading %cr3 (po_activate): the CPU's non-global
 * entries go, as the TLB has no address-space tags.
 */
static void
x86_64_activate(struct uvmsim_machine *m, unsigned cpu, struct pmap *opm,
    struct pmap *pm)
{
	(void)opm;
	(void)pm;
	uvmsim__tlb_flush(m, cpu, false);
}

/*
 * x86_64_rights_low: by the low 9 bits of a present leaf PTE, TLB_R,
 * TLB_X and the rights its RW, US, D and G bits grant (as x86_64_rights
 * gives them), for the miss to read in one load where testing or moving
 * the four bits one by one takes a dozen instructions.  NX, far above,
 * takes TLB_X away (x86_64_miss_rights).
 */
#define X86_64_RL(i)	(TLB_R | TLB_X | (((i) & PG_RW) ? TLB_W : 0) |	\
	(((i) & PG_u) ? TLB_U : 0) | (((i) & PG_M) ? TLB_D : 0) |	\
	(((i) & PG_G) ? TLB_G : 0))
#define X86_64_RL2(i)	X86_64_RL(i), X86_64_RL((i) + 1)
#define X86_64_RL4(i)	X86_64_RL2(i), X86_64_RL2((i) + 2)
#define X86_64_RL8(i)	X86_64_RL4(i), X86_64_RL4((i) + 4)
#define X86_64_RL16(i)	X86_64_RL8(i), X86_64_RL8((i) + 8)
#define X86_64_RL32(i)	X86_64_RL16(i), X86_64_RL16((i) + 16)
#define X86_64_RL64(i)	X86_64_RL32(i), X86_64_RL32((i) + 32)
#define X86_64_RL128(i)	X86_64_RL64(i), X86_64_RL64((i) + 64)
#define X86_64_RL256(i)	X86_64_RL128(i), X86_64_RL128((i) + 128)
static const uint8_t x86_64_rights_low[512] = {
	X86_64_RL256(0), X86_64_RL256(256)
};

/*
 * x86_64_miss_rights: x86_64_rights of a present leaf PTE: the rights of
 * its low bits from the table, less TLB_X where NX (bit 63) is set.
 */
static inline UVMSIM__ALWAYS_INLINE uint32_t
x86_64_miss_rights(uint64_t pte)
{
	_Static_assert(PG_M < 512 && PG_G < 512 && TLB_X == 4,
	    "x86_64_miss_rights: bit positions");
	return x86_64_rights_low[pte & 511] ^ (uint32_t)((pte >> 61) & TLB_X);
}

/*
 * x86_64_miss_leaf: the end of the miss, from the present leaf PTE e
 * read at p under the upper levels' rights acc (w->pw_pg: the frame it
 * maps): the rights, and A (and D) set in the PTE as the walker sets
 * them.
 */
static inline UVMSIM__ALWAYS_INLINE int
x86_64_miss_leaf(uint8_t *p, uint64_t e, uint32_t acc, uint32_t need,
    const struct pmap_tlbe *te, struct pmap_walk *w)
{
	uint32_t want = need & ~TLB_D, rights;
	uint64_t ne;

	rights = acc & x86_64_miss_rights(e);
	if ((rights & want) != want) {
		w->pw_stop = 0;		/* (a protection fault) */
		w->pw_bad = 0;
		return PMAP_SIM_MISS_FAULT;
	}
	/* (PG_M on a write: TLB_D of need, moved up to D's bit) */
	ne = e | PG_U | ((uint64_t)(need & TLB_D) << 2);
	if (ne != e) {
		ne = htole64(ne);
		memcpy(p, &ne, sizeof(ne));
	}
	/* A write hit but for D on te, still this page's: D is set, no
	 * fill. */
	if (te != NULL && (need & ~te->te_rights) == TLB_D &&
	    w->pw_pg == te->te_pg)
		return PMAP_SIM_MISS_DIRTY;
	w->pw_rights = rights | (need & TLB_D);
	w->pw_pair_pg = NULL;
	return PMAP_SIM_MISS_FILL;
}

/* x86_64_miss_walk: the miss from the root, filling the walk cache (out
 * of line: the cached path below saves no register for it). */
static __attribute__((__noinline__)) int
x86_64_miss_walk(struct uvmsim_machine *m, struct pmap *pm, vaddr_t va,
    uint32_t need, const struct pmap_tlbe *te, struct pmap_walk *w)
{
	uvmsim__pmap_walk_fill(m, pm, va, w);
	if (w->pw_stop != 0)
		return PMAP_SIM_MISS_FAULT;
	return x86_64_miss_leaf(pmap_pte_ptr(m, m->pmap_sim, w->pw_ptp[1],
	    w->pw_idx[1]), w->pw_pte, w->pw_acc, need, te, w);
}

/*
 * x86_64_tlb_miss: the hardware walker (po_tlb_miss).
 *
 * => cpu: the current CPU (m->mmu_curpc, as xlate calls it).
 * => need: the TLB_ rights of the access (TLB_D with TLB_W for a write);
 *	te: cpu's entry for va's page, NULL if none.
 * => walks the active pmap's root, for a kernel address too (its root
 *	holds the kernel's entries, as x86_64_root says), through its walk
 *	cache (struct pmap_wcache): the cached path reads the leaf alone,
 *	and fills in w only what the MMU reads (pw_stop and pw_bad for a
 *	fault; pw_rights and pw_pair_pg, with pw_pg, for a fill), not the
 *	tables.
 * => a write to te's page, which te allows but for TLB_D, while the PTE
 *	still maps that page writable: D is set in the PTE and the answer is
 *	PMAP_SIM_MISS_DIRTY.  A leaf allowing
 *	the access: A is set, and D on a write, and the answer is
 *	PMAP_SIM_MISS_FILL with the rights in w->pw_rights.  Else
 *	PMAP_SIM_MISS_FAULT, w->pw_stop saying why.
 */
static int
x86_64_tlb_miss(struct uvmsim_machine *m, unsigned cpu, vaddr_t va,
    uint32_t need, struct pmap_tlbe *te, struct pmap_walk *w)
{
	const struct pmap_sim *ps = m->pmap_sim;
	struct pmap *pm = m->mmu_curpc->pc_pmap;
	const struct pmap_wcache *wc = &pm->pm_wc;
	uint64_t e, frame;
	uint8_t *p;

	(void)cpu;
	/* (ps_wcshift is 12 + 9: a leaf table maps 2 MiB) */
	if (__predict_false(wc->wc_gen != ps->ps_ptpgen ||
	    wc->wc_tag != va >> 21))
		return x86_64_miss_walk(m, pm, va, need, te, w);
	/* The cached path to the leaf table: the leaf alone, read with the
	 * format's constants. */
	p = (uint8_t *)uvmsim__pgdata(m, wc->wc_ptp[1]) +
	    (size_t)((va >> 12) & 511) * sizeof(e);
	memcpy(&e, p, sizeof(e));
	e = le64toh(e);
	if ((e & PG_V) == 0) {
		w->pw_stop = 1;
		w->pw_bad = 0;
		return PMAP_SIM_MISS_FAULT;
	}
	frame = ((e & PG_FRAME) >> 12) - (m->phys_base >> 12);
	if (frame >= m->npages) {	/* (below the first, too) */
		w->pw_stop = 1;
		w->pw_bad = 1;
		return PMAP_SIM_MISS_FAULT;
	}
	w->pw_pg = &m->pages[frame];
	return x86_64_miss_leaf(p, e, wc->wc_acc, need, te, w);
}

/*
 * x86_64_pte_str: the bits of an entry by the manual's names (A and D as
 * Intel writes them; NetBSD calls them PG_U and PG_M), PG_W and PG_PVLIST
 * for the software bits.
 */
static void
x86_64_pte_str(const struct pmap_sim *ps, unsigned level, uint64_t pte,
    char *buf, size_t len)
{
	static const struct pmap_bitname names[] = {
		{ PG_V, "P" }, { PG_RW, "RW" }, { PG_u, "US" }, { PG_U, "A" },
		{ PG_M, "D" }, { PG_G, "G" }, { PG_NX, "NX" },
		{ PG_W, "PG_W" }, { PG_PVLIST, "PG_PVLIST" },
	};
	(void)ps;
	(void)level;
	buf[0] = '\0';
	(void)pmap_bits_str(buf, len, 0, pte, names,
	    sizeof(names) / sizeof(names[0]));
}

/*
 * x86_64_pte_prot: what the mapping grants (po_pte_prot): read while
 * present, write with RW, execute without NX.
 */
static vm_prot_t
x86_64_pte_prot(const struct pmap_sim *ps, uint64_t pte)
{
	(void)ps;
	return VM_PROT_READ | ((pte & PG_RW) ? VM_PROT_WRITE : 0) |
	    ((pte & PG_NX) ? 0 : VM_PROT_EXECUTE);
}

/*
 * x86_64_pte_protect: pte lowered to prot (po_pte_protect): RW cleared
 * without write, NX set without execute.
 */
static uint64_t
x86_64_pte_protect(const struct pmap_sim *ps, uint64_t pte, vm_prot_t prot)
{
	(void)ps;
	if ((prot & VM_PROT_WRITE) == 0)
		pte &= ~PG_RW;
	if ((prot & VM_PROT_EXECUTE) == 0)
		pte |= PG_NX;
	return pte;
}

static const struct pmap_sim_ops x86_64_ops = {
	.po_pte_make = x86_64_pte_make,
	.po_pte_rights = x86_64_pte_rights,
	.po_ptp_make = x86_64_ptp_make,
	.po_upper_rights = x86_64_upper_rights,
	.po_kernel_slots = x86_64_kernel_slots,
	.po_pte_attrs = x86_64_pte_attrs,
	.po_pte_clear_attrs = x86_64_pte_clear_attrs,
	.po_root = x86_64_root,
	.po_activate = x86_64_activate,
	.po_tlb_miss = x86_64_tlb_miss,
	.po_pte_str = x86_64_pte_str,
	.po_pte_prot = x86_64_pte_prot,
	.po_pte_protect = x86_64_pte_protect,
};

const struct pmap_sim_arch pmap_sim_arch_x86_64 = {
	.pa_name = "x86_64",
	.pa_page_shift = 12,
	.pa_levels = 4,
	.pa_index_bits = { 9, 9, 9, 9 },
	.pa_pte_bytes = 8,
	.pa_big_endian = false,
	.pa_bit_valid = 0,		/* PG_V */
	.pa_bit_read = -1,		/* present means readable */
	.pa_bit_write = 1,		/* PG_RW */
	.pa_bit_user = 2,		/* PG_u */
	.pa_bit_exec = -1,
	.pa_bit_noexec = 63,		/* PG_NX */
	.pa_bit_accessed = 5,		/* PG_U (used) */
	.pa_bit_dirty = 6,		/* PG_M (modified) */
	.pa_bit_global = 8,		/* PG_G */
	.pa_bit_wired = 9,		/* PG_W */
	.pa_bit_managed = 10,		/* PG_PVLIST */
	.pa_pfn_shift = 12,
	.pa_addr_mask = PG_FRAME,
	.pa_va_bits = 48,
	.pa_va_signext = true,
	.pa_user_min = 0,
	.pa_user_max = 0x00007f8000000000ULL,
	.pa_kernel_min = 0xffff800000000000ULL,
	.pa_kernel_max = 0xffff800000000000ULL + (1ULL << 30),
	.pa_ops = &x86_64_ops,
};
