/*
 * uvmsim/lock.h: simple locks, modelled as LOCKDEBUG kernels check them.
 *
 * A simple lock here never spins: the simulator runs one thread of control
 * at a time, so a lock that is already held when it is taken can never be
 * released.  Taking it is therefore reported as the kernel's LOCKDEBUG code
 * reports it ("locking against myself" when the same simulated CPU holds
 * it, a deadlock when another does) through the panic handler.  Releasing
 * a lock that is not held is reported the same way.
 *
 * Every held lock sits on its machine's list of held locks, newest first,
 * so the checker can name each lock left held and the place that took it.  A failpoint can make simple_lock_try() fail, which is how the
 * retry loops around try-locks are exercised.
 */
#ifndef UVMSIM_LOCK_H
#define UVMSIM_LOCK_H

#include <sys/queue.h>

#include <uvmsim/types.h>

struct simplelock {
	uint32_t	lock_holder;	/* 0 when free, else holding cpu + 1 */
	int		lock_line;	/* line that last took it */
	const char	*lock_file;	/* file that last took it */
	uint64_t	lock_seq;	/* acquisition number on its machine */
	SLIST_ENTRY(simplelock) list;	/* machine's held locks, while held */
};

#define SIMPLELOCK_INITIALIZER	{ 0, 0, NULL, 0, { NULL } }

void	simple_lock_init(struct simplelock *);
void	_simple_lock(struct simplelock *, const char *, int);
int	_simple_lock_try(struct simplelock *, const char *, int);
void	_simple_unlock(struct simplelock *, const char *, int);
int	_simple_lock_held(const struct simplelock *);

#define simple_lock(l)		_simple_lock((l), __FILE__, __LINE__)
#define simple_lock_try(l)	_simple_lock_try((l), __FILE__, __LINE__)
#define simple_unlock(l)	_simple_unlock((l), __FILE__, __LINE__)
#define simple_lock_held(l)	_simple_lock_held(l)

/* Lock assertions are always on: the simulator is a LOCKDEBUG kernel. */
#define LOCK_ASSERT(x)		KASSERT(x)

#endif /* UVMSIM_LOCK_H */
