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

#include <uvmsim/types.h>
#include <uvmsim/uvm_amap.h>

struct uvm_object;
struct vm_map;

struct vm_map_entry {
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

/* Inheritance. */
#define MAP_INHERIT_SHARE	0
#define MAP_INHERIT_COPY	1
#define MAP_INHERIT_NONE	2
#define MAP_INHERIT_DONATE_COPY	3

#endif /* UVMSIM_UVM_MAP_H */
