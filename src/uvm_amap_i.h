/*
 * uvm_amap_i.h: the amap slot operations every fault makes, inline, as
 * NetBSD keeps them in uvm_amap_i.h: the slot of an offset, amap_lookups
 * (and its range read in place, uvmsim__amap_slots), amap_add (and its
 * body for a slot already found, uvmsim__amap_setslot), and listing a
 * filled slot.  Not installed.
 *
 * uvm_amap.c's public amap_lookups and amap_add are these bodies for the
 * current machine; the fault handler (uvm_fault.c) reaches them with its
 * own m, without a call.  Include after kern_lock.h.
 */
#ifndef UVMSIM_UVM_AMAP_I_H
#define UVMSIM_UVM_AMAP_I_H

#include <string.h>

#include "uvmsim_state.h"
#include "kern_lock.h"
#include "uvmsim_trace.h"
#include "uvmsim_vm.h"

/* uvmsim__amap_slot's panic, out of line (uvm_amap.c). */
void	uvmsim__amap_slot_range(const struct vm_amap *amap, vaddr_t off,
	    uint64_t slot, const char *func)
	    __attribute__((__noinline__, __noreturn__));

/*
 * uvmsim__amap_slot: the slot of aref's amap that holds byte offset off
 * of the entry; panics, naming func, when it lies outside the amap's
 * slots.
 *
 * => amap locked.
 */
static inline UVMSIM__ALWAYS_INLINE int
uvmsim__amap_slot(struct uvmsim_machine *m, const struct vm_aref *aref,
    vaddr_t off, const char *func)
{
	const struct vm_amap *amap = aref->ar_amap;
	uint64_t slot;

	KASSERT(amap != NULL);
	KASSERT((off & (m->pagesize - 1)) == 0);
	KASSERT(aref->ar_pageoff >= 0);
	slot = (off >> m->pageshift) + (uint64_t)aref->ar_pageoff;
	if (__predict_false(slot >= (uint64_t)amap->am_nslot))
		uvmsim__amap_slot_range(amap, off, slot, func);
	return (int)slot;
}

/*
 * uvmsim__amap_slot_insert: list a newly filled slot in am_slots.
 *
 * => amap locked; the slot was empty and now holds an anon.
 */
static inline void
uvmsim__amap_slot_insert(struct vm_amap *amap, int slot)
{
	KASSERT(amap->am_nused < amap->am_nslot);
	amap->am_bckptr[slot] = amap->am_nused;
	amap->am_slots[amap->am_nused] = slot;
	amap->am_nused++;
}

/*
 * uvmsim__amap_slots_held: uvmsim__amap_slots past its checks of the
 * caller's state, for a caller that holds amap, aref's amap, locked all
 * along and asks for one page at least by its loop's own bounds
 * (uvm_loanentry); the range's checks stay.
 *
 * => amap aref->ar_amap, locked; npages >= 1.
 */
static inline UVMSIM__ALWAYS_INLINE struct vm_anon *const *
uvmsim__amap_slots_held(struct uvmsim_machine *m, struct vm_amap *amap,
    const struct vm_aref *aref, vaddr_t off, int npages, const char *func)
{
	int slot;

	slot = uvmsim__amap_slot(m, aref, off, func);
	if (__predict_false(npages > amap->am_nslot - slot))
		panic("%s: range out of range: slots %d + %d, amap %u has "
		    "%d slots", func, slot, npages, amap->am_id,
		    amap->am_nslot);
	return &amap->am_anon[slot];
}

/*
 * uvmsim__amap_slots: the anons (or NULLs) of npages pages from byte
 * offset off of aref's entry, where the amap keeps them: what
 * amap_lookups copies out, read in place.  func names the caller in the
 * panics.
 *
 * => amap locked; the whole range inside the amap; npages >= 1.
 * => good while the amap stays locked and no slot of the range changes
 *	(the fault reads its neighbourhood so, from its check to its anon).
 */
