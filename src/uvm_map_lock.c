/*
 * uvm_map_lock.c: the map lock (vm_map_lock and friends), shared or
 * exclusive.
 *
 * The simulator runs one thread, so a lock that is held in a way that
 * conflicts can never be released: taking it panics, naming the map and
 * where it was taken; vm_map_lock_try says FALSE instead (and consults no
 * failpoint: "simple_lock_try" counts simple locks only).  Dropping an
 * exclusive hold (unlock, downgrade) bumps map->timestamp, which is how
 * uvmfault_relock() tells that the map changed while it was unlocked.
 * uvm_map.c says what the lock guards and the lock order.
 */
#include <inttypes.h>

#include "uvmsim_state.h"
#include "uvmsim_cur.h"
#include "kern_lock.h"
#include "uvm_map_lock.h"

/*
 * Each hold of a map lock is also noted on the machine (m->mapholds, a
 * stack in the order taken, with an acquisition number from the count
 * the simple locks use), so that a caught panic releases the holds taken
 * since its catch began as it releases the simple locks
 * (uvmsim__map_unlock_since).  A release drops the newest hold of its
 * map of its kind: shared holds are not told apart.  A hold is noted as
 * one word, the map's address with UVMSIM__MH_EXCL set for an exclusive
 * hold, so that finding it is one compare; the stack's bottom slot stays
 * zero, so that the fast release (uvm_map_lock.h), which looks at the
 * newest hold only, needs no test of an empty stack.
 */

/*
 * maphold_find: the newest noted hold of map of the kind, or NULL.
 */
static struct uvmsim_maphold *
maphold_find(struct uvmsim_machine *m, const struct vm_map *map, bool excl)
{
	uintptr_t key = (uintptr_t)map | (excl ? UVMSIM__MH_EXCL : 0);
	struct uvmsim_maphold *mh;

	for (mh = m->maphold_top; --mh > &m->mapholds[0];)
		if (mh->mh_key == key)
			return mh;
	return NULL;
}

/*
 * maphold_drop: forget a noted hold; the later ones move down.
 */
static void
maphold_drop(struct uvmsim_machine *m, struct uvmsim_maphold *mh)
{
	struct uvmsim_maphold *end = --m->maphold_top;

	for (; mh < end; mh++)
		mh[0] = mh[1];
}

/* The panics of the hold operations (uvm_map_lock.h), out of line. */
void __attribute__((__noinline__))
uvmsim__map_foreign(struct uvmsim_machine *m, const struct vm_map *map,
    const char *who, const char *file, int line)
{
	uvmsim__panic(m, "%s: map %u is not a map of the current machine "
	    "(it belongs to another), at %s:%d", who, map->map_id, file, line);
}

void __attribute__((__noinline__))
uvmsim__mapholds_full(struct uvmsim_machine *m, const struct vm_map *map)
{
	uvmsim__panic(m, "vm_map_lock: map %u: %d map lock holds at once",
	    map->map_id, UVMSIM_MAPHOLDS);
}

/* (map another machine's, or held exclusive) */
void __attribute__((__noinline__))
uvmsim__map_lock_read_fail(struct uvmsim_machine *m, const struct vm_map *map,
    const char *file, int line)
{
	const struct vm_map_lock *lk = &map->lock;

	uvmsim__map_mine(m, map, "vm_map_lock_read", file, line);
	uvmsim__panic(m, "vm_map_lock_read: map %u locked exclusive at %s:%d "
	    "(cpu %u), wanted shared at %s:%d", map->map_id, lk->lk_file,
	    lk->lk_line, lk->lk_exholder - 1, file, line);
}

/*
 * uvmsim__map_unlock_read_slow: release a shared hold of map that is not
 * the newest hold noted, or panic when map is not locked shared.
 */
void __attribute__((__noinline__))
uvmsim__map_unlock_read_slow(struct uvmsim_machine *m, struct vm_map *map,
    const char *file, int line)
{
	struct vm_map_lock *lk = &map->lock;
	struct uvmsim_maphold *mh;

	if (lk->lk_sharecount <= 0)
		uvmsim__panic(m, "vm_map_unlock_read: map %u not locked "
		    "shared, released at %s:%d", map->map_id, file, line);
	if ((mh = maphold_find(m, map, false)) != NULL)
		maphold_drop(m, mh);
	lk->lk_sharecount--;
}

/*
 * _vm_map_lock: take the map's lock exclusive.
 *
 * => panics when it is held at all: nothing could ever release it.
 */
void
_vm_map_lock(struct vm_map *map, const char *file, int line)
{
	struct uvmsim_machine *m = uvmsim__cur();
	struct vm_map_lock *lk = &map->lock;

	uvmsim__map_mine(m, map, "vm_map_lock", file, line);
	if (lk->lk_exholder != 0)
		uvmsim__panic(m, "vm_map_lock: map %u locked exclusive at "
		    "%s:%d (cpu %u), wanted again at %s:%d", map->map_id,
		    lk->lk_file, lk->lk_line, lk->lk_exholder - 1, file, line);
	if (lk->lk_sharecount != 0)
		uvmsim__panic(m, "vm_map_lock: map %u locked shared (%d "
		    "holds, last at %s:%d), wanted exclusive at %s:%d",
		    map->map_id, lk->lk_sharecount, lk->lk_file, lk->lk_line,
		    file, line);
	uvmsim__maphold_add(m, map, true);
	lk->lk_exholder = m->curcpu + 1;
	lk->lk_file = file;
	lk->lk_line = line;
}

