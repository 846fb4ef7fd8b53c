/*
 * uvm_object.c: what every memory object shares: the page tree, the
 * machine's list of objects, and the object checks.
 *
 * An object files its resident pages by offset in a red-black tree.  A
 * page in the tree has uobject pointing back and PG_TABLED set; uo_npages
 * counts the tree; uvm_page.c files pages in it and takes them out
 * (uvm_pageinsert, uvm_pageremove).  Pagers (uvm_aobj.c, uvm_vnode.c, or
 * a harness's own) embed a uvm_object, set it up with uvm_obj_init() and
 * take it down with uvm_obj_destroy() once it holds no page; what a pager
 * allocated for an object still alive at machine destruction it frees in
 * its pgo_teardown.
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

static int
uvm_pagecmp(const struct vm_page *a, const struct vm_page *b)
{
	return a->offset < b->offset ? -1 : a->offset > b->offset;
}

RB_GENERATE(uvm_pagetree, vm_page, rb_node, uvm_pagecmp)

/*
 * uvm_obj_init: set up uobj with pager ops and refs references, and make
 * it known to the current machine (which gives it its id).
 */
void
uvm_obj_init(struct uvm_object *uobj, const struct uvm_pagerops *ops,
    int refs)
{
	struct uvmsim_machine *m = uvmsim__cur();

	simple_lock_init(&uobj->vmobjlock);
	uobj->pgops = ops;
	RB_INIT(&uobj->memt);
	uobj->uo_npages = 0;
	uobj->uo_refs = refs;
	uvmsim__obj_register(m, uobj);
}

/*
 * uvm_obj_destroy: forget uobj; its memory stays its pager's to free.
 *
 * => uobj holds no page and is not locked.
 */
void
uvm_obj_destroy(struct uvm_object *uobj)
{
	struct uvmsim_machine *m = uvmsim__cur();

	KASSERT(uobj->uo_npages == 0 && RB_EMPTY(&uobj->memt));
	LOCK_ASSERT(!simple_lock_held(&uobj->vmobjlock));
	uvmsim__obj_unregister(m, uobj);
}

/*
 * uvmsim__obj_reference: take one more reference to uobj: the body of
 * the library pagers' pgo_reference.
 *
 * => object unlocked; the caller already holds a reference.
 */
void
uvmsim__obj_reference(struct uvmsim_machine *m, struct uvm_object *uobj)
{
	simple_lock(&uobj->vmobjlock);
	KASSERT(uobj->uo_refs > 0);
	uobj->uo_refs++;
	uvmsim__ev(m, UVMSIM_EV_OBJ_REFERENCE, uobj->uo_id,
	    (uint64_t)uobj->uo_refs, 0, 0);
	simple_unlock(&uobj->vmobjlock);
}

/*
 * uvmsim__obj_unref: drop one reference to uobj: the first half of the
 * library pagers' pgo_detach (who names it in a panic).
 *
 * => object unlocked on entry.
 * => false: references remain, object unlocked.  true: that was the last;
 *    the object is locked, its pages still in it, for the pager to write
 *    back before uvmsim__obj_freeall.
 * => no page may be busy when the last reference goes (the kernel would
 *    wait for it, and nothing would ever unbusy it here): that panics,
 *    before anything has changed.
 */
bool
uvmsim__obj_unref(struct uvmsim_machine *m, struct uvm_object *uobj,
    const char *who)
{
	struct vm_page *pg;

	simple_lock(&uobj->vmobjlock);
	KASSERT(uobj->uo_refs > 0);
	if (uobj->uo_refs == 1) {
		RB_FOREACH(pg, uvm_pagetree, &uobj->memt)
			if (pg->flags & PG_BUSY)
				panic("%s: page busy, sleep would never end "
				    "(object %u, offset %#jx)", who,
				    uobj->uo_id, (uintmax_t)pg->offset);
	}
	uobj->uo_refs--;
	uvmsim__ev(m, UVMSIM_EV_OBJ_DETACH, uobj->uo_id,
	    (uint64_t)uobj->uo_refs, 0, 0);
	if (uobj->uo_refs > 0) {
		simple_unlock(&uobj->vmobjlock);
		return false;
	}
	return true;
}

/*
 * uvmsim__obj_freeall: the second half: free every page of an object
 * whose last reference went, unlock it and forget it (its memory stays
 * the pager's to free).
 *
 * => object locked (uvmsim__obj_unref said true); no one else can find it.
 */
