/*
 * dot.c: the ownership graph of a run's machine, as Graphviz text.
 *
 * Nodes, left to right as UVM layers them:
 *
 *	process (a cluster)  ->  map entry  ->  amap  ->  anon  ->  frame
 *	                               \-> object -----------------> frame
 *	loan (to the kernel or to anons) - - - - - - - - - - - - -> frame
 *	kernel map entry (the kernel's own mappings) -------------> frame
 *
 * An edge from an entry to an amap says at which slot the entry starts;
 * from an amap to an anon, which slot holds it; from an object to a
 * frame, at which offset.  An anon that borrows an object's page points
 * at it with a dashed edge, as loans do.  Frames drawn are those some
 * anon, object or loan holds (page-table pages and free frames are left
 * out); a loaned frame is shaded, an orphan (owned by nobody, kept by
 * its loans) outlined in red.
 *
 * Node names are made of serial ids and frame numbers, never host
 * addresses, and everything is emitted in id order, so the same script
 * gives the same text.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "interp.h"

#define DOT_KPAGES	64	/* kernel pages drawn per kernel map entry */

static void
frame_node(struct run *r, FILE *fp, size_t f, const struct vm_page *pg)
{
	fprintf(fp, "  frame%zu [shape=note, label=\"frame %zu", f, f);
	if (pg->loan_count > 0)
		fprintf(fp, "\\nloan count %u", pg->loan_count);
	if (pg->wire_count > 0)
		fprintf(fp, "\\nwired %u", pg->wire_count);
	fprintf(fp, "\"");
	if (pg->uobject == NULL && pg->uanon == NULL && pg->loan_count > 0)
		fprintf(fp, ", color=red, style=filled, fillcolor=mistyrose");
	else if (pg->loan_count > 0)
		fprintf(fp, ", style=filled, fillcolor=lightyellow");
	fprintf(fp, "];\n");
	(void)r;
}

/* Whether frame pg is one the picture shows. */
static bool
drawn(const struct vm_page *pg)
{
	return !(pg->pqflags & PQ_FREE) && (pg->uobject != NULL ||
	    pg->uanon != NULL || pg->loan_count > 0);
}

static void
entries(struct run *r, FILE *fp)
{
	char prot[4];

	for (int i = 0; i < r->nprocs; i++) {
		struct proc *p = r->procs[i].p;
		struct vm_map *map;
		struct vm_map_entry *e;
		int k = 0;

		if (p == NULL)
			continue;
		map = &p->p_vmspace->vm_map;
		fprintf(fp, "  subgraph cluster_%s {\n    label=\"%s (pid "
		    "%d)\";\n", r->procs[i].name, r->procs[i].name,
		    (int)p->p_pid);
		for (e = map->header.next; e != &map->header;
		    e = e->next, k++) {
			run_prot_str(e->protection, prot);
			fprintf(fp, "    \"%s.e%d\" [shape=box, label=\"%#"
			    PRIx64 "-0x%" PRIx64 "\\n%s %s%s%s\"];\n",
			    r->procs[i].name, k, (uint64_t)e->start,
			    (uint64_t)e->end, prot,
			    UVM_ET_ISCOPYONWRITE(e) ? "private" : "shared",
			    UVM_ET_ISNEEDSCOPY(e) ? "\\nneeds-copy" : "",
			    e->wired_count > 0 ? "\\nwired" : "");
		}
		fprintf(fp, "  }\n");
		k = 0;
		for (e = map->header.next; e != &map->header;
		    e = e->next, k++) {
			if (e->aref.ar_amap != NULL)
				fprintf(fp, "  \"%s.e%d\" -> amap%u [label=\""
				    "slot %d\"];\n", r->procs[i].name, k,
				    e->aref.ar_amap->am_id,
				    e->aref.ar_pageoff);
			if (UVM_ET_ISOBJ(e))
				fprintf(fp, "  \"%s.e%d\" -> obj%u [label=\""
				    "offset 0x%" PRIx64 "\"];\n",
				    r->procs[i].name, k,
				    e->object.uvm_obj->uo_id,
				    (uint64_t)e->offset);
		}
	}
}

static int
cmp_u(const void *a, const void *b)
{
	u_int x = *(const u_int *)a, y = *(const u_int *)b;

	return x < y ? -1 : x > y;
}

/* The amaps of the live entries, once each, by id. */
static void
amaps(struct run *r, FILE *fp)
{
	struct vm_amap **v = NULL;
	u_int *ids = NULL;
	size_t n = 0, cap = 0;

	for (int i = 0; i < r->nprocs; i++) {
		struct vm_map_entry *e;
		struct vm_map *map;

		if (r->procs[i].p == NULL)
			continue;
		map = &r->procs[i].p->p_vmspace->vm_map;
		for (e = map->header.next; e != &map->header; e = e->next) {
			struct vm_amap *am = e->aref.ar_amap;
			size_t k;

			if (am == NULL)
				continue;
			for (k = 0; k < n && v[k] != am; k++)
				;
			if (k < n)
				continue;
			if (n == cap) {
				size_t nc = cap ? 2 * cap : 16;
				void *nv = realloc(v, nc * sizeof(*v));

				if (nv == NULL)
					goto out;
				v = nv;
				cap = nc;
			}
			v[n++] = am;
		}
	}
	/* By id: sort the ids, then find each amap. */
	if ((ids = calloc(n ? n : 1, sizeof(*ids))) == NULL)
		goto out;
	for (size_t k = 0; k < n; k++)
		ids[k] = v[k]->am_id;
	qsort(ids, n, sizeof(*ids), cmp_u);
	for (size_t k = 0; k < n; k++) {
		struct vm_amap *am = NULL;

		for (size_t q = 0; q < n; q++)
			if (v[q]->am_id == ids[k])
				am = v[q];
		fprintf(fp, "  amap%u [shape=box3d, label=\"amap %u\\nref %d, "
		    "%d/%d slots\"];\n", am->am_id, am->am_id, am->am_ref,
		    am->am_nused, am->am_nslot);
		for (int slot = 0; slot < am->am_nslot; slot++)
			if (am->am_anon[slot] != NULL)
				fprintf(fp, "  amap%u -> anon%u [label=\"slot "
				    "%d\"];\n", am->am_id,
				    am->am_anon[slot]->an_id, slot);
	}
out:
	free(ids);
	free(v);
}

