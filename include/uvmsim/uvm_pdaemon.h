/*
 * uvmsim/uvm_pdaemon.h: the page daemon and waiting for memory.
 *
 * The page daemon frees memory when free frames run short: it cleans and
 * frees the pages of the inactive queue that nobody referenced since they
 * were put there, and refills that queue from the active one (NetBSD
 * 1.6's uvm_pageout, uvmpd_scan, uvmpd_scan_inactive).  In the simulator
 * it runs when asked: by uvmsim_pagedaemon_run (<uvmsim/uvmsim.h>), or by
 * uvm_wait on a machine whose cfg.uvm_wait is UVMSIM_WAIT_PAGEDAEMON.
 */
#ifndef UVMSIM_UVM_PDAEMON_H
#define UVMSIM_UVM_PDAEMON_H

/* Wait for the page daemon to free pages (kernel name; no simple lock
 * held).  Runs the "uvm_wait" hook, then, on a machine whose cfg.uvm_wait
 * is UVMSIM_WAIT_PAGEDAEMON, the page daemon.  For kernel source that
 * calls it in a loop: many waits in a row with the free count unchanged
 * would go on for ever, and panic, saying so. */
void	uvm_wait(const char *wmsg);

#endif /* UVMSIM_UVM_PDAEMON_H */
