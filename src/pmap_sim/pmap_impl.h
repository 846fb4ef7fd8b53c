/*
 * pmap_impl.h: the pmap layer's structures, shared by the glue (pmap.c,
 * pmap_ptp.c, pmap_boot.c), its checks (pmap_check.c), the MMU (mmu.c)
 * and the backends (pmap_<arch>.c).  Not installed.
 *
 * Glossary:
 *   PTE      a page-table entry, read and written in the backend's format
 *            in the bytes of a simulated frame.
 *   PTP      a page-table page: a frame holding one table of PTEs.  Its
 *            wire_count is 1 + its valid entries, as NetBSD/x86 keeps it.
 *   leaf     a PTE of level 1: it maps one page.
 *   pv       a pv entry: one mapping (pmap, va) of a managed page, on the
 *            page's mdpage.mdpg_pvh list.
 *   managed  a mapping made by pmap_enter: it has a pv entry and the
 *            backend's "managed" software bit.  pmap_kenter_pa mappings
 *            are unmanaged.
 *   pending  an invalidation a pmap recorded (a lowered or removed
 *            mapping) that pmap_update has not yet pushed to the TLBs.
 *   rights   TLB_ bits: what a translation allows.
 */
#ifndef UVMSIM_PMAP_IMPL_H
#define UVMSIM_PMAP_IMPL_H

#include <endian.h>
#include <stdio.h>
#include <string.h>

#include "uvmsim_impl.h"
#include "pmap_sim.h"

/*
 * A PTE's referenced and modified attributes (po_pte_attrs) for the last
 * PTE asked about, by its bits outside the frame field, which
 * po_pte_attrs does not read (pmap_attrs_cached).  ac_key is 0 until the
 * first: no valid PTE's, whose valid bit lies outside the field.
 */
struct pmap_attrs_cache {
	uint64_t	ac_key;
	unsigned	ac_attrs;
};

/* Pending invalidation ranges a pmap keeps before it falls back to "all",
 * and its pm_ninval then. */
#define PMAP_INVAL_MAX		8
#define PMAP_INVAL_ALL		(PMAP_INVAL_MAX + 1)

/* Kinds of managed mapping pmap_enter builds PTEs for (pmap_ptet_key). */
#define PMAP_PTET_N		1024

struct pmap_inval {
	vaddr_t		pi_sva;		/* first address */
	vaddr_t		pi_eva;		/* first address past the range */
};

/*
 * A walk cache: the path of the last walk of a pmap that reached a leaf
 * table (the upper tables and entries, and the rights they allow), so
 * that the next walk into the same leaf table reads one PTE, not
 * pa_levels.  A fault walks three times (the miss, pmap_enter, the
 * retry), and 1.6's fault enters its neighbours too, all in one leaf
 * table.  Unlike a hardware paging-structure cache it is never stale
 * and needs no invalidation: an entry is used only while the generation
 * it was filled under is current, and every change that could make it
 * wrong advances the generation.
 *
 * Invariant [pmap.wcache]: an entry with wc_gen == ps_ptpgen names the
 * tables and entries the page tables hold, from the root down to the leaf
 * table covering the addresses tagged wc_tag, every one valid and inside
 * memory, and wc_acc is the rights those upper entries allow.  It holds
 * because an upper entry changes in two ways only: a table hooked where
 * the entry was invalid (no cached path goes through an invalid entry),
 * and a table unhooked to be freed, which advances ps_ptpgen and so
 * drops every pmap's entry at once (kernel tables are shared by all).
 * The checker walks without the cache and compares.
 */
struct pmap_wcache {
	uint64_t	wc_gen;		/* ps_ptpgen when filled (0: never)
					   [pmap] */
	uint64_t	wc_tag;		/* va >> ps_wcshift of the leaf table
					   [pmap] */
	uint32_t	wc_acc;		/* TLB_ rights the upper levels allow
					   [pmap] */
	unsigned	wc_idx[PMAP_SIM_MAXLEVELS + 1]; /* entry per level,
					   2.. [pmap] */
	struct vm_page	*wc_ptp[PMAP_SIM_MAXLEVELS + 1]; /* table per level,
					   1.. [pmap] */
};

/*
 * A pmap.  The simulator runs one thread of control, so the pmap needs no
 * lock of its own ([pmap] below: changed only by the pmap layer; the MMU
 * reads the page tables and changes only their A and D bits).
 */
