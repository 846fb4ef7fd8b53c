/*
 * mmu_probe.c: the MMU observed rather than used: uvmsim_translate, the
 * page-table and TLB half of uvmsim_probe, and the statistics of the TLBs
 * and of the page tables.
 *
 * An observation walks the tables without the walk cache, sets no
 * accessed or dirty bit, fills or counts nothing in a TLB, takes no lock
 * and ticks no clock: it may run between any two steps (mmu.c's essay
 * says what the accesses do).
 */
#include <errno.h>
#include <string.h>

#include "pmap_impl.h"

/*
 * va_error: record that va is no address of the machine's architecture
 * (x86-64: not canonical; i386: above 4 GiB), as its table says, and
 * return error.
 */
static int
va_error(struct uvmsim_machine *m, int error, const char *who, vaddr_t va)
{
	const struct pmap_sim_arch *a = m->pmap_sim->ps_arch;

	return uvmsim__error(m, error, "%s: va: %#lx is not an address of "
	    "arch %s (%u bits%s)", who, (unsigned long)va, a->pa_name,
	    a->pa_va_bits, a->pa_va_signext ? ", sign-extended" : "");
}

/*
 * walk_prot: the VM_PROT_ rights a walk that found a valid leaf gives an
 * access in user mode (user) or supervisor mode: what the leaf's mapping
 * grants (po_pte_prot: an access its referenced/modified emulation
 * would trap on first is still allowed), as far as the upper levels
 * allow.  A user access needs the user bit, which the MMU checks before
 * any other right (need_of): without it the access faults whatever else
 * the PTE allows.
 */
static vm_prot_t
walk_prot(const struct pmap_sim *ps, const struct pmap_walk *w, bool user)
{
	vm_prot_t prot;

	if (user && ((w->pw_acc & TLB_U) == 0 ||
	    (ps->ps_ops->po_pte_rights(ps, w->pw_pte) & TLB_U) == 0))
		return VM_PROT_NONE;
	prot = pmap_pte_prot(ps, w->pw_pte);
	if ((w->pw_acc & TLB_R) == 0)
		prot &= ~VM_PROT_READ;
	if ((w->pw_acc & TLB_W) == 0)
		prot &= ~VM_PROT_WRITE;
	if ((w->pw_acc & TLB_X) == 0)
		prot &= ~VM_PROT_EXECUTE;
	return prot;
}

/*
 * uvmsim_translate: a pure walk of the page tables of vs (NULL: the
 * kernel's): no accessed or dirty bit, no TLB, no fault.  The rights are
 * those of an access in vs's mode: user with a vs, supervisor without.
 */
int
uvmsim_translate(struct uvmsim_machine *m, struct vmspace *vs, vaddr_t va,
    paddr_t *pap, vm_prot_t *protp)
{
	struct pmap_sim *ps;
	struct pmap_walk w;
	struct pmap *pm;
	vm_prot_t prot = VM_PROT_NONE;

	if (m == NULL)
		return uvmsim__error(NULL, EINVAL, "uvmsim_translate: m: NULL");
	if ((ps = m->pmap_sim) == NULL)
		return uvmsim__error(m, EINVAL, "uvmsim_translate: m: machine "
		    "has no MMU (arch none)");
	if (vs != NULL && vs->vm_map.map_machine != m)
		return uvmsim__error(m, EINVAL, "uvmsim_translate: vs: an "
		    "address space of another machine");
	if (vs != NULL && vs->vm_map.pmap == NULL)
		return uvmsim__error(m, EINVAL, "uvmsim_translate: vs: has no "
		    "pmap");
	if (vs == NULL && !pmap_is_kva(ps, va))
		return uvmsim__error(m, EINVAL, "uvmsim_translate: va: %#lx is "
		    "not a kernel address (vs NULL: kernel mode)",
		    (unsigned long)va);
	pm = vs != NULL ? vs->vm_map.pmap : ps->ps_kernel;
	if (!pmap_va_ok(ps, va))
		return va_error(m, ENOENT, "uvmsim_translate", va);
	uvmsim__pmap_walk_tables(m, ps->ps_ops->po_root(ps, pm, va), va, &w);
	if (w.pw_stop != 0 || w.pw_bad)
		return uvmsim__error(m, ENOENT, "uvmsim_translate: va: %#lx "
		    "is not mapped", (unsigned long)va);
	prot = walk_prot(ps, &w, vs != NULL);
	if (pap != NULL)
		*pap = pmap_pte_pa(ps, w.pw_pte) | (va & (m->pagesize - 1));
	if (protp != NULL)
		*protp = prot;
	return 0;
}

/*
 * uvmsim__mmu_probe: the page-table and TLB half of uvmsim_probe: the
 * leaf PTE of va in pm's tables (its own bits, decoded through the
 * backend's positions), the rights an access in user mode (user) or
 * supervisor mode gets from every level, and the CPUs whose TLBs hold a
 * translation of va: of pm, or of the kernel pmap for a kernel address
 * (the MMU tags those so whichever pmap walked them).
 *
 * => m has an MMU; pm is one of its pmaps; out's page-table and TLB
 *	fields are overwritten, the others left alone.
 * => changes nothing, pm's walk cache included; takes no lock.
 * => returns 0, or EINVAL (recorded, naming va) for an address the
 *	architecture cannot form, or not a kernel address in supervisor
 *	mode.
 */
