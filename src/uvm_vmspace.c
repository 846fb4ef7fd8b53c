/*
 * uvm_vmspace.c: address spaces (struct vmspace: a map and its pmap),
 * their fork, and the lifetimes of maps: references, the kernel map made
 * at boot, every map freed with the machine.
 *
 * uvmspace_alloc and uvmspace_free make and drop an address space;
 * uvmspace_fork gives a child a copy of the parent's, entry by entry, by
 * each entry's inheritance: none (left out), shared (the same amap and
 * object, AMAP_SHARED), or copy (needs-copy copy-on-write, or at once
 * for wired entries, amap_cow_now).  The entries, the map lock and the
 * map's own operations are uvm_map.c's and uvm_map_lock.c's; what the
 * maps promise (lock order, the differences from 1.6 at fork) is said
 * there.
 */
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>

#include "uvmsim_state.h"
#include "uvmsim_cur.h"
#include "kern_lock.h"
#include "uvmsim_trace.h"
#include "uvmsim_vm.h"

static inline vsize_t
vmspace_entry_len(const struct vm_map_entry *e)
{
	return e->end - e->start;
}

/*
 * protect_amap_pages: take write access away from every mapping of every
 * resident page of the amap slots entry covers.
 *
 * => entry's map locked; the amap unlocked.
 */
static void
protect_amap_pages(struct uvmsim_machine *m, struct vm_map_entry *entry)
{
	struct vm_amap *amap = entry->aref.ar_amap;
	struct vm_anon *anon;
	int i, slot, first, last;

	if (amap == NULL)
		return;
	first = entry->aref.ar_pageoff;
	last = first + (int)(vmspace_entry_len(entry) >> m->pageshift);
	amap_lock(amap);
	for (i = 0; i < amap->am_nused; i++) {
		slot = amap->am_slots[i];
		if (slot < first || slot >= last)
			continue;
		anon = amap->am_anon[slot];
		simple_lock(&anon->an_lock);
		/* locked: amap, anon */
		if (anon->u.an_page != NULL)
			pmap_page_protect(anon->u.an_page,
			    VM_PROT_READ | VM_PROT_EXECUTE);
		simple_unlock(&anon->an_lock);
	}
	amap_unlock(amap);
}

/*
 * fork_share: give new_map an entry sharing old's amap and object.
 *
 * => both maps locked exclusive.
 * => false when memory for an amap or an entry cannot be had.
 */
static bool
fork_share(struct uvmsim_machine *m, struct vm_map *old_map,
    struct vm_map_entry *old, struct vm_map *new_map)
{
	struct vm_map_entry *new;

	/* There must be an amap to share: a needs-copy entry gets its own
	 * first (its pages are mapped read-only already). */
	if (UVM_ET_ISNEEDSCOPY(old)) {
		amap_copy(old_map, old, 0, FALSE, 0, 0);
		if (UVM_ET_ISNEEDSCOPY(old))
			return false;
	}
	new = uvmsim__map_entry_clone(old);
	if (new == NULL)
		return false;
	new->wired_count = 0;
	new->flags &= ~UVM_MAP_KERNEL;
	if (new->aref.ar_amap != NULL)
		amap_ref(new->aref.ar_amap, (vaddr_t)new->aref.ar_pageoff,
		    vmspace_entry_len(new) >> m->pageshift, AMAP_SHARED);
	if (UVM_ET_ISOBJ(new) && new->object.uvm_obj->pgops->pgo_reference)
		new->object.uvm_obj->pgops->pgo_reference(new->object.uvm_obj);
	uvmsim__map_entry_link(m, new_map, new_map->header.prev, new);
	new_map->size += vmspace_entry_len(new);
	return true;
}

/*
 * fork_copy: give new_map a copy-on-write copy of old.
 *
 * => both maps locked exclusive.
 * => sets *protected when the parent's pmap needs a pmap_update.
 * => false when a page, an anon, an amap or an entry cannot be had; the
 *    child's entry may be linked already (freeing the child undoes it).
 */
static bool
fork_copy(struct uvmsim_machine *m, struct vm_map *old_map,
    struct vm_map_entry *old, struct vm_map *new_map, bool *protected)
{
	struct vm_map_entry *new;
	struct vm_amap *amap = old->aref.ar_amap;

	new = uvmsim__map_entry_clone(old);
	if (new == NULL)
		return false;
	new->wired_count = 0;
	new->flags &= ~UVM_MAP_KERNEL;
	new->etype |= UVM_ET_COPYONWRITE | UVM_ET_NEEDSCOPY;
	if (amap != NULL)
		amap_ref(amap, (vaddr_t)new->aref.ar_pageoff,
		    vmspace_entry_len(new) >> m->pageshift, 0);
	if (UVM_ET_ISOBJ(new) && new->object.uvm_obj->pgops->pgo_reference)
		new->object.uvm_obj->pgops->pgo_reference(new->object.uvm_obj);
	uvmsim__map_entry_link(m, new_map, new_map->header.prev, new);
	new_map->size += vmspace_entry_len(new);

