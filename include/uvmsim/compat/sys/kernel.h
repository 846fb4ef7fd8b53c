/*
 * compat <sys/kernel.h>: lbolt, the channel woken once a second; each
 * machine has its own.
 */
#ifndef UVMSIM_COMPAT_SYS_KERNEL_H
#define UVMSIM_COMPAT_SYS_KERNEL_H

#include <uvmsim/compat/kern_env.h>

#endif /* UVMSIM_COMPAT_SYS_KERNEL_H */
