/*
 * uvmsim_live.c: sets of a machine's live amaps, objects and maps, for
 * the checks.
 *
 * The map checker (uvmsim__check_maps, uvm_map.c) asks of every entry
 * whether its amap and its object are live, and of every process whether
 * its address space is: each answer comes from a set of the live
 * structures' addresses, built once per check, so that the check stays
 * linear in entries, amaps, objects and processes.  The set is only
 * asked, never walked: no order depends on host addresses.  Should the
 * host have no memory for a set, the answer comes from a walk of the
 * machine's list instead: slower, the same answer.
 *
 * The sets are scratch memory of the check, taken without a hit of
 * "host_alloc" (a check between two steps must not move the hit numbers
 * of what it checks); the failpoint "uvmsim_check.live", hit once per
 * set (three per check), stands for the host having no memory for one,
 * so a test can run the walk and see it find what the sets find.
 *
 * The sets are a checker's tool, not part of any kernel structure: they
 * live here, below every module, so that a check of any layer may ask.
 */
#include <stdlib.h>
#include <string.h>

#include "uvmsim_state.h"
#include "uvmsim_problem.h"

/* ---- static helpers ----------------------------------------------------- */

static size_t
ptrset_hash(const struct uvmsim_ptrset *s, const void *p)
{
	uint64_t h = (uint64_t)(uintptr_t)p * 0x9e3779b97f4a7c15ULL;

	return (size_t)(h ^ (h >> 29)) & s->ps_mask;
}

/*
 * ptrset_init: room for n pointers, at most half full; false: no memory
 * (s->ps_slot NULL), a host failure or m's "uvmsim_check.live".
 */
static bool
ptrset_init(struct uvmsim_machine *m, struct uvmsim_ptrset *s, size_t n)
{
	size_t slots = 16;

	while (slots < 2 * n)
		slots <<= 1;
	s->ps_mask = slots - 1;
	if (uvmsim__fp(m, UVMSIM_FP_CHECKLIVE))
		return false;
	s->ps_slot = uvmsim__calloc(NULL, slots, sizeof(*s->ps_slot));
	return s->ps_slot != NULL;
}

/*
 * ptrset_add: p into s.
 * => p is not in s yet: a machine's list holds each structure once.
 */
static void
ptrset_add(struct uvmsim_ptrset *s, const void *p)
{
	size_t i;

	for (i = ptrset_hash(s, p); s->ps_slot[i] != NULL;
	    i = (i + 1) & s->ps_mask)
		continue;
	s->ps_slot[i] = p;
}

static bool
ptrset_has(const struct uvmsim_ptrset *s, const void *p)
{
	size_t i;

	for (i = ptrset_hash(s, p); s->ps_slot[i] != NULL;
	    i = (i + 1) & s->ps_mask)
		if (s->ps_slot[i] == p)
			return true;
	return false;
}


/*
 * uvmsim__live_build: the sets of m's live amaps, objects and maps; ls->have
 * false when the host had no memory for one of them.
 */
void
uvmsim__live_build(struct uvmsim_machine *m, struct uvmsim_live *ls)
{
	const struct vm_amap *a;
	const struct uvm_object *o;
	const struct vm_map *map;
	size_t na = 0, no = 0, nm = 0;

	TAILQ_FOREACH(a, &m->amaps, am_list)
		na++;
	TAILQ_FOREACH(o, &m->objects, uo_list)
		no++;
	TAILQ_FOREACH(map, &m->maps, map_list)
		nm++;
	memset(ls, 0, sizeof(*ls));
	if (!ptrset_init(m, &ls->amaps, na) ||
	    !ptrset_init(m, &ls->objects, no) ||
	    !ptrset_init(m, &ls->maps, nm)) {
		uvmsim__free(ls->amaps.ps_slot);
		uvmsim__free(ls->objects.ps_slot);
		uvmsim__free(ls->maps.ps_slot);
		return;
	}
	TAILQ_FOREACH(a, &m->amaps, am_list)
		ptrset_add(&ls->amaps, a);
	TAILQ_FOREACH(o, &m->objects, uo_list)
		ptrset_add(&ls->objects, o);
	TAILQ_FOREACH(map, &m->maps, map_list)
		ptrset_add(&ls->maps, map);
	ls->have = true;
}

/* uvmsim__live_free: free the sets uvmsim__live_build made. */
void
uvmsim__live_free(struct uvmsim_live *ls)
{
	if (!ls->have)
		return;
	uvmsim__free(ls->amaps.ps_slot);
	uvmsim__free(ls->objects.ps_slot);
	uvmsim__free(ls->maps.ps_slot);
}

/*
 * uvmsim__live_amap, uvmsim__live_obj, uvmsim__live_map: true when amap,
 * uobj or map is one of the machine's live ones.
 */
bool
uvmsim__live_amap(const struct uvmsim_machine *m, const struct uvmsim_live *ls,
    const struct vm_amap *amap)
{
	const struct vm_amap *a;

	if (ls->have)
		return ptrset_has(&ls->amaps, amap);
	TAILQ_FOREACH(a, &m->amaps, am_list)
		if (a == amap)
			return true;
	return false;
}

bool
uvmsim__live_obj(const struct uvmsim_machine *m, const struct uvmsim_live *ls,
    const struct uvm_object *uobj)
{
	const struct uvm_object *o;

	if (ls->have)
		return ptrset_has(&ls->objects, uobj);
	TAILQ_FOREACH(o, &m->objects, uo_list)
		if (o == uobj)
			return true;
	return false;
}

bool
uvmsim__live_map(const struct uvmsim_machine *m, const struct uvmsim_live *ls,
    const struct vm_map *map)
{
	const struct vm_map *mp;

	if (ls->have)
		return ptrset_has(&ls->maps, map);
	TAILQ_FOREACH(mp, &m->maps, map_list)
		if (mp == map)
			return true;
	return false;
}