struct pmap {
	struct vm_page	*pm_root;	/* top-level page-table page [pmap] */
	int		pm_refcnt;	/* references [pmap] */
	long		pm_resident;	/* valid leaf PTEs in its range [pmap] */
	long		pm_wired;	/* ... of them wired [pmap] */
	u_int		pm_id;		/* serial, for traces (1: the kernel) */
	bool		pm_kernel;	/* the kernel pmap */
	vaddr_t		pm_vmin;	/* its range's first address, and */
	uint64_t	pm_vlast;	/*   its pages less one: the bound of
					   check_page_va (pmap_range_init)
					   [set at creation] */
	bitstr_t	pm_cpus[bitstr_size(UVMSIM_MAXCPUS)]; /* CPUs it is
					   active on (user pmaps; NetBSD's
					   pm_onproc) [pmap] */
	bitstr_t	pm_active[bitstr_size(UVMSIM_MAXCPUS)]; /* CPUs whose
					   TLB may hold entries of it: pm_cpus
					   and, with ASIDs, those it left with
					   its entries in place (user pmaps;
					   NetBSD's pm_active) [pmap] */
	u_int		pm_asid;	/* ASID its entries are tagged with
					   (0: none; the kernel's) [pmap] */
	uint64_t	pm_asid_gen;	/* ps_asid_gen when pm_asid was given:
					   pm_asid is valid while they are
					   equal (0: never given) [pmap] */
	u_int		pm_ninval;	/* pending ranges in pm_inval, or
					   PMAP_INVAL_ALL: every entry; 0
					   alone says nothing is pending
					   [pmap] */
	struct pmap_inval pm_inval[PMAP_INVAL_MAX]; /* pending ranges [pmap] */
	struct pmap_wcache pm_wc;	/* path to the last leaf table walked
					   [pmap] */
	TAILQ_ENTRY(pmap) pm_list;	/* machine's pmaps, by creation */
};

/* A mapping of a managed page. */
struct pv_entry {
	struct pv_entry	*pv_next;	/* next mapping of the page [pmap] */
	struct pmap	*pv_pmap;	/* the pmap */
	vaddr_t		pv_va;		/* the address it is mapped at */
	struct vm_page	*pv_ptp;	/* the leaf table holding its PTE */
	u_int		pv_idx;		/* the PTE's index in that table */
};

/* pv entries come from the machine's free list, refilled a block at a
 * time; blocks are freed only with the machine. */
#define PV_BLOCK	128
struct pv_block {
	SLIST_ENTRY(pv_block) pb_list;	/* machine's blocks */
	struct pv_entry	pb_pv[PV_BLOCK];
};

/* TLB rights (te_rights). */
#define TLB_R		0x01		/* read */
#define TLB_W		0x02		/* write */
#define TLB_X		0x04		/* execute */
#define TLB_U		0x08		/* user mode may use it */
#define TLB_D		0x10		/* the PTE's dirty bit is known set */
#define TLB_G		0x20		/* global: survives a switch */

#define TLBE_INVALID	UINT64_MAX	/* te_vpn of an empty entry */

/*
 * One TLB entry.  Kept small: the hit path reads te_vpn, te_rights and
 * te_host.  te_vpn is the key the hit path compares: va >> page shift,
 * with a non-global entry's ASID in the bits above it that a vpn never
 * uses (ps_asid_shift and up; pmap_tlb.c), so that one compare tests
 * both.  A global entry's key is the vpn alone.
 */
struct pmap_tlbe {
	uint64_t	te_vpn;		/* key: vpn | ASID tag, or
					   TLBE_INVALID */
	uint32_t	te_rights;	/* TLB_ bits */
	uint32_t	te_pad;		/* (alignment) */
	uint8_t		*te_host;	/* the frame's bytes in the host */
	struct pmap	*te_pmap;	/* the pmap it was filled from */
	struct vm_page	*te_pg;		/* the frame */
};

/* One simulated CPU's MMU state. */
struct pmap_cpu {
	struct pmap	*pc_pmap;	/* active pmap: a user one or the kernel's */
	struct pmap_tlbe *pc_tlb;	/* sets of ways entries, set by set */
	struct pmap_tlbe *pc_last;	/* the entry of the last hit: looked
					   at first (one of pc_tlb) */
	uint64_t	pc_asidtag;	/* the active pmap's ASID tag, or'ed
					   into the key of a user access (0:
					   the kernel's, or no ASIDs) */
	uint64_t	pc_vpnmask;	/* the vpn bits of a key */
	uint64_t	pc_absent;	/* a key uvmsim__tlb_find finds no
					   entry for, or TLBE_INVALID: set by
					   the fault path, which looked and
					   dropped; every fill clears it */
	uint64_t	pc_setmask;	/* sets - 1 */
	unsigned	pc_ways;	/* entries per set (a power of two) */
	unsigned	pc_wayshift;	/* log2 of pc_ways */
	unsigned	pc_nempty;	/* entries TLBE_INVALID: with none, a
					   fill need not look for an empty
					   way (mmu.c) */
	bool		pc_swap;	/* data bytes need swapping to the host's */
	uint64_t	pc_vabias;	/* pmap_va_ok's test, in the MMU's
					   reach: va is an address when
					   va + pc_vabias <= pc_valimit */
	uint64_t	pc_valimit;
	uint16_t	*pc_rr;		/* per set: next way to replace */
	struct uvmsim_tlb_stats pc_stats; /* hits, misses, flushes, ... */
};

