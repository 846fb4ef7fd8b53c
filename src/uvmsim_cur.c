/*
 * uvmsim_cur.c: the calling thread's current machine, and the errors of
 * uvmsim_ calls.
 *
 * A leaf that every layer may call: it reaches no module.  The current
 * machine is per thread; uvmsim_machine_enter and _leave (uvmsim_machine.c)
 * set it, uvmsim__switch and uvmsim__restore (uvmsim_cur.h) lend it for the
 * body of one call.  The last error message is kept both per thread and
 * per machine.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "uvmsim_state.h"
#include "uvmsim_cur.h"

_Thread_local struct uvmsim_machine *uvmsim__curm
    __attribute__((tls_model("initial-exec")));
_Thread_local char uvmsim__last_error[256]
    __attribute__((tls_model("initial-exec")));

int
uvmsim__error(struct uvmsim_machine *m, int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(uvmsim__last_error, sizeof(uvmsim__last_error), fmt, ap);
	va_end(ap);
	if (m != NULL)
		memcpy(m->errbuf, uvmsim__last_error, sizeof(m->errbuf));
	return err;
}

void
uvmsim__error_clear(struct uvmsim_machine *m)
{
	uvmsim__last_error[0] = '\0';
	if (m != NULL)
		m->errbuf[0] = '\0';
}

const char *
uvmsim_last_error(void)
{
	return uvmsim__last_error;
}

const char *
uvmsim_machine_error(const struct uvmsim_machine *m)
{
	return m != NULL ? m->errbuf : "";
}

const char *
uvmsim_strerror(int err)
{
	switch (err) {
	case 0:		return "no error";
	case EINVAL:	return "invalid argument";
	case ENOMEM:	return "out of memory";
	case ENOENT:	return "no such entry";
	case EIO:	return "input/output error";
	case EAGAIN:	return "resource temporarily unavailable";
	case EBUSY:	return "resource busy";
	case EFAULT:	return "bad address";
	case EPERM:	return "operation not permitted";
	case EACCES:	return "permission denied";
	case EEXIST:	return "already exists";
	case ERANGE:	return "result out of range";
	default:	return "unknown error";
	}
}

void
uvmsim__no_machine(const char *func)
{
	fprintf(stderr, "uvmsim: panic: %s: no current machine on this "
	    "thread (call uvmsim_machine_enter first)\n", func);
	fflush(stderr);
	abort();
}
