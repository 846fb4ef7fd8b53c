/*
 * uvmsim/uvm_extern.h: the counters of a machine (struct uvmexp), and
 * the kernel interfaces NetBSD declares here that no other header of the
 * simulator holds.
 *
 * Field names follow the kernel's struct uvmexp.  Each simulated machine
 * has its own; uvmsim_uvmexp() returns it.  The checker recounts every
 * counter from the structures and reports a difference.
 */
#ifndef UVMSIM_UVM_EXTERN_H
#define UVMSIM_UVM_EXTERN_H

#include <uvmsim/types.h>

struct uvm_object;
struct vm_page;

/*
 * uvm_loanuobjpages (src/uvm_loanpages.c; later NetBSD's, the modern loan
 * behaviour only): lend npages pages of an object, from offset pgoff
 * (page aligned), to the kernel, reading in those not resident; the
 * object unlocked.  Returns 0 with the pages in the array, or an error
 * with nothing lent and the array NULL: the pager's, EBUSY for a wired
 * page, ENOTSUP in the 1.39 behaviour; uvmsim_last_error() says why.
 * The loans come back with uvm_unloan(pgs, npages, UVM_LOAN_TOPAGE).
 */
int	uvm_loanuobjpages(struct uvm_object *, voff_t, int, struct vm_page **);

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

	/* faults */
	int	faults;		/* calls of uvm_fault */
	int	fltnoram;	/* failed: no free page */
	int	fltnoanon;	/* failed: no free anon */
	int	fltnoamap;	/* failed: no amap for a needs-copy entry */
	int	fltpgwait;	/* found the page busy */
	int	fltrelck;	/* tried to relock the maps */
	int	fltrelckok;	/* ... and the map had not changed */
	int	fltanget;	/* went through uvmfault_anonget */
	int	fltanretry;	/* ... and had to look again */
	int	fltamcopy;	/* copied a needs-copy amap */
	int	fltnamap;	/* neighbouring anon pages mapped */
	int	fltnomap;	/* neighbouring object pages mapped */
	int	fltlget;	/* locked pgo_get calls */
	int	fltget;		/* unlocked (I/O) pgo_get calls */
	int	flt_anon;	/* resolved from an anon */
	int	flt_acow;	/* ... by copying a shared anon */
	int	flt_obj;	/* resolved from an object page in place */
	int	flt_prcopy;	/* promoted an object page to an anon */
	int	flt_przero;	/* promoted a zero-fill page to an anon */

	/* swap (uvm_swap.c), guarded by the swap data lock */
	int	nswapdev;	/* swap devices: 1 with swap_slots, else 0 */
	int	swpages;	/* slots of swap */
	int	swpginuse;	/* slots allocated */
	int	swpgonly;	/* ... whose page is in swap only (not
				   resident) */
	int	pgswapin;	/* pages read from swap */
	int	pgswapout;	/* pages written to swap */

	/* the page daemon (uvm_pdaemon.c), guarded by the page queues */
	int	freemin;	/* free pages below which it must run */
	int	freetarg;	/* free pages it aims for */
	int	inactarg;	/* inactive pages it aims for */
	int	wiredmax;	/* most pages that may be wired */
	int	pdwoke;		/* runs (uvmsim_pagedaemon_run, uvm_wait) */
	int	pdrevs;		/* scans of the queues (uvmpd_scan) */
	int	pdscans;	/* inactive pages looked at */
	int	pdfreed;	/* pages freed */
	int	pdreact;	/* referenced pages put back on the active queue */
	int	pdbusy;		/* busy pages skipped */
	int	pdanscan;	/* anon pages looked at with the anon locked */
	int	pdobscan;	/* object pages looked at with the object locked */
	int	pdpageouts;	/* pageouts started */
	int	pddeact;	/* active pages moved to the inactive queue */
};

#endif /* UVMSIM_UVM_EXTERN_H */
