/*
 * uvmsim/uvm_extern.h: the counters of a machine (struct uvmexp).
 *
 * Field names follow the kernel's struct uvmexp.  Each simulated machine
 * has its own; uvmsim_uvmexp() returns it.  The checker recounts every
 * counter from the structures and reports a difference.
 */
#ifndef UVMSIM_UVM_EXTERN_H
#define UVMSIM_UVM_EXTERN_H

#include <uvmsim/types.h>

struct uvmexp {
	/* page size, fixed at machine creation */
	int	pagesize;	/* bytes per page */
	int	pagemask;	/* pagesize - 1 */
	int	pageshift;	/* log2(pagesize) */

	/* physical pages, guarded by the page queue lock */
	int	npages;		/* frames managed */
	int	free;		/* on the free list */
	int	active;		/* on the active queue */
	int	inactive;	/* on the inactive queue */
	int	paging;		/* busy with pageout I/O */
	int	wired;		/* wired (on no queue) */
	int	zeropages;	/* free and known to be zero */
	int	reserve_pagedaemon; /* frames only the page daemon may take */
	int	reserve_kernel;	/* frames only the kernel may take */
	int	anonpages;	/* pages owned by anons */

	/* anons, guarded by the anon free list lock */
	int	nanon;		/* anons in existence */
	int	nfreeanon;	/* of which free */

	/* event counts */
	int	pga_zerohit;	/* zeroed allocation found a zero page */
	int	pga_zeromiss;	/* zeroed allocation had to zero */
};

#endif /* UVMSIM_UVM_EXTERN_H */
