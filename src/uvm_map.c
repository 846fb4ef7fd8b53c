/*
 * uvm_map.c: maps and their entries (the entry list and tree, lookup,
 * free space and clipping are uvm_map_entry.c's, address spaces and their
 * fork uvm_vmspace.c's, the map lock uvm_map_lock.c's, kernel memory
 * uvm_km.c's, amap_cow_now uvm_amap_copy.c's).
 *
 * A map (struct vm_map) covers the addresses [vm_map_min, vm_map_max) of
 * one address space and describes the mapped parts of it by entries, each
 * a page-aligned range [start, end) with the layers behind it:
 *
 *	amap layer	entry->aref: an amap and the slot of the entry's
 *			first page (anonymous memory, copy-on-write copies)
 *	object layer	entry->object.uvm_obj at entry->offset (a file, an
 *			aobj), or nothing
 *
 * and how it may be used: protection (at most max_protection), what fork
 * does with it (inheritance), advice, and a count of wirings.  The model
 * is NetBSD 1.6's uvm_map.c.  Entries are kept twice, in a list in address
 * order with the map's header as sentinel (prev/next), and in a red-black
 * tree keyed by start for O(log n) lookup; map->hint caches the last entry
 * found.
 *
 * The kinds of entry, by etype and layers:
 *
 *   private anonymous	COPYONWRITE|NEEDSCOPY, no amap yet: the first
 *			fault (or wiring) gives it a blank amap.
 *   private object	OBJ|COPYONWRITE|NEEDSCOPY: reads see the object's
 *			pages; a write copies the page into the amap.
 *   private, copied	COPYONWRITE with its own amap (NEEDSCOPY clear):
 *			anons with one reference are written in place.
 *   shared object	OBJ: writes go to the object's pages.
 *   shared anonymous	no flag, an amap from the start (UVM_FLAG_OVERLAY),
 *			shared at fork (AMAP_SHARED).
 *
 * Needs-copy is copy-on-write deferred: the entry may share its amap
 * with others (after fork) and must get its own (amap_copy) before it
 * writes.  While an entry needs copy, its pages are mapped read-only.
 *
 * Invariants, checked by uvmsim__check_maps() for every live map:
 *   1. entries are page aligned, start < end, inside the map's bounds,
 *      sorted and not overlapping; prev/next links agree (map.order,
 *      map.entry, map.bounds, map.list).
 *   2. the tree holds exactly the entries of the list, in the same order
 *      (map.tree); nentries counts them and size sums their lengths
 *      (map.count).
 *   3. protection is a subset of max_protection (map.prot).
 *   4. NEEDSCOPY implies COPYONWRITE; OBJ is set iff there is an object
 *      (map.etype), and it is a live object of the machine (map.object).
 *   5. an amap reference lies inside its amap: 0 <= ar_pageoff and
 *      ar_pageoff + pages <= am_nslot, the amap alive (map.aref).
 *   6. wired_count >= 0 (map.wired); the hint is the header or one of
 *      the entries (map.hint).
 *   7. between calls, no map lock is held (map.lock).
 *
 * The map lock (vm_map_lock and friends, uvm_map_lock.c) is shared or
 * exclusive; dropping an exclusive hold bumps map->timestamp.  Entries
 * are changed only under the exclusive lock; lookups need it shared at
 * least.
 *
 * Lock order: map, amap, object, anon, page queues (as the fault handler
 * takes them; docs/architecture.md).  uvmspace_fork() locks the parent's map, then the
 * child's.  Everything that may free pages (amap_unref, pgo_detach) runs
 * with the map unlocked, after the pmap has forgotten the range and the
 * TLBs have been shot down (pmap_update).
 *
 * References.  An entry holds one reference to its object (pgo_reference
 * / pgo_detach) and one to its amap over its own slots (amap_ref /
 * amap_unref, counted in pages).  uvm_map() takes over the reference the
 * caller passes in; clipping an entry gives the new half references of
 * its own (pgo_reference, amap_splitref).
 *
 * Differences from 1.6, each for a reason:
 *   - Entries are never merged with their neighbours: mapping next to an
 *     entry makes a new one.  Traces and tests then see exactly the
 *     entries that were asked for; merging is an optimisation only.
 *   - Bad arguments to uvm_map and the other calls that return an error
 *     fail with EINVAL and a message naming the argument, rather than
 *     being clamped to the map (VM_MAP_RANGE_CHECK); uvm_unmap, which
 *     cannot fail, panics on them.
 *   - uvm_map refuses (EINVAL) to map an aobj past its end; 1.6 took
 *     the range, and its pager then looked past the aobj's swap slots
 *     (uao_get here asserts that it never does).  Files may still be
 *     mapped past their end, as mmap(2) allows.
 *   - uvm_map_pageable(FALSE) faults the range in with the map unlocked
 *     (1.6 kept it read-locked and busy): nothing else runs meanwhile.
 *   - A wired entry that becomes writable (uvm_map_protect) is refaulted
 *     wired, so that its pages are copied now and never need a
 *     copy-on-write fault while wired; its old pages are unwired first,
 *     so each page stays wired once.  1.6 did not refault.
 *   - uvm_map_protect refuses (EINVAL) to take all access away from a
 *     wired entry: the pmap would drop the mappings of pages that stay
 *     wired, and nothing could unwire them (1.6 leaked the wirings).
 *   - fork with copy inheritance of an entry whose amap is shared
 *     (AMAP_SHARED) or which is not copy-on-write copies the child's amap
 *     at once and write-protects every resident anon page (all its
 *     mappings); 1.6 marked the parent needs-copy, which would cut the
 *     parent off from the amap it shares, and would break invariant 4.
 *   - uvmspace_fork() and amap_cow_now() can fail (no page, no anon, no
 *     amap: 1.6 slept until there was one); fork then frees the child.
 *   - vm_map_lock_try consults no failpoint: the "simple_lock_try"
 *     failpoint counts simple locks only.
 *   - uvm_map and uvm_map_inherit name the other call's inheritance set
 *     when they are given a value of it they can tell: UVM_INH_COPY or
 *     _NONE to uvm_map_inherit, an impossible UVM_INH_ field, or a
 *     MAP_INHERIT_ value that pushed uvm_map's protection past the
 *     maximum.  (One within the maximum cannot be told from a protection
 *     bit: the mapping is made, inherited shared.)
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "uvmsim_state.h"
#include "uvmsim_cur.h"
#include "kern_lock.h"
#include "uvmsim_trace.h"
#include "uvmsim_frame.h"
#include "uvmsim_vm.h"
#include "uvmsim_problem.h"

/* uvm_map() flag bits with a meaning. */
#define UVM_FLAG_KNOWN	(UVM_FLAG_FIXED | UVM_FLAG_OVERLAY |	\
	UVM_FLAG_NOMERGE | UVM_FLAG_COPYONW | UVM_FLAG_AMAPPAD |	\
	UVM_FLAG_TRYLOCK | UVM_FLAG_NOWAIT | UVM_FLAG_WIRED)
