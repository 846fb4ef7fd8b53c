/*
 * kern_lock.h: the lock model: the simple lock operations the library
 * itself uses, inline, and the release of a caught panic's locks.  Not
 * installed.  The public operations are kern_lock.c's.
 */
#ifndef UVMSIM_KERN_LOCK_H
#define UVMSIM_KERN_LOCK_H

#include "uvmsim_cur.h"
#include "uvmsim_state.h"

/* Release every lock whose acquisition number is at least since (the
 * unwinding of a caught panic, through m->unwind): simple locks
 * (kern_lock.c), map locks (uvm_map_lock.c). */
void	uvmsim__unlock_since(struct uvmsim_machine *m, uint64_t since);
void	uvmsim__map_unlock_since(struct uvmsim_machine *m, uint64_t since);

/*
 * The simple lock operations, inline.  A fault takes and releases a
 * dozen locks; out of line, each was a call and a look-up of the current
 * machine more than the work itself.  kern_lock.c's public functions are
 * these same bodies, so a lock taken here is the lock taken there: it
 * records its holder, place and acquisition number and goes on the held
 * list (kern_lock.c's invariants).
 *
 * Each operation is a fast path and a slow one.  The fast path is the
 * common case, tested in one branch or two: nothing observes lock
 * operations, the lock is free (to take it) or this CPU's and the newest
 * held (to release it), no failpoint is armed (to try it).  Anything
 * else goes out of line to the slow path, which does the whole
 * operation in the order it always had: the observer first, then the
 * checks that panic, then the work.
 */
void	uvmsim__lock_fail(struct uvmsim_machine *m, const struct simplelock *l,
	    const char *file, int line) __attribute__((__noreturn__));
void	uvmsim__unlock_fail(struct uvmsim_machine *m,
	    const struct simplelock *l, const char *file, int line)
	    __attribute__((__noreturn__));

/*
 * The lock observer: m->lock_observer, when set, is called by every
 * simple lock operation before it acts (a try-lock: once it knows
 * whether it takes the lock), with the lock, the operation and its
 * place.  It is set while anyone looks (uvmsim__lock_observer_update):
 * the checker's loan-lock watch (cfg.check_loan_locks, m->loan_watch)
 * and the trace of lock operations (UVMSIM_TRACE_LOCK); the lock model
 * knows nothing of what they look at.  Off, it costs the fast paths
 * nothing of their own: its test is folded into theirs.
 */
enum uvmsim__lockop {
	UVMSIM__LOCK_TAKE,		/* simple_lock */
	UVMSIM__LOCK_TRY_OK,		/* simple_lock_try, taken */
	UVMSIM__LOCK_TRY_FAIL,		/* simple_lock_try, not taken */
	UVMSIM__LOCK_RELEASE		/* simple_unlock */
};
typedef void uvmsim__lock_observer_fn(struct uvmsim_machine *m,
	    const struct simplelock *l, int op, const char *file, int line);
/* The observer of kern_lock.c: the loan watch, then the trace. */
uvmsim__lock_observer_fn uvmsim__lock_observe;
/* Set m->lock_observer or clear it, as the loan watch and the trace
 * categories now ask; called when either changes. */
void	uvmsim__lock_observer_update(struct uvmsim_machine *m);

/* Which lock l is, for traces and reports: its kind ("pageq", "afree",
 * "swap", "object", "anon", "amap", "mapref", or "lock" for one the
 * machine does not know) and the id of what holds it (0 for the
 * machine's own).  Walks the objects, amaps, maps and anon blocks. */
const char *uvmsim__lock_ident(struct uvmsim_machine *m,
	    const struct simplelock *l, uint64_t *idp);

/* The oldest simple lock m holds, or NULL; *np: how many it holds.  (For
 * the messages of what must run with no lock held.) */
struct simplelock *uvmsim__held_oldest(struct uvmsim_machine *m, size_t *np);

/* The slow paths (kern_lock.c): each the whole operation, op told to
 * the observer as the fast path would. */
void	uvmsim__simple_lock_slow(struct uvmsim_machine *m,
	    struct simplelock *l, enum uvmsim__lockop op, const char *file,
	    int line);
void	uvmsim__simple_unlock_slow(struct uvmsim_machine *m,
	    struct simplelock *l, const char *file, int line);
int	uvmsim__simple_lock_try_slow(struct uvmsim_machine *m,
	    struct simplelock *l, const char *file, int line);

/*
 * uvmsim__lock_record: note l taken by holder at file:line, as the
 * newest held lock.
 *
 * => l is free; holder is m's current CPU + 1.
 */
static inline UVMSIM__ALWAYS_INLINE void
uvmsim__lock_record(struct uvmsim_machine *m, struct simplelock *l,
    uint32_t holder, const char *file, int line)
{
	l->lock_holder = holder;
	l->lock_file = file;
	l->lock_line = line;
	l->lock_seq = ++m->lockgen;
	SLIST_INSERT_HEAD(&m->held, l, list);
}

/*
 * uvmsim__simple_lock: take l on m's current CPU; panics if it is held.
 * Always inline: a compiler that puts a copy out of line in a file with
 * many lock operations (uvm_fault.c) adds a call, a frame and register
 * saves to each.  The one test: no observer and l free.  The holder
 * written is m->curcpu + 1, what simple_lock_held compares with, so that
 * the compiler sees an assertion that follows a take hold.
 */