/* The pmap layer of one machine (m->pmap_sim). */
struct pmap_sim {
	const struct pmap_sim_arch *ps_arch; /* the backend's facts */
	const struct pmap_sim_ops *ps_ops; /* its functions (ps_arch->pa_ops) */
	const struct pmap_sim_uvm *ps_uvm; /* what it asks of the VM system */
	uint64_t	ps_nptp;	/* page-table pages in use */
	uint64_t	ps_nptp_peak;	/* most ever in use at once */
	/* PTE masks made from the backend's bit positions (0: absent) */
	uint64_t	ps_v;		/* valid */
	uint64_t	ps_r;		/* readable */
	uint64_t	ps_w;		/* writable */
	uint64_t	ps_u;		/* user-accessible */
	uint64_t	ps_x;		/* executable */
	uint64_t	ps_nx;		/* not executable */
	uint64_t	ps_a;		/* accessed */
	uint64_t	ps_d;		/* dirty */
	uint64_t	ps_g;		/* global */
	uint64_t	ps_wired;	/* software: wired */
	uint64_t	ps_managed;	/* software: has a pv entry */
	unsigned	ps_shift[PMAP_SIM_MAXLEVELS + 1]; /* va shift per level */
	unsigned	ps_nidx[PMAP_SIM_MAXLEVELS + 1]; /* entries per level */
	uint64_t	ps_idxmask[PMAP_SIM_MAXLEVELS + 1]; /* ps_nidx - 1 */
	unsigned	ps_wcshift;	/* walk cache tag: va >> ps_shift[2] */
	bool		ps_pte_le64;	/* PTEs are 8 bytes, little-endian */
	unsigned	ps_pa_rot;	/* a frame's address rotated left by
					   this, under pa_addr_mask, is its
					   PTEs' frame field (pmap_enter) */
	uint64_t	ps_pfn0;	/* the first frame's number: a PTE's
					   frame field, shifted down, less
					   this, is its frame's index */
	/* uvmsim__pmap_mapped's test of a leaf entry e, valid and a frame
	 * of the machine, in one compare (pmap_extract.c):
	 * rotr(e & ps_map_key, ps_map_rot) - ps_map_lo < ps_map_span */
	unsigned	ps_map_pteb;	/* PTE bytes when the test fits the
					   format (little-endian), else 0 */
	unsigned	ps_map_rot;	/* brings the valid bit to bit 63 */
	uint64_t	ps_map_key;	/* the valid bit and the address field */
	uint64_t	ps_map_lo;	/* the first frame's, valid, rotated */
	uint64_t	ps_map_span;	/* the machine's frames, rotated */
	size_t		ps_pgbytes;	/* the backend's page size, bytes */
	uint64_t	ps_ptpgen;	/* page-table pages freed, plus 1: a walk
					   cache entry of an older one is void */
	vaddr_t		ps_kmin;	/* kernel range: [ps_kmin, */
	vaddr_t		ps_klen;	/*   ps_kmin + ps_klen) */
	struct pmap	*ps_kernel;	/* the kernel pmap */
	TAILQ_HEAD(, pmap) ps_pmaps;	/* every live pmap, by creation */
	u_int		ps_next_id;	/* last pm_id given */
	struct pv_entry	*ps_pvfree;	/* free pv entries */
	SLIST_HEAD(, pv_block) ps_pvblocks; /* every pv block */
	/* ASIDs (pmap_tlb.c): one space for the machine, as NetBSD's
	 * pmap_tlb.c keeps one pmap_tlb_info for CPUs that share it. */
	u_int		ps_asid_max;	/* highest ASID given (0: no ASIDs) */
	unsigned	ps_asid_shift;	/* where a key's ASID tag starts */
	uint64_t	ps_vpnmask;	/* the vpn bits of a key */
	uint64_t	ps_asid_gen;	/* generation: advanced at a rollover
					   (1 from boot; 0 without ASIDs) */
	u_int		ps_asid_hint;	/* next ASID to try */
	bitstr_t	*ps_asid_used;	/* ASIDs given in this generation,
					   0 (the kernel's) among them */
	bool		ps_dbm;		/* the hardware dirty-bit modifier is
					   on (cfg.dbm; pa_has_dbm) */
	unsigned	ps_tlb_entries;	/* per CPU */
	unsigned	ps_tlb_ways;
	unsigned	ps_ncpus;
	/* pmap_enter's PTEs less their frame, one per kind of managed
	 * mapping (pmap_ptet_key: prot, access, wiring, kernel, the page's
	 * referenced and modified attributes), each made by po_pte_make
	 * the first time it is asked for (0: not yet; a made PTE has its
	 * valid bit), so that an enter calls no backend function to build
	 * its PTE.  ps_ptetw: the PTE lets the mapping write
	 * (PMAP_ATTR_WMAP, invariant [pmap.wmap]). */
	uint64_t	ps_ptet[PMAP_PTET_N];
	uint8_t		ps_ptetw[PMAP_PTET_N];
	/* po_pte_attrs of the last PTE pmap_enter replaced (ps_rattrs)
	 * and of the last pmap_page_protect removed (ps_dattrs): a run of
	 * copy-on-write faults or loan breaks meets PTEs made alike
	 * (pmap_attrs_cached). */
	struct pmap_attrs_cache ps_rattrs;
	struct pmap_attrs_cache ps_dattrs;
	struct pmap_cpu	ps_cpus[];	/* ps_ncpus CPUs */
};

