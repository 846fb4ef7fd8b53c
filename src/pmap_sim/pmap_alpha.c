/*
 * pmap_alpha.c: the Alpha backend: 3-level paging with 8 KiB pages, the
 * referenced and modified bits emulated with fault-on bits.
 *
 * Page tables are as the Alpha Architecture Reference Manual gives them
 * and as NetBSD/alpha's pmap writes them:
 *
 *	level 3  L1     index va[42:33]   root, one per pmap (its PTBR)
 *	level 2  L2     index va[32:23]
 *	level 1  L3     index va[22:13]   leaf PTEs map 8 KiB pages
 *
 * (levels are numbered from the leaf, as everywhere in the glue: the
 * manual's level-1 table is our level 3).  Each entry is 8 bytes,
 * little-endian, 1024 to a table:
 *
 *	bit  0  V    valid
 *	bit  1  FOR  fault on read
 *	bit  2  FOW  fault on write
 *	bit  3  FOE  fault on execute
 *	bit  4  ASM  address space match: the entry serves every address
 *	             space (a kernel mapping)
 *	bit  8  KRE  kernel read enable
 *	bit  9  URE  user read enable
 *	bit 12  KWE  kernel write enable
 *	bit 13  UWE  user write enable
 *	bit 16  PG_WIRED   wired (software; NetBSD/alpha's)
 *	bit 17  PG_PVLIST  the page has a pv entry (software)
 *	bit 18  PG_EXEC    the mapping may be executed (software)
 *	bits 32..63  page frame number
 *
 * Virtual addresses are 43 bits, sign-extended from bit 42, as
 * NetBSD/alpha uses them with 3 levels of 8 KiB pages: user space is
 * the lower 4 TiB (VM_MAXUSER_ADDRESS), the kernel the upper half.  The
 * kernel's map is in K1SEG, from 0xfffffe0000000000 (K0SEG below it maps
 * physical memory directly, through no page table, and is not
 * modelled); the simulator's kernel map is the first L1 slot of K1SEG,
 * 8 GiB, with its L2 table made at boot.  Like NetBSD/alpha, which copies
 * the kernel's L1 entries into every user L1 table, every user root
 * shares that slot (alpha_kernel_slots).
 *
 * The hardware has no referenced or modified bit.  NetBSD/alpha keeps
 * them per page (pvh_attrs) and emulates them: a page not yet referenced
 * is mapped with FOR, FOW and FOE set, one referenced but not modified
 * with FOW; the access that traps on such a bit is a referenced/modified
 * emulation fault (pmap_emulate_reference), which records the attribute
 * and clears the bits on every mapping of the page (pmap_changebit),
 * and the access is retried.  pmap_clear_reference sets FOR, FOW and FOE
 * again, pmap_clear_modify FOW.  Execute permission is the software
 * PG_EXEC bit: a mapping without it keeps FOE set, so that an execute
 * traps, and the emulation does not clear it: the trap is a protection
 * fault for uvm_fault.  Unmanaged mappings (pmap_kenter_pa) have no
 * fault-on bits.
 *
 * What the MMU and the pmap do, as the functions below give it to the
 * glue (pmap_sim.h describes each operation):
 *
 *   - one root translates both halves: the kernel's L1 entries are copied
 *     into every user root (alpha_kernel_slots);
 *   - kernel mappings carry ASM and KRE/KWE, user ones URE/UWE as well
 *     (NetBSD/alpha's protection codes); the access that makes a mapping
 *     counts as done: only the bits of accesses not yet made are set
 *     (alpha_pte_make);
 *   - TLB entries are tagged with the pmap's address space number (ASN,
 *     8 bits as on the EV6): a pmap switch flushes nothing, a pmap
 *     without an ASN of the current generation is given one from the
 *     machine-wide space, and only the exhaustion of that space flushes
 *     (every entry without ASM), as NetBSD/alpha's pmap_asn_alloc does
 *     (alpha_activate, over pmap_tlb.c);
 *   - the PALcode walks the tables on a miss; a fault-on bit set for the
 *     access is resolved in the pmap, counted as faults_refmod, and the
 *     walk retried (alpha_tlb_miss).
 */
#include "pmap_impl.h"

