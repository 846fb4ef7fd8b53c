/*
 * pmap_aarch64.c: the AArch64 backend: VMSAv8-64 translation with the
 * 4 KiB granule, four levels, 48-bit addresses in each of two halves.
 *
 * Tables are as the Arm ARM gives them (D8, "VMSAv8-64 translation
 * table format descriptors") and as NetBSD/aarch64's pte.h names them:
 *
 *	level 4  L0   index va[47:39]   root: TTBR0_EL1 (user) or TTBR1_EL1
 *	level 3  L1   index va[38:30]
 *	level 2  L2   index va[29:21]
 *	level 1  L3   index va[20:12]   page descriptors map 4 KiB pages
 *
 * (the glue counts levels from the leaf up, as NetBSD/x86 does; the Arm
 * ARM's L0 is level 4 here).  Each descriptor is 8 bytes, little-endian.
 * A table descriptor (levels 4..2) is
 *
 *	bit  0     valid
 *	bit  1     type: 1, a table
 *	bits 12..47  physical address of the next table
 *	bits 59..62  PXNTable, UXNTable, APTable: left 0 (no limit), as
 *	           NetBSD leaves them, so that the page decides
 *
 * and a page descriptor (level 1) is
 *
 *	bit  0     valid
 *	bit  1     type: 1, a page
 *	bits 2..4  AttrIndx: 0, normal write-back memory (MAIR_EL1 slot 0,
 *	           NetBSD's LX_BLKPAG_ATTR_NORMAL_WB)
 *	bit  6     AP[1]: EL0 (user) access
 *	bit  7     AP[2]: read-only
 *	bits 8..9  SH: 3, inner shareable
 *	bit 10     AF: the access flag
 *	bit 11     nG: not global: the entry is tagged with the ASID
 *	bits 12..47  physical address of the page
 *	bit 51     DBM: dirty-bit modifier (AP[2] is then "clean")
 *	bit 53     PXN: no execution at EL1
 *	bit 54     UXN: no execution at EL0
 *	bit 55     OS_READ   } software bits (LX_BLKPAG_OS_0..3): the
 *	bit 56     OS_WRITE  } rights the pmap granted, kept apart from
 *	bit 57     OS_WIRED  } AP[2] and AF, which emulation changes;
 *	bit 58     OS_MANAGED} a wired mapping; a managed one (the page
 *	                       has a pv entry; NetBSD/aarch64 uses OS_3 for
 *	                       its boot mappings, which the simulator has
 *	                       none of, and finds pv entries otherwise)
 *
 * AP[2:1]: 00 EL1 read/write; 01 EL1 and EL0 read/write; 10 EL1
 * read-only; 11 EL1 and EL0 read-only.
 *
 * Two roots: TTBR0 (the active pmap's root) translates the lower half,
 * [0, 2^48); TTBR1 (the kernel pmap's root) the upper half, from
 * 0xffff000000000000; an address whose bits 63..48 are neither all 0 nor
 * all 1 is no address (pa_va_bits 49, sign-extended).  The kernel's map
 * covers the first GiB of NetBSD/aarch64's kernel VM space,
 * VM_MIN_KERNEL_ADDRESS 0xffffc00000000000; the user's ends at
 * VM_MAXUSER_ADDRESS, 2^48 - 4 KiB.
 *
 * What the MMU and the pmap do, as the functions below give it to the
 * glue (pmap_sim.h describes each operation):
 *
 *   - the kernel has a root of its own (TTBR1): no user root holds kernel
 *     entries (aarch64_kernel_slots false), and a walk picks the root by
 *     va's top bit (aarch64_root, aarch64_tlb_miss);
 *   - kernel mappings are global and EL1-only (AP[1] clear, UXN always,
 *     PXN unless executable); user mappings are nG, EL0 (AP[1]), PXN
 *     always, UXN unless executable (aarch64_pte_make);
 *   - the TLB tags nG entries with the ASID (8 bits, as ID_AA64MMFR0_EL1
 *     ASIDBits 0 gives): a pmap switch flushes nothing, and the ASID space
 *     is the glue's (pmap_tlb.c; aarch64_activate);
 *   - referenced is emulated with the access flag: a mapping made without
 *     an access, or whose AF pmap_clear_reference cleared, has AF clear,
 *     and the access takes an access flag fault that the pmap resolves by
 *     setting AF (and the page's referenced attribute), as NetBSD's
 *     pmap_fault_fixup does, without uvm_fault (counted as
 *     faults_access_flag);
 *   - modified is emulated with AP[2]: a writable mapping (OS_WRITE) not
 *     known modified is read-only in hardware; the first write takes a
 *     permission fault that the pmap resolves by clearing AP[2] and
 *     recording modified (faults_refmod).  With cfg.dbm the mapping also
 *     has DBM, and the hardware clears AP[2] on that write itself, with
 *     no fault.  pmap_clear_modify sets AP[2] again.  A mapping with AP[2]
 *     clear is the page modified: its TLB entries have TLB_D.
 *   - unmanaged (pmap_kenter_pa) mappings are made referenced and, if
 *     writable, modified: they have no attributes to emulate, as
 *     NetBSD/aarch64 makes them.
 */