#define UVM_MAPFLAG_KNOWN	(UVM_PROT_MASK | (UVM_PROT_MASK << 8) | \
	UVM_INH_MASK | (UVM_ADV_MASK << 12) | UVM_FLAG_KNOWN)

/* A range to fault in once the map is unlocked. */
struct wire_range {
	vaddr_t		start;
	vaddr_t		end;
	vm_prot_t	prot;
};

/* ---- static helpers ----------------------------------------------------- */

static inline vsize_t
entry_len(const struct vm_map_entry *e)
{
	return e->end - e->start;
}

/*
 * range_ok: [start, end) is page aligned, not reversed, and inside map.
 */
static bool
range_ok(const struct uvmsim_machine *m, const struct vm_map *map,
    vaddr_t start, vaddr_t end)
{
	return uvmsim__map_page_aligned(m, start) &&
	    uvmsim__map_page_aligned(m, end) &&
	    start <= end && start >= vm_map_min(map) &&
	    end <= vm_map_max(map);
}

/*
 * inherit_in_prot: protection bits beyond the maximum that a MAP_INHERIT_
 * value would have put there, passed to UVM_MAPFLAG as the inheritance
 * (the two sets: UVM_INH_ for uvm_map, MAP_INHERIT_ for uvm_map_inherit;
 * MAP_INHERIT_COPY and _NONE are 1 and 2, VM_PROT_READ and _WRITE).
 */
static inline bool
inherit_in_prot(vm_prot_t extra)
{
	return extra != 0 &&
	    (extra & ~(MAP_INHERIT_COPY | MAP_INHERIT_NONE)) == 0;
}

/*
 * entry_pmap_prot: the rights a pmap_protect may leave to the mappings of
 * an entry with protection prot: a copy-on-write entry that has no amap
 * of its own yet maps nothing writable.
 */
static inline vm_prot_t
entry_pmap_prot(const struct vm_map_entry *e, vm_prot_t prot)
{
	if (UVM_ET_ISCOPYONWRITE(e) &&
	    (UVM_ET_ISNEEDSCOPY(e) || e->aref.ar_amap == NULL))
		prot &= ~VM_PROT_WRITE;
	return prot;
}

/*
 * entry_unwire: drop every wiring of an entry: its pages and mappings.
 *
 * => map locked exclusive; entry wired.
 */
static void
entry_unwire(struct vm_map *map, struct vm_map_entry *entry)
{
	entry->wired_count = 0;
	uvm_fault_unwire_locked(map, entry->start, entry->end);
}

/*
 * unmap_remove: take [start, end) out of map: clip, unwire, remove the
 * mappings from the pmap and unlink the entries.
 *
 * => map locked exclusive; the range page aligned inside the map.
 * => returns the dead entries, in address order, linked by next, still
 *    holding their references: unmap_detach() drops them once the map is
 *    unlocked.  The pmap is updated (TLBs shot down) before returning.
 */
static struct vm_map_entry *
unmap_remove(struct uvmsim_machine *m, struct vm_map *map, vaddr_t start,
    vaddr_t end)
{
	struct vm_map_entry *entry, *next, *dead = NULL, **tail = &dead;

	KASSERT(uvmsim__map_locked_excl(m, map));
	if (uvm_map_lookup_entry(map, start, &entry))
		UVM_MAP_CLIP_START(map, entry, start);
	else
		entry = entry->next;
	while (entry != &map->header && entry->start < end) {
		UVM_MAP_CLIP_END(map, entry, end);
		next = entry->next;
		if (VM_MAPENT_ISWIRED(entry))
			entry_unwire(map, entry);
		pmap_remove(map->pmap, entry->start, entry->end);
		uvmsim__map_entry_unlink(map, entry);
		map->size -= entry_len(entry);
		*tail = entry;
		tail = &entry->next;
		entry = next;
	}
	if (dead != NULL)
		pmap_update(map->pmap);
	return dead;
}

/*
 * unmap_detach: drop the references of dead entries and free them.
 *
 * => the map they came from unlocked; their mappings are gone.
 * => may free anons, pages and objects.
 */
static void
unmap_detach(struct uvmsim_machine *m, struct vm_map_entry *dead)
{
	struct vm_map_entry *next;
	struct uvm_object *uobj;

	for (; dead != NULL; dead = next) {
		next = dead->next;
		if (dead->aref.ar_amap != NULL)
			amap_unref(dead->aref.ar_amap,
			    (vaddr_t)dead->aref.ar_pageoff,
			    entry_len(dead) >> m->pageshift, FALSE);
		uobj = dead->object.uvm_obj;
		if (UVM_ET_ISOBJ(dead) && uobj->pgops->pgo_detach != NULL)
			uobj->pgops->pgo_detach(uobj);
		uvmsim__free(dead);
	}
}

/*
 * uvmsim__map_free: free an empty map's memory and take it off the machine.
 */
void
uvmsim__map_free(struct uvmsim_machine *m, struct vm_map *map)
{
	KASSERT(map->nentries == 0 && !uvmsim__map_locked(m, map));
	TAILQ_REMOVE(&m->maps, map, map_list);
	if (map->flags & VM_MAP_SIM_VMSPACE)
		uvmsim__free((char *)map - offsetof(struct vmspace, vm_map));
	else
		uvmsim__free(map);
}

/*
 * unwire_undo: after a wiring that failed, drop the wiring count that
 * pass 1 of uvm_map_pageable gave each entry of [start, end), and unwire
 * the entries that the first nok ranges wired completely.
 *
 * => map locked exclusive.
 */
static void
unwire_undo(struct vm_map *map, vaddr_t start, vaddr_t end,
    const struct wire_range *r, size_t nok)
{
	struct vm_map_entry *e;
	size_t i;

	if (!uvm_map_lookup_entry(map, start, &e))
		e = e->next;
	for (; e != &map->header && e->start < end; e = e->next) {
		if (e->wired_count == 0)
			continue;
		e->wired_count--;
		if (e->wired_count != 0)
			continue;
		for (i = 0; i < nok; i++)
			if (e->start >= r[i].start && e->end <= r[i].end) {
				uvm_fault_unwire_locked(map, e->start,
				    e->end);
				break;
			}
	}
}

/*
 * wiring_lost: a wired range could not be faulted back in: its entries
 * are wired no more (their pages were unwired already).
 *
 * => map unlocked.
 */