/*
 * pmap_ptet_key: the entry of ps_ptet for a managed mapping of prot (in
 * VM_PROT_ALL) made by an access of flags & VM_PROT_ALL, wired where
 * flags has PMAP_WIRED, in the kernel pmap or not, of a page whose
 * mdpg_attrs are attrs: every argument po_pte_make reads but the frame.
 */
static inline unsigned
pmap_ptet_key(vm_prot_t prot, int flags, bool kernel, unsigned attrs)
{
	/* access in bits 3-5, PMAP_WIRED (0x10) in bit 7 */
	return (unsigned)prot |
	    ((unsigned)flags & (VM_PROT_ALL | PMAP_WIRED)) << 3 |
	    (unsigned)kernel << 6 |
	    (attrs & (PMAP_ATTR_MOD | PMAP_ATTR_REF)) << 8;
}

/* x rotated right / left by r (r < 64): one instruction each. */
static inline uint64_t
pmap_rotr64(uint64_t x, unsigned r)
{
	return (x >> r) | (x << (-r & 63));
}

static inline uint64_t
pmap_rotl64(uint64_t x, unsigned r)
{
	return (x << r) | (x >> (-r & 63));
}

/* po_pte_attrs of the valid PTE pte, from ac where the last PTE asked
 * about had the same bits outside the frame field. */
static inline UVMSIM__ALWAYS_INLINE unsigned
pmap_attrs_cached(const struct pmap_sim *ps, struct pmap_attrs_cache *ac,
    uint64_t pte)
{
	uint64_t key = pte & ~ps->ps_arch->pa_addr_mask;

	if (__predict_false(key != ac->ac_key)) {
		ac->ac_key = key;
		ac->ac_attrs = ps->ps_ops->po_pte_attrs(ps, pte);
	}
	return ac->ac_attrs;
}

/* ---- PTE access ---- */

/* The PTE at p, of bytes 4 or 8, big-endian if be (the walker's form,
 * with the backend's facts in the caller's registers). */
static inline uint64_t
pmap_pte_read(const uint8_t *p, unsigned bytes, bool be)
{
	uint64_t v64;
	uint32_t v32;

	if (bytes == 8) {
		memcpy(&v64, p, 8);
		return be ? be64toh(v64) : le64toh(v64);
	}
	memcpy(&v32, p, 4);
	return be ? be32toh(v32) : le32toh(v32);
}

static inline uint64_t
pmap_pte_get(const struct pmap_sim *ps, const uint8_t *p)
{
	return pmap_pte_read(p, ps->ps_arch->pa_pte_bytes,
	    ps->ps_arch->pa_big_endian);
}

/* pmap_pte_read's inverse: v stored at p as bytes 4 or 8, big-endian if
 * be (a backend's own constants make it one store). */
static inline void
pmap_pte_write(uint8_t *p, unsigned bytes, bool be, uint64_t v)
{
	uint64_t v64;
	uint32_t v32;

	if (bytes == 8) {
		v64 = be ? htobe64(v) : htole64(v);
		memcpy(p, &v64, 8);
		return;
	}
	v32 = be ? htobe32((uint32_t)v) : htole32((uint32_t)v);
	memcpy(p, &v32, 4);
}

static inline void
pmap_pte_set(const struct pmap_sim *ps, uint8_t *p, uint64_t v)
{
	pmap_pte_write(p, ps->ps_arch->pa_pte_bytes,
	    ps->ps_arch->pa_big_endian, v);
}

/* Rights a leaf PTE grants by itself, read through the table's bit
 * positions (TLB_ bits, no TLB_G/TLB_D): a helper for backends whose
 * rights are one bit each; the glue asks po_pte_rights. */
static inline uint32_t
pmap_pte_rights(const struct pmap_sim *ps, uint64_t pte)
{
	uint32_t r = 0;

	if ((pte & ps->ps_v) == 0)
		return 0;
	if (ps->ps_r == 0 || (pte & ps->ps_r))
		r |= TLB_R;
	if (pte & ps->ps_w)
		r |= TLB_W;
	if ((ps->ps_x == 0 || (pte & ps->ps_x)) && (pte & ps->ps_nx) == 0)
		r |= TLB_X;
	if (pte & ps->ps_u)
		r |= TLB_U;
	return r;
}

/* The VM_PROT_ rights a leaf PTE's mapping grants (po_pte_prot), or,
 * for a backend without that operation, the rights po_pte_rights says
 * it allows. */
static inline vm_prot_t
pmap_pte_prot(const struct pmap_sim *ps, uint64_t pte)
{
	uint32_t r;

	if (ps->ps_ops->po_pte_prot != NULL)
		return ps->ps_ops->po_pte_prot(ps, pte);
	r = ps->ps_ops->po_pte_rights(ps, pte);
	return ((r & TLB_R) ? VM_PROT_READ : 0) |
	    ((r & TLB_W) ? VM_PROT_WRITE : 0) |
	    ((r & TLB_X) ? VM_PROT_EXECUTE : 0);
}

