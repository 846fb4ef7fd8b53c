/*
 * pmap_i386.c: the i386 backend: 2-level paging with 4 KiB pages, as a
 * 32-bit x86 without PAE walks it.
 *
 * Page tables are as Intel's manual gives them ("32-bit paging") and as
 * NetBSD/i386's pmap writes them:
 *
 *	level 2  PD     index va[31:22]   root, one per pmap (%cr3)
 *	level 1  PT     index va[21:12]   leaf PTEs map 4 KiB pages
 *
 * Each entry is 4 bytes, little-endian:
 *
 *	bit  0  P    present
 *	bit  1  RW   writable
 *	bit  2  US   user-accessible
 *	bit  5  A    accessed (set by the walker)
 *	bit  6  D    dirty (set by the walker on a write; leaf only)
 *	bit  8  G    global: kept across an address-space switch
 *	bit  9  PG_W wired (the first AVL bit; NetBSD/i386's PG_W)
 *	bit 10  PG_PVLIST  the page has a pv entry for this mapping
 *	        (the second AVL bit; NetBSD/i386's PG_PVLIST)
 *	bits 12..31  physical address of the frame or page table
 *
 * There is no no-execute bit: whatever may be read may be executed.
 * Rights combine over the two levels as on x86-64: writable only if RW
 * is set in the PDE and the PTE, user-accessible only if US is in both.
 * PDEs are made permissive (RW, and US for user pmaps) so that the leaf
 * decides.  Large pages (PS) are not used.
 *
 * Virtual addresses are the 32 bits themselves: an address above 4 GiB
 * is no address at all (pa_va_bits 32, no sign extension), as a
 * non-canonical one is on x86-64.  The user's space ends at
 * VM_MAXUSER_ADDRESS, 0xbfc00000 (the PD slot below the kernel's holds
 * NetBSD/i386's recursive mapping of the PD, left out here), and the
 * kernel lives in the top quarter from KERNBASE, 0xc0000000.  The
 * kernel's map is the first PD slot of that quarter, 4 MiB, with its
 * page table made at boot as NetBSD/i386 makes its first kernel page
 * tables; like x86-64's one PML4 slot, it keeps a machine of a few
 * frames bootable.
 *
 * What the MMU and the pmap do, as the functions below give it to the
 * glue (pmap_sim.h describes each operation):
 *
 *   - one root (%cr3) translates both halves: the kernel's PDEs are
 *     copied into every user PD at pmap_create, so kernel addresses
 *     translate through any pmap (i386_kernel_slots);
 *   - kernel mappings are global and supervisor-only, user mappings are
 *     user-accessible; the access that makes a mapping presets A, and D
 *     for a write, as NetBSD/i386's pmap_enter does (i386_pte_make);
 *   - loading %cr3 at a pmap switch drops every non-global TLB entry:
 *     there are no address-space tags (i386_activate);
 *   - the hardware walker refills the TLB, setting A, and D on a write; a
 *     write through an entry filled with D clear walks again to set D
 *     (i386_tlb_miss).
 */
#include "pmap_impl.h"

/* The bits, as NetBSD/i386's pte.h names them. */
#define PG_V		0x00000001U	/* present */
#define PG_RW		0x00000002U	/* writable */
#define PG_u		0x00000004U	/* user-accessible */
#define PG_U		0x00000020U	/* accessed ("used") */
#define PG_M		0x00000040U	/* dirty ("modified") */
#define PG_G		0x00000100U	/* global */
#define PG_W		0x00000200U	/* wired (PG_AVAIL1, software) */
#define PG_PVLIST	0x00000400U	/* has a pv entry (PG_AVAIL2, software) */
#define PG_FRAME	0xfffff000U	/* physical address */

/* i386_rights: the TLB_ rights of a leaf PTE (i386_miss_rights: those
 * of a present one, for the miss). */
static inline UVMSIM__ALWAYS_INLINE uint32_t
i386_rights(uint64_t pte)
{
	uint32_t r;

	if ((pte & PG_V) == 0)
		return 0;
	r = TLB_R | TLB_X;	/* no NX: readable is executable */
	if (pte & PG_RW)
		r |= TLB_W;
	if (pte & PG_u)
		r |= TLB_U;
	if (pte & PG_G)
		r |= TLB_G;
	if (pte & PG_M)
		r |= TLB_D;
	return r;
}

