/*
 * uvmsim/systm.h: panic and assertions.
 *
 * panic() and a failed KASSERT() go to the panic handler of the calling
 * thread's current machine.  The default handler prints the message and the
 * tail of the trace, then aborts; a test installs its own handler, or arms a
 * catch (uvmsim_catch_begin in <uvmsim/uvmsim.h>), to turn "this must panic"
 * into an ordinary assertion.  With no current machine a panic prints its
 * message to stderr and aborts the process.
 */
#ifndef UVMSIM_SYSTM_H
#define UVMSIM_SYSTM_H

#include <uvmsim/types.h>

void	panic(const char *, ...)
	    __attribute__((__noreturn__, __format__(__printf__, 1, 2)));
/* The failure of KASSERT(e): a panic naming e and where it failed.  A
 * public function, since programs and kernel source expand KASSERT. */
void	uvmsim_kassert_fail(const char *, const char *, int, const char *)
	    __attribute__((__noreturn__));

#define KASSERT(e)							\
	(__predict_true(e) ? (void)0 :					\
	    uvmsim_kassert_fail(#e, __FILE__, __LINE__, __func__))

/* Expensive assertions; the simulator always checks them. */
#define KDASSERT(e)	KASSERT(e)

#endif /* UVMSIM_SYSTM_H */
