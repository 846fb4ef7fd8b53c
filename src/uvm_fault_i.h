/*
 * uvm_fault_i.h: the fault-info helpers' bodies, inline, as NetBSD keeps
 * them in uvm_fault_i.h: find and lock a fault's map entry, unlock it.
 * Not installed.
 *
 * Every fault looks its entry up and unlocks it again, often more than
 * once; out of line, each was a call, a frame and a look-up of the
 * current machine more than the work.  The public functions of
 * uvm_fault_i.c (uvmfault_lookup, uvmfault_unlockmaps, uvmfault_unlockall)
 * are these same bodies, for the current machine, so the fault handler
 * (uvm_fault.c, which passes its own m) and the loan module take the same
 * locks in the same order.  Include after kern_lock.h and
 * uvm_map_lock.h.
 */
#ifndef UVMSIM_UVM_FAULT_I_H
#define UVMSIM_UVM_FAULT_I_H

#include "uvmsim_state.h"
#include "kern_lock.h"
#include "uvm_map_lock.h"
#include "uvmsim_vm.h"

/*
 * uvmsim__fault_unlockmaps: uvmfault_unlockmaps on m, the current
 * machine: unlock the map a lookup locked (ufi may be NULL).
 */
static inline UVMSIM__ALWAYS_INLINE void
uvmsim__fault_unlockmaps(struct uvmsim_machine *m, struct uvm_faultinfo *ufi,
    boolean_t write_locked)
{
	if (ufi == NULL)
		return;
	if (write_locked)
		vm_map_unlock(ufi->map);
	else
		uvmsim__map_unlock_read(m, ufi->map, __FILE__, __LINE__);
}

/*
 * uvmsim__fault_lookup: uvmfault_lookup on m, the current machine: find
 * the entry holding ufi->orig_rvaddr and lock its map (shared, or
 * exclusive with write_lock), following submaps.
 *
 * => orig_map, orig_rvaddr, orig_size filled in by the caller.
 * => onepage: the caller asks for one page (orig_size the page size,
 *	orig_rvaddr page aligned, as the fault does), which the entry holds
 *	whole: size is orig_size, with no need to clip it to the entry.
 * => TRUE: map locked, ufi->map, entry, size and mapv set.  FALSE: nothing
 *	is mapped there; nothing locked.
 */
static inline UVMSIM__ALWAYS_INLINE boolean_t
uvmsim__fault_lookup(struct uvmsim_machine *m, struct uvm_faultinfo *ufi,
    boolean_t write_lock, boolean_t onepage)
{
	struct vm_map *sub;

	ufi->map = ufi->orig_map;
	ufi->size = ufi->orig_size;
	for (;;) {
		if (write_lock)
			vm_map_lock(ufi->map);
		else
			uvmsim__map_lock_read(m, ufi->map, __FILE__, __LINE__);
		/* locked: ufi->map, by the step above, which panics where
		 * it cannot take it: uvm_map_lookup_entry's check that it is
		 * held is left out. */
		if (!uvmsim__map_lookup_hint(ufi->map, ufi->orig_rvaddr,
		    &ufi->entry)) {
			uvmsim__fault_unlockmaps(m, ufi, write_lock);
			return FALSE;
		}
		if (!onepage && ufi->entry->end - ufi->orig_rvaddr < ufi->size)
			ufi->size = ufi->entry->end - ufi->orig_rvaddr;
		if (!UVM_ET_ISSUBMAP(ufi->entry))
			break;
		/* A submap covers the same addresses: descend into it. */
		sub = ufi->entry->object.sub_map;
		uvmsim__fault_unlockmaps(m, ufi, write_lock);
		ufi->map = sub;
	}
	ufi->mapv = ufi->map->timestamp;
	return TRUE;
}

/*
 * uvmsim__fault_unlockall: uvmfault_unlockall on m, the current machine:
 * unlock, innermost first, the anon, the object, the amap (any may be
 * NULL) and the map (read-locked).
 */
static inline UVMSIM__ALWAYS_INLINE void
uvmsim__fault_unlockall(struct uvmsim_machine *m, struct uvm_faultinfo *ufi,
    struct vm_amap *amap, struct uvm_object *uobj, struct vm_anon *anon)
{
	if (anon != NULL)
		uvmsim__simple_unlock(m, &anon->an_lock, __FILE__, __LINE__);
	if (uobj != NULL)
		uvmsim__simple_unlock(m, &uobj->vmobjlock, __FILE__, __LINE__);
	if (amap != NULL)
		uvmsim__simple_unlock(m, &amap->am_l, __FILE__, __LINE__);
	uvmsim__fault_unlockmaps(m, ufi, FALSE);
}

#endif /* UVMSIM_UVM_FAULT_I_H */
