/*
 * uvm_amap.c: anonymous maps, their slots and their references (the
 * operations that make or reshape an entry's amap, amap_copy,
 * amap_cow_now and amap_extend, are uvm_amap_copy.c's).
 *
 * An amap is the anonymous layer of one or more map entries: an array of
 * slots, one per page, each empty or holding an anon.  An entry reaches
 * its amap through a vm_aref (the amap and the slot of the entry's first
 * page).  The model follows NetBSD 1.6, where the amap was a plain array
 * with a packed list of the slots in use:
 *
 *	am_anon[slot]	the anon in the slot, or NULL
 *	am_slots[i]	the i-th slot in use, for 0 <= i < am_nused
 *	am_bckptr[slot]	the i with am_slots[i] == slot (slots in use only)
 *
 * so that amap_add() and amap_unadd() cost O(1) and a walk over the slots
 * in use costs O(am_nused) however large the amap.  am_nslot slots are
 * in use by the entries' ranges; the arrays hold am_maxslot, so that
 * amap_extend() can grow an amap in place into padding that amap_alloc()
 * set aside.
 *
 * References.  am_ref counts the entries (vm_arefs) that point at the
 * amap; the last amap_unref() wipes it out, dropping each slot's anon,
 * and frees it.  Each slot holding an anon owns one reference to that
 * anon (an_ref counts it): amap_add() takes over a reference the caller
 * held, amap_unadd() and a replacing amap_add() hand it back, and
 * amap_copy() takes a new one for every anon the copy shares.
 *
 * Per-page references (ppref).  When the entries sharing an amap do not
 * all cover all of it (amap_splitref() when an entry is clipped, a
 * partial amap_ref()), a count per slot says how many entries cover that
 * slot, so that when the count of a slot reaches zero its anon can be
 * dropped at once rather than when the whole amap dies (amap_wiperange).
 * The counts are kept run-length encoded in am_ppref, one int per slot:
 * a run of one slot with count c is stored as c + 1 (positive); a longer
 * run of n slots as -(c + 1) in its first slot and n in its second, the
 * rest of the run being don't-care.  The "+ 1" keeps a count of zero
 * distinguishable by sign.  For example, counts 1 1 1 0 2 are stored as
 *
 *	counts:  1  1  1  0  2
 *	ppref:  -2  3  x  1  3
 *	        <------> <> <>
 *
 * am_ppref is NULL until a partial reference first appears, and
 * PPREF_NONE if the array could not be allocated then; an amap without
 * the array simply keeps every anon until the amap dies.
 *
 * Invariants, checked by uvmsim__check_amaps() for every live amap:
 *   1. am_ref > 0: an amap whose count reaches zero is freed at once.
 *   2. 0 <= am_nused <= am_nslot <= am_maxslot.
 *   3. am_slots[0 .. am_nused-1] are slots below am_nslot, each holding
 *      an anon, and am_bckptr[am_slots[i]] == i (hence they are distinct).
 *   4. Exactly am_nused entries of am_anon[0 .. am_maxslot-1] are not
 *      NULL: every anon is listed, and padding past am_nslot is empty.
 *   5. A ppref array decodes into runs covering exactly am_nslot slots,
 *      each with a count >= 0.
 *   6. No anon sits in a slot whose per-page count is zero.
 *
 * Locking (as 1.6 states it).  am_l guards every field of the amap.  The
 * slot operations (amap_lookup, amap_lookups, amap_add, amap_unadd) and
 * amap_pp_adjref() want the caller to hold it; amap_ref, amap_unref,
 * amap_splitref, amap_extend and amap_copy take it themselves and want it
 * free.  amap_wipeout() is entered with the amap locked and releases the
 * lock before the amap's memory goes; amap_free() wants it free.  An
 * anon's an_lock is taken around every change of an_ref; uvm_anfree() is
 * called with the anon unlocked and its count zero.  Lock order: map,
 * amap, object, anon, page queues (docs/architecture.md).
 *
 * Allocation.  The simulator cannot sleep for memory, so the wait flags
 * are accepted and ignored: an allocation fails when the host has no
 * memory or the "amap_alloc" failpoint fires (amap_alloc, the copy in
 * amap_copy, and the reallocation in amap_extend consult it), and each
 * caller sees the failure as the kernel's M_NOWAIT callers do.
 *
 * Differences from 1.6, each for a reason:
 *   - 1.6's amap_ref() raised am_ref before seeding a new ppref array from
 *     it, and amap_unref() lowered it before seeding, so the new counts
 *     were off by one over the range.  Later NetBSD seeds the array from
 *     the count before the change; so does this file, which is what makes
 *     invariant 6 hold.
 *   - As in 1.6, a replacing amap_add() on a shared amap takes every
 *     mapping of the old anon's page away (pmap_page_protect), so that
 *     the other entries sharing the amap fault and find the new anon.
 *   - Slots dropped by amap_wiperange() are traced as AMAP_UNADD events,
 *     so that a trace shows each anon leaving its slot.
 */
