/*
 * kern_lock.c: simple locks with LOCKDEBUG's checks.
 *
 * The simulator runs one thread of control, so a lock is either free or
 * held by a simulated CPU (lock_holder = cpu + 1).  Taking a held lock can
 * never succeed and panics: "locking against myself" when the same CPU
 * holds it, a deadlock when another does.  Releasing a lock that is not
 * held, or that another CPU holds, panics too.  Messages name the places
 * that took and released the lock (file and line), never host addresses,
 * so traces stay the same from run to run.
 *
 * Invariants:
 *   1. A lock is on its machine's held list (m->held) iff lock_holder
 *	!= 0.
 *   2. The held list is newest first: lock_seq falls strictly along it
 *	(a take puts its lock at the head with the next acquisition
 *	number; a release takes one out from anywhere).  So the locks a
 *	caught panic releases, those taken since its catch began, are a
 *	run at the head; and a walk that finds lock_seq rising has met a
 *	list that a freed or reinitialised lock broke, and stops there.
 *
 * A singly linked list, since locks are mostly released newest first:
 * a take and a release in that order each touch the head only.  A
 * release out of order walks the list from its head, out of line (the
 * slow path), past the few locks taken after it.
 *
 * The bodies of taking and releasing are inline in kern_lock.h
 * (uvmsim__simple_lock, uvmsim__simple_unlock), where the library's own
 * uses of the lock macros reach them without a call; the functions here
 * serve everyone else, and hold the slow paths and the panics.
 *
 * Who looks at each lock operation (the lock observer, kern_lock.h) is
 * here too: the checker's loan-lock watch, and the trace of lock
 * operations (UVMSIM_TRACE_LOCK), which names each lock by its kind and
 * the id of what holds it (uvmsim__lock_ident), never by its address.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "uvmsim_state.h"
#include "uvmsim_cur.h"
#include "kern_lock.h"
#include "uvmsim_problem.h"
#include "uvmsim_trace.h"

void
simple_lock_init(struct simplelock *l)
{
	l->lock_holder = 0;
	l->lock_line = 0;
	l->lock_file = NULL;
	l->lock_seq = 0;
}

/*
 * uvmsim__lock_fail: the panic of taking a held lock.
 */
void
uvmsim__lock_fail(struct uvmsim_machine *m, const struct simplelock *l,
    const char *file, int line)
{
	if (l->lock_holder == m->curcpu + 1)
		uvmsim__panic(m, "simple_lock: locking against myself: "
		    "taken at %s:%d, again at %s:%d", l->lock_file,
		    l->lock_line, file, line);
	uvmsim__panic(m, "simple_lock: deadlock: held by cpu %u "
	    "(taken at %s:%d), wanted by cpu %u at %s:%d",
	    l->lock_holder - 1, l->lock_file, l->lock_line,
	    m->curcpu, file, line);
}

/*
 * uvmsim__unlock_fail: the panic of releasing a lock this CPU does not
 * hold.
 */
void
uvmsim__unlock_fail(struct uvmsim_machine *m, const struct simplelock *l,
    const char *file, int line)
{
	if (l->lock_holder == 0)
		uvmsim__panic(m, "simple_unlock: lock not held, "
		    "released at %s:%d", file, line);
	uvmsim__panic(m, "simple_unlock: lock held by cpu %u "
	    "(taken at %s:%d), released by cpu %u at %s:%d",
	    l->lock_holder - 1, l->lock_file, l->lock_line,
	    m->curcpu, file, line);
}

/*
 * uvmsim__simple_lock_slow: take l as op, with everything the fast path
 * left out: the observer first, then the panic of a held lock.
 */
void
uvmsim__simple_lock_slow(struct uvmsim_machine *m, struct simplelock *l,
    enum uvmsim__lockop op, const char *file, int line)
{
	if (m->lock_observer != NULL)
		m->lock_observer(m, l, op, file, line);
	if (l->lock_holder != 0)
		uvmsim__lock_fail(m, l, file, line);
	uvmsim__lock_record(m, l, m->curcpu + 1, file, line);
}

/*
 * uvmsim__simple_unlock_slow: release l, with the observer first, then
 * the panics of a lock this CPU does not hold, and a release out of
 * order: l is found on the held list by a walk from its head.
 */
