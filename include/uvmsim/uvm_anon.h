/*
 * uvmsim/uvm_anon.h: anonymous pages (struct vm_anon).
 *
 * An anon is one page of anonymous memory: resident in u.an_page, in swap
 * at an_swslot, or both.  Its references come from amap slots and from
 * anon loans; the last one frees it (uvm_anfree).
 *
 * States of an anon's page, as uvm_anfree() meets them:
 *   owned     pg->uanon == anon, PQ_ANON set, pg->uobject == NULL
 *   borrowed  an object page loaned to the anon: pg->uobject set, PQ_ANON
 *             clear; the anon's loan is counted in pg->loan_count
 *   orphan    the object let go of a borrowed page: no uobject, PQ_ANON
 *             clear; the anon adopts it (uvm_anon_lockloanpg)
 * (On a machine with the "modern" loan behaviour, PG_ANON in pg->flags
 * marks ownership where 1.39 has PQ_ANON in pg->pqflags.)
 */
#ifndef UVMSIM_UVM_ANON_H
#define UVMSIM_UVM_ANON_H

#include <sys/queue.h>

#include <uvmsim/lock.h>

struct vm_page;

struct vm_anon {
	int		an_ref;		/* references [an_lock] */
	struct simplelock an_lock;	/* guards this anon */
	union {
		struct vm_anon *an_nxt;	/* next on the free list [afreelock] */
		struct vm_page *an_page; /* resident page, or NULL [an_lock] */
	} u;
	int		an_swslot;	/* swap slot, 0 if none [an_lock] */
	u_int		an_id;		/* simulator: serial for traces */
	u_int		an_loans;	/* simulator: the references among
					   an_ref that anon loans hold, as the
					   native loan module counts them */
	TAILQ_ENTRY(vm_anon) an_list;	/* simulator: machine's live anons */
};

struct vm_anon	*uvm_analloc(void);
void		 uvm_anfree(struct vm_anon *);
struct vm_page	*uvm_anon_lockloanpg(struct vm_anon *);

#endif /* UVMSIM_UVM_ANON_H */
