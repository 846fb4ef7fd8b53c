/*
 * uvmsim_trace.c: the event trace.
 *
 * Every state change ticks the machine's clock; the changes of the
 * categories being traced also become events, numbered by the clock.  An
 * event goes to each sink that is on: the ring in memory (the newest
 * ring_cap events), a text stream, and a callback.
 *
 * The text line of an event is stable, for golden tests:
 *
 *	<seq> cpu<n> <name> <key>=<value> ...
 *
 * Pages are named by frame index, objects, anons and amaps by their serial
 * ids (0: none), offsets in hexadecimal.  Nothing in a line depends on a
 * host address, so one workload gives the same lines on every run.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "uvmsim_state.h"
#include "uvmsim_cur.h"
#include "uvmsim_trace.h"
#include "kern_lock.h"

struct evdesc {
	const char	*name;
	unsigned	cat;		/* UVMSIM_TRACE_ category */
	const char	*keys[4];	/* argument names; '#' first: hex */
};

static const struct evdesc evdesc[UVMSIM_EV_NTYPES] = {
#define P UVMSIM_TRACE_PAGE
#define A UVMSIM_TRACE_ANON
#define M UVMSIM_TRACE_AMAP
#define O UVMSIM_TRACE_OBJ
#define X UVMSIM_TRACE_MISC
#define PM UVMSIM_TRACE_PMAP
#define MP UVMSIM_TRACE_MAP
#define F UVMSIM_TRACE_FAULT
#define T UVMSIM_TRACE_TLB
#define L UVMSIM_TRACE_LOCK
	[UVMSIM_EV_PAGE_ALLOC]	= { "page.alloc", P, { "pg", "obj", "#off", "anon" } },
	[UVMSIM_EV_PAGE_FREE]	= { "page.free", P, { "pg" } },
	[UVMSIM_EV_PAGE_DISOWN]	= { "page.disown", P, { "pg", "loans" } },
	[UVMSIM_EV_PAGE_ACTIVATE] = { "page.activate", P, { "pg" } },
	[UVMSIM_EV_PAGE_DEACTIVATE] = { "page.deactivate", P, { "pg" } },
	[UVMSIM_EV_PAGE_DEQUEUE] = { "page.dequeue", P, { "pg" } },
	[UVMSIM_EV_PAGE_WIRE]	= { "page.wire", P, { "pg", "wired" } },
	[UVMSIM_EV_PAGE_UNWIRE]	= { "page.unwire", P, { "pg", "wired" } },
	[UVMSIM_EV_PAGE_ZERO]	= { "page.zero", P, { "pg" } },
	[UVMSIM_EV_PAGE_COPY]	= { "page.copy", P, { "src", "dst" } },
	[UVMSIM_EV_PAGE_RENAME]	= { "page.rename", P, { "pg", "obj", "#off" } },
	[UVMSIM_EV_PAGE_UNBUSY]	= { "page.unbusy", P, { "pg" } },
	[UVMSIM_EV_PAGE_IDLEZERO] = { "page.idlezero", P, { "pg" } },
	[UVMSIM_EV_ANON_ALLOC]	= { "anon.alloc", A, { "anon" } },
	[UVMSIM_EV_ANON_FREE]	= { "anon.free", A, { "anon", "pg" } },
	[UVMSIM_EV_ANON_RELEASE] = { "anon.release", A, { "anon", "pg" } },
	[UVMSIM_EV_ANON_ADOPT]	= { "anon.adopt", A, { "anon", "pg" } },
	[UVMSIM_EV_AMAP_ALLOC]	= { "amap.alloc", M, { "amap", "slots" } },
	[UVMSIM_EV_AMAP_FREE]	= { "amap.free", M, { "amap" } },
	[UVMSIM_EV_AMAP_ADD]	= { "amap.add", M, { "amap", "slot", "anon", "replace" } },
	[UVMSIM_EV_AMAP_UNADD]	= { "amap.unadd", M, { "amap", "slot", "anon" } },
	[UVMSIM_EV_AMAP_REF]	= { "amap.ref", M, { "amap", "slot", "len", "refs" } },
	[UVMSIM_EV_AMAP_UNREF]	= { "amap.unref", M, { "amap", "slot", "len", "refs" } },
	[UVMSIM_EV_AMAP_SPLITREF] = { "amap.splitref", M, { "amap", "slot" } },
	[UVMSIM_EV_AMAP_EXTEND]	= { "amap.extend", M, { "amap", "slots" } },
	[UVMSIM_EV_AMAP_COPY]	= { "amap.copy", M, { "from", "to", "slots" } },
	[UVMSIM_EV_AMAP_WIPEOUT] = { "amap.wipeout", M, { "amap" } },
	[UVMSIM_EV_OBJ_CREATE]	= { "obj.create", O, { "obj", "#size" } },
	[UVMSIM_EV_OBJ_REFERENCE] = { "obj.reference", O, { "obj", "refs" } },
	[UVMSIM_EV_OBJ_DETACH]	= { "obj.detach", O, { "obj", "refs" } },
	[UVMSIM_EV_OBJ_FREE]	= { "obj.free", O, { "obj" } },
	[UVMSIM_EV_PGO_GET]	= { "pgo.get", O, { "obj", "#off", "npages", "error" } },
	[UVMSIM_EV_PGO_PUT]	= { "pgo.put", O, { "obj", "#start", "#stop", "#flags" } },
	[UVMSIM_EV_PGO_READ]	= { "pgo.read", O, { "obj", "#off", "pg" } },
	[UVMSIM_EV_PGO_WRITE]	= { "pgo.write", O, { "obj", "#off", "pg" } },
	[UVMSIM_EV_PANIC]	= { "panic", X, { NULL } },
	[UVMSIM_EV_FAILPOINT]	= { "failpoint", X, { "hit" } },
	[UVMSIM_EV_CPU]		= { "cpu", X, { "cpu" } },
	[UVMSIM_EV_PMAP_CREATE]	= { "pmap.create", PM, { "pmap" } },
	[UVMSIM_EV_PMAP_DESTROY] = { "pmap.destroy", PM, { "pmap" } },
	[UVMSIM_EV_PMAP_ENTER]	= { "pmap.enter", PM, { "pmap", "#va", "pg", "#prot" } },
	[UVMSIM_EV_PMAP_REMOVE]	= { "pmap.remove", PM, { "pmap", "#sva", "#eva" } },
	[UVMSIM_EV_PMAP_PROTECT] = { "pmap.protect", PM, { "pmap", "#sva", "#eva", "#prot" } },
	[UVMSIM_EV_PMAP_PAGE_PROTECT] = { "pmap.page_protect", PM, { "pg", "#prot" } },
	[UVMSIM_EV_PMAP_KENTER]	= { "pmap.kenter", PM, { "#va", "pg", "#prot" } },
	[UVMSIM_EV_PMAP_KREMOVE] = { "pmap.kremove", PM, { "#va", "#len" } },
	[UVMSIM_EV_PMAP_UNWIRE]	= { "pmap.unwire", PM, { "pmap", "#va" } },
	[UVMSIM_EV_PMAP_UPDATE]	= { "pmap.update", PM, { "pmap", "invalidations" } },
	[UVMSIM_EV_PMAP_CLEAR_MOD] = { "pmap.clear_modify", PM, { "pg", "was" } },
	[UVMSIM_EV_PMAP_CLEAR_REF] = { "pmap.clear_reference", PM, { "pg", "was" } },
	[UVMSIM_EV_PMAP_ACTIVATE] = { "pmap.activate", PM, { "cpu", "pmap" } },
	[UVMSIM_EV_PTP_ALLOC]	= { "ptp.alloc", PM, { "pmap", "level", "pg" } },
	[UVMSIM_EV_PTP_FREE]	= { "ptp.free", PM, { "pmap", "level", "pg" } },
	[UVMSIM_EV_TLB_FILL]	= { "tlb.fill", T, { "cpu", "#va", "pg", "#prot" } },
	[UVMSIM_EV_TLB_FLUSH]	= { "tlb.flush", T, { "cpu" } },
	[UVMSIM_EV_TLB_INVAL]	= { "tlb.inval", T, { "cpu", "#va" } },
	[UVMSIM_EV_MAP_MAP]	= { "map.map", MP, { "map", "#start", "#end", "#etype" } },
	[UVMSIM_EV_MAP_UNMAP]	= { "map.unmap", MP, { "map", "#start", "#end" } },
	[UVMSIM_EV_MAP_PROTECT]	= { "map.protect", MP, { "map", "#start", "#end", "#prot" } },
	[UVMSIM_EV_MAP_INHERIT]	= { "map.inherit", MP, { "map", "#start", "#end", "inherit" } },
	[UVMSIM_EV_MAP_WIRE]	= { "map.wire", MP, { "map", "#start", "#end", "wired" } },
	[UVMSIM_EV_MAP_CLIP]	= { "map.clip", MP, { "map", "#start", "#at" } },
	[UVMSIM_EV_VMSPACE_ALLOC] = { "vmspace.alloc", MP, { "vmspace", "map" } },
	[UVMSIM_EV_VMSPACE_FORK] = { "vmspace.fork", MP, { "parent", "child" } },
	[UVMSIM_EV_VMSPACE_FREE] = { "vmspace.free", MP, { "vmspace" } },
	[UVMSIM_EV_PROC_CREATE]	= { "proc.create", MP, { "pid", "vmspace" } },
	[UVMSIM_EV_PROC_EXIT]	= { "proc.exit", MP, { "pid" } },
	[UVMSIM_EV_FAULT]	= { "fault", F, { "map", "#va", "type", "#access" } },
	[UVMSIM_EV_FAULT_ZERO]	= { "fault.zero", F, { "anon", "pg" } },
	[UVMSIM_EV_FAULT_COW]	= { "fault.cow", F, { "anon", "from", "to" } },
	[UVMSIM_EV_FAULT_OBJ]	= { "fault.obj", F, { "obj", "#off", "pg" } },
	[UVMSIM_EV_FAULT_ANON]	= { "fault.anon", F, { "anon", "pg" } },
	[UVMSIM_EV_LOAN_BREAK]	= { "loan.break", F, { "from", "to", "obj", "anon" } },
	[UVMSIM_EV_FAULT_DONE]	= { "fault.done", F, { "map", "#va", "error" } },
	[UVMSIM_EV_SEGV]	= { "segv", F, { "cpu", "#va", "#access" } },
	[UVMSIM_EV_HOOK]	= { "hook", X, { "runs" } },
	[UVMSIM_EV_SWAP_ALLOC]	= { "swap.alloc", O, { "slot", "nslots" } },
	[UVMSIM_EV_SWAP_FREE]	= { "swap.free", O, { "slot", "nslots" } },
	[UVMSIM_EV_SWAP_PUT]	= { "swap.put", O, { "slot", "pg", "npages", "error" } },
	[UVMSIM_EV_SWAP_GET]	= { "swap.get", O, { "slot", "pg", "error" } },
	[UVMSIM_EV_PDAEMON]	= { "pdaemon", P, { "free", "freetarg", "inactive", "inactarg" } },
	[UVMSIM_EV_PDAEMON_DONE] = { "pdaemon.done", P, { "scanned", "freed", "deact" } },
	[UVMSIM_EV_PAGEOUT]	= { "pageout", P, { "pg", "obj", "anon", "slot" } },
	[UVMSIM_EV_LOCK]	= { "lock", L, { "id", "ctx" } },
	[UVMSIM_EV_LOCK_TRY]	= { "lock.try", L, { "id", "ctx", "ok" } },
	[UVMSIM_EV_UNLOCK]	= { "unlock", L, { "id", "ctx" } },
#undef PM
#undef MP
#undef F
#undef T
#undef L
#undef P
#undef A
#undef M
#undef O
#undef X
};