/* The bits, as NetBSD/alpha's pte.h names them. */
#define PG_V		0x0000000000000001ULL	/* valid */
#define PG_FOR		0x0000000000000002ULL	/* fault on read */
#define PG_FOW		0x0000000000000004ULL	/* fault on write */
#define PG_FOE		0x0000000000000008ULL	/* fault on execute */
#define PG_ASM		0x0000000000000010ULL	/* address space match */
#define PG_KRE		0x0000000000000100ULL	/* kernel read enable */
#define PG_URE		0x0000000000000200ULL	/* user read enable */
#define PG_KWE		0x0000000000001000ULL	/* kernel write enable */
#define PG_UWE		0x0000000000002000ULL	/* user write enable */
#define PG_WIRED	0x0000000000010000ULL	/* wired (software) */
#define PG_PVLIST	0x0000000000020000ULL	/* has a pv entry (software) */
#define PG_EXEC		0x0000000000040000ULL	/* executable (software) */
#define PG_FRAME	0xffffffff00000000ULL	/* page frame number */
#define PG_SHIFT	32
#define ALPHA_PGSHIFT	13
#define ALPHA_NPTEPG	1024		/* PTEs in a table */
#define ALPHA_L2SHIFT	23		/* va bits an L2 entry maps */

#define PG_FAULTON	(PG_FOR | PG_FOW | PG_FOE)

/*
 * alpha_rights: the TLB_ rights of a valid leaf PTE (inline for the
 * miss): a right whose fault-on bit is set is absent; write needs no
 * further trap once it is there (TLB_D with TLB_W); URE or UWE is user,
 * ASM global.  Read from a table by the nine bits that decide them
 * (ALPHA_RIX), gathered from the PTE in four runs of bits as they lie:
 * no branch.
 */
#define ALPHA_RIX_FOR		0x001	/* PG_FOR >> 1 */
#define ALPHA_RIX_FOW		0x002
#define ALPHA_RIX_FOE		0x004
#define ALPHA_RIX_ASM		0x008
#define ALPHA_RIX_KRE		0x010	/* PG_KRE >> 4 */
#define ALPHA_RIX_URE		0x020
#define ALPHA_RIX_KWE		0x040	/* PG_KWE >> 6 */
#define ALPHA_RIX_UWE		0x080
#define ALPHA_RIX_EXEC		0x100	/* PG_EXEC >> 10 */
#define ALPHA_RIGHTS(i)							\
	((((i) & (ALPHA_RIX_KRE | ALPHA_RIX_FOR)) == ALPHA_RIX_KRE ?	\
	    TLB_R : 0) |						\
	    (((i) & (ALPHA_RIX_KWE | ALPHA_RIX_FOW)) == ALPHA_RIX_KWE ?	\
	    TLB_W | TLB_D : 0) |					\
	    (((i) & (ALPHA_RIX_EXEC | ALPHA_RIX_KRE | ALPHA_RIX_FOE)) ==\
	    (ALPHA_RIX_EXEC | ALPHA_RIX_KRE) ? TLB_X : 0) |		\
	    (((i) & (ALPHA_RIX_URE | ALPHA_RIX_UWE)) ? TLB_U : 0) |	\
	    (((i) & ALPHA_RIX_ASM) ? TLB_G : 0))
#define ALPHA_R4(i)							\
	ALPHA_RIGHTS(i), ALPHA_RIGHTS((i) + 1), ALPHA_RIGHTS((i) + 2),	\
	ALPHA_RIGHTS((i) + 3)
#define ALPHA_R16(i)							\
	ALPHA_R4(i), ALPHA_R4((i) + 4), ALPHA_R4((i) + 8),		\
	ALPHA_R4((i) + 12)
#define ALPHA_R64(i)							\
	ALPHA_R16(i), ALPHA_R16((i) + 16), ALPHA_R16((i) + 32),	\
	ALPHA_R16((i) + 48)
#define ALPHA_R256(i)							\
	ALPHA_R64(i), ALPHA_R64((i) + 64), ALPHA_R64((i) + 128),	\
	ALPHA_R64((i) + 192)
static const uint8_t alpha_rights_tab[512] = {
	ALPHA_R256(0), ALPHA_R256(256),
};
#undef ALPHA_R256
#undef ALPHA_R64
#undef ALPHA_R16
#undef ALPHA_R4
#undef ALPHA_RIGHTS

_Static_assert(PG_FOR >> 1 == ALPHA_RIX_FOR && PG_FOW >> 1 ==
    ALPHA_RIX_FOW && PG_FOE >> 1 == ALPHA_RIX_FOE && PG_ASM >> 1 ==
    ALPHA_RIX_ASM && PG_KRE >> 4 == ALPHA_RIX_KRE && PG_URE >> 4 ==
    ALPHA_RIX_URE && PG_KWE >> 6 == ALPHA_RIX_KWE && PG_UWE >> 6 ==
    ALPHA_RIX_UWE && PG_EXEC >> 10 == ALPHA_RIX_EXEC,
    "alpha_rights' index: the PTE's bits shifted into place");