	/* Without an amap the parent has nothing private to protect: its
	 * object pages are copied by the child's faults. */
	if (amap == NULL)
		return true;

	/*
	 * A wired parent must not take copy-on-write faults: the child gets
	 * private copies of the shared anons now, the parent keeps its own.
	 */
	if (VM_MAPENT_ISWIRED(old)) {
		amap_copy(new_map, new, 0, FALSE, 0, 0);
		if (UVM_ET_ISNEEDSCOPY(new))
			return false;
		return amap_cow_now(new_map, new);
	}

	/*
	 * An amap the parent shares with others, or writes in place: the
	 * child copies it now and every resident page becomes read-only in
	 * every map, so that the next write to one copies it.
	 */
	if (!UVM_ET_ISCOPYONWRITE(old) || (amap_flags(amap) & AMAP_SHARED)) {
		amap_copy(new_map, new, 0, FALSE, 0, 0);
		if (UVM_ET_ISNEEDSCOPY(new))
			return false;
		protect_amap_pages(m, new);
		return true;
	}

	/* The private case: both need copy; the parent's pages become
	 * read-only unless an earlier fork made them so. */
	if (!UVM_ET_ISNEEDSCOPY(old)) {
		if (old->max_protection & VM_PROT_WRITE) {
			pmap_protect(old_map->pmap, old->start, old->end,
			    old->protection & ~VM_PROT_WRITE);
			*protected = true;
		}
		old->etype |= UVM_ET_NEEDSCOPY;
	}
	return true;
}

/*
 * uvmspace_alloc: a new address space over [min, max): an empty map and
 * a new pmap, one reference.
 *
 * => min < max, page aligned.
 * => NULL when the host has no memory or no pmap can be had.
 */
struct vmspace *
uvmspace_alloc(vaddr_t min, vaddr_t max)
{
	struct uvmsim_machine *m = uvmsim__cur();
	struct vmspace *vs;
	pmap_t pmap;

	vs = uvmsim__malloc(m, sizeof(*vs));
	if (vs == NULL)
		return NULL;
	pmap = pmap_create();
	if (pmap == NULL) {
		uvmsim__free(vs);
		return NULL;
	}
	uvmsim__map_setup(m, &vs->vm_map, pmap, min, max,
	    VM_MAP_PAGEABLE | VM_MAP_SIM_VMSPACE);
	vs->vm_refcnt = 1;
	vs->vm_id = ++m->next_vmspace_id;
	uvmsim__ev(m, UVMSIM_EV_VMSPACE_ALLOC, vs->vm_id, vs->vm_map.map_id,
	    0, 0);
	return vs;
}

/*
 * uvmspace_free: drop a reference to an address space; the last one
 * unmaps everything, destroys the pmap and frees it.
 *
 * => the map unlocked.
 */
void
uvmspace_free(struct vmspace *vs)
{
	struct uvmsim_machine *m = uvmsim__cur();
	struct vm_map *map;

	KASSERT(vs != NULL && vs->vm_refcnt > 0);
	if (--vs->vm_refcnt > 0)
		return;
	map = &vs->vm_map;
	uvmsim__ev(m, UVMSIM_EV_VMSPACE_FREE, vs->vm_id, 0, 0, 0);
	uvm_unmap(map, vm_map_min(map), vm_map_max(map));
	pmap_destroy(map->pmap);
	uvmsim__map_free(m, map);
}

/*
 * uvmspace_fork: a child address space for a fork of vs1, entry by
 * entry as each entry's inheritance says:
 *
 *   none	the child has nothing there.
 *   share	the child's entry shares the amap (made first if the parent
 *		needed copy; marked AMAP_SHARED) and the object.
 *   copy	the child's entry is copy-on-write and needs copy, and
 *		references the parent's amap and object.  The parent's own
 *		private amap becomes needs-copy too, its pages read-only;
 *		a wired parent keeps its pages and the child copies them
 *		now (amap_cow_now); an amap the parent shares, or writes in
 *		place, is copied for the child now, its pages read-only.
 *
 * => vs1's map unlocked.
 * => the child's pmap is empty: its faults will fill it.
 * => NULL when memory cannot be had; the child is freed and the parent
 *    sees the same memory as before (some entries may have become
 *    needs-copy or read-only, which changes no contents).
 */
