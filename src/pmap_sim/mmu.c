/*
 * mmu.c: the simulated MMU: per-CPU TLBs, the page-table walker, and the
 * accesses a program makes through them (uvmsim_load, _store, _fetch,
 * _copyin, _copyout), with uvm_fault() called as a trap would call it:
 * through the trap handler the machine gave the pmap layer at creation
 * (struct pmap_sim_uvm's pu_fault), not by name.
 *
 * Each CPU has a TLB of tlb_entries entries in sets of tlb_ways ways; a
 * virtual page number picks the set by its low bits, and a fill takes an
 * empty way or else the set's next way round-robin, so replacement is
 * deterministic.  An entry caches a leaf translation: the frame (and a
 * host pointer to its bytes), the rights it allows (TLB_R/W/X/U), whether
 * the PTE's dirty bit is known set (TLB_D) and whether it is global
 * (TLB_G, kernel mappings).  What a pmap switch does to the TLB is the
 * backend's po_activate: x86-64 flushes every non-global entry, as
 * loading a root without address-space tags does, so entries hold only
 * translations of the CPU's active pmap and global ones; a backend with
 * ASIDs flushes nothing, and an entry's key carries its pmap's ASID in
 * the bits above the vpn (pmap_tlb.c), so the hit path's one compare of
 * vpn | pc_asidtag finds only the active pmap's entries.  A global
 * entry's key is the vpn alone: a user access that misses on its tagged
 * key looks once more in the same set for it.
 *
 * An access, in order:
 *
 *   hit      the entry allows the access: the host bytes are read or
 *            written directly.  This is the hot path: no call, no trace,
 *            no allocation (hit8, inlined into each entry point, for
 *            an aligned 8-byte user access to the last hit's page;
 *            fast_host, one call away, for the rest, but for such a
 *            store to another page, which store8_miss searches for
 *            without checking its arguments again).
 *   dirty    a store hits an entry whose dirty bit is not known set;
 *   miss     no entry allows the access.  Both go to the backend's
 *            po_tlb_miss (pmap_sim.h), one indirect call: x86-64's
 *            walker reads the page tables from the frames' bytes; a
 *            present leaf allowing the access gets its accessed bit (and
 *            dirty bit on a write) and fills the TLB, and a store on a
 *            clean entry re-reads the PTE and sets D; if the PTE no
 *            longer allows the access, it faults.  An entry that did not
 *            allow the access is dropped first, as the fault of a real
 *            CPU drops it.
 *   fault    nothing present: uvm_fault(map, va, VM_FAULT_INVALID,
 *            access); present without the rights (write, execute under
 *            no-execute, user access to a supervisor page):
 *            VM_FAULT_PROTECT.  On success the access is retried (a
 *            bounded number of times); on failure a user access is the
 *            simulated SIGSEGV (EFAULT, m->last_segv) and a kernel access
 *            panics, as the kernel's trap handler does.
 *
 * Where a TLB entry maps an even/odd pair of pages (pa_tlb_pairs: MIPS)
 * the miss may hand back the pair's other page, filled too, and dropping
 * one page's entry drops the other's (tlb_drop).  An unmapped kernel
 * segment (pa_direct_min/max: MIPS's kseg0) translates a kernel access
 * to va - pa_direct_min with no TLB entry, count or fault (xlate).
 *
 * A stale entry is allowed by design: pmap_protect and pmap_remove reach
 * the TLBs only at pmap_update, so until then a CPU may keep using a
 * right its PTE lost.  The checker (uvmsim__check_tlb) reports a stale
 * entry only when no pending invalidation covers it.
 *
 * Invariants (checked by uvmsim__check_tlb in pmap_check.c, "tlb.stale"):
 *   1. a valid entry's frame and rights are those of its PTE now, or an
 *      invalidation covering it is pending for its pmap.
 *   2. a valid non-global entry belongs to the CPU's active pmap; with
 *      ASIDs, to a live pmap whose pm_active holds the CPU, tagged with
 *      its ASID of the current generation ("tlb.asid", pmap_tlb.c).
 *   3. te_host is the bytes of te_pg.
 *   4. pc_absent, unless TLBE_INVALID, is a key uvmsim__tlb_find finds
 *      no entry for ("tlb.absent").  A fault notes va's key there when
 *      it has dropped va's entry (or found none), before uvm_fault: the
 *      invalidations of va the fault makes (pmap_update's, a loan
 *      break's pmap_page_protect) are then answered without a look at
 *      the set.  Entries only come and go by a fill, which forgets the
 *      key, and by drops and flushes, which keep it true.
 *   5. pc_nempty is the number of the CPU's entries that are
 *      TLBE_INVALID ("tlb.count"): a fill into a TLB with none skips
 *      the look for an empty way and replaces round-robin, as the look
 *      would have found nothing.
 *
 * Observation without access (mmu_probe.c): uvmsim_translate and the
 * page-table half of uvmsim_probe (uvmsim__mmu_probe) walk the tables
 * without the walk cache, set no accessed or dirty bit, and read the
 * TLBs without a fill, a drop or a count.  The rights they report are those of an access in
 * the given mode, as need_of asks them of the TLB: a user access needs
 * the user bit at every level.
 *
 * Locking: the MMU takes no lock; uvm_fault takes what it needs.  The
 * accesses act on the machine passed in, made current for the slow path
 * only (uvm_fault and the pmap act on the current machine).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "pmap_impl.h"

/* uvm_fault calls an access may take before the MMU gives up. */
#define MMU_MAXTRIES	8

/* ---- the TLB ---- */

/*
 * tlb_search: the entry of key in its set when it allows need, or NULL;
 * a hit becomes the CPU's last hit (pc_last).  A key with an ASID tag
 * that misses is tried again untagged for a global entry (the second
 * probe: the same set, since a tag lies above the set bits).  Out of
 * line: the entry of the last hit, which tlb_lookup looks at first,
 * answers most accesses.
 */
static __attribute__((__noinline__)) struct pmap_tlbe *
tlb_search(struct pmap_cpu *pc, uint64_t key, uint32_t need)
{
	struct pmap_tlbe *set, *te;
	uint64_t vpn;
	unsigned i;

	set = &pc->pc_tlb[(key & pc->pc_setmask) << pc->pc_wayshift];
	for (i = 0, te = set; i < pc->pc_ways; i++, te++)
		if (te->te_vpn == key && (te->te_rights & need) == need) {
			pc->pc_last = te;
			return te;
		}
	if (__predict_true((vpn = key & pc->pc_vpnmask) == key))
		return NULL;
	for (i = 0, te = set; i < pc->pc_ways; i++, te++)
		if (te->te_vpn == vpn && (te->te_rights & TLB_G) &&
		    (te->te_rights & need) == need) {
			pc->pc_last = te;
			return te;
		}
	return NULL;
}

