/*
 * uvm_swap.c: the swap device: slots, and the I/O of pages to and from
 * them.
 *
 * NetBSD 1.6 pools the swap partitions and files of a machine into one
 * space of page-sized slots, numbered from 1, handed out from an extent
 * map (uvm_swap_alloc) and written and read a cluster of pages at a time
 * (uvm_swap_put, uvm_swap_get).  The simulator has one device in host
 * memory, of cfg.swap_slots slots (none: a machine without swap, as one
 * that never ran swapctl).  A slot is:
 *
 *	free		its bit in swap.inuse clear.
 *	allocated	its bit set, owned by one anon (an_swslot) or one
 *			page of an aobj (uao_set_swslot): uvm_swap_alloc ->
 *			uvm_swap_free.  Its contents are those of the last
 *			uvm_swap_put, or undefined before the first.
 *
 * The bitmap is searched next fit, from a cursor left after the last slot
 * handed out, a byte (eight slots) at a time: a run of allocations walks
 * the map once, not once per slot.  Slot contents are page-sized host
 * buffers made at a slot's first write and kept for the machine's life
 * (the device's blocks, which a later owner of the slot overwrites),
 * 64-byte aligned, so that the I/O is the frame module's copy.
 *
 * Invariants (checked by uvmsim__check_swap, "swap.slots"):
 *   1. uvmexp.swpginuse is the number of bits set; swpages == nslots.
 *   2. every allocated slot has exactly one owner: an anon's an_swslot or
 *      a slot of an aobj page; every owner's slot is allocated.
 *
 * Locking: the swap data lock (swap.lock) guards the bitmap, the cursor
 * and the swap counters; it is a leaf, taken inside every other lock.
 * The I/O itself needs only the pages busy and their owners locked, as a
 * synchronous pageout in the simulator is done with them held.
 *
 * Failures: the "uvm_swap_alloc" failpoint makes the swap look full, the
 * "uvm_swap_put.eio" and "uvm_swap_get.eio" ones make a write or a read
 * fail with EIO, touching nothing.  1.6 marks a slot that failed a write
 * bad and never hands it out again; the simulator's device has no bad
 * blocks: the caller frees the slot.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "uvmsim_state.h"
#include "uvmsim_cur.h"
#include "kern_lock.h"
#include "uvmsim_trace.h"
#include "uvmsim_frame.h"
#include "uvmsim_vm.h"
#include "uvmsim_problem.h"

/*
 * swap_findrun: the first run of n free slots at or after from, or 0.
 *
 * => swap lock held.
 * => whole bytes of the map that are all allocated are skipped at once.
 */
static int
swap_findrun(struct uvmsim_machine *m, int from, int n)
{
	int s = from, run = 0, start = 0;

	while (s <= m->swap.nslots) {
		if ((s & 7) == 0 && run == 0 && s + 7 <= m->swap.nslots &&
		    m->swap.inuse[s >> 3] == 0xff) {
			s += 8;
			continue;
		}
		if (bit_test(m->swap.inuse, s))
			run = 0;
		else {
			if (run++ == 0)
				start = s;
			if (run == n)
				return start;
		}
		s++;
	}
	return 0;
}

/*
 * uvm_swap_alloc: allocate *nslots consecutive slots.
 *
 * => nothing need be locked; takes the swap lock.
 * => with lessok, a shorter run (down to one slot) will do; *nslots is
 *	set to the slots given.
 * => returns the first slot, or 0 when swap is full.
 */
int
uvm_swap_alloc(int *nslots, boolean_t lessok)
{
	struct uvmsim_machine *m = uvmsim__cur();
	int n = *nslots, slot = 0;

	KASSERT(n > 0);
	if (m->swap.nslots == 0)
		return 0;
	if (uvmsim__fp(m, UVMSIM_FP_SWAPALLOC))
		return 0;
	simple_lock(&m->swap.lock);
	for (;;) {
		if (m->uvmexp.swpginuse + n <= m->swap.nslots) {
			slot = swap_findrun(m, m->swap.cursor, n);
			if (slot == 0 && m->swap.cursor > 1)
				slot = swap_findrun(m, 1, n);
		}
		if (slot != 0 || !lessok || n == 1)
			break;
		n = 1;
	}
	if (slot != 0) {
		bit_nset(m->swap.inuse, slot, slot + n - 1);
		m->uvmexp.swpginuse += n;
		m->swap.cursor = slot + n > m->swap.nslots ? 1 : slot + n;
		*nslots = n;
	}
	simple_unlock(&m->swap.lock);
	if (slot != 0)
		uvmsim__ev(m, UVMSIM_EV_SWAP_ALLOC, (uint64_t)slot,
		    (uint64_t)n, 0, 0);
	return slot;
}

/*
 * uvm_swap_free: free nslots slots from startslot.
 *
 * => the slots are allocated (a free one panics); takes the swap lock.
 */