/*
 * _vm_map_lock_try: take the map's lock exclusive if it is free.
 */
boolean_t
_vm_map_lock_try(struct vm_map *map, const char *file, int line)
{
	struct uvmsim_machine *m = uvmsim__cur();
	struct vm_map_lock *lk = &map->lock;

	uvmsim__map_mine(m, map, "vm_map_lock_try", file, line);
	if (lk->lk_exholder != 0 || lk->lk_sharecount != 0)
		return FALSE;
	uvmsim__maphold_add(m, map, true);
	lk->lk_exholder = m->curcpu + 1;
	lk->lk_file = file;
	lk->lk_line = line;
	return TRUE;
}

/*
 * _vm_map_lock_read: take the map's lock shared.
 *
 * => panics when it is held exclusive.
 */
void
_vm_map_lock_read(struct vm_map *map, const char *file, int line)
{
	uvmsim__map_lock_read(uvmsim__cur(), map, file, line);
}

/*
 * _vm_map_unlock: release an exclusive hold; the map's timestamp moves.
 */
void
_vm_map_unlock(struct vm_map *map, const char *file, int line)
{
	struct uvmsim_machine *m = uvmsim__cur();
	struct vm_map_lock *lk = &map->lock;
	struct uvmsim_maphold *mh;

	if (lk->lk_exholder != m->curcpu + 1)
		uvmsim__panic(m, "vm_map_unlock: map %u not locked exclusive "
		    "by cpu %u, released at %s:%d", map->map_id, m->curcpu,
		    file, line);
	if ((mh = maphold_find(m, map, true)) != NULL)
		maphold_drop(m, mh);
	map->timestamp++;
	lk->lk_exholder = 0;
}

/*
 * _vm_map_unlock_read: release a shared hold.
 */
void
_vm_map_unlock_read(struct vm_map *map, const char *file, int line)
{
	uvmsim__map_unlock_read(uvmsim__cur(), map, file, line);
}

/*
 * _vm_map_upgrade: turn the caller's shared hold into an exclusive one.
 *
 * => panics unless the caller's is the only hold.
 */
void
_vm_map_upgrade(struct vm_map *map, const char *file, int line)
{
	struct uvmsim_machine *m = uvmsim__cur();
	struct vm_map_lock *lk = &map->lock;
	struct uvmsim_maphold *mh;

	if (lk->lk_exholder != 0 || lk->lk_sharecount != 1)
		uvmsim__panic(m, "vm_map_upgrade: map %u has %d shared holds "
		    "and %s exclusive one, at %s:%d", map->map_id,
		    lk->lk_sharecount, lk->lk_exholder ? "an" : "no", file,
		    line);
	if ((mh = maphold_find(m, map, false)) != NULL)
		mh->mh_key |= UVMSIM__MH_EXCL;
	lk->lk_sharecount = 0;
	lk->lk_exholder = m->curcpu + 1;
	lk->lk_file = file;
	lk->lk_line = line;
}

/*
 * _vm_map_downgrade: turn the caller's exclusive hold into a shared one;
 * the timestamp moves, as the exclusive hold ends.
 */
void
_vm_map_downgrade(struct vm_map *map, const char *file, int line)
{
	struct uvmsim_machine *m = uvmsim__cur();
	struct vm_map_lock *lk = &map->lock;
	struct uvmsim_maphold *mh;

	if (lk->lk_exholder != m->curcpu + 1)
		uvmsim__panic(m, "vm_map_downgrade: map %u not locked "
		    "exclusive by cpu %u, at %s:%d", map->map_id, m->curcpu,
		    file, line);
	if ((mh = maphold_find(m, map, true)) != NULL)
		mh->mh_key &= ~UVMSIM__MH_EXCL;
	map->timestamp++;
	lk->lk_exholder = 0;
	lk->lk_sharecount = 1;
	lk->lk_file = file;
	lk->lk_line = line;
}

/*
 * uvmsim__map_unlock_since: release every map lock hold whose
 * acquisition number is at least since (the unwinding of a caught
 * panic).  An exclusive hold that ends moves the map's timestamp, as an
 * unlock does.
 */
void
uvmsim__map_unlock_since(struct uvmsim_machine *m, uint64_t since)
{
	struct uvmsim_maphold *mh;
	struct vm_map *map;

	while ((mh = m->maphold_top - 1) > &m->mapholds[0] &&
	    mh->mh_seq >= since) {
		map = (struct vm_map *)(mh->mh_key & ~UVMSIM__MH_EXCL);
		if (mh->mh_key & UVMSIM__MH_EXCL) {
			map->timestamp++;
			map->lock.lk_exholder = 0;
		} else if (map->lock.lk_sharecount > 0)
			map->lock.lk_sharecount--;
		m->maphold_top = mh;
	}
}
