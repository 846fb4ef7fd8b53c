/*
 * model.c: the reference model: what each process reads at each page,
 * what each file holds, what each loan's borrower keeps.
 *
 * Byte arrays, page by page, and nothing of UVM's machinery: no frames,
 * queues, pmaps or TLBs.  The states of a page of a process:
 *
 *	unmapped	an access fails (EFAULT), a loan finds a hole
 *	MK_ANON		reads its slot's anon, or zeros when there is none
 *	MK_FPRIV	reads its slot's anon, or the file when there is none
 *	MK_FSHARED	reads and writes the file
 *
 * A write to a private page gives its slot an anon of its own first:
 * a new one (zeros, or a copy of the file page) when there is none, a
 * copy when the anon is shared (copy-on-write, ref > 1).  A read of
 * untouched anonymous memory makes a zero anon too, as the zero-fill
 * fault does; a read of a private file page does not.
 *
 * Fork, by each page's inheritance: none leaves it out; share gives the
 * child the same slot (what either writes, both read); copy gives the
 * child the same slot too, both pages needing copy (nc), as 1.6 shares
 * the amap itself, until a write to the entry, a wiring of it when it
 * is writable or anonymous, or a fault that makes an anon of anonymous
 * memory copies the amap (copy_amap): each page of the entry then
 * takes a slot of its own, holding the same anon, shared copy-on-write.
 * A wired page, or one whose slot is shared by inheritance, gets that
 * slot of its own at the fork, and a wired one a copy of its anon
 * (amap_cow_now) unless the anon's page is lent to the kernel.  A
 * shared file mapping inherited by copy is private in the child (1.6's
 * fork marks the child's entry copy-on-write whatever the parent's
 * was).  Entries are runs of pages with the same number: uvm_map makes
 * one, the calls that clip split them where the range begins and ends.
 *
 * Wiring pins, once per wiring of a page, what the page maps: its anon
 * (made first, and copied first if the page is writable and the anon
 * shared, since the wiring fault asks for every right the entry has),
 * or the file page of a shared mapping or of a read-only private one
 * without an anon.  A pinned anon or file page is not lent (EINVAL), and
 * a flush does not free a pinned file page.  When a slot takes a new
 * anon (a write copies into it), the wirings of the pages of that slot
 * (the writer's, and those of the processes sharing it) that pinned
 * what it held follow it to the new anon (move_pins), as the fault
 * moves them.
 *
 * Files: `logical' is what the file holds (its resident pages, or the
 * store where none is), `store' what the store holds.  A flush with
 * PGO_CLEANIT makes the store what the file holds; PGO_FREE without
 * PGO_CLEANIT forgets what was written since (the file reads its store
 * again), except on pinned pages.
 *
 * Loans: each lent page's bytes are copied when it is lent; the
 * borrower reads that copy until it returns the loan.  An anon lent to
 * an anon (A->A) gains a reference, so the lender's next write copies.
 * An anon whose page is lent to the kernel (A->K) counts the loans
 * (klent): a write or a wiring must not touch that page, so a shared
 * anon is copied and an anon alone gets a new page (its generation
 * moves on, and the loans of the old page no longer count).  In the
 * modern behaviour only a writable wiring does; a read-only one pins
 * the lent page as it is.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "model.h"

static void *
xcalloc(size_t n, size_t sz)
{
	void *p = calloc(n, sz);

	if (p == NULL)
		abort();
	return p;
}

static void	unpin(struct model *, struct mpage *);

/* ---- anons and slots ---------------------------------------------- */

static struct mcell *
cell_new(struct model *md, const uint8_t *from)
{
	struct mcell *c = xcalloc(1, sizeof(*c));

	c->ref = 1;
	c->data = xcalloc(1, md->ps);
	if (from != NULL)
		memcpy(c->data, from, md->ps);
	return c;
}

static void
cell_free_if_unused(struct mcell *c)
{
	if (c->ref == 0 && c->wired == 0 && c->hold == 0) {
		free(c->data);
		free(c);
	}
}

static void
cell_rele(struct mcell *c)
{
	c->ref--;
	cell_free_if_unused(c);
}