#include "pmap_impl.h"

/* The bits, as NetBSD/aarch64's pte.h names them. */
#define LX_VALID		0x0000000000000001ULL
#define LX_TYPE_TBL		0x0000000000000002ULL	/* table (L0-L2) */
#define L3_TYPE_PAG		0x0000000000000002ULL	/* page (L3) */
#define LX_BLKPAG_ATTR_INDX	0x000000000000001cULL	/* AttrIndx */
#define LX_BLKPAG_AP_USER	0x0000000000000040ULL	/* AP[1]: EL0 */
#define LX_BLKPAG_AP_RO		0x0000000000000080ULL	/* AP[2]: read-only */
#define LX_BLKPAG_SH_IS		0x0000000000000300ULL	/* inner shareable */
#define LX_BLKPAG_AF		0x0000000000000400ULL	/* access flag */
#define LX_BLKPAG_NG		0x0000000000000800ULL	/* not global */
#define LX_BLKPAG_OA		0x0000fffffffff000ULL	/* output address */
#define LX_BLKPAG_DBM		0x0008000000000000ULL	/* dirty-bit modifier */
#define LX_BLKPAG_PXN		0x0020000000000000ULL	/* no EL1 execution */
#define LX_BLKPAG_UXN		0x0040000000000000ULL	/* no EL0 execution */
#define LX_BLKPAG_OS_READ	0x0080000000000000ULL	/* OS_0: may read */
#define LX_BLKPAG_OS_WRITE	0x0100000000000000ULL	/* OS_1: may write */
#define LX_BLKPAG_OS_WIRED	0x0200000000000000ULL	/* OS_2: wired */
#define LX_BLKPAG_OS_MANAGED	0x0400000000000000ULL	/* OS_3: has a pv */
#define LX_TBL_PXNTABLE		0x0800000000000000ULL
#define LX_TBL_UXNTABLE		0x1000000000000000ULL
#define LX_TBL_APTABLE		0x6000000000000000ULL

/* The 4 KiB granule: va bits an L3 page and an L2 entry map, and the
 * entries of a table. */
#define AARCH64_L3_SHIFT	12
#define AARCH64_L2_SHIFT	21
#define AARCH64_Ln_ENTRIES	512

/*
 * aarch64_rights: the TLB_ rights of a valid page descriptor, inline for
 * the miss.  TLB_W: the pmap's write right (OS_WRITE), or AP[2] clear,
 * which lets the hardware write whatever OS_WRITE says (or DBM, which
 * lets it clear AP[2]); TLB_D: AP[2] clear, writable with no fault (the
 * page known modified); TLB_U: AP[1]; TLB_X: UXN clear for an EL0 page,
 * PXN clear for an EL1 one; TLB_G: nG clear.  Read from a table by the
 * six things that decide them (AARCH64_RIX), gathered from the
 * descriptor by a few shifts: no branch.
 */
