/*
 * pmap_sim.h: what an architecture backend gives the machine-independent
 * pmap glue and the MMU: a table of facts (struct pmap_sim_arch) and an
 * operations vector (struct pmap_sim_ops) of the functions that decide
 * what differs between MMUs.
 *
 * The split is NetBSD's sys/uvm/pmap, where pmap.c, pmap_tlb.c and
 * pmap_segtab.c serve mips, powerpc and riscv over each one's pte.h.  The
 * glue (pmap.c, mmu.c) keeps what every MMU needs: pv lists, the
 * referenced and modified attributes, wiring, statistics, page-table
 * pages and their walk, the pending invalidations and the TLBs.  A
 * backend is one file (pmap_x86_64.c) holding its table and its
 * functions; no architecture policy is written in the glue.
 *
 * The table says where things are: page size, levels and index bits, PTE
 * size and byte order, the bit of each right and software flag (the glue
 * reads the wired and managed bits through them and keeps the accessed
 * and dirty bits of a remapped page; the checker and uvmsim_probe decode
 * PTEs by them), the address ranges.  It
 * is part of its backend and read by its functions; it never stands in
 * for one.
 *
 * Two facts change the MMU's own work: pa_tlb_pairs (a TLB entry maps an
 * even/odd pair of pages: a fill may load both, from po_tlb_miss's
 * pw_pair_pg, and a drop drops both: MIPS) and pa_direct_min/max (an
 * unmapped kernel segment translated without the TLB: MIPS's kseg0).
 *
 * Levels are numbered as NetBSD's x86 pmap numbers them: level 1 is the
 * page table whose entries map pages (leaf PTEs), level pa_levels the
 * root.  A PTE of level > 1 points at the page-table page below it.
 *
 * The operations, who calls them, and what backends of other MMUs do there
 * (i386: 2 levels of 4-byte PTEs, no NX; AArch64: 4 levels, AP bits,
 * UXN/PXN, ASIDs with nG, TTBR0/TTBR1, access flag faults, optional DBM;
 * a MIPS-style MMU: a software-refilled TLB of even/odd page pairs, the D
 * bit as write enable, kseg0; an Alpha-style 8 KiB machine: 3 levels,
 * fault-on-read/write/execute bits, ASNs):
 *
 *   po_pte_make     the leaf PTE for (pa, prot) with PMAP_SIM_PTE_ flags
 *                   (PMAP_SIM_PTE_REF/MOD: what the page's attributes
 *                   already record) and the access that made the
 *                   mapping.  A function of its arguments alone (and
 *                   of facts of ps fixed at creation, such as ps_dbm),
 *                   reading prot's VM_PROT_ALL bits only, with the frame
 *                   field its own: the PTE of pa is that of pa 0 with
 *                   pmap_pa_pte(pa) added.  Called by pmap_kenter_pa,
 *                   and by pmap_enter once per kind of mapping, whose
 *                   PTE less its frame the glue keeps (ps_ptet).
 *                   x86-64 sets NX unless executable, G for kernel
 *                   mappings and U for user ones, and presets A (and D
 *                   for a write access), as NetBSD/x86 does.  i386: the
 *                   same without NX.  AArch64: AP[2:1] from prot and
 *                   mode, UXN/PXN, nG for user mappings, AF preset on an
 *                   access, the write right as OS_WRITE (and DBM with
 *                   cfg.dbm) with AP[2] read-only until modified.  MIPS: V, D only once
 *                   the page is known modified, G for kseg2 mappings.
 *                   Alpha: FOR/FOW/FOE set where the access has not
 *                   happened yet, KRE/URE/KWE/UWE from prot.
 *   po_pte_rights   decode a leaf PTE into TLB_ rights, with TLB_G for a
 *                   global entry and TLB_D when the PTE allows writing
 *                   without a further trap.  Called on a walk that fills
 *                   the TLB (once per miss), by pmap_enter to tell a
 *                   lowered mapping, by the checker.  AArch64: AP and
 *                   UXN/PXN by mode, nG clear as TLB_G, OS_WRITE or DBM
 *                   or AP[2] clear as TLB_W, AP[2] clear as TLB_D; MIPS: D is both TLB_W and TLB_D;
 *                   Alpha: a right whose fault-on bit is set is absent.
 *   po_ptp_make     the entry of an upper level pointing at a page-table
 *                   page.  Called when a table is hooked in (pmap_enter,
 *                   boot).  x86: P, RW, and US for a user pmap, so that
 *                   the leaf decides; AArch64: a table descriptor;
 *                   Alpha: a valid PTE with the kernel-read right; MIPS's
 *                   segment table: the table's physical address.
 *   po_upper_rights the rights the upper entries of a walk allow, from
 *                   the AND (all) and OR (any) of their bits.  Called on
 *                   a walk from the root (the walk cache keeps its
 *                   answer).  x86 and i386: write and user need the bit
 *                   at every level, no-execute at one forbids.
 *                   AArch64 with hierarchical attributes: APTable,
 *                   UXNTable, PXNTable the same way; MIPS and Alpha:
 *                   every right (the leaf alone decides).
 *   po_kernel_slots the root entries [first, last] that every user root
 *                   shares with the kernel's, or false when the kernel
 *                   has a root of its own.  Called at boot (the tables
 *                   below those entries are made then), by pmap_create
 *                   (copies them), pmap_destroy (clears them) and the
 *                   checker ([pmap.kernel]).  x86-64, i386 and Alpha
 *                   (whose kernel level-1 entries NetBSD copies into each
 *                   user table): the slots of the kernel range.  AArch64
 *                   (TTBR1 holds the kernel's root) and MIPS (kseg0 is
 *                   unmapped, kseg2 has a segment table of its own):
 *                   false.
 *   po_pte_attrs    the referenced and modified attributes
 *                   (PMAP_ATTR_REF, PMAP_ATTR_MOD) a leaf PTE records.
 *                   Called when a managed mapping goes (its attributes
 *                   fold into the page's mdpg_attrs) and by
 *                   pmap_is_referenced/pmap_is_modified.  x86-64: A and
 *                   D.  AArch64: AF, and OS_WRITE with AP[2] clear; MIPS: V
 *                   as the pmap last set it, and D; Alpha: FOR clear,
 *                   FOW clear.
 *   po_pte_clear_attrs the PTE with those attributes forgotten, so that
 *                   the next such access records them again.  Called by
 *                   pmap_clear_reference/pmap_clear_modify (the TLB
 *                   entries go at once).  x86-64: clear A or D.  AArch64:
 *                   clear AF (the next access faults) or set AP[2] (the
 *                   next write faults, or DBM clears it); MIPS: clear D
 *                   (write protection until the "TLB modified"
 *                   exception); Alpha: set FOR/FOW/FOE or FOW.
 *   po_root         the pmap whose root translates va in the address
 *                   space of pm (pm itself or the kernel's).  Called by
 *                   uvmsim_translate and uvmsim_probe; po_tlb_miss makes
 *                   the same choice for the active pmap.  x86-64, i386
 *                   and Alpha: pm (one root for both halves).  AArch64:
 *                   the kernel pmap (TTBR1) for an upper-half address,
 *                   else pm (TTBR0).  MIPS: the kernel pmap's segment
 *                   table for kseg2, pm's for useg.
 *   po_activate     what making pm the active pmap of a CPU does to its
 *                   TLB.  Called by every pmap switch (pmap_activate,
 *                   pmap_deactivate, an access on another address
 *                   space, pmap_destroy).  x86-64 and i386 load %cr3:
 *                   every non-global entry goes.  AArch64, MIPS and
 *                   Alpha tag entries with the pmap's ASID/ASN: nothing
 *                   is flushed, and a new ASID is given (flushing only
 *                   when the ASID space wraps): they call
 *                   uvmsim__pmap_tlb_asid_acquire (pmap_tlb.c).
 *   po_tlb_miss     a translation of va on cpu that the TLB lacks, or
 *                   has without TLB_D for a write.  Called by the MMU
 *                   (xlate) once per miss; it chooses the root,
 *                   walks, sets what the hardware sets and says whether
 *                   to fill (PMAP_SIM_MISS_FILL, with the rights in
 *                   w->pw_rights), whether the entry the TLB has now
 *                   allows the write (PMAP_SIM_MISS_DIRTY), or to fault
 *                   (PMAP_SIM_MISS_FAULT: uvm_fault, by w->pw_stop).
 *                   x86-64: the hardware walker of the active pmap's
 *                   root for both halves; it sets A, and D on a write,
 *                   and re-walks for D on a write hit on a clean entry.
 *                   AArch64: TTBR0 (the active pmap) or TTBR1 (the
 *                   kernel's) by va's top bit; AF clear is an access
 *                   flag fault that the pmap resolves by setting AF and
 *                   the page's referenced attribute; with DBM the
 *                   hardware clears AP[2].  MIPS: no walker: the refill
 *                   handler reads the segment table and loads the even
 *                   and odd pages of the pair; a write to an entry
 *                   without D is the "TLB modified" exception, which
 *                   sets D and the modified attribute when the mapping
 *                   allows writing, else faults; kseg0 never misses.
 *                   Alpha: the PALcode walk; a fault-on bit set is a
 *                   referenced/modified emulation fault: the pmap
 *                   clears FOR or FOW, records the attribute, retries.
 *   po_pte_prot     (optional) the VM_PROT_ rights a leaf PTE's mapping
 *                   grants, its referenced/modified emulation aside: what
 *                   the pmap gave it, whether or not the next such access
 *                   traps first.  Called by pmap_enter and
 *                   pmap_page_protect (does a mapping allow writing:
 *                   PMAP_ATTR_WMAP), the checker (a lent page is writable
 *                   in no PTE) and uvmsim_probe.  Without it the glue
 *                   reads the grant from po_pte_rights, whose TLB_R, TLB_W
 *                   and TLB_X say it where the format keeps the grant in
 *                   bits of its own.
 *                   x86-64: read, RW, NX clear; i386: read and execute,
 *                   RW; Alpha: KRE, KWE, PG_EXEC (FOR/FOW/FOE set or not);
 *                   AArch64: po_pte_rights' (OS_WRITE writable); MIPS:
 *                   read and execute, WR or D writable.
 *   po_pte_protect  (optional) the leaf PTE with its rights lowered to
 *                   prot (read kept; a prot without read is a removal,
 *                   the glue's), never raised, its attributes kept where
 *                   the format can.  Called by pmap_protect and
 *                   pmap_page_protect; the glue folds an attribute the
 *                   new PTE no longer records into the page.  Without it
 *                   the glue clears pa_bit_write and sets pa_bit_noexec.
 *                   x86-64: clear RW, set NX; i386: clear RW; Alpha:
 *                   clear KWE/UWE, clear PG_EXEC and set FOE; AArch64:
 *                   clear OS_WRITE and DBM and set AP[2], set UXN/PXN.
 *   po_pte_remap    (optional) the leaf PTE npte that pmap_enter built for
 *                   the page opte maps already, with the attributes opte
 *                   recorded carried over.  Without it the glue keeps
 *                   opte's pa_bit_accessed and pa_bit_dirty (x86-64).
 *                   AArch64: AF, and AP[2] clear where npte may write.
 *   po_pte_str      the names of the bits set in an entry of a level, in
 *                   the architecture's own words, into buf (the frame
 *                   address left out).  Called by uvmsim_pmap_dump once
 *                   per valid entry.  x86-64: "P RW US A D G NX PG_W
 *                   PG_PVLIST"; each backend as its manual names them.
 */
