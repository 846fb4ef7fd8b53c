/*
 * pmap_mips.c: a MIPS-style backend: a 32-bit MIPS (R4000 and later, the
 * MIPS3 TLB) with 4 KiB pages, whose TLB has no hardware walker.
 *
 * A TLB miss raises the refill exception, and the pmap's refill handler
 * loads the entry from its own tables: NetBSD/mips's segment table, two
 * levels of 4-byte entries, little-endian (mipsel):
 *
 *	level 2  segtab  index va[31:22]   one per pmap
 *	level 1  PT      index va[21:12]   PTEs in EntryLo's form
 *
 * A PTE is EntryLo's bits, as NetBSD/mips's pte.h names them (MIPS3_PG_),
 * and software bits where EntryLo has none:
 *
 *	bit  0     G    global: matches every ASID
 *	bit  1     V    valid: the TLB entry may be used
 *	bit  2     D    "dirty": the write enable
 *	bits 3..5  C    cache attribute: 3, cacheable noncoherent
 *	bits 6..27 PFN  physical page number
 *	bit 28     PRESENT  (software) the mapping exists, V or not
 *	bit 29     MANAGED  (software) the page has a pv entry
 *	bit 30     WR   (software) the pmap's write right (NetBSD/mips keeps
 *	                its inverse, MIPS3_PG_RO, at this bit)
 *	bit 31     WIRED  (software; NetBSD/mips's MIPS3_PG_WIRED)
 *
 * A segment table entry holds the page table's address in the same
 * form, with PRESENT.  NetBSD/mips knows a managed page from its pv
 * tracking and a mapping from its PTE being nonzero; the simulator's glue
 * reads both from bits, hence PRESENT and MANAGED.
 *
 * The address space: useg [0, 0x80000000) through the running pmap's
 * segment table, mapped and user-accessible; kseg0 [0x80000000,
 * 0xa0000000) unmapped: a kernel access translates to va - 0x80000000
 * without the TLB; kseg2 from 0xc0000000 through the kernel pmap's own
 * segment table, global and kernel-only.  The kernel's map is the first
 * 4 MiB of kseg2 (one segment, its page table made at boot).
 *
 * What the MMU and the pmap do, as the functions below give it to the
 * glue (pmap_sim.h describes each operation):
 *
 *   - no walker: every miss is a refill by the pmap's handler
 *     (mips_tlb_miss, counted as tlb_refills), which loads the pair of
 *     even and odd pages one TLB entry maps (pa_tlb_pairs: an
 *     invalidation of one page drops the pair's entry);
 *   - the TLB tags entries with the ASID (8 bits) unless G: a switch
 *     flushes nothing (pmap_tlb.c; mips_activate);
 *   - referenced is emulated: a mapping made without an access has V
 *     clear, and its first use takes the TLB invalid exception, which the
 *     pmap resolves by setting V (faults_refmod);
 *   - modified is emulated: D is the write enable, clear until the first
 *     write, which takes the "TLB modified" exception; the pmap sets D
 *     when the mapping may be written (WR) and records modified
 *     (faults_refmod), else the write faults to uvm_fault;
 *   - there is no execute right: whatever may be read may be executed;
 *     user mode reaches useg only (a mapping without G).
 */
#include "pmap_impl.h"

#define MIPS3_PG_G		0x00000001U	/* global */
#define MIPS3_PG_V		0x00000002U	/* valid */
#define MIPS3_PG_D		0x00000004U	/* dirty: write enable */
#define MIPS3_PG_CACHEMODE	0x00000038U	/* C */
#define MIPS3_PG_CACHED		0x00000018U	/* C = 3 */
#define MIPS3_PG_FRAME		0x0fffffc0U	/* PFN */
#define MIPS3_PG_SHIFT		6
#define MIPS_PG_PRESENT		0x10000000U	/* software */
#define MIPS_PG_MANAGED		0x20000000U	/* software */
#define MIPS_PG_WR		0x40000000U	/* software */
#define MIPS3_PG_WIRED		0x80000000U	/* software */

#define MIPS_KSEG0_START	0x80000000UL
#define MIPS_KSEG1_START	0xa0000000UL
#define MIPS_KSEG2_START	0xc0000000UL

static inline uint64_t
mips_pa_pte(paddr_t pa)
{
	return ((pa >> 12) << MIPS3_PG_SHIFT) & MIPS3_PG_FRAME;
}

/* mips_rights: the TLB_ rights of a PTE, inline for the refill: PRESENT
 * readable and executable; WR or D writable, D without a further trap;
 * G global and kernel-only, else user (useg). */
