/*
 * show.c: the tables of `show`, read from the structures of the public
 * headers.
 *
 * The machine's own lists of anons, amaps and objects are the library's;
 * a table finds them as a reader of the public structures can: the amaps
 * of the live processes' map entries, the anons in their slots, the
 * owners of the frames in use, the files and loans the script holds.
 * Each table is sorted by serial id or frame, never by host address, so
 * that the same script prints the same text.  Printing changes nothing.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "interp.h"

static const char *const owner_names[] = {
	[OWN_NONE] = "none", [OWN_ANON] = "anon", [OWN_FILE] = "file",
	[OWN_AOBJ] = "aobj", [OWN_LENT] = "lent", [OWN_ORPHAN] = "orphan",
};

static int
cmp_anon(const void *a, const void *b)
{
	const struct vm_anon *x = *(const struct vm_anon *const *)a;
	const struct vm_anon *y = *(const struct vm_anon *const *)b;

	return x->an_id < y->an_id ? -1 : x->an_id > y->an_id;
}

static int
cmp_amap(const void *a, const void *b)
{
	const struct vm_amap *x = *(const struct vm_amap *const *)a;
	const struct vm_amap *y = *(const struct vm_amap *const *)b;

	return x->am_id < y->am_id ? -1 : x->am_id > y->am_id;
}

static int
cmp_obj(const void *a, const void *b)
{
	const struct uvm_object *x = *(const struct uvm_object *const *)a;
	const struct uvm_object *y = *(const struct uvm_object *const *)b;

	return x->uo_id < y->uo_id ? -1 : x->uo_id > y->uo_id;
}

/* A set of pointers, sorted and without duplicates at the end. */
struct ptrset {
	void	**v;
	size_t	n, cap;
};

static void
ps_add(struct ptrset *s, void *p)
{
	void **n;

	if (p == NULL)
		return;
	if (s->n == s->cap) {
		size_t cap = s->cap ? 2 * s->cap : 64;

		if ((n = realloc(s->v, cap * sizeof(*n))) == NULL)
			return;		/* a shorter listing, no more */
		s->v = n;
		s->cap = cap;
	}
	s->v[s->n++] = p;
}

static void
ps_sort(struct ptrset *s, int (*cmp)(const void *, const void *))
{
	size_t i, j;

	if (s->n == 0)
		return;
	qsort(s->v, s->n, sizeof(*s->v), cmp);
	for (i = 1, j = 1; i < s->n; i++)
		if (s->v[i] != s->v[j - 1])
			s->v[j++] = s->v[i];
	s->n = j;
}

/* Every amap of the live processes' entries. */
static void
collect_amaps(struct run *r, struct ptrset *s)
{
	for (int i = 0; i < r->nprocs; i++) {
		struct vm_map_entry *e;
		struct vm_map *map;

		if (r->procs[i].p == NULL)
			continue;
		map = &r->procs[i].p->p_vmspace->vm_map;
		for (e = map->header.next; e != &map->header; e = e->next)
			ps_add(s, e->aref.ar_amap);
	}
	ps_sort(s, cmp_amap);
}

/* Every anon: in the amaps, owning or borrowing frames, lent to. */
static void
collect_anons(struct run *r, struct ptrset *s)
{
	struct ptrset am = { 0 };
	size_t npages = uvmsim_npages(r->m);

	collect_amaps(r, &am);
	for (size_t i = 0; i < am.n; i++) {
		struct vm_amap *amap = am.v[i];

		for (int k = 0; k < amap->am_nused; k++)
			ps_add(s, amap->am_anon[amap->am_slots[k]]);
	}
	free(am.v);
	for (size_t f = 0; f < npages; f++) {
		struct vm_page *pg = uvmsim_page(r->m, f);

		if (!(pg->pqflags & PQ_FREE))
			ps_add(s, pg->uanon);
	}
	for (int l = 0; l < r->nloans; l++)
		if (r->loans[l].flags == UVM_LOAN_TOANON)
			for (int k = 0; k < r->loans[l].n; k++)
				ps_add(s, r->loans[l].v[k]);
	ps_sort(s, cmp_anon);
}