void
uvmsim__obj_freeall(struct uvm_object *uobj)
{
	struct vm_page *pg, *next;

	LOCK_ASSERT(simple_lock_held(&uobj->vmobjlock));
	KASSERT(uobj->uo_refs == 0);
	uvm_lock_pageq();
	for (pg = RB_MIN(uvm_pagetree, &uobj->memt); pg != NULL; pg = next) {
		next = RB_NEXT(uvm_pagetree, &uobj->memt, pg);
		uvm_pagefree(pg);
	}
	uvm_unlock_pageq();
	KASSERT(uobj->uo_npages == 0);
	simple_unlock(&uobj->vmobjlock);
	uvm_obj_destroy(uobj);
}

void
uvmsim__obj_register(struct uvmsim_machine *m, struct uvm_object *o)
{
	o->uo_id = ++m->next_obj_id;
	TAILQ_INSERT_TAIL(&m->objects, o, uo_list);
}

void
uvmsim__obj_unregister(struct uvmsim_machine *m, struct uvm_object *o)
{
	TAILQ_REMOVE(&m->objects, o, uo_list);
	uvmsim__ev(m, UVMSIM_EV_OBJ_FREE, o->uo_id, 0, 0, 0);
}

/*
 * uvmsim__pgo_getpages: the synchronous (PGO_SYNCIO) half of a pager's
 * pgo_get, which the pagers share; what differs is how a page's contents
 * come in (fill: zeros for an aobj, the store for a file).
 *
 * => object locked on entry, unlocked on return, success or failure.
 * => every page i with pps[i] == NULL is returned busy: a resident page
 *	is busied, an absent one allocated (with pqflags added) and, like a
 *	resident page still PG_FAKE, filled.
 * => a resident busy page panics before anything changes: the kernel
 *	would sleep on it, and nothing here could wake it.
 * => the "pgo_get" hook runs during the I/O, with nothing locked.
 * => ENOMEM: every page this call allocated is freed and every page it
 *	busied unbusied; pps is as it was on entry.
 * => fill's error (a read that failed): the same, and a page whose
 *	contents never came (PG_FAKE) is freed too; the error is returned.
 */
int
uvmsim__pgo_getpages(struct uvmsim_machine *m, struct uvm_object *uobj,
    voff_t offset, struct vm_page **pps, int npages, u_short pqflags,
    int (*fill)(struct uvmsim_machine *, struct uvm_object *,
    struct vm_page *), const char *who)
{
	uint8_t small[16], *mine;	/* per page: 1 busied, 2 allocated */
	struct vm_page *pg;
	voff_t off;
	int i, error = 0;

	LOCK_ASSERT(simple_lock_held(&uobj->vmobjlock));
	KASSERT(npages > 0);
	for (i = 0; i < npages; i++) {
		if (pps[i] != NULL)
			continue;
		off = offset + ((voff_t)i << m->pageshift);
		pg = uvm_pagelookup(uobj, off);
		if (pg != NULL && (pg->flags & PG_BUSY) != 0)
			uvmsim__panic(m, "%s: page busy, sleep would never end "
			    "(object %u, offset %#" PRIx64 ")", who,
			    uobj->uo_id, (uint64_t)off);
	}
	/* A fault asks for one page: no allocation on its way. */
	mine = (unsigned)npages <= sizeof(small) ? small :
	    uvmsim__malloc(m, (unsigned)npages);
	if (mine == NULL) {
		simple_unlock(&uobj->vmobjlock);
		return ENOMEM;
	}
	memset(mine, 0, (unsigned)npages);