#define UVMSIM_LOCK_M	m	/* locks use the functions' m (kern_lock.h) */
#include "uvmsim_state.h"
#include "uvmsim_cur.h"
#include "kern_lock.h"
#include "uvmsim_trace.h"
#include "uvmsim_frame.h"
#include "uvmsim_vm.h"
#include "uvmsim_problem.h"
#include "uvm_amap_i.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

/* ---- static helpers ---------------------------------------------------- */

/*
 * uvmsim__amap_b2slot: the number of pages in a byte count.
 *
 * => bytes is a multiple of the page size and fits an int in pages.
 */
int
uvmsim__amap_b2slot(struct uvmsim_machine *m, vaddr_t bytes)
{
	KASSERT((bytes & (m->pagesize - 1)) == 0);
	KASSERT((bytes >> m->pageshift) <= INT_MAX);
	return (int)(bytes >> m->pageshift);
}

bool
uvmsim__amap_fits(struct uvmsim_machine *m, vsize_t sz, vsize_t padsz)
{
	return sz >> m->pageshift <= (vsize_t)INT_MAX - (padsz >> m->pageshift);
}

/* uvmsim__amap_slot_range: uvmsim__amap_slot's panic, out of line. */
void
uvmsim__amap_slot_range(const struct vm_amap *amap, vaddr_t off,
    uint64_t slot, const char *func)
{
	panic("%s: offset %#jx out of range: slot %ju, amap %u has %d slots",
	    func, (uintmax_t)off, (uintmax_t)slot, amap->am_id,
	    amap->am_nslot);
}

/*
 * The arrays' memory.  An amap and its three arrays are one block of host
 * memory, one allocation and one free, the arrays after the structure:
 *
 *	struct vm_amap | am_anon[maxslot] | rz | am_bckptr[maxslot] | rz |
 *	am_slots[maxslot]
 *
 * amap_copy makes an amap on a forked child's first write to each chunk
 * of its memory, and four blocks (the structure and each array) cost
 * four times the allocator's work.  amap_extend, when the padding does
 * not hold the new slots, gives the amap a block of its own for the
 * three arrays, laid out the same way (uvmsim__amap_arrays_alloc); the
 * structure cannot move, entries point at it.  So an amap's arrays are
 * in its own block exactly when am_anon starts right after the
 * structure (amap_arrays_inline), and then they go with it.
 *
 * The rz are AMAP_REDZONE bytes that nothing reads or writes: under
 * Valgrind (m->on_valgrind) and AddressSanitizer they are made
 * unaddressable, so that a slot index past am_maxslot in am_anon or
 * am_bckptr is caught as it was when each array was a block of its own
 * (past am_slots is the block's end, the allocator's own redzone).
 */
#define AMAP_REDZONE	16

#if defined(__SANITIZE_ADDRESS__)
#define AMAP_ASAN	1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define AMAP_ASAN	1
#endif
#endif
#ifdef AMAP_ASAN
#include <sanitizer/asan_interface.h>
#endif

/* The bytes of the three arrays of maxslot slots, with their redzones. */
static inline size_t
amap_arrays_size(int maxslot)
{
	return (size_t)maxslot *
	    (sizeof(struct vm_anon *) + 2 * sizeof(int)) + 2 * AMAP_REDZONE;
}

/* amap_redzone: make the AMAP_REDZONE bytes at p unaddressable for the
 * memory checker the machine runs under, if any. */
static inline void
amap_redzone(struct uvmsim_machine *m, char *p)
{
#ifdef UVMSIM_HAVE_VALGRIND
	if (__predict_false(m->on_valgrind))
		(void)VALGRIND_MAKE_MEM_NOACCESS(p, AMAP_REDZONE);
#else
	(void)m;
#endif
#ifdef AMAP_ASAN
	ASAN_POISON_MEMORY_REGION(p, AMAP_REDZONE);
#else
	(void)p;
#endif
}

/*
 * amap_arrays_set: lay out the arrays of maxslot slots in base (of
 * amap_arrays_size(maxslot) bytes, pointer aligned) and point amap's
 * array fields at them.
 */
static inline void
amap_arrays_set(struct uvmsim_machine *m, struct vm_amap *amap, char *base,
    int maxslot)
{
	size_t n = (size_t)maxslot;

	amap->am_anon = (struct vm_anon **)(void *)base;
	base += n * sizeof(struct vm_anon *);
	amap_redzone(m, base);
	base += AMAP_REDZONE;
	amap->am_bckptr = (int *)(void *)base;
	base += n * sizeof(int);
	amap_redzone(m, base);
	base += AMAP_REDZONE;
	amap->am_slots = (int *)(void *)base;
}

/* amap_arrays_inline: amap's arrays are in the amap's own block. */
static inline bool
amap_arrays_inline(const struct vm_amap *amap)
{
	return (const void *)amap->am_anon == (const void *)(amap + 1);
}