void
uvmsim__simple_unlock_slow(struct uvmsim_machine *m, struct simplelock *l,
    const char *file, int line)
{
	if (m->lock_observer != NULL)
		m->lock_observer(m, l, UVMSIM__LOCK_RELEASE, file, line);
	if (l->lock_holder != m->curcpu + 1)
		uvmsim__unlock_fail(m, l, file, line);
	/* held (invariant 1): SLIST_REMOVE's walk ends at l */
	SLIST_REMOVE(&m->held, l, simplelock, list);
	l->lock_holder = 0;
}

/*
 * uvmsim__simple_lock_try_slow: the try of l when the failpoint is
 * armed, something observes or l is held (its hit is counted already):
 * a failed try is told to the observer as one, a good one is a take.
 */
int
uvmsim__simple_lock_try_slow(struct uvmsim_machine *m, struct simplelock *l,
    const char *file, int line)
{
	if ((m->fp[UVMSIM_FP_LOCKTRY].from != 0 &&
	    uvmsim__fp_fire(m, UVMSIM_FP_LOCKTRY)) || l->lock_holder != 0) {
		if (m->lock_observer != NULL)
			m->lock_observer(m, l, UVMSIM__LOCK_TRY_FAIL, file,
			    line);
		return 0;
	}
	uvmsim__simple_lock_slow(m, l, UVMSIM__LOCK_TRY_OK, file, line);
	return 1;
}

void
_simple_lock(struct simplelock *l, const char *file, int line)
{
	uvmsim__simple_lock(uvmsim__cur(), l, file, line);
}

int
_simple_lock_try(struct simplelock *l, const char *file, int line)
{
	return uvmsim__simple_lock_try(uvmsim__cur(), l, file, line);
}

void
_simple_unlock(struct simplelock *l, const char *file, int line)
{
	uvmsim__simple_unlock(uvmsim__cur(), l, file, line);
}

int
_simple_lock_held(const struct simplelock *l)
{
	struct uvmsim_machine *m = uvmsim__cur();

	return l->lock_holder == m->curcpu + 1;
}

/*
 * uvmsim__unlock_since: release the locks taken since since, a run at
 * the head of the held list (invariant 2).
 */
void
uvmsim__unlock_since(struct uvmsim_machine *m, uint64_t since)
{
	struct simplelock *l;
	uint64_t prev = UINT64_MAX;

	while ((l = SLIST_FIRST(&m->held)) != NULL && l->lock_seq >= since &&
	    l->lock_seq < prev) {
		prev = l->lock_seq;
		SLIST_REMOVE_HEAD(&m->held, list);
		l->lock_holder = 0;
	}
}

/*
 * held_next: the lock after l on the held list, or NULL at its end or
 * where lock_seq stops falling (invariant 2: a broken list).
 */
static struct simplelock *
held_next(const struct simplelock *l)
{
	struct simplelock *next = SLIST_NEXT(l, list);

	return next != NULL && next->lock_seq < l->lock_seq ? next : NULL;
}

struct simplelock *
uvmsim__held_oldest(struct uvmsim_machine *m, size_t *np)
{
	struct simplelock *l, *next;
	size_t n = 0;

	if ((l = SLIST_FIRST(&m->held)) != NULL)
		for (n = 1; (next = held_next(l)) != NULL; n++)
			l = next;
	*np = n;
	return l;
}

/* ---- checks ---- */

/*
 * uvmsim__lock_ident: say which lock l is, by finding the structure that
 * holds it.
 */
const char *
uvmsim__lock_ident(struct uvmsim_machine *m, const struct simplelock *l,
    uint64_t *idp)
{
	struct uvmsim_anonblock *ab;
	struct uvm_object *o;
	struct vm_amap *am;
	struct vm_map *map;
	uintptr_t a, base;

	*idp = 0;
	if (l == &m->uvm.pageqlock)
		return "pageq";
	if (l == &m->uvm.afreelock)
		return "afree";
	if (l == &m->swap.lock)
		return "swap";
	/* An anon's lock: found by the block that holds it, not by a walk
	 * of every anon; an address compare within one block only. */
	a = (uintptr_t)l;
	SLIST_FOREACH(ab, &m->anonblocks, ab_list) {
		base = (uintptr_t)&ab->ab_anons[0];
		if (a >= base && a < (uintptr_t)&ab->ab_anons[ab->ab_count]) {
			*idp = ab->ab_anons[(a - base) /
			    sizeof(struct vm_anon)].an_id;
			return "anon";
		}
	}
	TAILQ_FOREACH(o, &m->objects, uo_list)
		if (l == &o->vmobjlock) {
			*idp = o->uo_id;
			return "object";
		}
	TAILQ_FOREACH(am, &m->amaps, am_list)
		if (l == &am->am_l) {
			*idp = am->am_id;
			return "amap";
		}
	TAILQ_FOREACH(map, &m->maps, map_list)
		if (l == &map->ref_lock) {
			*idp = map->map_id;
			return "mapref";
		}
	return "lock";
}

