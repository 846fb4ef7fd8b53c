/*
 * uvmsim/uvm_loan.h: page loanout (uvm_loan.c).
 *
 * uvm_loan() lends the pages behind a range of a map, read-only, either
 * to the kernel (an array of struct vm_page *, UVM_LOAN_TOPAGE) or to
 * anons (an array of struct vm_anon *, UVM_LOAN_TOANON); uvm_unloan()
 * gives them back, with the flag the loan was made with (another panics).
 * The caller's array holds len / PAGE_SIZE entries.
 *
 * uvm_loan() returns 0, ENOENT (a hole in the range) or EINVAL (any
 * other failure), as the kernel's does, and lends nothing on failure.  It
 * clears uvmsim_last_error() on entry; a failure leaves there why, and
 * where: "uvm_loan: a hole at va ...", "uvm_loan: va ...: " and a wired
 * page, out of memory, a pager error at an offset of an object, or a loan
 * the modern behaviour does not make.  (A kernel uvm_loan.c compiled in
 * its place says less: docs/kernel-code.md.)
 *
 * The steps of a loan are functions of their own, with the names and
 * return conventions of NetBSD 1.6's uvm_loan.c, so that a test can drive
 * each one with a uvm_faultinfo it looked up itself:
 *
 *   uvm_loanentry	the pages of one map entry; returns how many were
 *			loaned, 0 when the lookup must be redone, -1 on
 *			error.  Map locked on entry, unlocked on return.
 *   uvm_loananon	one page held by an anon of the entry's amap
 *   uvm_loanuobj	one page of the entry's object, at address va
 *   uvm_loanzero	one page of untouched copy-on-write memory (zeros)
 *	the three above: map, amap and object (those that exist) locked on
 *	entry; 1 when the page was loaned (everything still locked), 0 when
 *	the lookup went stale, -1 on error (then everything is unlocked).
 *   uvm_unloananon	drop the references of an array of loaned anons
 *   uvm_unloanpage	return an array of pages loaned to the kernel
 *   uvm_loanpage	later NetBSD's O->K step (src/uvm_loanpages.c, the
 *			modern behaviour only; ENOTSUP in 1.39): pages of
 *			one object, locked and resident (busy if the flag
 *			says so: then unbusied), lent to the kernel; 0, or
 *			EBUSY for a wired page, with none left lent.
 *
 * NetBSD's own uvm_loan.c declares the steps static.  A build that
 * compiles that file in place of the library's module defines
 * UVMSIM_SEED_LOAN, which leaves the step declarations out so that they
 * cannot clash with the file's own.
 */
#ifndef UVMSIM_UVM_LOAN_H
#define UVMSIM_UVM_LOAN_H

#include <uvmsim/types.h>

struct uvm_faultinfo;
struct uvm_object;
struct vm_anon;
struct vm_map;
struct vm_page;

/* uvm_loan and uvm_unloan flags: exactly one of them. */
#define UVM_LOAN_TOANON		0x1	/* lend to anons */
#define UVM_LOAN_TOPAGE		0x2	/* lend to the kernel, as pages */

int	uvm_loan(struct vm_map *, vaddr_t, vsize_t, void *, int);
void	uvm_unloan(void *, int, int);

/*
 * Breaking a loan for an owner that writes (src/uvm_loanbreak.c, present
 * whichever loan module is linked): uvm_loanbreak returns the object's
 * fresh copy (busy), or NULL when out of pages; uvm_loanbreak_anon
 * returns 0 or ENOMEM.
 */
struct vm_page *uvm_loanbreak(struct vm_page *);
int	uvm_loanbreak_anon(struct vm_anon *, struct uvm_object *);

#ifndef UVMSIM_SEED_LOAN
int	uvm_loanentry(struct uvm_faultinfo *, void ***, int);
int	uvm_loananon(struct uvm_faultinfo *, void ***, int, struct vm_anon *);
int	uvm_loanuobj(struct uvm_faultinfo *, void ***, int, vaddr_t);
int	uvm_loanzero(struct uvm_faultinfo *, void ***, int);
void	uvm_unloananon(struct vm_anon **, int);
void	uvm_unloanpage(struct vm_page **, int);
int	uvm_loanpage(struct vm_page **, int, bool);
#endif

#endif /* UVMSIM_UVM_LOAN_H */
