/*
 * uvm_vnode.c: file objects over an in-memory backing store.
 *
 * A file here is what a vnode is to UVM: a uvm_object whose pages are a
 * cache of bytes kept elsewhere.  "Elsewhere" is a byte buffer (the disk)
 * of a size fixed when the file is made; the pager reads pages from it
 * (uvn_get, as genfs_getpages does) and writes dirty pages back to it
 * (uvn_put, as genfs_putpages does).  uvmsim_file_read() and
 * uvmsim_file_write() act on the buffer only, as a program that writes
 * the disk behind the cache's back would.
 *
 * States of a file page:
 *
 *	absent		not in the object's tree; its bytes are in the store.
 *			Only an unlocked pgo_get brings it in (it needs I/O).
 *	fake		just allocated, busy, contents not yet valid
 *			(PG_FAKE); never handed out by a locked pgo_get.
 *	clean		resident, PG_CLEAN: equal to the store.
 *	dirty		resident, newer than the store: PG_CLEAN clear, or
 *			written through a mapping (the pmap's modified bit,
 *			which uvn_dirty() folds into PG_CLEAN).  Whoever
 *			writes a page's bytes directly clears PG_CLEAN.
 *	busy		resident and PG_BUSY: owned by a pgo_get caller.
 *	released	busy and PG_RELEASED: freed by its holder when done.
 *
 * Transitions: absent -> fake -> busy (uvn_get reads the store); clean ->
 * busy (uvn_get); dirty -> clean (uvn_put with PGO_CLEANIT writes the page
 * back); busy -> released (uvn_put with PGO_FREE); clean or dirty ->
 * absent (uvn_put with PGO_FREE, which discards a dirty page's contents
 * unless PGO_CLEANIT cleans it first; and the last detach, which cleans
 * first).
 *
 * Invariants:
 *   1. the store holds exactly `size' bytes; size never changes.
 *   2. a clean, non-fake page at offset o holds the store's bytes
 *      [o, o + PAGE_SIZE) with zeros past the end of the file.
 *   3. pages past round_page(size) exist only if a pgo_get asked for them
 *      with PGO_PASTEOF; they read as zeros and never reach the store.
 *   4. uo_refs > 0 while the file exists; the detach that drops the last
 *      reference writes back every dirty page, frees every page, then the
 *      file (no page may be busy then: no one could unbusy it).
 *
 * Locking: the object's vmobjlock guards its tree, counters and the PG_
 * flags of its pages; the page queue lock is taken inside it.  The
 * store's bytes are the disk: the pager touches them with the object
 * locked, the uvmsim_file_* calls touch them without any lock, as a
 * harness standing for the disk itself.
 *
 * Simulation notes: the kernel would sleep on a busy page and wait for
 * memory; here nothing could wake it, so a busy page panics and running
 * out of memory undoes the call and returns ENOMEM.  I/O is synchronous
 * and done with the object locked.
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

/*
 * a file: the object and its store.  u_obj must stay the first member.
 */
struct uvmsim_file {
	struct uvm_object u_obj;	/* the object: must be first */
	size_t		size;		/* bytes in the store [const] */
	uint8_t		*data;		/* the store, size bytes (NULL if 0) */
	struct uvmsim_machine *machine;	/* the machine it lives on [const] */
};

static void	uvn_reference(struct uvm_object *);
static void	uvn_detach(struct uvm_object *);
static int	uvn_get(struct uvm_object *, voff_t, struct vm_page **, int *,
		    int, vm_prot_t, int, int);
static int	uvn_put(struct uvm_object *, voff_t, voff_t, int);
static void	uvn_teardown(struct uvm_object *);

static const struct uvm_pagerops uvm_vnodeops = {
	.pgo_reference = uvn_reference,
	.pgo_detach = uvn_detach,
	.pgo_get = uvn_get,
	.pgo_put = uvn_put,
	.pgo_name = "vnode",
	.pgo_teardown = uvn_teardown,
};

