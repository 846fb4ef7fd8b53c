/*
 * uvmsim/compat/kern_env.h: the kernel environment that the compat
 * headers (sys/cdefs.h ... uvm/uvm.h) give kernel source compiled against the
 * simulator.  Every compat header includes this one; the simulator's own
 * code and its users never do (<uvmsim/uvmsim.h> does not pull it in).
 *
 * A kernel file is built as a module of the library, in place of the
 * module of the same name (docs/kernel-code.md).  It sees the public
 * headers and kern_glue.h, never the machine's layout: what the kernel
 * keeps in globals (uvmexp, lbolt) is the current machine's here,
 * reached through macros that call the glue; what the kernel does by
 * sleeping (tsleep) runs the machine's lock-drop hooks
 * (src/compat/kern_compat.c), and uvm_wait is the library's
 * (src/uvm_pdaemon.c).
 *
 * Order matters: every structure is declared before the macros that
 * take the kernel's global names (uvmexp, lbolt), since afterwards those
 * names no longer work as structure tags.
 */
#ifndef UVMSIM_COMPAT_KERN_ENV_H
#define UVMSIM_COMPAT_KERN_ENV_H

/*
 * Kernel loan files declare their steps (uvm_loananon, ...) static; the
 * library's declarations of them, non-static, must stay out of the way.
 * This selects declarations only.
 */
#ifndef UVMSIM_SEED_LOAN
#define UVMSIM_SEED_LOAN 1
#endif

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include <uvmsim/uvmsim.h>
#include <uvmsim/compat/kern_glue.h>

/* ---- functions of the kernel environment (src/compat/kern_compat.c) ---- */

/* Sleep on chan until a wakeup(chan) (from a "tsleep" hook), or timo
 * ticks if timo > 0 (then EWOULDBLOCK); lbolt's wakeup always comes.
 * Panics if called with simple locks held, or if nothing could ever end
 * the sleep.  Signals do not exist: PCATCH never interrupts. */
int	tsleep(void *chan, int pri, const char *wmesg, int timo);
void	wakeup(void *chan);
/* uvm_wait, the wait for the page daemon, is the library's own:
 * <uvmsim/uvm_pdaemon.h>. */

/* The kernel's malloc(9): host memory; M_WAITOK never fails.  The flags
 * are here for the glue; <sys/malloc.h> gives the rest. */
#define M_WAITOK	0x0000	/* may sleep: never fails */
#define M_NOWAIT	0x0001	/* may fail (NULL) */
#define M_ZERO		0x0002	/* zeroed */

#ifndef UVMSIM_KERN_GLUE	/* the macros: not in the glue's own file */

/* ---- the kernel's globals: the current machine's ---- */

#define uvmexp		(*uvmsim__kern_uvmexp())
#define lbolt		(*uvmsim__kern_lbolt())

/* Page size: the machine's, fixed when it was created (as on ports whose
 * page size is chosen at boot). */
#undef PAGE_SIZE
#undef PAGE_MASK
#undef PAGE_SHIFT
#define PAGE_SIZE	(uvmexp.pagesize)
#define PAGE_MASK	(uvmexp.pagemask)
#define PAGE_SHIFT	(uvmexp.pageshift)

#undef simple_lock_try
#define simple_lock_try(l)	uvmsim__kern_lock_try((l), __FILE__, __LINE__)

#define uvmfault_lookup(ufi, wl)	uvmsim__kern_fault_lookup((ufi), (wl))

/* Sleep priorities: accepted and ignored (one thread of control). */
#define PSWP	0
#define PVM	4
#define PINOD	8
#define PRIBIO	16
#define PZERO	22
#define PWAIT	32
#define PCATCH	0x100

#ifndef MIN
#define MIN(a, b)	((a) < (b) ? (a) : (b))
#define MAX(a, b)	((a) > (b) ? (a) : (b))
#endif

#endif /* !UVMSIM_KERN_GLUE */

#endif /* UVMSIM_COMPAT_KERN_ENV_H */
