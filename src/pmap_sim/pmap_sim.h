/*
 * pmap_sim.h: how an architecture backend describes its page tables to the
 * machine-independent pmap glue and to the MMU.
 *
 * A backend is a table of facts (this structure) plus functions for what
 * the table cannot say.  The glue and the MMU read PTEs only through the
 * bit positions given here, so that no architecture fact is written into
 * machine-independent code.
 *
 * Levels are numbered as NetBSD's x86 pmap numbers them: level 1 is the
 * page table whose entries map pages (leaf PTEs), level pa_levels the
 * root.  A PTE of level > 1 points at the page-table page below it.
 *
 * The flags that tell architectures apart:
 *   pa_hw_ad       the MMU sets the accessed and dirty bits as it walks
 *                  (x86).  When false, the pmap emulates them: a walk that
 *                  finds A clear, or D clear on a write, takes a
 *                  reference/modify trap which the glue resolves by setting
 *                  the bit (alpha, mips, some arm).
 *   pa_has_walker  a hardware walker refills the TLB.  When false, a miss
 *                  traps to the pmap's refill handler, which reads the same
 *                  tables (mips, sparc64 with its TSB).
 *   pa_ptp_rights  the rights bits of a non-leaf entry restrict everything
 *                  below it (x86: effective write = AND of RW, user = AND
 *                  of US, no-execute = OR of NX over the levels).  When
 *                  false, only the leaf says what is allowed (risc-v).
 */
#ifndef UVMSIM_PMAP_SIM_H
#define UVMSIM_PMAP_SIM_H

#include <uvmsim/types.h>

#define PMAP_SIM_MAXLEVELS	5

struct pmap_sim_arch {
	const char	*pa_name;	/* "x86_64", ... */
	unsigned	pa_page_shift;	/* log2 of the page size */
	unsigned	pa_levels;	/* levels of page tables */
	unsigned	pa_index_bits[PMAP_SIM_MAXLEVELS]; /* per level, top first */
	unsigned	pa_pte_bytes;	/* size of one PTE: 4 or 8 */
	bool		pa_big_endian;	/* PTEs and data are big-endian */
	/* Bit positions in a PTE; a bit the format lacks is -1.  An "active
	 * low" bit (no-execute) is set to forbid.  Without a read bit, every
	 * valid mapping may be read; without an execute bit, every mapping
	 * without no-execute may be executed. */
	int		pa_bit_valid;
	int		pa_bit_read;
	int		pa_bit_write;
	int		pa_bit_user;
	int		pa_bit_exec;
	int		pa_bit_noexec;
	int		pa_bit_accessed;
	int		pa_bit_dirty;
	int		pa_bit_global;	/* survives an address-space switch */
	int		pa_bit_wired;	/* software: a wired mapping */
	int		pa_bit_managed;	/* software: the page has a pv entry */
	unsigned	pa_pfn_shift;	/* where the frame number sits in a PTE */
	uint64_t	pa_addr_mask;	/* frame address bits of a PTE */
	uint64_t	pa_ptp_user;	/* bits besides valid of a non-leaf
					   entry of a user pmap */
	uint64_t	pa_ptp_kernel;	/* ... of the kernel pmap */
	bool		pa_ptp_rights;	/* non-leaf rights restrict the leaf */
	bool		pa_hw_ad;	/* hardware sets accessed/dirty */
	bool		pa_has_walker;	/* false: software-refilled TLB */
	unsigned	pa_va_bits;	/* implemented virtual address bits */
	bool		pa_va_signext;	/* bits above copy bit pa_va_bits - 1 */
	/* Address ranges (struct uvmsim_vmparam).  The root entries covering
	 * [kernel_min, kernel_max) are made at boot, with the page-table
	 * pages they point to, and copied into every user pmap's root. */
	vaddr_t		pa_user_min;
	vaddr_t		pa_user_max;
	vaddr_t		pa_kernel_min;
	vaddr_t		pa_kernel_max;
};

/* The backends (one file each). */
extern const struct pmap_sim_arch pmap_sim_arch_x86_64;

#endif /* UVMSIM_PMAP_SIM_H */