#ifndef UVMSIM_PMAP_SIM_H
#define UVMSIM_PMAP_SIM_H

#include <uvmsim/types.h>

#define PMAP_SIM_MAXLEVELS	5

struct pmap_sim_arch {
	const char	*pa_name;	/* "x86_64", ... */
	unsigned	pa_page_shift;	/* log2 of the page size */
	unsigned	pa_levels;	/* levels of page tables */
	unsigned	pa_index_bits[PMAP_SIM_MAXLEVELS]; /* per level, top first */
	unsigned	pa_pte_bytes;	/* size of one PTE: 4 or 8 */
	bool		pa_big_endian;	/* PTEs and data are big-endian */
	/* Bit positions in a PTE; a bit the format lacks is -1.  An "active
	 * low" bit (no-execute) is set to forbid.  Without a read bit, every
	 * valid mapping may be read; without an execute bit, every mapping
	 * without no-execute may be executed. */
	int		pa_bit_valid;
	int		pa_bit_read;
	int		pa_bit_write;
	int		pa_bit_user;
	int		pa_bit_exec;
	int		pa_bit_noexec;
	int		pa_bit_accessed;
	int		pa_bit_dirty;
	int		pa_bit_global;	/* survives an address-space switch */
	int		pa_bit_wired;	/* software: a wired mapping */
	int		pa_bit_managed;	/* software: the page has a pv entry */
	unsigned	pa_pfn_shift;	/* where the frame number sits in a PTE */
	uint64_t	pa_addr_mask;	/* frame address bits of a PTE */
	unsigned	pa_va_bits;	/* implemented virtual address bits */
	bool		pa_va_signext;	/* bits above copy bit pa_va_bits - 1 */
	bool		pa_tlb_pairs;	/* a TLB entry maps an even/odd pair
					   of pages: a fill may load the pair
					   (pw_pair_pg), a drop drops both */
	vaddr_t		pa_direct_min;	/* an unmapped kernel segment: in */
	vaddr_t		pa_direct_max;	/*   kernel mode va translates to pa
					   va - pa_direct_min without the TLB
					   (MIPS's kseg0); both 0: none */
	bool		pa_has_dbm;	/* a hardware dirty-bit modifier that
					   cfg.dbm may turn on (ps_dbm) */
	unsigned	pa_asid_bits;	/* bits of an ASID (0: the TLB has no
					   address-space tags; below
					   pa_page_shift: pmap_tlb.c) */
	/* Address ranges (struct uvmsim_vmparam).  The root entries covering
	 * [kernel_min, kernel_max) are made at boot, with the page-table
	 * pages they point to, and copied into every user pmap's root. */
	vaddr_t		pa_user_min;
	vaddr_t		pa_user_max;
	vaddr_t		pa_kernel_min;
	vaddr_t		pa_kernel_max;
	const struct pmap_sim_ops *pa_ops; /* the backend's functions */
};

