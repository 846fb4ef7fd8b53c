/*
 * uvmsim/uvm_map.h: map entries.
 *
 * A vm_map_entry maps [start, end) of an address space onto an object (at
 * offset) and an amap (at aref), with a protection, an inheritance and
 * copy-on-write flags.  The amap layer reads and resizes entries
 * (amap_copy, amap_extend), so the entry is defined here with the amap.
 */
#ifndef UVMSIM_UVM_MAP_H
#define UVMSIM_UVM_MAP_H

#include <sys/queue.h>
#include <sys/tree.h>

#include <uvmsim/types.h>
#include <uvmsim/lock.h>
#include <uvmsim/pmap.h>
#include <uvmsim/uvm_amap.h>

struct uvm_object;
struct uvmsim_machine;
struct vm_map;

struct vm_map_entry {
	RB_ENTRY(vm_map_entry) rb_entry; /* in the map's tree by start [map] */
	struct vm_map_entry *prev;	/* previous entry in address order */
	struct vm_map_entry *next;	/* next entry in address order */
	vaddr_t		start;		/* first address */
	vaddr_t		end;		/* first address past the entry */
	union {
		struct uvm_object *uvm_obj;	/* backing object */
		struct vm_map	*sub_map;	/* or a submap */
	} object;
	voff_t		offset;		/* offset of start in the object */
	int		etype;		/* UVM_ET_ flags */
	vm_prot_t	protection;	/* current protection */
	vm_prot_t	max_protection;	/* highest protection allowed */
	vm_inherit_t	inheritance;	/* what fork does with it */
	int		wired_count;	/* wirings of the range */
	struct vm_aref	aref;		/* anonymous layer */
	int		advice;		/* MADV_ advice */
	uint8_t		flags;		/* UVM_MAP_ flags */
};

/* etype */
#define UVM_ET_OBJ		0x01	/* backed by an object */
#define UVM_ET_SUBMAP		0x02	/* a submap */
#define UVM_ET_COPYONWRITE	0x04	/* private: writes copy */
#define UVM_ET_NEEDSCOPY	0x08	/* amap must be copied before write */

#define UVM_ET_ISOBJ(e)		(((e)->etype & UVM_ET_OBJ) != 0)
#define UVM_ET_ISSUBMAP(e)	(((e)->etype & UVM_ET_SUBMAP) != 0)
#define UVM_ET_ISCOPYONWRITE(e)	(((e)->etype & UVM_ET_COPYONWRITE) != 0)
#define UVM_ET_ISNEEDSCOPY(e)	(((e)->etype & UVM_ET_NEEDSCOPY) != 0)
#define VM_MAPENT_ISWIRED(e)	((e)->wired_count != 0)

/* entry flags */
#define UVM_MAP_KERNEL		0x01	/* an entry of the kernel map */
#define UVM_MAP_NOMERGE		0x10	/* never merge with a neighbour */

/* Inheritance. */
#define MAP_INHERIT_SHARE	0
#define MAP_INHERIT_COPY	1
#define MAP_INHERIT_NONE	2
#define MAP_INHERIT_DONATE_COPY	3

/*
 * The map lock: shared (readers) or exclusive, as lockmgr's was.  Held
 * states are checked like simple locks: taking it exclusive while it is
 * held, or shared while it is held exclusive, can never succeed in the
 * simulator and panics.  Dropping an exclusive hold bumps the map's
 * timestamp, which is how a relookup knows the map changed.
 */
struct vm_map_lock {
	int		lk_sharecount;	/* shared holders */
	uint32_t	lk_exholder;	/* exclusive holder cpu + 1, or 0 */
	const char	*lk_file;	/* where it was last taken */
	int		lk_line;
};

/*
 * A map: entries kept both in address order (prev/next from the header)
 * and in a red-black tree by start address, so lookup is O(log n).
 * header.start and header.end hold the map's lowest and highest address.
 */
RB_HEAD(uvm_map_tree, vm_map_entry);