/* The entry of a TLB for key (vpn | ASID tag), whatever its rights, or
 * NULL; a tagged key without one finds its vpn's global entry (mmu.c). */
struct pmap_tlbe *uvmsim__tlb_find(struct pmap_cpu *pc, uint64_t key);

/* A bit of an entry and its name in the architecture's manual, for a
 * backend's po_pte_str. */
struct pmap_bitname {
	uint64_t	bn_bit;
	const char	*bn_name;
};

/* Append to buf, which holds n characters of len, the names of the bits
 * of names[0 .. nnames) set in pte, each after a space but the first of
 * buf; the new length (at least len when it was cut short). */
static inline size_t
pmap_bits_str(char *buf, size_t len, size_t n, uint64_t pte,
    const struct pmap_bitname *names, size_t nnames)
{
	size_t i;

	for (i = 0; i < nnames && n < len; i++)
		if (pte & names[i].bn_bit)
			n += (size_t)snprintf(buf + n, len - n, "%s%s",
			    n == 0 ? "" : " ", names[i].bn_name);
	return n;
}

/* Index of va in a table of level (1: leaf table). */
static inline unsigned
pmap_index(const struct pmap_sim *ps, vaddr_t va, unsigned level)
{
	return (unsigned)((va >> ps->ps_shift[level]) & ps->ps_idxmask[level]);
}

/* The bytes of entry idx of page-table page ptp. */
static inline uint8_t *
pmap_pte_ptr(const struct uvmsim_machine *m, const struct pmap_sim *ps,
    const struct vm_page *ptp, unsigned idx)
{
	return (uint8_t *)uvmsim__pgdata(m, ptp) +
	    (size_t)idx * ps->ps_arch->pa_pte_bytes;
}

/*
 * pmap_range_init: pm's pm_vmin and pm_vlast, from its range (the user
 * range, or the kernel's for the kernel pmap), which is page aligned and
 * holds a page.
 */
static inline void
pmap_range_init(const struct pmap_sim *ps, struct pmap *pm)
{
	const struct pmap_sim_arch *a = ps->ps_arch;
	vaddr_t max;

	pm->pm_vmin = pm->pm_kernel ? a->pa_kernel_min : a->pa_user_min;
	max = pm->pm_kernel ? a->pa_kernel_max : a->pa_user_max;
	KASSERT(((pm->pm_vmin | max) & (ps->ps_pgbytes - 1)) == 0 &&
	    max - pm->pm_vmin >= ps->ps_pgbytes);
	pm->pm_vlast = (max - pm->pm_vmin - ps->ps_pgbytes) >>
	    a->pa_page_shift;
}

/* Physical address a PTE points at / the PTE bits of a physical address. */
static inline paddr_t
pmap_pte_pa(const struct pmap_sim *ps, uint64_t pte)
{
	return ((pte & ps->ps_arch->pa_addr_mask) >> ps->ps_arch->pa_pfn_shift)
	    << ps->ps_arch->pa_page_shift;
}

static inline uint64_t
pmap_pa_pte(const struct pmap_sim *ps, paddr_t pa)
{
	return ((pa >> ps->ps_arch->pa_page_shift) << ps->ps_arch->pa_pfn_shift)
	    & ps->ps_arch->pa_addr_mask;
}


/* va is representable (canonical) on the architecture. */
static inline bool
pmap_va_ok(const struct pmap_sim *ps, vaddr_t va)
{
	unsigned bits = ps->ps_arch->pa_va_bits;
	uint64_t top;

	if (bits >= 64)
		return true;
	top = va >> (bits - 1);
	if (ps->ps_arch->pa_va_signext)
		return top == 0 || top == (UINT64_MAX >> (bits - 1));
	return (va >> bits) == 0;
}

static inline bool
pmap_is_kva(const struct pmap_sim *ps, vaddr_t va)
{
	return va - ps->ps_kmin < ps->ps_klen;
}

/* va lies in the unmapped kernel segment (pa_direct_min..max). */
static inline bool
pmap_is_direct(const struct pmap_sim *ps, vaddr_t va)
{
	return va - ps->ps_arch->pa_direct_min <
	    ps->ps_arch->pa_direct_max - ps->ps_arch->pa_direct_min;
}

/*
 * pmap_root_va: the first address entry idx of pm's root maps: the
 * index bits, sign-extended where addresses are; where the kernel has a
 * root of its own (no shared kernel slots: AArch64's TTBR1), the bits
 * above the root's reach are those of pm's range.
 */
static inline vaddr_t
pmap_root_va(const struct pmap_sim *ps, const struct pmap *pm, unsigned idx)
{
	const struct pmap_sim_arch *a = ps->ps_arch;
	unsigned top = a->pa_levels, reach = ps->ps_shift[top] +
	    a->pa_index_bits[0], first, last;
	vaddr_t va = (vaddr_t)idx << ps->ps_shift[top];

	if (a->pa_va_signext && a->pa_va_bits < 64 &&
	    (va >> (a->pa_va_bits - 1)) & 1)
		va |= ~(((vaddr_t)1 << a->pa_va_bits) - 1);
	if (reach < 64 && !ps->ps_ops->po_kernel_slots(ps, &first, &last))
		va |= (pm->pm_kernel ? a->pa_kernel_min : a->pa_user_min) &
		    ~(((vaddr_t)1 << reach) - 1);
	return va;
}

