/*
 * uvmsim/uvm_swap.h: swap space.
 *
 * A machine has one swap device, in host memory, of cfg.swap_slots
 * page-sized slots (none: a machine without swap).  Slots are numbered
 * from 1; 0 means "no slot" (an_swslot, an aobj's slot of a page).  The
 * page daemon allocates a slot for a dirty anonymous page, writes the
 * page there and frees the frame; the fault handler and the aobj pager
 * read it back.  uvmexp.swpages counts the slots, swpginuse the slots
 * allocated, swpgonly those whose page lives in swap only.
 *
 * These act on the calling thread's current machine, as the kernel's do.
 */
#ifndef UVMSIM_UVM_SWAP_H
#define UVMSIM_UVM_SWAP_H

#include <uvmsim/types.h>

struct vm_page;

/* Allocate *nslots consecutive slots, or with lessok as many as one run
 * gives (at least one; *nslots says how many); returns the first slot,
 * 0 when swap is full (or the "uvm_swap_alloc" failpoint fired). */
int	uvm_swap_alloc(int *nslots, boolean_t lessok);
/* Free nslots slots from startslot; they must be allocated. */
void	uvm_swap_free(int startslot, int nslots);
/* Write npages pages to the slots from swslot, synchronously: 0, or EIO
 * (the "uvm_swap_put.eio" failpoint: nothing written).  The pages are
 * busy and their owners locked; they are left as they are. */
int	uvm_swap_put(int swslot, struct vm_page **ppsp, int npages, int flags);
/* Read slot swslot into page (busy, owner locked): 0, or EIO (the
 * "uvm_swap_get.eio" failpoint: the page's contents are not valid). */
int	uvm_swap_get(struct vm_page *page, int swslot, int flags);
/* Every slot allocated (or no swap at all). */
boolean_t uvm_swapisfull(void);

#endif /* UVMSIM_UVM_SWAP_H */
