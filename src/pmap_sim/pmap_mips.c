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

/* What the segment table allows: every right (mips_upper_rights), so that
 * a walk's pw_acc is every right and a PTE's rights are the walk's. */
#define MIPS_UPPER_RIGHTS	(TLB_R | TLB_W | TLB_X | TLB_U)
#define MIPS_WALK_ACC		(MIPS_UPPER_RIGHTS | TLB_G | TLB_D)

#define MIPS_SEGSHIFT		22	/* va bits a page table maps */
#define MIPS_NPTEPG		1024	/* PTEs in a page table */

static inline uint64_t
mips_pa_pte(paddr_t pa)
{
	return ((pa >> 12) << MIPS3_PG_SHIFT) & MIPS3_PG_FRAME;
}

/*
 * mips_rights: the TLB_ rights of a PRESENT PTE, inline for the refill:
 * readable and executable; WR or D writable, D without a further trap;
 * G global and kernel-only, else user (useg).  Read from a table by the
 * three bits that decide them, G, WR and D: a handful of instructions
 * and no branch.
 */
#define MIPS_RIGHTS(g, wr, d)						\
	(TLB_R | TLB_X | ((g) ? TLB_G : TLB_U) |			\
	    ((wr) || (d) ? TLB_W : 0) | ((d) ? TLB_D : 0))
static const uint8_t mips_rights_tab[8] = {	/* by G | WR << 1 | D << 2 */
	MIPS_RIGHTS(0, 0, 0), MIPS_RIGHTS(1, 0, 0),
	MIPS_RIGHTS(0, 1, 0), MIPS_RIGHTS(1, 1, 0),
	MIPS_RIGHTS(0, 0, 1), MIPS_RIGHTS(1, 0, 1),
	MIPS_RIGHTS(0, 1, 1), MIPS_RIGHTS(1, 1, 1),
};
#undef MIPS_RIGHTS