static void
wiring_lost(struct vm_map *map, vaddr_t start, vaddr_t end)
{
	struct vm_map_entry *e;

	vm_map_lock(map);
	if (!uvm_map_lookup_entry(map, start, &e))
		e = e->next;
	for (; e != &map->header && e->start < end; e = e->next)
		e->wired_count = 0;
	vm_map_unlock(map);
}

/*
 * check_entry: invariants 1 (its own part), 3, 4, 5 and 6 of one entry.
 */
static void
check_entry(const struct uvmsim_machine *m, const struct uvmsim_live *ls,
    const struct vm_map *map, const struct vm_map_entry *e,
    struct uvmsim_report *r, const char *obj)
{
	const struct vm_amap *amap = e->aref.ar_amap;
	uint64_t pages;

	if (e->start >= e->end || !uvmsim__map_page_aligned(m, e->start) ||
	    !uvmsim__map_page_aligned(m, e->end))
		uvmsim__problem(r, "map.entry", obj, "start",
		    "entry [%#jx, %#jx) is empty or not page aligned",
		    (uintmax_t)e->start, (uintmax_t)e->end);
	if (e->start < vm_map_min(map) || e->end > vm_map_max(map))
		uvmsim__problem(r, "map.bounds", obj, "start",
		    "entry [%#jx, %#jx) outside the map's [%#jx, %#jx)",
		    (uintmax_t)e->start, (uintmax_t)e->end,
		    (uintmax_t)vm_map_min(map), (uintmax_t)vm_map_max(map));
	if ((e->protection & e->max_protection) != e->protection)
		uvmsim__problem(r, "map.prot", obj, "protection",
		    "entry [%#jx, %#jx): protection %#x exceeds maximum %#x",
		    (uintmax_t)e->start, (uintmax_t)e->end, e->protection,
		    e->max_protection);
	if (UVM_ET_ISNEEDSCOPY(e) && !UVM_ET_ISCOPYONWRITE(e))
		uvmsim__problem(r, "map.etype", obj, "etype",
		    "entry [%#jx, %#jx): needs copy but is not "
		    "copy-on-write (etype %#x)", (uintmax_t)e->start,
		    (uintmax_t)e->end, e->etype);
	if (UVM_ET_ISOBJ(e) != (e->object.uvm_obj != NULL))
		uvmsim__problem(r, "map.etype", obj, "etype",
		    "entry [%#jx, %#jx): UVM_ET_OBJ %s but the object is %s",
		    (uintmax_t)e->start, (uintmax_t)e->end,
		    UVM_ET_ISOBJ(e) ? "set" : "clear",
		    e->object.uvm_obj ? "set" : "NULL");
	else if (UVM_ET_ISOBJ(e) && !uvmsim__live_obj(m, ls, e->object.uvm_obj))
		uvmsim__problem(r, "map.object", obj, "object",
		    "entry [%#jx, %#jx): the object is not a live object",
		    (uintmax_t)e->start, (uintmax_t)e->end);
	if (amap != NULL) {
		pages = (e->end - e->start) >> m->pageshift;
		if (!uvmsim__live_amap(m, ls, amap))
			uvmsim__problem(r, "map.aref", obj, "aref",
			    "entry [%#jx, %#jx): the amap is not a live amap",
			    (uintmax_t)e->start, (uintmax_t)e->end);
		else if (e->aref.ar_pageoff < 0 ||
		    (uint64_t)e->aref.ar_pageoff + pages >
		    (uint64_t)amap->am_nslot)
			uvmsim__problem(r, "map.aref", obj, "aref",
			    "entry [%#jx, %#jx): slots %d + %ju outside amap "
			    "%u's %d", (uintmax_t)e->start, (uintmax_t)e->end,
			    e->aref.ar_pageoff, (uintmax_t)pages, amap->am_id,
			    amap->am_nslot);
	}
	if (e->wired_count < 0)
		uvmsim__problem(r, "map.wired", obj, "wired_count",
		    "entry [%#jx, %#jx): wired_count %d",
		    (uintmax_t)e->start, (uintmax_t)e->end, e->wired_count);
}

/* ---- maps --------------------------------------------------------------- */

/*
 * aobj_range_check: whether [off, off + size) lies inside the aobj uobj:
 * 0, or EINVAL recorded with a message naming arg (the offset) or size.
 * Only inside an aobj can a fault find its pages (uao_get asserts it).
 */
static int
aobj_range_check(struct uvmsim_machine *m, struct uvm_object *uobj,
    voff_t off, vsize_t size, const char *arg)
{
	vsize_t osize = uvmsim__aobj_size(uobj);

	if ((vsize_t)off >= osize)
		return uvmsim__error(m, EINVAL, "uvm_map: %s: %#jx is at or "
		    "past the end of aobj %u (%#jx bytes)", arg,
		    (uintmax_t)off, uobj->uo_id, (uintmax_t)osize);
	if (size > osize - (vsize_t)off)
		return uvmsim__error(m, EINVAL, "uvm_map: size: %#jx bytes "
		    "from offset %#jx run past the end of aobj %u (%#jx "
		    "bytes)", (uintmax_t)size, (uintmax_t)off, uobj->uo_id,
		    (uintmax_t)osize);
	return 0;
}

/*
 * uvm_map: map size bytes of uobj at uoffset (or anonymous memory, uobj
 * NULL) into map, at exactly *startp (UVM_FLAG_FIXED) or at the lowest
 * free range at or above it; *startp is set to the address chosen.
 *
 * => map unlocked (UVM_FLAG_TRYLOCK: fail with EAGAIN rather than wait);
 *    a map of another machine than the current one panics.
 * => the map takes over the caller's reference to uobj on success; on
 *    failure the caller keeps it.  UVM_UNKNOWN_OFFSET for an object means
 *    the address's offset from the map's start (1.6's rule for kernel
 *    objects).
 * => flags (UVM_MAPFLAG): protection, maximum, inheritance, advice, and
 *    UVM_FLAG_COPYONW (private: copy-on-write, needs copy),
 *    UVM_FLAG_OVERLAY (an amap now, hence no needs-copy), UVM_FLAG_AMAPPAD
 *    (a chunk of padding in that amap), UVM_FLAG_WIRED (wire it now).
 * => an aobj is mapped only inside its size (EINVAL otherwise, naming
 *    uoffset or size); a file may be mapped past its end, as mmap(2)
 *    allows, and an access past its last page fails (the pager's
 *    EINVAL: the process's SIGBUS).
 * => returns 0, or EINVAL (a bad argument, named in the message), ENOMEM
 *    (no room, or no memory), EAGAIN (TRYLOCK), or a wiring's error; on
 *    failure nothing has changed.
 */
