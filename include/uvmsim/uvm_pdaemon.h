/*
 * uvmsim/uvm_pdaemon.h: the page daemon and waiting for memory.
 *
 * The page daemon frees memory when free frames run short: it cleans and
 * frees the pages of the inactive queue that nobody referenced since they
 * were put there, and refills that queue from the active one (NetBSD
 * 1.6's uvm_pageout, uvmpd_scan, uvmpd_scan_inactive).  In the simulator
 * it runs when asked: by uvmsim_pagedaemon_run, or by uvm_wait on a
 * machine whose cfg.uvm_wait is UVMSIM_WAIT_PAGEDAEMON.
 */
#ifndef UVMSIM_UVM_PDAEMON_H
#define UVMSIM_UVM_PDAEMON_H

struct uvmsim_machine;

/*
 * Run the page daemon once on m, as the kernel's wakes when memory runs
 * short: compute its targets (uvmexp.freemin, freetarg, inactarg), scan
 * the inactive queue while free pages are below the target, then move
 * active pages to the inactive queue while it is below its target.
 * budget: pages scanned at most, over both queues (0: no limit but the
 * targets).  Locks of pages' owners are only tried; a page whose owner is
 * locked is skipped.  Wired, busy and lent-to-the-kernel pages are never
 * freed (a lent page leaves its owner and stays with its borrowers).
 * Returns the number of pages freed (0 when nothing could be), or -1 with
 * EINVAL recorded for m NULL, with a simple lock held by the caller (the
 * daemon runs with none, as a thread of its own would), or from inside
 * the daemon itself.
 */
int	uvmsim_pagedaemon_run(struct uvmsim_machine *m, unsigned budget);

/* Wait for the page daemon to free pages (kernel name; no simple lock
 * held).  Runs the "uvm_wait" hook, then, on a machine whose cfg.uvm_wait
 * is UVMSIM_WAIT_PAGEDAEMON, the page daemon.  For kernel source that
 * calls it in a loop: many waits in a row with the free count unchanged
 * would go on for ever, and panic, saying so. */
void	uvm_wait(const char *wmsg);

#endif /* UVMSIM_UVM_PDAEMON_H */
