/*
 * uvm_fault_rewire.c: the wired mappings a copy into a shared amap, or a
 * loan break, takes away, given back (the fault handler's part;
 * uvm_fault.c's essay says why).  A loan break meets a wired page in the
 * modern behaviour, where a read-only wiring keeps a loan: the owner's
 * write gives the anon (or object) a copy, and the wiring moves to it.  1.6 takes every mapping of the old page with pmap_page_protect
 * when a copy takes a slot of a shared amap ("XXX: PAGE MIGHT BE
 * WIRED!").  The fault notes first where wired entries of any map map
 * the old page (uvmsim__rewire_note) and, at its end with nothing
 * locked, enters in each of those that lost its mapping the page its
 * layers hold now, wired (uvmsim__rewire): the old page for a map that
 * does not share the amap; the copy for one that does, the wiring moving
 * from the old page to it.
 *
 * Locking: the note reads other maps' entries and page tables while the
 * fault holds its own locks (nothing else runs in the simulator); the
 * giving back takes each map's lock shared, then amap, anon and object
 * in order around the look-ups, then the page queues.
 */
#define UVMSIM_LOCK_M	m	/* locks use the functions' m (kern_lock.h) */
#include "uvmsim_state.h"
#include "uvmsim_cur.h"
#include "kern_lock.h"
#include "uvmsim_vm.h"

/*
 * rewire_page: the page the layers of entry hold at va (the anon's,
 * else the object's resident page), or NULL; with the protection it
 * may be mapped with in *protp.
 *
 * => nothing locked; the amap, anon and object are locked around the
 *    lookups, in order.
 */
static struct vm_page *
rewire_page(struct uvmsim_machine *m, struct vm_map_entry *entry,
    vaddr_t va, vm_prot_t *protp)
{
	struct vm_amap *amap = entry->aref.ar_amap;
	struct uvm_object *uobj = entry->object.uvm_obj;
	struct vm_anon *anon = NULL;
	struct vm_page *pg = NULL;
	vm_prot_t prot = entry->protection;

	(void)m;
	if (amap != NULL) {
		amap_lock(amap);
		anon = amap_lookup(&entry->aref, va - entry->start);
		if (anon != NULL) {
			simple_lock(&anon->an_lock);
			pg = anon->u.an_page;
			if (anon->an_ref > 1)
				prot &= ~VM_PROT_WRITE;
			simple_unlock(&anon->an_lock);
		}
		amap_unlock(amap);
	}
	if (anon == NULL && uobj != NULL) {
		simple_lock(&uobj->vmobjlock);
		pg = uvm_pagelookup(uobj, entry->offset +
		    (voff_t)(va - entry->start));
		simple_unlock(&uobj->vmobjlock);
		if (UVM_ET_ISCOPYONWRITE(entry))
			prot &= ~VM_PROT_WRITE;
	}
	if (pg != NULL && pg->loan_count > 0)
		prot &= ~VM_PROT_WRITE;
	*protp = prot;
	return pg;
}

/*
 * uvmsim__rewire: give back the wired mappings of rw->old noted before
 * a copy into a shared amap took them (the essay above): each
 * noted address that nothing maps now gets the page its layers hold,
 * wired.  Where that is not the old page (the map shares the amap,
 * whose slot holds the copy now), the wiring moves: the old page is
 * unwired, the new one wired.
 *
 * => nothing locked.
 */
void
uvmsim__rewire(struct uvmsim_machine *m, struct uvmsim__rewire *rw)
{
	struct vm_page *old = rw->old, *pg;
	struct vm_map_entry *entry;
	struct vm_map *map;
	vm_prot_t prot;
	vaddr_t va;
	int i;

	for (i = 0; i < rw->n; i++) {
		map = rw->at[i].map;
		va = rw->at[i].va;
		vm_map_lock_read(map);
		if (!pmap_extract(map->pmap, va, NULL) &&
		    uvm_map_lookup_entry(map, va, &entry) &&
		    VM_MAPENT_ISWIRED(entry) &&
		    (pg = rewire_page(m, entry, va, &prot)) != NULL) {
			/* The page table the mapping used is still there:
			 * no allocation, no failure. */
			(void)pmap_enter(map->pmap, va, VM_PAGE_TO_PHYS(pg),
			    prot, prot | PMAP_WIRED);
			if (pg != old) {
				uvm_lock_pageq();
				uvm_pageunwire(old);
				/* A loan break's old page, lent to the kernel
				 * alone now: an orphan, on no queue. */
				if (old->wire_count == 0 &&
				    old->uobject == NULL && old->uanon == NULL)
					uvm_pagedequeue(old);
				uvm_pagewire(pg);
				uvm_unlock_pageq();
			}
			pmap_update(map->pmap);
		}
		vm_map_unlock_read(map);
	}
}

/*
 * uvmsim__rewire_note: note in rw the mappings of the page old by wired
 * entries of every map, before a copy into a shared amap takes them all
 * (uvmsim__rewire gives them back); nothing for a page not wired.
 *
 * => the fault's locks held; the other maps are only read (nothing else
 *    runs in the simulator while the fault holds its locks).
 */
void
uvmsim__rewire_note(struct uvmsim_machine *m, struct uvmsim__rewire *rw,
    struct vm_page *old)
{
	struct vm_map_entry *entry;
	struct vm_map *map;
	paddr_t pa, opa = VM_PAGE_TO_PHYS(old);
	vaddr_t va;

	if (rw->old != NULL || old->wire_count == 0)
		return;		/* one wired page per fault: the first */
	rw->old = old;
	rw->n = 0;
	TAILQ_FOREACH(map, &m->maps, map_list) {
		if (map == m->kernel_map || map->pmap == NULL)
			continue;
		for (entry = map->header.next; entry != &map->header;
		    entry = entry->next) {
			if (!VM_MAPENT_ISWIRED(entry) ||
			    UVM_ET_ISSUBMAP(entry))
				continue;
			for (va = entry->start; va < entry->end;
			    va += m->pagesize) {
				if (!pmap_extract(map->pmap, va, &pa) ||
				    pa != opa)
					continue;
				if (rw->n == UVMSIM_MAXREWIRE)
					return;
				rw->at[rw->n].map = map;
				rw->at[rw->n].va = va;
				rw->n++;
			}
		}
	}
}
