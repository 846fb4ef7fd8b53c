/*
 * uvmsim/uvm_fault.h: the page fault handler and its helpers.
 *
 * uvm_fault() resolves a fault at an address of a map: it looks the
 * address up, checks the access, then finds or makes the page in the amap
 * layer (anons: zero fill, copy-on-write promotion) or the object layer
 * (pgo_get), and enters the mapping in the pmap.  The helpers that look a
 * map up and drop and retake its locks around I/O are used by the loan
 * module too.
 */
#ifndef UVMSIM_UVM_FAULT_H
#define UVMSIM_UVM_FAULT_H

#include <uvmsim/types.h>

struct vm_map;
struct vm_map_entry;
struct vm_amap;
struct vm_anon;
struct uvm_object;

/*
 * The state of a lookup: the original request (orig_*) and what it
 * resolved to (map, entry, and size: the part of orig_size within the
 * entry).  mapv is map's timestamp when it was locked, so uvmfault_relock
 * can tell whether the map changed while unlocked.
 */
struct uvm_faultinfo {
	struct vm_map	*orig_map;	/* the map the lookup started in */
	vsize_t		orig_size;	/* bytes wanted */
	vaddr_t		orig_rvaddr;	/* first address, page aligned */
	struct vm_map	*map;		/* the map found (submaps followed) */
	unsigned int	mapv;		/* map->timestamp when locked */
	struct vm_map_entry *entry;	/* the entry holding orig_rvaddr */
	vsize_t		size;		/* bytes of orig_size in entry */
};

typedef int vm_fault_t;
#define VM_FAULT_INVALID	((vm_fault_t)0x0)	/* nothing mapped */
#define VM_FAULT_PROTECT	((vm_fault_t)0x1)	/* protection */
#define VM_FAULT_WIRE		((vm_fault_t)0x2)	/* wiring */
#define VM_FAULT_WIREMAX	((vm_fault_t)0x3)	/* wiring, max prot */

int	uvm_fault(struct vm_map *, vaddr_t, vm_fault_t, vm_prot_t);
int	uvm_fault_wire(struct vm_map *, vaddr_t, vaddr_t, vm_fault_t,
	    vm_prot_t);
void	uvm_fault_unwire(struct vm_map *, vaddr_t, vaddr_t);
void	uvm_fault_unwire_locked(struct vm_map *, vaddr_t, vaddr_t);

boolean_t uvmfault_lookup(struct uvm_faultinfo *, boolean_t);
void	uvmfault_unlockmaps(struct uvm_faultinfo *, boolean_t);
boolean_t uvmfault_relock(struct uvm_faultinfo *);
void	uvmfault_unlockall(struct uvm_faultinfo *, struct vm_amap *,
	    struct uvm_object *, struct vm_anon *);
int	uvmfault_anonget(struct uvm_faultinfo *, struct vm_amap *,
	    struct vm_anon *);

#endif /* UVMSIM_UVM_FAULT_H */
