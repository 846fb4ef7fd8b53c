/*
 * uvmsim_trace.h: the machine's clock and its trace of events
 * (uvmsim_trace.c).  Not installed.
 */
#ifndef UVMSIM_PRIV_TRACE_H
#define UVMSIM_PRIV_TRACE_H

#include "uvmsim_state.h"


void	uvmsim__trace_emit(struct uvmsim_machine *m, unsigned type,
	    uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3,
	    const char *text);
void	uvmsim__trace_setup(struct uvmsim_machine *m, unsigned cats);

/*
 * uvmsim__ev's two steps, for a hot path that records its event on a
 * path apart (so that the usual, untraced one works out none of the
 * event's arguments): whether events of type are recorded, and the
 * clock's tick every event makes, traced or not.
 */
static inline bool
uvmsim__ev_traced(const struct uvmsim_machine *m, unsigned type)
{
	return __predict_false(bit_test(m->trace_types, type));
}

static inline void
uvmsim__ev_tick(struct uvmsim_machine *m)
{
	m->clock++;
}

/* Tick the clock and record an event if its type is traced. */
static inline void
uvmsim__ev(struct uvmsim_machine *m, unsigned type, uint64_t a0,
    uint64_t a1, uint64_t a2, uint64_t a3)
{
	uvmsim__ev_tick(m);
	if (uvmsim__ev_traced(m, type))
		uvmsim__trace_emit(m, type, a0, a1, a2, a3, NULL);
}

#endif /* UVMSIM_PRIV_TRACE_H */