#define AARCH64_RIX_USER	0x01	/* AP[1] */
#define AARCH64_RIX_RO		0x02	/* AP[2] */
#define AARCH64_RIX_PXN		0x04
#define AARCH64_RIX_UXN		0x08
#define AARCH64_RIX_NG		0x10
#define AARCH64_RIX_WR		0x20	/* OS_WRITE or DBM */
#define AARCH64_RIGHTS(i)						\
	(TLB_R |							\
	    (((i) & AARCH64_RIX_RO) == 0 ? TLB_W | TLB_D :		\
	    ((i) & AARCH64_RIX_WR) ? TLB_W : 0) |			\
	    (((i) & AARCH64_RIX_USER) ?					\
	    TLB_U | (((i) & AARCH64_RIX_UXN) ? 0 : TLB_X) :		\
	    (((i) & AARCH64_RIX_PXN) ? 0 : TLB_X)) |			\
	    (((i) & AARCH64_RIX_NG) ? 0 : TLB_G))
#define AARCH64_R4(i)							\
	AARCH64_RIGHTS(i), AARCH64_RIGHTS((i) + 1),			\
	AARCH64_RIGHTS((i) + 2), AARCH64_RIGHTS((i) + 3)
#define AARCH64_R16(i)							\
	AARCH64_R4(i), AARCH64_R4((i) + 4), AARCH64_R4((i) + 8),	\
	AARCH64_R4((i) + 12)
static const uint8_t aarch64_rights_tab[64] = {
	AARCH64_R16(0), AARCH64_R16(16), AARCH64_R16(32), AARCH64_R16(48),
};
#undef AARCH64_R16
#undef AARCH64_R4
#undef AARCH64_RIGHTS

/* The index gathers AP[2:1] (bits 7:6), PXN and UXN (54:53) and nG (11)
 * as they lie, two at a time. */
_Static_assert(LX_BLKPAG_AP_USER >> 6 == AARCH64_RIX_USER &&
    LX_BLKPAG_AP_RO >> 6 == AARCH64_RIX_RO &&
    LX_BLKPAG_PXN >> 51 == AARCH64_RIX_PXN &&
    LX_BLKPAG_UXN >> 51 == AARCH64_RIX_UXN &&
    LX_BLKPAG_NG >> 7 == AARCH64_RIX_NG,
    "aarch64_rights' index: the descriptor's bits shifted into place");

static inline UVMSIM__ALWAYS_INLINE uint32_t
aarch64_rights(uint64_t pte)
{
	unsigned i = (unsigned)((pte & (LX_BLKPAG_AP_USER |
	    LX_BLKPAG_AP_RO)) >> 6) |
	    (unsigned)((pte & (LX_BLKPAG_PXN | LX_BLKPAG_UXN)) >> 51) |
	    (unsigned)((pte & LX_BLKPAG_NG) >> 7) |
	    ((pte & (LX_BLKPAG_OS_WRITE | LX_BLKPAG_DBM)) ?
	    AARCH64_RIX_WR : 0);

	return aarch64_rights_tab[i];
}

/*
 * aarch64_pte_make: the page descriptor mapping pa with prot
 * (po_pte_make).
 */
