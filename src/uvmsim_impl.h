/*
 * uvmsim_impl.h: every private header of the library at once, for the
 * pmap layer (src/pmap_sim).  Not installed.  A module of src/ includes
 * the headers it uses:
 *   uvmsim_state.h    the machine, failpoints, hooks, the loan behaviour
 *   uvmsim_cur.h      the current machine, errors, the panic
 *   kern_lock.h     the lock model
 *   uvmsim_trace.h    the clock and the trace
 *   uvmsim_frame.h    frames: their bytes, copy, zero, Valgrind marks
 *   uvmsim_vm.h       the VM modules' shared helpers
 *   uvmsim_problem.h  the checker's problem reports and module checks
 */
#ifndef UVMSIM_IMPL_H
#define UVMSIM_IMPL_H

#include <string.h>

#include "uvmsim_state.h"
#include "uvmsim_cur.h"
#include "kern_lock.h"
#include "uvmsim_trace.h"
#include "uvmsim_frame.h"
#include "uvmsim_vm.h"
#include "uvmsim_problem.h"

#endif /* UVMSIM_IMPL_H */