int
uvm_map(struct vm_map *map, vaddr_t *startp, vsize_t size,
    struct uvm_object *uobj, voff_t uoffset, vsize_t align, uvm_flag_t flags)
{
	struct uvmsim_machine *m = uvmsim__cur();
	struct vm_map_entry *entry, *prev;
	struct vm_amap *amap = NULL;
	vm_prot_t prot, maxprot;
	vaddr_t addr, min, max;
	vsize_t pad;
	int inh, adv, error;

	if (map == NULL)
		return uvmsim__error(m, EINVAL, "uvm_map: map: NULL");
	if (startp == NULL)
		return uvmsim__error(m, EINVAL, "uvm_map: startp: NULL");
	/* A map of another machine panics at its lock, as every map
	 * operation does; here, before the entry is allocated. */
	if (map->map_machine != m)
		uvmsim__panic(m, "uvm_map: map %u is not a map of the current "
		    "machine (it belongs to another)", map->map_id);
	min = vm_map_min(map);
	max = vm_map_max(map);
	prot = UVM_PROTECTION(flags);
	maxprot = UVM_MAXPROTECTION(flags);
	inh = UVM_INHERIT(flags);
	adv = UVM_ADVICE(flags);
	if (flags & ~UVM_MAPFLAG_KNOWN)
		return uvmsim__error(m, EINVAL, "uvm_map: flags: unknown bits "
		    "%#x", flags & ~UVM_MAPFLAG_KNOWN);
	if (size == 0 || !uvmsim__map_page_aligned(m, size))
		return uvmsim__error(m, EINVAL, "uvm_map: size: %#jx is not a "
		    "positive multiple of the page size", (uintmax_t)size);
	if (size > max - min)
		return uvmsim__error(m, EINVAL, "uvm_map: size: %#jx exceeds "
		    "map %u's range [%#jx, %#jx)", (uintmax_t)size,
		    map->map_id, (uintmax_t)min, (uintmax_t)max);
	/* An amap counts its slots in an int: a larger one is memory the
	 * kernel would not have (its malloc gives out), refused here,
	 * before anything is allocated or locked. */
	pad = (flags & UVM_FLAG_AMAPPAD) ?
	    (vsize_t)UVM_AMAP_CHUNK << m->pageshift : 0;
	if ((flags & UVM_FLAG_OVERLAY) && !uvmsim__amap_fits(m, size, pad))
		return uvmsim__error(m, ENOMEM, "uvm_map: size: %#jx bytes "
		    "(%ju pages, with %ju of padding) is more than an amap "
		    "holds (%d slots)", (uintmax_t)size,
		    (uintmax_t)(size >> m->pageshift),
		    (uintmax_t)(pad >> m->pageshift), INT_MAX);
	if (align & (align - 1))
		return uvmsim__error(m, EINVAL, "uvm_map: align: %#jx is not "
		    "a power of two", (uintmax_t)align);
	if (align < m->pagesize)
		align = m->pagesize;
	if ((prot & maxprot) != prot)
		return uvmsim__error(m, EINVAL, "uvm_map: protection %#x "
		    "exceeds maximum %#x%s", prot, maxprot,
		    inherit_in_prot(prot & ~maxprot) ? " (flags: a MAP_INHERIT_* "
		    "value as UVM_MAPFLAG's inheritance lands in the "
		    "protection; uvm_map takes UVM_INH_*)" : "");
	if (inh != MAP_INHERIT_SHARE && inh != MAP_INHERIT_COPY &&
	    inh != MAP_INHERIT_NONE)
		return uvmsim__error(m, EINVAL, "uvm_map: flags: inheritance "
		    "%#x is not UVM_INH_SHARE, UVM_INH_COPY or UVM_INH_NONE",
		    flags & UVM_INH_MASK);
	if (adv != UVM_ADV_NORMAL && adv != UVM_ADV_RANDOM &&
	    adv != UVM_ADV_SEQUENTIAL)
		return uvmsim__error(m, EINVAL, "uvm_map: advice: %d is not "
		    "normal, random or sequential", adv);
	if (flags & UVM_FLAG_FIXED) {
		addr = *startp;
		if (!uvmsim__map_page_aligned(m, addr) || addr < min ||
		    addr > max || size > max - addr)
			return uvmsim__error(m, EINVAL, "uvm_map: addr: "
			    "[%#jx, %#jx) is not page aligned inside map %u's "
			    "range [%#jx, %#jx)", (uintmax_t)addr,
			    (uintmax_t)(addr + size), map->map_id,
			    (uintmax_t)min, (uintmax_t)max);
		if (addr & (align - 1))
			return uvmsim__error(m, EINVAL, "uvm_map: addr: %#jx "
			    "is not aligned to %#jx", (uintmax_t)addr,
			    (uintmax_t)align);
	}
	if (uobj != NULL) {
		if (uobj->pgops == NULL)
			return uvmsim__error(m, EINVAL, "uvm_map: uobj: no "
			    "pager operations");
		if (uoffset != UVM_UNKNOWN_OFFSET &&
		    (uoffset < 0 ||
		    !uvmsim__map_page_aligned(m, (uint64_t)uoffset)))
			return uvmsim__error(m, EINVAL, "uvm_map: uoffset: "
			    "%#jx is not a page-aligned offset",
			    (uintmax_t)uoffset);
		if (uoffset != UVM_UNKNOWN_OFFSET && uvmsim_is_aobj(uobj)) {
			error = aobj_range_check(m, uobj, uoffset, size,
			    "uoffset");
			if (error != 0)
				return error;
		}
	}

	entry = uvmsim__calloc(m, 1, sizeof(*entry));
	if (entry == NULL)
		return uvmsim__error(m, ENOMEM, "uvm_map: no host memory for "
		    "an entry");

	if (flags & UVM_FLAG_TRYLOCK) {
		if (!vm_map_lock_try(map)) {
			uvmsim__free(entry);
			return uvmsim__error(m, EAGAIN, "uvm_map: map %u is "
			    "locked (UVM_FLAG_TRYLOCK)", map->map_id);
		}
	} else
		vm_map_lock(map);
	/* locked: map (exclusive) */