/*
 * tlb_lookup: the entry of key (vpn | the ASID tag of a user access)
 * when the TLB allows need, or NULL.
 * The hit path: keep it small and free of calls.  The entry of the last
 * hit is looked at first: accesses come in runs to one page.  It is an
 * entry of the TLB itself, so whatever changed it since (a fill, an
 * invalidation, a flush) is seen; and since a vpn has at most one entry,
 * in its own set, finding it there is finding what the search of the set
 * would find.  Which entry hits, and the TLB's contents and replacement
 * order, are the same either way.
 */
static inline struct pmap_tlbe *
tlb_lookup(struct pmap_cpu *pc, uint64_t key, uint32_t need)
{
	struct pmap_tlbe *te = pc->pc_last;

	if (__predict_true(te->te_vpn == key &&
	    (te->te_rights & need) == need))
		return te;
	return tlb_search(pc, key, need);
}

/* tlb_find_key: the entry under key itself in its set (set), or NULL;
 * no second probe for a global entry of its vpn. */
static inline UVMSIM__ALWAYS_INLINE struct pmap_tlbe *
tlb_find_key(const struct pmap_cpu *pc, struct pmap_tlbe *set, uint64_t key)
{
	struct pmap_tlbe *te = set, *end = set + pc->pc_ways;

	do {	/* (a set has a way at least) */
		if (te->te_vpn == key)
			return te;
	} while (++te < end);
	return NULL;
}

/* The entry for key, whatever its rights, or NULL; a tagged key without
 * an entry finds the global entry of its vpn, as tlb_search does (also
 * for the probe, mmu_probe.c). */
struct pmap_tlbe *
uvmsim__tlb_find(struct pmap_cpu *pc, uint64_t key)
{
	struct pmap_tlbe *set, *te, *end;
	uint64_t vpn;

	set = &pc->pc_tlb[(key & pc->pc_setmask) << pc->pc_wayshift];
	if ((te = tlb_find_key(pc, set, key)) != NULL)
		return te;
	if ((vpn = key & pc->pc_vpnmask) == key)
		return NULL;
	for (te = set, end = set + pc->pc_ways; te < end; te++)
		if (te->te_vpn == vpn && (te->te_rights & TLB_G))
			return te;
	return NULL;
}

/*
 * tlb_fill: enter a translation under key (its vpn, tagged with its
 * pmap's ASID unless global): the way holding key already, else an
 * empty way of its set, else the set's next way round-robin.
 *
 * => absent: the caller knows the set holds no entry under key (it
 *	looked, and dropped what it found); the look for one is skipped.
 */
static inline UVMSIM__ALWAYS_INLINE struct pmap_tlbe *
tlb_fill(struct uvmsim_machine *m, struct pmap_cpu *pc, unsigned cpu,
    uint64_t key, struct pmap *pm, struct vm_page *pg, uint32_t rights,
    bool absent)
{
	uint64_t set = key & pc->pc_setmask, e;
	struct pmap_tlbe *te = &pc->pc_tlb[set << pc->pc_wayshift], *v = NULL;
	struct pmap_tlbe *end = te + pc->pc_ways, *t;
	unsigned r;

	/* The key's own entry first: a pair's refill may load a page the
	 * TLB holds already, and a free way before its entry must not get
	 * a second one (an invalidation would drop only one of them). */
	if (!absent)
		for (t = te; t < end && v == NULL; t++)
			if (t->te_vpn == key)
				v = t;
	/* (a full TLB, the steady state, has no empty way to look for) */
	if (v == NULL && pc->pc_nempty != 0)
		for (t = te; t < end; t++) {
			e = t->te_vpn;
			if (e == TLBE_INVALID) {
				v = t;
				pc->pc_nempty--;
				break;
			}
		}
	if (v == NULL) {
		r = pc->pc_rr[set];
		v = &te[r];
		pc->pc_rr[set] = (uint16_t)((r + 1) &
		    (pc->pc_ways - 1));	/* (ways: a power of two) */
	}
	pc->pc_absent = TLBE_INVALID;
	v->te_vpn = key;
	v->te_rights = rights;
	v->te_host = uvmsim__pgdata(m, pg);
	v->te_pmap = pm;
	v->te_pg = pg;
	/* TLB_R/W/X are VM_PROT_READ/WRITE/EXECUTE; U, D, G above them. */
	uvmsim__ev(m, UVMSIM_EV_TLB_FILL, cpu,
	    (key & pc->pc_vpnmask) << m->pageshift, uvmsim__pgid(m, pg),
	    rights);
	return v;
}

/* tlb_fill_pair: tlb_fill of the other page of a pair, out of line: only
 * a pa_tlb_pairs machine (MIPS) has one, and the fill of the page
 * itself, inline in the miss, then keeps its registers. */
static __attribute__((__noinline__)) void
tlb_fill_pair(struct uvmsim_machine *m, struct pmap_cpu *pc, unsigned cpu,
    uint64_t key, struct pmap *pm, struct vm_page *pg, uint32_t rights)
{
	(void)tlb_fill(m, pc, cpu, key, pm, pg, rights, false);
}

/* tlb_clear: empty pc's valid entry te. */
static inline void
tlb_clear(struct pmap_cpu *pc, struct pmap_tlbe *te)
{
	pc->pc_nempty++;
	te->te_vpn = TLBE_INVALID;
	te->te_rights = 0;
	te->te_host = NULL;
	te->te_pmap = NULL;
	te->te_pg = NULL;
}

/*
 * tlb_drop: shoot one entry down (an invalidation, counted and traced).
 * Where an entry maps an even/odd pair (pa_tlb_pairs), the other page's
 * entry of the same pmap goes with it: it is the same hardware entry.
 */
static void
tlb_drop(struct uvmsim_machine *m, unsigned cpu, struct pmap_tlbe *te)
{
	struct pmap_cpu *pc = &m->pmap_sim->ps_cpus[cpu];
	struct pmap_tlbe *buddy;

	if (m->pmap_sim->ps_arch->pa_tlb_pairs &&
	    (buddy = uvmsim__tlb_find(pc, te->te_vpn ^ 1)) != NULL &&
	    buddy->te_pmap == te->te_pmap)
		tlb_clear(pc, buddy);

	uvmsim__ev(m, UVMSIM_EV_TLB_INVAL, cpu,
	    (te->te_vpn & pc->pc_vpnmask) << m->pageshift, 0, 0);
	tlb_clear(pc, te);
	pc->pc_stats.invalidations++;
}

