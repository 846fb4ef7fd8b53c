/*
 * compat <uvm/uvm.h>: all of UVM as the simulator has it (the public
 * headers, struct uvm), uvm_wait, and UVMHIST.
 *
 * UVMHIST: as in a kernel built without "options UVMHIST", the history
 * macros are empty.  Compiled with -DUVMHIST, UVMHIST_CALLED and
 * UVMHIST_LOG write a line ("hist <function>: <message>") to the
 * machine's text trace, when it has one and traces UVMSIM_TRACE_MISC.
 */
#ifndef UVMSIM_COMPAT_UVM_UVM_H
#define UVMSIM_COMPAT_UVM_UVM_H

#include <uvmsim/compat/kern_env.h>

#ifdef UVMHIST
#define UVMHIST_DECL(name)
#define UVMHIST_FUNC(fname)						\
	static const char *const uvmsim__hist_fn = (fname)
#define UVMHIST_CALLED(name)						\
	uvmsim__kern_hist(uvmsim__hist_fn, "called!", 0, 0, 0, 0)
#define UVMHIST_LOG(name, fmt, a, b, c, d)				\
	uvmsim__kern_hist(uvmsim__hist_fn, (fmt), (unsigned long)(a),	\
	    (unsigned long)(b), (unsigned long)(c), (unsigned long)(d))
#else
#define UVMHIST_DECL(name)
#define UVMHIST_FUNC(fname)
#define UVMHIST_CALLED(name)
#define UVMHIST_LOG(name, fmt, a, b, c, d)
#endif

#endif /* UVMSIM_COMPAT_UVM_UVM_H */
