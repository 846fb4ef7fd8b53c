/*
 * uvm_amap_copy.c: the amap operations that work on a map entry: giving
 * it an amap of its own (amap_copy), private copies of the anons it
 * shares (amap_cow_now), and room to grow (amap_extend).
 *
 * They stand apart from uvm_amap.c because they sit one layer higher.
 * uvm_amap.c knows amaps, slots and vm_arefs only; these functions are
 * handed a map entry, and amap_copy clips it (uvm_map_clip_start/end,
 * uvm_map_entry.c), while the entry code itself calls amap_splitref when
 * it clips.  Kept apart, the files call downward only: uvm_amap.c, then
 * uvm_map_entry.c, then this file, then uvm_map.c and uvm_vmspace.c,
 * which call these on a write fault's needs-copy, a wiring, and fork.
 *
 * What an amap is, its per-page counts (ppref) and their encoding, its
 * invariants (checked by uvmsim__check_amaps), its locking, its memory
 * and how allocation fails are said in uvm_amap.c.  This file builds
 * amaps with uvm_amap.c's own helpers (uvmsim__amap_alloc1,
 * uvmsim__amap_arrays_grow, the ppref coders in uvmsim_vm.h) so that
 * every amap is born, registered and laid out one way; amap_copy fills
 * its new amap's packed list of used slots itself, as
 * uvmsim__amap_slot_insert does, with the arrays at hand.
 *
 * Difference from 1.6, for a reason:
 *   - amap_copy() does not retry for a count that changed while it
 *     slept: nothing here sleeps.  Like 1.6 it may chunk: an entry of
 *     UVM_AMAP_LARGE pages or more that gets a blank amap is first
 *     clipped (uvm_map_clip_start/end, the map layer's) to the
 *     UVM_AMAP_CHUNK-aligned chunk around the range the caller wants.
 */
#define UVMSIM_LOCK_M	m	/* locks use the functions' m (kern_lock.h) */
#include "uvmsim_state.h"
#include "uvmsim_cur.h"
#include "kern_lock.h"
#include "uvmsim_trace.h"
#include "uvmsim_frame.h"
#include "uvmsim_vm.h"
#include "uvm_amap_i.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

/* ---- public functions ------------------------------------------------- */

/*
 * amap_extend: grow the amap of an entry by addsize bytes past the
 * entry's end, as the map layer does when it extends the entry.
 *
 * => the entry's map locked; the amap unlocked (we lock it); the entry
 *    still has its old end.
 * => addsize is a multiple of the page size.
 * => slots the amap already has are merely counted (ppref); padding set
 *    aside by amap_alloc() is used in place; otherwise the arrays are
 *    reallocated to the exact size needed.
 * => returns 0, or ENOMEM with nothing changed when the arrays cannot be
 *    reallocated (host or "amap_alloc" failpoint).
 */
