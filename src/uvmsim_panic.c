/*
 * uvmsim_panic.c: panic(), KASSERT failures, and catching them.
 *
 * A panic is an event like any other: it goes into the trace, then to the
 * innermost armed catch if there is one, else to the machine's handler,
 * else to the default, which prints the message and the newest events of
 * the trace and aborts.  A catch unwinds: the locks taken since it began
 * are released (a panicking kernel thread never releases them, but the
 * test that expected the panic wants to go on with a consistent machine),
 * and control returns to the setjmp of uvmsim_catch_begin's caller.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "uvmsim_impl.h"

/* Events of the trace tail the default handler prints. */
#define PANIC_TAIL	16

void
uvmsim__vpanic(struct uvmsim_machine *m, const char *fmt, va_list ap)
{
	struct uvmsim_catch *c;

	vsnprintf(m->panicmsg, sizeof(m->panicmsg), fmt, ap);
	m->clock++;
	if (bit_test(m->trace_types, UVMSIM_EV_PANIC))
		uvmsim__trace_emit(m, UVMSIM_EV_PANIC, 0, 0, 0, 0,
		    m->panicmsg);

	if ((c = m->catch) != NULL) {
		c->caught = 1;
		m->in_hook = false;	/* a hook the panic unwound is over */
		memcpy(c->message, m->panicmsg, sizeof(c->message));
		uvmsim__unlock_since(m, c->lockgen);
		longjmp(c->jb, 1);
	}
	if (m->panic_fn != NULL) {
		m->panic_fn(m, m->panicmsg, m->panic_arg);
		fprintf(stderr, "uvmsim: panic handler returned: %s\n",
		    m->panicmsg);
		abort();
	}
	fprintf(stderr, "uvmsim: panic: %s\n", m->panicmsg);
	if (m->ring_cap > 0) {
		fprintf(stderr, "uvmsim: newest events:\n");
		uvmsim_trace_dump(m, stderr, PANIC_TAIL);
	}
	fflush(stderr);
	abort();
}

void
uvmsim__panic(struct uvmsim_machine *m, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	uvmsim__vpanic(m, fmt, ap);
}

void
panic(const char *fmt, ...)
{
	struct uvmsim_machine *m = uvmsim__curm;
	va_list ap;

	va_start(ap, fmt);
	if (m == NULL) {
		fprintf(stderr, "uvmsim: panic (no current machine): ");
		vfprintf(stderr, fmt, ap);
		fputc('\n', stderr);
		fflush(stderr);
		abort();
	}
	uvmsim__vpanic(m, fmt, ap);
}

void
uvmsim_kassert_fail(const char *expr, const char *file, int line,
    const char *func)
{
	panic("kernel assertion \"%s\" failed: file \"%s\", line %d, "
	    "function %s", expr, file, line, func);
}

void
uvmsim_set_panic_handler(struct uvmsim_machine *m, uvmsim_panic_fn fn,
    void *arg)
{
	m->panic_fn = fn;
	m->panic_arg = arg;
}

void
uvmsim_catch_begin(struct uvmsim_machine *m, struct uvmsim_catch *c)
{
	c->caught = 0;
	c->message[0] = '\0';
	c->lockgen = m->lockgen + 1;
	c->prev = m->catch;
	m->catch = c;
}

void
uvmsim_catch_end(struct uvmsim_machine *m, struct uvmsim_catch *c)
{
	if (m->catch != c)
		uvmsim__panic(m, "uvmsim_catch_end: not the innermost catch");
	m->catch = c->prev;
}