	if (flags & UVM_FLAG_FIXED) {
		addr = *startp;
		if (uvm_map_lookup_entry(map, addr, &prev) ||
		    (prev->next != &map->header &&
		    prev->next->start < addr + size)) {
			vm_map_unlock(map);
			uvmsim__free(entry);
			return uvmsim__error(m, ENOMEM, "uvm_map: fixed range "
			    "[%#jx, %#jx) overlaps an entry of map %u",
			    (uintmax_t)addr, (uintmax_t)(addr + size),
			    map->map_id);
		}
	} else if (!uvmsim__map_findspace(map, *startp, size, align, &addr,
	    &prev)) {
		vm_map_unlock(map);
		uvmsim__free(entry);
		return uvmsim__error(m, ENOMEM, "uvm_map: no free range of "
		    "%#jx bytes at or above %#jx in map %u", (uintmax_t)size,
		    (uintmax_t)*startp, map->map_id);
	}

	/* The offset the address gives (1.6's rule) must fit the aobj too. */
	if (uobj != NULL && uoffset == UVM_UNKNOWN_OFFSET &&
	    uvmsim_is_aobj(uobj)) {
		error = aobj_range_check(m, uobj, (voff_t)(addr - min), size,
		    "uoffset (UVM_UNKNOWN_OFFSET at the address chosen)");
		if (error != 0) {
			vm_map_unlock(map);
			uvmsim__free(entry);
			return error;
		}
	}

	if (flags & UVM_FLAG_OVERLAY) {
		amap = amap_alloc(size, pad, 0);
		if (amap == NULL) {
			vm_map_unlock(map);
			uvmsim__free(entry);
			return uvmsim__error(m, ENOMEM, "uvm_map: no memory "
			    "for the amap of [%#jx, %#jx)", (uintmax_t)addr,
			    (uintmax_t)(addr + size));
		}
	}

	entry->start = addr;
	entry->end = addr + size;
	entry->object.uvm_obj = uobj;
	if (uobj == NULL)
		entry->offset = 0;
	else if (uoffset == UVM_UNKNOWN_OFFSET)
		entry->offset = (voff_t)(addr - min);
	else
		entry->offset = uoffset;
	entry->etype = uobj != NULL ? UVM_ET_OBJ : 0;
	if (flags & UVM_FLAG_COPYONW) {
		entry->etype |= UVM_ET_COPYONWRITE;
		if ((flags & UVM_FLAG_OVERLAY) == 0)
			entry->etype |= UVM_ET_NEEDSCOPY;
	}
	entry->protection = prot;
	entry->max_protection = maxprot;
	entry->inheritance = inh;
	entry->wired_count = 0;
	entry->aref.ar_pageoff = 0;
	entry->aref.ar_amap = amap;
	entry->advice = adv;
	entry->flags = 0;
	if (map == m->kernel_map)
		entry->flags |= UVM_MAP_KERNEL;
	if (flags & UVM_FLAG_NOMERGE)
		entry->flags |= UVM_MAP_NOMERGE;
	uvmsim__map_entry_link(m, map, prev, entry);
	map->size += size;
	uvmsim__ev(m, UVMSIM_EV_MAP_MAP, map->map_id, entry->start, entry->end,
	    (uint64_t)entry->etype);
	vm_map_unlock(map);

	if (flags & UVM_FLAG_WIRED) {
		error = uvm_map_pageable(map, addr, addr + size, FALSE, 0);
		if (error != 0) {
			/* Undo: the unmap drops a reference the caller
			 * keeps, so take one for it to drop. */
			if (uobj != NULL && uobj->pgops->pgo_reference != NULL)
				uobj->pgops->pgo_reference(uobj);
			uvm_unmap(map, addr, addr + size);
			return uvmsim__error(m, error, "uvm_map: wiring "
			    "[%#jx, %#jx) failed: %s", (uintmax_t)addr,
			    (uintmax_t)(addr + size), uvmsim_strerror(error));
		}
	}
	*startp = addr;
	return 0;
}

/*
 * uvm_unmap: remove the mappings of [start, end) from map.
 *
 * => map unlocked.
 * => start and end page aligned inside the map (else a panic); holes in
 *    the range are skipped, as the kernel does.
 * => wired entries are unwired; the pmap forgets the range; then, with
 *    the map unlocked, each entry drops its amap and object references,
 *    which may free anons, pages and objects.
 */
void
uvm_unmap(struct vm_map *map, vaddr_t start, vaddr_t end)
{
	struct uvmsim_machine *m = uvmsim__cur();
	struct vm_map_entry *dead;

	KASSERT(map != NULL);
	if (!range_ok(m, map, start, end))
		uvmsim__panic(m, "uvm_unmap: map %u: [%#jx, %#jx) is not page "
		    "aligned inside [%#jx, %#jx)", map->map_id,
		    (uintmax_t)start, (uintmax_t)end,
		    (uintmax_t)vm_map_min(map), (uintmax_t)vm_map_max(map));
	if (start == end)
		return;
	vm_map_lock(map);
	dead = unmap_remove(m, map, start, end);
	uvmsim__ev(m, UVMSIM_EV_MAP_UNMAP, map->map_id, start, end, 0);
	vm_map_unlock(map);
	unmap_detach(m, dead);
}

/*
 * uvm_map_protect: set the protection of [start, end) to new_prot, or,
 * with set_max, its maximum protection (and the protection to what of it
 * the maximum still allows).
 *
 * => map unlocked.
 * => returns EINVAL (bad range, not all mapped, or no access left to a
 *    wired entry) or EACCES (new_prot beyond an entry's maximum) with
 *    nothing changed, else 0 or the error
 *    of refaulting a wired entry that became writable (whose wiring is
 *    then lost).
 * => lowered rights reach the pmap (pmap_protect, pmap_update); raised
 *    ones are left to faults.
 */