void
uvm_swap_free(int startslot, int nslots)
{
	struct uvmsim_machine *m = uvmsim__cur();
	int s;

	KASSERT(nslots > 0);
	if (startslot < 1 || startslot + nslots - 1 > m->swap.nslots)
		uvmsim__panic(m, "uvm_swap_free: slots %d..%d are not on the "
		    "swap device (1..%d)", startslot, startslot + nslots - 1,
		    m->swap.nslots);
	simple_lock(&m->swap.lock);
	for (s = startslot; s < startslot + nslots; s++)
		if (!bit_test(m->swap.inuse, s))
			uvmsim__panic(m, "uvm_swap_free: slot %d is free", s);
	bit_nclear(m->swap.inuse, startslot, startslot + nslots - 1);
	m->uvmexp.swpginuse -= nslots;
	simple_unlock(&m->swap.lock);
	uvmsim__ev(m, UVMSIM_EV_SWAP_FREE, (uint64_t)startslot,
	    (uint64_t)nslots, 0, 0);
}

/*
 * uvm_swap_put: write npages pages to the slots from swslot.
 *
 * => the slots are allocated; the pages busy, their owners locked.
 * => synchronous; the pages are left as they are (busy, flags
 *	untouched): the caller marks them clean and frees them.
 * => returns 0 or EIO (nothing written).
 */
int
uvm_swap_put(int swslot, struct vm_page **ppsp, int npages, int flags)
{
	struct uvmsim_machine *m = uvmsim__cur();
	int i, s;

	(void)flags;
	KASSERT(npages > 0 && swslot >= 1 &&
	    swslot + npages - 1 <= m->swap.nslots);
	if (uvmsim__fp(m, UVMSIM_FP_SWAPPUT)) {
		uvmsim__ev(m, UVMSIM_EV_SWAP_PUT, (uint64_t)swslot,
		    uvmsim__pgid(m, ppsp[0]), (uint64_t)npages, EIO);
		return EIO;
	}
	for (i = 0; i < npages; i++) {
		s = swslot + i;
		KASSERT(bit_test(m->swap.inuse, s));
		KASSERT(ppsp[i]->flags & PG_BUSY);
		if (m->swap.data[s] == NULL &&
		    (m->swap.data[s] = uvmsim__malloc(m, m->pagesize)) ==
		    NULL) {
			/* the host has no block for it: a write error */
			uvmsim__ev(m, UVMSIM_EV_SWAP_PUT, (uint64_t)swslot,
			    uvmsim__pgid(m, ppsp[0]), (uint64_t)npages, EIO);
			return EIO;
		}
		uvmsim__frame_copy_fenced(m->swap.data[s],
		    uvmsim__pgdata(m, ppsp[i]), m->pagesize);
	}
	m->uvmexp.pgswapout += npages;
	uvmsim__ev(m, UVMSIM_EV_SWAP_PUT, (uint64_t)swslot,
	    uvmsim__pgid(m, ppsp[0]), (uint64_t)npages, 0);
	return 0;
}

/*
 * uvm_swap_get: read slot swslot into page.
 *
 * => the slot is allocated and was written; page busy, its owner
 *	locked.
 * => synchronous; returns 0 (the frame holds the slot's bytes) or EIO
 *	(the frame's bytes are undefined).
 */
int
uvm_swap_get(struct vm_page *page, int swslot, int flags)
{
	struct uvmsim_machine *m = uvmsim__cur();

	(void)flags;
	KASSERT(swslot >= 1 && swslot <= m->swap.nslots);
	KASSERT(bit_test(m->swap.inuse, swslot));
	KASSERT(page->flags & PG_BUSY);
	if (uvmsim__fp(m, UVMSIM_FP_SWAPGET)) {
		uvmsim__ev(m, UVMSIM_EV_SWAP_GET, (uint64_t)swslot,
		    uvmsim__pgid(m, page), EIO, 0);
		return EIO;
	}
	if (m->swap.data[swslot] == NULL)
		uvmsim__panic(m, "uvm_swap_get: slot %d was never written",
		    swslot);
	uvmsim__frame_defined(m, page);
	uvmsim__frame_copy_fenced(uvmsim__pgdata(m, page),
	    m->swap.data[swslot], m->pagesize);
	m->uvmexp.pgswapin++;
	uvmsim__ev(m, UVMSIM_EV_SWAP_GET, (uint64_t)swslot,
	    uvmsim__pgid(m, page), 0, 0);
	return 0;
}

/*
 * uvm_swapisfull: every slot allocated (a machine without swap is full).
 */
boolean_t
uvm_swapisfull(void)
{
	struct uvmsim_machine *m = uvmsim__cur();

	return m->uvmexp.swpginuse >= m->swap.nslots;
}