/*
 * uvmsim__amap_arrays_grow: give amap arrays of maxslot slots in a block
 * of their own (amap_extend), what the old ones held copied over, the
 * new slots empty; the old arrays are freed unless they were in the
 * amap's block.  am_maxslot becomes maxslot.
 *
 * => amap locked; maxslot >= am_maxslot.
 * => returns 0, or ENOMEM with amap unchanged (host memory).
 */
int
uvmsim__amap_arrays_grow(struct uvmsim_machine *m, struct vm_amap *amap,
    int maxslot)
{
	struct vm_anon **oanon = amap->am_anon;
	int *obckptr = amap->am_bckptr, *oslots = amap->am_slots;
	bool oinline = amap_arrays_inline(amap);
	char *base;

	KASSERT(maxslot >= amap->am_maxslot);
	base = uvmsim__calloc(m, 1, amap_arrays_size(maxslot));
	if (base == NULL)
		return ENOMEM;
	amap_arrays_set(m, amap, base, maxslot);
	memcpy(amap->am_anon, oanon,
	    sizeof(struct vm_anon *) * (size_t)amap->am_nslot);
	memcpy(amap->am_bckptr, obckptr, sizeof(int) * (size_t)amap->am_nslot);
	memcpy(amap->am_slots, oslots, sizeof(int) * (size_t)amap->am_nused);
	if (!oinline)
		uvmsim__free(oanon);
	amap->am_maxslot = maxslot;
	return 0;
}

/*
 * uvmsim__amap_alloc1: allocate and register an amap of slots slots with
 * padslots more set aside; every slot empty, one reference, no ppref.
 *
 * => returns NULL when memory cannot be had (host or failpoint).
 * => the new amap is unlocked.
 */
struct vm_amap *
uvmsim__amap_alloc1(struct uvmsim_machine *m, int slots, int padslots)
{
	struct vm_amap *amap;
	int total;

	KASSERT(slots >= 0 && padslots >= 0);
	KASSERT((int64_t)slots + padslots <= INT_MAX);
	if (uvmsim__fp(m, UVMSIM_FP_AMAPALLOC))
		return NULL;

	/*
	 * Only am_anon is cleared (every slot empty): the fields are set
	 * below, and am_slots and am_bckptr are read only where a slot is
	 * used, which sets them first (invariant 3).
	 */
	total = slots + padslots;
	amap = uvmsim__malloc(m, sizeof(*amap) + amap_arrays_size(total));
	if (amap == NULL)
		return NULL;
	amap_arrays_set(m, amap, (char *)(amap + 1), total);
	memset(amap->am_anon, 0, sizeof(struct vm_anon *) * (size_t)total);

	simple_lock_init(&amap->am_l);
	amap->am_ref = 1;
	amap->am_flags = 0;
	amap->am_maxslot = total;
	amap->am_nslot = slots;
	amap->am_nused = 0;
	amap->am_ppref = NULL;
	amap->am_id = ++m->next_amap_id;
	TAILQ_INSERT_TAIL(&m->amaps, amap, am_list);
	uvmsim__ev(m, UVMSIM_EV_AMAP_ALLOC, amap->am_id, (uint64_t)slots,
	    0, 0);
	return amap;
}

/*
 * amap_slot_remove: empty a slot and return the anon it held; the last
 * entry of am_slots moves into the hole, keeping the list packed.
 *
 * => amap locked; the slot holds an anon, whose reference passes to the
 *    caller.
 */
static struct vm_anon *
amap_slot_remove(struct vm_amap *amap, int slot)
{
	struct vm_anon *anon;
	int ptr, last;

	anon = amap->am_anon[slot];
	KASSERT(anon != NULL);
	amap->am_anon[slot] = NULL;
	ptr = amap->am_bckptr[slot];
	last = amap->am_nused - 1;
	KASSERT(ptr >= 0 && ptr <= last && amap->am_slots[ptr] == slot);
	if (ptr != last) {
		amap->am_slots[ptr] = amap->am_slots[last];
		amap->am_bckptr[amap->am_slots[ptr]] = ptr;
	}
	amap->am_nused--;
	return anon;
}

/*
 * anon_drop: drop one reference to anon, freeing it with the last.
 *
 * => anon unlocked, and no longer reachable through the reference being
 *    dropped.
 */
static void
anon_drop(struct uvmsim_machine *m, struct vm_anon *anon)
{
	int refs;

	simple_lock(&anon->an_lock);
	/* locked: anon */
	KASSERT(anon->an_ref > 0);
	refs = --anon->an_ref;
	simple_unlock(&anon->an_lock);
	if (refs == 0)
		uvm_anfree(anon);
}

/*
 * amap_wiperange: empty the slots [slotoff, slotoff + slots) of an amap
 * that stays alive, dropping the reference each slot held.
 *
 * => amap locked; the anons unlocked.
 */