/* Every object: the files, the entries' objects, the frames' owners. */
static void
collect_objects(struct run *r, struct ptrset *s)
{
	size_t npages = uvmsim_npages(r->m);

	for (int i = 0; i < r->nfiles; i++)
		ps_add(s, r->files[i].uobj);
	for (int i = 0; i < r->nprocs; i++) {
		struct vm_map_entry *e;
		struct vm_map *map;

		if (r->procs[i].p == NULL)
			continue;
		map = &r->procs[i].p->p_vmspace->vm_map;
		for (e = map->header.next; e != &map->header; e = e->next)
			if (UVM_ET_ISOBJ(e))
				ps_add(s, e->object.uvm_obj);
	}
	for (size_t f = 0; f < npages; f++) {
		struct vm_page *pg = uvmsim_page(r->m, f);

		if (!(pg->pqflags & PQ_FREE))
			ps_add(s, pg->uobject);
	}
	ps_sort(s, cmp_obj);
}

static void
show_queues(struct run *r, FILE *fp)
{
	static const struct {
		const char *name;
		int kind;
	} q[] = { { "active", 0 }, { "inactive", 1 }, { "wired", 2 },
		  { "unqueued", 3 } };
	size_t npages = uvmsim_npages(r->m), nfree = 0;

	for (size_t f = 0; f < npages; f++)
		if (uvmsim_page(r->m, f)->pqflags & PQ_FREE)
			nfree++;
	fprintf(fp, "free: %zu frames\n", nfree);
	for (size_t k = 0; k < sizeof(q) / sizeof(q[0]); k++) {
		size_t n = 0;

		fprintf(fp, "%s:", q[k].name);
		for (size_t f = 0; f < npages; f++) {
			struct vm_page *pg = uvmsim_page(r->m, f);
			int kind;

			if (pg->pqflags & PQ_FREE)
				continue;
			kind = (pg->pqflags & PQ_ACTIVE) ? 0 :
			    (pg->pqflags & PQ_INACTIVE) ? 1 :
			    pg->wire_count > 0 ? 2 : 3;
			if (kind == q[k].kind) {
				fprintf(fp, " %zu", f);
				n++;
			}
		}
		fprintf(fp, "%s\n", n == 0 ? " -" : "");
	}
}

static void
show_anons(struct run *r, FILE *fp)
{
	struct ptrset s = { 0 };
	char owner[128], slot[16];

	collect_anons(r, &s);
	fprintf(fp, "%5s %4s %6s %5s  %s\n", "anon", "ref", "frame", "swap",
	    "page");
	for (size_t i = 0; i < s.n; i++) {
		struct vm_anon *an = s.v[i];
		struct vm_page *pg = an->u.an_page;

		if (pg == NULL)
			snprintf(owner, sizeof(owner), "%s", an->an_swslot != 0 ?
			    "swapped out" : "none");
		else if (pg->uobject != NULL)
			snprintf(owner, sizeof(owner), "borrowed from object "
			    "%u, loan count %u", pg->uobject->uo_id,
			    pg->loan_count);
		else if (pg->uanon != an)
			snprintf(owner, sizeof(owner), "orphan, loan count %u",
			    pg->loan_count);
		else
			snprintf(owner, sizeof(owner), "its own, loan count %u",
			    pg->loan_count);
		if (an->an_swslot != 0)
			snprintf(slot, sizeof(slot), "%d", an->an_swslot);
		else
			snprintf(slot, sizeof(slot), "-");
		if (pg != NULL)
			fprintf(fp, "%5u %4d %6zu %5s  %s\n", an->an_id,
			    an->an_ref, uvmsim_page_frame(r->m, pg), slot,
			    owner);
		else
			fprintf(fp, "%5u %4d %6s %5s  %s\n", an->an_id,
			    an->an_ref, "-", slot, owner);
	}
	if (s.n == 0)
		fprintf(fp, "(no anons)\n");
	free(s.v);
}