static inline UVMSIM__ALWAYS_INLINE uint32_t
mips_rights(uint64_t pte)
{
	return mips_rights_tab[(pte & (MIPS3_PG_G | MIPS3_PG_D)) |
	    ((pte & MIPS_PG_WR) >> 29)];
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
	return (pte & MIPS_PG_PRESENT) ? mips_rights(pte) : 0;
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
	return MIPS_UPPER_RIGHTS;
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

/* mips_pte_prot: what the mapping grants (po_pte_prot): read and
 * execute while PRESENT, write with WR (or D), V and D's emulation
 * aside: mips_pte_rights' grant, without the TLB_ bits' detour. */
static vm_prot_t
mips_pte_prot(const struct pmap_sim *ps, uint64_t pte)
{
	(void)ps;
	if ((pte & MIPS_PG_PRESENT) == 0)
		return VM_PROT_NONE;
	return VM_PROT_READ | VM_PROT_EXECUTE |
	    ((pte & (MIPS_PG_WR | MIPS3_PG_D)) ? VM_PROT_WRITE : 0);
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

/*
 * mips_pair_load: the other page of the pair, whose PTE bpte is valid,
 * loaded with va's (pw_pair_pg, pw_pair_rights) when it is a frame of
 * the machine.  Apart from mips_miss_pair, so that the refill keeps
 * fewer values at once and saves no register.
 */
static __attribute__((__noinline__)) int
mips_pair_load(const struct uvmsim_machine *m, uint64_t bpte,
    struct pmap_walk *w)
{
	uint64_t frame = ((bpte & MIPS3_PG_FRAME) >> MIPS3_PG_SHIFT) -
	    (m->phys_base >> 12);

	if (frame < m->npages) {
		w->pw_pair_pg = &m->pages[frame];
		w->pw_pair_rights = mips_rights(bpte);	/* (MIPS_WALK_ACC) */
	}
	return PMAP_SIM_MISS_FILL;
}

/*
 * mips_miss_pair: the end of a refill that loads va's page (w's leaf, the
 * PTE at index idx of the page table ptes, allowing the access with
 * rights): the rights in w, and the other page of the even/odd pair, the
 * PTE next to it, when valid (mips_pair_load); PMAP_SIM_MISS_DIRTY
 * instead when te is the page's entry lacking TLB_D alone.
 */
static inline UVMSIM__ALWAYS_INLINE int
mips_miss_pair(const struct uvmsim_machine *m, const uint8_t *ptes,
    unsigned idx, uint32_t rights, uint32_t need,
    const struct pmap_tlbe *te, struct pmap_walk *w)
{
	uint64_t bpte;

	w->pw_rights = rights;
	if (te != NULL && (need & ~te->te_rights) == TLB_D &&
	    w->pw_pg == te->te_pg)
		return PMAP_SIM_MISS_DIRTY;
	bpte = pmap_pte_read(ptes + (size_t)(idx ^ 1) * 4, 4, false);
	if ((bpte & (MIPS_PG_PRESENT | MIPS3_PG_V)) ==
	    (MIPS_PG_PRESENT | MIPS3_PG_V))
		return mips_pair_load(m, bpte, w);
	return PMAP_SIM_MISS_FILL;
}

/*
 * mips_miss_exc: the TLB exceptions of a refill whose PTE allows the
 * access but is not yet valid (V clear: the TLB invalid exception) or not
 * yet dirty for a write (D clear: the "TLB modified" exception): the
 * pmap sets V or D, each counted in faults_refmod and recorded in a
 * managed page's attributes, writes the PTE back and goes on with the
 * refill.  Apart, so that the usual refill, which finds neither, saves
 * no register for it.
 */
static __attribute__((__noinline__)) int
mips_miss_exc(struct uvmsim_machine *m, unsigned cpu, uint32_t need,
    const struct pmap_tlbe *te, struct pmap_walk *w)
{
	struct pmap_cpu *pc = &m->pmap_sim->ps_cpus[cpu];
	uint8_t *ptes = (uint8_t *)uvmsim__pgdata(m, w->pw_ptp[1]);
	unsigned idx = w->pw_idx[1];
	struct vm_page *pg = w->pw_pg;
	uint64_t pte = w->pw_pte, npte = pte;

	if ((pte & MIPS3_PG_V) == 0) {
		npte |= MIPS3_PG_V;		/* TLB invalid: referenced */
		pc->pc_stats.faults_refmod++;
		if (pte & MIPS_PG_MANAGED)
			pg->mdpage.mdpg_attrs |= PMAP_ATTR_REF;
	}
	if ((need & TLB_D) && (pte & MIPS3_PG_D) == 0) {
		npte |= MIPS3_PG_D;		/* TLB modified: modified */
		pc->pc_stats.faults_refmod++;
		if (pte & MIPS_PG_MANAGED)
			pg->mdpage.mdpg_attrs |= PMAP_ATTR_MOD;
	}
	pmap_pte_write(ptes + (size_t)idx * 4, 4, false, npte);
	w->pw_pte = npte;
	return mips_miss_pair(m, ptes, idx, mips_rights(npte), need, te, w);
}

/*
 * mips_miss_leaf: the refill's work once w holds a walk that reached the
 * valid leaf PTE pte, at index idx of the page table ptes: a fault
 * unless the PTE allows the access; the exceptions (mips_miss_exc) when
 * V, or D for a write, is clear; else the load of the pair.
 */
static inline UVMSIM__ALWAYS_INLINE int
mips_miss_leaf(struct uvmsim_machine *m, unsigned cpu, uint8_t *ptes,
    unsigned idx, uint64_t pte, uint32_t need, const struct pmap_tlbe *te,
    struct pmap_walk *w)
{
	uint32_t want = need & ~TLB_D;
	uint32_t rights = mips_rights(pte);	/* (pw_acc: MIPS_WALK_ACC) */

	if ((rights & want) != want)
		return PMAP_SIM_MISS_FAULT;
	/* V clear, or D clear with TLB_D needed (the rights' D is the
	 * PTE's): an exception before the load. */
	if (__predict_false((pte & MIPS3_PG_V) == 0 ||
	    (need & ~rights & TLB_D) != 0))
		return mips_miss_exc(m, cpu, need, te, w);
	return mips_miss_pair(m, ptes, idx, rights, need, te, w);
}

/* mips_miss_walk: mips_tlb_miss when the walk cache of pm, the pmap of
 * va's segment, does not answer: the walk from the root (apart, to keep
 * the usual path free of calls). */
static __attribute__((__noinline__)) int
mips_miss_walk(struct uvmsim_machine *m, unsigned cpu, vaddr_t va,
    uint32_t need, const struct pmap_tlbe *te, struct pmap_walk *w)
{
	struct pmap_sim *ps = m->pmap_sim;

	uvmsim__pmap_walk_fill(m, va >= MIPS_KSEG2_START ? ps->ps_kernel :
	    ps->ps_cpus[cpu].pc_pmap, va, w);
	if (w->pw_stop != 0)
		return PMAP_SIM_MISS_FAULT;
	return mips_miss_leaf(m, cpu, (uint8_t *)uvmsim__pgdata(m,
	    w->pw_ptp[1]), w->pw_idx[1], w->pw_pte, need, te, w);
}

/*
 * mips_tlb_miss: the refill handler and the TLB exceptions the pmap
 * resolves (po_tlb_miss).
 *
 * => te NULL: a refill (tlb_refills): the segment table of the pmap of
 *	va's segment, then the PTE.  te set: the entry lacked the right (a
 *	"TLB modified" exception on a write).
 * => the segment table through the pmap's walk cache: the cached path
 *	reads the PTE alone, with the format's constants (SEGSHIFT, 4-byte
 *	little-endian PTEs), and fills in w the page table and entry, not
 *	the segment table's.
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
	const struct pmap_wcache *wc = &pm->pm_wc;

	if (te == NULL)
		pc->pc_stats.tlb_refills++;
	if (__predict_false(wc->wc_gen != ps->ps_ptpgen ||
	    wc->wc_tag != va >> MIPS_SEGSHIFT))
		return mips_miss_walk(m, cpu, va, need, te, w);
	/* The cached path to the page table: the PTE alone. */
	if (!pmap_leaf_cached(m, wc, va, w, &pmap_sim_arch_mips))
		return PMAP_SIM_MISS_FAULT;
	w->pw_acc = MIPS_WALK_ACC;	/* (wc_acc, whatever the path) */
	return mips_miss_leaf(m, cpu, uvmsim__pgdata(m, w->pw_ptp[1]),
	    w->pw_idx[1], w->pw_pte, need, te, w);
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
	.po_pte_prot = mips_pte_prot,
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
