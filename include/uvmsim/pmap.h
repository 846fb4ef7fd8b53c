/*
 * uvmsim/pmap.h: the pmap(9) interface: machine-dependent page tables
 * behind a machine-independent contract.
 *
 * A pmap is one address space's page tables.  The machine-independent
 * part (src/pmap_sim/pmap.c) keeps, for every managed page, the list of
 * its mappings (pv entries) and its referenced and modified attributes;
 * an architecture backend writes page tables in its own format into
 * simulated frames, which the MMU walks.
 *
 * Visibility: pmap_enter, pmap_remove, pmap_protect, pmap_kenter_pa and
 * pmap_kremove change the page tables at once, but a lowered right may
 * linger in a CPU's TLB until pmap_update() (which performs the shootdown
 * to every CPU using the pmap).  pmap_page_protect, pmap_clear_modify and
 * pmap_clear_reference act on every CPU before they return, as the
 * kernel's callers of the seed's era expect.
 */
#ifndef UVMSIM_PMAP_H
#define UVMSIM_PMAP_H

#include <uvmsim/types.h>

struct pmap;
struct pv_entry;
struct proc;
struct vm_page;

typedef struct pmap *pmap_t;

/* Per-page data of the pmap layer, in struct vm_page (mdpage). */
struct vm_page_md {
	struct pv_entry	*mdpg_pvh;	/* mappings of the page [pmap] */
	u_int		mdpg_attrs;	/* PMAP_ATTR_ bits saved from PTEs */
	u_int		mdpg_npv;	/* length of mdpg_pvh */
};

#define PMAP_ATTR_MOD	0x1	/* modified (a PTE had its dirty bit) */
#define PMAP_ATTR_REF	0x2	/* referenced (a PTE had its accessed bit) */
#define PMAP_ATTR_WMAP	0x4	/* simulator: a managed mapping may allow
				   writing (clear: none does) */

/* pmap_enter flags; the low bits hold the access type (VM_PROT_). */
#define PMAP_WIRED	0x00000010	/* wired mapping */
#define PMAP_CANFAIL	0x00000020	/* may fail with ENOMEM */

pmap_t	pmap_kernel(void);
/* A new user pmap; NULL, with nothing allocated, when no frame for its
 * root or no host memory can be had (NetBSD sleeps for a frame; the
 * simulator cannot wait, and its callers fail with ENOMEM). */
pmap_t	pmap_create(void);
void	pmap_destroy(pmap_t);
void	pmap_reference(pmap_t);
int	pmap_enter(pmap_t, vaddr_t, paddr_t, vm_prot_t, int);
void	pmap_remove(pmap_t, vaddr_t, vaddr_t);
void	pmap_protect(pmap_t, vaddr_t, vaddr_t, vm_prot_t);
void	pmap_page_protect(struct vm_page *, vm_prot_t);
void	pmap_kenter_pa(vaddr_t, paddr_t, vm_prot_t);
void	pmap_kremove(vaddr_t, vsize_t);
boolean_t pmap_extract(pmap_t, vaddr_t, paddr_t *);
void	pmap_update(pmap_t);
boolean_t pmap_is_modified(struct vm_page *);
boolean_t pmap_is_referenced(struct vm_page *);
boolean_t pmap_clear_modify(struct vm_page *);
boolean_t pmap_clear_reference(struct vm_page *);
void	pmap_copy_page(paddr_t, paddr_t);
void	pmap_zero_page(paddr_t);
void	pmap_unwire(pmap_t, vaddr_t);
void	pmap_activate(struct proc *);
void	pmap_deactivate(struct proc *);
long	pmap_resident_count(pmap_t);
long	pmap_wired_count(pmap_t);

#endif /* UVMSIM_PMAP_H */