static void
show_amaps(struct run *r, FILE *fp)
{
	struct ptrset s = { 0 };

	collect_amaps(r, &s);
	for (size_t i = 0; i < s.n; i++) {
		struct vm_amap *am = s.v[i];

		fprintf(fp, "amap %u: ref %d, %d slots, %d used%s\n", am->am_id,
		    am->am_ref, am->am_nslot, am->am_nused,
		    (am->am_flags & AMAP_SHARED) ? ", shared" : "");
		for (int p = 0; p < r->nprocs; p++) {
			struct vm_map_entry *e;
			struct vm_map *map;

			if (r->procs[p].p == NULL)
				continue;
			map = &r->procs[p].p->p_vmspace->vm_map;
			for (e = map->header.next; e != &map->header;
			    e = e->next)
				if (e->aref.ar_amap == am)
					fprintf(fp, "  %s 0x%" PRIx64 "-%#"
					    PRIx64 " from slot %d\n",
					    r->procs[p].name,
					    (uint64_t)e->start,
					    (uint64_t)e->end,
					    e->aref.ar_pageoff);
		}
		for (int slot = 0; slot < am->am_nslot; slot++) {
			struct vm_anon *an = am->am_anon[slot];

			if (an == NULL)
				continue;
			fprintf(fp, "  slot %d: anon %u", slot, an->an_id);
			if (am->am_ppref != NULL && am->am_ppref != PPREF_NONE)
				fprintf(fp, " (ppref %d)", am->am_ppref[slot]);
			fputc('\n', fp);
		}
	}
	if (s.n == 0)
		fprintf(fp, "(no amaps)\n");
	free(s.v);
}

static void
show_objects(struct run *r, FILE *fp)
{
	struct ptrset s = { 0 };
	size_t npages = uvmsim_npages(r->m);

	collect_objects(r, &s);
	for (size_t i = 0; i < s.n; i++) {
		struct uvm_object *uobj = s.v[i];
		int f = run_find_file(r, uobj);

		fprintf(fp, "object %u", uobj->uo_id);
		if (f >= 0)
			fprintf(fp, " (file %s, %zu bytes)", r->files[f].name,
			    r->files[f].size);
		else
			fprintf(fp, " (%s)", uvmsim_is_aobj(uobj) ? "aobj" :
			    uobj->pgops->pgo_name);
		fprintf(fp, ": refs %d, %d pages", uobj->uo_refs,
		    uobj->uo_npages);
		for (size_t fr = 0; fr < npages; fr++) {
			struct vm_page *pg = uvmsim_page(r->m, fr);

			if (!(pg->pqflags & PQ_FREE) && pg->uobject == uobj)
				fprintf(fp, " 0x%" PRIx64 "=frame %zu",
				    (uint64_t)pg->offset, fr);
		}
		fputc('\n', fp);
	}
	if (s.n == 0)
		fprintf(fp, "(no objects)\n");
	free(s.v);
}

static void
show_loans(struct run *r, FILE *fp)
{
	size_t npages = uvmsim_npages(r->m), n = 0;
	char owner[128];

	for (size_t f = 0; f < npages; f++) {
		struct vm_page *pg = uvmsim_page(r->m, f);

		if ((pg->pqflags & PQ_FREE) || pg->loan_count == 0)
			continue;
		run_owner_str(r, pg, owner, sizeof(owner));
		fprintf(fp, "frame %zu: loan count %u, owner %s\n", f,
		    pg->loan_count, owner);
		n++;
	}
	if (n == 0)
		fprintf(fp, "(no page is loaned)\n");
	for (int l = 0; l < r->nloans; l++) {
		struct run_loan *ln = &r->loans[l];

		if (ln->flags == 0)
			continue;
		fprintf(fp, "loan %s: %d page%s of %s at 0x%" PRIx64 " to %s:",
		    ln->name, ln->n, ln->n == 1 ? "" : "s", ln->lender,
		    (uint64_t)ln->va,
		    ln->flags == UVM_LOAN_TOPAGE ? "the kernel" : "anons");
		for (int k = 0; k < ln->n; k++) {
			if (ln->flags == UVM_LOAN_TOPAGE)
				fprintf(fp, " frame %zu", uvmsim_page_frame(
				    r->m, ln->v[k]));
			else
				fprintf(fp, " anon %u",
				    ((struct vm_anon *)ln->v[k])->an_id);
		}
		fputc('\n', fp);
	}
}