static inline UVMSIM__ALWAYS_INLINE uint32_t
mips_rights(uint64_t pte)
{
	uint32_t r;

	if ((pte & MIPS_PG_PRESENT) == 0)
		return 0;
	r = TLB_R | TLB_X;
	if (pte & (MIPS_PG_WR | MIPS3_PG_D))
		r |= TLB_W;
	if (pte & MIPS3_PG_D)
		r |= TLB_D;
	r |= (pte & MIPS3_PG_G) ? TLB_G : TLB_U;
	return r;
}

/*
 * mips_pte_make: the PTE mapping pa with prot (po_pte_make): V only once
 * used, D only once written (an unmanaged mapping, with nothing to
 * emulate, is both from the start), G for kernel (kseg2) mappings.
 */
static uint64_t
mips_pte_make(const struct pmap_sim *ps, paddr_t pa, vm_prot_t prot,
    vm_prot_t access, unsigned flags)
{
	uint64_t pte = mips_pa_pte(pa) | MIPS_PG_PRESENT | MIPS3_PG_CACHED;

	(void)ps;
	if (flags & PMAP_SIM_PTE_KERNEL)
		pte |= MIPS3_PG_G;
	if ((flags & PMAP_SIM_PTE_MANAGED) == 0)
		access |= VM_PROT_READ | (prot & VM_PROT_WRITE);
	if (prot & VM_PROT_WRITE) {
		pte |= MIPS_PG_WR;
		if (access & VM_PROT_WRITE)
			pte |= MIPS3_PG_D;
	}
	if (access)
		pte |= MIPS3_PG_V;
	if (flags & PMAP_SIM_PTE_WIRED)
		pte |= MIPS3_PG_WIRED;
	if (flags & PMAP_SIM_PTE_MANAGED)
		pte |= MIPS_PG_MANAGED;
	return pte;
}

/*
 * mips_pte_rights: what a PTE allows (po_pte_rights): D is both TLB_W and
 * TLB_D, WR TLB_W; no execute bit; G global.
 */
static uint32_t
mips_pte_rights(const struct pmap_sim *ps, uint64_t pte)
{
	(void)ps;
	return mips_rights(pte);
}

/*
 * mips_ptp_make: a segment table entry: the page table's address
 * (po_ptp_make).
 */
static uint64_t
mips_ptp_make(const struct pmap_sim *ps, paddr_t pa, bool kernel)
{
	(void)ps;
	(void)kernel;
	return mips_pa_pte(pa) | MIPS_PG_PRESENT;
}

/*
 * mips_upper_rights: the segment table limits nothing (po_upper_rights).
 */
static uint32_t
mips_upper_rights(const struct pmap_sim *ps, uint64_t all, uint64_t any)
{
	(void)ps;
	(void)all;
	(void)any;
	return TLB_R | TLB_W | TLB_X | TLB_U;
}

/*
 * mips_kernel_slots: none (po_kernel_slots): kseg2 has the kernel pmap's
 * own segment table.
 */
static bool
mips_kernel_slots(const struct pmap_sim *ps, unsigned *firstp,
    unsigned *lastp)
{
	(void)ps;
	*firstp = 1;
	*lastp = 0;
	return false;
}

/* mips_pte_attrs: V as the pmap set it is referenced, D modified
 * (po_pte_attrs). */
static unsigned
mips_pte_attrs(const struct pmap_sim *ps, uint64_t pte)
{
	(void)ps;
	return ((pte & MIPS3_PG_V) ? PMAP_ATTR_REF : 0) |
	    ((pte & MIPS3_PG_D) ? PMAP_ATTR_MOD : 0);
}

/* mips_pte_clear_attrs: V cleared (the next use traps) or D cleared (the
 * next write traps) (po_pte_clear_attrs). */
static uint64_t
mips_pte_clear_attrs(const struct pmap_sim *ps, uint64_t pte,
    unsigned attrs)
{
	(void)ps;
	if (attrs & PMAP_ATTR_REF)
		pte &= ~(uint64_t)MIPS3_PG_V;
	if (attrs & PMAP_ATTR_MOD)
		pte &= ~(uint64_t)MIPS3_PG_D;
	return pte;
}

/* mips_pte_protect: without write, WR and D go (po_pte_protect); there
 * is no execute right to take. */
static uint64_t
mips_pte_protect(const struct pmap_sim *ps, uint64_t pte, vm_prot_t prot)
{
	(void)ps;
	if ((prot & VM_PROT_WRITE) == 0)
		pte &= ~(uint64_t)(MIPS_PG_WR | MIPS3_PG_D);
	return pte;
}

/* mips_pte_remap: opte's V, and its D where npte may write
 * (po_pte_remap). */
static uint64_t
mips_pte_remap(const struct pmap_sim *ps, uint64_t opte, uint64_t npte)
{
	(void)ps;
	npte |= opte & MIPS3_PG_V;
	if (npte & MIPS_PG_WR)
		npte |= opte & MIPS3_PG_D;
	return npte;
}

