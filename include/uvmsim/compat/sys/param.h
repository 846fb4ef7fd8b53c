/*
 * compat <sys/param.h>: the host's, then the kernel environment: the
 * machine's page size (PAGE_SIZE, PAGE_SHIFT, PAGE_MASK), sleep
 * priorities (PVM, ...), TRUE and FALSE.
 */
#ifndef UVMSIM_COMPAT_SYS_PARAM_H
#define UVMSIM_COMPAT_SYS_PARAM_H

#include_next <sys/param.h>

#include <uvmsim/compat/kern_env.h>

#endif /* UVMSIM_COMPAT_SYS_PARAM_H */