int
uvmsim__tlb_init(struct uvmsim_machine *m, struct pmap_sim *ps,
    const struct uvmsim_config *cfg)
{
	struct pmap_cpu *pc;
	unsigned cpu, i, sets = cfg->tlb_entries / cfg->tlb_ways, shift;
	bool host_be = (__BYTE_ORDER__ == __ORDER_BIG_ENDIAN__), sext;

	ps->ps_tlb_entries = cfg->tlb_entries;
	ps->ps_tlb_ways = cfg->tlb_ways;
	for (cpu = 0; cpu < ps->ps_ncpus; cpu++) {
		pc = &ps->ps_cpus[cpu];
		pc->pc_ways = cfg->tlb_ways;
		pc->pc_wayshift = (unsigned)__builtin_ctz(cfg->tlb_ways);
		pc->pc_setmask = sets - 1;
		pc->pc_vpnmask = ps->ps_vpnmask;
		pc->pc_asidtag = 0;
		pc->pc_swap = ps->ps_arch->pa_big_endian != host_be;
		/* The bits of va from shift up all equal (sign-extended) or
		 * all zero: va + 2^shift below 2^(shift + 1), or va below
		 * 2^shift.  (64 bits: every address, as a sign-extension of
		 * bit 63: the sum wraps, and the limit is the largest.) */
		sext = ps->ps_arch->pa_va_signext ||
		    ps->ps_arch->pa_va_bits >= 64;
		shift = ps->ps_arch->pa_va_bits >= 64 ? 63 :
		    ps->ps_arch->pa_va_bits - (sext ? 1 : 0);
		pc->pc_vabias = sext ? (uint64_t)1 << shift : 0;
		pc->pc_valimit = sext && shift == 63 ? UINT64_MAX :
		    ((uint64_t)1 << (shift + (sext ? 1 : 0))) - 1;
		pc->pc_nempty = cfg->tlb_entries;
		pc->pc_tlb = uvmsim__calloc(m, cfg->tlb_entries,
		    sizeof(*pc->pc_tlb));
		pc->pc_rr = uvmsim__calloc(m, sets, sizeof(*pc->pc_rr));
		if (pc->pc_tlb == NULL || pc->pc_rr == NULL)
			return ENOMEM;
		for (i = 0; i < cfg->tlb_entries; i++)
			pc->pc_tlb[i].te_vpn = TLBE_INVALID;
		pc->pc_last = &pc->pc_tlb[0];
		pc->pc_absent = TLBE_INVALID;
	}
	m->mmu_curpc = &ps->ps_cpus[m->curcpu];
	return 0;
}

void
uvmsim__mmu_setcpu(struct uvmsim_machine *m)
{
	m->mmu_curpc = m->pmap_sim != NULL ?
	    &m->pmap_sim->ps_cpus[m->curcpu] : NULL;
}

void
uvmsim__tlb_teardown(struct pmap_sim *ps)
{
	unsigned cpu;

	for (cpu = 0; cpu < ps->ps_ncpus; cpu++) {
		uvmsim__free(ps->ps_cpus[cpu].pc_tlb);
		uvmsim__free(ps->ps_cpus[cpu].pc_rr);
		ps->ps_cpus[cpu].pc_tlb = NULL;
		ps->ps_cpus[cpu].pc_rr = NULL;
	}
}

/*
 * uvmsim__tlb_flush: drop cpu's non-global entries (every entry with
 * all), counted as one flush.  No pmap but the CPU's active one may have
 * entries there now (pm_active).
 */
void
uvmsim__tlb_flush(struct uvmsim_machine *m, unsigned cpu, bool all)
{
	struct pmap_sim *ps = m->pmap_sim;
	struct pmap_cpu *pc = &ps->ps_cpus[cpu];
	struct pmap_tlbe *te;
	struct pmap *pm;
	unsigned i;

	TAILQ_FOREACH(pm, &ps->ps_pmaps, pm_list)
		if (pm != pc->pc_pmap)
			bit_clear(pm->pm_active, (int)cpu);

	for (i = 0; i < ps->ps_tlb_entries; i++) {
		te = &pc->pc_tlb[i];
		if (te->te_vpn == TLBE_INVALID ||
		    (!all && (te->te_rights & TLB_G)))
			continue;
		tlb_clear(pc, te);
	}
	pc->pc_stats.flushes++;
	uvmsim__ev(m, UVMSIM_EV_TLB_FLUSH, cpu, 0, 0, 0);
}

/*
 * uvmsim__tlb_inval_pmap: drop every entry of pm on cpu, each counted as
 * an invalidation (NetBSD's invalidation of one ASID); returns how many.
 * pm has no entry there afterwards: cpu leaves pm_active unless pm runs
 * there.
 */
unsigned
uvmsim__tlb_inval_pmap(struct uvmsim_machine *m, unsigned cpu,
    struct pmap *pm)
{
	struct pmap_sim *ps = m->pmap_sim;
	struct pmap_cpu *pc = &ps->ps_cpus[cpu];
	struct pmap_tlbe *te;
	unsigned i, n = 0;

	for (i = 0; i < ps->ps_tlb_entries; i++) {
		te = &pc->pc_tlb[i];
		if (te->te_vpn == TLBE_INVALID || te->te_pmap != pm)
			continue;
		tlb_drop(m, cpu, te);
		n++;
	}
	if (!pm->pm_kernel && pc->pc_pmap != pm)
		bit_clear(pm->pm_active, (int)cpu);
	return n;
}

/*
 * tlb_inval_range: drop cpu's entries of pm for the vpns [svpn, evpn),
 * each counted as an invalidation; returns how many.  A scan of the
 * whole TLB, out of line: uvmsim__tlb_inval answers a single page.
 */
static __attribute__((__noinline__)) unsigned
tlb_inval_range(struct uvmsim_machine *m, unsigned cpu, struct pmap *pm,
    uint64_t svpn, uint64_t evpn)
{
	struct pmap_sim *ps = m->pmap_sim;
	struct pmap_cpu *pc = &ps->ps_cpus[cpu];
	struct pmap_tlbe *te;
	unsigned i, n = 0;
	uint64_t vpn;

	for (i = 0; i < ps->ps_tlb_entries; i++) {
		te = &pc->pc_tlb[i];
		vpn = te->te_vpn & pc->pc_vpnmask;
		if (te->te_vpn == TLBE_INVALID || te->te_pmap != pm ||
		    vpn < svpn || vpn >= evpn)
			continue;
		tlb_drop(m, cpu, te);
		n++;
	}
	return n;
}

/*
 * uvmsim__tlb_inval: drop cpu's entries of pm for [sva, eva), each
 * counted as an invalidation; returns how many.
 */
unsigned
uvmsim__tlb_inval(struct uvmsim_machine *m, unsigned cpu, struct pmap *pm,
    vaddr_t sva, vaddr_t eva)
{
	struct pmap_sim *ps = m->pmap_sim;
	unsigned shift = m->pageshift;
	uint64_t svpn = sva >> shift;
	uint64_t evpn = (eva >> shift) + ((eva & (m->pagesize - 1)) != 0);
	struct pmap_cpu *pc;
	struct pmap_tlbe *te;
	uint64_t key;

	/* One page (the usual range): it has one entry at most, in its own
	 * set; the same entry the scan would drop. */
	if (__predict_false(evpn != svpn + 1))
		return tlb_inval_range(m, cpu, pm, svpn, evpn);
	pc = &ps->ps_cpus[cpu];
	key = svpn | pmap_tlb_tag(ps, pm);
	if (key == pc->pc_absent)
		return 0;	/* (what the find would say) */
	te = uvmsim__tlb_find(pc, key);
	if (te == NULL || te->te_pmap != pm)
		return 0;
	tlb_drop(m, cpu, te);
	return 1;
}