struct vm_map {
	struct pmap	*pmap;		/* the page tables */
	struct vm_map_lock lock;	/* guards the map */
	struct vm_map_entry header;	/* list head; start/end: map bounds */
	struct uvm_map_tree rbhead;	/* entries by start [lock] */
	int		nentries;	/* entries [lock] */
	vsize_t		size;		/* bytes mapped [lock] */
	int		ref_count;	/* references [ref_lock] */
	struct simplelock ref_lock;	/* guards ref_count */
	struct vm_map_entry *hint;	/* last entry looked up [lock] */
	int		flags;		/* VM_MAP_ flags */
	unsigned int	timestamp;	/* bumped when an exclusive hold ends */
	u_int		map_id;		/* simulator: serial for traces */
	TAILQ_ENTRY(vm_map) map_list;	/* simulator: machine's maps */
	struct uvmsim_machine *map_machine; /* simulator: the machine it
					   belongs to [const] */
};

/* map flags */
#define VM_MAP_PAGEABLE		0x01	/* entries may be paged */
#define VM_MAP_INTRSAFE		0x02	/* used at interrupt time */
#define VM_MAP_WIREFUTURE	0x04	/* wire future mappings (mlockall) */

#define vm_map_min(map)		((map)->header.start)
#define vm_map_max(map)		((map)->header.end)
#define vm_map_pmap(map)	((map)->pmap)

/* A process's address space. */
struct vmspace {
	struct vm_map	vm_map;		/* the map */
	int		vm_refcnt;	/* references */
	u_int		vm_id;		/* simulator: serial for traces */
};

/* uvm_map flags: UVM_MAPFLAG(prot, maxprot, inherit, advice, flags). */
typedef unsigned int uvm_flag_t;
#define UVM_PROT_MASK		0x07
#define UVM_INH_MASK		0x30
#define UVM_INH_SHARE		0x00
#define UVM_INH_COPY		0x10
#define UVM_INH_NONE		0x20
#define UVM_ADV_MASK		0x7
#define UVM_ADV_NORMAL		0x0
#define UVM_ADV_RANDOM		0x1
#define UVM_ADV_SEQUENTIAL	0x2
#define UVM_FLAG_FIXED		0x010000	/* at exactly the address */
#define UVM_FLAG_OVERLAY	0x020000	/* an amap from the start */
#define UVM_FLAG_NOMERGE	0x040000	/* never merge entries */
#define UVM_FLAG_COPYONW	0x080000	/* private: copy on write */
#define UVM_FLAG_AMAPPAD	0x100000	/* pad the amap for growth */
#define UVM_FLAG_TRYLOCK	0x200000	/* fail if the map is locked */
#define UVM_FLAG_NOWAIT		0x400000	/* do not sleep */
#define UVM_FLAG_WIRED		0x800000	/* wire the mapping at once */

#define UVM_MAPFLAG(prot, maxprot, inh, advice, flags)			\
	(((maxprot) << 8) | (prot) | (inh) | ((advice) << 12) | (flags))
#define UVM_PROTECTION(x)	((x) & UVM_PROT_MASK)
#define UVM_MAXPROTECTION(x)	(((x) >> 8) & UVM_PROT_MASK)
#define UVM_INHERIT(x)		(((x) & UVM_INH_MASK) >> 4)
#define UVM_ADVICE(x)		(((x) >> 12) & UVM_ADV_MASK)

/* uvm_map_pageable flags */
#define UVM_LK_ENTER		0x1	/* map is locked on entry */
#define UVM_LK_EXIT		0x2	/* leave the map locked */

/* Offset for uvm_map meaning "the object's offset is the address". */
#define UVM_UNKNOWN_OFFSET	((voff_t)-1)

/*
 * The map lock.  Each operation is a macro over a function that records
 * where it was called, so that a panic or a checker report can name the
 * place that took the lock (as simple_lock does).
 */
