/*
 * uvmsim/compat/kern_glue.h: the entry points the kernel environment
 * (kern_env.h) reaches the simulator through, and nothing more.
 *
 * Kernel source compiled against the compat headers sees the public
 * headers and these few functions, never the machine's layout: what the
 * kernel keeps in globals is found by a call that looks up the calling
 * thread's current machine, and what the kernel does by sleeping or by
 * spinning is done here on its behalf.  The bodies are in
 * src/compat/kern_compat.c, which is linked into every library built
 * with kernel source (uvmsim_kernel_library) and into no other.  Each
 * panics, as a kernel-named function does, when the thread has no
 * current machine.
 */
#ifndef UVMSIM_COMPAT_KERN_GLUE_H
#define UVMSIM_COMPAT_KERN_GLUE_H

#include <uvmsim/uvmsim.h>

/* The current machine's counters: the kernel's global uvmexp. */
struct uvmexp *uvmsim__kern_uvmexp(void);

/* The current machine's lbolt, whose address is the channel the clock
 * wakes once a second. */
int	*uvmsim__kern_lbolt(void);

/* The kernel's malloc(9) and free(9) over host memory: M_WAITOK never
 * fails (a host failure panics), M_NOWAIT may, M_ZERO zeroes. */
void	*uvmsim__kern_malloc(unsigned long size, int type, int flags);
void	uvmsim__kern_free(void *addr, int type);

/* simple_lock_try for kernel code: as the library's, but a retry loop
 * against a lock that nothing can release spins out (a panic). */
int	uvmsim__kern_lock_try(struct simplelock *l, const char *file,
	    int line);

/* uvmfault_lookup for kernel code, which cannot leave messages of its
 * own: a lookup that finds its entry clears the thread's last error
 * (uvmsim_last_error), one that finds a hole says where. */
boolean_t uvmsim__kern_fault_lookup(struct uvm_faultinfo *ufi,
	    boolean_t write_lock);

/* UVMHIST_LOG with options UVMHIST: a line in the machine's text trace. */
void	uvmsim__kern_hist(const char *func, const char *fmt, unsigned long a,
	    unsigned long b, unsigned long c, unsigned long d);

#endif /* UVMSIM_COMPAT_KERN_GLUE_H */