void
uvmsim__trace_setup(struct uvmsim_machine *m, unsigned cats)
{
	bool sink = m->ring_cap != 0 || m->trace_fp != NULL ||
	    m->trace_fn != NULL;
	unsigned t;

	/* With no sink on, nothing is recorded: the clock alone ticks. */
	m->trace_cats = cats;
	for (t = 0; t < UVMSIM_EV_NTYPES; t++) {
		if (sink && (evdesc[t].cat & cats))
			bit_set(m->trace_types, t);
		else
			bit_clear(m->trace_types, t);
	}
	uvmsim__lock_observer_update(m);
}

int
uvmsim_trace_set(struct uvmsim_machine *m, unsigned cats)
{
	if (m == NULL)
		return uvmsim__error(NULL, EINVAL, "uvmsim_trace_set: m: NULL");
	if ((cats & ~(UVMSIM_TRACE_ALL | UVMSIM_TRACE_LOCK)) != 0)
		return uvmsim__error(m, EINVAL, "uvmsim_trace_set: categories: "
		    "unknown option bits %#x",
		    cats & ~(UVMSIM_TRACE_ALL | UVMSIM_TRACE_LOCK));
	uvmsim__trace_setup(m, cats);
	return 0;
}

void
uvmsim_trace_text(struct uvmsim_machine *m, FILE *fp)
{
	if (m == NULL) {
		(void)uvmsim__error(NULL, EINVAL, "uvmsim_trace_text: m: NULL");
		return;
	}
	m->trace_fp = fp;
	uvmsim__trace_setup(m, m->trace_cats);
}

