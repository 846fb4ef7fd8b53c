/*
 * uvmsim_fail.c: named failpoints and lock-drop hooks: the two ways a
 * harness makes the world go wrong on purpose.
 *
 * A failpoint counts its hits always; armed, it fails the hits numbered
 * [from, until).  Once past the window it disarms itself, so the armed
 * check on a hot path is one load and one branch (uvmsim__fp()).
 *
 * The counts a harness reads: hits and failures since creation (or a
 * reset), and since the point was last armed (armed_hits and armed_fired
 * keep the counts of that moment).
 *
 * A sleep (the library's on lbolt after a pager's EAGAIN, or kernel
 * source's tsleep) is a visit to the "tsleep" hook: uvmsim__sleep().
 *
 * A hook stands for another CPU at a point where UVM drops its locks (see
 * <uvmsim/uvmsim.h>).  A one-shot hook is removed as its run starts.  Hooks do not nest: code a hook runs that reaches
 * a hook point again goes on as if no hook were installed, as it would
 * with no other CPU.
 */
#include <errno.h>
#include <string.h>

#include "uvmsim_state.h"
#include "uvmsim_cur.h"
#include "kern_lock.h"
#include "uvmsim_trace.h"

static const char *const fp_names[UVMSIM_FP_COUNT] = {
	[UVMSIM_FP_PAGEALLOC]	= "uvm_pagealloc",
	[UVMSIM_FP_ANALLOC]	= "uvm_analloc",
	[UVMSIM_FP_AMAPALLOC]	= "amap_alloc",
	[UVMSIM_FP_PGO_EIO]	= "pgo_get.eio",
	[UVMSIM_FP_PGO_EAGAIN]	= "pgo_get.eagain",
	[UVMSIM_FP_PGO_IO]	= "pgo_get.io",
	[UVMSIM_FP_LOCKTRY]	= "simple_lock_try",
	[UVMSIM_FP_CHECKREPORT]	= "uvmsim_check.report",
	[UVMSIM_FP_SWAPALLOC]	= "uvm_swap_alloc",
	[UVMSIM_FP_SWAPPUT]	= "uvm_swap_put.eio",
	[UVMSIM_FP_SWAPGET]	= "uvm_swap_get.eio",
	[UVMSIM_FP_HOSTALLOC]	= "host_alloc",
	[UVMSIM_FP_CHECKLIVE]	= "uvmsim_check.live",
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
	if (count == UVMSIM_FP_FOREVER) {
		if (nth > ~0UL - 1 - f->hits)
			return uvmsim__error(m, EINVAL, "uvmsim_failpoint_set: "
			    "nth: hit %lu overflows the counter", nth);
		f->from = f->hits + nth;
		f->until = UVMSIM_FP_FOREVER;
		f->armed_hits = f->hits;
		f->armed_fired = f->fired;
		return 0;
	}
	if (count > ~0UL - 1 - f->hits || nth > ~0UL - 1 - f->hits - count)
		return uvmsim__error(m, EINVAL, "uvmsim_failpoint_set: count: "
		    "%lu hits from hit %lu overflow the counter", count, nth);
	f->from = f->hits + nth;
	f->until = f->from + count;
	f->armed_hits = f->hits;
	f->armed_fired = f->fired;
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

/*
 * uvmsim_failpoint_since_armed: the hits (and, with firedp, failures) of
 * a failpoint since uvmsim_failpoint_set last armed it, or since the
 * machine was created or the point reset.
 */
unsigned long
uvmsim_failpoint_since_armed(const struct uvmsim_machine *m,
    const char *name, unsigned long *firedp)
{
	const struct uvmsim_failpoint *f;
	int i;

	if (m == NULL) {
		uvmsim__error(NULL, EINVAL, "uvmsim_failpoint_since_armed: m: "
		    "NULL");
		return ~0UL;
	}
	if ((i = fp_lookup(name)) < 0) {
		uvmsim__error((struct uvmsim_machine *)(uintptr_t)m, EINVAL,
		    "uvmsim_failpoint_since_armed: name: no failpoint called "
		    "\"%s\"", name ? name : "(null)");
		return ~0UL;
	}
	f = &m->fp[i];
	if (firedp != NULL)
		*firedp = f->fired - f->armed_fired;
	return f->hits - f->armed_hits;
}

/*
 * uvmsim_failpoint_reset: the failpoint called name (NULL: every one)
 * as at machine creation: disarmed, no hit, nothing fired.
 */
int
uvmsim_failpoint_reset(struct uvmsim_machine *m, const char *name)
{
	int i, first = 0, last = UVMSIM_FP_COUNT - 1;

	if (m == NULL)
		return uvmsim__error(NULL, EINVAL, "uvmsim_failpoint_reset: m: "
		    "NULL");
	if (name != NULL) {
		if ((first = last = fp_lookup(name)) < 0)
			return uvmsim__error(m, EINVAL, "uvmsim_failpoint_"
			    "reset: name: no failpoint called \"%s\"", name);
	}
	for (i = first; i <= last; i++)
		memset(&m->fp[i], 0, sizeof(m->fp[i]));
	return 0;
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
	m->hooks[i].once = false;
	return 0;
}

/*
 * uvmsim_hook_set_once: install fn at point for its next run only: the
 * hook is removed as that run starts, so fn may install another (itself
 * again, too) at the same point.
 */
int
uvmsim_hook_set_once(struct uvmsim_machine *m, const char *point,
    uvmsim_hook_fn fn, void *arg)
{
	int i;

	if (m == NULL)
		return uvmsim__error(NULL, EINVAL, "uvmsim_hook_set_once: m: "
		    "NULL");
	if ((i = hook_lookup(point)) < 0)
		return uvmsim__error(m, EINVAL, "uvmsim_hook_set_once: point: "
		    "no hook point called \"%s\"", point ? point : "(null)");
	if (fn == NULL)
		return uvmsim__error(m, EINVAL, "uvmsim_hook_set_once: fn: "
		    "NULL (uvmsim_hook_set removes a hook)");
	m->hooks[i].fn = fn;
	m->hooks[i].arg = arg;
	m->hooks[i].once = true;
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
	uvmsim_hook_fn fn = k->fn;
	void *arg = k->arg;

	if (fn == NULL || m->in_hook)
		return false;
	if (k->once) {
		k->fn = NULL;
		k->arg = NULL;
		k->once = false;
	}
	k->runs++;
	m->clock++;
	if (bit_test(m->trace_types, UVMSIM_EV_HOOK))
		uvmsim__trace_emit(m, UVMSIM_EV_HOOK, k->runs, 0, 0, 0,
		    hook_names[h]);
	m->in_hook = true;
	fn(m, hook_names[h], arg);
	m->in_hook = false;
	return true;
}

bool
uvmsim__sleep(struct uvmsim_machine *m, const void *chan, const char *what,
    const char *wmesg)
{
	size_t nheld;
	struct simplelock *l = uvmsim__held_oldest(m, &nheld);
	bool woken;

	if (l != NULL)
		uvmsim__panic(m, "%s: \"%s\": sleeping with %zu simple lock(s) "
		    "held, the first taken at %s:%d", what, wmesg, nheld,
		    l->lock_file, l->lock_line);
	m->kenv.sleep_chan = chan;
	m->kenv.woken = false;
	(void)uvmsim__hook(m, UVMSIM_HOOK_TSLEEP);
	woken = m->kenv.woken;
	m->kenv.sleep_chan = NULL;
	/* The hook may have disarmed it; if not, no sleep ever ends this. */
	if (chan == &m->kenv.lbolt &&
	    uvmsim__fp_forever(m, UVMSIM_FP_PGO_EAGAIN))
		uvmsim__panic(m, "%s: \"%s\": waiting on lbolt out a pager's "
		    "EAGAIN, but the \"pgo_get.eagain\" failpoint is armed for "
		    "ever: the retries would never end", what, wmesg);
	return woken;
}