/*
 * uvmsim__tlb_inval_cpus: drop pm's entry under key on each CPU from cpu
 * up whose TLB may hold it (the work of pmap_tlb_inval_all, pmap_impl.h,
 * out of line).  The set is searched for key alone: uvmsim__tlb_find's
 * second probe, for a global entry of key's vpn, would find only an entry
 * of the kernel pmap (a global PTE is a kernel mapping, whose keys carry
 * no tag), which is not pm's where key has a tag, and is key's own where
 * it has none.
 */
__attribute__((__noinline__)) void
uvmsim__tlb_inval_cpus(struct uvmsim_machine *m, struct pmap *pm,
    uint64_t key, unsigned cpu)
{
	struct pmap_sim *ps = m->pmap_sim;
	struct pmap_tlbe *te;
	struct pmap_cpu *pc;

	for (; cpu < ps->ps_ncpus; cpu++) {
		pc = &ps->ps_cpus[cpu];
		if (key == pc->pc_absent || !pmap_tlb_may_hold(pm, cpu))
			continue;
		te = tlb_find_key(pc, &pc->pc_tlb[(key & pc->pc_setmask) <<
		    pc->pc_wayshift], key);
		if (te != NULL && te->te_pmap == pm)
			tlb_drop(m, cpu, te);
	}
}

/*
 * uvmsim__tlb_inval_all_cpus: drop pm's entry for va on every CPU now.
 */
void
uvmsim__tlb_inval_all_cpus(struct uvmsim_machine *m, struct pmap *pm,
    vaddr_t va)
{
	pmap_tlb_inval_all(m, m->pmap_sim, pm, va);
}

/* ---- accesses ---- */

static inline uint64_t
rd(const uint8_t *p, size_t size, bool swap)
{
	uint64_t v64;
	uint32_t v32;
	uint16_t v16;

	if (__predict_true(size == 8)) {
		memcpy(&v64, p, 8);
		return swap ? __builtin_bswap64(v64) : v64;
	}
	switch (size) {
	case 1:
		return *p;
	case 2:
		memcpy(&v16, p, 2);
		return swap ? __builtin_bswap16(v16) : v16;
	default:
		memcpy(&v32, p, 4);
		return swap ? __builtin_bswap32(v32) : v32;
	}
}

static inline void
wr(uint8_t *p, size_t size, uint64_t v, bool swap)
{
	uint64_t v64;
	uint32_t v32;
	uint16_t v16;

	if (__predict_true(size == 8 && !swap)) {
		memcpy(p, &v, 8);
		return;
	}
	switch (size) {
	case 1:
		*p = (uint8_t)v;
		break;
	case 2:
		v16 = swap ? __builtin_bswap16((uint16_t)v) : (uint16_t)v;
		memcpy(p, &v16, 2);
		break;
	case 4:
		v32 = swap ? __builtin_bswap32((uint32_t)v) : (uint32_t)v;
		memcpy(p, &v32, 4);
		break;
	default:
		v64 = swap ? __builtin_bswap64(v) : v;
		memcpy(p, &v64, 8);
		break;
	}
}

/* pmap_va_ok from the CPU's copy of the facts (uvmsim__tlb_init): the
 * bits above the address's all equal (sign-extended) or all zero; one
 * add and one compare, whichever it is. */
static inline bool
mmu_va_ok(const struct pmap_cpu *pc, vaddr_t va)
{
	return va + pc->pc_vabias <= pc->pc_valimit;
}

/* TLB rights an access needs. */
static inline uint32_t
need_of(vm_prot_t access, bool user)
{
	uint32_t need;

	if (access & VM_PROT_WRITE)
		need = TLB_W | TLB_D;
	else if (access & VM_PROT_EXECUTE)
		need = TLB_X;
	else
		need = TLB_R;
	return user ? need | TLB_U : need;
}

static const char *
access_name(vm_prot_t access)
{
	if (access & VM_PROT_WRITE)
		return "write";
	if (access & VM_PROT_EXECUTE)
		return "execute";
	return "read";
}

/*
 * segv: record an access uvm_fault could not resolve; a kernel-mode one
 * panics.
 */
static int
segv(struct uvmsim_machine *m, unsigned cpu, bool user, vaddr_t va,
    vm_prot_t access, int error, const char *who)
{
	m->last_segv.addr = va;
	m->last_segv.access = access;
	m->last_segv.cpu = cpu;
	m->last_segv.error = error;
	uvmsim__ev(m, UVMSIM_EV_SEGV, cpu, va, (uint64_t)access, 0);
	if (!user)
		uvmsim__panic(m, "kernel page fault: va %#lx, %s access: %s",
		    (unsigned long)va, access_name(access),
		    uvmsim_strerror(error));
	return uvmsim__error(m, EFAULT, "%s: va %#lx: %s access faults "
	    "(uvm_fault: %s)", who, (unsigned long)va, access_name(access),
	    uvmsim_strerror(error));
}

/*
 * xlate: the host page of va for access on cpu, through the TLB, the
 * walker and uvm_fault as needed.
 *
 * => m current; m->curcpu == cpu, pc its state (m->mmu_curpc); vs (NULL:
 *	kernel mode) active on cpu.
 * => need: need_of(access, vs != NULL); key: va's key (vpn, with the ASID
 *	tag of a user access).
 * => look: look va's entry up here; else te0 is the TLB entry of va's
 *	page, whatever its rights, or NULL when it has none, as tlb_find
 *	says, and does not allow the access (the caller looked).  (A
 *	constant at each call: xlate is inline.)
 * => NULL with *errp EFAULT when the fault cannot be resolved (a user
 *	access; a kernel one panics).
 */