/* mips_root: kseg2 through the kernel pmap's segment table, useg through
 * pm's (po_root). */
static struct pmap *
mips_root(const struct pmap_sim *ps, struct pmap *pm, vaddr_t va)
{
	return va >= MIPS_KSEG2_START ? ps->ps_kernel : pm;
}

/* mips_activate: EntryHi's ASID becomes pm's (po_activate). */
static void
mips_activate(struct uvmsim_machine *m, unsigned cpu, struct pmap *opm,
    struct pmap *pm)
{
	(void)opm;
	uvmsim__pmap_tlb_asid_acquire(m, cpu, pm);
}

/* mips_miss_pte: mips_tlb_miss's work once w holds the walk (the
 * format's constants: 4-byte little-endian PTEs, pmap_sim_arch_mips). */
static inline UVMSIM__ALWAYS_INLINE int
mips_miss_pte(struct uvmsim_machine *m, unsigned cpu, uint32_t need,
    struct pmap_tlbe *te, struct pmap_walk *w)
{
	struct pmap_cpu *pc = &m->pmap_sim->ps_cpus[cpu];
	uint32_t want = need & ~TLB_D;
	bool write = (need & TLB_D) != 0;
	uint64_t pte, npte, bpte, frame;
	struct vm_page *pg;
	uint8_t *ptes;

	if (w->pw_stop != 0)
		return PMAP_SIM_MISS_FAULT;
	pte = w->pw_pte;
	if ((w->pw_acc & mips_rights(pte) & want) != want)
		return PMAP_SIM_MISS_FAULT;
	pg = w->pw_pg;
	npte = pte;
	if ((pte & MIPS3_PG_V) == 0) {
		npte |= MIPS3_PG_V;		/* TLB invalid: referenced */
		pc->pc_stats.faults_refmod++;
		if (pte & MIPS_PG_MANAGED)
			pg->mdpage.mdpg_attrs |= PMAP_ATTR_REF;
	}
	if (write && (pte & MIPS3_PG_D) == 0) {
		npte |= MIPS3_PG_D;		/* TLB modified: modified */
		pc->pc_stats.faults_refmod++;
		if (pte & MIPS_PG_MANAGED)
			pg->mdpage.mdpg_attrs |= PMAP_ATTR_MOD;
	}
	ptes = (uint8_t *)uvmsim__pgdata(m, w->pw_ptp[1]);
	if (npte != pte) {
		pmap_pte_write(ptes + (size_t)w->pw_idx[1] * 4, 4, false, npte);
		w->pw_pte = npte;
	}
	w->pw_rights = w->pw_acc & mips_rights(npte);
	if (te != NULL && (need & ~te->te_rights) == TLB_D && pg == te->te_pg)
		return PMAP_SIM_MISS_DIRTY;
	/* The pair: the other page's PTE, next to this one. */
	bpte = pmap_pte_read(ptes + (size_t)(w->pw_idx[1] ^ 1) * 4, 4, false);
	if ((bpte & (MIPS_PG_PRESENT | MIPS3_PG_V)) ==
	    (MIPS_PG_PRESENT | MIPS3_PG_V)) {
		frame = ((bpte & MIPS3_PG_FRAME) >> MIPS3_PG_SHIFT) -
		    (m->phys_base >> 12);
		if (frame < m->npages) {
			w->pw_pair_pg = &m->pages[frame];
			w->pw_pair_rights = w->pw_acc & mips_rights(bpte);
		}
	}
	return PMAP_SIM_MISS_FILL;
}

/* mips_miss_walk: mips_tlb_miss when pm's walk cache does not answer: the
 * walk from the root (apart, to keep the usual path free of calls). */
static __attribute__((__noinline__)) int
mips_miss_walk(struct uvmsim_machine *m, unsigned cpu, struct pmap *pm,
    vaddr_t va, uint32_t need, struct pmap_tlbe *te, struct pmap_walk *w)
{
	uvmsim__pmap_walk_fill(m, pm, va, w);
	return mips_miss_pte(m, cpu, need, te, w);
}

/*
 * mips_tlb_miss: the refill handler and the TLB exceptions the pmap
 * resolves (po_tlb_miss).
 *
 * => te NULL: a refill (tlb_refills): the segment table of the pmap of
 *	va's segment, then the PTE.  te set: the entry lacked the right (a
 *	"TLB modified" exception on a write).
 * => a PTE allowing the access: V clear is the TLB invalid exception,
 *	resolved by setting V (referenced); a write with D clear and WR set
 *	the "TLB modified" exception, resolved by setting D (modified); each
 *	counted in faults_refmod.  The other page of the even/odd pair, when
 *	valid, is loaded too (pw_pair_pg).  Then PMAP_SIM_MISS_DIRTY when te
 *	is the page's entry lacking TLB_D alone, else PMAP_SIM_MISS_FILL.
 *	Else PMAP_SIM_MISS_FAULT.
 */
