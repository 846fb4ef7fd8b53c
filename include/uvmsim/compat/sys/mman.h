/*
 * compat <sys/mman.h>: the host's (MADV_*, whose values the kernel's
 * share), and the kernel environment.
 */
#ifndef UVMSIM_COMPAT_SYS_MMAN_H
#define UVMSIM_COMPAT_SYS_MMAN_H

#include_next <sys/mman.h>

#include <uvmsim/compat/kern_env.h>

#endif /* UVMSIM_COMPAT_SYS_MMAN_H */
