/*
 * uvm_map_lock.h: the shared hold of a map lock, inline, for the fault's
 * look-up (uvm_fault_i.c), which takes and drops one on every fault.  Not
 * installed.  The public operations are uvm_map_lock.c's, over these same
 * bodies: a hold taken here is the hold taken there, noted on the machine
 * (m->mapholds) as uvm_map_lock.c's essay says.  What panics stays out of
 * line.
 */
#ifndef UVMSIM_UVM_MAP_LOCK_H
#define UVMSIM_UVM_MAP_LOCK_H

#include "uvmsim_cur.h"
#include "uvmsim_state.h"

void	uvmsim__map_foreign(struct uvmsim_machine *m, const struct vm_map *map,
	    const char *who, const char *file, int line)
	    __attribute__((__noreturn__));
void	uvmsim__map_lock_read_fail(struct uvmsim_machine *m,
	    const struct vm_map *map, const char *file, int line)
	    __attribute__((__noreturn__));
void	uvmsim__map_unlock_read_slow(struct uvmsim_machine *m,
	    struct vm_map *map, const char *file, int line);
void	uvmsim__mapholds_full(struct uvmsim_machine *m,
	    const struct vm_map *map) __attribute__((__noreturn__));

/* A hold's key: the map's address, with this bit set when the hold is
 * exclusive (a map is aligned, so the bit is free). */
#define UVMSIM__MH_EXCL		((uintptr_t)1)

/*
 * uvmsim__map_mine: panic unless map belongs to m.  Every map operation
 * takes the map's lock first, so this one compare guards them all
 * (uvm_map, uvm_unmap, uvm_fault, uvm_loan, ...).
 */
static inline UVMSIM__ALWAYS_INLINE void
uvmsim__map_mine(struct uvmsim_machine *m, const struct vm_map *map,
    const char *who, const char *file, int line)
{
	if (__predict_false(map->map_machine != m))
		uvmsim__map_foreign(m, map, who, file, line);
}

/* uvmsim__maphold_add: note a new hold of map, the newest. */
static inline UVMSIM__ALWAYS_INLINE void
uvmsim__maphold_add(struct uvmsim_machine *m, struct vm_map *map, bool excl)
{
	struct uvmsim_maphold *mh = m->maphold_top;

	if (__predict_false(mh == &m->mapholds[UVMSIM_MAPHOLDS + 1]))
		uvmsim__mapholds_full(m, map);
	mh->mh_key = (uintptr_t)map | (excl ? UVMSIM__MH_EXCL : 0);
	mh->mh_seq = ++m->lockgen;
	m->maphold_top = mh + 1;
}

/*
 * uvmsim__map_lock_read: take map's lock shared (_vm_map_lock_read).
 *
 * => panics when it is held exclusive, or map is another machine's (one
 *    test for both: the panics sort them out).
 */
static inline UVMSIM__ALWAYS_INLINE void
uvmsim__map_lock_read(struct uvmsim_machine *m, struct vm_map *map,
    const char *file, int line)
{
	struct vm_map_lock *lk = &map->lock;

	if (__predict_false((((uintptr_t)map->map_machine ^ (uintptr_t)m) |
	    lk->lk_exholder) != 0))
		uvmsim__map_lock_read_fail(m, map, file, line);
	uvmsim__maphold_add(m, map, false);
	lk->lk_sharecount++;
	lk->lk_file = file;
	lk->lk_line = line;
}

/*
 * uvmsim__map_unlock_read: release a shared hold (_vm_map_unlock_read).
 * The fast path: the newest noted hold is a shared one of map, as it is
 * when map locks are released in the order they were taken; anything
 * else (and the panic) is out of line.
 */
static inline UVMSIM__ALWAYS_INLINE void
uvmsim__map_unlock_read(struct uvmsim_machine *m, struct vm_map *map,
    const char *file, int line)
{
	struct vm_map_lock *lk = &map->lock;
	struct uvmsim_maphold *mh = m->maphold_top - 1;

	if (__predict_false(lk->lk_sharecount <= 0 ||
	    mh->mh_key != (uintptr_t)map))
		uvmsim__map_unlock_read_slow(m, map, file, line);
	else {
		m->maphold_top = mh;
		lk->lk_sharecount--;
	}
}

/*
 * The library's own uses of the shared hold go to the inline bodies.  The
 * machine is looked up under the public function's name, so that a call
 * with no machine reports what it always reported; a file that defines
 * UVMSIM_LOCK_M uses its local (kern_lock.h).
 */
#ifndef uvmsim__lock_m
#error "uvm_map_lock.h needs kern_lock.h first"
#endif
#undef vm_map_lock_read
#define vm_map_lock_read(map)						\
	uvmsim__map_lock_read(uvmsim__lock_m("_vm_map_lock_read"), (map), \
	    __FILE__, __LINE__)
#undef vm_map_unlock_read
#define vm_map_unlock_read(map)						\
	uvmsim__map_unlock_read(uvmsim__lock_m("_vm_map_unlock_read"),	\
	    (map), __FILE__, __LINE__)

#endif /* UVMSIM_UVM_MAP_LOCK_H */