static void
amap_wiperange(struct uvmsim_machine *m, struct vm_amap *amap, int slotoff,
    int slots)
{
	struct vm_anon *anon;
	int slot, i, stop;

	stop = slotoff + slots;
	if (slots < amap->am_nused) {
		/* The range is the shorter walk. */
		for (slot = slotoff; slot < stop; slot++) {
			if (amap->am_anon[slot] == NULL)
				continue;
			anon = amap_slot_remove(amap, slot);
			uvmsim__ev(m, UVMSIM_EV_AMAP_UNADD, amap->am_id,
			    (uint64_t)slot, uvmsim__anonid(anon), 0);
			anon_drop(m, anon);
		}
		return;
	}

	/* The used slots are the shorter walk.  A removal refills index i. */
	for (i = 0; i < amap->am_nused; ) {
		slot = amap->am_slots[i];
		if (slot < slotoff || slot >= stop) {
			i++;
			continue;
		}
		anon = amap_slot_remove(amap, slot);
		uvmsim__ev(m, UVMSIM_EV_AMAP_UNADD, amap->am_id,
		    (uint64_t)slot, uvmsim__anonid(anon), 0);
		anon_drop(m, anon);
	}
}

/*
 * amap_pp_establish: give an amap a ppref array, every slot counted with
 * the amap's present reference count.
 *
 * => amap locked, am_ppref NULL.
 * => on allocation failure am_ppref becomes PPREF_NONE for good.
 */
static void
amap_pp_establish(struct vm_amap *amap)
{
	KASSERT(amap->am_ppref == NULL);
	amap->am_ppref = uvmsim__calloc(uvmsim__cur(),
	    amap->am_maxslot ? amap->am_maxslot : 1, sizeof(int));
	if (amap->am_ppref == NULL) {
		amap->am_ppref = PPREF_NONE;
		return;
	}
	if (amap->am_nslot > 0)
		uvmsim__amap_pp_setreflen(amap->am_ppref, 0, amap->am_ref,
		    amap->am_nslot);
}

/*
 * amap_free_mem: return an amap's memory to the host: its block, and the
 * arrays' own block if amap_extend gave it one.
 */
static void
amap_free_mem(struct vm_amap *amap)
{
	if (uvmsim__amap_pp_valid(amap))
		uvmsim__free(amap->am_ppref);
	if (!amap_arrays_inline(amap))
		uvmsim__free(amap->am_anon);
	uvmsim__free(amap);
}

/*
 * amap_walkable: true when the amap's counts and arrays are sound enough
 * to walk its used slots (invariants 2 and 3 hold well enough not to read
 * out of bounds).  The checker reports what is wrong; this only guards.
 */
static bool
amap_walkable(const struct vm_amap *amap)
{
	return amap->am_nused >= 0 && amap->am_nslot >= 0 &&
	    amap->am_nused <= amap->am_nslot &&
	    amap->am_nslot <= amap->am_maxslot &&
	    (amap->am_maxslot == 0 || (amap->am_slots != NULL &&
	    amap->am_bckptr != NULL && amap->am_anon != NULL));
}

/*
 * check_ppref: invariants 5 and 6 of one amap with a ppref array.
 */
static void
check_ppref(const struct vm_amap *amap, struct uvmsim_report *r,
    const char *obj)
{
	const int *ppref = amap->am_ppref;
	int lcv, ref, len, slot;

	for (lcv = 0; lcv < amap->am_nslot; lcv += len) {
		if (ppref[lcv] == 0) {
			uvmsim__problem(r, "amap.ppref", obj, "am_ppref",
			    "slot %d: encoded 0, which no run encodes", lcv);
			return;
		}
		if (ppref[lcv] < 0 && lcv + 1 >= amap->am_maxslot) {
			uvmsim__problem(r, "amap.ppref", obj, "am_ppref",
			    "slot %d: long run without room for its length "
			    "(am_maxslot %d)", lcv, amap->am_maxslot);
			return;
		}
		uvmsim__amap_pp_getreflen(ppref, lcv, &ref, &len);
		if (len < 1 || len > amap->am_nslot - lcv) {
			uvmsim__problem(r, "amap.ppref", obj, "am_ppref",
			    "slot %d: run of %d slots does not fit in "
			    "am_nslot %d", lcv, len, amap->am_nslot);
			return;
		}
		if (ref < 0) {
			uvmsim__problem(r, "amap.ppref", obj, "am_ppref",
			    "slot %d: negative count %d", lcv, ref);
			return;
		}
		if (ref != 0)
			continue;
		for (slot = lcv; slot < lcv + len; slot++)
			if (amap->am_anon[slot] != NULL)
				uvmsim__problem(r, "amap.ppref_zero", obj,
				    "am_ppref", "slot %d holds anon %u but no "
				    "entry covers it (count 0)", slot,
				    amap->am_anon[slot]->an_id);
	}
}

/* ---- public functions ------------------------------------------------- */

/*
 * amap_alloc: allocate an amap for sz bytes of anonymous memory, with
 * padsz bytes more set aside for amap_extend() to grow into.
 *
 * => sz and padsz are multiples of the page size.
 * => waitf is accepted for the kernel's signature; nothing sleeps.
 * => returns the amap unlocked with one reference and every slot empty,
 *    or NULL when memory cannot be had (host or "amap_alloc" failpoint).
 */