static uint64_t
aarch64_pte_make(const struct pmap_sim *ps, paddr_t pa, vm_prot_t prot,
    vm_prot_t access, unsigned flags)
{
	uint64_t pte = (pa & LX_BLKPAG_OA) | LX_VALID | L3_TYPE_PAG |
	    LX_BLKPAG_SH_IS | LX_BLKPAG_AP_RO | LX_BLKPAG_OS_READ;

	if (flags & PMAP_SIM_PTE_KERNEL) {
		pte |= LX_BLKPAG_UXN;
		if ((prot & VM_PROT_EXECUTE) == 0)
			pte |= LX_BLKPAG_PXN;
	} else {
		pte |= LX_BLKPAG_NG | LX_BLKPAG_AP_USER | LX_BLKPAG_PXN;
		if ((prot & VM_PROT_EXECUTE) == 0)
			pte |= LX_BLKPAG_UXN;
	}
	if ((flags & PMAP_SIM_PTE_MANAGED) == 0)
		access |= VM_PROT_READ | (prot & VM_PROT_WRITE);
	if (prot & VM_PROT_WRITE) {
		pte |= LX_BLKPAG_OS_WRITE;
		if (ps->ps_dbm)
			pte |= LX_BLKPAG_DBM;
		if (access & VM_PROT_WRITE)
			pte &= ~LX_BLKPAG_AP_RO;	/* modified already */
	}
	if (access)
		pte |= LX_BLKPAG_AF;
	if (flags & PMAP_SIM_PTE_WIRED)
		pte |= LX_BLKPAG_OS_WIRED;
	if (flags & PMAP_SIM_PTE_MANAGED)
		pte |= LX_BLKPAG_OS_MANAGED;
	return pte;
}

/*
 * aarch64_pte_rights: what a page descriptor allows (po_pte_rights):
 * AP[1] user, AP[2] clear or OS_WRITE writable (TLB_D only with AP[2]
 * clear), UXN or PXN by its mode, nG clear global.
 */
static uint32_t
aarch64_pte_rights(const struct pmap_sim *ps, uint64_t pte)
{
	(void)ps;
	return (pte & LX_VALID) ? aarch64_rights(pte) : 0;
}

/* TLB_R, TLB_W and TLB_X are VM_PROT_READ, VM_PROT_WRITE and
 * VM_PROT_EXECUTE, for aarch64_pte_prot. */
_Static_assert(TLB_R == VM_PROT_READ && TLB_W == VM_PROT_WRITE &&
    TLB_X == VM_PROT_EXECUTE, "TLB_ rights as VM_PROT_ rights");

/*
 * aarch64_pte_prot: what the mapping grants (po_pte_prot): the read,
 * write and execute of aarch64_pte_rights, whose write is the pmap's
 * (OS_WRITE) whatever AP[2] says while the page is clean.
 */
static vm_prot_t
aarch64_pte_prot(const struct pmap_sim *ps, uint64_t pte)
{
	(void)ps;
	if ((pte & LX_VALID) == 0)
		return VM_PROT_NONE;
	return (vm_prot_t)(aarch64_rights(pte) & (TLB_R | TLB_W | TLB_X));
}

/*
 * aarch64_ptp_make: a table descriptor (po_ptp_make), its table
 * attributes left without limit, in a user or kernel table alike.
 */
static uint64_t
aarch64_ptp_make(const struct pmap_sim *ps, paddr_t pa, bool kernel)
{
	(void)ps;
	(void)kernel;
	return (pa & LX_BLKPAG_OA) | LX_VALID | LX_TYPE_TBL;
}

/*
 * aarch64_upper_rights: the rights the table descriptors allow
 * (po_upper_rights): APTable[0] at any level takes EL0 away, APTable[1]
 * writing; UXNTable and PXNTable execution.  The pmap sets none of them.
 */
static uint32_t
aarch64_upper_rights(const struct pmap_sim *ps, uint64_t all, uint64_t any)
{
	uint32_t acc = TLB_R | TLB_W | TLB_X | TLB_U;

	(void)ps;
	(void)all;
	if (any & (LX_TBL_APTABLE & (LX_TBL_APTABLE >> 1)))
		acc &= ~TLB_U;		/* APTable[0]: no EL0 */
	if (any & (LX_TBL_APTABLE & (LX_TBL_APTABLE << 1)))
		acc &= ~TLB_W;		/* APTable[1]: read-only */
	if (any & (LX_TBL_UXNTABLE | LX_TBL_PXNTABLE))
		acc &= ~TLB_X;
	return acc;
}

/*
 * aarch64_kernel_slots: none (po_kernel_slots): TTBR1 holds the kernel's
 * own root.
 */
