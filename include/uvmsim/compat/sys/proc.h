/*
 * compat <sys/proc.h>: struct proc as the simulator has it (an address
 * space and a pid; <uvmsim/proc.h>).
 */
#ifndef UVMSIM_COMPAT_SYS_PROC_H
#define UVMSIM_COMPAT_SYS_PROC_H

#include <uvmsim/compat/kern_env.h>

#endif /* UVMSIM_COMPAT_SYS_PROC_H */
