/*
 * uvmsim_probe.c: one address, every layer: what stands behind it.
 *
 * uvmsim_probe() answers, for an address of an address space (or of the
 * kernel), the questions a harness otherwise answers by reaching into
 * the structures: which map entry holds it and how (protection,
 * inheritance, copy-on-write, needs-copy, wiring), which amap slot and
 * anon, which object and offset, which page a fault would map, what the
 * leaf PTE says bit by bit, what an access in the address space's mode
 * would be allowed, and which CPUs' TLBs cache it.
 *
 * A probe is an observation, never an event: it takes no lock (so the
 * loan-lock watch, which runs at lock operations, does not run either),
 * moves no map hint, walks the page tables without the walk cache and
 * without setting accessed or dirty bits, reads the TLBs without
 * counting a hit or a miss, and ticks no clock.  It can therefore be
 * called between any two steps of a test, or from a hook, and the trace
 * and the checker's report stay what they were.  The single thread of
 * the simulator is what makes reading without the locks sound: between
 * two calls into the machine nothing is half changed.
 *
 * The layers are read as the fault handler reads them (uvm_fault.c): the
 * amap slot of va first, the object at the entry's offset behind it; the
 * page is the anon's if there is one, else the object's resident page.
 */
#include <errno.h>

#include "uvmsim_state.h"
#include "uvmsim_cur.h"
#include "uvmsim_frame.h"
#include "uvmsim_vm.h"

/* vs is one of m's live address spaces (the kernel map is none). */
static bool
vmspace_of(const struct uvmsim_machine *m, const struct vmspace *vs)
{
	const struct vm_map *map;

	TAILQ_FOREACH(map, &m->maps, map_list)
		if (map == &vs->vm_map)
			return map != m->kernel_map;
	return false;
}

/*
 * probe_layers: the map-entry, amap and object half of a probe of va in
 * map: entry fields, slot and anon, object and offset, and the page.
 */
static void
probe_layers(struct uvmsim_machine *m, struct vm_map *map, vaddr_t va,
    struct uvmsim_probe *out)
{
	struct vm_map_entry *e;
	struct vm_amap *amap;
	struct vm_page key;
	vaddr_t pgva = va & ~(vaddr_t)(m->pagesize - 1);

	out->entry = false;
	out->start = out->end = 0;
	out->protection = out->max_protection = VM_PROT_NONE;
	out->inheritance = 0;
	out->advice = 0;
	out->etype = 0;
	out->copy_on_write = out->needs_copy = false;
	out->wired_count = 0;
	out->amap = NULL;
	out->slot = -1;
	out->anon = NULL;
	out->uobj = NULL;
	out->offset = 0;
	out->page = NULL;
	out->frame = (size_t)-1;

	if (map == NULL || (e = uvmsim__map_entry_at(map, va)) == NULL)
		return;
	out->entry = true;
	out->start = e->start;
	out->end = e->end;
	out->protection = e->protection;
	out->max_protection = e->max_protection;
	out->inheritance = e->inheritance;
	out->advice = e->advice;
	out->etype = e->etype;
	out->copy_on_write = UVM_ET_ISCOPYONWRITE(e);
	out->needs_copy = UVM_ET_ISNEEDSCOPY(e);
	out->wired_count = e->wired_count;

	if ((amap = e->aref.ar_amap) != NULL) {
		out->amap = amap;
		out->slot = e->aref.ar_pageoff +
		    (int)((pgva - e->start) >> m->pageshift);
		if (out->slot < amap->am_nslot)
			out->anon = amap->am_anon[out->slot];
	}
	if (UVM_ET_ISOBJ(e) && !UVM_ET_ISSUBMAP(e)) {
		out->uobj = e->object.uvm_obj;
		out->offset = e->offset + (voff_t)(pgva - e->start);
	}
	if (out->anon != NULL)
		out->page = out->anon->u.an_page;
	else if (out->uobj != NULL) {
		key.offset = out->offset;
		out->page = RB_FIND(uvm_pagetree, &out->uobj->memt, &key);
	}
	if (out->page != NULL)
		out->frame = (size_t)uvmsim__pgid(m, out->page);
}

/*
 * uvmsim_probe: everything behind va of vs (NULL: the kernel, in
 * supervisor mode), into *out.
 *
 * => changes nothing (see above); any current machine is left as it is.
 * => 0, or EINVAL naming the argument at fault, *out then untouched.
 */
int
uvmsim_probe(struct uvmsim_machine *m, struct vmspace *vs, vaddr_t va,
    struct uvmsim_probe *out)
{
	struct uvmsim_probe p;
	struct vm_map *map;
	struct pmap *pm;
	int error;

	if (m == NULL)
		return uvmsim__error(NULL, EINVAL, "uvmsim_probe: m: NULL");
	if (out == NULL)
		return uvmsim__error(m, EINVAL, "uvmsim_probe: out: NULL");
	if (m->pmap_sim == NULL)
		return uvmsim__error(m, EINVAL, "uvmsim_probe: m: machine has "
		    "no MMU (arch none)");
	if (vs != NULL && !vmspace_of(m, vs))
		return uvmsim__error(m, EINVAL, "uvmsim_probe: vs: not a live "
		    "address space of this machine");
	map = vs != NULL ? &vs->vm_map : m->kernel_map;
	if (map == NULL || (pm = map->pmap) == NULL)
		return uvmsim__error(m, EINVAL, "uvmsim_probe: %s: has no "
		    "pmap", vs != NULL ? "vs" : "m");
	if ((error = uvmsim__mmu_probe(m, pm, va, vs != NULL, &p)) != 0)
		return error;
	probe_layers(m, map, va, &p);
	*out = p;
	return 0;
}

int
uvmsim_pmap_dump(struct uvmsim_machine *m, struct vmspace *vs, FILE *fp)
{
	struct vm_map *map;

	if (m == NULL)
		return uvmsim__error(NULL, EINVAL, "uvmsim_pmap_dump: m: NULL");
	if (fp == NULL)
		return uvmsim__error(m, EINVAL, "uvmsim_pmap_dump: fp: NULL");
	if (m->pmap_sim == NULL)
		return uvmsim__error(m, EINVAL, "uvmsim_pmap_dump: m: machine "
		    "has no MMU (arch none)");
	if (vs != NULL && !vmspace_of(m, vs))
		return uvmsim__error(m, EINVAL, "uvmsim_pmap_dump: vs: not a "
		    "live address space of this machine");
	map = vs != NULL ? &vs->vm_map : m->kernel_map;
	if (map == NULL || map->pmap == NULL)
		return uvmsim__error(m, EINVAL, "uvmsim_pmap_dump: %s: has no "
		    "pmap", vs != NULL ? "vs" : "m");
	uvmsim__pmap_dump(m, map->pmap, fp);
	return ferror(fp) ? uvmsim__error(m, EIO, "uvmsim_pmap_dump: fp: "
	    "write error") : 0;
}
