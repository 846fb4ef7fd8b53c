/*
 * uvmsim_vm.h: what the VM modules offer one another beyond the kernel's
 * own interfaces: the registry of objects, anons and amaps, the halves of
 * pgo_get and pgo_put the pagers share, and the probe's look-ups.  Not
 * installed.
 */
#ifndef UVMSIM_PRIV_VM_H
#define UVMSIM_PRIV_VM_H

#include "uvmsim_state.h"

/* ---- registry ---- */

static inline uint64_t uvmsim__objid(const struct uvm_object *o)
{ return o ? o->uo_id : 0; }
static inline uint64_t uvmsim__anonid(const struct vm_anon *a)
{ return a ? a->an_id : 0; }
static inline uint64_t uvmsim__amapid(const struct vm_amap *am)
{ return am ? am->am_id : 0; }

/* Register a new object with the machine (gives it an id). */
void	uvmsim__obj_register(struct uvmsim_machine *m, struct uvm_object *o);
void	uvmsim__obj_unregister(struct uvmsim_machine *m, struct uvm_object *o);
/* The body of a library pager's pgo_reference (uvm_object.c). */
void	uvmsim__obj_reference(struct uvmsim_machine *m, struct uvm_object *o);
/* The halves of a library pager's pgo_detach (uvm_object.c): drop a
 * reference, true (object locked) when it was the last; then free every
 * page, unlock and forget the object. */
bool	uvmsim__obj_unref(struct uvmsim_machine *m, struct uvm_object *o,
	    const char *who);
void	uvmsim__obj_freeall(struct uvm_object *o);

/* The synchronous half of pgo_get, shared by the pagers (uvm_object.c). */
int	uvmsim__pgo_getpages(struct uvmsim_machine *m, struct uvm_object *uobj,
	    voff_t offset, struct vm_page **pps, int npages, u_short pqflags,
	    int (*fill)(struct uvmsim_machine *, struct uvm_object *,
	    struct vm_page *), const char *who);

/* pgo_put, shared by the pagers (uvm_object.c). */
void	uvmsim__pgo_putpages(struct uvmsim_machine *m, struct uvm_object *uobj,
	    voff_t start, voff_t stop, int flags,
	    bool (*clean)(struct uvmsim_machine *, struct uvm_object *,
	    struct vm_page *));

/* An aobj's size in bytes (uvm_map keeps mappings inside it). */
vsize_t	uvmsim__aobj_size(const struct uvm_object *o);
/* An aobj's swap slots by page index, *np of them; NULL if it never had
 * one (the swap checker, uvm_swap.c). */
const int *uvmsim__aobj_swslots(const struct uvm_object *o, int *np);

/* ---- maps (uvm_map.c) and their entries (uvm_map_entry.c), for each
 * other and for the address spaces (uvm_vmspace.c) ---- */

/* The map is locked exclusive by the current CPU. */
static inline bool
uvmsim__map_locked_excl(const struct uvmsim_machine *m,
    const struct vm_map *map)
{
	return map->lock.lk_exholder == m->curcpu + 1;
}

/* The map is locked, shared or exclusive. */
static inline bool
uvmsim__map_locked(const struct uvmsim_machine *m, const struct vm_map *map)
{
	return uvmsim__map_locked_excl(m, map) || map->lock.lk_sharecount > 0;
}

/* uvm_map_lookup_entry past its hint: the tree's walk (uvm_map_entry.c). */
boolean_t uvmsim__map_lookup_tree(struct vm_map *map, vaddr_t address,
	    struct vm_map_entry **entry);

/*
 * uvmsim__map_lookup_hint: uvm_map_lookup_entry's work past its checks:
 * the hint's test inline, the walk of the tree out of line.  The public
 * function is its checks and this; a fault's or a loan's look-up
 * (uvmfault_lookup), which has just taken the map's lock, where the
 * check that it is held could not fail, finds its entry at the hint
 * with no call.
 *
 * => map locked; entry not NULL.
 */
static inline UVMSIM__ALWAYS_INLINE boolean_t
uvmsim__map_lookup_hint(struct vm_map *map, vaddr_t address,
    struct vm_map_entry **entry)
{
	struct vm_map_entry *cur;

	cur = map->hint;
	if (cur != &map->header && cur->start <= address &&
	    address < cur->end) {
		*entry = cur;
		return TRUE;
	}
	return uvmsim__map_lookup_tree(map, address, entry);
}

/* x is a multiple of the page size. */
static inline bool
uvmsim__map_page_aligned(const struct uvmsim_machine *m, uint64_t x)
{
	return (x & (m->pagesize - 1)) == 0;
}


/* Simulator-private map flag: the map is embedded in a vmspace. */
#define VM_MAP_SIM_VMSPACE	0x1000

/* Initialise an empty map over [min, max) with pmap and register it. */
void	uvmsim__map_setup(struct uvmsim_machine *m, struct vm_map *map,
	    pmap_t pmap, vaddr_t min, vaddr_t max, int flags);
/* Free an empty, unlocked map's memory and take it off the machine. */
void	uvmsim__map_free(struct uvmsim_machine *m, struct vm_map *map);
/* A copy of src, in no map, with no references taken; NULL: no memory. */
struct vm_map_entry *uvmsim__map_entry_clone(const struct vm_map_entry *src);
/* Set aside entries so that n clips cannot fail; false: no host memory
 * (ENOMEM for the caller, nothing changed). */