struct vm_amap *
amap_alloc(vaddr_t sz, vaddr_t padsz, int waitf)
{
	struct uvmsim_machine *m = uvmsim__cur();

	(void)waitf;
	return uvmsim__amap_alloc1(m, uvmsim__amap_b2slot(m, sz),
	    uvmsim__amap_b2slot(m, padsz));
}

/*
 * amap_free: free an amap that nobody references and that holds no anon.
 *
 * => am_ref == 0 and am_nused == 0.
 * => amap unlocked (a lock may not be freed while held).
 */
void
amap_free(struct vm_amap *amap)
{
	struct uvmsim_machine *m = uvmsim__cur();

	KASSERT(amap != NULL);
	if (amap->am_ref != 0 || amap->am_nused != 0)
		panic("amap_free: amap %u still in use: am_ref %d, "
		    "am_nused %d", amap->am_id, amap->am_ref, amap->am_nused);
	LOCK_ASSERT(!simple_lock_held(&amap->am_l));

	TAILQ_REMOVE(&m->amaps, amap, am_list);
	uvmsim__ev(m, UVMSIM_EV_AMAP_FREE, amap->am_id, 0, 0, 0);
	amap_free_mem(amap);
}

/*
 * amap_wipeout: drop the anon of every used slot, then free the amap.
 *
 * => called when the last reference has gone (am_ref == 0).
 * => amap locked by the caller; the lock is released before the amap's
 *    memory is freed, so the amap is gone and unlocked on return.
 * => the anons unlocked; each one whose count reaches zero is freed.
 */
void
amap_wipeout(struct vm_amap *amap)
{
	struct uvmsim_machine *m = uvmsim__cur();
	struct vm_anon *anon;
	int i, slot;

	KASSERT(amap != NULL);
	LOCK_ASSERT(simple_lock_held(&amap->am_l));
	KASSERT(amap->am_ref == 0);
	uvmsim__ev(m, UVMSIM_EV_AMAP_WIPEOUT, amap->am_id, 0, 0, 0);

	/*
	 * Drop the anons in am_slots order.  The slot lists are not kept
	 * up to date on the way: the amap is dead and nothing looks.
	 */
	for (i = 0; i < amap->am_nused; i++) {
		slot = amap->am_slots[i];
		anon = amap->am_anon[slot];
		if (anon == NULL || anon->an_ref == 0)
			panic("amap_wipeout: corrupt amap %u: slot %d holds "
			    "%s", amap->am_id, slot,
			    anon == NULL ? "no anon" : "an unreferenced anon");
		amap->am_anon[slot] = NULL;
		anon_drop(m, anon);
	}
	amap->am_nused = 0;

	amap_unlock(amap);
	/* unlocked: amap (dead: no reference, no anon) */
	amap_free(amap);
}

/*
 * amap_lookup: the anon at byte offset off of the entry that aref
 * describes, or NULL.
 *
 * => amap locked; off page aligned and inside the amap.
 */
struct vm_anon *
amap_lookup(struct vm_aref *aref, vaddr_t off)
{
	struct uvmsim_machine *m = uvmsim__cur();
	int slot;

	KASSERT(aref != NULL && aref->ar_amap != NULL);
	LOCK_ASSERT(simple_lock_held(&aref->ar_amap->am_l));
	slot = uvmsim__amap_slot(m, aref, off, "amap_lookup");
	return aref->ar_amap->am_anon[slot];
}

/*
 * amap_lookups: copy the anons (or NULLs) of npages pages from byte
 * offset off of aref's entry into anons[].
 *
 * => amap locked; the whole range inside the amap.
 */
void
amap_lookups(struct vm_aref *aref, vaddr_t off, struct vm_anon **anons,
    int npages)
{
	uvmsim__amap_lookups(uvmsim__cur(), aref, off, anons, npages);
}

/*
 * amap_add: put anon in the slot at byte offset off of aref's entry.
 *
 * => amap locked.
 * => the caller's reference to anon passes to the slot.
 * => without replace the slot must be empty; with replace it must hold
 *    an anon, whose reference passes back to the caller.  If the amap is
 *    shared, the old anon's page loses every mapping (the others sharing
 *    the amap still map it, and must see the new anon instead).
 */
void
amap_add(struct vm_aref *aref, vaddr_t off, struct vm_anon *anon,
    boolean_t replace)
{
	uvmsim__amap_add(uvmsim__cur(), aref, off, anon, replace);
}

/*
 * amap_unadd: empty the slot at byte offset off of aref's entry.
 *
 * => amap locked; the slot holds an anon.
 * => the slot's reference to the anon passes to the caller, who looked
 *    the anon up first.
 */
