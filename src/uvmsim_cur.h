/*
 * uvmsim_cur.h: the calling thread's current machine, the errors of
 * uvmsim_ calls and the panic.  Not installed.
 *
 * A leaf: every layer may call these (uvmsim_cur.c, uvmsim_panic.c).  They
 * call no module but the trace, itself a leaf (a panic is recorded as an
 * event before its handler runs); a caught panic releases the locks taken
 * since its catch through the machine's unwind functions (m->unwind).
 */
#ifndef UVMSIM_PRIV_CUR_H
#define UVMSIM_PRIV_CUR_H

#include <stdarg.h>

#include <uvmsim/uvmsim.h>

struct uvmsim_machine;

/* ---- current machine ---- */

extern _Thread_local struct uvmsim_machine *uvmsim__curm
    __attribute__((tls_model("initial-exec")));

void	uvmsim__no_machine(const char *func) __attribute__((__noreturn__));

static inline struct uvmsim_machine *
uvmsim__cur_fn(const char *func)
{
	struct uvmsim_machine *m = uvmsim__curm;

	if (__predict_false(m == NULL))
		uvmsim__no_machine(func);
	return m;
}
#define uvmsim__cur()	uvmsim__cur_fn(__func__)

/* Run the body of an uvmsim_ call with m current, restoring the caller's. */
struct uvmsim__saved {
	struct uvmsim_machine *prev;
};
static inline struct uvmsim__saved
uvmsim__switch(struct uvmsim_machine *m)
{
	struct uvmsim__saved s = { uvmsim__curm };

	uvmsim__curm = m;
	return s;
}
static inline void
uvmsim__restore(struct uvmsim__saved s)
{
	uvmsim__curm = s.prev;
}

/* ---- errors ---- */

/* Record a failure of an uvmsim_ call and return err. */
int	uvmsim__error(struct uvmsim_machine *m, int err, const char *fmt, ...)
	    __attribute__((__format__(__printf__, 3, 4)));
/* Forget the last error, the thread's and m's (a call that says why it
 * fails, cleared on entry, so that no older message outlives it). */
void	uvmsim__error_clear(struct uvmsim_machine *m);
/* The thread's last error (uvmsim_last_error), uvmsim_cur.c's. */
extern _Thread_local char uvmsim__last_error[256]
    __attribute__((tls_model("initial-exec")));
/* uvmsim__error_clear of a machine m (not NULL), inline: two stores, at
 * the entry of a call made often (uvm_loan).  A macro: the machine's
 * structure is not known here. */
#define UVMSIM__ERROR_CLEAR(m) do {					\
	uvmsim__last_error[0] = '\0';					\
	(m)->errbuf[0] = '\0';						\
} while (0)

/* ---- panics ---- */

/* Turn every absolute path under the library's source tree in msg into
 * its path within the tree, in place (panic and checker messages). */
void	uvmsim__shorten_paths(char *msg);
void	uvmsim__panic(struct uvmsim_machine *m, const char *fmt, ...)
	    __attribute__((__noreturn__, __format__(__printf__, 2, 3)));
void	uvmsim__vpanic(struct uvmsim_machine *m, const char *fmt, va_list)
	    __attribute__((__noreturn__));

#endif /* UVMSIM_PRIV_CUR_H */