/*
 * i386_pte_make: the leaf PTE mapping pa with prot (po_pte_make):
 * execute is not a right of its own (no NX).
 */
static uint64_t
i386_pte_make(const struct pmap_sim *ps, paddr_t pa, vm_prot_t prot,
    vm_prot_t access, unsigned flags)
{
	uint64_t pte = (pa & PG_FRAME) | PG_V;

	(void)ps;
	if (prot & VM_PROT_WRITE)
		pte |= PG_RW;
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
 * i386_pte_rights: what a leaf PTE allows (po_pte_rights): present is
 * readable and executable, RW writable, US user; G global; D known dirty.
 */
static uint32_t
i386_pte_rights(const struct pmap_sim *ps, uint64_t pte)
{
	(void)ps;
	return i386_rights(pte);
}

/*
 * i386_ptp_make: a PDE pointing at a page table (po_ptp_make):
 * permissive (RW, and US in a user pmap), so that the leaf decides.
 */
static uint64_t
i386_ptp_make(const struct pmap_sim *ps, paddr_t pa, bool kernel)
{
	(void)ps;
	return (pa & PG_FRAME) | PG_V | PG_RW | (kernel ? 0 : PG_u);
}

/*
 * i386_upper_rights: the rights the PDE allows (po_upper_rights): write
 * and user need RW and US in it; execution follows reading.
 */
static uint32_t
i386_upper_rights(const struct pmap_sim *ps, uint64_t all, uint64_t any)
{
	uint32_t acc = TLB_R | TLB_W | TLB_X | TLB_U;

	(void)ps;
	(void)any;
	if ((all & PG_RW) == 0)
		acc &= ~TLB_W;
	if ((all & PG_u) == 0)
		acc &= ~TLB_U;
	return acc;
}

/*
 * i386_kernel_slots: the PDEs of the kernel range, shared by every user
 * PD (po_kernel_slots).
 */
static bool
i386_kernel_slots(const struct pmap_sim *ps, unsigned *firstp,
    unsigned *lastp)
{
	unsigned top = ps->ps_arch->pa_levels;

	*firstp = pmap_index(ps, ps->ps_arch->pa_kernel_min, top);
	*lastp = pmap_index(ps, ps->ps_arch->pa_kernel_max - 1, top);
	return true;
}

/*
 * i386_pte_attrs: what the walker recorded (po_pte_attrs): A is
 * referenced, D modified.
 */
static unsigned
i386_pte_attrs(const struct pmap_sim *ps, uint64_t pte)
{
	(void)ps;
	return ((pte & PG_U) ? PMAP_ATTR_REF : 0) |
	    ((pte & PG_M) ? PMAP_ATTR_MOD : 0);
}

/*
 * i386_pte_clear_attrs: pte with A (PMAP_ATTR_REF) or D (PMAP_ATTR_MOD)
 * cleared, for the walker to set again (po_pte_clear_attrs).
 */
static uint64_t
i386_pte_clear_attrs(const struct pmap_sim *ps, uint64_t pte, unsigned attrs)
{
	(void)ps;
	if (attrs & PMAP_ATTR_REF)
		pte &= ~(uint64_t)PG_U;
	if (attrs & PMAP_ATTR_MOD)
		pte &= ~(uint64_t)PG_M;
	return pte;
}

/*
 * i386_root: one root (%cr3) for both halves (po_root): pm's, whose
 * kernel PDEs are the kernel's.
 */
static struct pmap *
i386_root(const struct pmap_sim *ps, struct pmap *pm, vaddr_t va)
{
	(void)ps;
	(void)va;
	return pm;
}

/*
 * i386_activate: loading %cr3 (po_activate): the CPU's non-global
 * entries go, as the TLB has no address-space tags.
 */
static void
i386_activate(struct uvmsim_machine *m, unsigned cpu, struct pmap *opm,
    struct pmap *pm)
{
	(void)opm;
	(void)pm;
	uvmsim__tlb_flush(m, cpu, false);
}

/*
 * i386_miss_rights: i386_rights of a present PTE, by moving bits, not
 * testing them: RW is TLB_W where it stands, US one bit below TLB_U, D
 * two above TLB_D, G three above TLB_G; readable is executable.
 */
static inline UVMSIM__ALWAYS_INLINE uint32_t
i386_miss_rights(uint32_t pte)
{
	_Static_assert(PG_RW == TLB_W && PG_u << 1 == TLB_U &&
	    PG_M >> 2 == TLB_D && PG_G >> 3 == TLB_G,
	    "i386_miss_rights: bit positions");
	return TLB_R | TLB_X | (pte & PG_RW) | ((pte & PG_u) << 1) |
	    ((pte & PG_M) >> 2) | ((pte & PG_G) >> 3);
}

/*
 * i386_miss_leaf: the end of the miss, from the present PTE e read at p
 * under the PDE's rights acc (w->pw_pg: the frame it maps): the rights,
 * and A (and D) set in the PTE as the walker sets them.
 */
static inline UVMSIM__ALWAYS_INLINE int
i386_miss_leaf(uint8_t *p, uint32_t e, uint32_t acc, uint32_t need,
    const struct pmap_tlbe *te, struct pmap_walk *w)
{
	uint32_t want = need & ~TLB_D, rights, ne;

	rights = acc & i386_miss_rights(e);
	if ((rights & want) != want) {
		w->pw_stop = 0;		/* (a protection fault) */
		w->pw_bad = 0;
		return PMAP_SIM_MISS_FAULT;
	}
	/* (PG_M on a write: TLB_D of need, moved up to D's bit) */
	ne = e | PG_U | ((need & TLB_D) << 2);
	if (ne != e) {
		ne = htole32(ne);
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

/* i386_miss_walk: the miss from the PD, filling the walk cache (out of
 * line: the cached path below saves no register for it). */
static __attribute__((__noinline__)) int
i386_miss_walk(struct uvmsim_machine *m, struct pmap *pm, vaddr_t va,
    uint32_t need, const struct pmap_tlbe *te, struct pmap_walk *w)
{
	uvmsim__pmap_walk_fill(m, pm, va, w);
	if (w->pw_stop != 0)
		return PMAP_SIM_MISS_FAULT;
	return i386_miss_leaf(pmap_pte_ptr(m, m->pmap_sim, w->pw_ptp[1],
	    w->pw_idx[1]), (uint32_t)w->pw_pte, w->pw_acc, need, te, w);
}

/*
 * i386_tlb_miss: the hardware walker (po_tlb_miss).
 *
 * => cpu: the current CPU (m->mmu_curpc, as xlate calls it).
 * => need: the TLB_ rights of the access (TLB_D with TLB_W for a write);
 *	te: cpu's entry for va's page, NULL if none.
 * => walks the active pmap's PD, for a kernel address too (it holds the
 *	kernel's PDEs), through its walk cache: the cached path reads the
 *	PTE alone, and fills in w only what the MMU reads (pw_stop and pw_bad
 *	for a fault; pw_rights and pw_pair_pg, with pw_pg, for a fill),
 *	not the tables.
 * => a write to te's page, which te allows but for TLB_D, while the PTE
 *	still maps that page writable: D is set in the PTE and the answer is
 *	PMAP_SIM_MISS_DIRTY.  A leaf allowing the access: A is set, and D on
 *	a write, and the answer is PMAP_SIM_MISS_FILL with the rights in
 *	w->pw_rights.  Else PMAP_SIM_MISS_FAULT, w->pw_stop saying why.
 */
static int
i386_tlb_miss(struct uvmsim_machine *m, unsigned cpu, vaddr_t va,
    uint32_t need, struct pmap_tlbe *te, struct pmap_walk *w)
{
	const struct pmap_sim *ps = m->pmap_sim;
	struct pmap *pm = m->mmu_curpc->pc_pmap;
	const struct pmap_wcache *wc = &pm->pm_wc;
	uint32_t e;
	uint64_t frame;
	uint8_t *p;

	(void)cpu;
	/* (ps_wcshift is 12 + 10: a page table maps 4 MiB) */
	if (__predict_false(wc->wc_gen != ps->ps_ptpgen ||
	    wc->wc_tag != va >> 22))
		return i386_miss_walk(m, pm, va, need, te, w);
	/* The cached PDE: the PTE alone, read with the format's
	 * constants. */
	p = (uint8_t *)uvmsim__pgdata(m, wc->wc_ptp[1]) +
	    (size_t)((va >> 12) & 1023) * sizeof(e);
	memcpy(&e, p, sizeof(e));
	e = le32toh(e);
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
	return i386_miss_leaf(p, e, wc->wc_acc, need, te, w);
}

/*
 * i386_pte_str: the bits of an entry by Intel's names (A and D; NetBSD
 * calls them PG_U and PG_M), PG_W and PG_PVLIST for the AVL bits.
 */
static void
i386_pte_str(const struct pmap_sim *ps, unsigned level, uint64_t pte,
    char *buf, size_t len)
{
	static const struct pmap_bitname names[] = {
		{ PG_V, "P" }, { PG_RW, "RW" }, { PG_u, "US" }, { PG_U, "A" },
		{ PG_M, "D" }, { PG_G, "G" },
		{ PG_W, "PG_W" }, { PG_PVLIST, "PG_PVLIST" },
	};
	(void)ps;
	(void)level;
	buf[0] = '\0';
	(void)pmap_bits_str(buf, len, 0, pte, names,
	    sizeof(names) / sizeof(names[0]));
}

/*
 * i386_pte_prot: what the mapping grants (po_pte_prot): read and execute
 * while present, write with RW.
 */
static vm_prot_t
i386_pte_prot(const struct pmap_sim *ps, uint64_t pte)
{
	(void)ps;
	return VM_PROT_READ | VM_PROT_EXECUTE |
	    ((pte & PG_RW) ? VM_PROT_WRITE : 0);
}

/*
 * i386_pte_protect: pte lowered to prot (po_pte_protect): RW cleared
 * without write; execute cannot be taken from a readable page.
 */
static uint64_t
i386_pte_protect(const struct pmap_sim *ps, uint64_t pte, vm_prot_t prot)
{
	(void)ps;
	if ((prot & VM_PROT_WRITE) == 0)
		pte &= ~(uint64_t)PG_RW;
	return pte;
}

static const struct pmap_sim_ops i386_ops = {
	.po_pte_make = i386_pte_make,
	.po_pte_rights = i386_pte_rights,
	.po_ptp_make = i386_ptp_make,
	.po_upper_rights = i386_upper_rights,
	.po_kernel_slots = i386_kernel_slots,
	.po_pte_attrs = i386_pte_attrs,
	.po_pte_clear_attrs = i386_pte_clear_attrs,
	.po_root = i386_root,
	.po_activate = i386_activate,
	.po_tlb_miss = i386_tlb_miss,
	.po_pte_str = i386_pte_str,
	.po_pte_prot = i386_pte_prot,
	.po_pte_protect = i386_pte_protect,
};

const struct pmap_sim_arch pmap_sim_arch_i386 = {
	.pa_name = "i386",
	.pa_page_shift = 12,
	.pa_levels = 2,
	.pa_index_bits = { 10, 10 },
	.pa_pte_bytes = 4,
	.pa_big_endian = false,
	.pa_bit_valid = 0,		/* PG_V */
	.pa_bit_read = -1,		/* present means readable */
	.pa_bit_write = 1,		/* PG_RW */
	.pa_bit_user = 2,		/* PG_u */
	.pa_bit_exec = -1,		/* readable means executable */
	.pa_bit_noexec = -1,		/* (no NX) */
	.pa_bit_accessed = 5,		/* PG_U (used) */
	.pa_bit_dirty = 6,		/* PG_M (modified) */
	.pa_bit_global = 8,		/* PG_G */
	.pa_bit_wired = 9,		/* PG_W */
	.pa_bit_managed = 10,		/* PG_PVLIST */
	.pa_pfn_shift = 12,
	.pa_addr_mask = PG_FRAME,
	.pa_va_bits = 32,
	.pa_va_signext = false,
	.pa_user_min = 0,
	.pa_user_max = 0xbfc00000ULL,	/* VM_MAXUSER_ADDRESS */
	.pa_kernel_min = 0xc0000000ULL,	/* KERNBASE */
	.pa_kernel_max = 0xc0000000ULL + (1ULL << 22), /* one PD slot */
	.pa_ops = &i386_ops,
};
