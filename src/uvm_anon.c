/*
 * uvm_anon.c: anons: allocation, freeing, and taking over loaned pages.
 *
 * Anons come from a free list (uvm.afree) refilled a block at a time, as
 * the kernel preallocates them; a machine configured with max_anons stops
 * there, which is how "out of anons" shows (1.6 sizes its anons by
 * memory and swap).  A live anon is on the machine's list of anons (for
 * the checker) with a fresh serial id.  Its data is in its page
 * (u.an_page), in its swap slot (an_swslot, once the page daemon pushed
 * it out), or both (read back from swap: the slot is kept until the page
 * is written out again, as 1.6 keeps it).
 *
 * Freeing an anon disposes of its page first (uvm_anfree), then of its
 * swap slot:
 *   - a page the anon borrowed from an object: the loan is returned;
 *   - a page busy with someone's I/O: marked PG_RELEASED and left for the
 *     holder, who frees it and calls uvm_anfree again (the anon stays
 *     alive, an_ref 0, until then);
 *   - otherwise the page is freed (if loaned out, uvm_pagefree turns it
 *     into an orphan that the last borrower frees).
 *
 * Invariants (checked by uvmsim__check_anons):
 *   1. an_ref >= the references from amap slots; an_ref == 0 only while
 *      the anon waits for its released page.  With a loan module that
 *      keeps the ledger, an_ref == amap references + anon loans
 *      (an_loans) exactly: any other reference is a leak [loan.anonref].
 *      (An anon that no amap and no loan refers to is its creator's: a
 *      harness may hold anons by hand; it is not judged.)
 *   2. u.an_page, when set, names the anon back in uanon.
 *   3. nanon == live anons + nfreeanon == anons in all blocks.
 *
 * Locking: an_ref and u.an_page are guarded by an_lock; the free list by
 * uvm.afreelock.  uvm_analloc returns the anon locked.
 */
#include <stdlib.h>

#define UVMSIM_LOCK_M	m	/* locks use the functions' m (kern_lock.h) */
#include "uvmsim_state.h"
#include "uvmsim_cur.h"
#include "kern_lock.h"
#include "uvmsim_trace.h"
#include "uvmsim_frame.h"
#include "uvmsim_vm.h"
#include "uvmsim_problem.h"
#include "uvm_anon_i.h"

/* Anons added to the free list at a time. */
#define ANON_BLOCK	64

/*
 * uvmsim__anon_grow: add a block of anons to the free list.
 *
 * => afreelock held.
 * => false if the machine's anon limit or the host's memory is reached.
 */
bool
uvmsim__anon_grow(struct uvmsim_machine *m)
{
	struct uvmsim_anonblock *ab;
	struct vm_anon *a, *next;
	size_t n = ANON_BLOCK, i;

	if (m->max_anons != 0) {
		if ((size_t)m->uvmexp.nanon >= m->max_anons)
			return false;
		if (n > m->max_anons - (size_t)m->uvmexp.nanon)
			n = m->max_anons - (size_t)m->uvmexp.nanon;
	}
	/* Not zeroed: a free anon's lock and link are set here, the rest
	 * by uvmsim__analloc when it is handed out (and nothing reads a free
	 * anon but its link). */
	ab = uvmsim__malloc(m, sizeof(*ab) + n * sizeof(struct vm_anon));
	if (ab == NULL)
		return false;
	ab->ab_count = n;
	SLIST_INSERT_HEAD(&m->anonblocks, ab, ab_list);
	/*
	 * Chained in address order, ahead of the free list, so that the
	 * block hands out its anons in order.  The lock is set as
	 * simple_lock_init sets it, here, with the chain in a register:
	 * a call per anon cost more than the anon's other work.
	 */
	next = m->uvm.afree;
	for (i = n; i-- > 0;) {
		a = &ab->ab_anons[i];
		a->an_lock.lock_holder = 0;
		a->an_lock.lock_line = 0;
		a->an_lock.lock_file = NULL;
		a->an_lock.lock_seq = 0;
		a->u.an_nxt = next;
		next = a;
	}
	m->uvm.afree = next;
	m->uvmexp.nanon += (int)n;
	m->uvmexp.nfreeanon += (int)n;
	return true;
}

/*
 * uvm_analloc: allocate an anon.
 *
 * => returns the anon locked, with one reference and no page or swap
 *	slot; NULL when no anon can be had (out of swap).
 */
struct vm_anon *
uvm_analloc(void)
{
	return uvmsim__analloc(uvmsim__cur());
}

/*
 * uvm_anfree: free an anon and dispose of its page.
 *
 * => anon unlocked, an_ref == 0, already out of every amap.
 * => may lock the page queues and the page's object.
 */
