/*
 * uvm_km.c: kernel memory: wired, zeroed pages mapped in a kernel map.
 *
 * uvm_km_alloc maps a range of the kernel map with neither object nor
 * amap and puts a fresh wired page behind each page of it with
 * pmap_kenter_pa, as 1.6's uvm_km_alloc1 does for kernel_map; uvm_km_free
 * takes the mappings away first, then frees the pages, then the range.
 * The kernel map itself is made at machine creation (uvmsim__map_init in
 * uvm_map.c).  Everything here goes through the map, page and pmap
 * layers' own interfaces.
 */
#include <stdint.h>
#include <stdlib.h>

#include "uvmsim_state.h"
#include "uvmsim_cur.h"
#include "kern_lock.h"

/*
 * uvm_kernel_map: the current machine's kernel map, or NULL on a machine
 * without an MMU (arch "none").
 */
struct vm_map *
uvm_kernel_map(void)
{
	return uvmsim__cur()->kernel_map;
}

/*
 * uvm_km_alloc: size bytes (rounded up to pages) of wired, zeroed kernel
 * memory in map, a kernel map.
 *
 * => map unlocked.
 * => the pages belong to no object: each is wired once and entered with
 *    pmap_kenter_pa; the entry has neither object nor amap.
 * => returns the address, or 0 when no range or no page can be had
 *    (1.6 would wait for pages).
 */
vaddr_t
uvm_km_alloc(struct vm_map *map, vsize_t size)
{
	struct uvmsim_machine *m = uvmsim__cur();
	struct vm_page *pg;
	vaddr_t va, off;

	KASSERT(map != NULL && map->pmap == pmap_kernel());
	size = (size + m->pagesize - 1) & ~(vsize_t)(m->pagesize - 1);
	if (size == 0)
		return 0;
	va = vm_map_min(map);
	if (uvm_map(map, &va, size, NULL, UVM_UNKNOWN_OFFSET, 0,
	    UVM_MAPFLAG(VM_PROT_ALL, VM_PROT_ALL, UVM_INH_NONE, UVM_ADV_RANDOM,
	    0)) != 0)
		return 0;
	for (off = 0; off < size; off += m->pagesize) {
		pg = uvm_pagealloc(NULL, 0, NULL, UVM_PGA_ZERO);
		if (pg == NULL) {
			/* Give back what we have: the pages, the range (the
			 * rest of it is there: off < size in the loop). */
			uvm_km_free(map, va, off);
			uvm_unmap(map, va + off, va + size);
			return 0;
		}
		pg->flags &= ~(PG_BUSY | PG_FAKE);
		UVM_PAGE_OWN(pg, NULL);
		uvm_lock_pageq();
		uvm_pagewire(pg);
		uvm_unlock_pageq();
		pmap_kenter_pa(va + off, VM_PAGE_TO_PHYS(pg),
		    VM_PROT_READ | VM_PROT_WRITE);
	}
	pmap_update(pmap_kernel());
	return va;
}

/*
 * uvm_km_free: free kernel memory that uvm_km_alloc gave.
 *
 * => map unlocked; addr and size as uvm_km_alloc returned and was given
 *    (size is rounded up to pages).
 * => the mappings go first (pmap_kremove, pmap_update), then the pages,
 *    then the range.
 */
void
uvm_km_free(struct vm_map *map, vaddr_t addr, vsize_t size)
{
	struct uvmsim_machine *m = uvmsim__cur();
	struct vm_page **pgs;
	paddr_t pa;
	size_t i, n;

	KASSERT(map != NULL && map->pmap == pmap_kernel());
	size = (size + m->pagesize - 1) & ~(vsize_t)(m->pagesize - 1);
	if (size == 0)
		return;
	n = size >> m->pageshift;
	/* Every page is checked before the list is allocated, so that a
	 * caught panic leaves no host memory behind. */
	for (i = 0; i < n; i++) {
		if (!pmap_extract(pmap_kernel(), addr + (i << m->pageshift),
		    &pa))
			uvmsim__panic(m, "uvm_km_free: %#jx is not mapped",
			    (uintmax_t)(addr + (i << m->pageshift)));
		KASSERT(PHYS_TO_VM_PAGE(pa) != NULL);
	}
	pgs = uvmsim__calloc(m, n, sizeof(*pgs));
	if (pgs == NULL)
		uvmsim__panic(m, "uvm_km_free: no host memory");
	for (i = 0; i < n; i++) {
		(void)pmap_extract(pmap_kernel(), addr + (i << m->pageshift),
		    &pa);
		pgs[i] = PHYS_TO_VM_PAGE(pa);
	}
	pmap_kremove(addr, size);
	pmap_update(pmap_kernel());
	uvm_lock_pageq();
	for (i = 0; i < n; i++)
		uvm_pagefree(pgs[i]);
	uvm_unlock_pageq();
	uvmsim__free(pgs);
	uvm_unmap(map, addr, addr + size);
}