int
amap_extend(struct vm_map_entry *entry, vsize_t addsize)
{
	struct uvmsim_machine *m = uvmsim__cur();
	struct vm_amap *amap;
	int slotoff, slotmapped, slotadd, slotneed;
	int *newppref;

	KASSERT(entry != NULL && entry->aref.ar_amap != NULL);
	KASSERT(entry->end >= entry->start);
	amap = entry->aref.ar_amap;
	slotoff = entry->aref.ar_pageoff;
	slotmapped = uvmsim__amap_b2slot(m, entry->end - entry->start);
	slotadd = uvmsim__amap_b2slot(m, addsize);
	KASSERT(slotoff >= 0);
	KASSERT((int64_t)slotoff + slotmapped + slotadd <= INT_MAX);
	slotneed = slotoff + slotmapped + slotadd;

	amap_lock(amap);
	/* locked: amap */
	KASSERT(amap->am_ref > 0);
	KASSERT(slotoff + slotmapped <= amap->am_nslot);

	/*
	 * Case 1: the slots exist already, another entry's or left over
	 * from an unmap.  This entry now covers them too.
	 */
	if (amap->am_nslot >= slotneed) {
		if (uvmsim__amap_pp_valid(amap) && slotadd > 0)
			amap_pp_adjref(amap, slotoff + slotmapped,
			    (vsize_t)slotadd, 1);
		goto done;
	}

	/*
	 * Case 2: the padding holds them.  Slots past the entry's end up to
	 * am_nslot gain this entry's count; the new ones have only it.
	 * Padding is empty (invariant 4), so am_anon needs no clearing.
	 */
	if (amap->am_maxslot >= slotneed) {
		if (uvmsim__amap_pp_valid(amap)) {
			if (slotoff + slotmapped < amap->am_nslot)
				amap_pp_adjref(amap, slotoff + slotmapped,
				    (vsize_t)(amap->am_nslot -
				    (slotoff + slotmapped)), 1);
			uvmsim__amap_pp_setreflen(amap->am_ppref,
			    amap->am_nslot, 1, slotneed - amap->am_nslot);
		}
		amap->am_nslot = slotneed;
		goto done;
	}

	/*
	 * Case 3: new arrays of exactly slotneed slots.  Everything is
	 * allocated before anything changes, so a failure changes nothing.
	 */
	if (uvmsim__fp(m, UVMSIM_FP_AMAPALLOC)) {
		amap_unlock(amap);
		return ENOMEM;
	}
	if (uvmsim__amap_arrays_grow(m, amap, slotneed) != 0) {
		amap_unlock(amap);
		return ENOMEM;
	}
	/* ppref is optional: without memory for it, give it up as 1.6. */
	if (uvmsim__amap_pp_valid(amap)) {
		newppref = uvmsim__calloc(m, (size_t)slotneed, sizeof(int));
		if (newppref == NULL) {
			uvmsim__free(amap->am_ppref);
			amap->am_ppref = PPREF_NONE;
		} else {
			memcpy(newppref, amap->am_ppref,
			    sizeof(int) * (size_t)amap->am_nslot);
			uvmsim__free(amap->am_ppref);
			amap->am_ppref = newppref;
			if (slotoff + slotmapped < amap->am_nslot)
				amap_pp_adjref(amap, slotoff + slotmapped,
				    (vsize_t)(amap->am_nslot -
				    (slotoff + slotmapped)), 1);
			uvmsim__amap_pp_setreflen(newppref, amap->am_nslot, 1,
			    slotneed - amap->am_nslot);
		}
	}
	amap->am_nslot = slotneed;

done:
	uvmsim__ev(m, UVMSIM_EV_AMAP_EXTEND, amap->am_id,
	    (uint64_t)amap->am_nslot, 0, 0);
	amap_unlock(amap);
	return 0;
}

/*
 * amap_copy: clear an entry's needs-copy flag, giving the entry an amap
 * of its own: a new empty one if it had none, the one it has if nobody
 * else references it, else a copy of its part of the shared one.
 *
 * => the entry's map locked exclusive by the caller (map may be NULL
 *    here); the entry's amap, if any, unlocked (we lock it).
 * => the range copied is the whole entry, except that with canchunk, a
 *    map, and an entry of UVM_AMAP_LARGE pages or more that has no amap
 *    yet, the entry is first clipped to [startva, endva) rounded out to
 *    UVM_AMAP_CHUNK pages, and only that chunk gets a blank amap (1.6):
 *    the entry passed in is then the chunk.
 * => a copy shares the anons: each gains a reference, and the old amap
 *    loses the entry's reference over the entry's range.
 * => waitf (AMAP_COPY_NOWAIT) is accepted; nothing sleeps.  When memory
 *    cannot be had (host or "amap_alloc" failpoint) the entry is left as
 *    it was, needs-copy still set: the caller checks and retries.
 * => traced as AMAP_COPY from to slots: from 0 for a blank amap, from ==
 *    to (0 slots) when the entry took its amap over.
 */