static struct mslot *
slot_new(struct mcell *anon)
{
	struct mslot *s = xcalloc(1, sizeof(*s));

	s->ref = 1;
	s->anon = anon;
	if (anon != NULL)
		anon->ref++;
	return s;
}

static void
slot_rele(struct mslot *s)
{
	if (--s->ref > 0) {
		if (s->ref == 1)
			s->shared = false;
		return;
	}
	if (s->anon != NULL)
		cell_rele(s->anon);
	free(s);
}

static uint8_t *
file_page(struct model *md, int file, int fidx)
{
	return md->files[file].logical + (size_t)fidx * md->ps;
}

const uint8_t *
model_page_bytes(struct model *md, const struct mpage *p)
{
	if (p->kind == MK_FSHARED)
		return file_page(md, p->file, p->fidx);
	if (p->slot->anon != NULL)
		return p->slot->anon->data;
	return p->kind == MK_ANON ? md->zero : file_page(md, p->file,
	    p->fidx);
}

/* ---- entries and their amaps --------------------------------------- */

void
model_entry(const struct mproc *mp, int pg, int *a, int *b)
{
	unsigned e = mp->pg[pg].ent;

	*a = pg;
	while (*a > 0 && mp->pg[*a - 1].mapped && mp->pg[*a - 1].ent == e)
		(*a)--;
	*b = pg + 1;
	while (*b < MODEL_NPG && mp->pg[*b].mapped && mp->pg[*b].ent == e)
		(*b)++;
}

/* clip: the entry holding pages pg - 1 and pg, if one does, splits
 * there (uvm_map_clip_start/end): the pages from pg on are a new one. */
static void
clip(struct model *md, struct mproc *mp, int pg)
{
	unsigned e, ne;
	int i;

	if (pg <= 0 || pg >= MODEL_NPG || !mp->pg[pg - 1].mapped ||
	    !mp->pg[pg].mapped || mp->pg[pg - 1].ent != mp->pg[pg].ent)
		return;
	e = mp->pg[pg].ent;
	ne = md->next_ent++;
	for (i = pg; i < MODEL_NPG && mp->pg[i].mapped &&
	    mp->pg[i].ent == e; i++)
		mp->pg[i].ent = ne;
}

/*
 * copy_amap: the entry of mp holding page pg gets an amap of its own
 * (1.6's amap_copy copies the whole entry): each of its pages that
 * needs copy and holds a slot with others takes a slot of its own,
 * holding the same anon.  The others keep theirs.
 */
static void
copy_amap(struct mproc *mp, int pg)
{
	struct mpage *q;
	struct mslot *ns;
	int a, b, i;

	model_entry(mp, pg, &a, &b);
	for (i = a; i < b; i++) {
		q = &mp->pg[i];
		if (!q->nc)
			continue;
		q->nc = false;
		if (q->slot->ref > 1) {
			ns = slot_new(q->slot->anon);
			slot_rele(q->slot);
			q->slot = ns;
		}
	}
}

/*
 * move_pins: slot s took a new anon in place of what its pages read
 * (the anon old, or the file page when old is NULL): the wirings of its
 * pages, the writer's and those of the processes sharing the slot, that
 * pinned it follow the slot.
 */
static void
move_pins(struct model *md, struct mslot *s, struct mcell *old)
{
	struct mpage *q;
	int i, j;

	for (i = 0; i < md->nprocs; i++)
		for (j = 0; j < MODEL_NPG; j++) {
			q = &md->procs[i]->pg[j];
			if (!q->mapped || q->slot != s || q->wired == 0)
				continue;
			if (old != NULL ? q->pin_cell != old :
			    q->pin_file != q->file || q->pin_fidx != q->fidx)
				continue;
			unpin(md, q);
			q->pin_cell = s->anon;
			s->anon->wired++;
		}
}

/* cow: slot s takes a copy of its shared anon. */
static void
cow(struct model *md, struct mslot *s)
{
	struct mcell *old = s->anon;

	s->anon = cell_new(md, old->data);
	move_pins(md, s, old);
	cell_rele(old);
}

/*
 * own_page: p is written or wired, which must not touch a page lent to
 * the kernel: a shared anon is copied, an anon alone breaks its loans
 * (its page changes: uvm_loanbreak_anon).  With write, a shared anon is
 * copied anyway (copy-on-write).
 */