static inline UVMSIM__ALWAYS_INLINE void
uvmsim__simple_lock(struct uvmsim_machine *m, struct simplelock *l,
    const char *file, int line)
{
	if (__predict_false(((uintptr_t)m->lock_observer |
	    l->lock_holder) != 0))
		uvmsim__simple_lock_slow(m, l, UVMSIM__LOCK_TAKE, file, line);
	else
		uvmsim__lock_record(m, l, m->curcpu + 1, file, line);
}

/*
 * uvmsim__simple_unlock: release l; panics unless this CPU holds it
 * (always inline, as uvmsim__simple_lock).  The fast path: no observer
 * and l this CPU's (one test: m->lock_self is never a holder while an
 * observer is set), l the newest held lock or the one before it, so that
 * it leaves the held list at its head.  The one before: uvm_analloc
 * takes the new anon's lock before it drops the free list's, on every
 * fault that makes an anon.  A release further out of order walks the
 * list, out of line.
 */
static inline UVMSIM__ALWAYS_INLINE void
uvmsim__simple_unlock(struct uvmsim_machine *m, struct simplelock *l,
    const char *file, int line)
{
	struct simplelock *top = SLIST_FIRST(&m->held);

	if (__predict_false(l->lock_holder != m->lock_self))
		uvmsim__simple_unlock_slow(m, l, file, line);
	else if (__predict_true(top == l)) {
		SLIST_REMOVE_HEAD(&m->held, list);
		l->lock_holder = 0;
	} else if (SLIST_NEXT(top, list) == l) {
		SLIST_REMOVE_AFTER(top, list);
		l->lock_holder = 0;
	} else
		uvmsim__simple_unlock_slow(m, l, file, line);
}

/*
 * uvmsim__simple_lock_try: take l if it is free (and the failpoint
 * "simple_lock_try" does not fire); 1 if taken.  Every try is a hit of
 * the failpoint; the fast path: it is disarmed, no observer, l free
 * (and so m->lock_self is the current CPU + 1).
 */
static inline int
uvmsim__simple_lock_try(struct uvmsim_machine *m, struct simplelock *l,
    const char *file, int line)
{
	struct uvmsim_failpoint *f = &m->fp[UVMSIM_FP_LOCKTRY];

	f->hits++;
	if (__predict_false((f->from | (uintptr_t)m->lock_observer |
	    l->lock_holder) != 0))
		return uvmsim__simple_lock_try_slow(m, l, file, line);
	uvmsim__lock_record(m, l, m->lock_self, file, line);
	return 1;
}

/* uvmsim__simple_lock_held: whether m's current CPU holds l. */
static inline UVMSIM__ALWAYS_INLINE int
uvmsim__simple_lock_held(const struct uvmsim_machine *m,
    const struct simplelock *l)
{
	return l->lock_holder == m->curcpu + 1;
}

/*
 * uvmsim__lock_hold: the hold l is in: its acquisition number while it is
 * held, 0 while it is free.  Two equal answers on either side of a
 * dropped lock say that nobody let l go and took it again between them
 * (the "the retry would spin for ever" panics of the loan and anon code).
 */
static inline uint64_t
uvmsim__lock_hold(const struct simplelock *l)
{
	return l->lock_holder != 0 ? l->lock_seq : 0;
}

/*
 * The library's own uses of the lock macros go to the inline bodies.
 * The machine is looked up under the public function's name, so that a
 * call with no machine reports what it always reported.
 *
 * A file on the fault path whose functions all hold the current machine
 * in a local (uvm_fault.c's m) defines UVMSIM_LOCK_M as that local
 * before it includes this header: its lock operations then use it and
 * skip the look-up, a load and a test each (a fault makes some thirty).
 * The local must be uvmsim__cur()'s answer, so the lock and its records
 * are the same.
 */
#ifdef UVMSIM_LOCK_M
#define uvmsim__lock_m(fn)	(UVMSIM_LOCK_M)
#else
#define uvmsim__lock_m(fn)	uvmsim__cur_fn(fn)
#endif
#undef simple_lock
#define simple_lock(l)							\
	uvmsim__simple_lock(uvmsim__lock_m("_simple_lock"), (l),	\
	    __FILE__, __LINE__)
#undef simple_lock_try
#define simple_lock_try(l)						\
	uvmsim__simple_lock_try(uvmsim__lock_m("_simple_lock_try"), (l),	\
	    __FILE__, __LINE__)
#undef simple_unlock
#define simple_unlock(l)						\
	uvmsim__simple_unlock(uvmsim__lock_m("_simple_unlock"), (l),	\
	    __FILE__, __LINE__)
#undef simple_lock_held
/* (a function, so that a failed LOCK_ASSERT names the check and the
 * lock: "uvmsim__simple_lock_held(m, (&anon->an_lock))") */
#define simple_lock_held(l)						\
	uvmsim__simple_lock_held(uvmsim__lock_m("_simple_lock_held"), (l))
#undef uvm_lock_pageq
#define uvm_lock_pageq() do {						\
	struct uvmsim_machine *m__ = uvmsim__lock_m("_uvm_lock_pageq");	\
	uvmsim__simple_lock(m__, &m__->uvm.pageqlock, __FILE__, __LINE__); \
} while (0)
#undef uvm_unlock_pageq
#define uvm_unlock_pageq() do {						\
	struct uvmsim_machine *m__ = uvmsim__lock_m("_uvm_unlock_pageq"); \
	uvmsim__simple_unlock(m__, &m__->uvm.pageqlock, __FILE__,	\
	    __LINE__);							\
} while (0)

#endif /* UVMSIM_KERN_LOCK_H */