void
amap_copy(struct vm_map *map, struct vm_map_entry *entry, int waitf,
    boolean_t canchunk, vaddr_t startva, vaddr_t endva)
{
	struct uvmsim_machine *m = uvmsim__cur();
	struct vm_amap *amap, *srcamap;
	struct vm_anon *anon, **srcanon, **nanon;
	vaddr_t chunksize;
	int slots, slot, srcoff, nused, *nbckptr, *nslots;

	(void)waitf;
	KASSERT(entry != NULL);
	KASSERT(entry->end >= entry->start);
	slots = uvmsim__amap_b2slot(m, entry->end - entry->start);

	/* No amap yet: a blank one covering the entry, or its chunk. */
	if (entry->aref.ar_amap == NULL) {
		if (canchunk && map != NULL && slots >= UVM_AMAP_LARGE) {
			chunksize = (vaddr_t)UVM_AMAP_CHUNK << m->pageshift;
			startva = startva & ~(chunksize - 1);
			endva = (endva + chunksize - 1) & ~(chunksize - 1);
			UVM_MAP_CLIP_START(map, entry, startva);
			/* endva wrapped past the top: no end to clip at */
			if (endva >= startva)
				UVM_MAP_CLIP_END(map, entry, endva);
			slots = uvmsim__amap_b2slot(m,
			    entry->end - entry->start);
		}
		amap = uvmsim__amap_alloc1(m, slots, 0);
		if (amap == NULL)
			return;
		entry->aref.ar_pageoff = 0;
		entry->aref.ar_amap = amap;
		entry->etype &= ~UVM_ET_NEEDSCOPY;
		uvmsim__ev(m, UVMSIM_EV_AMAP_COPY, 0, amap->am_id,
		    (uint64_t)slots, 0);
		return;
	}

	/*
	 * The only reference: take the amap over.  Reading am_ref without
	 * the lock is safe as in the kernel: only this entry, under the
	 * locked map, could hold the one reference.
	 */
	srcamap = entry->aref.ar_amap;
	if (srcamap->am_ref == 1) {
		entry->etype &= ~UVM_ET_NEEDSCOPY;
		uvmsim__ev(m, UVMSIM_EV_AMAP_COPY, srcamap->am_id,
		    srcamap->am_id, 0, 0);
		return;
	}

	amap = uvmsim__amap_alloc1(m, slots, 0);
	if (amap == NULL)
		return;

	amap_lock(srcamap);
	/* locked: srcamap */
	srcoff = entry->aref.ar_pageoff;
	KASSERT(srcoff >= 0 && srcoff + slots <= srcamap->am_nslot);
	KASSERT(srcamap->am_ref > 1);

	/*
	 *  srcamap  [ . | A | . | B | C ]      entry: slots 1..3
	 *                 |       |
	 *  amap         [ A | . | B ]          A, B: an_ref + 1
	 */
	/*
	 * The arrays and the count of used slots are kept in locals: the
	 * stores of the lock operations could otherwise be taken for
	 * stores to them, and each would be read again for every slot.
	 * Nobody can look at the new amap before it is returned.
	 */
	srcanon = &srcamap->am_anon[srcoff];
	nanon = amap->am_anon;
	nbckptr = amap->am_bckptr;
	nslots = amap->am_slots;
	nused = 0;
	for (slot = 0; slot < slots; slot++) {
		anon = srcanon[slot];
		if (anon == NULL)
			continue;
		simple_lock(&anon->an_lock);
		/* locked: srcamap, anon */
		anon->an_ref++;
		simple_unlock(&anon->an_lock);
		nanon[slot] = anon;
		nbckptr[slot] = nused;		/* uvmsim__amap_slot_insert */
		nslots[nused++] = slot;
	}
	amap->am_nused = nused;

	/*
	 * Drop the entry's reference to srcamap.  Others remain (am_ref was
	 * above one), so srcamap survives; with ppref, slots that nobody
	 * covers any more lose their anons now.
	 */
	uvmsim__ev(m, UVMSIM_EV_AMAP_COPY, srcamap->am_id, amap->am_id,
	    (uint64_t)slots, 0);
	srcamap->am_ref--;
	if (srcamap->am_ref == 1)
		srcamap->am_flags &= ~AMAP_SHARED;
	if (uvmsim__amap_pp_valid(srcamap) && slots > 0)
		amap_pp_adjref(srcamap, srcoff, (vsize_t)slots, -1);
	amap_unlock(srcamap);

	entry->aref.ar_pageoff = 0;
	entry->aref.ar_amap = amap;
	entry->etype &= ~UVM_ET_NEEDSCOPY;
}

