/*
 * uvm_map_entry.c: a map's entries as a data structure: the list and the
 * tree that hold them, the empty map, looking an address up, finding free
 * space, clipping an entry in two.
 *
 * These are the functions that change or search the entries without
 * deciding anything about what is mapped: uvm_map.c (uvm_map, uvm_unmap,
 * protection, inheritance, advice, wiring) and uvm_vmspace.c (fork) are
 * built on them, and nothing here calls back into either.  What an entry
 * means, the invariants of a map, its lock and its lock order are said in
 * uvm_map.c, whose checker (uvmsim__check_maps) also checks what is kept
 * here.
 *
 * Each entry is linked twice: in the list in address order, with the map's
 * header as sentinel (prev/next), and in the red-black tree uvm_map_tree,
 * keyed by start (rb_entry).  uvmsim__map_entry_link and
 * uvmsim__map_entry_unlink change both together and count nentries; the
 * caller accounts for map->size.  map->hint caches the last entry that
 * uvm_map_lookup_entry found; an unlinked entry never stays the hint.
 *
 * Clipping (uvm_map_clip_start, uvm_map_clip_end) is the one operation
 * here that takes references: the new half gets its own reference to the
 * object (pgo_reference) and to its part of the amap (amap_splitref).
 */
#include <stdlib.h>
#include <string.h>

#include "uvmsim_state.h"
#include "uvmsim_cur.h"
#include "kern_lock.h"
#include "uvmsim_trace.h"
#include "uvmsim_vm.h"

/* ---- static helpers ----------------------------------------------------- */

static int
uvm_map_entry_cmp(const struct vm_map_entry *a, const struct vm_map_entry *b)
{
	if (a->start < b->start)
		return -1;
	return a->start > b->start;
}

RB_GENERATE(uvm_map_tree, vm_map_entry, rb_entry, uvm_map_entry_cmp)

/*
 * tree_floor: the entry with the greatest start <= addr, or NULL.
 *
 * => map locked.
 */
static struct vm_map_entry *
tree_floor(struct vm_map *map, vaddr_t addr)
{
	struct vm_map_entry *e, *best = NULL;

	e = RB_ROOT(&map->rbhead);
	while (e != NULL) {
		if (e->start <= addr) {
			best = e;
			e = RB_RIGHT(e, rb_entry);
		} else
			e = RB_LEFT(e, rb_entry);
	}
	return best;
}

/*
 * clip_entry: the new entry of a clip of src: a spare, or else one from
 * the host with no failpoint hit, for the clips that cannot fail (the
 * map's removal in uvm_unmap, amap_copy's chunking), as 1.6's pool
 * waits; a host with no memory at all panics there.
 */
static struct vm_map_entry *
clip_entry(struct uvmsim_machine *m, const struct vm_map_entry *src)
{
	struct vm_map_entry *e;

	if ((e = m->entry_spare) != NULL) {
		m->entry_spare = e->next;
		m->entry_nspare--;
	} else if ((e = uvmsim__malloc(NULL, sizeof(*e))) == NULL)
		uvmsim__panic(m, "map entry clip: the host has no memory");
	*e = *src;
	memset(&e->rb_entry, 0, sizeof(e->rb_entry));
	e->prev = e->next = NULL;
	return e;
}

/* ---- the entry list and tree -------------------------------------------- */

/*
 * uvmsim__map_entry_link: put entry into map after after (the header or
 * an entry).
 *
 * => map locked exclusive; entry's start and end set and free in the map.
 * => the caller accounts for map->size.
 */
void
uvmsim__map_entry_link(struct uvmsim_machine *m, struct vm_map *map,
    struct vm_map_entry *after, struct vm_map_entry *entry)
{
	entry->prev = after;
	entry->next = after->next;
	after->next->prev = entry;
	after->next = entry;
	if (RB_INSERT(uvm_map_tree, &map->rbhead, entry) != NULL)
		uvmsim__panic(m, "uvm_map: map %u: two entries start at %#jx",
		    map->map_id, (uintmax_t)entry->start);
	map->nentries++;
}

/*
 * uvmsim__map_entry_unlink: take entry out of map.
 *
 * => map locked exclusive.  The caller accounts for map->size.
 */
void
uvmsim__map_entry_unlink(struct vm_map *map, struct vm_map_entry *entry)
{
	if (map->hint == entry)
		map->hint = entry->prev;
	RB_REMOVE(uvm_map_tree, &map->rbhead, entry);
	entry->prev->next = entry->next;
	entry->next->prev = entry->prev;
	entry->prev = entry->next = NULL;
	map->nentries--;
}

/*
 * uvmsim__map_entry_clone: a new entry with src's fields, linked nowhere.
 *
 * => takes no reference to src's object or amap: the caller does.
 * => NULL when the host has no memory.
 */
