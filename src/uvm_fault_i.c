/*
 * uvm_fault_i.c: the fault-info helpers: find and lock the map entry of
 * a fault, unlock it, and relock after an unlocked stretch, as NetBSD
 * keeps them in uvm_fault_i.h (uvmfault_lookup, uvmfault_unlockmaps,
 * uvmfault_unlockall, uvmfault_relock).  The fault handler (uvm_fault.c)
 * and the loan module (uvm_loan.c) use them; struct uvm_faultinfo is in
 * uvm_fault.h.
 *
 * The bodies of the first three are inline in uvm_fault_i.h, where the
 * fault handler reaches them without a call.
 *
 * Locking: a lookup takes the map's lock, shared or exclusive; relock
 * takes it shared again and succeeds only if the map's timestamp says
 * nothing changed while it was free (map->timestamp, uvm_map_lock.c).
 */
#define UVMSIM_LOCK_M	m	/* locks use the functions' m (kern_lock.h) */
#include "uvmsim_state.h"
#include "uvmsim_cur.h"
#include "kern_lock.h"
#include "uvm_map_lock.h"
#include "uvm_fault_i.h"
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
	return uvmsim__fault_lookup(uvmsim__cur(), ufi, write_lock, FALSE);
}

/*
 * uvmfault_unlockmaps: unlock the map a lookup locked (ufi may be NULL).
 */
void
uvmfault_unlockmaps(struct uvm_faultinfo *ufi, boolean_t write_locked)
{
	uvmsim__fault_unlockmaps(uvmsim__cur(), ufi, write_locked);
}

/*
 * uvmfault_unlockall: unlock, innermost first, the anon, the object, the
 * amap (any may be NULL) and the map (read-locked).
 */
void
uvmfault_unlockall(struct uvm_faultinfo *ufi, struct vm_amap *amap,
    struct uvm_object *uobj, struct vm_anon *anon)
{
	uvmsim__fault_unlockall(uvmsim__cur(), ufi, amap, uobj, anon);
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