static inline UVMSIM__ALWAYS_INLINE uint8_t *
xlate(struct uvmsim_machine *m, struct pmap_cpu *pc, unsigned cpu,
    struct vmspace *vs, vaddr_t va, vm_prot_t access, uint32_t need,
    uint64_t key, bool look, struct pmap_tlbe *te0, const char *who,
    int *errp)
{
	struct pmap_sim *ps = m->pmap_sim;
	uint64_t vpn = va >> m->pageshift, fkey, misses, tag;
	bool user = vs != NULL, none;
	struct pmap_tlbe *te = te0;
	struct pmap_walk w;
	struct pmap *pm;
	struct vm_page *pg;
	struct vm_map *map;
	int tries, error, miss;

	KASSERT(uvmsim__curm == m && m->curcpu == cpu);
	if (!mmu_va_ok(pc, va)) {
		/* Not an address at all: a protection trap, no page fault. */
		*errp = segv(m, cpu, user, va, access, EFAULT, who);
		return NULL;
	}
	if (!user && pmap_is_direct(ps, va)) {
		/* The unmapped segment: no TLB, no fault; an address past
		 * memory is a bus error, as the kernel's panic. */
		pg = uvmsim__pa_page(m, va - ps->ps_arch->pa_direct_min);
		if (pg == NULL)
			uvmsim__panic(m, "uvmsim MMU: cpu %u: va %#lx of the "
			    "unmapped segment is no frame", cpu,
			    (unsigned long)va);
		return uvmsim__pgdata(m, pg);
	}
	/* A user access looks for its ASID's entry, or a global one. */
	if (look) {
		te = uvmsim__tlb_find(pc, key);
		if (te != NULL && (te->te_rights & need) == need) {
			pc->pc_stats.hits++;
			return te->te_host;
		}
	}
	for (tries = 0;; tries++) {
		/* The backend's miss: a walk or a refill, and the bits the
		 * hardware sets (or a refill handler would). */
		miss = ps->ps_ops->po_tlb_miss(m, cpu, va, need, te, &w);
		if (miss == PMAP_SIM_MISS_DIRTY) {
			/* A hit but for the dirty bit, now set in the PTE. */
			te->te_rights |= TLB_D;
			pc->pc_stats.hits++;
			return te->te_host;
		}
		/* After the drop, key's find finds nothing, unless te was a
		 * tagged key's own entry: a global entry of its vpn may be
		 * left for the find's second probe. */
		none = true;
		if (te != NULL) {
			none = te->te_vpn != key || key == vpn;
			tlb_clear(pc, te);	/* a fault drops it, silently */
		}
		pc->pc_stats.misses++;
		if (miss == PMAP_SIM_MISS_FILL) {
			/* pm's tag: the kernel's is none, the active pmap's
			 * is pc_asidtag ([pmap.asid], pmap_tlb.c). */
			if (pmap_is_kva(ps, va)) {
				pm = ps->ps_kernel;
				tag = 0;
			} else {
				pm = pc->pc_pmap;
				tag = pc->pc_asidtag;
			}
			/* The other page of a pair first (its fill cannot
			 * then replace va's); each tagged with pm's ASID
			 * unless global. */
			if (__predict_false(w.pw_pair_pg != NULL))
				tlb_fill_pair(m, pc, cpu, (w.pw_pair_rights &
				    TLB_G) ? vpn ^ 1 : (vpn ^ 1) | tag, pm,
				    w.pw_pair_pg, w.pw_pair_rights);
			/* Under key, va has no entry: none was found, or the
			 * one found was dropped above, and no fill on this
			 * CPU came between (the fault's has a miss of its
			 * own, and its entry is looked for again below). */
			fkey = (w.pw_rights & TLB_G) ? vpn : vpn | tag;
			te = tlb_fill(m, pc, cpu, fkey, pm, w.pw_pg,
			    w.pw_rights, fkey == key);
			return te->te_host;
		}
		/* (a PTE outside memory is a fault of the walk's) */
		if (__predict_false(w.pw_bad))
			uvmsim__panic(m, "uvmsim MMU: cpu %u: page-table entry "
			    "at level %d for va %#lx points outside memory",
			    cpu, w.pw_bad, (unsigned long)va);
		if (tries == MMU_MAXTRIES)
			uvmsim__panic(m, "uvmsim MMU: fault at %#lx not "
			    "resolved after %d tries", (unsigned long)va,
			    tries);
		(*(w.pw_stop == 0 ? &pc->pc_stats.faults_protect :
		    &pc->pc_stats.faults_invalid))++;
		map = user ? &vs->vm_map : m->kernel_map;
		misses = pc->pc_stats.misses;
		/* The fault's invalidations of va on this CPU need not look
		 * for it (until a fill). */
		if (none)
			pc->pc_absent = key;
		/* A copy the fault makes leaves its store fence to the end
		 * of the access: the caller's bracket (uvmsim_frame.h,
		 * uvmsim__frame_put_off) is open. */
		error = map != NULL ? ps->ps_uvm->pu_fault(map, va &
		    ~(vaddr_t)(m->pagesize - 1), w.pw_stop == 0 ?
		    VM_FAULT_PROTECT : VM_FAULT_INVALID, access) : EFAULT;
		if (error != 0) {
			*errp = segv(m, cpu, user, va, access, error, who);
			return NULL;
		}
		/* va has no entry now (dropped above, or none).  Only a fill
		 * makes one, and a fill on this CPU follows a miss counted
		 * here: with no miss during the fault (an access by a hook),
		 * there is none to look for. */
		if (pc->pc_stats.misses == misses)
			te = NULL;
		else if ((te = uvmsim__tlb_find(pc, key)) != NULL &&
		    (te->te_rights & need) == need) {
			pc->pc_stats.hits++;
			return te->te_host;
		}
	}
}

/* mmu_xlate: xlate out of line, for the slow path and the copies; the
 * miss path of the entry points has it inline (miss_access). */
static __attribute__((__noinline__)) uint8_t *
mmu_xlate(struct uvmsim_machine *m, unsigned cpu, struct vmspace *vs,
    vaddr_t va, vm_prot_t access, const char *who, int *errp)
{
	struct pmap_cpu *pc = m->mmu_curpc;

	/* (the miss path of the entry points knows it from fast_host) */
	KASSERT(vs == NULL || pc->pc_pmap == vs->vm_map.pmap);
	return xlate(m, pc, cpu, vs, va, access, need_of(access, vs != NULL),
	    vs != NULL ? (va >> m->pageshift) | pc->pc_asidtag :
	    va >> m->pageshift, true, NULL, who, errp);
}

/*
 * mmu_enter: check the arguments common to every access and put cpu on
 * vs: m current, cpu the current CPU, vs's pmap active on it.
 *
 * => returns 0 or EINVAL naming the argument.
 */
static int
mmu_enter(struct uvmsim_machine *m, unsigned cpu, struct vmspace *vs,
    const char *who)
{
	struct pmap_sim *ps;

	if (m == NULL)
		return uvmsim__error(NULL, EINVAL, "%s: m: NULL", who);
	if ((ps = m->pmap_sim) == NULL)
		return uvmsim__error(m, EINVAL, "%s: m: machine has no MMU "
		    "(arch none)", who);
	if (cpu >= m->ncpus)
		return uvmsim__error(m, EINVAL, "%s: cpu: %u is not below "
		    "ncpus %u", who, cpu, m->ncpus);
	if (vs != NULL && vs->vm_map.map_machine != m)
		return uvmsim__error(m, EINVAL, "%s: vs: an address space of "
		    "another machine", who);
	if (vs != NULL && vs->vm_map.pmap == NULL)
		return uvmsim__error(m, EINVAL, "%s: vs: has no pmap", who);
	return 0;
}

/*
 * uvmsim__pmap_switch: make pm the active pmap of cpu.  The glue keeps
 * pm_cpus and pm_active; what the switch does to the CPU's TLB (x86: a
 * flush of its non-global entries, as loading %cr3 does; with ASIDs:
 * nothing, pm's ASID becoming the CPU's) is the backend's po_activate.
 * It is the CPU's context register, loaded: here with the MMU, whose
 * switch makes it, and pmap.c calls down to it (pmap_activate, a
 * pmap's destruction).
 */
