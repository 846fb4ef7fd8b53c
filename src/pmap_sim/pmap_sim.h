/*
 * pmap_sim.h: how an architecture backend describes its page tables to the
 * machine-independent pmap glue and to the MMU.
 *
 * A backend is a table of facts (this structure) plus functions for what
 * the table cannot say.  The glue and the MMU read PTEs only through the
 * bit positions given here, so that no architecture fact is written into
 * machine-independent code.
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
	unsigned	pa_pte_bytes;	/* size of one PTE */
	/* Bit positions in a PTE; a bit the format lacks is -1.  An "active
	 * low" bit (no-execute) is set to forbid. */
	int		pa_bit_valid;
	int		pa_bit_write;
	int		pa_bit_user;
	int		pa_bit_noexec;
	int		pa_bit_accessed;
	int		pa_bit_dirty;
	uint64_t	pa_addr_mask;	/* frame address bits of a PTE */
	bool		pa_hw_ad;	/* hardware sets accessed/dirty */
	bool		pa_has_walker;	/* false: software-refilled TLB */
};

#endif /* UVMSIM_PMAP_SIM_H */