/*
 * file_of: the file that embeds uobj.
 */
static inline struct uvmsim_file *
file_of(struct uvm_object *uobj)
{

	return (struct uvmsim_file *)((char *)uobj -
	    offsetof(struct uvmsim_file, u_obj));
}

/*
 * file_eof: round_page(size): the first offset with no page of the file.
 */
static inline voff_t
file_eof(const struct uvmsim_machine *m, const struct uvmsim_file *f)
{

	return (voff_t)((f->size + m->pagesize - 1) & ~(m->pagesize - 1));
}

/*
 * uvn_pagein: fill pg from the store ("read I/O").
 *
 * => object locked; pg busy and owned by the caller.
 * => bytes past the end of the file read as zeros; PG_FAKE is cleared and
 *    PG_CLEAN set, as the page now equals the store.
 */
static void
uvn_pagein(struct uvmsim_machine *m, struct uvmsim_file *f,
    struct vm_page *pg)
{
	uint8_t *p = uvmsim__pgdata(m, pg);
	size_t n = 0;

	KASSERT(pg->flags & PG_BUSY);
	if ((uint64_t)pg->offset < f->size) {
		n = f->size - (size_t)pg->offset;
		if (n > m->pagesize)
			n = m->pagesize;
		memcpy(p, f->data + pg->offset, n);
	}
	if (n < m->pagesize)
		memset(p + n, 0, m->pagesize - n);
	pg->flags &= ~PG_FAKE;
	pg->flags |= PG_CLEAN;
	uvmsim__ev(m, UVMSIM_EV_PGO_READ, f->u_obj.uo_id, (uint64_t)pg->offset,
	    uvmsim__pgid(m, pg), 0);
}

/*
 * uvn_pageout: write a dirty page back to the store ("write I/O").
 *
 * => object locked; pg resident, not busy, not fake.
 * => only the bytes below the file size reach the store; PG_CLEAN is set.
 */
static void
uvn_pageout(struct uvmsim_machine *m, struct uvmsim_file *f,
    struct vm_page *pg)
{
	size_t n;

	KASSERT((pg->flags & (PG_BUSY | PG_FAKE)) == 0);
	if ((uint64_t)pg->offset < f->size) {
		n = f->size - (size_t)pg->offset;
		if (n > m->pagesize)
			n = m->pagesize;
		memcpy(f->data + pg->offset, uvmsim__pgdata(m, pg), n);
	}
	pg->flags |= PG_CLEAN;
	uvmsim__ev(m, UVMSIM_EV_PGO_WRITE, f->u_obj.uo_id,
	    (uint64_t)pg->offset, uvmsim__pgid(m, pg), 0);
}

/*
 * uvn_get_locked: the PGO_LOCKED half of uvn_get: resident pages only.
 *
 * => object locked on entry and on return; no I/O, no sleeping.
 * => pps[i] == NULL asks for page i: a resident page that is not busy,
 *    released or fake is busied and returned; anything else is left.
 * => *npagesp is set to the number of pages returned.
 * => returns 0 if page centeridx is in pps (with PGO_ALLPAGES: every
 *    page), else EBUSY: the caller unlocks and asks with PGO_SYNCIO.
 */
static int
uvn_get_locked(struct uvmsim_machine *m, struct uvm_object *uobj,
    voff_t offset, struct vm_page **pps, int *npagesp, int centeridx,
    int flags)
{
	struct vm_page *pg;
	int i, npages = *npagesp, got = 0;
	bool done = true;

	for (i = 0; i < npages; i++) {
		if (pps[i] != NULL)
			continue;	/* caller holds it already */
		pg = uvm_pagelookup(uobj, offset + ((voff_t)i << m->pageshift));
		if (pg != NULL &&
		    (pg->flags & (PG_BUSY | PG_RELEASED | PG_FAKE)) == 0) {
			pg->flags |= PG_BUSY;
			UVM_PAGE_OWN(pg, "uvn_get1");
			pps[i] = pg;
			got++;
			continue;
		}
		if (i == centeridx || (flags & PGO_ALLPAGES) != 0)
			done = false;
	}
	*npagesp = got;
	return done ? 0 : EBUSY;
}