/*
 * lock_name: say which lock l is, in a report's words.
 */
static void
lock_name(struct uvmsim_machine *m, const struct simplelock *l, char *buf,
    size_t len)
{
	uint64_t id;
	const char *kind = uvmsim__lock_ident(m, l, &id);

	if (strcmp(kind, "pageq") == 0)
		snprintf(buf, len, "page queue lock");
	else if (strcmp(kind, "afree") == 0)
		snprintf(buf, len, "anon free list lock");
	else if (strcmp(kind, "object") == 0)
		snprintf(buf, len, "object %" PRIu64 " vmobjlock", id);
	else if (strcmp(kind, "anon") == 0)
		snprintf(buf, len, "anon %" PRIu64 " an_lock", id);
	else if (strcmp(kind, "amap") == 0)
		snprintf(buf, len, "amap %" PRIu64 " am_l", id);
	else
		snprintf(buf, len, "lock");
}

/* ---- the lock observer ---- */

/*
 * uvmsim__lock_observe: what looks at each lock operation (kern_lock.h):
 * the loan-lock watch (not at a failed try, which changes nothing), then
 * the trace.  A lock event ticks no clock: it carries the seq of the
 * event before it, so that turning the category on adds lines to a trace
 * and changes none.  Its context: 0 the caller, 1 a lock-drop hook, 2
 * the page daemon.
 */
void
uvmsim__lock_observe(struct uvmsim_machine *m, const struct simplelock *l,
    int op, const char *file, int line)
{
	unsigned type;
	uint64_t id, ctx;
	const char *kind;

	if (m->loan_watch != NULL && op != UVMSIM__LOCK_TRY_FAIL)
		m->loan_watch(m, file, line);
	type = op == UVMSIM__LOCK_TAKE ? UVMSIM_EV_LOCK :
	    op == UVMSIM__LOCK_RELEASE ? UVMSIM_EV_UNLOCK : UVMSIM_EV_LOCK_TRY;
	if (!bit_test(m->trace_types, type))
		return;
	kind = uvmsim__lock_ident(m, l, &id);
	ctx = m->in_hook ? 1 : m->in_pagedaemon ? 2 : 0;
	uvmsim__trace_emit(m, type, id, ctx, op == UVMSIM__LOCK_TRY_OK, 0,
	    kind);
}

void
uvmsim__lock_observer_update(struct uvmsim_machine *m)
{
	bool traced = bit_test(m->trace_types, UVMSIM_EV_LOCK) ||
	    bit_test(m->trace_types, UVMSIM_EV_LOCK_TRY) ||
	    bit_test(m->trace_types, UVMSIM_EV_UNLOCK);

	m->lock_observer = m->loan_watch != NULL || traced ?
	    uvmsim__lock_observe : NULL;
	uvmsim__lock_self_update(m);
}

void
uvmsim__check_locks(struct uvmsim_machine *m, struct uvmsim_report *r)
{
	struct simplelock *l;
	char who[48];
	size_t i, j, n;
	uint32_t self;

	self = m->lock_observer != NULL ? UVMSIM__LOCK_SELF_OBSERVED :
	    m->curcpu + 1;
	if (m->lock_self != self)
		uvmsim__problem(r, "lock.curcpu", "machine", "lock_self",
		    "the holder the lock fast paths use is %" PRIu32 ", not "
		    "%" PRIu32 " (CPU %u current%s)", m->lock_self, self,
		    m->curcpu, m->lock_observer != NULL ?
		    ", a lock observer set" : "");

	/* Oldest first, as they were taken: the list's i-th from its head
	 * for i from its last down. */
	(void)uvmsim__held_oldest(m, &n);
	for (i = n; i-- > 0;) {
		for (l = SLIST_FIRST(&m->held), j = 0; j < i; j++)
			l = SLIST_NEXT(l, list);
		lock_name(m, l, who, sizeof(who));
		uvmsim__problem(r, "lock.held", who, "lock_holder",
		    "held by cpu %u since %s:%d", l->lock_holder - 1,
		    l->lock_file, l->lock_line);
	}
}
