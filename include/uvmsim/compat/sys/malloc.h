/*
 * compat <sys/malloc.h>: the kernel's malloc(9) and free(9), over host
 * memory.  After this header, malloc and free take the kernel's
 * arguments; <stdlib.h> is included first so that its declarations of
 * the host's functions are not rewritten.
 */
#ifndef UVMSIM_COMPAT_SYS_MALLOC_H
#define UVMSIM_COMPAT_SYS_MALLOC_H

#include <stdlib.h>

#include <uvmsim/compat/kern_env.h>

/* Types: recorded nowhere, but kept apart as the kernel keeps them. */
#define M_TEMP		1
#define M_VMMAP		2
#define M_VMAMAP	3
#define M_UVMAMAP	4
#define M_VMPMAP	5

#define malloc(size, type, flags)					\
	uvmsim__kern_malloc((size), (type), (flags))
#define free(addr, type)	uvmsim__kern_free((addr), (type))

#endif /* UVMSIM_COMPAT_SYS_MALLOC_H */
