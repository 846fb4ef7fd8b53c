/*
 * uvmsim_fail.c: named failpoints.
 *
 * A failpoint counts its hits always; armed, it fails the hits numbered
 * [from, until).  Once past the window it disarms itself, so the armed
 * check on a hot path is one load and one branch (uvmsim__fp()).
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

unsigned long
uvmsim_failpoint_hits(const struct uvmsim_machine *m, const char *name)
{
	int i = fp_lookup(name);

	return i < 0 ? ~0UL : m->fp[i].hits;
}

unsigned long
uvmsim_failpoint_fired(const struct uvmsim_machine *m, const char *name)
{
	int i = fp_lookup(name);

	return i < 0 ? ~0UL : m->fp[i].fired;
}

void
uvmsim_failpoint_clear(struct uvmsim_machine *m)
{
	int i;

	for (i = 0; i < UVMSIM_FP_COUNT; i++)
		m->fp[i].from = m->fp[i].until = 0;
}
