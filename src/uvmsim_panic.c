/*
 * uvmsim_panic.c: panic(), KASSERT failures, and catching them.
 *
 * A panic is an event like any other: it goes into the trace, then to the
 * innermost armed catch if there is one, else to the machine's handler,
 * else to the default, which prints the message and the newest events of
 * the trace and aborts.  A catch unwinds: the locks taken since it began,
 * simple locks and map locks both, are released (a panicking kernel
 * thread never releases them, but the test that expected the panic wants
 * to go on with a consistent machine, and to tear it down), and control
 * returns to the setjmp of uvmsim_catch_begin's caller.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "uvmsim_state.h"
#include "uvmsim_cur.h"
#include "uvmsim_trace.h"
#include "uvmsim_frame.h"

/* Events of the trace tail the default handler prints. */
#define PANIC_TAIL	16

#ifdef UVMSIM_COVERAGE
/* gcc's runtime of --coverage: writes the counters of this process. */
extern void __gcov_dump(void);
#endif

/*
 * panic_abort: end the process on a panic nobody caught.
 *
 * abort() writes no coverage counters (they are written at exit), so a
 * coverage build (scripts/coverage) writes them first: the lines that
 * led here did run.
 */
static void panic_abort(void) __attribute__((__noreturn__));

static void
panic_abort(void)
{
#ifdef UVMSIM_COVERAGE
	__gcov_dump();
#endif
	abort();
}

/*
 * uvmsim__shorten_paths: strip the source tree's directory (set by the
 * build) from every path in msg.  The file names of lock and assertion
 * messages come from __FILE__, which the compiler records as it was given
 * the file, absolute under CMake: shortened, a message reads the same in
 * every checkout, and so does the trace that records it.
 */
void
uvmsim__shorten_paths(char *msg)
{
#ifdef UVMSIM_SOURCE_DIR
	static const char dir[] = UVMSIM_SOURCE_DIR;
	const size_t n = sizeof(dir) - 1;
	char *p = msg;

	while ((p = strstr(p, dir)) != NULL)
		memmove(p, p + n, strlen(p + n) + 1);
#else
	(void)msg;
#endif
}

void
uvmsim__vpanic(struct uvmsim_machine *m, const char *fmt, va_list ap)
{
	struct uvmsim_catch *c;
	char full[1024];
	size_t i;

	/* Formatted in full first: the paths shortened may make it fit. */
	vsnprintf(full, sizeof(full), fmt, ap);
	uvmsim__shorten_paths(full);
	strlcpy(m->panicmsg, full, sizeof(m->panicmsg));
	m->clock++;
	if (bit_test(m->trace_types, UVMSIM_EV_PANIC))
		uvmsim__trace_emit(m, UVMSIM_EV_PANIC, 0, 0, 0, 0,
		    m->panicmsg);

	if ((c = m->catch) != NULL) {
		c->caught = 1;
		m->in_hook = false;	/* a hook the panic unwound is over */
		uvmsim__frame_settle(m);	/* (a fault it unwound) */
		memcpy(c->message, m->panicmsg, sizeof(c->message));
		for (i = 0; i < sizeof(m->unwind) / sizeof(m->unwind[0]); i++)
			m->unwind[i](m, c->lockgen);
		uvmsim__curm = c->current;
		longjmp(c->jb, 1);
	}
	if (m->panic_fn != NULL) {
		m->panic_fn(m, m->panicmsg, m->panic_arg);
		fprintf(stderr, "uvmsim: panic handler returned: %s\n",
		    m->panicmsg);
		panic_abort();
	}
	fprintf(stderr, "uvmsim: panic: %s\n", m->panicmsg);
	if (m->ring_cap > 0) {
		fprintf(stderr, "uvmsim: newest events:\n");
		uvmsim_trace_dump(m, stderr, PANIC_TAIL);
	}
	fflush(stderr);
	panic_abort();
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
		panic_abort();
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
	if (m == NULL) {
		(void)uvmsim__error(NULL, EINVAL,
		    "uvmsim_set_panic_handler: m: NULL");
		return;
	}
	m->panic_fn = fn;
	m->panic_arg = arg;
}

void
uvmsim_catch_begin(struct uvmsim_machine *m, struct uvmsim_catch *c)
{
	if (c == NULL) {
		(void)uvmsim__error(m, EINVAL, "uvmsim_catch_begin: c: NULL");
		return;
	}
	c->caught = 0;
	c->message[0] = '\0';
	c->prev = NULL;
	if (m == NULL) {
		(void)uvmsim__error(NULL, EINVAL,
		    "uvmsim_catch_begin: m: NULL");
		return;
	}
	c->lockgen = m->lockgen + 1;
	c->current = uvmsim__curm;
	c->prev = m->catch;
	m->catch = c;
}

void
uvmsim_catch_end(struct uvmsim_machine *m, struct uvmsim_catch *c)
{
	if (m == NULL || c == NULL) {
		(void)uvmsim__error(m, EINVAL, "uvmsim_catch_end: %s: NULL",
		    m == NULL ? "m" : "c");
		return;
	}
	if (m->catch != c)
		uvmsim__panic(m, "uvmsim_catch_end: not the innermost catch");
	m->catch = c->prev;
}