static bool
aarch64_kernel_slots(const struct pmap_sim *ps, unsigned *firstp,
    unsigned *lastp)
{
	(void)ps;
	*firstp = 1;
	*lastp = 0;
	return false;
}

/*
 * aarch64_pte_attrs: the emulated attributes (po_pte_attrs): AF is
 * referenced, AP[2] clear on a mapping the pmap lets write is modified.
 */
static unsigned
aarch64_pte_attrs(const struct pmap_sim *ps, uint64_t pte)
{
	(void)ps;
	return ((pte & LX_BLKPAG_AF) ? PMAP_ATTR_REF : 0) |
	    ((pte & (LX_BLKPAG_AP_RO | LX_BLKPAG_OS_WRITE)) ==
	    LX_BLKPAG_OS_WRITE ? PMAP_ATTR_MOD : 0);
}

/*
 * aarch64_pte_clear_attrs: pte with AF cleared (PMAP_ATTR_REF: the next
 * access faults) or AP[2] set (PMAP_ATTR_MOD: the next write faults, or
 * with DBM clears it again) (po_pte_clear_attrs).
 */
static uint64_t
aarch64_pte_clear_attrs(const struct pmap_sim *ps, uint64_t pte,
    unsigned attrs)
{
	(void)ps;
	if (attrs & PMAP_ATTR_REF)
		pte &= ~LX_BLKPAG_AF;
	if (attrs & PMAP_ATTR_MOD)
		pte |= LX_BLKPAG_AP_RO;
	return pte;
}

/*
 * aarch64_pte_protect: pte with its rights lowered to prot
 * (po_pte_protect): without write, OS_WRITE and DBM go and AP[2] is set
 * (the modified attribute the PTE loses the glue keeps in the page);
 * without execute, UXN and PXN.
 */
static uint64_t
aarch64_pte_protect(const struct pmap_sim *ps, uint64_t pte, vm_prot_t prot)
{
	(void)ps;
	if ((prot & VM_PROT_WRITE) == 0)
		pte = (pte & ~(LX_BLKPAG_OS_WRITE | LX_BLKPAG_DBM)) |
		    LX_BLKPAG_AP_RO;
	if ((prot & VM_PROT_EXECUTE) == 0)
		pte |= LX_BLKPAG_UXN | LX_BLKPAG_PXN;
	return pte;
}

/*
 * aarch64_pte_remap: npte for the page opte maps already, with opte's
 * AF and, where npte may write, its AP[2] clear (po_pte_remap).
 */
static uint64_t
aarch64_pte_remap(const struct pmap_sim *ps, uint64_t opte, uint64_t npte)
{
	(void)ps;
	npte |= opte & LX_BLKPAG_AF;
	if ((aarch64_pte_attrs(ps, opte) & PMAP_ATTR_MOD) &&
	    (npte & LX_BLKPAG_OS_WRITE))
		npte &= ~LX_BLKPAG_AP_RO;
	return npte;
}

/*
 * aarch64_root: TTBR1 (the kernel pmap's root) for the upper half, TTBR0
 * (pm's) for the lower (po_root).
 */
static struct pmap *
aarch64_root(const struct pmap_sim *ps, struct pmap *pm, vaddr_t va)
{
	return (va >> 63) ? ps->ps_kernel : pm;
}

/*
 * aarch64_activate: TTBR0 gets pm's root and the ASID its tag
 * (po_activate): nothing is flushed unless the ASIDs roll over.
 */
static void
aarch64_activate(struct uvmsim_machine *m, unsigned cpu, struct pmap *opm,
    struct pmap *pm)
{
	(void)opm;
	uvmsim__pmap_tlb_asid_acquire(m, cpu, pm);
}

/*
 * aarch64_miss_fill: the end of a miss whose descriptor allows the access
 * with rights and needs no fault resolved: the rights in w, and
 * PMAP_SIM_MISS_DIRTY when te is the page's entry lacking TLB_D alone,
 * else PMAP_SIM_MISS_FILL.
 */