static void
own_page(struct model *md, struct mpage *p, bool write)
{
	struct mslot *s = p->slot;

	if (s->anon->ref > 1 && (write || s->anon->klent > 0))
		cow(md, s);
	else if (s->anon->klent > 0) {
		s->anon->klent = 0;
		s->anon->gen++;
	}
}

/* writable: the bytes a write to page pg of mp goes to, its entry's
 * amap copied if it needs copy, its anon made or copied. */
static uint8_t *
writable(struct model *md, struct mproc *mp, int pg)
{
	struct mpage *p = &mp->pg[pg];
	struct mslot *s;

	if (p->kind == MK_FSHARED)
		return file_page(md, p->file, p->fidx);
	if (p->nc)
		copy_amap(mp, pg);
	s = p->slot;
	if (s->anon == NULL) {
		s->anon = cell_new(md, p->kind == MK_ANON ? NULL :
		    file_page(md, p->file, p->fidx));
		if (s->ref > 1 && p->kind == MK_FPRIV)
			move_pins(md, s, NULL);
	} else
		own_page(md, p, true);
	return s->anon->data;
}

/* touch: a read fault; untouched anonymous memory gets its zero anon,
 * in an amap of its entry's own (a fault on anonymous memory copies a
 * needs-copy amap whatever the access). */
static void
touch(struct model *md, struct mproc *mp, int pg)
{
	struct mpage *p = &mp->pg[pg];

	if (p->kind == MK_ANON && p->slot->anon == NULL) {
		if (p->nc)
			copy_amap(mp, pg);
		p->slot->anon = cell_new(md, NULL);
	}
}

void
model_sync_amap(struct model *md, struct mproc *mp, int pg)
{
	(void)md;
	if (mp->pg[pg].mapped && mp->pg[pg].nc)
		copy_amap(mp, pg);
}

void
model_sync_anon(struct model *md, struct mproc *mp, int pg)
{
	struct mpage *p = &mp->pg[pg];

	if (p->mapped && p->kind != MK_FSHARED && p->slot->anon == NULL) {
		if (p->nc)
			copy_amap(mp, pg);
		p->slot->anon = cell_new(md, model_page_bytes(md, p));
	}
}

void
model_sync_cow(struct model *md, struct mproc *mp, int pg)
{
	struct mpage *p = &mp->pg[pg];

	if (p->mapped && p->kind != MK_FSHARED && p->slot->anon != NULL &&
	    p->slot->anon->ref > 1)
		(void)writable(md, mp, pg);
}

/* ---- wiring --------------------------------------------------------- */

/*
 * pin: the wiring fault of page pg of mp: pin what it maps, with every
 * right the page has (a writable page's anon is its own first).  A
 * read-only private file page whose entry needs copy keeps the amap it
 * shares (1.6 copies it for a wiring only when the entry is writable or
 * anonymous): what the fault does to its anon, the processes sharing
 * the slot see.
 */
static void
pin(struct model *md, struct mproc *mp, int pg)
{
	struct mpage *p = &mp->pg[pg];

	if (p->kind == MK_FSHARED || (p->kind == MK_FPRIV &&
	    p->slot->anon == NULL && (p->prot & VM_PROT_WRITE) == 0)) {
		p->pin_file = p->file;
		p->pin_fidx = p->fidx;
		md->files[p->file].wired[p->fidx]++;
		return;
	}
	if (p->prot & VM_PROT_WRITE)
		(void)writable(md, mp, pg);
	else {
		touch(md, mp, pg);
		if (!md->modern)	/* modern: a lent page wired read-only */
			own_page(md, p, false);
	}
	p->pin_cell = p->slot->anon;
	p->pin_cell->wired++;
}

static void
unpin(struct model *md, struct mpage *p)
{
	if (p->pin_cell != NULL) {
		p->pin_cell->wired--;
		cell_free_if_unused(p->pin_cell);
		p->pin_cell = NULL;
	} else if (p->pin_file >= 0) {
		md->files[p->pin_file].wired[p->pin_fidx]--;
		p->pin_file = -1;
	}
}

/* ---- the model -------------------------------------------------------- */

uint8_t
model_file_byte(int file, size_t off)
{
	return (uint8_t)(off * 131 + (off >> 9) + (unsigned)file * 77 + 1);
}