void	_vm_map_lock(struct vm_map *, const char *, int);
boolean_t _vm_map_lock_try(struct vm_map *, const char *, int);
void	_vm_map_lock_read(struct vm_map *, const char *, int);
void	_vm_map_unlock(struct vm_map *, const char *, int);
void	_vm_map_unlock_read(struct vm_map *, const char *, int);
void	_vm_map_upgrade(struct vm_map *, const char *, int);
void	_vm_map_downgrade(struct vm_map *, const char *, int);

#define vm_map_lock(map)	_vm_map_lock((map), __FILE__, __LINE__)
#define vm_map_lock_try(map)	_vm_map_lock_try((map), __FILE__, __LINE__)
#define vm_map_lock_read(map)	_vm_map_lock_read((map), __FILE__, __LINE__)
#define vm_map_unlock(map)	_vm_map_unlock((map), __FILE__, __LINE__)
#define vm_map_unlock_read(map)	_vm_map_unlock_read((map), __FILE__, __LINE__)
#define vm_map_upgrade(map)	_vm_map_upgrade((map), __FILE__, __LINE__)
#define vm_map_downgrade(map)	_vm_map_downgrade((map), __FILE__, __LINE__)

/* Maps. */
int	uvm_map(struct vm_map *, vaddr_t *, vsize_t, struct uvm_object *,
	    voff_t, vsize_t, uvm_flag_t);
void	uvm_unmap(struct vm_map *, vaddr_t, vaddr_t);
int	uvm_map_protect(struct vm_map *, vaddr_t, vaddr_t, vm_prot_t,
	    boolean_t);
int	uvm_map_inherit(struct vm_map *, vaddr_t, vaddr_t, vm_inherit_t);
int	uvm_map_advice(struct vm_map *, vaddr_t, vaddr_t, int);
int	uvm_map_pageable(struct vm_map *, vaddr_t, vaddr_t, boolean_t, int);
boolean_t uvm_map_lookup_entry(struct vm_map *, vaddr_t,
	    struct vm_map_entry **);
void	uvm_map_clip_start(struct vm_map *, struct vm_map_entry *, vaddr_t);
void	uvm_map_clip_end(struct vm_map *, struct vm_map_entry *, vaddr_t);
void	uvm_map_reference(struct vm_map *);
void	uvm_map_deallocate(struct vm_map *);
boolean_t amap_cow_now(struct vm_map *, struct vm_map_entry *);

#define UVM_MAP_CLIP_START(map, entry, va) do {				\
	if ((va) > (entry)->start)					\
		uvm_map_clip_start((map), (entry), (va));		\
} while (0)
#define UVM_MAP_CLIP_END(map, entry, va) do {				\
	if ((va) < (entry)->end)					\
		uvm_map_clip_end((map), (entry), (va));			\
} while (0)

/* Address spaces. */
struct vmspace *uvmspace_alloc(vaddr_t, vaddr_t);
struct vmspace *uvmspace_fork(struct vmspace *);
void	uvmspace_free(struct vmspace *);

/* The kernel's map, with its wired kernel mappings. */
struct vm_map *uvm_kernel_map(void);

/* Wired, zeroed kernel memory: pages owned by no object, entered with
 * pmap_kenter_pa; uvm_km_alloc returns 0 when it cannot be had. */
vaddr_t	uvm_km_alloc(struct vm_map *, vsize_t);
void	uvm_km_free(struct vm_map *, vaddr_t, vsize_t);

/*
 * Amap chunking (uvm_amap.h in 1.6): when amap_copy() may chunk, an entry
 * of UVM_AMAP_LARGE pages or more that has no amap yet is clipped to the
 * UVM_AMAP_CHUNK-page aligned chunk around the range wanted, and only
 * that chunk gets an amap.  UVM_FLAG_AMAPPAD pads by a chunk.
 */
#define UVM_AMAP_LARGE		256	/* pages: an entry chunked */
#define UVM_AMAP_CHUNK		16	/* pages in a chunk */

#endif /* UVMSIM_UVM_MAP_H */