static inline UVMSIM__ALWAYS_INLINE uint32_t
alpha_rights(uint64_t pte)
{
	return alpha_rights_tab[((pte & (PG_FOR | PG_FOW | PG_FOE |
	    PG_ASM)) >> 1) | ((pte & (PG_KRE | PG_URE)) >> 4) |
	    ((pte & (PG_KWE | PG_UWE)) >> 6) | ((pte & PG_EXEC) >> 10)];
}

/* alpha_prot: the VM_PROT_ rights a PTE grants, fault-on bits aside:
 * KRE read, KWE write, PG_EXEC with KRE execute, each a bit moved into
 * place. */
static inline vm_prot_t
alpha_prot(uint64_t pte)
{
	uint64_t kre = pte >> 8;			/* PG_KRE */

	if ((pte & PG_V) == 0)
		return VM_PROT_NONE;
	return (vm_prot_t)((kre & 1) * VM_PROT_READ |
	    ((pte >> 12) & 1) * VM_PROT_WRITE |		/* PG_KWE */
	    ((pte >> 18) & kre & 1) * VM_PROT_EXECUTE);	/* PG_EXEC */
}

/*
 * alpha_pte_make: the leaf PTE mapping pa with prot (po_pte_make):
 * NetBSD/alpha's protection code (ASM and KRE/KWE for the kernel,
 * URE/UWE and KRE/KWE for a user), PG_EXEC for execute; a managed
 * mapping gets FOR, FOW and FOE where the page is not yet referenced, FOW
 * where it is not yet modified (the access that makes it counts), and
 * FOE whenever it may not be executed.
 */
static uint64_t
alpha_pte_make(const struct pmap_sim *ps, paddr_t pa, vm_prot_t prot,
    vm_prot_t access, unsigned flags)
{
	uint64_t pte = ((uint64_t)(pa >> ALPHA_PGSHIFT) << PG_SHIFT) | PG_V;
	bool kernel = (flags & PMAP_SIM_PTE_KERNEL) != 0;

	(void)ps;
	if (prot & (VM_PROT_READ | VM_PROT_EXECUTE))
		pte |= kernel ? PG_KRE : PG_KRE | PG_URE;
	if (prot & VM_PROT_WRITE)
		pte |= kernel ? PG_KWE : PG_KWE | PG_UWE;
	if (prot & VM_PROT_EXECUTE)
		pte |= PG_EXEC;
	if (kernel)
		pte |= PG_ASM;
	if (flags & PMAP_SIM_PTE_WIRED)
		pte |= PG_WIRED;
	if (flags & PMAP_SIM_PTE_MANAGED) {
		pte |= PG_PVLIST;
		if (access)
			flags |= PMAP_SIM_PTE_REF;
		if (access & VM_PROT_WRITE)
			flags |= PMAP_SIM_PTE_MOD;
		if ((flags & PMAP_SIM_PTE_REF) == 0)
			pte |= PG_FOR | PG_FOW | PG_FOE;
		else if ((flags & PMAP_SIM_PTE_MOD) == 0)
			pte |= PG_FOW;
		if ((prot & VM_PROT_EXECUTE) == 0)
			pte |= PG_FOE;
	}
	return pte;
}

/*
 * alpha_pte_rights: what a leaf PTE allows without a trap
 * (po_pte_rights): alpha_rights.
 */
static uint32_t
alpha_pte_rights(const struct pmap_sim *ps, uint64_t pte)
{
	(void)ps;
	return (pte & PG_V) ? alpha_rights(pte) : 0;
}

/*
 * alpha_ptp_make: the entry pointing at a page table (po_ptp_make): valid
 * with the kernel's read and write enables, as NetBSD/alpha makes its
 * L1 and L2 entries; the PALcode looks at nothing but V above the leaf.
 */
static uint64_t
alpha_ptp_make(const struct pmap_sim *ps, paddr_t pa, bool kernel)
{
	(void)ps;
	(void)kernel;
	return ((uint64_t)(pa >> ALPHA_PGSHIFT) << PG_SHIFT) | PG_V | PG_KRE |
	    PG_KWE;
}

/*
 * alpha_upper_rights: every right (po_upper_rights): the leaf alone
 * decides.
 */