static void
show_map(struct run *r, int i, FILE *fp)
{
	struct vm_map *map = &r->procs[i].p->p_vmspace->vm_map;
	struct vm_map_entry *e;
	char p[4], mp[4];

	fprintf(fp, "%s (pid %d): %d entries, 0x%" PRIx64 " bytes\n",
	    r->procs[i].name, (int)r->procs[i].p->p_pid, map->nentries,
	    (uint64_t)map->size);
	for (e = map->header.next; e != &map->header; e = e->next) {
		static const char *const inh[] = { "share", "copy", "none",
		    "donate" };
		int f = UVM_ET_ISOBJ(e) ? run_find_file(r, e->object.uvm_obj) :
		    -1;

		run_prot_str(e->protection, p);
		run_prot_str(e->max_protection, mp);
		fprintf(fp, "  0x%" PRIx64 "-0x%" PRIx64 " %s/%s %s inherit %s",
		    (uint64_t)e->start, (uint64_t)e->end, p, mp,
		    UVM_ET_ISCOPYONWRITE(e) ? "private" : "shared",
		    (unsigned)e->inheritance < 4 ? inh[e->inheritance] : "?");
		if (UVM_ET_ISOBJ(e))
			fprintf(fp, " object %u%s%s offset 0x%" PRIx64,
			    e->object.uvm_obj->uo_id, f >= 0 ? " file " : "",
			    f >= 0 ? r->files[f].name : "",
			    (uint64_t)e->offset);
		if (e->aref.ar_amap != NULL)
			fprintf(fp, " amap %u slot %d", e->aref.ar_amap->am_id,
			    e->aref.ar_pageoff);
		if (UVM_ET_ISNEEDSCOPY(e))
			fprintf(fp, " needs-copy");
		if (e->wired_count > 0)
			fprintf(fp, " wired %d", e->wired_count);
		fputc('\n', fp);
	}
}

static void
show_probe(struct run *r, int i, vaddr_t va, FILE *fp)
{
	struct uvmsim_probe pr;
	char p[4], owner[128];

	if (uvmsim_probe(r->m, r->procs[i].p->p_vmspace, va, &pr) != 0) {
		fprintf(fp, "%s 0x%" PRIx64 ": %s\n", r->procs[i].name,
		    (uint64_t)va, uvmsim_last_error());
		return;
	}
	fprintf(fp, "%s 0x%" PRIx64 ":\n", r->procs[i].name, (uint64_t)va);
	if (!pr.entry)
		fprintf(fp, "  entry: none\n");
	else {
		run_prot_str(pr.protection, p);
		fprintf(fp, "  entry: 0x%" PRIx64 "-0x%" PRIx64 " %s %s%s%s\n",
		    (uint64_t)pr.start, (uint64_t)pr.end, p,
		    pr.copy_on_write ? "private" : "shared",
		    pr.needs_copy ? " needs-copy" : "",
		    pr.wired_count ? " wired" : "");
	}
	if (pr.amap != NULL)
		fprintf(fp, "  amap %u slot %d: %s%u\n", pr.amap->am_id,
		    pr.slot, pr.anon ? "anon " : "empty",
		    pr.anon ? pr.anon->an_id : 0);
	if (pr.uobj != NULL)
		fprintf(fp, "  object %u offset 0x%" PRIx64 "\n",
		    pr.uobj->uo_id, (uint64_t)pr.offset);
	run_owner_str(r, pr.page, owner, sizeof(owner));
	if (pr.page != NULL)
		fprintf(fp, "  page: frame %zu, owner %s, loan count %u, "
		    "wire count %u\n", pr.frame, owner, pr.page->loan_count,
		    pr.page->wire_count);
	else
		fprintf(fp, "  page: none\n");
	if (pr.pte & UVMSIM_PTE_VALID) {
		run_prot_str(pr.prot, p);
		fprintf(fp, "  pte: frame %zu %s%s%s%s%s\n", pr.pte_frame, p,
		    (pr.pte & UVMSIM_PTE_ACCESSED) ? " accessed" : "",
		    (pr.pte & UVMSIM_PTE_MODIFIED) ? " modified" : "",
		    (pr.pte & UVMSIM_PTE_WIRED) ? " wired" : "",
		    (pr.pte & UVMSIM_PTE_MANAGED) ? " managed" : "");
	} else
		fprintf(fp, "  pte: not valid\n");
	fprintf(fp, "  tlb:");
	for (unsigned cpu = 0; cpu < r->ncpus && cpu < 64; cpu++)
		if (pr.tlb_cpus & (1ULL << cpu))
			fprintf(fp, " cpu %u%s", cpu, (pr.tlb_writable &
			    (1ULL << cpu)) ? " (writable)" : "");
	fprintf(fp, "%s\n", pr.tlb_cpus == 0 ? " not cached" : "");
}