struct vm_map_entry *
uvmsim__map_entry_clone(const struct vm_map_entry *src)
{
	struct vm_map_entry *e;

	e = uvmsim__malloc(uvmsim__cur(), sizeof(*e));
	if (e == NULL)
		return NULL;
	*e = *src;
	memset(&e->rb_entry, 0, sizeof(e->rb_entry));
	e->prev = e->next = NULL;
	return e;
}

/*
 * uvmsim__map_entry_reserve: make sure n spare entries wait for the
 * clips of an operation that is about to change a map.
 *
 * 1.6 allocates a clip's entry from a pool that sleeps until it has
 * one (PR_WAITOK): a clip never fails there.  Here the host may have
 * no memory: an operation that can fail (protect, inherit, advice,
 * pageable) reserves its two entries (one clip at each end of the
 * range) before it changes anything, and fails with ENOMEM if it
 * cannot.  A clip takes a spare first (clip_entry).
 *
 * => true when m holds at least n spares.
 */
bool
uvmsim__map_entry_reserve(struct uvmsim_machine *m, int n)
{
	struct vm_map_entry *e;

	while (m->entry_nspare < n) {
		if ((e = uvmsim__malloc(m, sizeof(*e))) == NULL)
			return false;
		e->next = m->entry_spare;
		m->entry_spare = e;
		m->entry_nspare++;
	}
	return true;
}

void
uvmsim__map_entry_spares_free(struct uvmsim_machine *m)
{
	struct vm_map_entry *e;

	while ((e = m->entry_spare) != NULL) {
		m->entry_spare = e->next;
		uvmsim__free(e);
	}
	m->entry_nspare = 0;
}

/*
 * uvmsim__map_range_mapped: true when every address of [start, end)
 * (start < end) is mapped, without holes; *firstp is the entry holding
 * start.
 *
 * => map locked.
 */
bool
uvmsim__map_range_mapped(struct vm_map *map, vaddr_t start, vaddr_t end,
    struct vm_map_entry **firstp)
{
	struct vm_map_entry *e;

	if (!uvm_map_lookup_entry(map, start, firstp))
		return false;
	for (e = *firstp; e->end < end; e = e->next)
		if (e->next == &map->header || e->next->start != e->end)
			return false;
	return true;
}

/*
 * uvmsim__map_setup: initialise an empty map over [min, max) with pmap,
 * and register it with the machine.
 */
void
uvmsim__map_setup(struct uvmsim_machine *m, struct vm_map *map, pmap_t pmap,
    vaddr_t min, vaddr_t max, int flags)
{
	KASSERT(min < max && uvmsim__map_page_aligned(m, min) &&
	    uvmsim__map_page_aligned(m, max));
	memset(map, 0, sizeof(*map));
	map->pmap = pmap;
	map->header.next = map->header.prev = &map->header;
	map->header.start = min;
	map->header.end = max;
	RB_INIT(&map->rbhead);
	map->ref_count = 1;
	simple_lock_init(&map->ref_lock);
	map->hint = &map->header;
	map->flags = flags;
	map->map_id = ++m->next_map_id;
	map->map_machine = m;
	TAILQ_INSERT_TAIL(&m->maps, map, map_list);
}

/*
 * uvmsim__map_findspace: the lowest free range of size bytes at or above hint,
 * aligned to align (a power of two, at least a page); first fit, so the
 * choice depends on nothing but the map.
 *
 * => map locked.
 * => true with *addrp and *prevp (the entry or header to link after);
 *    false when no range fits below vm_map_max.
 */
bool
uvmsim__map_findspace(struct vm_map *map, vaddr_t hint, vsize_t size,
    vsize_t align, vaddr_t *addrp, struct vm_map_entry **prevp)
{
	struct vm_map_entry *prev, *next;
	vaddr_t addr, max = vm_map_max(map);

	addr = hint < vm_map_min(map) ? vm_map_min(map) : hint;
	if (uvm_map_lookup_entry(map, addr, &prev))
		addr = prev->end;
	for (;;) {
		/* Align upward; watch for wrap-around. */
		if (align - 1 > max || addr > max - (align - 1))
			return false;
		addr = (addr + align - 1) & ~(align - 1);
		if (addr > max || size > max - addr)
			return false;
		next = prev->next;
		if (next == &map->header || addr + size <= next->start)
			break;
		prev = next;
		if (addr < prev->end)
			addr = prev->end;
	}
	*addrp = addr;
	*prevp = prev;
	return true;
}

/* ---- entries ------------------------------------------------------------ */

/*
 * uvm_map_lookup_entry: find the entry holding address.
 *
 * => map locked (shared or exclusive).
 * => TRUE: *entry holds address.  FALSE: *entry is the entry before the
 *    address, or the header when there is none.
 * => the hint is tried first and set to what was found.
 */
boolean_t
uvm_map_lookup_entry(struct vm_map *map, vaddr_t address,
    struct vm_map_entry **entry)
{
	struct uvmsim_machine *m = uvmsim__cur();