int
uvm_map_protect(struct vm_map *map, vaddr_t start, vaddr_t end,
    vm_prot_t new_prot, boolean_t set_max)
{
	struct uvmsim_machine *m = uvmsim__cur();
	struct vm_map_entry *first, *cur;
	struct wire_range *r = NULL;
	size_t nr = 0, n = 0, i;
	vm_prot_t old;
	bool update = false;
	int error = 0, rv;

	KASSERT(map != NULL);
	if (!range_ok(m, map, start, end))
		return uvmsim__error(m, EINVAL, "uvm_map_protect: [%#jx, %#jx) "
		    "is not page aligned inside map %u", (uintmax_t)start,
		    (uintmax_t)end, map->map_id);
	if (new_prot & ~VM_PROT_ALL)
		return uvmsim__error(m, EINVAL, "uvm_map_protect: protection "
		    "%#x has unknown bits", new_prot);
	if (start == end)
		return 0;

	vm_map_lock(map);
	/* Pass 1: everything mapped and allowed, before anything changes. */
	if (!uvmsim__map_range_mapped(map, start, end, &first)) {
		vm_map_unlock(map);
		return uvmsim__error(m, EINVAL, "uvm_map_protect: [%#jx, "
		    "%#jx) is not mapped", (uintmax_t)start, (uintmax_t)end);
	}
	for (cur = first; cur != &map->header && cur->start < end;
	    cur = cur->next) {
		n++;
		if ((new_prot & cur->max_protection) != new_prot) {
			vm_map_unlock(map);
			return uvmsim__error(m, EACCES, "uvm_map_protect: "
			    "protection %#x exceeds maximum %#x of [%#jx, "
			    "%#jx)", new_prot, cur->max_protection,
			    (uintmax_t)cur->start, (uintmax_t)cur->end);
		}
		/* No access would remove the mappings of wired pages,
		 * which could then never be unwired. */
		if (VM_MAPENT_ISWIRED(cur) && (set_max ?
		    (new_prot & cur->protection) : new_prot) == VM_PROT_NONE) {
			vm_map_unlock(map);
			return uvmsim__error(m, EINVAL, "uvm_map_protect: "
			    "[%#jx, %#jx) is wired: its access cannot be "
			    "taken away", (uintmax_t)cur->start,
			    (uintmax_t)cur->end);
		}
	}
	/* Clipping adds at most two entries (reserved: 1.6's clips never
	 * fail, they wait). */
	r = uvmsim__calloc(m, n + 2, sizeof(*r));
	if (r == NULL || !uvmsim__map_entry_reserve(m, 2)) {
		uvmsim__free(r);
		vm_map_unlock(map);
		return uvmsim__error(m, ENOMEM, "uvm_map_protect: no host "
		    "memory");
	}

	/* Pass 2: change. */
	UVM_MAP_CLIP_START(map, first, start);
	for (cur = first; cur != &map->header && cur->start < end;
	    cur = cur->next) {
		UVM_MAP_CLIP_END(map, cur, end);
		old = cur->protection;
		if (set_max) {
			cur->max_protection = new_prot;
			cur->protection = new_prot & old;
		} else
			cur->protection = new_prot;
		if (old & ~cur->protection) {
			pmap_protect(map->pmap, cur->start, cur->end,
			    entry_pmap_prot(cur, cur->protection));
			update = true;
		}
		/*
		 * A wired entry that becomes writable is refaulted wired
		 * (below, unlocked), so that copy-on-write happens now.  It
		 * needs its own amap first (faults cannot take the write
		 * lock for it), and its pages are unwired so that the
		 * refault wires each page once.
		 */
		if (VM_MAPENT_ISWIRED(cur) && (cur->protection & VM_PROT_WRITE)
		    && (old & VM_PROT_WRITE) == 0) {
			if (UVM_ET_ISNEEDSCOPY(cur))
				amap_copy(map, cur, 0, FALSE, 0, 0);
			if (UVM_ET_ISNEEDSCOPY(cur)) {
				error = uvmsim__error(m, ENOMEM,
				    "uvm_map_protect: no memory for the amap "
				    "of wired [%#jx, %#jx)",
				    (uintmax_t)cur->start, (uintmax_t)cur->end);
				continue;
			}
			uvm_fault_unwire_locked(map, cur->start, cur->end);
			KASSERT(nr < n + 2);
			r[nr].start = cur->start;
			r[nr].end = cur->end;
			r[nr].prot = cur->protection;
			nr++;
		}
	}
	if (update)
		pmap_update(map->pmap);
	uvmsim__ev(m, UVMSIM_EV_MAP_PROTECT, map->map_id, start, end,
	    (uint64_t)new_prot);
	vm_map_unlock(map);

	for (i = 0; i < nr; i++) {
		rv = uvm_fault_wire(map, r[i].start, r[i].end, VM_FAULT_WIRE,
		    r[i].prot);
		if (rv != 0) {
			wiring_lost(map, r[i].start, r[i].end);
			error = uvmsim__error(m, rv, "uvm_map_protect: "
			    "refaulting wired [%#jx, %#jx) failed: %s; it is "
			    "no longer wired", (uintmax_t)r[i].start,
			    (uintmax_t)r[i].end, uvmsim_strerror(rv));
		}
	}
	uvmsim__free(r);
	return error;
}

/*
 * uvm_map_inherit: set what fork does with [start, end): share it, copy
 * it, or leave it out of the child.
 *
 * => map unlocked; holes in the range are skipped (as 1.6).
 * => EINVAL for a bad range or inheritance value.
 */
int
uvm_map_inherit(struct vm_map *map, vaddr_t start, vaddr_t end,
    vm_inherit_t new_inheritance)
{
	struct uvmsim_machine *m = uvmsim__cur();
	struct vm_map_entry *entry;

	KASSERT(map != NULL);
	if (new_inheritance == UVM_INH_COPY || new_inheritance == UVM_INH_NONE)
		return uvmsim__error(m, EINVAL, "uvm_map_inherit: "
		    "new_inheritance: %#x is UVM_INH_%s, a uvm_map flag; "
		    "uvm_map_inherit takes MAP_INHERIT_*", new_inheritance,
		    new_inheritance == UVM_INH_COPY ? "COPY" : "NONE");
	if (new_inheritance != MAP_INHERIT_SHARE &&
	    new_inheritance != MAP_INHERIT_COPY &&
	    new_inheritance != MAP_INHERIT_NONE)
		return uvmsim__error(m, EINVAL, "uvm_map_inherit: "
		    "new_inheritance: %d is not MAP_INHERIT_SHARE, "
		    "MAP_INHERIT_COPY or MAP_INHERIT_NONE", new_inheritance);
	if (!range_ok(m, map, start, end))
		return uvmsim__error(m, EINVAL, "uvm_map_inherit: [%#jx, %#jx) "
		    "is not page aligned inside map %u", (uintmax_t)start,
		    (uintmax_t)end, map->map_id);
	if (start == end)
		return 0;
	/* The clips at either end (1.6's never fail: they wait). */
	if (!uvmsim__map_entry_reserve(m, 2))
		return uvmsim__error(m, ENOMEM, "uvm_map_inherit: no host "
		    "memory to split the entries at [%#jx, %#jx)",
		    (uintmax_t)start, (uintmax_t)end);
	vm_map_lock(map);
	if (uvm_map_lookup_entry(map, start, &entry))
		UVM_MAP_CLIP_START(map, entry, start);
	else
		entry = entry->next;
	for (; entry != &map->header && entry->start < end;
	    entry = entry->next) {
		UVM_MAP_CLIP_END(map, entry, end);
		entry->inheritance = new_inheritance;
	}
	uvmsim__ev(m, UVMSIM_EV_MAP_INHERIT, map->map_id, start, end,
	    (uint64_t)new_inheritance);
	vm_map_unlock(map);
	return 0;
}

