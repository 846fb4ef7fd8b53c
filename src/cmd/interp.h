/*
 * interp.h: the state of a scenario run, shared by the interpreter
 * (interp.c: the run, its steps and commands), the expectations
 * (expect.c), the tables (show.c) and the picture of ownership (dot.c).
 *
 * A run holds one machine and the things the script named: processes,
 * files (the run keeps one reference to each, so that a file outlives
 * its mappings until the run ends) and loans (the pages or anons lent,
 * until unloan gives them back).  A slot whose thing is gone (a process
 * that exited, a loan given back) is empty and its name free again.
 */
#ifndef UVMSIM_CMD_INTERP_H
#define UVMSIM_CMD_INTERP_H

#include <uvmsim/uvmsim.h>

#include "scenario.h"

struct run_proc {
	char		name[SCEN_MAXNAME + 1];
	struct proc	*p;		/* NULL: the slot is empty */
};

struct run_file {
	char		name[SCEN_MAXNAME + 1];
	struct uvm_object *uobj;	/* the run's reference */
	size_t		size;		/* bytes */
};

struct run_loan {
	char		name[SCEN_MAXNAME + 1];
	int		flags;		/* UVM_LOAN_TOPAGE or _TOANON;
					   0: the slot is empty */
	void		**v;		/* the pages or anons lent */
	int		n;		/* entries of v */
	char		lender[SCEN_MAXNAME + 1]; /* the process it lent from */
	vaddr_t		va;		/* where it lent from */
};

struct run_hook {
	struct run	*r;
	const struct scen_cmd *c;	/* the command the hook runs */
	int		line;		/* the line of its when */
};

struct run {
	const struct scen_script *s;
	const struct scen_opts *o;
	FILE		*err;		/* where errors go */
	FILE		*so;		/* the current step's output */
	struct uvmsim_machine *m;	/* NULL until the first command */
	size_t		ps;		/* page size */
	unsigned	ncpus;
	struct run_proc	procs[SCEN_MAXOBJS];
	int		nprocs;		/* slots used, empty ones included */
	struct run_file	files[SCEN_MAXOBJS];
	int		nfiles;
	struct run_loan	loans[SCEN_MAXOBJS];
	int		nloans;
	struct run_hook	hooks[5];	/* one per hook point */
	/* the current command's failure (RES_ERR): its errno, or a panic */
	int		err_no;
	bool		panicked;
	bool		saw_panic;	/* a step panicked during the run */
	char		errmsg[512];
	int		errcol;
	/* a failure still to be expected by the next command */
	bool		pending;
	bool		pend_panic;
	int		pend_errno;
	char		pend_msg[512];
	const struct scen_cmd *pend_cmd;
	int		pend_col;
	/* a failure that ends the run (RES_FAIL) */
	char		failmsg[1024];
	int		failcol;
	const struct scen_cmd *failcmd;
	/* a hook's command that failed, ending the run after its step */
	bool		hook_failed;
	char		first_error[1024]; /* the first failure reported */
	uint64_t	value;		/* the last value read */
	bool		have_value;
	size_t		step;		/* steps run */
	int		asked;		/* questions asked (quiz.c) */
	int		right;		/* answered right */
	int		res;		/* the running command's result */
};

/* dot.c: the ownership graph of the run's machine, as Graphviz text. */
void	run_dot(struct run *r, FILE *fp);

/* html.c: the page of a run (uvmsim html): its head, a section per
 * step (what it printed, the tables and the graph after it), its end
 * with the run's status. */
void	run_html_begin(FILE *fp, const char *path);
void	run_html_step(struct run *r, const struct scen_cmd *c,
	    const char *out, size_t len, int res);
void	run_html_end(FILE *fp, int status, const char *first_error);

/* The results of a command (interp.c). */
#define RES_OK		0	/* done */
#define RES_ERR		1	/* refused or panicked: waits for an expect */
#define RES_FAIL	2	/* the run ends */

/* Shared helpers (interp.c): a failure that ends the run, at column col
 * of c; a refusal with an errno value; the name of an errno value; the
 * process or file named name[slot] of c (its index in *ip), or a
 * failure; the page the layers hold behind va of process i. */
int	run_fail(struct run *r, const struct scen_cmd *c, int col,
	    const char *fmt, ...) __attribute__((__format__(__printf__, 4, 5)));
int	run_err(struct run *r, int col, int error, const char *fmt, ...)
	    __attribute__((__format__(__printf__, 4, 5)));
const char *run_errname(int error);
int	run_proc(struct run *r, const struct scen_cmd *c, int slot, int *ip);
int	run_file(struct run *r, const struct scen_cmd *c, int slot, int *ip);
struct vm_page *run_page_at(struct run *r, int i, vaddr_t va,
	    struct uvmsim_probe *pr);
int	run_find_file(const struct run *r, const struct uvm_object *uobj);
void	run_prot_str(int prot, char *buf);

/* quiz.c: the ask command. */
int	run_ask(struct run *r, const struct scen_cmd *c);

/* expect.c: the expect command. */
int	run_expect(struct run *r, const struct scen_cmd *c);

/* show.c: who owns a page (enum scen_owner), its name and description
 * by the script's names; the show command. */
int	run_owner_of(const struct vm_page *pg);
const char *run_owner_name(int owner);
void	run_owner_str(struct run *r, const struct vm_page *pg, char *buf,
	    size_t len);
int	run_show(struct run *r, const struct scen_cmd *c);

#endif /* UVMSIM_CMD_INTERP_H */