void
model_init(struct model *md, size_t ps, bool modern)
{
	size_t i, size = MODEL_FILEPG * ps;
	int f;

	memset(md, 0, sizeof(*md));
	md->ps = ps;
	md->modern = modern;
	md->zero = xcalloc(1, ps);
	for (f = 0; f < MODEL_NFILES; f++) {
		md->files[f].logical = xcalloc(1, size);
		md->files[f].store = xcalloc(1, size);
		for (i = 0; i < size; i++)
			md->files[f].logical[i] = model_file_byte(f, i);
		memcpy(md->files[f].store, md->files[f].logical, size);
	}
}

void
model_free(struct model *md)
{
	int f;

	while (md->nloans > 0)
		model_unloan(md, md->nloans - 1);
	while (md->nprocs > 0)
		model_exit(md, md->procs[md->nprocs - 1]);
	for (f = 0; f < MODEL_NFILES; f++) {
		free(md->files[f].logical);
		free(md->files[f].store);
	}
	free(md->zero);
}

struct mproc *
model_proc_new(struct model *md)
{
	struct mproc *mp;
	int i;

	if (md->nprocs == MODEL_MAXPROC)
		return NULL;
	mp = xcalloc(1, sizeof(*mp));
	mp->id = md->next_proc_id++;
	for (i = 0; i < MODEL_NPG; i++)
		mp->pg[i].pin_file = -1;
	md->procs[md->nprocs++] = mp;
	return mp;
}

struct mproc *
model_fork(struct model *md, struct mproc *parent)
{
	struct mproc *c = model_proc_new(md);
	struct mpage *pp, *cp;
	struct mcell *anon;
	int i;

	if (c == NULL)
		return NULL;
	for (i = 0; i < MODEL_NPG; i++) {
		pp = &parent->pg[i];
		cp = &c->pg[i];
		if (!pp->mapped || pp->inh == MAP_INHERIT_NONE)
			continue;
		/* a shared amap must be the parent's own first */
		if (pp->kind != MK_FSHARED && pp->inh == MAP_INHERIT_SHARE &&
		    pp->nc)
			copy_amap(parent, i);
		*cp = *pp;
		cp->wired = 0;
		cp->nc = false;
		cp->pin_cell = NULL;
		cp->pin_file = -1;
		if (pp->kind == MK_FSHARED) {
			/* copy makes the child's mapping private */
			if (pp->inh == MAP_INHERIT_COPY) {
				cp->kind = MK_FPRIV;
				cp->slot = slot_new(NULL);
			}
			continue;
		}
		if (pp->inh == MAP_INHERIT_SHARE) {
			pp->slot->ref++;
			pp->slot->shared = true;
			continue;
		}
		anon = pp->slot->anon;
		if (pp->wired > 0 && anon != NULL && anon->klent == 0) {
			/* amap_cow_now: the child's copy now (not of a page
			 * lent to the kernel: a write copies that anyway) */
			cp->slot = slot_new(NULL);
			cp->slot->anon = cell_new(md, anon->data);
		} else if (pp->wired > 0 || pp->slot->shared)
			/* an amap of the child's own now, sharing the anon */
			cp->slot = slot_new(anon);
		else {
			/* the amap shared until a write copies it */
			cp->slot = pp->slot;
			cp->slot->ref++;
			cp->nc = pp->nc = true;
		}
	}
	return c;
}

void
model_exit(struct model *md, struct mproc *mp)
{
	int i;

	model_unmap(md, mp, 0, MODEL_NPG);
	for (i = 0; i < md->nprocs; i++)
		if (md->procs[i] == mp)
			break;
	memmove(&md->procs[i], &md->procs[i + 1],
	    (size_t)(md->nprocs - i - 1) * sizeof(md->procs[0]));
	md->nprocs--;
	free(mp);
}