static int
mips_tlb_miss(struct uvmsim_machine *m, unsigned cpu, vaddr_t va,
    uint32_t need, struct pmap_tlbe *te, struct pmap_walk *w)
{
	struct pmap_sim *ps = m->pmap_sim;
	struct pmap_cpu *pc = &ps->ps_cpus[cpu];
	struct pmap *pm = va >= MIPS_KSEG2_START ? ps->ps_kernel :
	    pc->pc_pmap;

	if (te == NULL)
		pc->pc_stats.tlb_refills++;
	if (!pmap_walk_cached(m, pm, va, w, &pmap_sim_arch_mips))
		return mips_miss_walk(m, cpu, pm, va, need, te, w);
	return mips_miss_pte(m, cpu, need, te, w);
}

/*
 * mips_pte_str: the bits by NetBSD/mips's names (G, V, D, C=n, WIRED),
 * and the software bits PRESENT, MANAGED and WR.
 */
static void
mips_pte_str(const struct pmap_sim *ps, unsigned level, uint64_t pte,
    char *buf, size_t len)
{
	static const struct {
		uint64_t	bit;
		const char	*name;
	} names[] = {
		{ MIPS3_PG_G, "G" }, { MIPS3_PG_V, "V" }, { MIPS3_PG_D, "D" },
	}, soft[] = {
		{ MIPS_PG_PRESENT, "PRESENT" }, { MIPS_PG_MANAGED, "MANAGED" },
		{ MIPS_PG_WR, "WR" }, { MIPS3_PG_WIRED, "WIRED" },
	};
	size_t i, n = 0;

	(void)ps;
	buf[0] = '\0';
#define ADD(...) do {							\
	if (n < len)							\
		n += (size_t)snprintf(buf + n, len - n, __VA_ARGS__);	\
} while (0)
	if (level > 1) {
		ADD("PT");		/* a segment table entry */
		return;
	}
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (pte & names[i].bit)
			ADD("%s%s", n == 0 ? "" : " ", names[i].name);
	ADD("%sC=%u", n == 0 ? "" : " ",
	    (unsigned)((pte & MIPS3_PG_CACHEMODE) >> 3));
	for (i = 0; i < sizeof(soft) / sizeof(soft[0]); i++)
		if (pte & soft[i].bit)
			ADD(" %s", soft[i].name);
#undef ADD
}

static const struct pmap_sim_ops mips_ops = {
	.po_pte_make = mips_pte_make,
	.po_pte_rights = mips_pte_rights,
	.po_ptp_make = mips_ptp_make,
	.po_upper_rights = mips_upper_rights,
	.po_kernel_slots = mips_kernel_slots,
	.po_pte_attrs = mips_pte_attrs,
	.po_pte_clear_attrs = mips_pte_clear_attrs,
	.po_root = mips_root,
	.po_activate = mips_activate,
	.po_tlb_miss = mips_tlb_miss,
	.po_pte_str = mips_pte_str,
	.po_pte_protect = mips_pte_protect,
	.po_pte_remap = mips_pte_remap,
};

const struct pmap_sim_arch pmap_sim_arch_mips = {
	.pa_name = "mips",
	.pa_page_shift = 12,
	.pa_levels = 2,
	.pa_index_bits = { 10, 10 },
	.pa_pte_bytes = 4,
	.pa_big_endian = false,
	.pa_bit_valid = 28,		/* PRESENT (V is emulation's) */
	.pa_bit_read = -1,
	.pa_bit_write = 30,		/* WR */
	.pa_bit_user = -1,		/* useg: by address */
	.pa_bit_exec = -1,
	.pa_bit_noexec = -1,		/* no execute right */
	.pa_bit_accessed = 1,		/* V */
	.pa_bit_dirty = 2,		/* D */
	.pa_bit_global = 0,		/* G */
	.pa_bit_wired = 31,		/* WIRED */
	.pa_bit_managed = 29,		/* MANAGED */
	.pa_pfn_shift = MIPS3_PG_SHIFT,
	.pa_addr_mask = MIPS3_PG_FRAME,
	.pa_va_bits = 32,
	.pa_va_signext = false,
	.pa_tlb_pairs = true,
	.pa_direct_min = MIPS_KSEG0_START,
	.pa_direct_max = MIPS_KSEG1_START,
	.pa_asid_bits = 8,
	.pa_user_min = 0,
	.pa_user_max = MIPS_KSEG0_START,
	.pa_kernel_min = MIPS_KSEG2_START,
	.pa_kernel_max = MIPS_KSEG2_START + (4UL << 20),
	.pa_ops = &mips_ops,
};
