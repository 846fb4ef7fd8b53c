/*
 * compat <sys/systm.h>: panic, KASSERT (to the machine's panic handler),
 * printf (the host's, to stdout), tsleep and wakeup.
 */
#ifndef UVMSIM_COMPAT_SYS_SYSTM_H
#define UVMSIM_COMPAT_SYS_SYSTM_H

#include <uvmsim/compat/kern_env.h>

#endif /* UVMSIM_COMPAT_SYS_SYSTM_H */