int
uvmsim__mmu_probe(struct uvmsim_machine *m, struct pmap *pm, vaddr_t va,
    bool user, struct uvmsim_probe *out)
{
	struct pmap_sim *ps = m->pmap_sim;
	struct pmap *owner;
	struct pmap_tlbe *te;
	struct pmap_walk w;
	unsigned cpu, bits = 0, attrs;
	vm_prot_t prot;
	uint32_t rights;
	uint64_t e;

	if (!pmap_va_ok(ps, va))
		return va_error(m, EINVAL, "uvmsim_probe", va);
	if (!user && !pmap_is_kva(ps, va))
		return uvmsim__error(m, EINVAL, "uvmsim_probe: va: %#lx is not "
		    "a kernel address (vs NULL: kernel mode)",
		    (unsigned long)va);
	out->pte = 0;
	out->pte_raw = 0;
	out->pa = 0;
	out->pte_page = NULL;
	out->pte_frame = (size_t)-1;
	out->prot = VM_PROT_NONE;
	out->tlb_cpus = 0;
	out->tlb_writable = 0;

	uvmsim__pmap_walk_tables(m, ps->ps_ops->po_root(ps, pm, va), va, &w);
	if (w.pw_stop == 0 && !w.pw_bad) {
		/* The leaf's own rights and attributes, as its backend
		 * decodes them (a right or attribute need not be one bit). */
		e = w.pw_pte;
		rights = ps->ps_ops->po_pte_rights(ps, e);
		attrs = ps->ps_ops->po_pte_attrs(ps, e);
		bits = UVMSIM_PTE_VALID;
		prot = pmap_pte_prot(ps, e);
		if (prot & VM_PROT_WRITE)
			bits |= UVMSIM_PTE_WRITABLE;
		if (rights & TLB_U)
			bits |= UVMSIM_PTE_USER;
		if (attrs & PMAP_ATTR_REF)
			bits |= UVMSIM_PTE_ACCESSED;
		if (attrs & PMAP_ATTR_MOD)
			bits |= UVMSIM_PTE_MODIFIED;
		if (rights & TLB_G)
			bits |= UVMSIM_PTE_GLOBAL;
		if ((prot & VM_PROT_EXECUTE) == 0)
			bits |= UVMSIM_PTE_NOEXEC;
		if (e & ps->ps_wired)
			bits |= UVMSIM_PTE_WIRED;
		if (e & ps->ps_managed)
			bits |= UVMSIM_PTE_MANAGED;
		out->pte = bits;
		out->pte_raw = e;
		out->pa = pmap_pte_pa(ps, e) | (va & (m->pagesize - 1));
		out->pte_page = w.pw_pg;
		out->pte_frame = (size_t)uvmsim__pgid(m, w.pw_pg);
		out->prot = walk_prot(ps, &w, user);
	}

	owner = pmap_is_kva(ps, va) ? ps->ps_kernel : pm;
	for (cpu = 0; cpu < ps->ps_ncpus; cpu++) {
		te = uvmsim__tlb_find(&ps->ps_cpus[cpu], (va >> m->pageshift) |
		    pmap_tlb_tag(ps, owner));
		if (te == NULL || te->te_pmap != owner)
			continue;
		out->tlb_cpus |= (uint64_t)1 << cpu;
		if (te->te_rights & TLB_W)
			out->tlb_writable |= (uint64_t)1 << cpu;
	}
	return 0;
}

int
uvmsim_pmap_stats(const struct uvmsim_machine *m, struct uvmsim_pmap_stats *st)
{
	struct uvmsim_machine *mm = (struct uvmsim_machine *)(uintptr_t)m;
	const struct pmap_sim *ps;

	if (m == NULL)
		return uvmsim__error(NULL, EINVAL, "uvmsim_pmap_stats: m: NULL");
	if ((ps = m->pmap_sim) == NULL)
		return uvmsim__error(mm, EINVAL, "uvmsim_pmap_stats: m: "
		    "machine has no MMU (arch none)");
	if (st == NULL)
		return uvmsim__error(mm, EINVAL, "uvmsim_pmap_stats: st: NULL");
	memset(st, 0, sizeof(*st));
	st->ptps = ps->ps_nptp;
	st->ptps_peak = ps->ps_nptp_peak;
	st->pt_bytes = ps->ps_nptp * ps->ps_pgbytes;
	st->pt_bytes_peak = ps->ps_nptp_peak * ps->ps_pgbytes;
	st->pte_bytes = ps->ps_arch->pa_pte_bytes;
	st->levels = ps->ps_arch->pa_levels;
	return 0;
}

int
uvmsim_tlb_stats(const struct uvmsim_machine *m, unsigned cpu,
    struct uvmsim_tlb_stats *st)
{
	struct uvmsim_machine *mm = (struct uvmsim_machine *)(uintptr_t)m;

	if (m == NULL)
		return uvmsim__error(NULL, EINVAL, "uvmsim_tlb_stats: m: NULL");
	if (m->pmap_sim == NULL)
		return uvmsim__error(mm, EINVAL, "uvmsim_tlb_stats: m: "
		    "machine has no MMU (arch none)");
	if (cpu >= m->ncpus)
		return uvmsim__error(mm, EINVAL, "uvmsim_tlb_stats: cpu: %u is "
		    "not below ncpus %u", cpu, m->ncpus);
	if (st == NULL)
		return uvmsim__error(mm, EINVAL, "uvmsim_tlb_stats: st: NULL");
	*st = m->pmap_sim->ps_cpus[cpu].pc_stats;
	return 0;
}