	for (i = 0; i < npages; i++) {
		if (pps[i] != NULL)
			continue;
		off = offset + ((voff_t)i << m->pageshift);
		if ((pg = uvm_pagelookup(uobj, off)) != NULL) {
			pg->flags |= PG_BUSY;
			UVM_PAGE_OWN(pg, who);
			mine[i] = 1;
		} else if ((pg = uvm_pagealloc(uobj, off, NULL, 0)) != NULL) {
			pg->pqflags |= pqflags;
			mine[i] = 2;
		} else
			goto nomem;
		pps[i] = pg;
	}
	/*
	 * The I/O, with the pages busy and the object unlocked, as the
	 * kernel sleeps on it: another CPU may run meanwhile (the "pgo_get"
	 * hook).  It cannot take a busy page away, only mark it released.
	 */
	simple_unlock(&uobj->vmobjlock);
	(void)uvmsim__hook(m, UVMSIM_HOOK_PGO_GET);
	for (i = 0; i < npages && error == 0; i++)
		if (mine[i] != 0 && (pps[i]->flags & PG_FAKE) != 0)
			error = fill(m, uobj, pps[i]);
	if (error != 0) {
		/*
		 * A read failed: nothing is handed out.  The pages this call
		 * brought in, and any whose contents never came, are freed
		 * (the backing store keeps the data); the others unbusied.
		 */
		simple_lock(&uobj->vmobjlock);
		uvm_lock_pageq();
		for (i = 0; i < npages; i++) {
			if (mine[i] == 0)
				continue;
			if (mine[i] == 2 || (pps[i]->flags &
			    (PG_FAKE | PG_RELEASED)) != 0) {
				pmap_page_protect(pps[i], VM_PROT_NONE);
				uvm_pagefree(pps[i]);
			} else {
				pps[i]->flags &= ~(PG_BUSY | PG_WANTED);
				UVM_PAGE_OWN(pps[i], NULL);
			}
			pps[i] = NULL;
		}
		uvm_unlock_pageq();
		simple_unlock(&uobj->vmobjlock);
	}
	if (mine != small)
		uvmsim__free(mine);
	return error;

nomem:
	uvm_lock_pageq();
	for (i = 0; i < npages; i++) {
		if (mine[i] == 2)
			uvm_pagefree(pps[i]);
		else if (mine[i] == 1) {
			pps[i]->flags &= ~(PG_BUSY | PG_WANTED);
			UVM_PAGE_OWN(pps[i], NULL);
		}
		if (mine[i] != 0)
			pps[i] = NULL;
	}
	uvm_unlock_pageq();
	if (mine != small)
		uvmsim__free(mine);
	simple_unlock(&uobj->vmobjlock);
	return ENOMEM;
}

/*
 * uvmsim__pgo_putpages: a pager's pgo_put, which the pagers share; what
 * differs is how a page is cleaned (clean: write it back, or NULL for a
 * pager with nowhere to write).
 *
 * => object locked on entry, unlocked on return.
 * => the range is [start, stop) rounded out to pages; PGO_ALLPAGES or
 *	stop == 0 means the whole object.
 * => its resident pages, in offset order, as genfs_putpages takes them:
 *	1. with PGO_FREE, every page that is not wired loses all its
 *	   managed mappings (pmap_page_protect to VM_PROT_NONE), whatever
 *	   happens to it next: no process may go on reading a page the
 *	   object is about to free or disown.  The modified bits of those
 *	   mappings reach the page, so the cleaning below sees them.  A
 *	   lent page's unmanaged kernel mappings (pmap_kenter_pa) stay:
 *	   they are the borrower's.
 *	2. a busy page is only marked released (with PGO_FREE), for its
 *	   holder to free.
 *	3. with PGO_CLEANIT the others are cleaned; a page the pager
 *	   could not write (clean says false: swap full, a write error)
 *	   stays resident, dirty and where it is.
 *	4. unwired ones are then deactivated (PGO_DEACTIVATE, for a page
 *	   not yet inactive: it wins over PGO_FREE, and the page stays,
 *	   unmapped; a loaned page is left where it is), or else freed
 *	   (PGO_FREE, also a page already inactive: a loaned page stays
 *	   with its borrowers, an orphan).
 */
void
uvmsim__pgo_putpages(struct uvmsim_machine *m, struct uvm_object *uobj,
    voff_t start, voff_t stop, int flags,
    bool (*clean)(struct uvmsim_machine *, struct uvm_object *,
    struct vm_page *))
{
	voff_t pmask = (voff_t)m->pagesize - 1;
	struct vm_page key, *pg, *next;
	bool all;