void
uvmsim__pmap_switch(struct uvmsim_machine *m, unsigned cpu, struct pmap *pm)
{
	struct pmap_sim *ps = m->pmap_sim;
	struct pmap_cpu *pc = &ps->ps_cpus[cpu];
	struct pmap *opm = pc->pc_pmap;

	KASSERT(pm->pm_refcnt > 0);
	if (opm == pm)
		return;
	if (!opm->pm_kernel)
		bit_clear(opm->pm_cpus, cpu);
	pc->pc_pmap = pm;
	if (!pm->pm_kernel) {
		bit_set(pm->pm_cpus, cpu);
		bit_set(pm->pm_active, cpu);
	}
	uvmsim__ev(m, UVMSIM_EV_PMAP_ACTIVATE, cpu, pm->pm_id, 0, 0);
	ps->ps_ops->po_activate(m, cpu, opm, pm);
}

/* Make cpu current (an event only if it changes) and vs active on it. */
static void
mmu_switch(struct uvmsim_machine *m, unsigned cpu, struct vmspace *vs)
{
	struct pmap_sim *ps = m->pmap_sim;

	if (m->curcpu != cpu) {
		m->curcpu = cpu;
		uvmsim__lock_self_update(m);
		m->mmu_curpc = &ps->ps_cpus[cpu];
		uvmsim__ev(m, UVMSIM_EV_CPU, cpu, 0, 0, 0);
	}
	if (vs != NULL && ps->ps_cpus[cpu].pc_pmap != vs->vm_map.pmap)
		uvmsim__pmap_switch(m, cpu, vs->vm_map.pmap);
}

/*
 * mmu_access: the slow path of a load, store or fetch: check every
 * argument, switch, translate, and access.
 */
static __attribute__((__noinline__)) int
mmu_access(struct uvmsim_machine *m, unsigned cpu, struct vmspace *vs,
    vaddr_t va, size_t size, vm_prot_t access, uint64_t *valp, uint64_t val,
    const char *who)
{
	struct uvmsim__saved sv;
	struct pmap_sim *ps;
	uint8_t *host;
	bool outer;
	int error;

	if ((error = mmu_enter(m, cpu, vs, who)) != 0)
		return error;
	ps = m->pmap_sim;
	if (size != 1 && size != 2 && size != 4 && size != 8)
		return uvmsim__error(m, EINVAL, "%s: size: %zu is not 1, 2, 4 "
		    "or 8", who, size);
	if ((va & (size - 1)) != 0)
		return uvmsim__error(m, EINVAL, "%s: va: %#lx is not a "
		    "multiple of size %zu", who, (unsigned long)va, size);
	if (valp == NULL && (access & VM_PROT_WRITE) == 0)
		return uvmsim__error(m, EINVAL, "%s: valp: NULL", who);
	if (vs == NULL && !pmap_is_kva(ps, va) && !pmap_is_direct(ps, va))
		return uvmsim__error(m, EINVAL, "%s: va: %#lx is not a kernel "
		    "address (vs NULL: kernel mode)", who, (unsigned long)va);

	sv = uvmsim__switch(m);
	mmu_switch(m, cpu, vs);
	outer = uvmsim__frame_put_off(m);
	host = mmu_xlate(m, cpu, vs, va, access, who, &error);
	if (host != NULL) {
		host += va & (m->pagesize - 1);
		if (access & VM_PROT_WRITE)
			wr(host, size, val, ps->ps_cpus[cpu].pc_swap);
		else
			*valp = rd(host, size, ps->ps_cpus[cpu].pc_swap);
	}
	uvmsim__frame_due(m, outer);
	uvmsim__restore(sv);
	return error;
}

/*
 * The slow paths of the entry points, with at most six arguments so that
 * the entry points reach them by a tail call and save no register on the
 * hit path.
 */
static __attribute__((__noinline__)) int
load_slow(struct uvmsim_machine *m, unsigned cpu, struct vmspace *vs,
    vaddr_t va, size_t size, uint64_t *valp)
{
	return mmu_access(m, cpu, vs, va, size, VM_PROT_READ, valp, 0,
	    "uvmsim_load");
}

static __attribute__((__noinline__)) int
fetch_slow(struct uvmsim_machine *m, unsigned cpu, struct vmspace *vs,
    vaddr_t va, size_t size, uint64_t *valp)
{
	return mmu_access(m, cpu, vs, va, size, VM_PROT_EXECUTE, valp, 0,
	    "uvmsim_fetch");
}

static __attribute__((__noinline__)) int
store_slow(struct uvmsim_machine *m, unsigned cpu, struct vmspace *vs,
    vaddr_t va, size_t size, uint64_t val)
{
	return mmu_access(m, cpu, vs, va, size, VM_PROT_WRITE, NULL, val,
	    "uvmsim_store");
}

/*
 * fast_host: the hit path of every access hit8 does not serve: FAST_HIT,
 * with the host bytes of va in *hostp and cpu's state in *pcp, when the
 * arguments are plainly good, cpu is current and on vs (or va is a
 * kernel address), and the TLB allows the access (the last hit's entry,
 * else the entry of va's page in its set, which becomes the last hit);
 * FAST_MISS when all of that holds but the TLB does not allow the
 * access, with va's entry (or NULL) in *tep for xlate; FAST_SLOW
 * otherwise (the slow path sorts it out).
 */
#define FAST_HIT	0
#define FAST_MISS	1
#define FAST_SLOW	2

static inline int
fast_host(struct uvmsim_machine *m, unsigned cpu, struct vmspace *vs,
    vaddr_t va, size_t size, uint32_t need, struct pmap_cpu **pcp,
    uint8_t **hostp, struct pmap_tlbe **tep, uint64_t *keyp)
{
	struct pmap_cpu *pc;
	struct pmap_tlbe *te;
	uint64_t key;

	/* The sizes an access may have: 1, 2, 4 and 8 bytes. */
	static const uint8_t size_ok[9] = { 0, 1, 1, 0, 1, 0, 0, 0, 1 };

	if (__predict_false(m == NULL))
		return FAST_SLOW;
	pc = m->mmu_curpc;
	if (__predict_false(pc == NULL || cpu != m->curcpu || size > 8 ||
	    !size_ok[size] || (va & (size - 1)) != 0))
		return FAST_SLOW;
	key = va >> m->pageshift;
	if (__predict_true(vs != NULL)) {
		if (__predict_false(vs->vm_map.pmap != pc->pc_pmap))
			return FAST_SLOW;
		need |= TLB_U;
		key |= pc->pc_asidtag;
	} else if (!pmap_is_kva(m->pmap_sim, va))
		return FAST_SLOW;
	te = pc->pc_last;
	if (__predict_false(te->te_vpn != key ||
	    (te->te_rights & need) != need)) {
		/* (a page has one entry at most: finding it and testing its
		 * rights is tlb_search) */
		te = uvmsim__tlb_find(pc, key);
		if (te == NULL || (te->te_rights & need) != need) {
			*pcp = pc;
			*tep = te;
			*keyp = key;
			return FAST_MISS;
		}
		pc->pc_last = te;
	}
	pc->pc_stats.hits++;
	*pcp = pc;
	*hostp = te->te_host + (va & (m->pagesize - 1));
	return FAST_HIT;
}