void
run_dot(struct run *r, FILE *fp)
{
	size_t npages = uvmsim_npages(r->m);
	struct vm_map *kmap;
	struct vm_map_entry *e;
	u_int *seen = NULL;
	size_t nseen = 0;
	int k;

	fprintf(fp, "digraph uvmsim {\n  rankdir=LR;\n  node [fontname="
	    "\"Helvetica\", fontsize=10];\n  edge [fontname=\"Helvetica\", "
	    "fontsize=9];\n");
	entries(r, fp);
	amaps(r, fp);

	/* Anons, objects and frames, from the frames up, by frame. */
	seen = calloc(npages ? npages : 1, sizeof(*seen));
	for (size_t f = 0; f < npages; f++) {
		struct vm_page *pg = uvmsim_page(r->m, f);
		int fi;

		if (!drawn(pg))
			continue;
		frame_node(r, fp, f, pg);
		if (pg->uanon != NULL) {
			fprintf(fp, "  anon%u [shape=ellipse, label=\"anon %u"
			    "\\nref %d\"];\n", pg->uanon->an_id,
			    pg->uanon->an_id, pg->uanon->an_ref);
			fprintf(fp, "  anon%u -> frame%zu%s;\n",
			    pg->uanon->an_id, f, pg->uobject != NULL ?
			    " [style=dashed, label=\"borrows\"]" : "");
		}
		if (pg->uobject != NULL) {
			size_t q;

			fi = run_find_file(r, pg->uobject);
			for (q = 0; seen != NULL && q < nseen &&
			    seen[q] != pg->uobject->uo_id; q++)
				;
			if (seen != NULL && q == nseen) {
				seen[nseen++] = pg->uobject->uo_id;
				fprintf(fp, "  obj%u [shape=folder, label=\""
				    "object %u\\n%s%s\\nrefs %d\"];\n",
				    pg->uobject->uo_id, pg->uobject->uo_id,
				    fi >= 0 ? "file " : "aobj",
				    fi >= 0 ? r->files[fi].name : "",
				    pg->uobject->uo_refs);
			}
			fprintf(fp, "  obj%u -> frame%zu [label=\"0x%" PRIx64
			    "\"];\n", pg->uobject->uo_id, f,
			    (uint64_t)pg->offset);
		}
	}
	/* Objects the entries map with no page resident. */
	for (int i = 0; i < r->nfiles; i++) {
		struct uvm_object *u = r->files[i].uobj;
		size_t q;

		for (q = 0; seen != NULL && q < nseen && seen[q] != u->uo_id;
		    q++)
			;
		if (seen != NULL && q == nseen && u->uo_npages == 0) {
			seen[nseen++] = u->uo_id;
			fprintf(fp, "  obj%u [shape=folder, label=\"object %u"
			    "\\nfile %s\\nrefs %d\"];\n", u->uo_id, u->uo_id,
			    r->files[i].name, u->uo_refs);
		}
	}
	free(seen);

	/* Loans the script holds. */
	for (int l = 0; l < r->nloans; l++) {
		struct run_loan *ln = &r->loans[l];

		if (ln->flags == 0)
			continue;
		fprintf(fp, "  \"loan.%s\" [shape=hexagon, label=\"loan %s\\n"
		    "to %s\"];\n", ln->name, ln->name,
		    ln->flags == UVM_LOAN_TOPAGE ? "the kernel" : "anons");
		for (k = 0; k < ln->n; k++) {
			if (ln->flags == UVM_LOAN_TOPAGE)
				fprintf(fp, "  \"loan.%s\" -> frame%zu "
				    "[style=dashed];\n", ln->name,
				    uvmsim_page_frame(r->m, ln->v[k]));
			else
				fprintf(fp, "  \"loan.%s\" -> anon%u "
				    "[style=dashed];\n", ln->name,
				    ((struct vm_anon *)ln->v[k])->an_id);
		}
	}

	/* The kernel's own mappings: its map's entries and their pages. */
	kmap = uvm_kernel_map();
	k = 0;
	for (e = kmap->header.next; e != &kmap->header; e = e->next, k++) {
		vaddr_t va;
		int n = 0;

		fprintf(fp, "  kentry%d [shape=box, style=rounded, label=\""
		    "kernel 0x%" PRIx64 "-0x%" PRIx64 "\"];\n", k,
		    (uint64_t)e->start, (uint64_t)e->end);
		for (va = e->start; va < e->end && n < DOT_KPAGES;
		    va += r->ps, n++) {
			struct uvmsim_probe pr;

			if (uvmsim_probe(r->m, NULL, va, &pr) != 0 ||
			    pr.pte_page == NULL)
				continue;
			if (!drawn(pr.pte_page))
				frame_node(r, fp, pr.pte_frame, pr.pte_page);
			fprintf(fp, "  kentry%d -> frame%zu [label=\"0x%" PRIx64
			    "\"];\n", k, pr.pte_frame, (uint64_t)va);
		}
	}
	fprintf(fp, "}\n");
}