static inline UVMSIM__ALWAYS_INLINE int
aarch64_miss_fill(uint32_t rights, uint32_t need, const struct pmap_tlbe *te,
    struct pmap_walk *w)
{
	w->pw_rights = rights;
	if (te != NULL && (need & ~te->te_rights) == TLB_D &&
	    w->pw_pg == te->te_pg)
		return PMAP_SIM_MISS_DIRTY;
	return PMAP_SIM_MISS_FILL;
}

/*
 * aarch64_miss_fixup: the faults the pmap resolves without uvm_fault, on
 * a descriptor that allows the access: AF clear, an access flag fault
 * (AF set, the page's referenced attribute); a write with AP[2] set,
 * which DBM lets the hardware clear, else a permission fault the pmap
 * resolves (AP[2] cleared, the page's modified attribute).  The
 * descriptor written back, the miss goes on.  Apart, as NetBSD's
 * pmap_fault_fixup is: the usual miss finds neither and saves no
 * register for it.
 */
static __attribute__((__noinline__)) int
aarch64_miss_fixup(struct uvmsim_machine *m, unsigned cpu, uint32_t need,
    const struct pmap_tlbe *te, struct pmap_walk *w)
{
	struct pmap_sim *ps = m->pmap_sim;
	struct pmap_cpu *pc = &ps->ps_cpus[cpu];
	struct vm_page *pg = w->pw_pg;
	uint64_t pte = w->pw_pte, npte = pte;

	if ((pte & LX_BLKPAG_AF) == 0) {
		/* An access flag fault: the pmap sets AF. */
		npte |= LX_BLKPAG_AF;
		pc->pc_stats.faults_access_flag++;
		if (pte & LX_BLKPAG_OS_MANAGED)
			pg->mdpage.mdpg_attrs |= PMAP_ATTR_REF;
	}
	if ((need & TLB_D) && (pte & LX_BLKPAG_AP_RO)) {
		/* Writable but clean: DBM clears AP[2] in the walk; without
		 * it the write is a permission fault the pmap resolves. */
		npte &= ~LX_BLKPAG_AP_RO;
		if ((pte & LX_BLKPAG_DBM) == 0 && (pte & LX_BLKPAG_AF))
			pc->pc_stats.faults_refmod++;
		if (pte & LX_BLKPAG_OS_MANAGED)
			pg->mdpage.mdpg_attrs |= PMAP_ATTR_MOD;
	}
	pmap_pte_write(pmap_pte_ptr(m, ps, w->pw_ptp[1], w->pw_idx[1]), 8,
	    false, npte);
	w->pw_pte = npte;
	return aarch64_miss_fill(w->pw_acc & aarch64_rights(npte), need, te,
	    w);
}

/*
 * aarch64_miss_leaf: the miss's work once w holds a walk that reached the
 * valid page descriptor pte: a translation fault unless it allows the
 * access (a permission fault); the faults the pmap resolves
 * (aarch64_miss_fixup) when AF is clear, or AP[2] set for a write; else
 * the fill.
 */
static inline UVMSIM__ALWAYS_INLINE int
aarch64_miss_leaf(struct uvmsim_machine *m, unsigned cpu, uint64_t pte,
    uint32_t need, const struct pmap_tlbe *te, struct pmap_walk *w)
{
	uint32_t want = need & ~TLB_D;
	uint32_t rights = w->pw_acc & aarch64_rights(pte);

	if ((rights & want) != want)
		return PMAP_SIM_MISS_FAULT;	/* a permission fault */
	/* AF clear, or AP[2] set (no TLB_D) for a write. */
	if (__predict_false((pte & LX_BLKPAG_AF) == 0 ||
	    (need & ~rights & TLB_D) != 0))
		return aarch64_miss_fixup(m, cpu, need, te, w);
	return aarch64_miss_fill(rights, need, te, w);
}

/* aarch64_miss_walk: aarch64_tlb_miss when the walk cache of va's root
 * does not answer: the walk from the root (apart, to keep the usual path
 * free of calls). */