void
amap_unadd(struct vm_aref *aref, vaddr_t off)
{
	struct uvmsim_machine *m = uvmsim__cur();
	struct vm_amap *amap;
	struct vm_anon *anon;
	int slot;

	KASSERT(aref != NULL && aref->ar_amap != NULL);
	amap = aref->ar_amap;
	LOCK_ASSERT(simple_lock_held(&amap->am_l));
	slot = uvmsim__amap_slot(m, aref, off, "amap_unadd");
	if (amap->am_anon[slot] == NULL)
		panic("amap_unadd: slot %d of amap %u is empty", slot,
		    amap->am_id);
	anon = amap_slot_remove(amap, slot);
	uvmsim__ev(m, UVMSIM_EV_AMAP_UNADD, amap->am_id, (uint64_t)slot,
	    uvmsim__anonid(anon), 0);
}

/*
 * ref_range: the slots a reference of amap_ref or amap_unref covers:
 * len slots from offset, or every slot with all; a range past the amap's
 * end panics, naming who.
 *
 * => amap locked.
 */
static void
ref_range(const struct vm_amap *amap, vaddr_t offset, vsize_t len, bool all,
    const char *who, int *slotp, int *nslotsp)
{
	if (all) {
		*slotp = 0;
		*nslotsp = amap->am_nslot;
		return;
	}
	if (offset > (vaddr_t)amap->am_nslot ||
	    len > (vsize_t)amap->am_nslot - offset)
		panic("%s: slots %ju + %ju out of range: amap %u has %d slots",
		    who, (uintmax_t)offset, (uintmax_t)len, amap->am_id,
		    amap->am_nslot);
	*slotp = (int)offset;
	*nslotsp = (int)len;
}

/*
 * amap_ref: take a reference to an amap for an entry covering len slots
 * from slot offset (fork, or a new mapping of a shared amap).
 *
 * => amap unlocked (we lock it); am_ref > 0.
 * => offset and len count pages (slots), not bytes.
 * => flags: AMAP_SHARED marks the amap shared; AMAP_REFALL takes the
 *    reference over every slot whatever offset and len say.
 * => a reference to part of the amap brings in the ppref array.
 */
void
amap_ref(struct vm_amap *amap, vaddr_t offset, vsize_t len, int flags)
{
	struct uvmsim_machine *m = uvmsim__cur();
	int slot, nslots;

	KASSERT(amap != NULL);
	amap_lock(amap);
	/* locked: amap */
	KASSERT(amap->am_ref > 0);
	ref_range(amap, offset, len, (flags & AMAP_REFALL) != 0, "amap_ref",
	    &slot, &nslots);

	if (flags & AMAP_SHARED)
		amap->am_flags |= AMAP_SHARED;
	/* Seed ppref from the count before this reference (see above). */
	if (amap->am_ppref == NULL && nslots != amap->am_nslot)
		amap_pp_establish(amap);
	amap->am_ref++;
	if (uvmsim__amap_pp_valid(amap) && nslots > 0)
		amap_pp_adjref(amap, slot, (vsize_t)nslots, 1);
	uvmsim__ev(m, UVMSIM_EV_AMAP_REF, amap->am_id, (uint64_t)slot,
	    (uint64_t)nslots, (uint64_t)amap->am_ref);
	amap_unlock(amap);
}

/*
 * amap_unref: drop a reference to an amap held by an entry covering len
 * slots from slot offset; the last reference wipes the amap out.
 *
 * => amap unlocked (we lock it); the caller has removed the pmap's
 *    mappings of the range.
 * => offset and len count pages (slots); with all, the reference covered
 *    every slot.
 * => with ppref, the anons of slots that no entry covers any more are
 *    dropped now (and freed when that was their last reference).
 * => the amap may be freed: the caller must not touch it afterwards.
 */
void
amap_unref(struct vm_amap *amap, vaddr_t offset, vsize_t len, boolean_t all)
{
	struct uvmsim_machine *m = uvmsim__cur();
	int slot, nslots;

	KASSERT(amap != NULL);
	amap_lock(amap);
	/* locked: amap */
	KASSERT(amap->am_ref > 0);
	ref_range(amap, offset, len, all, "amap_unref", &slot, &nslots);

	if (amap->am_ref == 1) {
		/* The last reference: everything goes. */
		amap->am_ref = 0;
		uvmsim__ev(m, UVMSIM_EV_AMAP_UNREF, amap->am_id,
		    (uint64_t)slot, (uint64_t)nslots, 0);
		amap_wipeout(amap);
		/* unlocked: amap is gone */
		return;
	}

	/* Seed ppref from the count before this reference goes. */
	if (amap->am_ppref == NULL && nslots != amap->am_nslot)
		amap_pp_establish(amap);
	amap->am_ref--;
	if (amap->am_ref == 1)
		amap->am_flags &= ~AMAP_SHARED;
	uvmsim__ev(m, UVMSIM_EV_AMAP_UNREF, amap->am_id, (uint64_t)slot,
	    (uint64_t)nslots, (uint64_t)amap->am_ref);
	if (uvmsim__amap_pp_valid(amap) && nslots > 0)
		amap_pp_adjref(amap, slot, (vsize_t)nslots, -1);
	amap_unlock(amap);
}