int
model_map(struct model *md, struct mproc *mp, int pg, int n, int kind,
    int file, int fidx, int prot, int maxprot, int inh)
{
	struct mpage *p;
	unsigned ent;
	int i;

	for (i = pg; i < pg + n; i++)
		if (mp->pg[i].mapped)
			return ENOMEM;
	ent = md->next_ent++;
	for (i = 0; i < n; i++) {
		p = &mp->pg[pg + i];
		memset(p, 0, sizeof(*p));
		p->mapped = true;
		p->kind = (uint8_t)kind;
		p->prot = (uint8_t)prot;
		p->maxprot = (uint8_t)maxprot;
		p->inh = (uint8_t)inh;
		p->pin_file = -1;
		p->ent = ent;
		p->file = kind == MK_ANON ? -1 : file;
		p->fidx = kind == MK_ANON ? -1 : fidx + i;
		if (kind != MK_FSHARED)
			p->slot = slot_new(NULL);
	}
	return 0;
}

void
model_unmap(struct model *md, struct mproc *mp, int pg, int n)
{
	struct mpage *p;
	int i;

	clip(md, mp, pg);
	clip(md, mp, pg + n);
	for (i = pg; i < pg + n; i++) {
		p = &mp->pg[i];
		if (!p->mapped)
			continue;
		if (p->wired > 0)
			unpin(md, p);
		if (p->slot != NULL)
			slot_rele(p->slot);
		memset(p, 0, sizeof(*p));
		p->pin_file = -1;
	}
}

static bool
all_mapped(struct mproc *mp, int pg, int n)
{
	int i;

	for (i = pg; i < pg + n; i++)
		if (!mp->pg[i].mapped)
			return false;
	return true;
}

int
model_protect(struct model *md, struct mproc *mp, int pg, int n, int prot)
{
	struct mpage *p;
	int i, old;

	if (!all_mapped(mp, pg, n))
		return EINVAL;
	for (i = pg; i < pg + n; i++) {
		p = &mp->pg[i];
		if ((prot & p->maxprot) != prot)
			return EACCES;
		if (p->wired > 0 && prot == VM_PROT_NONE)
			return EINVAL;
	}
	clip(md, mp, pg);
	clip(md, mp, pg + n);
	for (i = pg; i < pg + n; i++) {
		p = &mp->pg[i];
		old = p->prot;
		p->prot = (uint8_t)prot;
		if (p->wired > 0 && (prot & VM_PROT_WRITE) &&
		    (old & VM_PROT_WRITE) == 0) {
			/* refaulted wired, with write: copy-on-write now */
			unpin(md, p);
			pin(md, mp, i);
		}
	}
	return 0;
}

void
model_inherit(struct model *md, struct mproc *mp, int pg, int n, int inh)
{
	int i;

	clip(md, mp, pg);
	clip(md, mp, pg + n);
	for (i = pg; i < pg + n; i++)
		if (mp->pg[i].mapped)
			mp->pg[i].inh = (uint8_t)inh;
}

int
model_wire(struct model *md, struct mproc *mp, int pg, int n)
{
	struct mpage *p;
	int i;

	if (!all_mapped(mp, pg, n))
		return EINVAL;
	for (i = pg; i < pg + n; i++)
		if (mp->pg[i].prot == VM_PROT_NONE)
			return EINVAL;
	/* an entry not wired yet that needs copy gets its own amap, whole,
	 * if it is writable or anonymous; then the range is clipped */
	for (i = pg; i < pg + n; i++) {
		p = &mp->pg[i];
		if (p->wired == 0 && p->nc && ((p->prot & VM_PROT_WRITE) ||
		    p->kind == MK_ANON))
			copy_amap(mp, i);
	}
	clip(md, mp, pg);
	clip(md, mp, pg + n);
	for (i = pg; i < pg + n; i++)
		if (mp->pg[i].wired++ == 0)
			pin(md, mp, i);
	return 0;
}

int
model_unwire(struct model *md, struct mproc *mp, int pg, int n)
{
	int i;

	if (!all_mapped(mp, pg, n))
		return EINVAL;
	for (i = pg; i < pg + n; i++)
		if (mp->pg[i].wired == 0)
			return EINVAL;
	clip(md, mp, pg);
	clip(md, mp, pg + n);
	for (i = pg; i < pg + n; i++) {
		unpin(md, &mp->pg[i]);
		mp->pg[i].wired = 0;
	}
	return 0;
}

