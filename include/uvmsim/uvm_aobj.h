/*
 * uvmsim/uvm_aobj.h: anonymous objects.
 *
 * An aobj is a uvm_object whose pages start out zero-filled and have no
 * file behind them: shared anonymous memory and System V shared memory
 * are built from them.  Its pages carry PQ_AOBJ.
 */
#ifndef UVMSIM_UVM_AOBJ_H
#define UVMSIM_UVM_AOBJ_H

#include <uvmsim/types.h>

struct uvm_object;

/* Create an aobj of size bytes with one reference.  No flags are defined
 * yet: any bit set, a size of zero or one that is not a multiple of the
 * page size gives NULL, with the reason in uvmsim_last_error(). */
struct uvm_object *uao_create(vsize_t size, int flags);
void	uao_reference(struct uvm_object *);
void	uao_detach(struct uvm_object *);
int	uvmsim_is_aobj(const struct uvm_object *);

/* An aobj page's swap slot, by page index (offset >> PAGE_SHIFT); 0:
 * none.  Object locked.  uao_set_swslot returns the slot it replaces, or
 * -1 when the host has no memory for the object's table of slots (no
 * change); uao_dropswap frees the page's slot, if it has one. */
int	uao_find_swslot(struct uvm_object *, int pageidx);
int	uao_set_swslot(struct uvm_object *, int pageidx, int slot);
void	uao_dropswap(struct uvm_object *, int pageidx);

#endif /* UVMSIM_UVM_AOBJ_H */