/*
 * amap_cow_now: give entry private copies, now, of every anon it shares
 * with others (fork of a wired entry: the parent must not take
 * copy-on-write faults, so the child copies).
 *
 * => map locked exclusive; the entry's pages resident (the parent's entry
 *    is wired).  A needs-copy entry gets its own amap first.
 * => anons whose page is loaned are left shared: the loan keeps every
 *    mapping of the page read-only, so a write copies it anyway.
 * => returns FALSE when an amap, anon or page cannot be had (1.6 slept
 *    for one); the slots done so far keep their copies, and the caller
 *    gives up the entry (fork frees the whole child).
 */
boolean_t
amap_cow_now(struct vm_map *map, struct vm_map_entry *entry)
{
	struct uvmsim_machine *m = uvmsim__cur();
	struct vm_amap *amap;
	struct vm_anon *anon, *nanon;
	struct vm_page *pg, *npg;
	int i, slot, first, last;

	KASSERT(map != NULL && entry != NULL);
	KASSERT(map->lock.lk_exholder == m->curcpu + 1);
	if (UVM_ET_ISNEEDSCOPY(entry)) {
		amap_copy(map, entry, 0, FALSE, 0, 0);
		if (UVM_ET_ISNEEDSCOPY(entry))
			return FALSE;
	}
	amap = entry->aref.ar_amap;
	if (amap == NULL)
		return TRUE;
	first = entry->aref.ar_pageoff;
	last = first + (int)((entry->end - entry->start) >> m->pageshift);

	amap_lock(amap);
	/* A replacing amap_add leaves am_slots as it is: walk it. */
	for (i = 0; i < amap->am_nused; i++) {
		slot = amap->am_slots[i];
		if (slot < first || slot >= last)
			continue;
		anon = amap->am_anon[slot];
		simple_lock(&anon->an_lock);
		/* locked: amap, anon */
		if (anon->an_ref == 1) {
			simple_unlock(&anon->an_lock);
			continue;
		}
		pg = anon->u.an_page;
		if (pg == NULL)
			uvmsim__panic(m, "amap_cow_now: anon %u of amap %u has "
			    "no resident page", anon->an_id, amap->am_id);
		if (pg->loan_count != 0) {
			simple_unlock(&anon->an_lock);
			continue;
		}
		if (pg->flags & PG_BUSY)
			uvmsim__panic(m, "amap_cow_now: page %" PRIu64 " of "
			    "anon %u is busy: the sleep would never end",
			    uvmsim__pgid(m, pg), anon->an_id);

		nanon = uvm_analloc();
		if (nanon == NULL) {
			simple_unlock(&anon->an_lock);
			amap_unlock(amap);
			return FALSE;
		}
		/* locked: amap, anon, nanon */
		npg = uvm_pagealloc(NULL, 0, nanon, 0);
		if (npg == NULL) {
			nanon->an_ref = 0;
			simple_unlock(&nanon->an_lock);
			uvm_anfree(nanon);
			simple_unlock(&anon->an_lock);
			amap_unlock(amap);
			return FALSE;
		}
		uvm_pagecopy(pg, npg);
		/* The slot's reference to anon comes back to us and goes;
		 * others hold anon (an_ref was above one). */
		amap_add(&entry->aref, (vaddr_t)(slot - first) << m->pageshift,
		    nanon, TRUE);
		anon->an_ref--;
		npg->flags &= ~(PG_BUSY | PG_FAKE);
		UVM_PAGE_OWN(npg, NULL);
		uvm_lock_pageq();
		uvm_pageactivate(npg);
		uvm_unlock_pageq();
		simple_unlock(&nanon->an_lock);
		simple_unlock(&anon->an_lock);
	}
	amap_unlock(amap);
	return TRUE;
}
