/*
 * uvmsim_fail.c: named failpoints and lock-drop hooks: the two ways a
 * harness makes the world go wrong on purpose.
 *
 * A failpoint counts its hits always; armed, it fails the hits numbered
 * [from, until).  Once past the window it disarms itself, so the armed
 * check on a hot path is one load and one branch (uvmsim__fp()).
 *
 * A hook stands for another CPU at a point where UVM drops its locks (see
 * <uvmsim/uvmsim.h>).  Hooks do not nest: code a hook runs that reaches
 * a hook point again goes on as if no hook were installed, as it would
 * with no other CPU.
 */
#include <errno.h>
#include <string.h>

#include "uvmsim_impl.h"

static const char *const fp_names[UVMSIM_FP_COUNT] = {
	[UVMSIM_FP_PAGEALLOC]	= "uvm_pagealloc",
	[UVMSIM_FP_ANALLOC]	= "uvm_analloc",
	[UVMSIM_FP_AMAPALLOC]	= "amap_alloc",
	[UVMSIM_FP_PGO_EIO]	= "pgo_get.eio",
	[UVMSIM_FP_PGO_EAGAIN]	= "pgo_get.eagain",
	[UVMSIM_FP_PGO_IO]	= "pgo_get.io",
	[UVMSIM_FP_LOCKTRY]	= "simple_lock_try",
	[UVMSIM_FP_CHECKREPORT]	= "uvmsim_check.report",
};

static int
fp_lookup(const char *name)
{
	int i;

	if (name == NULL)
		return -1;
	for (i = 0; i < UVMSIM_FP_COUNT; i++)
		if (strcmp(fp_names[i], name) == 0)
			return i;
	return -1;
}

bool
uvmsim__fp_fire(struct uvmsim_machine *m, enum uvmsim_fp fp)
{
	struct uvmsim_failpoint *f = &m->fp[fp];

	if (f->hits < f->from)
		return false;
	if (f->hits >= f->until) {
		f->from = 0;
		return false;
	}
	f->fired++;
	m->clock++;
	if (bit_test(m->trace_types, UVMSIM_EV_FAILPOINT))
		uvmsim__trace_emit(m, UVMSIM_EV_FAILPOINT, f->hits, 0, 0, 0,
		    fp_names[fp]);
	if (f->hits + 1 >= f->until)
		f->from = 0;
	return true;
}

int
uvmsim_failpoint_set(struct uvmsim_machine *m, const char *name,
    unsigned long nth, unsigned long count)
{
	struct uvmsim_failpoint *f;
	int i = fp_lookup(name);

	if (m == NULL)
		return uvmsim__error(NULL, EINVAL,
		    "uvmsim_failpoint_set: m: NULL");
	if (i < 0)
		return uvmsim__error(m, EINVAL, "uvmsim_failpoint_set: name: "
		    "no failpoint called \"%s\"", name ? name : "(null)");
	f = &m->fp[i];
	if (count == 0) {
		f->from = f->until = 0;
		return 0;
	}
	if (nth == 0)
		return uvmsim__error(m, EINVAL, "uvmsim_failpoint_set: nth: "
		    "hits count from 1");
	if (nth > ~0UL - f->hits - count)
		return uvmsim__error(m, EINVAL, "uvmsim_failpoint_set: count: "
		    "%lu hits from hit %lu overflow the counter", count, nth);
	f->from = f->hits + nth;
	f->until = f->from + count;
	return 0;
}

/*
 * fp_count: the failpoint's hits or firings; (unsigned long)-1, with a
 * message, for a NULL machine or an unknown name.
 */
static unsigned long
fp_count(const struct uvmsim_machine *m, const char *name, bool fired,
    const char *func)
{
	struct uvmsim_machine *mm = (struct uvmsim_machine *)(uintptr_t)m;
	int i = fp_lookup(name);

	if (m == NULL) {
		(void)uvmsim__error(NULL, EINVAL, "%s: m: NULL", func);
		return ~0UL;
	}
	if (i < 0) {
		(void)uvmsim__error(mm, EINVAL, "%s: name: no failpoint "
		    "called \"%s\"", func, name ? name : "(null)");
		return ~0UL;
	}
	return fired ? m->fp[i].fired : m->fp[i].hits;
}

unsigned long
uvmsim_failpoint_hits(const struct uvmsim_machine *m, const char *name)
{
	return fp_count(m, name, false, "uvmsim_failpoint_hits");
}

unsigned long
uvmsim_failpoint_fired(const struct uvmsim_machine *m, const char *name)
{
	return fp_count(m, name, true, "uvmsim_failpoint_fired");
}

void
uvmsim_failpoint_clear(struct uvmsim_machine *m)
{
	int i;

	if (m == NULL) {
		(void)uvmsim__error(NULL, EINVAL,
		    "uvmsim_failpoint_clear: m: NULL");
		return;
	}
	for (i = 0; i < UVMSIM_FP_COUNT; i++)
		m->fp[i].from = m->fp[i].until = 0;
}

static const char *const hook_names[UVMSIM_HOOK_COUNT] = {
	[UVMSIM_HOOK_PGO_GET]		= "pgo_get",
	[UVMSIM_HOOK_PAGE_WAIT]		= "page_wait",
	[UVMSIM_HOOK_LOCK_RETRY]	= "lock_retry",
	[UVMSIM_HOOK_TSLEEP]		= "tsleep",
	[UVMSIM_HOOK_UVM_WAIT]		= "uvm_wait",
};

static int
hook_lookup(const char *name)
{
	int i;

	if (name == NULL)
		return -1;
	for (i = 0; i < UVMSIM_HOOK_COUNT; i++)
		if (strcmp(hook_names[i], name) == 0)
			return i;
	return -1;
}

int
uvmsim_hook_set(struct uvmsim_machine *m, const char *point,
    uvmsim_hook_fn fn, void *arg)
{
	int i = hook_lookup(point);

	if (m == NULL)
		return uvmsim__error(NULL, EINVAL, "uvmsim_hook_set: m: NULL");
	if (i < 0)
		return uvmsim__error(m, EINVAL, "uvmsim_hook_set: point: no "
		    "hook point called \"%s\"", point ? point : "(null)");
	m->hooks[i].fn = fn;
	m->hooks[i].arg = fn != NULL ? arg : NULL;
	return 0;
}

unsigned long
uvmsim_hook_runs(const struct uvmsim_machine *m, const char *point)
{
	int i = hook_lookup(point);

	if (m == NULL) {
		(void)uvmsim__error(NULL, EINVAL, "uvmsim_hook_runs: m: NULL");
		return ~0UL;
	}
	if (i < 0) {
		(void)uvmsim__error((struct uvmsim_machine *)(uintptr_t)m,
		    EINVAL, "uvmsim_hook_runs: point: no hook point called "
		    "\"%s\"", point ? point : "(null)");
		return ~0UL;
	}
	return m->hooks[i].runs;
}

bool
uvmsim__hook(struct uvmsim_machine *m, enum uvmsim_hookpt h)
{
	struct uvmsim_hook *k = &m->hooks[h];

	if (k->fn == NULL || m->in_hook)
		return false;
	k->runs++;
	m->clock++;
	if (bit_test(m->trace_types, UVMSIM_EV_HOOK))
		uvmsim__trace_emit(m, UVMSIM_EV_HOOK, k->runs, 0, 0, 0,
		    hook_names[h]);
	m->in_hook = true;
	k->fn(m, hook_names[h], k->arg);
	m->in_hook = false;
	return true;
}
