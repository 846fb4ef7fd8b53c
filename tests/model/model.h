/*
 * model.h: a reference model of what uvmsim's processes read and its
 * files hold, and the driver that runs random operations on both.
 *
 * The model (model.c) knows contents only, page by page, in the terms a
 * user of mmap(2) would use: anonymous memory reads zeros until written;
 * a private file mapping reads the file until written, then a copy of
 * its own; a shared one reads and writes the file; fork shares, copies
 * (copy-on-write) or leaves out each page by its inheritance; a loan is
 * a read-only snapshot its borrower keeps whatever the lender writes
 * later.  To say which operations fail it also keeps, per page, the
 * protection, the inheritance and the wiring, and which page a wiring
 * pins: an anon ("cell": a page of anonymous memory shared by
 * copy-on-write), reached through an amap slot ("slot": shared by
 * processes that inherited the page shared), or a file page.
 *
 * The driver (driver.c) draws operations from a seed, applies each to
 * the model and to a uvmsim machine, and compares after every step
 * (model_step): error codes, the values read, every mapped page's
 * contents (seen through uvmsim_probe, which changes nothing), every
 * file's contents, every loan's snapshot, and uvmsim_check().  A failing
 * run is shrunk (model_shrink) to the shortest list of operations that
 * still fails the same way, replayed each time on a fresh machine, and
 * printed as C statements (model_print_c).  With a failpoint armed from
 * outside (model_opts.fail_point) a run is one of the failpoint
 * campaign's (tests/test_campaign.c).
 *
 * Operations are stored raw (random numbers) and interpreted against
 * the state when they run: the process is the n-th live one modulo
 * their number, an address a page of a slot, and so on.  A subset of a
 * run's operations is therefore still a run, which is what lets the
 * shrinker drop operations freely.
 */
#ifndef UVMSIM_MODEL_H
#define UVMSIM_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <uvmsim/uvmsim.h>

/* ---- the address layout --------------------------------------------- */

#define MODEL_NSLOTS	6	/* slots of address space in each process */
#define MODEL_SLOTPG	8	/* pages in a slot */
#define MODEL_NPG	(MODEL_NSLOTS * MODEL_SLOTPG)
#define MODEL_NFILES	2	/* files, made at the start of a run */
#define MODEL_FILEPG	6	/* pages in each file */
#define MODEL_MAXPROC	4	/* live processes at most */
#define MODEL_MAXLOAN	6	/* outstanding loans at most */
#define MODEL_LOANPG	4	/* pages in one loan at most */

/* ---- the reference model ---------------------------------------------- */

/* Kinds of mapping. */
#define MK_ANON		0	/* private anonymous memory */
#define MK_FPRIV	1	/* a file, mapped private (copy-on-write) */
#define MK_FSHARED	2	/* a file, mapped shared */

/* An anon: one page of anonymous memory, shared by copy-on-write. */
struct mcell {
	int		ref;		/* slots and anon loans holding it */
	int		wired;		/* wirings that pin it */
	int		klent;		/* kernel loans of its page now */
	unsigned	gen;		/* its page's generation: a write or
					   wiring that breaks the kernel
					   loans gives it a new page */
	int		hold;		/* kernel loan records naming it */
	uint8_t		*data;		/* its page_size bytes */
};

/*
 * An amap slot, held by the pages of the processes that inherited it
 * shared, or by copy while their entries still need copy (1.6 shares
 * the amap itself until a write copies it).
 */
struct mslot {
	int		ref;		/* pages of processes holding it */
	bool		shared;		/* held by inheritance share (the
					   amap's AMAP_SHARED), until ref
					   drops to 1 */
	struct mcell	*anon;		/* what was written, or NULL */
};