/*
 * uvn_fill: read a page from the store (uvmsim__pgo_getpages' fill).
 */
static int
uvn_fill(struct uvmsim_machine *m, struct uvm_object *uobj,
    struct vm_page *pg)
{
	uvn_pagein(m, (struct uvmsim_file *)uobj, pg);
	return 0;
}

/*
 * uvn_get: the file's pgo_get (genfs_getpages).
 *
 * => offset is the object offset of pps[0], page aligned; page i is at
 *    offset + i * PAGE_SIZE.
 * => object locked on entry.  With PGO_LOCKED it stays locked and only
 *    resident pages are returned (uvn_get_locked); otherwise it is
 *    unlocked on return, success or failure (uvmsim__pgo_getpages).
 * => failpoints "pgo_get.eio" and "pgo_get.eagain" fail the call with
 *    EIO / EAGAIN; with PGO_LOCKED, "pgo_get.io" gives EBUSY, no page.
 * => EINVAL for pages at or past round_page(size) unless PGO_PASTEOF:
 *    with PGO_LOCKED only the centre page is checked (neighbours past the
 *    end are simply not found), without it every page asked for.
 * => pages come back busy; the caller unbusies them and must check for
 *    PG_RELEASED.
 */
static int
uvn_get(struct uvm_object *uobj, voff_t offset, struct vm_page **pps,
    int *npagesp, int centeridx, vm_prot_t access_type, int advice,
    int flags)
{
	struct uvmsim_machine *m = uvmsim__cur();
	struct uvmsim_file *f;
	voff_t eof;
	int error, i, npages;

	(void)access_type;
	(void)advice;
	KASSERT(uobj != NULL && uobj->pgops == &uvm_vnodeops);
	KASSERT(simple_lock_held(&uobj->vmobjlock));
	KASSERT(pps != NULL && npagesp != NULL && *npagesp > 0);
	KASSERT(centeridx >= 0 && centeridx < *npagesp);
	KASSERT(offset >= 0 && (offset & (voff_t)(m->pagesize - 1)) == 0);
	f = file_of(uobj);
	npages = *npagesp;
	eof = file_eof(m, f);

	if (uvmsim__fp(m, UVMSIM_FP_PGO_EIO))
		error = EIO;
	else if ((flags & PGO_LOCKED) == 0 &&
	    uvmsim__fp(m, UVMSIM_FP_PGO_EAGAIN))
		error = EAGAIN;
	else if ((flags & PGO_LOCKED) != 0 && uvmsim__fp(m, UVMSIM_FP_PGO_IO))
		error = EBUSY;
	else
		error = 0;
	if (error == 0 && (flags & PGO_PASTEOF) == 0) {
		if (flags & PGO_LOCKED) {
			if (offset + ((voff_t)centeridx << m->pageshift) >= eof)
				error = EINVAL;
		} else {
			for (i = 0; i < npages; i++)
				if (pps[i] == NULL && offset +
				    ((voff_t)i << m->pageshift) >= eof)
					error = EINVAL;
		}
	}
	if (error != 0) {
		if (flags & PGO_LOCKED)
			*npagesp = 0;
		else
			simple_unlock(&uobj->vmobjlock);
		uvmsim__ev(m, UVMSIM_EV_PGO_GET, uobj->uo_id, (uint64_t)offset,
		    (uint64_t)npages, (uint64_t)error);
		return error;
	}

	if (flags & PGO_LOCKED)
		error = uvn_get_locked(m, uobj, offset, pps, npagesp,
		    centeridx, flags);
	else
		error = uvmsim__pgo_getpages(m, uobj, offset, pps, npages, 0,
		    uvn_fill, "uvn_get");
	uvmsim__ev(m, UVMSIM_EV_PGO_GET, uobj->uo_id, (uint64_t)offset,
	    (uint64_t)npages, (uint64_t)error);
	return error;
}