/*
 * amap_splitref: split an entry's reference in two when the map layer
 * clips the entry offset bytes from its start; splitref gets the part
 * from there on, origref keeps the part before.
 *
 * => the entry's map locked; the amap unlocked (we lock it).
 * => offset is a non-zero multiple of the page size inside the amap.
 * => the amap gains a reference (the new entry's), and a ppref array if
 *    it had none, since neither entry covers the whole amap any more.
 */
void
amap_splitref(struct vm_aref *origref, struct vm_aref *splitref,
    vaddr_t offset)
{
	struct uvmsim_machine *m = uvmsim__cur();
	struct vm_amap *amap;
	int leftslots;

	KASSERT(origref != NULL && splitref != NULL);
	amap = origref->ar_amap;
	KASSERT(amap != NULL);
	leftslots = uvmsim__amap_b2slot(m, offset);
	if (leftslots == 0)
		panic("amap_splitref: split at zero offset (amap %u)",
		    amap->am_id);

	amap_lock(amap);
	/* locked: amap */
	KASSERT(amap->am_ref > 0);
	if (amap->am_nslot - origref->ar_pageoff - leftslots <= 0)
		panic("amap_splitref: split at slot %d + %d past the end of "
		    "amap %u (%d slots)", origref->ar_pageoff, leftslots,
		    amap->am_id, amap->am_nslot);

	/* The ppref counts the references before the new one. */
	if (amap->am_ppref == NULL)
		amap_pp_establish(amap);
	splitref->ar_amap = amap;
	splitref->ar_pageoff = origref->ar_pageoff + leftslots;
	amap->am_ref++;
	uvmsim__ev(m, UVMSIM_EV_AMAP_SPLITREF, amap->am_id,
	    (uint64_t)splitref->ar_pageoff, 0, 0);
	amap_unlock(amap);
}

/*
 * amap_pp_adjref: add adjval to the per-page count of slotlen slots from
 * curslot, splitting runs at the ends of the range and merging equal
 * neighbours; the anons of slots whose count reaches zero are dropped.
 *
 * => amap locked; am_ppref is an array (not NULL, not PPREF_NONE).
 * => the range lies inside am_nslot; no count may go below zero.
 */
void
amap_pp_adjref(struct vm_amap *amap, int curslot, vsize_t slotlen,
    int adjval)
{
	struct uvmsim_machine *m = uvmsim__cur();
	int *ppref;
	int lcv, stopslot, ref, len;
	int prevlcv, prevref, prevlen;	/* last run written, if prevlen */

	KASSERT(amap != NULL);
	LOCK_ASSERT(simple_lock_held(&amap->am_l));
	KASSERT(uvmsim__amap_pp_valid(amap));
	KASSERT(curslot >= 0 && slotlen <= (vsize_t)amap->am_nslot &&
	    (vsize_t)curslot + slotlen <= (vsize_t)amap->am_nslot);
	ppref = amap->am_ppref;
	stopslot = curslot + (int)slotlen;
	prevlcv = prevref = -1;
	prevlen = 0;

	/* Walk to curslot, cutting the run that straddles it in two. */
	for (lcv = 0; lcv < curslot; lcv += len) {
		uvmsim__amap_pp_getreflen(ppref, lcv, &ref, &len);
		KASSERT(len >= 1);
		if (lcv + len > curslot) {
			uvmsim__amap_pp_setreflen(ppref, lcv, ref,
			    curslot - lcv);
			uvmsim__amap_pp_setreflen(ppref, curslot, ref,
			    lcv + len - curslot);
			len = curslot - lcv;
		}
		prevlcv = lcv;
		prevref = ref;
		prevlen = len;
	}
	KASSERT(lcv == curslot);

	/* Adjust each run inside, cutting the one that straddles the end. */
	for (; lcv < stopslot; lcv += len) {
		uvmsim__amap_pp_getreflen(ppref, lcv, &ref, &len);
		KASSERT(len >= 1);
		if (lcv + len > stopslot) {
			uvmsim__amap_pp_setreflen(ppref, lcv, ref,
			    stopslot - lcv);
			uvmsim__amap_pp_setreflen(ppref, stopslot, ref,
			    lcv + len - stopslot);
			len = stopslot - lcv;
		}
		ref += adjval;
		if (ref < 0)
			panic("amap_pp_adjref: negative count at slot %d of "
			    "amap %u", lcv, amap->am_id);
		if (prevlen > 0 && prevref == ref) {
			prevlen += len;
			uvmsim__amap_pp_setreflen(ppref, prevlcv, ref, prevlen);
		} else {
			uvmsim__amap_pp_setreflen(ppref, lcv, ref, len);
			prevlcv = lcv;
			prevref = ref;
			prevlen = len;
		}
		if (ref == 0)
			amap_wiperange(m, amap, lcv, len);
	}

	/* Merge the run after the range into the last one when equal. */
	if (prevlen > 0 && stopslot < amap->am_nslot) {
		uvmsim__amap_pp_getreflen(ppref, stopslot, &ref, &len);
		if (ref == prevref)
			uvmsim__amap_pp_setreflen(ppref, prevlcv, ref,
			    prevlen + len);
	}
}

