/*
 * uvmsim/uvm_page.h: physical pages (struct vm_page) and their queues.
 *
 * One struct vm_page describes each simulated frame.  Behind every frame
 * stand PAGE_SIZE bytes of real host memory (uvmsim_page_data()).
 *
 * Field locking, as in the kernel:  [O] the owner's lock (the object's
 * vmobjlock or the anon's an_lock), [P] the page queue lock, [F] the free
 * list (also under the page queue lock in the simulator).  PG_ flags are
 * guarded by the owner, PQ_ flags by the page queues.  loan_count is read
 * under either lock and changed only with both held.
 */
#ifndef UVMSIM_UVM_PAGE_H
#define UVMSIM_UVM_PAGE_H

#include <sys/queue.h>
#include <sys/tree.h>

#include <uvmsim/types.h>
#include <uvmsim/pmap.h>

struct uvm_object;
struct vm_anon;

struct vm_page {
	TAILQ_ENTRY(vm_page) pageq;	/* free list or paging queue [P] */
	RB_ENTRY(vm_page) rb_node;	/* in the owning object's tree [O] */
	struct vm_anon	*uanon;		/* anon holding the page [O,P] */
	struct uvm_object *uobject;	/* object holding the page [O,P] */
	voff_t		offset;		/* offset within uobject [O,P] */
	u_short		flags;		/* PG_ flags [O] */
	u_short		wire_count;	/* wirings; nonzero keeps it off queues [P] */
	u_short		pqflags;	/* PQ_ flags [P] */
	u_short		pad0;		/* (alignment) */
	u_int		loan_count;	/* loans out: read [O or P], write [O and P] */
	u_int		kloan_count;	/* simulator: the loans to the kernel
					   among loan_count, as the native
					   loan module counts them [O and P] */
	paddr_t		phys_addr;	/* physical address of the frame */
	const char	*owner_tag;	/* who made it PG_BUSY, or NULL [O] */
	struct vm_page_md mdpage;	/* the pmap layer's data [pmap] */
};

TAILQ_HEAD(pglist, vm_page);
RB_HEAD(uvm_pagetree, vm_page);

/* PG_ flags: guarded by the page's owner. */
#define PG_BUSY		0x0001	/* page is in use (I/O, being filled) */
#define PG_WANTED	0x0002	/* someone sleeps until it is not busy */
#define PG_TABLED	0x0004	/* page sits in its object's tree */
#define PG_CLEAN	0x0008	/* contents match backing store */
#define PG_CLEANCHK	0x0010	/* clean bit has been checked */
#define PG_RELEASED	0x0020	/* free when no longer busy */
#define PG_FAKE		0x0040	/* contents not yet valid */
#define PG_RDONLY	0x0080	/* must be mapped read-only */
#define PG_ZERO		0x0100	/* known to hold zeros (free pages only) */
#define PG_ANON		0x0200	/* owned by uanon: the "modern" loan
				   behaviour's mark, where 1.39 has PQ_ANON */

/* PQ_ flags: guarded by the page queue lock. */
#define PQ_FREE		0x0001	/* on the free list */
#define PQ_INACTIVE	0x0002	/* on the inactive queue */
#define PQ_ACTIVE	0x0004	/* on the active queue */
#define PQ_ANON		0x0010	/* owned by uanon rather than uobject */
#define PQ_AOBJ		0x0020	/* owned by an anonymous object */
#define PQ_SWAPBACKED	(PQ_ANON | PQ_AOBJ)

/* uvm_pagealloc() flags. */
#define UVM_PGA_USERESERVE	0x0001	/* may dig into the kernel reserve */
#define UVM_PGA_ZERO		0x0002	/* return the page zeroed */

/* Free list buckets. */
#define PGFL_UNKNOWN	0
#define PGFL_ZEROS	1
#define PGFL_NQUEUES	2

struct vm_page	*uvm_pagealloc(struct uvm_object *, voff_t, struct vm_anon *,
		    int);
void		 uvm_pagefree(struct vm_page *);
void		 uvm_pageactivate(struct vm_page *);
void		 uvm_pagedeactivate(struct vm_page *);
void		 uvm_pagedequeue(struct vm_page *);
void		 uvm_pagewire(struct vm_page *);
void		 uvm_pageunwire(struct vm_page *);
struct vm_page	*uvm_pagelookup(struct uvm_object *, voff_t);
void		 uvm_pagezero(struct vm_page *);
void		 uvm_pagecopy(struct vm_page *, struct vm_page *);
void		 uvm_page_unbusy(struct vm_page **, int);
void		 uvm_pagerealloc(struct vm_page *, struct uvm_object *, voff_t);
void		 uvm_pageidlezero(void);
void		 uvm_page_own(struct vm_page *, const char *);
void		 _uvm_lock_pageq(const char *, int);
void		 _uvm_unlock_pageq(const char *, int);
struct vm_page	*uvm_phys_to_vm_page(paddr_t);

/* The page queue lock, recording the caller's place as simple_lock does. */
#define uvm_lock_pageq()	_uvm_lock_pageq(__FILE__, __LINE__)
#define uvm_unlock_pageq()	_uvm_unlock_pageq(__FILE__, __LINE__)

/* Page ownership tracking (UVM_PAGE_TRKOWN is always on). */
#define UVM_PAGE_OWN(pg, tag)	uvm_page_own((pg), (tag))

#define VM_PAGE_TO_PHYS(pg)	((pg)->phys_addr)
#define PHYS_TO_VM_PAGE(pa)	uvm_phys_to_vm_page(pa)
#define VM_PAGE_IS_FREE(pg)	(((pg)->pqflags & PQ_FREE) != 0)

#endif /* UVMSIM_UVM_PAGE_H */