static __attribute__((__noinline__)) int
aarch64_miss_walk(struct uvmsim_machine *m, unsigned cpu, vaddr_t va,
    uint32_t need, const struct pmap_tlbe *te, struct pmap_walk *w)
{
	struct pmap_sim *ps = m->pmap_sim;

	uvmsim__pmap_walk_fill(m, (va >> 63) ? ps->ps_kernel :
	    ps->ps_cpus[cpu].pc_pmap, va, w);
	if (w->pw_stop != 0)
		return PMAP_SIM_MISS_FAULT;	/* a translation fault */
	return aarch64_miss_leaf(m, cpu, w->pw_pte, need, te, w);
}

/*
 * aarch64_tlb_miss: the hardware walk, and the faults the pmap resolves
 * without uvm_fault (po_tlb_miss).
 *
 * => need: the TLB_ rights of the access (TLB_D with TLB_W for a write);
 *	te: cpu's entry for va's page, NULL if none.
 * => walks TTBR1 (the kernel pmap) for an upper-half va, else TTBR0 (the
 *	active pmap), through the pmap's walk cache: the cached path reads
 *	the page descriptor alone, with the format's constants (4 KiB
 *	granule, 8-byte little-endian descriptors), and fills in w the L3
 *	table and entry, not the upper path.
 * => a valid page descriptor allowing the access (TLB_W: OS_WRITE): AF
 *	clear is an access flag fault, resolved by setting AF (and the
 *	page's referenced attribute); a write with AP[2] set clears it, by
 *	the hardware with DBM, else by the pmap resolving the permission
 *	fault (recording modified).  Then PMAP_SIM_MISS_DIRTY when te is
 *	the page's entry lacking TLB_D alone, else PMAP_SIM_MISS_FILL with
 *	the rights in w->pw_rights.  Else PMAP_SIM_MISS_FAULT, w saying why.
 */
static int
aarch64_tlb_miss(struct uvmsim_machine *m, unsigned cpu, vaddr_t va,
    uint32_t need, struct pmap_tlbe *te, struct pmap_walk *w)
{
	const struct pmap_sim *ps = m->pmap_sim;
	const struct pmap *pm = (va >> 63) ? ps->ps_kernel :
	    ps->ps_cpus[cpu].pc_pmap;
	const struct pmap_wcache *wc = &pm->pm_wc;

	if (__predict_false(wc->wc_gen != ps->ps_ptpgen ||
	    wc->wc_tag != va >> AARCH64_L2_SHIFT))
		return aarch64_miss_walk(m, cpu, va, need, te, w);
	/* The cached path to the L3 table: the descriptor alone. */
	if (!pmap_leaf_cached(m, wc, va, w, &pmap_sim_arch_aarch64))
		return PMAP_SIM_MISS_FAULT;	/* a translation fault */
	return aarch64_miss_leaf(m, cpu, w->pw_pte, need, te, w);
}

/*
 * aarch64_pte_str: the bits of a descriptor by the Arm ARM's names, the
 * software bits by NetBSD/aarch64's (OS_READ, OS_WRITE, OS_WIRED) and
 * OS_MANAGED for the pv bit.
 */