/*
 * miss_access: an access fast_host found good but not allowed by the TLB
 * (te: va's entry, or NULL): the walk and the fault path of xlate,
 * without the argument checks and the switch of mmu_access (cpu is
 * current and on vs already).  Inline in the *_miss functions, which
 * are out of line already: one frame less on the way to a fault.
 * => native: the caller knows cpu's data bytes are in the host's order
 *	(!pc_swap), so the access need not test it.
 */
static inline UVMSIM__ALWAYS_INLINE int
miss_access(struct uvmsim_machine *m, struct pmap_cpu *pc, unsigned cpu,
    struct vmspace *vs, vaddr_t va, size_t size, vm_prot_t access,
    uint64_t *valp, uint64_t val, struct pmap_tlbe *te, uint64_t key,
    bool native, const char *who)
{
	struct uvmsim__saved sv;
	uint8_t *host;
	bool outer;
	int error = 0;

	sv = uvmsim__switch(m);
	outer = uvmsim__frame_put_off(m);
	host = xlate(m, pc, cpu, vs, va, access, need_of(access, vs != NULL),
	    key, false, te, who, &error);
	if (host != NULL) {
		host += va & (m->pagesize - 1);
		if (access & VM_PROT_WRITE)
			wr(host, size, val, !native && pc->pc_swap);
		else
			*valp = rd(host, size, !native && pc->pc_swap);
	}
	uvmsim__frame_due(m, outer);
	uvmsim__restore(sv);
	return error;
}

/*
 * hit8: the hit path of the entry points, for the access of the common
 * case: 8 bytes, aligned, user mode, host byte order, the CPU's last hit
 * allowing it.  The host bytes of va, or NULL (then the *_miss path
 * answers with every case: other sizes, kernel mode, swapped bytes, a
 * search of the set, a fault).  The entry, counts and TLB state are
 * those fast_host gives the same access: a hit on pc_last.
 * hit8_cpu: its checks of the arguments and the CPU: cpu's state when
 * they hold (cpu current, vs active on it, va aligned to 8, host byte
 * order), else NULL.
 */
static inline struct pmap_cpu *
hit8_cpu(struct uvmsim_machine *m, unsigned cpu, struct vmspace *vs,
    vaddr_t va)
{
	struct pmap_cpu *pc;

	if (__predict_false(m == NULL || (pc = m->mmu_curpc) == NULL ||
	    cpu != m->curcpu || (va & 7) != 0 || vs == NULL ||
	    vs->vm_map.pmap != pc->pc_pmap || pc->pc_swap))
		return NULL;
	return pc;
}

/* hit8_last: hit8's look at the last hit's entry, for pc, the state of
 * a CPU hit8_cpu found good: the host bytes of va, or NULL. */
static inline uint8_t *
hit8_last(const struct uvmsim_machine *m, struct pmap_cpu *pc, vaddr_t va,
    uint32_t need)
{
	struct pmap_tlbe *te = pc->pc_last;

	need |= TLB_U;
	if (__predict_false(te->te_vpn != ((va >> m->pageshift) |
	    pc->pc_asidtag) || (te->te_rights & need) != need))
		return NULL;
	pc->pc_stats.hits++;
	return te->te_host + (va & (m->pagesize - 1));
}

static inline uint8_t *
hit8(struct uvmsim_machine *m, unsigned cpu, struct vmspace *vs,
    vaddr_t va, uint32_t need)
{
	struct pmap_cpu *pc;

	if (__predict_false((pc = hit8_cpu(m, cpu, vs, va)) == NULL))
		return NULL;
	return hit8_last(m, pc, va, need);
}

/*
 * load_miss, fetch_miss, store_miss: an access whose page is not the
 * CPU's last hit: the TLB searched, and the fault path (miss_access) if
 * it misses too.
 * Out of line, so that the hit path of the entry points below saves no
 * register and makes no call but its tail call here.
 */
static __attribute__((__noinline__)) int
load_miss(struct uvmsim_machine *m, unsigned cpu, struct vmspace *vs,
    vaddr_t va, size_t size, uint64_t *valp)
{
	struct pmap_tlbe *te;
	struct pmap_cpu *pc;
	uint64_t key;
	uint8_t *host;

	if (valp == NULL)
		return load_slow(m, cpu, vs, va, size, valp);
	switch (fast_host(m, cpu, vs, va, size, TLB_R, &pc, &host, &te,
	    &key)) {
	case FAST_HIT:
		*valp = rd(host, size, pc->pc_swap);
		return 0;
	case FAST_MISS:
		return miss_access(m, pc, cpu, vs, va, size, VM_PROT_READ, valp,
		    0, te, key, false, "uvmsim_load");
	}
	return load_slow(m, cpu, vs, va, size, valp);
}

static __attribute__((__noinline__)) int
fetch_miss(struct uvmsim_machine *m, unsigned cpu, struct vmspace *vs,
    vaddr_t va, size_t size, uint64_t *valp)
{
	struct pmap_tlbe *te;
	struct pmap_cpu *pc;
	uint64_t key;
	uint8_t *host;

	if (valp == NULL)
		return fetch_slow(m, cpu, vs, va, size, valp);
	switch (fast_host(m, cpu, vs, va, size, TLB_X, &pc, &host, &te,
	    &key)) {
	case FAST_HIT:
		*valp = rd(host, size, pc->pc_swap);
		return 0;
	case FAST_MISS:
		return miss_access(m, pc, cpu, vs, va, size, VM_PROT_EXECUTE, valp,
		    0, te, key, false, "uvmsim_fetch");
	}
	return fetch_slow(m, cpu, vs, va, size, valp);
}

static __attribute__((__noinline__)) int
store_miss(struct uvmsim_machine *m, unsigned cpu, struct vmspace *vs,
    vaddr_t va, size_t size, uint64_t val)
{
	struct pmap_tlbe *te;
	struct pmap_cpu *pc;
	uint64_t key;
	uint8_t *host;

	switch (fast_host(m, cpu, vs, va, size, TLB_W | TLB_D, &pc, &host,
	    &te, &key)) {
	case FAST_HIT:
		wr(host, size, val, pc->pc_swap);
		return 0;
	case FAST_MISS:
		return miss_access(m, pc, cpu, vs, va, size, VM_PROT_WRITE,
		    NULL, val, te, key, false, "uvmsim_store");
	}
	return store_slow(m, cpu, vs, va, size, val);
}