	LOCK_ASSERT(simple_lock_held(&uobj->vmobjlock));
	uvmsim__ev(m, UVMSIM_EV_PGO_PUT, uobj->uo_id, (uint64_t)start,
	    (uint64_t)stop, (uint64_t)flags);
	all = (flags & PGO_ALLPAGES) != 0 || stop == 0;
	if (all) {
		start = 0;
	} else {
		KASSERT(start >= 0 && start <= stop);
		start &= ~pmask;
		stop = (stop + pmask) & ~pmask;
	}
	memset(&key, 0, sizeof(key));
	key.offset = start;
	for (pg = RB_NFIND(uvm_pagetree, &uobj->memt, &key);
	    pg != NULL && (all || pg->offset < stop); pg = next) {
		next = RB_NEXT(uvm_pagetree, &uobj->memt, pg);
		if ((flags & PGO_FREE) != 0 && pg->wire_count == 0)
			pmap_page_protect(pg, VM_PROT_NONE);
		if (pg->flags & PG_BUSY) {
			if (flags & PGO_FREE)
				pg->flags |= PG_RELEASED;
			continue;
		}
		if ((flags & PGO_CLEANIT) != 0 && clean != NULL &&
		    !clean(m, uobj, pg))
			continue;	/* not written: kept, dirty */
		if ((flags & (PGO_FREE | PGO_DEACTIVATE)) == 0 ||
		    pg->wire_count != 0)
			continue;
		uvm_lock_pageq();
		if ((flags & PGO_DEACTIVATE) != 0 &&
		    (pg->pqflags & PQ_INACTIVE) == 0) {
			if (pg->loan_count == 0) {
				(void)pmap_clear_reference(pg);
				uvm_pagedeactivate(pg);
			}
		} else if (flags & PGO_FREE)
			uvm_pagefree(pg);
		uvm_unlock_pageq();
	}
	simple_unlock(&uobj->vmobjlock);
}

/*
 * uvmsim__obj_teardown: at machine destruction, let each object's pager
 * free what it allocated for an object still alive (pgo_teardown).  An
 * object whose pager has none is its creator's memory, only forgotten.
 */
void
uvmsim__obj_teardown(struct uvmsim_machine *m)
{
	struct uvm_object *o;

	while ((o = TAILQ_FIRST(&m->objects)) != NULL) {
		TAILQ_REMOVE(&m->objects, o, uo_list);
		if (o->pgops != NULL && o->pgops->pgo_teardown != NULL)
			o->pgops->pgo_teardown(o);
	}
}

/*
 * uvmsim__check_objects: invariants 1-3 of <uvmsim/uvm_object.h>.
 */
void
uvmsim__check_objects(struct uvmsim_machine *m, struct uvmsim_report *r)
{
	struct uvm_object *o;
	struct vm_page *pg, *prev;
	char who[48];
	long n;

	TAILQ_FOREACH(o, &m->objects, uo_list) {
		snprintf(who, sizeof(who), "object %u", o->uo_id);
		if (o->uo_refs <= 0)
			uvmsim__problem(r, "object.refs", who, "uo_refs",
			    "%d references on a live object", o->uo_refs);
		n = 0;
		prev = NULL;
		RB_FOREACH(pg, uvm_pagetree, &o->memt) {
			if (pg < m->pages || pg >= m->pages + m->npages) {
				uvmsim__problem(r, "object.tree", who, "memt",
				    "holds a page not of this machine");
				break;
			}
			n++;
			if (prev != NULL && prev->offset >= pg->offset)
				uvmsim__problem(r, "object.tree", who, "memt",
				    "page %" PRIu64 " at %#" PRIx64 " follows "
				    "page %" PRIu64 " at %#" PRIx64 " in the tree",
				    uvmsim__pgid(m, pg), (uint64_t)pg->offset,
				    uvmsim__pgid(m, prev),
				    (uint64_t)prev->offset);
			prev = pg;
			if (pg->uobject != o)
				uvmsim__problem(r, "object.owner", who,
				    "uobject", "page %" PRIu64 " in the tree "
				    "names object %" PRIu64, uvmsim__pgid(m, pg),
				    uvmsim__objid(pg->uobject));
			if ((pg->flags & PG_TABLED) == 0)
				uvmsim__problem(r, "object.tabled", who,
				    "flags", "page %" PRIu64 " in the tree "
				    "lacks PG_TABLED", uvmsim__pgid(m, pg));
			if (pg->pqflags & PQ_FREE)
				uvmsim__problem(r, "object.free", who,
				    "pqflags", "page %" PRIu64 " in the tree is "
				    "free", uvmsim__pgid(m, pg));
			if (n > (long)m->npages)
				break;
		}
		if (n != o->uo_npages)
			uvmsim__problem(r, "object.npages", who, "uo_npages",
			    "is %d but the tree holds %ld pages",
			    o->uo_npages, n);
	}
}