static uint32_t
alpha_upper_rights(const struct pmap_sim *ps, uint64_t all, uint64_t any)
{
	(void)ps;
	(void)all;
	(void)any;
	return TLB_R | TLB_W | TLB_X | TLB_U;
}

/*
 * alpha_kernel_slots: the kernel's L1 entries, copied into every user L1
 * table (po_kernel_slots).
 */
static bool
alpha_kernel_slots(const struct pmap_sim *ps, unsigned *firstp,
    unsigned *lastp)
{
	unsigned top = ps->ps_arch->pa_levels;

	*firstp = pmap_index(ps, ps->ps_arch->pa_kernel_min, top);
	*lastp = pmap_index(ps, ps->ps_arch->pa_kernel_max - 1, top);
	return true;
}

/*
 * alpha_pte_attrs: what the fault-on bits record (po_pte_attrs): FOR
 * clear is referenced, FOW clear modified.  An unmanaged mapping has no
 * emulation: it says both, as an x86 PTE with A and D would.
 */
static unsigned
alpha_pte_attrs(const struct pmap_sim *ps, uint64_t pte)
{
	(void)ps;
	return ((pte & PG_FOR) ? 0 : PMAP_ATTR_REF) |
	    ((pte & PG_FOW) ? 0 : PMAP_ATTR_MOD);
}

/*
 * alpha_pte_clear_attrs: pte with the attributes forgotten, so that the
 * next such access traps again (po_pte_clear_attrs): the reference sets
 * FOR, FOW and FOE (NetBSD/alpha's pmap_clear_reference), the
 * modification FOW.
 */
static uint64_t
alpha_pte_clear_attrs(const struct pmap_sim *ps, uint64_t pte,
    unsigned attrs)
{
	(void)ps;
	if (attrs & PMAP_ATTR_REF)
		pte |= PG_FOR | PG_FOW | PG_FOE;
	if (attrs & PMAP_ATTR_MOD)
		pte |= PG_FOW;
	return pte;
}

/*
 * alpha_root: one root (the PTBR) for both halves (po_root): pm's, whose
 * kernel L1 entries are the kernel's.
 */
static struct pmap *
alpha_root(const struct pmap_sim *ps, struct pmap *pm, vaddr_t va)
{
	(void)ps;
	(void)va;
	return pm;
}

/*
 * alpha_activate: a pmap switch (po_activate): loads pm's ASN, giving it
 * one if it has none of the current generation (a rollover flushes
 * every CPU's entries without ASM); nothing else is flushed.
 */
static void
alpha_activate(struct uvmsim_machine *m, unsigned cpu, struct pmap *opm,
    struct pmap *pm)
{
	(void)opm;
	uvmsim__pmap_tlb_asid_acquire(m, cpu, pm);
}

/*
 * alpha_emulate: the referenced/modified emulation fault of a write
 * (write) or another access on the leaf PTE of walk w, as NetBSD/alpha's
 * pmap_emulate_reference resolves it: the page's attribute recorded, the
 * fault-on bits cleared on every mapping of the page (FOE stays on a
 * mapping without PG_EXEC), and the walk's PTE read again.
 *
 * => the PTE is managed: an unmanaged one never carries a fault-on bit
 *	(alpha_pte_make, alpha_pte_protect), so it never traps for one.
 */
static void
alpha_emulate(struct uvmsim_machine *m, const struct pmap_sim *ps,
    struct pmap_walk *w, bool write)
{
	uint64_t off = write ? PG_FAULTON : PG_FOR | PG_FOE;
	struct vm_page *pg = w->pw_pg;
	struct pv_entry *pv;
	uint8_t *p;
	uint64_t e;

	KASSERT(w->pw_pte & PG_PVLIST);
	p = pmap_pte_ptr(m, ps, w->pw_ptp[1], w->pw_idx[1]);
	pg->mdpage.mdpg_attrs |= PMAP_ATTR_REF | (write ? PMAP_ATTR_MOD : 0);
	for (pv = pg->mdpage.mdpg_pvh; pv != NULL; pv = pv->pv_next) {
		uint8_t *q = pmap_pte_ptr(m, ps, pv->pv_ptp, pv->pv_idx);

		e = pmap_pte_get(ps, q);
		e &= ~(off & ~((e & PG_EXEC) ? 0 : PG_FOE));
		pmap_pte_set(ps, q, e);
	}
	w->pw_pte = pmap_pte_get(ps, p);
}