void
uvm_anfree(struct vm_anon *anon)
{
	struct uvmsim_machine *m = uvmsim__cur();
	struct vm_page *pg;

	KASSERT(anon->an_ref == 0);
	LOCK_ASSERT(!simple_lock_held(&anon->an_lock));

	/*
	 * Nobody else can reach the anon now, but the page may still be
	 * reached through its object or a loan: work under the anon lock.
	 */
	simple_lock(&anon->an_lock);
	pg = anon->u.an_page;
	if (pg != NULL && pg->loan_count != 0)
		pg = uvm_anon_lockloanpg(anon);	/* locks a uobject */
	if (pg != NULL && pg->uobject != NULL) {
		/* Borrowed from an object: return the anon's loan. */
		uvm_lock_pageq();
		KASSERT(pg->loan_count > 0);
		pg->loan_count--;
		pg->uanon = NULL;
		uvm_unlock_pageq();
		simple_unlock(&pg->uobject->vmobjlock);
	} else if (pg != NULL && (pg->flags & PG_BUSY)) {
		/* Someone's I/O holds it: they free it when done. */
		pg->flags |= PG_RELEASED;
		uvmsim__ev(m, UVMSIM_EV_ANON_RELEASE, anon->an_id,
		    uvmsim__pgid(m, pg), 0, 0);
		simple_unlock(&anon->an_lock);
		return;
	} else if (pg != NULL) {
		/* Ours: freed, or left to its borrowers if loaned out.  No
		 * mapping may outlive the anon. */
		pmap_page_protect(pg, VM_PROT_NONE);
		uvm_lock_pageq();
		uvm_pagefree(pg);
		uvm_unlock_pageq();
	}
	/* Its swap slot goes with it (1.6's uvm_anon_dropswap). */
	if (anon->an_swslot != 0) {
		uvm_swap_free(anon->an_swslot, 1);
		anon->an_swslot = 0;
	}
	uvmsim__ev(m, UVMSIM_EV_ANON_FREE, anon->an_id,
	    pg != NULL ? uvmsim__pgid(m, pg) : 0, 0, 0);
	simple_unlock(&anon->an_lock);

	simple_lock(&m->uvm.afreelock);
	TAILQ_REMOVE(&m->anons, anon, an_list);
	anon->an_id = 0;
	anon->u.an_nxt = m->uvm.afree;
	m->uvm.afree = anon;
	m->uvmexp.nfreeanon++;
	simple_unlock(&m->uvm.afreelock);
}

/*
 * uvmsim__anon_lockloanpg_work: uvm_anon_lockloanpg's work for a page
 * that needs it: one of an object (to lock), or an orphan (to adopt).
 *
 * => as uvm_anon_lockloanpg; out of line, so that the anon's own page,
 *	lent to the kernel (which a loan break meets), costs no more than
 *	the look at it (uvmsim__anon_lockloanpg, uvm_anon_i.h).
 */
__attribute__((__noinline__)) struct vm_page *
uvmsim__anon_lockloanpg_work(struct uvmsim_machine *m, struct vm_anon *anon)
{
	struct vm_page *pg;
	bool locked;

	while ((pg = anon->u.an_page) != NULL && pg->loan_count != 0) {
		if (pg->uobject != NULL) {
			uvm_lock_pageq();
			if (pg->uobject != NULL)
				locked = simple_lock_try(
				    &pg->uobject->vmobjlock);
			else
				locked = true;	/* disowned meanwhile */
			uvm_unlock_pageq();
			if (!locked) {
				/*
				 * Drop our lock and try again.  If the object
				 * lock is really held, only another CPU could
				 * release it meanwhile: the "lock_retry" hook.
				 * Still held by the same taker after it, the
				 * retry would spin forever.
				 */
				struct uvm_object *uo = pg->uobject;
				uint64_t hold = uo != NULL ?
				    uvmsim__lock_hold(&uo->vmobjlock) : 0;

				simple_unlock(&anon->an_lock);
				if (hold != 0) {
					(void)uvmsim__hook(m,
					    UVMSIM_HOOK_LOCK_RETRY);
					if (pg->uobject == uo &&
					    uvmsim__lock_hold(&uo->vmobjlock) ==
					    hold)
						uvmsim__panic(m,
						    "uvm_anon_lockloanpg: object "
						    "%u locked at %s:%d; the retry "
						    "would spin forever", uo->uo_id,
						    uo->vmobjlock.lock_file,
						    uo->vmobjlock.lock_line);
				}
				simple_lock(&anon->an_lock);
				continue;
			}
		}
		if (pg->uobject == NULL && !uvmsim__pg_isanon(m, pg)) {
			uvm_lock_pageq();
			uvmsim__pg_setanon(m, pg, true);
			pg->loan_count--;
			uvm_unlock_pageq();
			uvmsim__ev(m, UVMSIM_EV_ANON_ADOPT, anon->an_id,
			    uvmsim__pgid(m, pg), 0, 0);
		}
		break;
	}
	return pg;
}