/* ---- simulator internals ------------------------------------------------ */

/*
 * uvmsim__amap_teardown: free the memory of every amap still alive, at
 * machine destruction.  Anons are not touched: their blocks are freed
 * wholesale, and the amaps' references to them die with the machine.
 */
void
uvmsim__amap_teardown(struct uvmsim_machine *m)
{
	struct vm_amap *amap;

	while ((amap = TAILQ_FIRST(&m->amaps)) != NULL) {
		TAILQ_REMOVE(&m->amaps, amap, am_list);
		amap_free_mem(amap);
	}
}

/*
 * uvmsim__amap_anonrefs: count the amap slot references to each anon.
 *
 * => returns a calloc'd array of m->next_anon_id + 1 counts, indexed by
 *    an_id, or NULL when memory cannot be had.  The caller frees it.
 * => locks nothing; slots that are out of bounds are skipped (the amap
 *    checker reports them).
 */
int *
uvmsim__amap_anonrefs(struct uvmsim_machine *m)
{
	const struct vm_amap *amap;
	const struct vm_anon *anon;
	int *refs;
	int i, slot;

	refs = uvmsim__calloc(NULL, (size_t)m->next_anon_id + 1, sizeof(int));
	if (refs == NULL)
		return NULL;
	TAILQ_FOREACH(amap, &m->amaps, am_list) {
		if (!amap_walkable(amap))
			continue;
		for (i = 0; i < amap->am_nused; i++) {
			slot = amap->am_slots[i];
			if (slot < 0 || slot >= amap->am_nslot)
				continue;
			anon = amap->am_anon[slot];
			if (anon != NULL && anon->an_id <= m->next_anon_id)
				refs[anon->an_id]++;
		}
	}
	return refs;
}

/*
 * uvmsim__check_amaps: report every broken amap invariant (1-6 above).
 *
 * => locks nothing and never panics: reads the structures as they are,
 *    guarding every index it follows.
 */
void
uvmsim__check_amaps(struct uvmsim_machine *m, struct uvmsim_report *r)
{
	const struct vm_amap *amap;
	char obj[48];
	int i, slot, nonnull;

	TAILQ_FOREACH(amap, &m->amaps, am_list) {
		snprintf(obj, sizeof(obj), "amap %u", amap->am_id);

		/* 1 */
		if (amap->am_ref <= 0)
			uvmsim__problem(r, "amap.ref", obj, "am_ref",
			    "live amap with %d references (want > 0)",
			    amap->am_ref);

		/* 2, and arrays to walk */
		if (amap->am_nused < 0 || amap->am_nused > amap->am_nslot ||
		    amap->am_nslot > amap->am_maxslot) {
			uvmsim__problem(r, "amap.counts", obj, "am_nused",
			    "want 0 <= am_nused %d <= am_nslot %d <= "
			    "am_maxslot %d", amap->am_nused, amap->am_nslot,
			    amap->am_maxslot);
			continue;
		}
		if (!amap_walkable(amap)) {
			uvmsim__problem(r, "amap.arrays", obj, "am_anon",
			    "slot arrays missing for %d slots",
			    amap->am_maxslot);
			continue;
		}

		/* 3 */
		for (i = 0; i < amap->am_nused; i++) {
			slot = amap->am_slots[i];
			if (slot < 0 || slot >= amap->am_nslot) {
				uvmsim__problem(r, "amap.slots", obj,
				    "am_slots", "am_slots[%d] = %d, outside "
				    "am_nslot %d", i, slot, amap->am_nslot);
				continue;
			}
			if (amap->am_anon[slot] == NULL)
				uvmsim__problem(r, "amap.slots", obj,
				    "am_anon", "used slot %d (am_slots[%d]) "
				    "holds no anon", slot, i);
			if (amap->am_bckptr[slot] != i)
				uvmsim__problem(r, "amap.bckptr", obj,
				    "am_bckptr", "am_bckptr[%d] = %d, want %d",
				    slot, amap->am_bckptr[slot], i);
		}

		/* 4 */
		nonnull = 0;
		for (slot = 0; slot < amap->am_maxslot; slot++) {
			if (amap->am_anon[slot] == NULL)
				continue;
			nonnull++;
			if (slot >= amap->am_nslot)
				uvmsim__problem(r, "amap.slots", obj,
				    "am_anon", "padding slot %d (am_nslot %d) "
				    "holds anon %u", slot, amap->am_nslot,
				    amap->am_anon[slot]->an_id);
		}
		if (nonnull != amap->am_nused)
			uvmsim__problem(r, "amap.nused", obj, "am_nused",
			    "am_nused %d, but %d slots hold an anon",
			    amap->am_nused, nonnull);

		/* 5, 6 */
		if (uvmsim__amap_pp_valid(amap))
			check_ppref(amap, r, obj);
	}
}