/*
 * uvn_put: the file's pgo_put (genfs_putpages): clean, deactivate or
 * free the pages of a range.
 *
 * => object locked on entry, unlocked on return.
 * => the range is [start, stop) rounded out to pages; PGO_ALLPAGES or
 *    stop == 0 means every resident page.  Pages are visited in offset
 *    order.
 * => busy pages are left to their holder: with PGO_FREE they are marked
 *    PG_RELEASED so the holder frees them when done.
 * => PGO_FREE first takes every managed mapping of each page that is
 *    not wired away (pmap_page_protect), so no process keeps reading a
 *    page the file lets go of; a lent page's kernel mappings stay.
 * => PGO_CLEANIT writes each dirty page back to the store (the bytes
 *    below the file size, with what the mappings just taken away wrote)
 *    and marks it PG_CLEAN; PGO_DEACTIVATE moves pages that are neither
 *    wired nor loaned to the inactive queue, and wins over PGO_FREE for
 *    a page not yet inactive; PGO_FREE frees pages that are not wired
 *    (a loaned page becomes an orphan), after cleaning them if
 *    PGO_CLEANIT is also given.
 * => returns 0.
 */
/*
 * uvn_dirty: whether pg holds data the store lacks: PG_CLEAN clear, or
 * written through a mapping since it was last cleaned.  The pmap's
 * modified bit is folded into PG_CLEAN and cleared, so the next write
 * through a mapping sets it again.
 */
static bool
uvn_dirty(struct vm_page *pg)
{
	if (pg->flags & PG_FAKE)
		return false;
	if (pmap_clear_modify(pg))
		pg->flags &= ~PG_CLEAN;
	return (pg->flags & PG_CLEAN) == 0;
}

/*
 * uvn_clean: write pg back if it is dirty (uvmsim__pgo_putpages' clean).
 * The store cannot fail a write: always true.
 */
static bool
uvn_clean(struct uvmsim_machine *m, struct uvm_object *uobj,
    struct vm_page *pg)
{
	if (uvn_dirty(pg))
		uvn_pageout(m, file_of(uobj), pg);
	return true;
}

static int
uvn_put(struct uvm_object *uobj, voff_t start, voff_t stop, int flags)
{
	KASSERT(uobj != NULL && uobj->pgops == &uvm_vnodeops);
	KASSERT(simple_lock_held(&uobj->vmobjlock));
	uvmsim__pgo_putpages(uvmsim__cur(), uobj, start, stop, flags,
	    uvn_clean);
	return 0;
}

/*
 * uvn_reference: the file's pgo_reference: take one more reference.
 *
 * => object unlocked; the caller already holds a reference.
 */
static void
uvn_reference(struct uvm_object *uobj)
{
	struct uvmsim_machine *m = uvmsim__cur();

	KASSERT(uobj != NULL && uobj->pgops == &uvm_vnodeops);
	uvmsim__obj_reference(m, uobj);
}

/*
 * uvn_detach: the file's pgo_detach: drop a reference; the last one
 * writes back every dirty page, frees every page and the file.
 *
 * => object unlocked; the caller gives up its reference.
 * => no page may be busy when the last reference goes: that panics,
 *    before anything has changed.
 */
static void
uvn_detach(struct uvm_object *uobj)
{
	struct uvmsim_machine *m = uvmsim__cur();
	struct uvmsim_file *f;
	struct vm_page *pg;

	KASSERT(uobj != NULL && uobj->pgops == &uvm_vnodeops);
	f = file_of(uobj);
	if (!uvmsim__obj_unref(m, uobj, "uvn_detach"))
		return;
	/* last reference: flush to the store, then let every page go */
	RB_FOREACH(pg, uvm_pagetree, &uobj->memt)
		if (uvn_dirty(pg))
			uvn_pageout(m, f, pg);
	uvmsim__obj_freeall(uobj);
	uvmsim__free(f->data);
	uvmsim__free(f);
}