/* ---- walking ---- */

/*
 * The result of a walk: the page-table page and entry at each level from
 * the root down to where it stopped.
 */
struct pmap_walk {
	unsigned	pw_stop;	/* level of the first invalid entry, or 0
					   when the leaf is valid */
	struct vm_page	*pw_ptp[PMAP_SIM_MAXLEVELS + 1]; /* table per level */
	unsigned	pw_idx[PMAP_SIM_MAXLEVELS + 1];	/* entry per level */
	uint64_t	pw_pte;		/* the leaf PTE (pw_stop == 0) */
	struct vm_page	*pw_pg;		/* the frame it maps, or NULL */
	uint32_t	pw_rights;	/* TLB_ rights over all levels (0 from
					   pmap_walk_pte's cached walk) */
	uint32_t	pw_acc;		/* TLB_ rights the upper levels allow
					   (a walk that reached the leaf) */
	int		pw_bad;		/* nonzero: a PTE points outside memory
					   at this level */
	struct vm_page	*pw_pair_pg;	/* pa_tlb_pairs: the frame of the
					   other page of va's pair, for the
					   fill to load too, or NULL */
	uint32_t	pw_pair_rights;	/* ... and its TLB_ rights */
};

/* Walk pm's tables for va from the root down, changing nothing (the
 * checker's walk; see uvmsim__pmap_walk_tables in pmap.c). */
void	uvmsim__pmap_walk_tables(struct uvmsim_machine *m, struct pmap *pm,
	    vaddr_t va, struct pmap_walk *w);
/* The same from the root, filling pm's walk cache: the walk of
 * pmap_walk_pte and of a backend's TLB miss when the cache does not
 * cover va. */
void	uvmsim__pmap_walk_fill(struct uvmsim_machine *m, struct pmap *pm,
	    vaddr_t va, struct pmap_walk *w);

/* The walk from pm's root to the leaf table of va (the checker's, to
 * compare with the walk cache): true when it got there, the table's frame
 * index in *framep and the upper rights in *accp (pmap_ptp.c). */
bool	uvmsim__pmap_walk_upper(struct uvmsim_machine *m, const struct pmap *pm,
	    vaddr_t va, struct pmap_walk *w, uint64_t *framep, uint32_t *accp);

/* Set ps's ps_map_* for uvmsim__pmap_mapped, once the backend's facts
 * and m's memory are known (pmap_extract.c). */
void	uvmsim__pmap_mapped_init(const struct uvmsim_machine *m,
	    struct pmap_sim *ps);

/* A zeroed page-table page, wired once (NULL: none to be had), and the
 * freeing of an empty one, unhooked (pmap_ptp.c). */
struct vm_page *uvmsim__pmap_ptp_alloc(struct uvmsim_machine *m);
void	uvmsim__pmap_ptp_free(struct uvmsim_machine *m, struct vm_page *ptp);

static inline void
pmap_walk_start(struct pmap_walk *w)
{
	w->pw_pte = 0;
	w->pw_pg = NULL;
	w->pw_rights = 0;
	w->pw_bad = 0;
	w->pw_pair_pg = NULL;
}

/*
 * pmap_walk_leaf: the last step of a walk: the leaf PTE of va in the leaf
 * table ptp, under the rights acc of the upper levels (TLB_G and TLB_D
 * always among them: they are the leaf's to say); pw_rights left 0
 * unless rights, pw_acc set either way.
 */
static inline void
pmap_walk_leaf(struct uvmsim_machine *m, const struct pmap_sim *ps,
    struct vm_page *ptp, vaddr_t va, uint32_t acc, struct pmap_walk *w,
    bool rights)
{
	const struct pmap_sim_arch *a = ps->ps_arch;
	struct vm_page *const pages = m->pages;
	unsigned idx = pmap_index(ps, va, 1);
	uint64_t e, frame;

	w->pw_ptp[1] = ptp;
	w->pw_idx[1] = idx;
	e = pmap_pte_read((const uint8_t *)uvmsim__pgdata(m, ptp) +
	    (size_t)idx * a->pa_pte_bytes, a->pa_pte_bytes, a->pa_big_endian);
	if ((e & ps->ps_v) == 0) {
		w->pw_stop = 1;
		return;
	}
	frame = ((e & a->pa_addr_mask) >> a->pa_pfn_shift) -
	    (m->phys_base >> m->pageshift);
	if (frame >= m->npages) {	/* (below the first, too) */
		w->pw_bad = 1;
		w->pw_stop = 1;
		return;
	}
	w->pw_stop = 0;
	w->pw_pte = e;
	w->pw_pg = &pages[frame];
	w->pw_acc = acc;
	if (rights)
		w->pw_rights = acc & ps->ps_ops->po_pte_rights(ps, e);
}