/* One page of a process's address space. */
struct mpage {
	bool		mapped;
	uint8_t		kind;		/* MK_ */
	uint8_t		prot;		/* VM_PROT_ now */
	uint8_t		maxprot;	/* VM_PROT_ at most */
	uint8_t		inh;		/* MAP_INHERIT_ */
	int		wired;		/* wirings (0: pageable) */
	bool		nc;		/* needs copy: slot may be held by
					   other processes' pages by copy */
	unsigned	ent;		/* its map entry: a run of pages
					   with the same number */
	int		file, fidx;	/* file kinds: file and page */
	struct mslot	*slot;		/* private kinds */
	struct mcell	*pin_cell;	/* wired: the anon it pins, or */
	int		pin_file;	/* the file page: file (-1: none) */
	int		pin_fidx;	/* and its page */
};

struct mproc {
	int		id;		/* p<id> in a printed reproduction */
	struct mpage	pg[MODEL_NPG];
	struct proc	*p;		/* uvmsim's process */
};

struct mfile {
	uint8_t		*logical;	/* what the file holds: its pages,
					   resident or not */
	uint8_t		*store;		/* what its store (the disk) holds */
	int		wired[MODEL_FILEPG]; /* wirings pinning each page */
	struct uvm_object *uobj;	/* uvmsim's file */
};

/* A loan: to the kernel (pages) or to anons; its borrower's snapshot. */
struct mloan {
	int		id;		/* kl<id> or al<id> when printed */
	bool		toanon;
	int		n;		/* pages */
	uint8_t		*snap;		/* n pages of what was lent */
	struct mcell	*cells[MODEL_LOANPG]; /* A->A: the anons lent;
					   A->K: the anon whose page was lent */
	unsigned	gens[MODEL_LOANPG]; /* A->K: that page's generation */
	void		*owner[MODEL_LOANPG]; /* A->K: uvmsim's anon that owned
					   the page lent */
	void		*lent[MODEL_LOANPG]; /* uvmsim's pages or anons */
};

struct model {
	size_t		ps;		/* page size */
	bool		modern;		/* the modern loan behaviour */
	struct mproc	*procs[MODEL_MAXPROC]; /* live, oldest first */
	int		nprocs;
	struct mfile	files[MODEL_NFILES];
	struct mloan	*loans[MODEL_MAXLOAN];
	int		nloans;
	int		next_proc_id, next_loan_id;
	unsigned	next_ent;	/* entry numbers */
	unsigned	inject;		/* MODEL_INJECT_ bits */
	uint8_t		*zero;		/* a page of zeros */
};

/*
 * Deliberate errors of the model, for testing the shrinker only:
 * MODEL_INJECT_COPYOUT makes the model's copyout write its first byte
 * one higher than the library is given, so the first read of that
 * byte disagrees.
 */
#define MODEL_INJECT_COPYOUT	0x1

void	model_init(struct model *md, size_t ps, bool modern);
void	model_free(struct model *md);
uint8_t	model_file_byte(int file, size_t off);

/* Results of an access: 0, or the failing page's error. */
struct maccess {
	int		error;		/* 0, EFAULT */
	int		segv_error;	/* EFAULT (unmapped), EACCES */
	size_t		segv_off;	/* where it stopped: bytes from the
					   layout's first page */
};

struct mproc *model_proc_new(struct model *md);
struct mproc *model_fork(struct model *md, struct mproc *parent);
void	model_exit(struct model *md, struct mproc *mp);
int	model_map(struct model *md, struct mproc *mp, int pg, int n, int kind,
	    int file, int fidx, int prot, int maxprot, int inh);
void	model_unmap(struct model *md, struct mproc *mp, int pg, int n);
int	model_protect(struct model *md, struct mproc *mp, int pg, int n,
	    int prot);
void	model_inherit(struct model *md, struct mproc *mp, int pg, int n,
	    int inh);
int	model_wire(struct model *md, struct mproc *mp, int pg, int n);
int	model_unwire(struct model *md, struct mproc *mp, int pg, int n);
/* Copy len bytes at page pg, offset off out of (in) or into (out) the
 * process; stop at page stop (-1: none) as if it had failed there. */
struct maccess model_access(struct model *md, struct mproc *mp, int pg,
	    size_t off, uint8_t *buf, size_t len, bool write, int stop);
