/*
 * uvmsim/types.h: the scalar types of the kernel's VM interfaces.
 *
 * NetBSD spells addresses, sizes and offsets with their own typedefs
 * (vaddr_t, paddr_t, vsize_t, voff_t) and protections with vm_prot_t.
 * They are given here with the widths of an LP64 kernel so that kernel
 * source compiles unchanged and the simulator's API reads the same way.
 */
#ifndef UVMSIM_TYPES_H
#define UVMSIM_TYPES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

typedef uint64_t	vaddr_t;	/* virtual address */
typedef uint64_t	vsize_t;	/* size of a virtual range */
typedef uint64_t	paddr_t;	/* physical address */
typedef uint64_t	psize_t;	/* size of a physical range */
typedef int64_t		voff_t;		/* offset within an object */
typedef int		vm_prot_t;	/* protection bits */
typedef int		vm_inherit_t;	/* inheritance at fork */
typedef int		boolean_t;	/* kernel truth value */

#ifndef TRUE
#define TRUE	1
#endif
#ifndef FALSE
#define FALSE	0
#endif

/* Protection bits (vm_prot_t). */
#define VM_PROT_NONE	0x00
#define VM_PROT_READ	0x01
#define VM_PROT_WRITE	0x02
#define VM_PROT_EXECUTE	0x04
#define VM_PROT_ALL	(VM_PROT_READ | VM_PROT_WRITE | VM_PROT_EXECUTE)

/* Branch hints, as the kernel's <sys/cdefs.h> gives them. */
#ifndef __predict_true
#define __predict_true(e)	__builtin_expect(((e) != 0), 1)
#define __predict_false(e)	__builtin_expect(((e) != 0), 0)
#endif

#endif /* UVMSIM_TYPES_H */