static inline UVMSIM__ALWAYS_INLINE struct vm_anon *const *
uvmsim__amap_slots(struct uvmsim_machine *m, struct vm_aref *aref,
    vaddr_t off, int npages, const char *func)
{
	struct vm_amap *amap;

	KASSERT(aref != NULL && aref->ar_amap != NULL);
	amap = aref->ar_amap;
	LOCK_ASSERT(uvmsim__simple_lock_held(m, &amap->am_l));
	KASSERT(npages >= 1);
	return uvmsim__amap_slots_held(m, amap, aref, off, npages, func);
}

/*
 * uvmsim__amap_lookups: amap_lookups on m, the current machine: copy the
 * anons (or NULLs) of npages pages from byte offset off of aref's entry
 * into anons[].
 *
 * => amap locked; the whole range inside the amap.
 */
static inline UVMSIM__ALWAYS_INLINE void
uvmsim__amap_lookups(struct uvmsim_machine *m, struct vm_aref *aref,
    vaddr_t off, struct vm_anon **anons, int npages)
{
	KASSERT(npages >= 0);
	if (npages == 0)
		return;
	memcpy(anons, uvmsim__amap_slots(m, aref, off, npages,
	    "amap_lookups"), (size_t)npages * sizeof(*anons));
}

/*
 * uvmsim__amap_setslot: the body of amap_add for a slot already found:
 * put anon in slot of amap.
 *
 * => amap locked; slot inside the amap, found for the caller's offset by
 *    uvmsim__amap_slot or inside a range uvmsim__amap_slots checked, the
 *    amap locked since (the fault finds its slot once, in its check, and
 *    fills it after a copy or a zero fill).
 * => otherwise as uvmsim__amap_add.
 */
static inline UVMSIM__ALWAYS_INLINE void
uvmsim__amap_setslot(struct uvmsim_machine *m, struct vm_amap *amap,
    int slot, struct vm_anon *anon, boolean_t replace)
{
	if (replace) {
		if (amap->am_anon[slot] == NULL)
			panic("amap_add: replacing the empty slot %d of "
			    "amap %u", slot, amap->am_id);
		if ((amap->am_flags & AMAP_SHARED) != 0 &&
		    amap->am_anon[slot]->u.an_page != NULL)
			pmap_page_protect(amap->am_anon[slot]->u.an_page,
			    VM_PROT_NONE);
	} else {
		if (amap->am_anon[slot] != NULL)
			panic("amap_add: slot %d of amap %u in use by anon %u",
			    slot, amap->am_id, amap->am_anon[slot]->an_id);
		uvmsim__amap_slot_insert(amap, slot);
	}
	amap->am_anon[slot] = anon;
	uvmsim__ev(m, UVMSIM_EV_AMAP_ADD, amap->am_id, (uint64_t)slot,
	    uvmsim__anonid(anon), replace ? 1 : 0);
}

/*
 * uvmsim__amap_add: amap_add on m, the current machine: put anon in the
 * slot at byte offset off of aref's entry.
 *
 * => amap locked.
 * => the caller's reference to anon passes to the slot.
 * => without replace the slot must be empty; with replace it must hold
 *    an anon, whose reference passes back to the caller.  If the amap is
 *    shared, the old anon's page loses every mapping (the others sharing
 *    the amap still map it, and must see the new anon instead).
 */
static inline UVMSIM__ALWAYS_INLINE void
uvmsim__amap_add(struct uvmsim_machine *m, struct vm_aref *aref,
    vaddr_t off, struct vm_anon *anon, boolean_t replace)
{
	struct vm_amap *amap;

	KASSERT(aref != NULL && aref->ar_amap != NULL);
	KASSERT(anon != NULL);
	amap = aref->ar_amap;
	LOCK_ASSERT(uvmsim__simple_lock_held(m, &amap->am_l));
	uvmsim__amap_setslot(m, amap, uvmsim__amap_slot(m, aref, off,
	    "amap_add"), anon, replace);
}

#endif /* UVMSIM_UVM_AMAP_I_H */