/*
 * file_lookup: the file behind uobj, or an EINVAL recorded on m.
 */
static int
file_lookup(struct uvmsim_machine *m, const char *func,
    struct uvm_object *uobj, struct uvmsim_file **fp)
{

	if (uobj == NULL)
		return uvmsim__error(m, EINVAL, "%s: uobj: NULL", func);
	if (uobj->pgops != &uvm_vnodeops)
		return uvmsim__error(m, EINVAL, "%s: uobj: not a file object",
		    func);
	if (file_of(uobj)->machine != m)
		return uvmsim__error(m, EINVAL, "%s: uobj: a file of another "
		    "machine", func);
	*fp = file_of(uobj);
	return 0;
}

/*
 * file_range: check that [off, off + len) lies within the file.
 */
static int
file_range(struct uvmsim_machine *m, const char *func,
    const struct uvmsim_file *f, size_t off, const void *buf, size_t len)
{

	if (buf == NULL && len > 0)
		return uvmsim__error(m, EINVAL, "%s: buf: NULL with len %zu",
		    func, len);
	if (off > f->size)
		return uvmsim__error(m, EINVAL,
		    "%s: off: %zu past end of file (%zu)", func, off, f->size);
	if (len > f->size - off)
		return uvmsim__error(m, EINVAL,
		    "%s: len: %zu at off %zu runs past end of file (%zu)",
		    func, len, off, f->size);
	return 0;
}

/*
 * uvmsim_file_create: make a file of size zero bytes, with one reference
 * (the caller's), in *uobjp.
 *
 * => size may be 0; it must be <= SIZE_MAX / 2, as mmap limits lengths,
 *    and fit in the host's memory (ENOMEM otherwise, asked of no one).
 * => returns 0, or EINVAL / ENOMEM with *uobjp set to NULL.
 */
int
uvmsim_file_create(struct uvmsim_machine *m, size_t size,
    struct uvm_object **uobjp)
{
	struct uvmsim__saved sv;
	struct uvmsim_file *f;
	int error = 0;

	if (m == NULL) {
		if (uobjp != NULL)
			*uobjp = NULL;
		return uvmsim__error(NULL, EINVAL,
		    "uvmsim_file_create: m: NULL");
	}
	sv = uvmsim__switch(m);
	if (uobjp == NULL) {
		error = uvmsim__error(m, EINVAL,
		    "uvmsim_file_create: uobjp: NULL");
		goto out;
	}
	*uobjp = NULL;
	if (size > SIZE_MAX / 2) {
		error = uvmsim__error(m, EINVAL,
		    "uvmsim_file_create: size: %zu is more than SIZE_MAX / 2",
		    size);
		goto out;
	}
	/* The store is host memory, all of it allocated now: refuse what
	 * the host cannot have rather than ask (a sanitizer's allocator
	 * aborts where malloc would fail). */
	if (size > uvmsim__host_memory() && uvmsim__host_memory() != 0) {
		error = uvmsim__error(m, ENOMEM, "uvmsim_file_create: size: "
		    "%zu bytes is more than the host's memory (%zu)", size,
		    uvmsim__host_memory());
		goto out;
	}
	f = uvmsim__calloc(m, 1, sizeof(*f));
	if (f == NULL) {
		error = uvmsim__error(m, ENOMEM,
		    "uvmsim_file_create: no memory for the file");
		goto out;
	}
	if (size > 0 && (f->data = uvmsim__calloc(m, 1, size)) == NULL) {
		uvmsim__free(f);
		error = uvmsim__error(m, ENOMEM,
		    "uvmsim_file_create: size: no memory for %zu bytes", size);
		goto out;
	}
	f->size = size;
	f->machine = m;
	uvm_obj_init(&f->u_obj, &uvm_vnodeops, 1);
	uvmsim__ev(m, UVMSIM_EV_OBJ_CREATE, f->u_obj.uo_id, size, 0, 0);
	*uobjp = &f->u_obj;
out:
	uvmsim__restore(sv);
	return error;
}