/*
 * store8_miss: an 8-byte user store whose arguments hit8_cpu found good
 * (pc: the current CPU's state, vs active on it, va aligned, host byte
 * order) and which the last hit's entry does not allow: store_miss
 * without the checks of fast_host and its look at pc_last, which the
 * entry point made.  The set is searched and, if that misses too, the
 * fault path taken (miss_access), as store_miss would: the same hits,
 * misses, fills and faults.  The way of the common store's fault (an
 * aligned 8-byte user store: zero fill, copy-on-write, loan break).
 */
static __attribute__((__noinline__, __nonnull__(1, 2, 3))) int
store8_miss(struct uvmsim_machine *m, struct pmap_cpu *pc,
    struct vmspace *vs, vaddr_t va, uint64_t val)
{
	const uint32_t need = TLB_W | TLB_D | TLB_U;
	uint64_t key = (va >> m->pageshift) | pc->pc_asidtag;
	struct pmap_tlbe *te;

	/* (a page has one entry at most: finding it and testing its rights
	 * is tlb_search) */
	te = uvmsim__tlb_find(pc, key);
	if (te != NULL && (te->te_rights & need) == need) {
		pc->pc_last = te;
		pc->pc_stats.hits++;
		memcpy(te->te_host + (va & (m->pagesize - 1)), &val, 8);
		return 0;
	}
	/* (cpu: the current one, whose state pc is) */
	return miss_access(m, pc, m->curcpu, vs, va, 8, VM_PROT_WRITE, NULL,
	    val, te, key, true, "uvmsim_store");
}

int
uvmsim_load(struct uvmsim_machine *m, unsigned cpu, struct vmspace *vs,
    vaddr_t va, size_t size, uint64_t *valp)
{
	uint8_t *host;

	if (__predict_true(valp != NULL && size == 8 &&
	    (host = hit8(m, cpu, vs, va, TLB_R)) != NULL)) {
		memcpy(valp, host, 8);
		return 0;
	}
	return load_miss(m, cpu, vs, va, size, valp);
}

int
uvmsim_fetch(struct uvmsim_machine *m, unsigned cpu, struct vmspace *vs,
    vaddr_t va, size_t size, uint64_t *valp)
{
	uint8_t *host;

	if (__predict_true(valp != NULL && size == 8 &&
	    (host = hit8(m, cpu, vs, va, TLB_X)) != NULL)) {
		memcpy(valp, host, 8);
		return 0;
	}
	return fetch_miss(m, cpu, vs, va, size, valp);
}

int
uvmsim_store(struct uvmsim_machine *m, unsigned cpu, struct vmspace *vs,
    vaddr_t va, size_t size, uint64_t val)
{
	struct pmap_cpu *pc;
	uint8_t *host;

	/* hit8, with a miss whose arguments it found good sent on to the
	 * path that does not check them again */
	if (__predict_false(size != 8 ||
	    (pc = hit8_cpu(m, cpu, vs, va)) == NULL))
		return store_miss(m, cpu, vs, va, size, val);
	if (__predict_false((host = hit8_last(m, pc, va, TLB_W | TLB_D)) ==
	    NULL))
		return store8_miss(m, pc, vs, va, val);
	memcpy(host, &val, 8);
	return 0;
}

/*
 * copy: copyin (out false) or copyout (out true): page by page, each page
 * translated once as a user load or store of it would be (a fault that
 * cannot be resolved: EFAULT and m->last_segv, what was copied before it
 * stays copied; a range outside user space: EFAULT at once, no fault
 * taken, as the kernel's copyin checks it first).  Pages whose
 * frames lie next to each other in the host are copied by one memcpy;
 * the bytes translated so far are copied before a miss is handled, since
 * the fault handler may change the world.
 */
static int
copy(struct uvmsim_machine *m, unsigned cpu, struct vmspace *vs,
    vaddr_t uaddr, uint8_t *kbuf, size_t len, bool out, const char *who)
{
	struct uvmsim__saved sv;
	struct pmap_cpu *pc;
	struct pmap_tlbe *te;
	vm_prot_t access = out ? VM_PROT_WRITE : VM_PROT_READ;
	uint32_t need = need_of(access, true);
	size_t off, chunk, runlen = 0;
	uint8_t *host, *run = NULL;
	bool outer;
	int error = 0;

	if ((error = mmu_enter(m, cpu, vs, who)) != 0)
		return error;
	if (vs == NULL)
		return uvmsim__error(m, EINVAL, "%s: vs: NULL (a user address "
		    "space is needed)", who);
	if (kbuf == NULL && len > 0)
		return uvmsim__error(m, EINVAL, "%s: kbuf: NULL", who);
	if (len == 0)
		return 0;
	if (uaddr + len < uaddr || uaddr < m->vmparam.user_min ||
	    uaddr + len > m->vmparam.user_max)
		return uvmsim__error(m, EFAULT, "%s: uaddr: %#lx + %zu is "
		    "outside user space", who, (unsigned long)uaddr, len);

#define FLUSH() do {							\
	if (runlen != 0) {						\
		if (out)						\
			memcpy(run, kbuf, runlen);			\
		else							\
			memcpy(kbuf, run, runlen);			\
		kbuf += runlen;						\
		runlen = 0;						\
	}								\
} while (0)

	pc = &m->pmap_sim->ps_cpus[cpu];
	sv = uvmsim__switch(m);
	mmu_switch(m, cpu, vs);
	outer = uvmsim__frame_put_off(m);
	while (len > 0) {
		off = uaddr & (m->pagesize - 1);
		chunk = m->pagesize - off;
		if (chunk > len)
			chunk = len;
		te = tlb_lookup(pc, (uaddr >> m->pageshift) | pc->pc_asidtag,
		    need);
		if (te != NULL) {
			host = te->te_host;
			pc->pc_stats.hits++;
		} else {
			FLUSH();
			host = mmu_xlate(m, cpu, vs, uaddr, access, who,
			    &error);
			if (host == NULL)
				break;
		}
		host += off;
		if (runlen != 0 && run + runlen == host)
			runlen += chunk;
		else {
			FLUSH();
			run = host;
			runlen = chunk;
		}
		uaddr += chunk;
		len -= chunk;
	}
	FLUSH();
#undef FLUSH
	uvmsim__frame_due(m, outer);
	uvmsim__restore(sv);
	return error;
}

int
uvmsim_copyin(struct uvmsim_machine *m, unsigned cpu, struct vmspace *vs,
    vaddr_t uaddr, void *kbuf, size_t len)
{
	return copy(m, cpu, vs, uaddr, kbuf, len, false, "uvmsim_copyin");
}

int
uvmsim_copyout(struct uvmsim_machine *m, unsigned cpu, struct vmspace *vs,
    const void *kbuf, vaddr_t uaddr, size_t len)
{
	/* (copy writes only through kbuf when copying in) */
	return copy(m, cpu, vs, uaddr, (uint8_t *)(uintptr_t)kbuf, len, true,
	    "uvmsim_copyout");
}
