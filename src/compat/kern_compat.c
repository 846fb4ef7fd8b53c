/*
 * kern_compat.c: the kernel environment of kernel source compiled
 * against the simulator (include/uvmsim/compat, docs/kernel-code.md):
 * sleeping and waking, malloc(9), a LOCKDEBUG-style
 * try-lock, UVMHIST lines, and the loan behaviours a kernel loan file
 * gives the machine.  Linked only into the libraries built with a kernel
 * file (uvmsim_kernel_library: libuvmsim_kernloan, or a harness's own
 * from an installed copy), never into libuvmsim.
 *
 * Sleeping.  Nothing else runs in the simulator, so a sleep is a visit to
 * a lock-drop hook ("tsleep", "uvm_wait"): the hook is the other CPU, the
 * page daemon or the clock.  A sleep ends when the kernel's would:
 *   - tsleep on lbolt: always (the clock wakes lbolt every second);
 *   - tsleep on another channel: when the hook called wakeup() on it, or
 *     at the timeout if there is one; otherwise it would never end, and
 *     that panics, saying so;
 *   - uvm_wait: the library's own (src/uvm_pdaemon.c): its hook, then the
 *     page daemon if the machine's policy says so; the caller tries
 *     again, and many waits in a row with the free count unchanged would
 *     go on for ever, and panic.
 * A sleep with a simple lock held is LOCKDEBUG's "switching with a simple
 * lock held": a panic, naming the lock's taker.
 *
 * Spinning.  A try-lock loop against a lock held by someone (this CPU, or
 * another whose code does not run) can never succeed: the same
 * acquisition of the same lock failing SPINOUT times in a row panics, as
 * a kernel's spinout check does.  Failures injected by the
 * "simple_lock_try" failpoint hit a free lock and do not count.
 *
 * Per-machine state lives in m->kenv; nothing here is global.  These
 * functions are the glue of include/uvmsim/compat/kern_glue.h: kernel
 * source reaches the machine through them and never sees its layout.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "uvmsim_state.h"
#include "uvmsim_cur.h"
#include "kern_lock.h"

#define UVMSIM_KERN_GLUE	1	/* declarations only, no macros */
#include <uvmsim/compat/kern_env.h>

/* Failed tries in a row of one acquisition of a lock: a spin. */
#define SPINOUT		1000

/*
 * tsleep: sleep on chan until wakeup(chan) or timo ticks (0: no timeout).
 *
 * => no simple lock held.
 * => returns 0 when woken, EWOULDBLOCK at the timeout.
 */
int
tsleep(void *chan, int pri, const char *wmesg, int timo)
{
	struct uvmsim_machine *m = uvmsim__cur();

	(void)pri;
	KASSERT(chan != NULL && wmesg != NULL && timo >= 0);
	if (uvmsim__sleep(m, chan, "tsleep", wmesg) || chan == &m->kenv.lbolt)
		return 0;
	if (timo > 0)
		return EWOULDBLOCK;
	uvmsim__panic(m, "tsleep: \"%s\": no wakeup came and there is no "
	    "timeout: the sleep would never end", wmesg);
}

/*
 * wakeup: wake the sleepers on chan: the tsleep whose hook is running,
 * if it sleeps there.  With nobody asleep it does nothing, as the
 * kernel's does.
 */
void
wakeup(void *chan)
{
	struct uvmsim_machine *m = uvmsim__cur();

	if (chan != NULL && chan == m->kenv.sleep_chan)
		m->kenv.woken = true;
}

/* uvmsim__kern_uvmexp: the current machine's counters (uvmexp). */
struct uvmexp *
uvmsim__kern_uvmexp(void)
{
	return &uvmsim__cur()->uvmexp;
}

/* uvmsim__kern_lbolt: the current machine's lbolt (its channel). */
int *
uvmsim__kern_lbolt(void)
{
	return &uvmsim__cur()->kenv.lbolt;
}

/*
 * uvmsim__kern_malloc: malloc(9).  M_NOWAIT may fail: a hit of the
 * machine's failpoint "host_alloc", and the kernel caller handles NULL.
 * M_WAITOK never returns NULL (1.6's malloc sleeps for memory and its
 * callers do not check): it is no failpoint hit, since the sleep would
 * outlast any shortage, and a host with no memory at all panics, as
 * 1.6's malloc does when kmem_map has no room left.
 */