/*
 * uvmsim_file_write: copy len bytes of buf into the store at off.
 *
 * => acts on the store, not on resident pages (those keep what they
 *    hold until they are read again).
 * => returns 0, or EINVAL naming the bad argument.
 */
int
uvmsim_file_write(struct uvmsim_machine *m, struct uvm_object *uobj,
    size_t off, const void *buf, size_t len)
{
	struct uvmsim__saved sv;
	struct uvmsim_file *f = NULL;
	int error;

	if (m == NULL)
		return uvmsim__error(NULL, EINVAL,
		    "uvmsim_file_write: m: NULL");
	sv = uvmsim__switch(m);
	error = file_lookup(m, "uvmsim_file_write", uobj, &f);
	if (error == 0)
		error = file_range(m, "uvmsim_file_write", f, off, buf, len);
	if (error == 0 && len > 0)
		memcpy(f->data + off, buf, len);
	uvmsim__restore(sv);
	return error;
}

/*
 * uvmsim_file_read: copy len bytes of the store at off into buf.
 *
 * => reads the store, not resident pages (a dirty page not yet written
 *    back is not seen).
 * => returns 0, or EINVAL naming the bad argument.
 */
int
uvmsim_file_read(struct uvmsim_machine *m, struct uvm_object *uobj,
    size_t off, void *buf, size_t len)
{
	struct uvmsim__saved sv;
	struct uvmsim_file *f = NULL;
	int error;

	if (m == NULL)
		return uvmsim__error(NULL, EINVAL, "uvmsim_file_read: m: NULL");
	sv = uvmsim__switch(m);
	error = file_lookup(m, "uvmsim_file_read", uobj, &f);
	if (error == 0)
		error = file_range(m, "uvmsim_file_read", f, off, buf, len);
	if (error == 0 && len > 0)
		memcpy(buf, f->data + off, len);
	uvmsim__restore(sv);
	return error;
}

/*
 * uvmsim_file_size: the file's size in bytes, in *sizep.
 *
 * => returns 0, or EINVAL naming the bad argument.
 */
int
uvmsim_file_size(struct uvmsim_machine *m, struct uvm_object *uobj,
    size_t *sizep)
{
	struct uvmsim__saved sv;
	struct uvmsim_file *f = NULL;
	int error;

	if (m == NULL)
		return uvmsim__error(NULL, EINVAL, "uvmsim_file_size: m: NULL");
	sv = uvmsim__switch(m);
	error = file_lookup(m, "uvmsim_file_size", uobj, &f);
	if (error == 0 && sizep == NULL)
		error = uvmsim__error(m, EINVAL,
		    "uvmsim_file_size: sizep: NULL");
	if (error == 0)
		*sizep = f->size;
	uvmsim__restore(sv);
	return error;
}

/*
 * uvmsim_is_file: is uobj a file object of m?
 */
int
uvmsim_is_file(struct uvmsim_machine *m, const struct uvm_object *uobj)
{
	if (m == NULL) {
		(void)uvmsim__error(NULL, EINVAL, "uvmsim_is_file: m: NULL");
		return 0;
	}
	return uobj != NULL && uobj->pgops == &uvm_vnodeops &&
	    file_of((struct uvm_object *)(uintptr_t)uobj)->machine == m;
}

/*
 * uvn_teardown: free a file's memory at machine destruction
 * (pgo_teardown).
 *
 * => the machine frees the frames wholesale; the pages are not touched.
 */
static void
uvn_teardown(struct uvm_object *uobj)
{
	struct uvmsim_file *f;

	KASSERT(uobj != NULL && uobj->pgops == &uvm_vnodeops);
	f = file_of(uobj);
	uvmsim__free(f->data);
	uvmsim__free(f);
}
