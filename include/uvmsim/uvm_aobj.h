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

#endif /* UVMSIM_UVM_AOBJ_H */
