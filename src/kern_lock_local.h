/*
 * kern_lock_local.h: the lock macros of kern_lock.h, acting on the
 * machine in the caller's local variable m.  Not installed.
 *
 * kern_lock.h's macros look up the thread's current machine at each lock
 * operation.  A file whose functions each hold the machine in m, looked
 * up once on entry, includes this header after kern_lock.h: the same
 * operations on the same locks (kern_lock.h's inline bodies, recording
 * the same holder, place and acquisition number), without a thread-local
 * load and test apiece.  A function with no m in scope fails to compile.
 * The loan code takes three locks a page it lends and returns.
 */
#ifndef UVMSIM_KERN_LOCK_LOCAL_H
#define UVMSIM_KERN_LOCK_LOCAL_H

#include "kern_lock.h"

#undef simple_lock
#define simple_lock(l)		uvmsim__simple_lock(m, (l), __FILE__, __LINE__)
#undef simple_lock_try
#define simple_lock_try(l)						\
	uvmsim__simple_lock_try(m, (l), __FILE__, __LINE__)
#undef simple_unlock
#define simple_unlock(l)	uvmsim__simple_unlock(m, (l), __FILE__, __LINE__)
#undef simple_lock_held
#define simple_lock_held(l)	((l)->lock_holder == m->curcpu + 1)
#undef uvm_lock_pageq
#define uvm_lock_pageq()						\
	uvmsim__simple_lock(m, &m->uvm.pageqlock, __FILE__, __LINE__)
#undef uvm_unlock_pageq
#define uvm_unlock_pageq()						\
	uvmsim__simple_unlock(m, &m->uvm.pageqlock, __FILE__, __LINE__)

#endif /* UVMSIM_KERN_LOCK_LOCAL_H */
