/*
 * scenario.h: the scenario language of the uvmsim command.
 *
 * A scenario is plain text, one command a line (uvmsim-scenario(5)).
 * scen_parse() turns the whole text into an array of struct scen_cmd,
 * checking every word, number and count before anything runs; a parse
 * error names file:line:column, the command, and what was expected.
 * scen_run() then drives one simulated machine through the public
 * uvmsim API, step by step, and reports the first error the same way.
 *
 * Everything a script can ask for is bounded (the SCEN_MAX constants),
 * so that no input makes the command crash, hang or exhaust the host.
 *
 * The parse owns its commands; scen_script_free() releases them.  The
 * run owns its machine, processes, files and loans, and frees all of
 * them before scen_run() returns, whatever happened.
 */
#ifndef UVMSIM_CMD_SCENARIO_H
#define UVMSIM_CMD_SCENARIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define SCEN_MAXLINE	4096		/* bytes in one line */
#define SCEN_MAXTOK	40		/* words in one line */
#define SCEN_MAXNAME	31		/* bytes in a name */
#define SCEN_MAXSTR	200		/* bytes in a quoted string */
#define SCEN_MAXSTEPS	100000		/* commands in a script */
#define SCEN_MAXOBJS	256		/* processes, files, loans: each */
#define SCEN_MAXFRAMES	262144		/* machine frames */
#define SCEN_MAXSWAP	262144		/* swap slots */
#define SCEN_MAXFILE	(64UL << 20)	/* bytes in a file */
#define SCEN_MAXRANGE	(1UL << 30)	/* bytes in a mapped range */
#define SCEN_MAXCOPY	(16UL << 20)	/* bytes a fill or compare moves */
#define SCEN_MAXLOAN	(16UL << 20)	/* bytes one loan lends */

/* Exit codes of the command, and results of scen_parse and scen_run. */
#define SCEN_OK		0		/* success */
#define SCEN_FAILED	1		/* an expectation or a step failed */
#define SCEN_USAGE	2		/* a usage or parse error */

enum scen_op {
	OP_MACHINE, OP_FILE, OP_PROC, OP_MAP, OP_UNMAP, OP_PROTECT,
	OP_INHERIT, OP_WIRE, OP_UNWIRE, OP_READ, OP_WRITE, OP_FILL,
	OP_COMPARE, OP_FORK, OP_EXIT, OP_LOAN, OP_UNLOAN, OP_FAILPOINT,
	OP_WHEN, OP_CHECK, OP_SHOW, OP_EXPECT, OP_SAY, OP_PAGEDAEMON,
	OP_ASK, OP_NOPS
};

/* What `show` shows (scen_cmd.what for OP_SHOW). */
enum scen_show {
	SHOW_FRAMES, SHOW_QUEUES, SHOW_ANONS, SHOW_AMAPS, SHOW_OBJECTS,
	SHOW_LOANS, SHOW_TLB, SHOW_PTES, SHOW_PROBE, SHOW_MAP, SHOW_COUNTERS
};

/* What `expect` checks (scen_cmd.what for OP_EXPECT). */
enum scen_expect {
	EXP_VALUE,	/* the value of the last read */
	EXP_UVMEXP,	/* a counter of uvmexp: field index in num[0] */
	EXP_OWNER,	/* the owner of the page behind an address */
	EXP_LOANS,	/* the loan count of that page */
	EXP_WIRED,	/* its wire count */
	EXP_SAME,	/* two addresses reach the same frame */
	EXP_DIFFER,	/* ... different frames */
	EXP_ERROR,	/* the previous command's error */
	EXP_PANIC,	/* the previous command panicked */
	EXP_HOOK,	/* runs of a hook */
	EXP_FIRED,	/* failures a failpoint injected */
	EXP_PROBLEMS,	/* problems uvmsim_check finds */
	EXP_ORPHANS	/* frames owned by nobody, kept by loans */
};

/* What `ask` asks (scen_cmd.what for OP_ASK). */
enum scen_ask {
	ASK_FRAME,	/* the frame behind an address, or none */
	ASK_LOANS,	/* the loan count of that page */
	ASK_WIRED,	/* its wire count */
	ASK_OWNER,	/* its owner, as expect owner names it */
	ASK_SAME,	/* whether two addresses reach the same frame */
	ASK_VALUE	/* the byte a read there gives (a read it makes) */
};

/* Comparisons of expect (scen_cmd.cmp). */
enum scen_cmp { CMP_EQ, CMP_NE, CMP_LT, CMP_LE, CMP_GT, CMP_GE };

/* Owners (scen_cmd.owner for EXP_OWNER). */
enum scen_owner { OWN_NONE, OWN_ANON, OWN_FILE, OWN_AOBJ, OWN_LENT,
	OWN_ORPHAN };

/*
 * One command.  Which fields mean what depends on op; uvmsim-scenario(5)
 * gives each command's words, and scen_parse fills:
 *   name[0..2]	processes, files, loans, failpoint or hook point names
 *   addr, len	an address and a length (bytes)
 *   num[0..3]	values, counts, sizes, offsets as the command says
 *		(machine: frames, cpus, seed, loan behaviour; its swap
 *		slots in len, its uvm_wait policy in what)
 *   col[0..3]	the column of name[i] (col of the address: acol)
 * A size or address may be written in pages ("4p", "2p+0x10"): the
 * parse keeps the pages apart (pg_addr, pg_len, pg_num) and the bytes
 * in addr, len, num; scen_resolve() adds pages times the machine's page
 * size when the command runs.
 */