/*
 * alpha_miss_emul: the referenced/modified emulation fault of a miss
 * whose PTE grants the access but has its fault-on bit set:
 * alpha_emulate, counted in faults_refmod, then the fill.  Apart, so
 * that the usual miss saves no register for it.
 */
static __attribute__((__noinline__)) int
alpha_miss_emul(struct uvmsim_machine *m, unsigned cpu, uint32_t need,
    struct pmap_walk *w)
{
	struct pmap_sim *ps = m->pmap_sim;

	alpha_emulate(m, ps, w, (need & TLB_W) != 0);
	ps->ps_cpus[cpu].pc_stats.faults_refmod++;
	KASSERT((alpha_rights(w->pw_pte) & need & ~TLB_D) ==
	    (need & ~TLB_D));
	w->pw_rights = w->pw_acc & alpha_rights(w->pw_pte);
	return PMAP_SIM_MISS_FILL;
}

/*
 * alpha_miss_leaf: the miss's work once w holds a walk that reached the
 * valid leaf PTE pte: the fill when it allows the access as it stands;
 * else a protection fault when the mapping does not grant it (alpha_prot,
 * the upper levels' pw_acc and the user bits), or the emulation fault
 * (alpha_miss_emul).
 */
static inline UVMSIM__ALWAYS_INLINE int
alpha_miss_leaf(struct uvmsim_machine *m, unsigned cpu, uint64_t pte,
    uint32_t need, struct pmap_walk *w)
{
	uint32_t want = need & ~TLB_D, grant;
	uint32_t rights = w->pw_acc & alpha_rights(pte);

	if (__predict_false((rights & want) != want)) {
		/* What the mapping grants, emulation aside: without it, a
		 * protection fault. */
		grant = alpha_prot(pte) |
		    ((pte & (PG_URE | PG_UWE)) ? TLB_U : 0);
		if ((w->pw_acc & grant & want) != want)
			return PMAP_SIM_MISS_FAULT;
		return alpha_miss_emul(m, cpu, need, w);
	}
	w->pw_rights = rights;
	return PMAP_SIM_MISS_FILL;
}

/* alpha_miss_walk: alpha_tlb_miss when the active pmap's walk cache does
 * not answer: the walk from the root (apart, to keep the usual path free
 * of calls). */
static __attribute__((__noinline__)) int
alpha_miss_walk(struct uvmsim_machine *m, unsigned cpu, vaddr_t va,
    uint32_t need, struct pmap_walk *w)
{
	uvmsim__pmap_walk_fill(m, m->pmap_sim->ps_cpus[cpu].pc_pmap, va, w);
	if (w->pw_stop != 0 || w->pw_bad)
		return PMAP_SIM_MISS_FAULT;
	return alpha_miss_leaf(m, cpu, w->pw_pte, need, w);
}

/*
 * alpha_tlb_miss: the PALcode's walk (po_tlb_miss).
 *
 * => need: the TLB_ rights of the access (TLB_D with TLB_W for a write);
 *	te: cpu's entry for va's page, NULL if none (never one that allows
 *	the access but for TLB_D: a writable entry is dirty).
 * => walks the active pmap's root through its walk cache: the cached path
 *	reads the leaf PTE alone, with the format's constants (8 KiB pages,
 *	8-byte little-endian PTEs), and fills in w the L3 table and entry,
 *	not the upper path.
 * => a leaf whose grant lacks the access: PMAP_SIM_MISS_FAULT (a
 *	protection fault); whose fault-on bit for the access is set: the
 *	emulation (alpha_emulate), counted in faults_refmod, then the
 *	fill; else PMAP_SIM_MISS_FILL with the rights in w->pw_rights.
 */
static int
alpha_tlb_miss(struct uvmsim_machine *m, unsigned cpu, vaddr_t va,
    uint32_t need, struct pmap_tlbe *te, struct pmap_walk *w)
{
	const struct pmap_sim *ps = m->pmap_sim;
	const struct pmap_wcache *wc = &ps->ps_cpus[cpu].pc_pmap->pm_wc;

	(void)te;
	if (__predict_false(wc->wc_gen != ps->ps_ptpgen ||
	    wc->wc_tag != va >> ALPHA_L2SHIFT))
		return alpha_miss_walk(m, cpu, va, need, w);
	/* The cached path to the L3 table: the leaf alone. */
	if (!pmap_leaf_cached(m, wc, va, w, &pmap_sim_arch_alpha))
		return PMAP_SIM_MISS_FAULT;
	return alpha_miss_leaf(m, cpu, w->pw_pte, need, w);
}

