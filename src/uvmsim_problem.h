/*
 * uvmsim_problem.h: what the checker's parts share: the reporting of a
 * problem (uvmsim_problem.c), each module's checks, which
 * uvmsim_check() calls in turn, and the questions the checks ask other
 * layers.  Not installed.
 */
#ifndef UVMSIM_PRIV_PROBLEM_H
#define UVMSIM_PRIV_PROBLEM_H

#include <uvmsim/uvmsim.h>

struct uvmsim_machine;


/* Add a problem to r: the invariant's stable name, the object at fault
 * ("page 17", "anon 5"), the field, and a detail line.  When r cannot
 * grow, the problem is counted in r->dropped instead.  Called while
 * uvmsim_check() runs, with its machine current. */
void	uvmsim__problem(struct uvmsim_report *r, const char *invariant,
	    const char *object, const char *field, const char *fmt, ...)
	    __attribute__((__format__(__printf__, 5, 6)));

/* Install the loan-lock watch on m's lock model (cfg.check_loan_locks);
 * false when the host has no memory for it (uvmsim_check.c). */
bool	uvmsim__loanwatch_start(struct uvmsim_machine *m);

/* Per-module checks, called by uvmsim_check(). */
void	uvmsim__check_pages(struct uvmsim_machine *m, struct uvmsim_report *r);
void	uvmsim__check_objects(struct uvmsim_machine *m, struct uvmsim_report *r);
void	uvmsim__check_anons(struct uvmsim_machine *m, struct uvmsim_report *r,
	    const int *amaprefs);
void	uvmsim__check_amaps(struct uvmsim_machine *m, struct uvmsim_report *r);
void	uvmsim__check_locks(struct uvmsim_machine *m, struct uvmsim_report *r);
void	uvmsim__check_pmap(struct uvmsim_machine *m, struct uvmsim_report *r);
void	uvmsim__check_maps(struct uvmsim_machine *m, struct uvmsim_report *r);
void	uvmsim__check_swap(struct uvmsim_machine *m, struct uvmsim_report *r);
/* For the checker: a managed mapping of pg whose leaf PTE allows writing,
 * its pmap's id and address in *pmidp, *vap; false if none (or no MMU).
 * Takes no lock, never panics (src/pmap_sim/pmap.c). */
bool	uvmsim__pmap_page_writable(struct uvmsim_machine *m,
	    const struct vm_page *pg, u_int *pmidp, vaddr_t *vap);
/* Which of the n (<= 32) pages from va pm maps: bit i for page i (the
 * answers of pmap_extract, in one walk; src/pmap_sim/pmap_extract.c). */
uint32_t uvmsim__pmap_mapped(struct uvmsim_machine *m, struct pmap *pm,
	    vaddr_t va, int n);
/* Amap slot references per anon: a calloc'd array indexed by an_id, of
 * m->next_anon_id + 1 entries (the amap module counts them). */
int	*uvmsim__amap_anonrefs(struct uvmsim_machine *m);

/* ---- live sets (uvmsim_live.c): is a pointer one of the machine's live
 * amaps, objects or maps, answered without a walk per question ---- */

/* A set of pointers, only asked, never walked. */
struct uvmsim_ptrset {
	const void	**ps_slot;	/* open addressing; NULL: empty */
	size_t		ps_mask;	/* slots - 1 (a power of two) */
};

/* The live amaps, objects and maps of a machine, as sets: all three, or
 * none (have false) when the host had no memory for them. */
struct uvmsim_live {
	struct uvmsim_ptrset amaps, objects, maps; /* the three sets */
	bool		have;		/* the three sets were built */
};

void	uvmsim__live_build(struct uvmsim_machine *m,
	    struct uvmsim_live *ls);
void	uvmsim__live_free(struct uvmsim_live *ls);
bool	uvmsim__live_amap(const struct uvmsim_machine *m,
	    const struct uvmsim_live *ls, const struct vm_amap *amap);
bool	uvmsim__live_obj(const struct uvmsim_machine *m,
	    const struct uvmsim_live *ls, const struct uvm_object *uobj);
bool	uvmsim__live_map(const struct uvmsim_machine *m,
	    const struct uvmsim_live *ls, const struct vm_map *map);

#endif /* UVMSIM_PRIV_PROBLEM_H */
