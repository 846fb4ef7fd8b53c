/*
 * uvmsim/uvm_amap.h: anonymous maps (struct vm_amap).
 *
 * An amap is an array of anon slots laid over a range of a map entry.  The
 * entry reaches it through a vm_aref: the amap and the slot where the
 * entry's first page falls (ar_pageoff).  Several entries may share one
 * amap (after a split, or for shared memory); per-page reference counts
 * (ppref) say how many of them still cover each slot, so that unmapping
 * part of an entry can drop the anons that nobody covers any more.
 *
 * Slot bookkeeping: am_anon[] holds an anon or NULL for every slot;
 * am_slots[0 .. am_nused-1] lists the slots in use, and am_bckptr[slot]
 * gives the position of a slot in am_slots, so that adding and removing a
 * slot are O(1) and a walk over the used slots costs O(am_nused).
 */
#ifndef UVMSIM_UVM_AMAP_H
#define UVMSIM_UVM_AMAP_H

#include <sys/queue.h>

#include <uvmsim/lock.h>

struct vm_anon;
struct vm_map;
struct vm_map_entry;

struct vm_aref {
	int		ar_pageoff;	/* first slot of the entry */
	struct vm_amap	*ar_amap;	/* the amap, or NULL */
};

struct vm_amap {
	struct simplelock am_l;		/* guards everything below */
	int		am_ref;		/* references from entries [am_l] */
	int		am_flags;	/* AMAP_ flags [am_l] */
	int		am_maxslot;	/* slots allocated [am_l] */
	int		am_nslot;	/* slots in use by the range [am_l] */
	int		am_nused;	/* slots holding an anon [am_l] */
	int		*am_slots;	/* the used slots, packed [am_l] */
	int		*am_bckptr;	/* slot -> index in am_slots [am_l] */
	struct vm_anon	**am_anon;	/* slot -> anon or NULL [am_l] */
	int		*am_ppref;	/* per-page refs, NULL, or PPREF_NONE */
	u_int		am_id;		/* simulator: serial for traces */
	TAILQ_ENTRY(vm_amap) am_list;	/* simulator: machine's amaps */
};

/* am_flags */
#define AMAP_SHARED	0x1	/* shared by several entries (MAP_SHARE) */
#define AMAP_REFALL	0x2	/* amap_ref: reference every slot */

/* am_ppref is PPREF_NONE when per-page references could not be had. */
#define PPREF_NONE	((int *)-1)

/* amap_copy flags */
#define AMAP_COPY_NOWAIT	0x1

#define amap_lock(am)		simple_lock(&(am)->am_l)
#define amap_unlock(am)		simple_unlock(&(am)->am_l)
#define amap_refs(am)		((am)->am_ref)
#define amap_flags(am)		((am)->am_flags)

struct vm_amap	*amap_alloc(vaddr_t, vaddr_t, int);
void		 amap_free(struct vm_amap *);
struct vm_anon	*amap_lookup(struct vm_aref *, vaddr_t);
void		 amap_lookups(struct vm_aref *, vaddr_t, struct vm_anon **, int);
void		 amap_add(struct vm_aref *, vaddr_t, struct vm_anon *, boolean_t);
void		 amap_unadd(struct vm_aref *, vaddr_t);
void		 amap_ref(struct vm_amap *, vaddr_t, vsize_t, int);
void		 amap_unref(struct vm_amap *, vaddr_t, vsize_t, boolean_t);
void		 amap_splitref(struct vm_aref *, struct vm_aref *, vaddr_t);
int		 amap_extend(struct vm_map_entry *, vsize_t);
void		 amap_copy(struct vm_map *, struct vm_map_entry *, int,
		    boolean_t, vaddr_t, vaddr_t);
void		 amap_wipeout(struct vm_amap *);
void		 amap_pp_adjref(struct vm_amap *, int, vsize_t, int);

#endif /* UVMSIM_UVM_AMAP_H */