/*
 * alpha_pte_str: the bits of an entry by the manual's names, PG_WIRED,
 * PG_PVLIST and PG_EXEC for NetBSD's software bits.
 */
static void
alpha_pte_str(const struct pmap_sim *ps, unsigned level, uint64_t pte,
    char *buf, size_t len)
{
	static const struct pmap_bitname names[] = {
		{ PG_V, "V" }, { PG_FOR, "FOR" }, { PG_FOW, "FOW" },
		{ PG_FOE, "FOE" }, { PG_ASM, "ASM" }, { PG_KRE, "KRE" },
		{ PG_URE, "URE" }, { PG_KWE, "KWE" }, { PG_UWE, "UWE" },
		{ PG_WIRED, "PG_WIRED" }, { PG_PVLIST, "PG_PVLIST" },
		{ PG_EXEC, "PG_EXEC" },
	};
	(void)ps;
	(void)level;
	buf[0] = '\0';
	(void)pmap_bits_str(buf, len, 0, pte, names,
	    sizeof(names) / sizeof(names[0]));
}

/*
 * alpha_pte_prot: what the mapping grants (po_pte_prot): KRE, KWE,
 * PG_EXEC, whatever the fault-on bits say.
 */
static vm_prot_t
alpha_pte_prot(const struct pmap_sim *ps, uint64_t pte)
{
	(void)ps;
	return alpha_prot(pte);
}

/*
 * alpha_pte_protect: pte lowered to prot (po_pte_protect): the write
 * enables cleared without write; PG_EXEC cleared and FOE set without
 * execute.
 */
static uint64_t
alpha_pte_protect(const struct pmap_sim *ps, uint64_t pte, vm_prot_t prot)
{
	(void)ps;
	if ((prot & VM_PROT_WRITE) == 0)
		pte &= ~(PG_KWE | PG_UWE);
	if ((prot & VM_PROT_EXECUTE) == 0)
		pte = (pte & ~PG_EXEC) | ((pte & PG_PVLIST) ? PG_FOE : 0);
	return pte;
}

static const struct pmap_sim_ops alpha_ops = {
	.po_pte_make = alpha_pte_make,
	.po_pte_rights = alpha_pte_rights,
	.po_ptp_make = alpha_ptp_make,
	.po_upper_rights = alpha_upper_rights,
	.po_kernel_slots = alpha_kernel_slots,
	.po_pte_attrs = alpha_pte_attrs,
	.po_pte_clear_attrs = alpha_pte_clear_attrs,
	.po_root = alpha_root,
	.po_activate = alpha_activate,
	.po_tlb_miss = alpha_tlb_miss,
	.po_pte_str = alpha_pte_str,
	.po_pte_prot = alpha_pte_prot,
	.po_pte_protect = alpha_pte_protect,
};

const struct pmap_sim_arch pmap_sim_arch_alpha = {
	.pa_name = "alpha",
	.pa_page_shift = ALPHA_PGSHIFT,
	.pa_levels = 3,
	.pa_index_bits = { 10, 10, 10 },
	.pa_pte_bytes = 8,
	.pa_big_endian = false,
	.pa_bit_valid = 0,		/* PG_V */
	.pa_bit_read = 8,		/* PG_KRE */
	.pa_bit_write = 12,		/* PG_KWE */
	.pa_bit_user = 9,		/* PG_URE */
	.pa_bit_exec = 18,		/* PG_EXEC */
	.pa_bit_noexec = -1,
	.pa_bit_accessed = -1,		/* (emulated: FOR clear) */
	.pa_bit_dirty = -1,		/* (emulated: FOW clear) */
	.pa_bit_global = 4,		/* PG_ASM */
	.pa_bit_wired = 16,		/* PG_WIRED */
	.pa_bit_managed = 17,		/* PG_PVLIST */
	.pa_pfn_shift = PG_SHIFT,
	.pa_addr_mask = PG_FRAME,
	.pa_va_bits = 43,
	.pa_va_signext = true,
	.pa_asid_bits = 8,		/* the EV6's ASNs */
	.pa_user_min = 0,
	.pa_user_max = 0x0000040000000000ULL,	/* VM_MAXUSER_ADDRESS */
	.pa_kernel_min = 0xfffffe0000000000ULL,	/* K1SEG */
	.pa_kernel_max = 0xfffffe0000000000ULL + (1ULL << 33), /* 1 L1 slot */
	.pa_ops = &alpha_ops,
};