/*
 * uvm_map_advice: set the paging advice of [start, end): normal, random
 * or sequential (it sets how many neighbours a fault maps).
 *
 * => map unlocked; holes skipped.  EINVAL for a bad range or advice.
 */
int
uvm_map_advice(struct vm_map *map, vaddr_t start, vaddr_t end, int new_advice)
{
	struct uvmsim_machine *m = uvmsim__cur();
	struct vm_map_entry *entry;

	KASSERT(map != NULL);
	if (new_advice != UVM_ADV_NORMAL && new_advice != UVM_ADV_RANDOM &&
	    new_advice != UVM_ADV_SEQUENTIAL)
		return uvmsim__error(m, EINVAL, "uvm_map_advice: advice %d is "
		    "not normal, random or sequential", new_advice);
	if (!range_ok(m, map, start, end))
		return uvmsim__error(m, EINVAL, "uvm_map_advice: [%#jx, %#jx) "
		    "is not page aligned inside map %u", (uintmax_t)start,
		    (uintmax_t)end, map->map_id);
	if (start == end)
		return 0;
	/* The clips at either end (1.6's never fail: they wait). */
	if (!uvmsim__map_entry_reserve(m, 2))
		return uvmsim__error(m, ENOMEM, "uvm_map_advice: no host "
		    "memory to split the entries at [%#jx, %#jx)",
		    (uintmax_t)start, (uintmax_t)end);
	vm_map_lock(map);
	if (uvm_map_lookup_entry(map, start, &entry))
		UVM_MAP_CLIP_START(map, entry, start);
	else
		entry = entry->next;
	for (; entry != &map->header && entry->start < end;
	    entry = entry->next) {
		UVM_MAP_CLIP_END(map, entry, end);
		entry->advice = new_advice;
	}
	vm_map_unlock(map);
	return 0;
}

/*
 * uvm_map_pageable: wire (new_pageable FALSE) or unwire [start, end).
 *
 * => map unlocked, or locked exclusive with UVM_LK_ENTER; left locked on
 *    return with UVM_LK_EXIT.
 * => the range must be mapped without holes (EINVAL, nothing changed),
 *    with some access when wiring, and wired when unwiring.
 * => wiring, pass 1 under the lock: an entry not yet wired that needs
 *    copy and is writable or has no object gets its own amap (amap_copy,
 *    which may chunk it); the entries are clipped to the range and their
 *    wired_count raised.  Pass 2, with the map unlocked: uvm_fault_wire
 *    faults in and wires each entry wired for the first time.  If a fault
 *    fails, every wiring of this call is undone and its error returned;
 *    ENOMEM when an amap could not be had.
 * => unwiring drops every wiring of the entries at once (POSIX munlock,
 *    as 1.6: one call unlocks however many locked the range).
 */
int
uvm_map_pageable(struct vm_map *map, vaddr_t start, vaddr_t end,
    boolean_t new_pageable, int lockflags)
{
	struct uvmsim_machine *m = uvmsim__cur();
	struct vm_map_entry *first, *cur, *e;
	struct wire_range *r = NULL;
	size_t nr = 0, i;
	int error = 0, rv = 0;
	boolean_t found;

	KASSERT(map != NULL);
	if (lockflags & UVM_LK_ENTER)
		KASSERT(uvmsim__map_locked_excl(m, map));
	else
		vm_map_lock(map);
	/* locked: map (exclusive) */

	if (!range_ok(m, map, start, end)) {
		error = uvmsim__error(m, EINVAL, "uvm_map_pageable: [%#jx, "
		    "%#jx) is not page aligned inside map %u",
		    (uintmax_t)start, (uintmax_t)end, map->map_id);
		goto out;
	}
	if (start == end)
		goto out;
	if (!uvmsim__map_range_mapped(map, start, end, &first)) {
		error = uvmsim__error(m, EINVAL, "uvm_map_pageable: [%#jx, "
		    "%#jx) is not mapped", (uintmax_t)start, (uintmax_t)end);
		goto out;
	}
	/* The clips at either end (1.6's never fail: they wait). */
	if (!uvmsim__map_entry_reserve(m, 2)) {
		error = uvmsim__error(m, ENOMEM, "uvm_map_pageable: no host "
		    "memory to split the entries at [%#jx, %#jx)",
		    (uintmax_t)start, (uintmax_t)end);
		goto out;
	}

	if (new_pageable) {
		/* Unwire: all of it must be wired. */
		for (cur = first; cur != &map->header && cur->start < end;
		    cur = cur->next)
			if (!VM_MAPENT_ISWIRED(cur)) {
				error = uvmsim__error(m, EINVAL,
				    "uvm_map_pageable: [%#jx, %#jx) is not "
				    "wired", (uintmax_t)cur->start,
				    (uintmax_t)cur->end);
				goto out;
			}
		UVM_MAP_CLIP_START(map, first, start);
		for (cur = first; cur != &map->header && cur->start < end;
		    cur = cur->next) {
			UVM_MAP_CLIP_END(map, cur, end);
			entry_unwire(map, cur);
		}
		uvmsim__ev(m, UVMSIM_EV_MAP_WIRE, map->map_id, start, end, 0);
		goto out;
	}

	/* Wire: no entry without access. */
	for (cur = first; cur != &map->header && cur->start < end;
	    cur = cur->next)
		if (cur->protection == VM_PROT_NONE) {
			error = uvmsim__error(m, EINVAL, "uvm_map_pageable: "
			    "[%#jx, %#jx) has no access to wire",
			    (uintmax_t)cur->start, (uintmax_t)cur->end);
			goto out;
		}

	/* Pass 1. */
	for (cur = first; cur != &map->header && cur->start < end;
	    cur = cur->next) {
		if (!VM_MAPENT_ISWIRED(cur) && UVM_ET_ISNEEDSCOPY(cur) &&
		    ((cur->protection & VM_PROT_WRITE) ||
		    cur->object.uvm_obj == NULL)) {
			amap_copy(map, cur, 0, TRUE, start, end);
			if (UVM_ET_ISNEEDSCOPY(cur)) {
				/* Undo the counts raised so far. */
				if (!uvm_map_lookup_entry(map, start, &e))
					e = e->next;
				for (; e != cur; e = e->next)
					e->wired_count--;
				error = uvmsim__error(m, ENOMEM,
				    "uvm_map_pageable: no memory for the amap "
				    "of [%#jx, %#jx)", (uintmax_t)cur->start,
				    (uintmax_t)cur->end);
				goto out;
			}
		}
		UVM_MAP_CLIP_START(map, cur, start);
		UVM_MAP_CLIP_END(map, cur, end);
		cur->wired_count++;
	}

	/* The entries wired for the first time, to fault in unlocked. */
	found = uvm_map_lookup_entry(map, start, &first);
	KASSERT(found);
	for (cur = first; cur != &map->header && cur->start < end;
	    cur = cur->next)
		nr++;
	r = uvmsim__calloc(m, nr, sizeof(*r));
	if (r == NULL) {
		unwire_undo(map, start, end, NULL, 0);
		error = uvmsim__error(m, ENOMEM, "uvm_map_pageable: no host "
		    "memory");
		goto out;
	}
	nr = 0;
	for (cur = first; cur != &map->header && cur->start < end;
	    cur = cur->next)
		if (cur->wired_count == 1) {
			r[nr].start = cur->start;
			r[nr].end = cur->end;
			r[nr].prot = cur->protection;
			nr++;
		}

	/* Pass 2. */
	vm_map_unlock(map);
	for (i = 0; i < nr; i++) {
		rv = uvm_fault_wire(map, r[i].start, r[i].end, VM_FAULT_WIRE,
		    r[i].prot);
		if (rv != 0)
			break;
	}
	vm_map_lock(map);
	if (rv != 0) {
		unwire_undo(map, start, end, r, i);
		error = uvmsim__error(m, rv, "uvm_map_pageable: faulting in "
		    "[%#jx, %#jx) failed: %s", (uintmax_t)r[i].start,
		    (uintmax_t)r[i].end, uvmsim_strerror(rv));
	} else
		uvmsim__ev(m, UVMSIM_EV_MAP_WIRE, map->map_id, start, end, 1);
	uvmsim__free(r);

out:
	if ((lockflags & UVM_LK_EXIT) == 0)
		vm_map_unlock(map);
	return error;
}