/*
 * pmap_walk_pte: walk pm's tables for va, for the pmap's own changes,
 * changing nothing but pm's walk cache: a walk into the leaf table the
 * last one reached reads its leaf PTE alone (inline: a fault enters its
 * page and its neighbours, all in one leaf table); another walks from the
 * root and caches its path.  It
 * reads the PTE and the tables, not what an access may do: pw_rights is
 * 0 when the walk cache answers (a walk from the root still fills it).
 *
 * => va canonical.
 * => the result of uvmsim__pmap_walk_tables (invariant [pmap.wcache]):
 *	w->pw_stop is 0 with the leaf in pw_pte when va is mapped, else the
 *	level whose entry is invalid; pw_ptp/pw_idx name the table and entry
 *	at each level down to there.  pw_bad names a level whose entry points
 *	outside memory (the walk stops there).
 */
static inline UVMSIM__ALWAYS_INLINE void
pmap_walk_pte(struct uvmsim_machine *m, struct pmap *pm, vaddr_t va,
    struct pmap_walk *w)
{
	const struct pmap_sim *ps = m->pmap_sim;
	const struct pmap_wcache *wc = &pm->pm_wc;

	if (__predict_false(wc->wc_gen != ps->ps_ptpgen ||
	    wc->wc_tag != va >> ps->ps_wcshift)) {
		uvmsim__pmap_walk_fill(m, pm, va, w);
		return;
	}
	pmap_walk_start(w);
	/* The upper path, whole arrays (levels 0 and 1 are overwritten or
	 * unused): fixed-size copies the compiler does in a few moves. */
	memcpy(w->pw_ptp, wc->wc_ptp, sizeof(w->pw_ptp));
	memcpy(w->pw_idx, wc->wc_idx, sizeof(w->pw_idx));
	pmap_walk_leaf(m, ps, wc->wc_ptp[1], va, wc->wc_acc, w, false);
}

/*
 * pmap_leaf_cached: the leaf of a backend's TLB miss where pm's walk
 * cache holds va's leaf table (wc, which the caller has checked with its
 * own constant shift): reads the leaf's table and entry (pw_ptp[1],
 * pw_idx[1]) and sets of the walk only what the MMU reads whatever the
 * answer (pw_bad, pw_pair_pg; the upper path stays unset).  True with
 * the entry in pw_pte, its page in pw_pg and pw_stop 0; false for a
 * fault: no valid entry (pw_stop 1), or one whose frame is not the
 * machine's (pw_bad 1 too).
 *
 * => a: the backend's own format (&pmap_sim_arch_<name>, the same object
 *	as ps->ps_arch), named so that the compiler reads its constants:
 *	the leaf's index, byte order, entry size, valid bit and frame field
 *	become immediates in the backend's miss handler rather than loads
 *	and branches on the machine's pmap layer.
 */
static inline UVMSIM__ALWAYS_INLINE bool
pmap_leaf_cached(struct uvmsim_machine *m, const struct pmap_wcache *wc,
    vaddr_t va, struct pmap_walk *w, const struct pmap_sim_arch *a)
{
	struct vm_page *ptp = wc->wc_ptp[1];
	unsigned idx;
	uint64_t e, frame;

	w->pw_bad = 0;
	w->pw_pair_pg = NULL;
	idx = (unsigned)(va >> a->pa_page_shift) &
	    ((1u << a->pa_index_bits[a->pa_levels - 1]) - 1);
	w->pw_ptp[1] = ptp;
	w->pw_idx[1] = idx;
	e = pmap_pte_read((const uint8_t *)uvmsim__pgdata(m, ptp) +
	    (size_t)idx * a->pa_pte_bytes, a->pa_pte_bytes, a->pa_big_endian);
	w->pw_stop = 1;
	if ((e & ((uint64_t)1 << a->pa_bit_valid)) == 0)
		return false;
	frame = ((e & a->pa_addr_mask) >> a->pa_pfn_shift) -
	    (m->phys_base >> a->pa_page_shift);
	if (frame >= m->npages) {	/* (below the first, too) */
		w->pw_bad = 1;
		return false;
	}
	w->pw_stop = 0;
	w->pw_pte = e;
	w->pw_pg = &m->pages[frame];
	w->pw_acc = wc->wc_acc;
	return true;
}

/* The pmap layer of machine m; panics for arch "none".  Inline: every
 * pmap(9) call starts with it. */
void	uvmsim__pmap_nosim(struct uvmsim_machine *m)
	    __attribute__((__noreturn__));
static inline struct pmap_sim *
uvmsim__pmap_sim(struct uvmsim_machine *m)
{
	if (__predict_false(m->pmap_sim == NULL))
		uvmsim__pmap_nosim(m);
	return m->pmap_sim;
}

/* Make pm the active pmap of cpu (mmu.c; what that does to its TLB is
 * the backend's po_activate). */
void	uvmsim__pmap_switch(struct uvmsim_machine *m, unsigned cpu,
	    struct pmap *pm);

/* ---- ASIDs (pmap_tlb.c) ---- */

int	uvmsim__pmap_tlb_init(struct pmap_sim *ps,
	    const struct uvmsim_config *cfg, unsigned ncpus);