struct vmspace *
uvmspace_fork(struct vmspace *vs1)
{
	struct uvmsim_machine *m = uvmsim__cur();
	struct vm_map *old_map, *new_map;
	struct vm_map_entry *old;
	struct vmspace *vs2;
	bool ok = true, protected = false;

	KASSERT(vs1 != NULL);
	old_map = &vs1->vm_map;
	vs2 = uvmspace_alloc(vm_map_min(old_map), vm_map_max(old_map));
	if (vs2 == NULL)
		return NULL;
	new_map = &vs2->vm_map;

	vm_map_lock(old_map);
	vm_map_lock(new_map);
	/* locked: old_map, new_map (exclusive) */
	for (old = old_map->header.next; ok && old != &old_map->header;
	    old = old->next) {
		KASSERT(!UVM_ET_ISSUBMAP(old));
		switch (old->inheritance) {
		case MAP_INHERIT_NONE:
			break;
		case MAP_INHERIT_SHARE:
			ok = fork_share(m, old_map, old, new_map);
			break;
		case MAP_INHERIT_COPY:
			ok = fork_copy(m, old_map, old, new_map, &protected);
			break;
		default:
			uvmsim__panic(m, "uvmspace_fork: map %u: entry [%#jx, "
			    "%#jx) has inheritance %d", old_map->map_id,
			    (uintmax_t)old->start, (uintmax_t)old->end,
			    old->inheritance);
		}
	}
	if (protected)
		pmap_update(old_map->pmap);
	vm_map_unlock(new_map);
	vm_map_unlock(old_map);

	if (!ok) {
		uvmspace_free(vs2);
		return NULL;
	}
	uvmsim__ev(m, UVMSIM_EV_VMSPACE_FORK, vs1->vm_id, vs2->vm_id, 0, 0);
	return vs2;
}

/* ---- the lifetimes of maps ---- */

/*
 * uvm_map_reference: take a reference to a map.
 */
void
uvm_map_reference(struct vm_map *map)
{
	KASSERT(map != NULL);
	simple_lock(&map->ref_lock);
	KASSERT(map->ref_count > 0);
	map->ref_count++;
	simple_unlock(&map->ref_lock);
}

/*
 * uvm_map_deallocate: drop a reference to a map; the last unmaps
 * everything, destroys the pmap and frees the map.
 *
 * => map unlocked.  A vmspace's map goes with its vmspace
 *    (uvmspace_free) and the kernel map with the machine: dropping their
 *    last reference here panics.
 */
void
uvm_map_deallocate(struct vm_map *map)
{
	struct uvmsim_machine *m = uvmsim__cur();
	int refs;

	KASSERT(map != NULL);
	if (map->ref_count == 1 &&
	    ((map->flags & VM_MAP_SIM_VMSPACE) || map == m->kernel_map))
		uvmsim__panic(m, "uvm_map_deallocate: last reference to map "
		    "%u, which is %s", map->map_id,
		    map == m->kernel_map ? "the kernel map" : "a vmspace's");
	simple_lock(&map->ref_lock);
	KASSERT(map->ref_count > 0);
	refs = --map->ref_count;
	simple_unlock(&map->ref_lock);
	if (refs > 0)
		return;
	uvm_unmap(map, vm_map_min(map), vm_map_max(map));
	pmap_destroy(map->pmap);
	uvmsim__map_free(m, map);
}

/*
 * uvmsim__map_init: create the kernel map over the architecture's kernel
 * range with the kernel pmap.  A machine without an MMU (no pmap layer)
 * has none.
 *
 * => after uvmsim__pmap_init, m current.
 */
int
uvmsim__map_init(struct uvmsim_machine *m)
{
	struct vm_map *map;

	if (m->pmap_sim == NULL)
		return 0;
	map = uvmsim__malloc(m, sizeof(*map));
	if (map == NULL)
		return uvmsim__error(m, ENOMEM, "uvmsim_machine_create: no "
		    "host memory for the kernel map");
	uvmsim__map_setup(m, map, pmap_kernel(), m->vmparam.kernel_min,
	    m->vmparam.kernel_max, VM_MAP_PAGEABLE);
	m->kernel_map = map;
	return 0;
}

/*
 * uvmsim__map_teardown: free the host memory of every process, address
 * space, map and entry still alive, calling no kernel function: the
 * machine frees frames, objects, amaps and pmaps wholesale afterwards.
 */
void
uvmsim__map_teardown(struct uvmsim_machine *m)
{
	struct proc *p;
	struct vm_map *map;
	struct vm_map_entry *e, *next;

	while ((p = TAILQ_FIRST(&m->procs)) != NULL) {
		TAILQ_REMOVE(&m->procs, p, p_list);
		uvmsim__free(p);
	}
	while ((map = TAILQ_FIRST(&m->maps)) != NULL) {
		TAILQ_REMOVE(&m->maps, map, map_list);
		for (e = map->header.next; e != NULL && e != &map->header;
		    e = next) {
			next = e->next;
			uvmsim__free(e);
		}
		if (map->flags & VM_MAP_SIM_VMSPACE)
			uvmsim__free((char *)map -
			    offsetof(struct vmspace, vm_map));
		else
			uvmsim__free(map);
	}
	uvmsim__map_entry_spares_free(m);
	m->kernel_map = NULL;
}