/* The loan's error; on success the loan, recorded. */
int	model_loan(struct model *md, struct mproc *mp, int pg, int n,
	    bool toanon, struct mloan **lp);
void	model_unloan(struct model *md, int i);
void	model_flush(struct model *md, int file, int a, int b, int flags);
/* The pages [*a, *b) of the map entry holding mapped page pg. */
void	model_entry(const struct mproc *mp, int pg, int *a, int *b);
/* What a mapped page reads now. */
const uint8_t *model_page_bytes(struct model *md, const struct mpage *p);
/*
 * A fault that failed part way (a failpoint) may have left work done
 * that the kernel would have kept for its retry: the entry's amap
 * copied (model_sync_amap), an anon added to the amap (model_sync_anon
 * makes one in the model, with what the page reads), or a shared anon
 * copied for this process (model_sync_cow).
 * Contents do not change; the driver calls them where uvmsim_probe
 * shows it happened.
 */
void	model_sync_amap(struct model *md, struct mproc *mp, int pg);
void	model_sync_anon(struct model *md, struct mproc *mp, int pg);
void	model_sync_cow(struct model *md, struct mproc *mp, int pg);

/* ---- the driver ----------------------------------------------------- */

enum model_opkind {
	OP_MAP, OP_UNMAP, OP_PROTECT, OP_INHERIT, OP_WIRE, OP_UNWIRE,
	OP_FORK, OP_EXIT, OP_SPAWN, OP_READ, OP_WRITE, OP_COPYIN, OP_COPYOUT,
	OP_LOAN, OP_UNLOAN, OP_FLUSH, OP_FAIL, OP_PAGEDAEMON, OP_NKINDS
};

/* An operation as drawn: its kind and raw numbers. */
struct model_op {
	uint8_t		kind;
	uint32_t	r[6];
	uint64_t	val;
};

struct model_opts {
	uint64_t	seed;
	size_t		nops;
	const char	*loan;		/* "1.39" or "modern" */
	const char	*arch;		/* an architecture's name */
	unsigned	inject;		/* MODEL_INJECT_ bits (tests only) */
	bool		verbose;	/* print each failure as found */
	/* The failpoint campaign (tests/test_campaign.c): a failpoint armed
	 * from outside for the whole run, at hit fail_nth for fail_count
	 * hits ("host_alloc" from machine creation on).  The run then takes
	 * each call's documented errors where the model expects success,
	 * stops comparing contents, and checks the machine after each step
	 * only; the model's own failpoint operations arm nothing. */
	const char	*fail_point;	/* NULL: none */
	unsigned long	fail_nth, fail_count;
};

/* A failure: where and what. */
struct model_failure {
	size_t		step;		/* index of the operation */
	char		what[48];	/* its class, kept while shrinking */
	char		detail[512];	/* what differed */
	char		assert_c[256];	/* a C assertion that fails, or "" */
	/* with fail_point: what the run left once everything was let go,
	 * before the machine went, and the point's hits and failures */
	int		left_inuse;	/* frames not free */
	int		left_anons;	/* anons not free */
	int		left_swap;	/* swap slots allocated */
	unsigned long	hits, fired;
};

/* Draw opts->nops operations from opts->seed into *opsp (malloc'd). */
void	model_generate(const struct model_opts *o, struct model_op **opsp);
/* Run ops on a fresh machine and the model; 0 if all agreed, 1 with *f
 * filled at the first difference; -1 if no machine could be made.
 * With c not NULL, print the run as C statements to c.  *nexec (if
 * not NULL) gets the operations that ran (not skipped). */
int	model_run(const struct model_opts *o, const struct model_op *ops,
	    size_t nops, struct model_failure *f, FILE *c, size_t *nexec);
/* Shrink a failing list in place to the shortest that fails the same
 * way (delta debugging); returns its length. */
size_t	model_shrink(const struct model_opts *o, struct model_op *ops,
	    size_t nops, const struct model_failure *f, unsigned max_runs);
const char *model_opname(unsigned kind);

#endif /* UVMSIM_MODEL_H */