	KASSERT(map != NULL && entry != NULL);
	KASSERT(uvmsim__map_locked(m, map));
	return uvmsim__map_lookup_hint(map, address, entry);
}

/*
 * uvmsim__map_lookup_tree: uvm_map_lookup_entry's look-up in the tree,
 * when the hint does not hold address (uvmsim__map_lookup_hint).
 *
 * => as uvm_map_lookup_entry, its arguments checked.
 */
boolean_t
uvmsim__map_lookup_tree(struct vm_map *map, vaddr_t address,
    struct vm_map_entry **entry)
{
	struct vm_map_entry *cur;

	cur = tree_floor(map, address);
	if (cur == NULL) {
		*entry = &map->header;
		return FALSE;
	}
	*entry = cur;
	if (address < cur->end) {
		map->hint = cur;
		return TRUE;
	}
	return FALSE;
}

/*
 * uvm_map_clip_start: split entry at start; the new entry before it gets
 * [entry->start, start), entry keeps the rest.
 *
 * => map locked exclusive; entry->start < start < entry->end, page
 *    aligned.
 * => the new entry references the object (pgo_reference) and the amap
 *    (amap_splitref) itself.
 */
void
uvm_map_clip_start(struct vm_map *map, struct vm_map_entry *entry,
    vaddr_t start)
{
	struct uvmsim_machine *m = uvmsim__cur();
	struct vm_map_entry *new;
	vaddr_t adj, ostart;

	KASSERT(uvmsim__map_locked_excl(m, map));
	if (start <= entry->start || start >= entry->end ||
	    !uvmsim__map_page_aligned(m, start))
		uvmsim__panic(m, "uvm_map_clip_start: map %u: %#jx is not a "
		    "page inside [%#jx, %#jx)", map->map_id, (uintmax_t)start,
		    (uintmax_t)entry->start, (uintmax_t)entry->end);
	new = clip_entry(m, entry);
	ostart = entry->start;
	adj = start - entry->start;
	new->end = start;
	if (entry->object.uvm_obj != NULL)
		entry->offset += (voff_t)adj;
	/* entry keeps its place in the tree: its start moves up, but stays
	 * above its predecessor, which the new entry becomes. */
	entry->start = start;
	if (new->aref.ar_amap != NULL)
		amap_splitref(&new->aref, &entry->aref, adj);
	uvmsim__map_entry_link(m, map, entry->prev, new);
	if (UVM_ET_ISOBJ(entry) && entry->object.uvm_obj->pgops->pgo_reference)
		entry->object.uvm_obj->pgops->pgo_reference(
		    entry->object.uvm_obj);
	uvmsim__ev(m, UVMSIM_EV_MAP_CLIP, map->map_id, ostart, start, 0);
}

/*
 * uvm_map_clip_end: split entry at end; entry keeps [entry->start, end),
 * the new entry after it gets the rest.
 *
 * => map locked exclusive; entry->start < end < entry->end, page
 *    aligned.
 * => references as uvm_map_clip_start.
 */
void
uvm_map_clip_end(struct vm_map *map, struct vm_map_entry *entry, vaddr_t end)
{
	struct uvmsim_machine *m = uvmsim__cur();
	struct vm_map_entry *new;
	vaddr_t adj;

	KASSERT(uvmsim__map_locked_excl(m, map));
	if (end <= entry->start || end >= entry->end ||
	    !uvmsim__map_page_aligned(m, end))
		uvmsim__panic(m, "uvm_map_clip_end: map %u: %#jx is not a "
		    "page inside [%#jx, %#jx)", map->map_id, (uintmax_t)end,
		    (uintmax_t)entry->start, (uintmax_t)entry->end);
	new = clip_entry(m, entry);
	adj = end - entry->start;
	new->start = end;
	entry->end = end;
	if (new->object.uvm_obj != NULL)
		new->offset += (voff_t)adj;
	if (entry->aref.ar_amap != NULL)
		amap_splitref(&entry->aref, &new->aref, adj);
	uvmsim__map_entry_link(m, map, entry, new);
	if (UVM_ET_ISOBJ(entry) && entry->object.uvm_obj->pgops->pgo_reference)
		entry->object.uvm_obj->pgops->pgo_reference(
		    entry->object.uvm_obj);
	uvmsim__ev(m, UVMSIM_EV_MAP_CLIP, map->map_id, entry->start, end, 0);
}

/*
 * uvmsim__map_entry_at: the entry of map holding va, or NULL, for the
 * probe: unlike uvm_map_lookup_entry it needs no lock and moves no hint,
 * so that looking changes nothing.
 */
struct vm_map_entry *
uvmsim__map_entry_at(struct vm_map *map, vaddr_t va)
{
	struct vm_map_entry *e = tree_floor(map, va);

	return e != NULL && va < e->end ? e : NULL;
}
