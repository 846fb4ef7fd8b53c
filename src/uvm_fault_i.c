/*
 * uvm_fault_i.c: the fault-info helpers: find and lock the map entry of
 * a fault, unlock it, and relock after an unlocked stretch, as NetBSD
 * keeps them in uvm_fault_i.h (uvmfault_lookup, uvmfault_unlockmaps,
 * uvmfault_unlockall, uvmfault_relock).  The fault handler (uvm_fault.c)
 * and the loan module (uvm_loan.c) use them; struct uvm_faultinfo is in
 * uvm_fault.h.
 *
 * Locking: a lookup takes the map's lock, shared or exclusive; relock
 * takes it shared again and succeeds only if the map's timestamp says
 * nothing changed while it was free (map->timestamp, uvm_map_lock.c).
 */
#include "uvmsim_state.h"
#include "uvmsim_cur.h"
#include "kern_lock.h"
#include "uvm_map_lock.h"
#include "uvmsim_trace.h"
#include "uvmsim_vm.h"

/*
 * uvmfault_lookup: find the entry holding ufi->orig_rvaddr and lock its
 * map (shared, or exclusive with write_lock), following submaps.
 *
 * => orig_map, orig_rvaddr, orig_size filled in by the caller.
 * => TRUE: map locked, ufi->map, entry, size and mapv set.  FALSE: nothing
 *	is mapped there; nothing locked.
 */
boolean_t
uvmfault_lookup(struct uvm_faultinfo *ufi, boolean_t write_lock)
{
	struct vm_map *sub;

	ufi->map = ufi->orig_map;
	ufi->size = ufi->orig_size;
	for (;;) {
		if (write_lock)
			vm_map_lock(ufi->map);
		else
			vm_map_lock_read(ufi->map);
		if (!uvm_map_lookup_entry(ufi->map, ufi->orig_rvaddr,
		    &ufi->entry)) {
			uvmfault_unlockmaps(ufi, write_lock);
			return FALSE;
		}
		if (ufi->entry->end - ufi->orig_rvaddr < ufi->size)
			ufi->size = ufi->entry->end - ufi->orig_rvaddr;
		if (!UVM_ET_ISSUBMAP(ufi->entry))
			break;
		/* A submap covers the same addresses: descend into it. */
		sub = ufi->entry->object.sub_map;
		uvmfault_unlockmaps(ufi, write_lock);
		ufi->map = sub;
	}
	ufi->mapv = ufi->map->timestamp;
	return TRUE;
}

/*
 * uvmfault_unlockmaps: unlock the map a lookup locked (ufi may be NULL).
 */
void
uvmfault_unlockmaps(struct uvm_faultinfo *ufi, boolean_t write_locked)
{
	if (ufi == NULL)
		return;
	if (write_locked)
		vm_map_unlock(ufi->map);
	else
		vm_map_unlock_read(ufi->map);
}

/*
 * uvmfault_unlockall: unlock, innermost first, the anon, the object, the
 * amap (any may be NULL) and the map (read-locked).
 */
void
uvmfault_unlockall(struct uvm_faultinfo *ufi, struct vm_amap *amap,
    struct uvm_object *uobj, struct vm_anon *anon)
{
	if (anon != NULL)
		simple_unlock(&anon->an_lock);
	if (uobj != NULL)
		simple_unlock(&uobj->vmobjlock);
	if (amap != NULL)
		amap_unlock(amap);
	uvmfault_unlockmaps(ufi, FALSE);
}

/*
 * uvmfault_relock: retake the map's read lock after it was dropped, and
 * say whether the lookup still holds.
 *
 * => TRUE: the map is locked and unchanged since the lookup (ufi NULL:
 *	there is no map to check).  FALSE: it changed; it is left unlocked
 *	and the caller must look up again.
 */
boolean_t
uvmfault_relock(struct uvm_faultinfo *ufi)
{
	struct uvmsim_machine *m = uvmsim__cur();

	if (ufi == NULL)
		return TRUE;
	m->uvmexp.fltrelck++;
	vm_map_lock_read(ufi->map);
	if (ufi->mapv != ufi->map->timestamp) {
		vm_map_unlock_read(ufi->map);
		return FALSE;
	}
	m->uvmexp.fltrelckok++;
	return TRUE;
}