bool	uvmsim__map_entry_reserve(struct uvmsim_machine *m, int n);
/* Give the spare entries back to the host (machine destruction). */
void	uvmsim__map_entry_spares_free(struct uvmsim_machine *m);
/* Link entry into map after after (map locked exclusive). */
void	uvmsim__map_entry_link(struct uvmsim_machine *m, struct vm_map *map,
	    struct vm_map_entry *after, struct vm_map_entry *entry);
/* Take entry out of map (map locked exclusive); the caller accounts for
 * map->size. */
void	uvmsim__map_entry_unlink(struct vm_map *map,
	    struct vm_map_entry *entry);
/* Every address of [start, end) is mapped, without holes; *firstp: the
 * entry holding start (map locked). */
bool	uvmsim__map_range_mapped(struct vm_map *map, vaddr_t start,
	    vaddr_t end, struct vm_map_entry **firstp);
/* The lowest free range of size bytes at or above hint, aligned to align:
 * *addrp, and *prevp the entry to link after; false: none (map locked). */
bool	uvmsim__map_findspace(struct vm_map *map, vaddr_t hint, vsize_t size,
	    vsize_t align, vaddr_t *addrp, struct vm_map_entry **prevp);

/* ---- amaps (uvm_amap.c), for the operations on an entry's amap
 * (uvm_amap_copy.c); the per-page counts (ppref) are run-length coded as
 * uvm_amap.c's essay says ---- */

/*
 * uvmsim__amap_pp_getreflen: decode the run of per-page counts that
 * starts at slot.
 *
 * => amap locked; slot is the first slot of a run.
 */
static inline void
uvmsim__amap_pp_getreflen(const int *ppref, int slot, int *refp, int *lenp)
{
	if (ppref[slot] > 0) {
		*refp = ppref[slot] - 1;
		*lenp = 1;
	} else {
		*refp = -ppref[slot] - 1;
		*lenp = ppref[slot + 1];
	}
}

/*
 * uvmsim__amap_pp_setreflen: encode a run of len slots with count ref at
 * slot.
 *
 * => amap locked; len >= 1 and ref >= 0.
 */
static inline void
uvmsim__amap_pp_setreflen(int *ppref, int slot, int ref, int len)
{
	KASSERT(len >= 1 && ref >= 0);
	if (len == 1) {
		ppref[slot] = ref + 1;
	} else {
		ppref[slot] = -(ref + 1);
		ppref[slot + 1] = len;
	}
}

/* The amap has a per-page count array (neither NULL nor PPREF_NONE). */
static inline bool
uvmsim__amap_pp_valid(const struct vm_amap *amap)
{
	return amap->am_ppref != NULL && amap->am_ppref != PPREF_NONE;
}


/* The number of pages in bytes, a multiple of the page size. */
int	uvmsim__amap_b2slot(struct uvmsim_machine *m, vaddr_t bytes);
/* Whether an amap can hold sz bytes with padsz more set aside: it counts
 * its slots, padding included, in an int (amap_alloc asserts it; uvm_map
 * refuses a larger overlay first). */
bool	uvmsim__amap_fits(struct uvmsim_machine *m, vsize_t sz, vsize_t padsz);
/* A new registered amap of slots slots and padslots more, all empty, one
 * reference, unlocked; NULL: no memory (host or failpoint). */
struct vm_amap *uvmsim__amap_alloc1(struct uvmsim_machine *m, int slots,
	    int padslots);
/* New arrays of maxslot slots for amap, in a block of their own, the
 * contents kept (amap_extend); 0, or ENOMEM with amap unchanged. */
int	uvmsim__amap_arrays_grow(struct uvmsim_machine *m,
	    struct vm_amap *amap, int maxslot);
/* uvmsim__amap_slot_insert: uvm_amap_i.h. */

/* ---- the probe (uvmsim_probe) ---- */

/* The entry of map holding va, or NULL: no lock taken, the hint left
 * alone (src/uvm_map_entry.c). */
struct vm_map_entry *uvmsim__map_entry_at(struct vm_map *map, vaddr_t va);
/* The page-table and TLB half of a probe of va through pm, in user mode
 * or not: 0, or EINVAL recorded for a va the mode cannot address
 * (src/pmap_sim/mmu.c). */
int	uvmsim__mmu_probe(struct uvmsim_machine *m, struct pmap *pm,
	    vaddr_t va, bool user, struct uvmsim_probe *out);
/* Print pm's raw page tables to fp (src/pmap_sim/pmap_dump.c). */
void	uvmsim__pmap_dump(struct uvmsim_machine *m, struct pmap *pm,
	    FILE *fp);

/* ---- the fault's wired mappings given back (uvm_fault_rewire.c) ---- */

#define UVMSIM_MAXREWIRE	16	/* mappings noted, at most */

struct uvmsim__rewire {
	struct vm_page	*old;		/* the page whose mappings a copy
					   takes, or NULL */
	int		n;		/* its wired mappings noted */
	struct {
		struct vm_map	*map;
		vaddr_t		va;
	} at[UVMSIM_MAXREWIRE];		/* where they are */
};

/* Note where wired entries map old, before its mappings are taken (one
 * page per rw: a second is ignored); give them back afterwards, with
 * nothing locked. */
void	uvmsim__rewire_note(struct uvmsim_machine *m,
	    struct uvmsim__rewire *rw, struct vm_page *old);
void	uvmsim__rewire(struct uvmsim_machine *m, struct uvmsim__rewire *rw);

#endif /* UVMSIM_PRIV_VM_H */