int
run_owner_of(const struct vm_page *pg)
{
	if (pg == NULL)
		return OWN_NONE;
	if (pg->uanon != NULL && pg->uobject != NULL)
		return OWN_LENT;
	if (pg->uanon != NULL)
		return OWN_ANON;
	if (pg->uobject != NULL)
		return uvmsim_is_aobj(pg->uobject) ? OWN_AOBJ : OWN_FILE;
	return pg->loan_count > 0 ? OWN_ORPHAN : OWN_NONE;
}

/* Describe the owner of pg, by the script's names where it has them. */
void
run_owner_str(struct run *r, const struct vm_page *pg, char *buf, size_t len)
{
	int f;

	if (pg == NULL) {
		snprintf(buf, len, "nothing resident");
		return;
	}
	f = pg->uobject != NULL ? run_find_file(r, pg->uobject) : -1;
	switch (run_owner_of(pg)) {
	case OWN_LENT:
		snprintf(buf, len, "object %u%s%s%s lent to anon %u",
		    pg->uobject->uo_id, f >= 0 ? " (file " : "",
		    f >= 0 ? r->files[f].name : "", f >= 0 ? ")" : "",
		    pg->uanon->an_id);
		break;
	case OWN_ANON:
		snprintf(buf, len, "anon %u", pg->uanon->an_id);
		break;
	case OWN_FILE:
	case OWN_AOBJ:
		snprintf(buf, len, "object %u (%s%s) offset 0x%" PRIx64,
		    pg->uobject->uo_id, f >= 0 ? "file " : "aobj",
		    f >= 0 ? r->files[f].name : "", (uint64_t)pg->offset);
		break;
	case OWN_ORPHAN:
		snprintf(buf, len, "nobody: an orphan kept by its loans");
		break;
	default:
		snprintf(buf, len, "nobody");
		break;
	}
}

/* ---- show -------------------------------------------------------------- */

/*
 * run_show: the show command.
 */
int
run_show(struct run *r, const struct scen_cmd *c)
{
	struct uvmsim_tlb_stats st;
	int i = -1, error;

	if ((c->what == SHOW_PTES || c->what == SHOW_MAP ||
	    c->what == SHOW_PROBE) && (error = run_proc(r, c, 0, &i)) != RES_OK)
		return error;
	switch (c->what) {
	case SHOW_FRAMES:
		uvmsim_print_state_flags(r->m, r->so, UVMSIM_SHOW_NOCLOCK);
		break;
	case SHOW_QUEUES:
		show_queues(r, r->so);
		break;
	case SHOW_ANONS:
		show_anons(r, r->so);
		break;
	case SHOW_AMAPS:
		show_amaps(r, r->so);
		break;
	case SHOW_OBJECTS:
		show_objects(r, r->so);
		break;
	case SHOW_LOANS:
		show_loans(r, r->so);
		break;
	case SHOW_TLB:
		for (unsigned cpu = 0; cpu < r->ncpus; cpu++) {
			if (uvmsim_tlb_stats(r->m, cpu, &st) != 0)
				return run_err(r, 1, EINVAL, "%s",
				    uvmsim_last_error());
			fprintf(r->so, "cpu %u: %" PRIu64 " hits, %" PRIu64
			    " misses, %" PRIu64 " flushes, %" PRIu64
			    " invalidations\n", cpu, st.hits, st.misses,
			    st.flushes, st.invalidations);
		}
		break;
	case SHOW_PTES:
		if ((error = uvmsim_pmap_dump(r->m,
		    r->procs[i].p->p_vmspace, r->so)) != 0)
			return run_err(r, c->col[0], error, "%s",
			    uvmsim_last_error());
		break;
	case SHOW_PROBE:
		show_probe(r, i, c->addr, r->so);
		break;
	case SHOW_MAP:
		show_map(r, i, r->so);
		break;
	case SHOW_COUNTERS: {
		const struct uvmexp *ux = uvmsim_uvmexp(r->m);
		const char *n;
		unsigned k;

		for (k = 0; (n = scen_uvmexp_name(k)) != NULL; k++)
			fprintf(r->so, "%s%-13s %8d%s", k % 4 == 0 ? "" : "  ",
			    n, scen_uvmexp_value(ux, k),
			    k % 4 == 3 ? "\n" : "");
		if (k % 4 != 0)
			fputc('\n', r->so);
		break;
	}
	}
	return RES_OK;
}

const char *
run_owner_name(int owner)
{
	return (unsigned)owner < sizeof(owner_names) / sizeof(owner_names[0]) ?
	    owner_names[owner] : "?";
}