struct pmap;
struct pmap_sim;
struct pmap_tlbe;
struct pmap_walk;
struct uvmsim_machine;

/* po_pte_make's flags. */
#define PMAP_SIM_PTE_KERNEL	0x01	/* a mapping of the kernel pmap */
#define PMAP_SIM_PTE_WIRED	0x02	/* wired */
#define PMAP_SIM_PTE_MANAGED	0x04	/* the page keeps a pv entry */
#define PMAP_SIM_PTE_REF	0x08	/* the page is known referenced
					   (mdpg_attrs, or the PTE replaced) */
#define PMAP_SIM_PTE_MOD	0x10	/* ... known modified */

/* po_tlb_miss's answers. */
#define PMAP_SIM_MISS_FILL	0	/* fill with w->pw_rights */
#define PMAP_SIM_MISS_DIRTY	1	/* the entry held now allows the write */
#define PMAP_SIM_MISS_FAULT	2	/* trap to uvm_fault (w->pw_stop) */

/* A backend's functions (the essay above says who calls each). */
struct pmap_sim_ops {
	uint64_t (*po_pte_make)(const struct pmap_sim *ps, paddr_t pa,
		    vm_prot_t prot, vm_prot_t access, unsigned flags);
	uint32_t (*po_pte_rights)(const struct pmap_sim *ps, uint64_t pte);
	uint64_t (*po_ptp_make)(const struct pmap_sim *ps, paddr_t pa,
		    bool kernel);
	uint32_t (*po_upper_rights)(const struct pmap_sim *ps, uint64_t all,
		    uint64_t any);
	bool	 (*po_kernel_slots)(const struct pmap_sim *ps,
		    unsigned *firstp, unsigned *lastp);
	unsigned (*po_pte_attrs)(const struct pmap_sim *ps, uint64_t pte);
	uint64_t (*po_pte_clear_attrs)(const struct pmap_sim *ps,
		    uint64_t pte, unsigned attrs);
	struct pmap *(*po_root)(const struct pmap_sim *ps, struct pmap *pm,
		    vaddr_t va);
	void	 (*po_activate)(struct uvmsim_machine *m, unsigned cpu,
		    struct pmap *opm, struct pmap *pm);
	int	 (*po_tlb_miss)(struct uvmsim_machine *m, unsigned cpu,
		    vaddr_t va, uint32_t need, struct pmap_tlbe *te,
		    struct pmap_walk *w);
	void	 (*po_pte_str)(const struct pmap_sim *ps, unsigned level,
		    uint64_t pte, char *buf, size_t len);
	vm_prot_t (*po_pte_prot)(const struct pmap_sim *ps, uint64_t pte);
	uint64_t (*po_pte_protect)(const struct pmap_sim *ps, uint64_t pte,
		    vm_prot_t prot);
	uint64_t (*po_pte_remap)(const struct pmap_sim *ps, uint64_t opte,
		    uint64_t npte);
};

/* The backends (one file each). */
extern const struct pmap_sim_arch pmap_sim_arch_x86_64;
extern const struct pmap_sim_arch pmap_sim_arch_i386;
extern const struct pmap_sim_arch pmap_sim_arch_alpha;
extern const struct pmap_sim_arch pmap_sim_arch_aarch64;
extern const struct pmap_sim_arch pmap_sim_arch_mips;

#endif /* UVMSIM_PMAP_SIM_H */
