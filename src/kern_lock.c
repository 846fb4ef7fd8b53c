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
 * Invariant: a lock is on its machine's held list iff lock_holder != 0;
 * m->nheld is the length of that list.
 *
 * The bodies of taking and releasing are inline in kern_lock.h
 * (uvmsim__simple_lock, uvmsim__simple_unlock), where the library's own
 * uses of the lock macros reach them without a call; the functions here
 * serve everyone else, and hold the panics.
 */
#include <stdio.h>

#include "uvmsim_state.h"
#include "uvmsim_cur.h"
#include "kern_lock.h"
#include "uvmsim_problem.h"

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

void
uvmsim__unlock_since(struct uvmsim_machine *m, uint64_t since)
{
	struct simplelock *l, *next;

	TAILQ_FOREACH_SAFE(l, &m->held, list, next) {
		if (l->lock_seq < since)
			continue;
		TAILQ_REMOVE(&m->held, l, list);
		m->nheld--;
		l->lock_holder = 0;
	}
}

/* ---- checks ---- */

/*
 * lock_name: say which lock l is, by finding the structure that holds it.
 */
static void
lock_name(struct uvmsim_machine *m, const struct simplelock *l, char *buf,
    size_t len)
{
	struct uvm_object *o;
	struct vm_anon *a;
	struct vm_amap *am;

	if (l == &m->uvm.pageqlock) {
		snprintf(buf, len, "page queue lock");
		return;
	}
	if (l == &m->uvm.afreelock) {
		snprintf(buf, len, "anon free list lock");
		return;
	}
	TAILQ_FOREACH(o, &m->objects, uo_list)
		if (l == &o->vmobjlock) {
			snprintf(buf, len, "object %u vmobjlock", o->uo_id);
			return;
		}
	TAILQ_FOREACH(a, &m->anons, an_list)
		if (l == &a->an_lock) {
			snprintf(buf, len, "anon %u an_lock", a->an_id);
			return;
		}
	TAILQ_FOREACH(am, &m->amaps, am_list)
		if (l == &am->am_l) {
			snprintf(buf, len, "amap %u am_l", am->am_id);
			return;
		}
	snprintf(buf, len, "lock");
}

void
uvmsim__check_locks(struct uvmsim_machine *m, struct uvmsim_report *r)
{
	struct simplelock *l;
	char who[48];
	size_t n = 0;

	TAILQ_FOREACH(l, &m->held, list) {
		if (++n > m->nheld)
			break;
		lock_name(m, l, who, sizeof(who));
		uvmsim__problem(r, "lock.held", who, "lock_holder",
		    "held by cpu %u since %s:%d", l->lock_holder - 1,
		    l->lock_file, l->lock_line);
	}
}