struct maccess
model_access(struct model *md, struct mproc *mp, int pg, size_t off,
    uint8_t *buf, size_t len, bool write, int stop)
{
	struct maccess a = { 0, 0, 0 };
	struct mpage *p;
	size_t pos = (size_t)pg * md->ps + off, chunk, po;
	vm_prot_t need = write ? VM_PROT_WRITE : VM_PROT_READ;
	uint8_t *dst;
	bool first = true;

	while (len > 0) {
		pg = (int)(pos / md->ps);
		po = pos % md->ps;
		chunk = md->ps - po;
		if (chunk > len)
			chunk = len;
		p = &mp->pg[pg];
		a.segv_off = pos;
		if (pg == stop)
			return a;	/* the caller fills in the error */
		if (!p->mapped) {
			a.error = EFAULT;
			a.segv_error = EFAULT;
			return a;
		}
		if ((p->prot & need) != need) {
			a.error = EFAULT;
			a.segv_error = EACCES;
			return a;
		}
		if (write) {
			dst = writable(md, mp, pg) + po;
			memcpy(dst, buf, chunk);
			if (first && (md->inject & MODEL_INJECT_COPYOUT) &&
			    len > 8)
				dst[0]++;
		} else {
			touch(md, mp, pg);
			memcpy(buf, model_page_bytes(md, p) + po, chunk);
		}
		first = false;
		buf += chunk;
		pos += chunk;
		len -= chunk;
	}
	return a;
}

int
model_loan(struct model *md, struct mproc *mp, int pg, int n, bool toanon,
    struct mloan **lp)
{
	struct mloan *l;
	struct mpage *p;
	int i;

	*lp = NULL;
	for (i = pg; i < pg + n; i++) {
		p = &mp->pg[i];
		if (!p->mapped)
			return ENOENT;
		if (p->kind != MK_FSHARED && p->slot->anon != NULL) {
			if (p->slot->anon->wired > 0)
				return EINVAL;	/* a wired anon page */
		} else if (p->kind != MK_ANON) {
			if (md->modern && toanon)
				return EINVAL;	/* no O->A */
			if (md->files[p->file].wired[p->fidx] > 0)
				return EINVAL;	/* a wired file page */
		} else if (md->modern && toanon)
			return EINVAL;		/* no 0->A */
	}
	if (md->nloans == MODEL_MAXLOAN)
		abort();
	l = xcalloc(1, sizeof(*l));
	l->id = md->next_loan_id++;
	l->toanon = toanon;
	l->n = n;
	l->snap = xcalloc((size_t)n, md->ps);
	for (i = 0; i < n; i++) {
		p = &mp->pg[pg + i];
		memcpy(l->snap + (size_t)i * md->ps, model_page_bytes(md, p),
		    md->ps);
		if (p->kind == MK_FSHARED || p->slot->anon == NULL)
			continue;
		l->cells[i] = p->slot->anon;
		if (toanon)
			l->cells[i]->ref++;		/* A->A */
		else {
			l->cells[i]->klent++;		/* A->K */
			l->cells[i]->hold++;
			l->gens[i] = l->cells[i]->gen;
		}
	}
	md->loans[md->nloans++] = l;
	*lp = l;
	return 0;
}

void
model_unloan(struct model *md, int i)
{
	struct mloan *l = md->loans[i];
	int j;

	for (j = 0; j < l->n; j++) {
		if (l->cells[j] == NULL)
			continue;
		if (l->toanon) {
			cell_rele(l->cells[j]);
			continue;
		}
		if (l->cells[j]->gen == l->gens[j])
			l->cells[j]->klent--;
		l->cells[j]->hold--;
		cell_free_if_unused(l->cells[j]);
	}
	free(l->snap);
	free(l);
	memmove(&md->loans[i], &md->loans[i + 1],
	    (size_t)(md->nloans - i - 1) * sizeof(md->loans[0]));
	md->nloans--;
}

void
model_flush(struct model *md, int file, int a, int b, int flags)
{
	struct mfile *f = &md->files[file];
	size_t off;
	int i;

	for (i = a; i < b; i++) {
		off = (size_t)i * md->ps;
		if (flags & PGO_CLEANIT)
			memcpy(f->store + off, f->logical + off, md->ps);
		else if ((flags & PGO_FREE) && f->wired[i] == 0)
			memcpy(f->logical + off, f->store + off, md->ps);
	}
}