static void
aarch64_pte_str(const struct pmap_sim *ps, unsigned level, uint64_t pte,
    char *buf, size_t len)
{
	static const struct {
		uint64_t	bit;
		const char	*name;
	} tbl[] = {
		{ LX_TBL_PXNTABLE, "PXNTable" }, { LX_TBL_UXNTABLE, "UXNTable" },
	}, page[] = {
		{ LX_BLKPAG_AF, "AF" }, { LX_BLKPAG_NG, "nG" },
		{ LX_BLKPAG_DBM, "DBM" }, { LX_BLKPAG_PXN, "PXN" },
		{ LX_BLKPAG_UXN, "UXN" }, { LX_BLKPAG_OS_READ, "OS_READ" },
		{ LX_BLKPAG_OS_WRITE, "OS_WRITE" },
		{ LX_BLKPAG_OS_WIRED, "OS_WIRED" },
		{ LX_BLKPAG_OS_MANAGED, "OS_MANAGED" },
	};
	size_t i, n = 0;

	(void)ps;
	buf[0] = '\0';
#define ADD(...) do {							\
	if (n < len)							\
		n += (size_t)snprintf(buf + n, len - n, __VA_ARGS__);	\
} while (0)
	if (level > 1) {
		ADD("V%s", (pte & LX_TYPE_TBL) ? " TABLE" : " BLOCK");
		if (pte & LX_TBL_APTABLE)
			ADD(" APTable=%u", (unsigned)((pte >> 61) & 3));
		for (i = 0; i < sizeof(tbl) / sizeof(tbl[0]); i++)
			if (pte & tbl[i].bit)
				ADD(" %s", tbl[i].name);
		return;
	}
	ADD("V%s AttrIndx=%u SH=%u AP=%u%u", (pte & L3_TYPE_PAG) ? " PAGE" :
	    "", (unsigned)((pte & LX_BLKPAG_ATTR_INDX) >> 2),
	    (unsigned)((pte & LX_BLKPAG_SH_IS) >> 8),
	    (pte & LX_BLKPAG_AP_RO) ? 1 : 0,
	    (pte & LX_BLKPAG_AP_USER) ? 1 : 0);
	for (i = 0; i < sizeof(page) / sizeof(page[0]); i++)
		if (pte & page[i].bit)
			ADD(" %s", page[i].name);
#undef ADD
}

static const struct pmap_sim_ops aarch64_ops = {
	.po_pte_make = aarch64_pte_make,
	.po_pte_rights = aarch64_pte_rights,
	.po_ptp_make = aarch64_ptp_make,
	.po_upper_rights = aarch64_upper_rights,
	.po_kernel_slots = aarch64_kernel_slots,
	.po_pte_attrs = aarch64_pte_attrs,
	.po_pte_clear_attrs = aarch64_pte_clear_attrs,
	.po_root = aarch64_root,
	.po_activate = aarch64_activate,
	.po_tlb_miss = aarch64_tlb_miss,
	.po_pte_str = aarch64_pte_str,
	.po_pte_prot = aarch64_pte_prot,
	.po_pte_protect = aarch64_pte_protect,
	.po_pte_remap = aarch64_pte_remap,
};

const struct pmap_sim_arch pmap_sim_arch_aarch64 = {
	.pa_name = "aarch64",
	.pa_page_shift = 12,
	.pa_levels = 4,
	.pa_index_bits = { 9, 9, 9, 9 },
	.pa_pte_bytes = 8,
	.pa_big_endian = false,
	.pa_bit_valid = 0,		/* LX_VALID */
	.pa_bit_read = -1,		/* valid means readable (at EL1) */
	.pa_bit_write = 56,		/* OS_WRITE: the pmap's write right */
	.pa_bit_user = 6,		/* AP[1] */
	.pa_bit_exec = -1,
	.pa_bit_noexec = 54,		/* UXN (the glue asks po_pte_protect) */
	.pa_bit_accessed = 10,		/* AF */
	.pa_bit_dirty = -1,		/* AP[2] clear: active low (the glue
					   asks po_pte_attrs) */
	.pa_bit_global = -1,		/* nG clear: active low */
	.pa_bit_wired = 57,		/* OS_WIRED */
	.pa_bit_managed = 58,		/* OS_MANAGED */
	.pa_pfn_shift = 12,
	.pa_addr_mask = LX_BLKPAG_OA,
	.pa_va_bits = 49,		/* two 48-bit halves: bits 63..48 all
					   0 (TTBR0) or all 1 (TTBR1) */
	.pa_va_signext = true,
	.pa_has_dbm = true,
	.pa_asid_bits = 8,
	.pa_user_min = 0,
	.pa_user_max = (1ULL << 48) - 4096,
	.pa_kernel_min = 0xffffc00000000000ULL,
	.pa_kernel_max = 0xffffc00000000000ULL + (1ULL << 30),
	.pa_ops = &aarch64_ops,
};
