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
void	uvmsim__map_unlock_read_fail(struct uvmsim_machine *m,
	    const struct vm_map *map, const char *file, int line)
	    __attribute__((__noreturn__));
void	uvmsim__mapholds_full(struct uvmsim_machine *m,
	    const struct vm_map *map) __attribute__((__noreturn__));

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

/* uvmsim__maphold_add: note a new hold of map. */
static inline UVMSIM__ALWAYS_INLINE void
uvmsim__maphold_add(struct uvmsim_machine *m, struct vm_map *map, bool excl)
{
	struct uvmsim_maphold *mh;

	if (__predict_false(m->nmapholds == UVMSIM_MAPHOLDS))
		uvmsim__mapholds_full(m, map);
	mh = &m->mapholds[m->nmapholds++];
	mh->mh_map = map;
	mh->mh_seq = ++m->lockgen;
	mh->mh_excl = excl;
}

/* uvmsim__maphold_find: the newest noted hold of map of the kind, or
 * NULL. */
static inline struct uvmsim_maphold *
uvmsim__maphold_find(struct uvmsim_machine *m, const struct vm_map *map,
    bool excl)
{
	unsigned i;

	for (i = m->nmapholds; i-- > 0;)
		if (m->mapholds[i].mh_map == map &&
		    m->mapholds[i].mh_excl == excl)
			return &m->mapholds[i];
	return NULL;
}

/* uvmsim__maphold_drop: forget a noted hold; the later ones move down. */
static inline void
uvmsim__maphold_drop(struct uvmsim_machine *m, struct uvmsim_maphold *mh)
{
	struct uvmsim_maphold *end = &m->mapholds[--m->nmapholds];

	for (; mh < end; mh++)
		mh[0] = mh[1];
}

/*
 * uvmsim__map_lock_read: take map's lock shared (_vm_map_lock_read).
 *
 * => panics when it is held exclusive, or map is another machine's.
 */
static inline UVMSIM__ALWAYS_INLINE void
uvmsim__map_lock_read(struct uvmsim_machine *m, struct vm_map *map,
    const char *file, int line)
{
	struct vm_map_lock *lk = &map->lock;

	uvmsim__map_mine(m, map, "vm_map_lock_read", file, line);
	if (__predict_false(lk->lk_exholder != 0))
		uvmsim__map_lock_read_fail(m, map, file, line);
	uvmsim__maphold_add(m, map, false);
	lk->lk_sharecount++;
	lk->lk_file = file;
	lk->lk_line = line;
}

/*
 * uvmsim__map_unlock_read: release a shared hold (_vm_map_unlock_read).
 */
static inline UVMSIM__ALWAYS_INLINE void
uvmsim__map_unlock_read(struct uvmsim_machine *m, struct vm_map *map,
    const char *file, int line)
{
	struct vm_map_lock *lk = &map->lock;
	struct uvmsim_maphold *mh;

	if (__predict_false(lk->lk_sharecount <= 0))
		uvmsim__map_unlock_read_fail(m, map, file, line);
	if ((mh = uvmsim__maphold_find(m, map, false)) != NULL)
		uvmsim__maphold_drop(m, mh);
	lk->lk_sharecount--;
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