/*
 * uvm_anon_lockloanpg: lock the owner of a locked anon's loaned page.
 *
 * => anon locked; it stays locked.
 * => returns the anon's page (NULL if none).  If the page belongs to an
 *	object, that object is returned locked.  If it is an orphan that
 *	the anon borrowed, the anon adopts it: PQ_ANON set, and the anon's
 *	loan becomes ownership.
 * => the object lock is taken against the lock order (anon before
 *	object), so only by try-lock; on failure the anon lock is dropped
 *	and retaken to let the other side through, and the page looked at
 *	again.
 */
struct vm_page *
uvm_anon_lockloanpg(struct vm_anon *anon)
{
	return uvmsim__anon_lockloanpg(uvmsim__cur(), anon);
}

void
uvmsim__anon_teardown(struct uvmsim_machine *m)
{
	struct uvmsim_anonblock *ab;

	while ((ab = SLIST_FIRST(&m->anonblocks)) != NULL) {
		SLIST_REMOVE_HEAD(&m->anonblocks, ab_list);
		uvmsim__free(ab);
	}
}

/*
 * uvmsim__check_anons: invariants 1-3 above.  amaprefs: the amap slot
 * references to each anon (uvmsim__amap_anonrefs, which the checker's
 * driver asks), or NULL when they could not be counted.
 */
void
uvmsim__check_anons(struct uvmsim_machine *m, struct uvmsim_report *r,
    const int *amaprefs)
{
	struct uvmsim_anonblock *ab;
	struct vm_anon *a;
	struct vm_page *pg;
	int live = 0, nfree = 0, total = 0;
	bool ledger = m->loan_ledger;
	char who[48];

	TAILQ_FOREACH(a, &m->anons, an_list) {
		live++;
		snprintf(who, sizeof(who), "anon %u", a->an_id);
		pg = a->u.an_page;
		if (pg != NULL && (pg < m->pages ||
		    pg >= m->pages + m->npages)) {
			uvmsim__problem(r, "anon.page", who, "u.an_page",
			    "points outside the machine's pages");
			pg = NULL;
		}
		if (a->an_ref < 0 || (a->an_ref == 0 && (pg == NULL ||
		    (pg->flags & (PG_BUSY | PG_RELEASED)) !=
		    (PG_BUSY | PG_RELEASED))))
			uvmsim__problem(r, "anon.ref", who, "an_ref",
			    "%d on a live anon without a released busy page",
			    a->an_ref);
		if (amaprefs != NULL && a->an_id <= m->next_anon_id &&
		    a->an_ref < amaprefs[a->an_id])
			uvmsim__problem(r, "anon.amapref", who, "an_ref",
			    "%d but %d amap slots refer to it", a->an_ref,
			    amaprefs[a->an_id]);
		else if (ledger && amaprefs != NULL && a->an_ref != 0 &&
		    (amaprefs[a->an_id] != 0 || a->an_loans != 0) &&
		    a->an_ref != amaprefs[a->an_id] + (int)a->an_loans)
			uvmsim__problem(r, "loan.anonref", who, "an_ref",
			    "%d but %d amap slots and %u anon loans refer to "
			    "it", a->an_ref, amaprefs[a->an_id], a->an_loans);
		if (pg != NULL && pg->uanon != a)
			uvmsim__problem(r, "anon.page", who, "u.an_page",
			    "page %" PRIu64 " names anon %" PRIu64 " as uanon",
			    uvmsim__pgid(m, pg), uvmsim__anonid(pg->uanon));
		if (pg != NULL && (pg->pqflags & PQ_FREE))
			uvmsim__problem(r, "anon.page", who, "u.an_page",
			    "page %" PRIu64 " is free", uvmsim__pgid(m, pg));
		if (live > m->uvmexp.nanon + 1)
			break;
	}
	for (a = m->uvm.afree; a != NULL && nfree <= m->uvmexp.nanon;
	    a = a->u.an_nxt)
		nfree++;
	SLIST_FOREACH(ab, &m->anonblocks, ab_list)
		total += (int)ab->ab_count;
	if (nfree != m->uvmexp.nfreeanon)
		uvmsim__problem(r, "anon.count", "uvmexp", "nfreeanon",
		    "is %d but %d anons are on the free list",
		    m->uvmexp.nfreeanon, nfree);
	if (total != m->uvmexp.nanon || live + nfree != total)
		uvmsim__problem(r, "anon.count", "uvmexp", "nanon",
		    "is %d; blocks hold %d, %d live and %d free",
		    m->uvmexp.nanon, total, live, nfree);
}