void
uvmsim_trace_callback(struct uvmsim_machine *m, uvmsim_trace_fn fn, void *arg)
{
	if (m == NULL) {
		(void)uvmsim__error(NULL, EINVAL,
		    "uvmsim_trace_callback: m: NULL");
		return;
	}
	m->trace_fn = fn;
	m->trace_arg = arg;
	uvmsim__trace_setup(m, m->trace_cats);
}

const char *
uvmsim_event_name(unsigned type)
{
	return type < UVMSIM_EV_NTYPES ? evdesc[type].name : "?";
}

int
uvmsim_event_format(const struct uvmsim_event *ev, char *buf, size_t len)
{
	const struct evdesc *d;
	size_t n = 0;
	int i, w;

#define ADD(...) do {							\
	w = snprintf(buf + (n < len ? n : len), n < len ? len - n : 0,	\
	    __VA_ARGS__);						\
	if (w > 0)							\
		n += (size_t)w;						\
} while (0)

	if (buf == NULL && len > 0) {
		(void)uvmsim__error(NULL, EINVAL, "uvmsim_event_format: buf: "
		    "NULL with len %zu", len);
		return -1;
	}
	if (len > 0)
		buf[0] = '\0';
	if (ev == NULL) {
		(void)uvmsim__error(NULL, EINVAL,
		    "uvmsim_event_format: ev: NULL");
		return -1;
	}
	if (ev->type >= UVMSIM_EV_NTYPES) {
		ADD("%" PRIu64 " cpu%u ? type=%u", ev->seq, ev->cpu, ev->type);
		return (int)n;
	}
	d = &evdesc[ev->type];
	ADD("%" PRIu64 " cpu%u %s", ev->seq, ev->cpu, d->name);
	for (i = 0; i < 4 && d->keys[i] != NULL; i++) {
		if (d->keys[i][0] == '#')
			ADD(" %s=%#" PRIx64, d->keys[i] + 1, ev->arg[i]);
		else
			ADD(" %s=%" PRIu64, d->keys[i], ev->arg[i]);
	}
	if (ev->text != NULL)
		ADD(" \"%s\"", ev->text);