void	uvmsim__pmap_tlb_teardown(struct pmap_sim *ps);
/* Give pm an ASID of the current generation if it has none (rolling the
 * space over when it is exhausted) and make it cpu's tag: a backend's
 * po_activate when its TLB has address-space tags. */
void	uvmsim__pmap_tlb_asid_acquire(struct uvmsim_machine *m, unsigned cpu,
	    struct pmap *pm);
/* Drop pm's entries from every TLB that may hold them, and its ASID
 * (pmap_destroy). */
void	uvmsim__pmap_tlb_asid_release(struct uvmsim_machine *m,
	    struct pmap *pm);

/*
 * pmap_tlb_tag: the tag pm's non-global entries carry in their key: its
 * ASID of the current generation in the key's top bits; 0 for the kernel
 * pmap, a pmap without a valid ASID (it has no entry), or a machine
 * without ASIDs.
 */
static inline uint64_t
pmap_tlb_tag(const struct pmap_sim *ps, const struct pmap *pm)
{
	if (pm->pm_kernel || pm->pm_asid_gen != ps->ps_asid_gen)
		return 0;
	return (uint64_t)pm->pm_asid << ps->ps_asid_shift;
}

/* Whether cpu's TLB may hold entries of pm: the CPUs an invalidation of
 * pm's mappings must reach (every CPU for the kernel pmap). */
static inline bool
pmap_tlb_may_hold(const struct pmap *pm, unsigned cpu)
{
	return pm->pm_kernel || bit_test(pm->pm_active, (int)cpu);
}

/* pmap_tlb_absent: no CPU whose TLB may hold pm's entries holds key (its
 * pc_absent: the page whose entry a fault dropped), so that an
 * invalidation of key would find nothing to drop (mmu.c). */
static inline bool
pmap_tlb_absent(const struct pmap_sim *ps, const struct pmap *pm,
    uint64_t key)
{
	unsigned cpu;

	/* pc_absent first: the faulting CPU's answers without its bit */
	for (cpu = 0; cpu < ps->ps_ncpus; cpu++)
		if (ps->ps_cpus[cpu].pc_absent != key &&
		    pmap_tlb_may_hold(pm, cpu))
			return false;
	return true;
}

/* True when an invalidation covering (pm, va) is pending. */
bool	uvmsim__pmap_pending(const struct pmap *pm, vaddr_t va);

/* ---- TLBs (mmu.c) ---- */

int	uvmsim__tlb_init(struct uvmsim_machine *m, struct pmap_sim *ps,
	    const struct uvmsim_config *cfg);
void	uvmsim__tlb_teardown(struct pmap_sim *ps);
/* Drop cpu's non-global entries (global too with all), counted as a
 * flush. */
void	uvmsim__tlb_flush(struct uvmsim_machine *m, unsigned cpu, bool all);
/* Drop every entry of pm on cpu, each counted as an invalidation;
 * returns how many. */
unsigned uvmsim__tlb_inval_pmap(struct uvmsim_machine *m, unsigned cpu,
	    struct pmap *pm);
/* Drop every entry of pm for [sva, eva) on cpu; returns how many. */
unsigned uvmsim__tlb_inval(struct uvmsim_machine *m, unsigned cpu,
	    struct pmap *pm, vaddr_t sva, vaddr_t eva);
/* Drop pm's entries for va on every CPU at once (no shootdown wait). */
void	uvmsim__tlb_inval_all_cpus(struct uvmsim_machine *m, struct pmap *pm,
	    vaddr_t va);
/* uvmsim__tlb_inval_all_cpus's work from cpu up, for key (mmu.c). */
void	uvmsim__tlb_inval_cpus(struct uvmsim_machine *m, struct pmap *pm,
	    uint64_t key, unsigned cpu);
/*
 * pmap_tlb_inval_all: uvmsim__tlb_inval_all_cpus inline, for a loop that
 * drops mapping after mapping (pmap_page_protect): usually no CPU has to
 * look (the fault's CPU noted the key absent, the others do not hold
 * pm), and then nothing is called.  (The absent key first: one
 * compare.)
 */
static inline UVMSIM__ALWAYS_INLINE void
pmap_tlb_inval_all(struct uvmsim_machine *m, const struct pmap_sim *ps,
    struct pmap *pm, vaddr_t va)
{
	const struct pmap_cpu *pc = ps->ps_cpus, *end = pc + ps->ps_ncpus;
	uint64_t key = (va >> m->pageshift) | pmap_tlb_tag(ps, pm);
	unsigned cpu;

	for (cpu = 0; pc < end; pc++, cpu++)
		if (key != pc->pc_absent && pmap_tlb_may_hold(pm, cpu)) {
			uvmsim__tlb_inval_cpus(m, pm, key, cpu);
			return;
		}
}
/* Report TLB entries granting more than their PTEs (the checker,
 * pmap_check.c). */
void	uvmsim__check_tlb(struct uvmsim_machine *m, struct uvmsim_report *r);

#endif /* UVMSIM_PMAP_IMPL_H */
