/*
 * pmap_boot.c: the pmap layer's creation and teardown, and the list of
 * its backends.
 *
 * Creation picks the backend named by the configuration, sizes the TLBs
 * (mmu.c) and the ASID space (pmap_tlb.c), and makes the kernel pmap
 * with its root and the tables below the root entries of the kernel's
 * range, which every user root shares where the backend says so
 * (po_kernel_slots).  Teardown frees the layer's host memory; the
 * frames go with the machine.
 *
 * This file sits on top of the layer: it calls the backends' tables,
 * pmap_ptp.c, pmap_tlb.c, pmap_extract.c and mmu.c, and none of them
 * calls it (only uvmsim_machine.c and the public uvmsim_arch_name do).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "pmap_impl.h"

/* The backends, the default first (uvmsim_arch_name lists them). */
static const struct pmap_sim_arch *const backends[] = {
	&pmap_sim_arch_x86_64,		/* the default */
	&pmap_sim_arch_i386,
	&pmap_sim_arch_aarch64,
	&pmap_sim_arch_mips,
	&pmap_sim_arch_alpha,
};

static inline uint64_t
bitmask(int bit)
{
	return bit < 0 ? 0 : (uint64_t)1 << bit;
}

#define NBACKENDS	(sizeof(backends) / sizeof(backends[0]))

/* The backend named name (NULL: the default), or NULL. */
static const struct pmap_sim_arch *
backend_find(const char *name)
{
	size_t i;

	if (name == NULL)
		return backends[0];
	for (i = 0; i < NBACKENDS; i++)
		if (strcmp(name, backends[i]->pa_name) == 0)
			return backends[i];
	return NULL;
}

const char *
uvmsim_arch_name(unsigned i)
{
	return i < NBACKENDS ? backends[i]->pa_name : NULL;
}

int
uvmsim__pmap_arch_page_size(const char *arch, size_t *psp)
{
	const struct pmap_sim_arch *a;

	if (arch != NULL && strcmp(arch, "none") == 0) {
		*psp = 4096;
		return 0;
	}
	if ((a = backend_find(arch)) == NULL)
		return uvmsim__error(NULL, EINVAL, "uvmsim_machine_create: "
		    "arch: unknown architecture \"%s\"", arch);
	*psp = (size_t)1 << a->pa_page_shift;
	return 0;
}

/* ---- creation and teardown ---- */

/*
 * uvmsim__pmap_init: the backend named by cfg->arch, its TLBs, and the
 * kernel pmap with its boot-time tables; fills m->vmparam.
 *
 * => m is current (frames can be allocated).
 * => returns 0 or an error naming the config field; what was made is
 *	freed by uvmsim__pmap_teardown (host memory) and the machine
 *	(frames).
 */