#undef ADD
	return (int)n;
}

void
uvmsim__trace_emit(struct uvmsim_machine *m, unsigned type, uint64_t a0,
    uint64_t a1, uint64_t a2, uint64_t a3, const char *text)
{
	struct uvmsim_event ev;
	char line[384];

	ev.seq = m->clock;
	ev.type = (uint16_t)type;
	ev.cpu = (uint16_t)m->curcpu;
	ev.pad = 0;
	ev.arg[0] = a0;
	ev.arg[1] = a1;
	ev.arg[2] = a2;
	ev.arg[3] = a3;
	ev.text = text;
	if (m->ring_cap > 0) {
		m->ring[m->ring_n % m->ring_cap] = ev;
		m->ring_n++;
	}
	if (m->trace_fp != NULL) {
		uvmsim_event_format(&ev, line, sizeof(line));
		fputs(line, m->trace_fp);
		fputc('\n', m->trace_fp);
	}
	if (m->trace_fn != NULL)
		m->trace_fn(m, &ev, m->trace_arg);
}

size_t
uvmsim_trace_ring(const struct uvmsim_machine *m, struct uvmsim_event *out,
    size_t max)
{
	uint64_t have, first, i;

	if (m == NULL) {
		(void)uvmsim__error(NULL, EINVAL, "uvmsim_trace_ring: m: NULL");
		return 0;
	}
	if (out == NULL && max > 0) {
		(void)uvmsim__error((struct uvmsim_machine *)(uintptr_t)m,
		    EINVAL, "uvmsim_trace_ring: out: NULL with max %zu", max);
		return 0;
	}
	have = m->ring_n < m->ring_cap ? m->ring_n : m->ring_cap;
	if (max > have)
		max = (size_t)have;
	first = m->ring_n - max;
	for (i = 0; i < max; i++)
		out[i] = m->ring[(first + i) % m->ring_cap];
	return max;
}

void
uvmsim_trace_dump(const struct uvmsim_machine *m, FILE *fp, size_t n)
{
	uint64_t have, i;
	char line[384];

	if (m == NULL || fp == NULL) {
		(void)uvmsim__error((struct uvmsim_machine *)(uintptr_t)m,
		    EINVAL, "uvmsim_trace_dump: %s: NULL", m == NULL ? "m" :
		    "fp");
		return;
	}
	have = m->ring_n < m->ring_cap ? m->ring_n : m->ring_cap;
	if (n > have)
		n = (size_t)have;
	for (i = m->ring_n - n; i < m->ring_n; i++) {
		uvmsim_event_format(&m->ring[i % m->ring_cap], line,
		    sizeof(line));
		fprintf(fp, "  %s\n", line);
	}
}
