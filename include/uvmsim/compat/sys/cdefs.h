/*
 * compat <sys/cdefs.h>: the host's (through libbsd's overlay), and the
 * kernel's additions.
 */
#ifndef UVMSIM_COMPAT_SYS_CDEFS_H
#define UVMSIM_COMPAT_SYS_CDEFS_H

#include_next <sys/cdefs.h>

#ifndef __P
#define __P(protos)	protos
#endif

/* A kernel file's revision string stays in its object, where strings(1)
 * and the conformance checksum test find it. */
#undef __KERNEL_RCSID
#define __KERNEL_RCSID(n, s)						\
	static const char uvmsim__kernel_rcsid_##n[]			\
	    __attribute__((__used__)) = s

#endif /* UVMSIM_COMPAT_SYS_CDEFS_H */