/*
 * uvmsim__swap_init: make the swap device of cfg->swap_slots slots.
 *
 * => the machine's config checked (at most UVMSIM_MAX_SWAP_SLOTS).
 * => 0, or ENOMEM recorded naming the config field.
 */
int
uvmsim__swap_init(struct uvmsim_machine *m, const struct uvmsim_config *cfg)
{
	size_t n = cfg->swap_slots;

	simple_lock_init(&m->swap.lock);
	KASSERT(n <= UVMSIM_MAX_SWAP_SLOTS);	/* check_config's */
	if (n == 0)
		return 0;
	m->swap.inuse = uvmsim__bit_alloc(m, (int)n + 1);
	m->swap.data = uvmsim__calloc(m, n + 1, sizeof(*m->swap.data));
	if (m->swap.inuse == NULL || m->swap.data == NULL) {
		uvmsim__free(m->swap.inuse);
		uvmsim__free(m->swap.data);
		m->swap.inuse = NULL;
		m->swap.data = NULL;
		return uvmsim__error(NULL, ENOMEM,
		    "uvmsim_machine_create: swap_slots: no host memory for "
		    "the map of %zu slots", n);
	}
	m->swap.nslots = (int)n;
	m->swap.cursor = 1;
	m->uvmexp.swpages = (int)n;
	m->uvmexp.nswapdev = 1;
	return 0;
}

/*
 * uvmsim__swap_teardown: free the device's map and blocks.
 */
void
uvmsim__swap_teardown(struct uvmsim_machine *m)
{
	int s;

	if (m->swap.data != NULL)
		for (s = 1; s <= m->swap.nslots; s++)
			uvmsim__free(m->swap.data[s]);
	uvmsim__free(m->swap.data);
	uvmsim__free(m->swap.inuse);
	m->swap.data = NULL;
	m->swap.inuse = NULL;
}

/*
 * claim: record that who owns slot s in seen; report a slot out of
 * range, free, or owned twice.
 */
static void
claim(struct uvmsim_machine *m, struct uvmsim_report *r, bitstr_t *seen,
    int s, const char *who, const char *field)
{
	if (s < 1 || s > m->swap.nslots) {
		uvmsim__problem(r, "swap.slots", who, field,
		    "slot %d is not on the swap device (1..%d)", s,
		    m->swap.nslots);
		return;
	}
	if (!bit_test(m->swap.inuse, s))
		uvmsim__problem(r, "swap.slots", who, field,
		    "slot %d is free", s);
	if (seen != NULL) {
		if (bit_test(seen, s))
			uvmsim__problem(r, "swap.slots", who, field,
			    "slot %d has another owner too", s);
		bit_set(seen, s);
	}
}

/*
 * uvmsim__check_swap: invariants 1 and 2 above.
 */
void
uvmsim__check_swap(struct uvmsim_machine *m, struct uvmsim_report *r)
{
	struct vm_anon *a;
	struct uvm_object *o;
	bitstr_t *seen = NULL;
	const int *slots;
	char who[48];
	int s, inuse = 0, owned = 0, i, npg;

	if (m->uvmexp.swpages != m->swap.nslots)
		uvmsim__problem(r, "swap.slots", "uvmexp", "swpages",
		    "is %d but the device has %d slots", m->uvmexp.swpages,
		    m->swap.nslots);
	if (m->swap.nslots > 0) {
		for (s = 1; s <= m->swap.nslots; s++)
			if (bit_test(m->swap.inuse, s))
				inuse++;
		seen = uvmsim__bit_alloc(NULL, m->swap.nslots + 1);
	}
	if (inuse != m->uvmexp.swpginuse)
		uvmsim__problem(r, "swap.slots", "uvmexp", "swpginuse",
		    "is %d but %d slots are allocated", m->uvmexp.swpginuse,
		    inuse);
	TAILQ_FOREACH(a, &m->anons, an_list) {
		if (a->an_swslot == 0)
			continue;
		snprintf(who, sizeof(who), "anon %u", a->an_id);
		claim(m, r, seen, a->an_swslot, who, "an_swslot");
		owned++;
	}
	TAILQ_FOREACH(o, &m->objects, uo_list) {
		if (!uvmsim_is_aobj(o))
			continue;
		if ((slots = uvmsim__aobj_swslots(o, &npg)) == NULL)
			continue;
		snprintf(who, sizeof(who), "object %u", o->uo_id);
		for (i = 0; i < npg; i++) {
			if (slots[i] == 0)
				continue;
			claim(m, r, seen, slots[i], who, "u_swslots");
			owned++;
		}
	}
	if (seen != NULL && owned != inuse)
		uvmsim__problem(r, "swap.slots", "uvmexp", "swpginuse",
		    "%d slots are allocated but %d have an owner", inuse,
		    owned);
	uvmsim__free(seen);
}