void *
uvmsim__kern_malloc(unsigned long size, int type, int flags)
{
	struct uvmsim_machine *m = uvmsim__cur();
	struct uvmsim_machine *hm = (flags & M_NOWAIT) != 0 ? m : NULL;
	void *p;

	(void)type;
	KASSERT((flags & ~(M_NOWAIT | M_ZERO)) == 0);
	p = (flags & M_ZERO) != 0 ? uvmsim__calloc(hm, 1, size) :
	    uvmsim__malloc(hm, size);
	if (p == NULL && (flags & M_NOWAIT) == 0)
		uvmsim__panic(m, "malloc: %lu bytes with M_WAITOK: the host "
		    "has no memory left", size);
	return p;
}

void
uvmsim__kern_free(void *addr, int type)
{
	(void)type;
	uvmsim__free(addr);
}

/*
 * uvmsim__kern_lock_try: simple_lock_try for kernel code.
 *
 * => 1 with l taken, 0 if it is held (or the failpoint fired).
 * => the SPINOUT-th failure in a row against one acquisition of l panics.
 */
int
uvmsim__kern_lock_try(struct simplelock *l, const char *file, int line)
{
	struct uvmsim_machine *m = uvmsim__cur();

	if (_simple_lock_try(l, file, line)) {
		m->kenv.spin_lock = NULL;
		return 1;
	}
	if (l->lock_holder == 0) {
		m->kenv.spin_lock = NULL;	/* an injected failure */
		return 0;
	}
	if (m->kenv.spin_lock != l || m->kenv.spin_seq != l->lock_seq) {
		m->kenv.spin_lock = l;
		m->kenv.spin_seq = l->lock_seq;
		m->kenv.spin_tries = 0;
	}
	if (++m->kenv.spin_tries >= SPINOUT) {
		m->kenv.spin_lock = NULL;
		uvmsim__panic(m, "simple_lock_try: spinout at %s:%d: the lock "
		    "is held by cpu %u (taken at %s:%d) and nothing runs to "
		    "release it: the retry would spin for ever", file, line,
		    l->lock_holder - 1, l->lock_file, l->lock_line);
	}
	return 0;
}

/*
 * uvmsim__kern_fault_lookup: uvmfault_lookup for kernel code.
 *
 * => as uvmfault_lookup (TRUE: found, map locked; FALSE: nothing mapped
 *    at ufi->orig_rvaddr, nothing locked).
 * => kernel code sets no message of its own (uvmsim_last_error): found,
 *    the thread's last error is cleared, so that a kernel uvm_loan, which
 *    looks its range up first, never leaves an older, unrelated message
 *    behind when it fails; a hole leaves one saying where.
 */
boolean_t
uvmsim__kern_fault_lookup(struct uvm_faultinfo *ufi, boolean_t write_lock)
{
	struct uvmsim_machine *m = uvmsim__cur();

	if (uvmfault_lookup(ufi, write_lock)) {
		uvmsim__error_clear(m);
		return TRUE;
	}
	(void)uvmsim__error(m, ENOENT, "uvmfault_lookup: a hole at va %#jx: "
	    "nothing mapped there", (uintmax_t)ufi->orig_rvaddr);
	return FALSE;
}

/*
 * uvmsim__kern_hist: one UVMHIST line, to the machine's text trace when
 * it records UVMSIM_TRACE_MISC; not an event (no number, not in the ring).
 */
void
uvmsim__kern_hist(const char *func, const char *fmt, unsigned long a,
    unsigned long b, unsigned long c, unsigned long d)
{
	struct uvmsim_machine *m = uvmsim__cur();

	if (m->trace_fp == NULL || (m->trace_cats & UVMSIM_TRACE_MISC) == 0)
		return;
	fprintf(m->trace_fp, "hist %s: ", func);
	fprintf(m->trace_fp, fmt, a, b, c, d);
	fputc('\n', m->trace_fp);
}

/*
 * uvmsim__loan_behaviours: a kernel loan file is 1.6's: the 1.39
 * behaviour, and no loan ledger (the checker counts loans loosely).
 */
unsigned
uvmsim__loan_behaviours(void)
{
	return UVMSIM__LOAN_139;
}