/*
 * uvmsim__check_maps: report every broken map invariant (1-7 above), and
 * every process whose address space is not a live one.
 *
 * => locks nothing and never panics; walks are bounded.
 */
void
uvmsim__check_maps(struct uvmsim_machine *m, struct uvmsim_report *r)
{
	const struct vm_map *map;
	const struct vm_map_entry *e, *prev;
	struct vm_map_entry *t;
	const struct vmspace *vs;
	const struct proc *p;
	struct uvmsim_live ls;
	char obj[48];
	long n, ntree, limit;
	uint64_t size;
	bool hint_ok, tree_ok;

	uvmsim__live_build(m, &ls);
	TAILQ_FOREACH(map, &m->maps, map_list) {
		snprintf(obj, sizeof(obj), "map %u", map->map_id);

		/* 7 */
		if (map->lock.lk_exholder != 0)
			uvmsim__problem(r, "map.lock", obj, "lock",
			    "held exclusive by cpu %u since %s:%d",
			    map->lock.lk_exholder - 1, map->lock.lk_file,
			    map->lock.lk_line);
		else if (map->lock.lk_sharecount != 0)
			uvmsim__problem(r, "map.lock", obj, "lock",
			    "held shared %d times, last since %s:%d",
			    map->lock.lk_sharecount, map->lock.lk_file,
			    map->lock.lk_line);

		if (map->flags & VM_MAP_SIM_VMSPACE) {
			vs = (const struct vmspace *)(const void *)
			    ((const char *)map -
			    offsetof(struct vmspace, vm_map));
			if (vs->vm_refcnt <= 0)
				uvmsim__problem(r, "vmspace.ref", obj,
				    "vm_refcnt", "vmspace %u of the map has "
				    "%d references", vs->vm_id, vs->vm_refcnt);
		}

		/* Count the tree, bounded, to bound the list walk too. */
		ntree = 0;
		limit = (long)m->npages + map->nentries + 1024;
		RB_FOREACH(t, uvm_map_tree,
		    (struct uvm_map_tree *)(uintptr_t)&map->rbhead)
			if (++ntree > limit)
				break;

		/* 1-6, walking list and tree together. */
		n = 0;
		size = 0;
		hint_ok = map->hint == &map->header;
		tree_ok = true;
		prev = &map->header;
		t = RB_MIN(uvm_map_tree,
		    (struct uvm_map_tree *)(uintptr_t)&map->rbhead);
		for (e = map->header.next; e != &map->header; e = e->next) {
			if (e == NULL || ++n > ntree + map->nentries + 1) {
				uvmsim__problem(r, "map.list", obj, "next",
				    "the entry list does not lead back to the "
				    "header");
				break;
			}
			if (e->prev != prev)
				uvmsim__problem(r, "map.list", obj, "prev",
				    "entry [%#jx, %#jx): prev does not point "
				    "at the entry before it",
				    (uintmax_t)e->start, (uintmax_t)e->end);
			if (prev != &map->header && e->start < prev->end)
				uvmsim__problem(r, "map.order", obj, "start",
				    "entry [%#jx, %#jx) starts before the end "
				    "of [%#jx, %#jx) before it",
				    (uintmax_t)e->start, (uintmax_t)e->end,
				    (uintmax_t)prev->start,
				    (uintmax_t)prev->end);
			if (tree_ok && t != e) {
				uvmsim__problem(r, "map.tree", obj, "rbhead",
				    "entry [%#jx, %#jx) of the list is not the "
				    "tree's next entry", (uintmax_t)e->start,
				    (uintmax_t)e->end);
				tree_ok = false;
			}
			if (tree_ok)
				t = RB_NEXT(uvm_map_tree, NULL, t);
			if (map->hint == e)
				hint_ok = true;
			size += e->end - e->start;
			check_entry(m, &ls, map, e, r, obj);
			prev = e;
		}
		if (tree_ok && t != NULL)
			uvmsim__problem(r, "map.tree", obj, "rbhead",
			    "the tree holds entries the list does not");
		if (n != map->nentries || ntree != map->nentries)
			uvmsim__problem(r, "map.count", obj, "nentries",
			    "nentries %d, but the list has %ld entries and "
			    "the tree %ld", map->nentries, n, ntree);
		if (size != map->size)
			uvmsim__problem(r, "map.count", obj, "size",
			    "size %#jx, but the entries cover %#jx",
			    (uintmax_t)map->size, (uintmax_t)size);
		if (!hint_ok)
			uvmsim__problem(r, "map.hint", obj, "hint",
			    "the hint is neither the header nor an entry");
	}

	TAILQ_FOREACH(p, &m->procs, p_list) {
		snprintf(obj, sizeof(obj), "proc %d", (int)p->p_pid);
		if (p->p_vmspace == NULL ||
		    !uvmsim__live_map(m, &ls, &p->p_vmspace->vm_map))
			uvmsim__problem(r, "proc.vmspace", obj, "p_vmspace",
			    "not a live address space");
	}
	uvmsim__live_free(&ls);
}
