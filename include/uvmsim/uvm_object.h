/*
 * uvmsim/uvm_object.h: memory objects and their pagers.
 *
 * A uvm_object holds pages by offset in a red-black tree (the kernel of
 * the seed's era used a hash table and a list; a tree gives the same
 * lookups in O(log n) with deterministic order).  The pager operations
 * bring pages in (pgo_get) and write them back (pgo_put).
 *
 * Invariants, checked by uvmsim_check():
 *   1. uo_npages equals the number of pages in memt.
 *   2. every page in memt has uobject == this object, PG_TABLED, and the
 *      offset it is filed under.
 *   3. uo_refs > 0 for every live object.
 */
#ifndef UVMSIM_UVM_OBJECT_H
#define UVMSIM_UVM_OBJECT_H

#include <sys/queue.h>
#include <sys/tree.h>

#include <uvmsim/lock.h>
#include <uvmsim/uvm_page.h>

struct uvm_pagerops;

struct uvm_object {
	struct simplelock vmobjlock;	/* guards the fields below */
	const struct uvm_pagerops *pgops; /* pager operations */
	struct uvm_pagetree memt;	/* resident pages by offset [vmobjlock] */
	int		uo_npages;	/* pages in memt [vmobjlock] */
	int		uo_refs;	/* references [vmobjlock] */
	u_int		uo_id;		/* simulator: serial for traces */
	TAILQ_ENTRY(uvm_object) uo_list; /* simulator: machine's objects */
};

/* Pager operations, with the kernel's signatures. */
struct uvm_pagerops {
	void	(*pgo_reference)(struct uvm_object *);
	void	(*pgo_detach)(struct uvm_object *);
	int	(*pgo_get)(struct uvm_object *, voff_t, struct vm_page **,
		    int *, int, vm_prot_t, int, int);
	int	(*pgo_put)(struct uvm_object *, voff_t, voff_t, int);
	const char *pgo_name;		/* simulator: kind, for reports */
	void	(*pgo_teardown)(struct uvm_object *); /* simulator: free
					   the pager's memory of an object
					   still alive when its machine is
					   destroyed; NULL: nothing to free */
};

/* Pager flags (pgo_get and pgo_put). */
#define PGO_CLEANIT	0x001	/* write dirty pages to backing store */
#define PGO_SYNCIO	0x002	/* wait for the I/O */
#define PGO_DEACTIVATE	0x004	/* deactivate the pages put */
#define PGO_FREE	0x008	/* free the pages put */
#define PGO_ALLPAGES	0x010	/* all pages of the object, or of the range */
#define PGO_LOCKED	0x040	/* get: object locked, resident pages only */
#define PGO_OVERWRITE	0x200	/* get: caller will overwrite the pages */
#define PGO_PASTEOF	0x400	/* get: allow pages past end of file */

/* In a pgo_get page array: a slot the caller does not want filled. */
#define PGO_DONTCARE	((struct vm_page *)-1L)

/* Advice (madvise), passed through pgo_get; the host's values agree. */
#ifndef MADV_NORMAL
#define MADV_NORMAL	0
#define MADV_RANDOM	1
#define MADV_SEQUENTIAL	2
#define MADV_WILLNEED	3
#define MADV_DONTNEED	4
#endif

/* Object helpers shared by the pagers. */
void	uvm_obj_init(struct uvm_object *, const struct uvm_pagerops *, int);
void	uvm_obj_destroy(struct uvm_object *);

#endif /* UVMSIM_UVM_OBJECT_H */