int
uvmsim__pmap_init(struct uvmsim_machine *m, const struct uvmsim_config *cfg,
    const struct pmap_sim_uvm *uvm)
{
	const struct pmap_sim_arch *a;
	struct pmap_sim *ps;
	struct pmap *kpm;
	struct vm_page *ptp;
	unsigned lvl, bits, first, last, idx, cpu;
	int error;

	m->pmap_sim = NULL;
	memset(&m->vmparam, 0, sizeof(m->vmparam));
	if (cfg->arch != NULL && strcmp(cfg->arch, "none") == 0)
		return 0;
	if ((a = backend_find(cfg->arch)) == NULL)
		return uvmsim__error(NULL, EINVAL, "uvmsim_machine_create: "
		    "arch: unknown architecture \"%s\"", cfg->arch);
	if (cfg->page_size != (size_t)1 << a->pa_page_shift)
		return uvmsim__error(NULL, EINVAL, "uvmsim_machine_create: "
		    "page_size: %zu does not fit arch %s (%zu-byte pages)",
		    cfg->page_size, a->pa_name, (size_t)1 << a->pa_page_shift);
	if (cfg->tlb_entries == 0 || cfg->tlb_entries > 4096 ||
	    (cfg->tlb_entries & (cfg->tlb_entries - 1)) != 0)
		return uvmsim__error(NULL, EINVAL, "uvmsim_machine_create: "
		    "tlb_entries: %u is not a power of two in 1..4096",
		    cfg->tlb_entries);
	if (cfg->tlb_ways == 0 || cfg->tlb_entries % cfg->tlb_ways != 0)
		return uvmsim__error(NULL, EINVAL, "uvmsim_machine_create: "
		    "tlb_ways: %u does not divide tlb_entries %u",
		    cfg->tlb_ways, cfg->tlb_entries);
	if (cfg->dbm != 0 && cfg->dbm != 1)
		return uvmsim__error(NULL, EINVAL, "uvmsim_machine_create: "
		    "dbm: %d is not 0 or 1", cfg->dbm);
	if (cfg->dbm && !a->pa_has_dbm)
		return uvmsim__error(NULL, EINVAL, "uvmsim_machine_create: "
		    "dbm: arch %s has no hardware dirty-bit modifier",
		    a->pa_name);

	ps = uvmsim__calloc(m, 1,
	    sizeof(*ps) + m->ncpus * sizeof(struct pmap_cpu));
	if (ps == NULL)
		return uvmsim__error(NULL, ENOMEM, "uvmsim_machine_create: no "
		    "host memory for the pmap layer");
	m->pmap_sim = ps;
	ps->ps_arch = a;
	ps->ps_ops = a->pa_ops;
	ps->ps_uvm = uvm;
	ps->ps_ncpus = m->ncpus;
	ps->ps_dbm = cfg->dbm != 0;
	TAILQ_INIT(&ps->ps_pmaps);
	SLIST_INIT(&ps->ps_pvblocks);
	ps->ps_v = bitmask(a->pa_bit_valid);
	ps->ps_r = bitmask(a->pa_bit_read);
	ps->ps_w = bitmask(a->pa_bit_write);
	ps->ps_u = bitmask(a->pa_bit_user);
	ps->ps_x = bitmask(a->pa_bit_exec);
	ps->ps_nx = bitmask(a->pa_bit_noexec);
	ps->ps_a = bitmask(a->pa_bit_accessed);
	ps->ps_d = bitmask(a->pa_bit_dirty);
	ps->ps_g = bitmask(a->pa_bit_global);
	ps->ps_wired = bitmask(a->pa_bit_wired);
	ps->ps_managed = bitmask(a->pa_bit_managed);
	for (bits = a->pa_page_shift, lvl = 1; lvl <= a->pa_levels; lvl++) {
		ps->ps_shift[lvl] = bits;
		ps->ps_nidx[lvl] = 1u << a->pa_index_bits[a->pa_levels - lvl];
		ps->ps_idxmask[lvl] = ps->ps_nidx[lvl] - 1;
		bits += a->pa_index_bits[a->pa_levels - lvl];
	}
	/* The walk cache's tag: the bits above the leaf table's index. */
	ps->ps_wcshift = ps->ps_shift[1] + a->pa_index_bits[a->pa_levels - 1];
	ps->ps_pgbytes = (size_t)1 << a->pa_page_shift;
	ps->ps_pte_le64 = a->pa_pte_bytes == 8 && !a->pa_big_endian;
	ps->ps_pa_rot = (a->pa_pfn_shift - a->pa_page_shift) & 63;
	ps->ps_pfn0 = m->phys_base >> a->pa_page_shift;
	uvmsim__pmap_mapped_init(m, ps);
	ps->ps_ptpgen = 1;
	ps->ps_kmin = a->pa_kernel_min;
	ps->ps_klen = a->pa_kernel_max - a->pa_kernel_min;
	if ((error = uvmsim__pmap_tlb_init(ps, cfg, m->ncpus)) != 0)
		return error;
	if (uvmsim__tlb_init(m, ps, cfg) != 0)
		return uvmsim__error(NULL, ENOMEM, "uvmsim_machine_create: "
		    "tlb_entries: no host memory for %u CPUs' TLBs of %u "
		    "entries", m->ncpus, cfg->tlb_entries);

	/* The kernel pmap: its root and the tables below the kernel's root
	 * entries, which every user pmap shares. */
	kpm = uvmsim__calloc(m, 1, sizeof(*kpm));
	if (kpm == NULL)
		return uvmsim__error(NULL, ENOMEM, "uvmsim_machine_create: no "
		    "host memory for the kernel pmap");
	kpm->pm_kernel = true;
	pmap_range_init(ps, kpm);
	kpm->pm_refcnt = 1;
	kpm->pm_id = ++ps->ps_next_id;
	TAILQ_INSERT_TAIL(&ps->ps_pmaps, kpm, pm_list);
	ps->ps_kernel = kpm;
	for (cpu = 0; cpu < ps->ps_ncpus; cpu++)
		ps->ps_cpus[cpu].pc_pmap = kpm;
	if ((kpm->pm_root = uvmsim__pmap_ptp_alloc(m)) == NULL)
		goto nomem;
	uvmsim__ev(m, UVMSIM_EV_PMAP_CREATE, kpm->pm_id, 0, 0, 0);
	uvmsim__ev(m, UVMSIM_EV_PTP_ALLOC, kpm->pm_id, a->pa_levels,
	    uvmsim__pgid(m, kpm->pm_root), 0);
	if (!ps->ps_ops->po_kernel_slots(ps, &first, &last)) {
		/* A kernel root of its own (AArch64's TTBR1): the tables
		 * below the root entries of the kernel's range are made at
		 * boot all the same, as NetBSD/aarch64's bootstrap makes
		 * them, shared with nobody. */
		first = pmap_index(ps, a->pa_kernel_min, a->pa_levels);
		last = pmap_index(ps, a->pa_kernel_max - 1, a->pa_levels);
	}
	for (idx = first; idx <= last; idx++) {
		if ((ptp = uvmsim__pmap_ptp_alloc(m)) == NULL)
			goto nomem;
		pmap_pte_set(ps, pmap_pte_ptr(m, ps, kpm->pm_root, idx),
		    ps->ps_ops->po_ptp_make(ps, VM_PAGE_TO_PHYS(ptp), true));
		kpm->pm_root->wire_count++;
		uvmsim__ev(m, UVMSIM_EV_PTP_ALLOC, kpm->pm_id,
		    a->pa_levels - 1, uvmsim__pgid(m, ptp), 0);
	}

	m->vmparam.user_min = a->pa_user_min;
	m->vmparam.user_max = a->pa_user_max;
	m->vmparam.kernel_min = a->pa_kernel_min;
	m->vmparam.kernel_max = a->pa_kernel_max;
	m->vmparam.pt_levels = a->pa_levels;
	m->vmparam.pt_leaf_span = (vsize_t)1 << ps->ps_wcshift;
	return 0;

nomem:
	return uvmsim__error(NULL, ENOMEM, "uvmsim_machine_create: npages: "
	    "%zu frames leave none for the kernel's page tables", m->npages);
}

/*
 * uvmsim__pmap_teardown: free the pmap layer's host memory (pmaps, pv
 * blocks, TLBs).  Frames are freed with the machine.
 */
void
uvmsim__pmap_teardown(struct uvmsim_machine *m)
{
	struct pmap_sim *ps = m->pmap_sim;
	struct pv_block *pb;
	struct pmap *pm;

	if (ps == NULL)
		return;
	while ((pm = TAILQ_FIRST(&ps->ps_pmaps)) != NULL) {
		TAILQ_REMOVE(&ps->ps_pmaps, pm, pm_list);
		uvmsim__free(pm);
	}
	while ((pb = SLIST_FIRST(&ps->ps_pvblocks)) != NULL) {
		SLIST_REMOVE_HEAD(&ps->ps_pvblocks, pb_list);
		uvmsim__free(pb);
	}
	uvmsim__tlb_teardown(ps);
	uvmsim__pmap_tlb_teardown(ps);
	uvmsim__free(ps);
	m->pmap_sim = NULL;
	uvmsim__mmu_setcpu(m);
}