struct scen_cmd {
	enum scen_op	op;
	int		line;		/* 1-based line in the script */
	int		acol;		/* column of the address word, or 1 */
	int		col[3];		/* columns of name[0..2] */
	char		*text;		/* the command as written (owned) */
	char		name[3][SCEN_MAXNAME + 1];
	uint64_t	addr;
	uint64_t	len;
	uint64_t	num[4];
	uint32_t	pg_addr;	/* pages of addr, */
	uint32_t	pg_len;		/* of len, */
	uint32_t	pg_num[4];	/* of num[i] (0: none) */
	int		what;		/* enum scen_show or scen_expect; map:
					   anon (0) or file (1) */
	int		cmp;		/* enum scen_cmp */
	int		owner;		/* enum scen_owner */
	int		prot;		/* VM_PROT_ bits */
	int		maxprot;	/* VM_PROT_ bits */
	int		inherit;	/* MAP_INHERIT_ value, or -1 */
	bool		shared;		/* map: shared rather than private */
	bool		has_str;	/* str was given */
	unsigned	cpu;		/* CPU of an access */
	unsigned	size;		/* bytes of a read or write: 1 2 4 8 */
	char		str[SCEN_MAXSTR + 1]; /* quoted string */
	struct scen_cmd	*sub;		/* when: the command the hook runs */
};

struct scen_script {
	char		*path;		/* as given ("-": standard input) */
	struct scen_cmd	*cmds;		/* the commands, in order */
	size_t		ncmds;
};

/* Options of a run (uvmsim(1)). */
struct scen_opts {
	bool		trace;		/* print trace events as they happen */
	bool		json;		/* --format json */
	bool		quiet;		/* leave out the echo of each step */
	bool		keep_going;	/* after a failure, report it and go
					   on with the next step */
	bool		has_seed;	/* seed overrides the script's */
	uint64_t	seed;
	const char	*arch;		/* overrides the script's, or NULL */
	size_t		stop_at;	/* run steps 1 .. stop_at (0: all) */
	FILE		*dot;		/* write the ownership graph there
					   when the run stops (dot.c) */
	struct scen_stats *stats;	/* filled at the end of the run, or
					   NULL (uvmsim compare) */
	FILE		*quiz_in;	/* uvmsim quiz: each ask reads its
					   answer there, or NULL */
	FILE		*quiz_out;	/* ... and asks and judges there */
	bool		answers;	/* quiz --answers: print the key */
	bool		exercise;	/* quiz --topic: number the questions,
					   each with its answer only when
					   answers is set */
	FILE		*html;		/* write the run as an HTML page that
					   steps through it, or NULL
					   (html.c) */
};

/* What a run's machine counted, at its end (before teardown): the TLB
 * statistics summed over the CPUs, uvm_fault's calls, the page tables. */
struct scen_stats {
	bool		valid;		/* a machine with an MMU ran */
	size_t		page_size;
	struct uvmsim_tlb_stats tlb;
	struct uvmsim_pmap_stats pt;
	uint64_t	uvm_faults;	/* uvmexp.faults */
};

/* Parse the text of fp, named path in messages.  0 and *sp set, or
 * SCEN_USAGE with the error printed to err. */
int	scen_parse(FILE *fp, const char *path, struct scen_script **sp,
	    FILE *err);
/* Parse one line (for tests): 0, or SCEN_USAGE with the message in
 * msg. */
int	scen_parse_line(const char *line, int lineno, struct scen_cmd *c,
	    char *msg, size_t msglen);
void	scen_cmd_free(struct scen_cmd *c);
/* The command c with its pages made bytes at page size ps, into *out
 * (which shares c's text and sub).  The parse bounded every size in
 * pages as if pages were UVMSIM_MAX_PAGE_SIZE bytes, so nothing
 * overflows or leaves its bounds for a ps up to that. */
void	scen_resolve(const struct scen_cmd *c, size_t ps,
	    struct scen_cmd *out);
/* Whether c gives any size or address in pages. */
bool	scen_has_pages(const struct scen_cmd *c);
void	scen_script_free(struct scen_script *s);
/* Whether the library has the architecture arch; the list of those it
 * has, comma-separated, for messages. */
bool	scen_arch_known(const char *arch);
const char *scen_arch_list(void);

/* Run a script: SCEN_OK, SCEN_FAILED or SCEN_USAGE (a bad --arch, say).
 * Steps' output goes to out, errors to err. */
int	scen_run(const struct scen_script *s, const struct scen_opts *o,
	    FILE *out, FILE *err);

/* The scenario of an exercise of uvmsim quiz --topic (exercise.c), as
 * script text to fp: 0, or SCEN_USAGE for an unknown topic; the topics
 * it knows, for messages. */
int	scen_exercise(const char *topic, uint64_t seed, FILE *fp);
const char *scen_exercise_topics(void);
/* Names of things, for the parser, the interpreter and the pictures. */
const char *scen_op_name(enum scen_op op);
/* The name of an errno value expect error knows ("none" for 0), or
 * NULL. */
const char *scen_errname(int error);
/* The uvmexp counters expect and show know: name i, or NULL past the
 * last; scen_uvmexp_value reads counter i of ux. */
struct uvmexp;
const char *scen_uvmexp_name(unsigned i);
int	scen_uvmexp_value(const struct uvmexp *ux, unsigned i);

#endif /* UVMSIM_CMD_SCENARIO_H */
