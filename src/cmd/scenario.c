/*
 * scenario.c: the parser of the scenario language (uvmsim-scenario(5)).
 *
 * A line is cut into words: blanks separate them, a double-quoted string
 * is one word (with \" and \\ inside), and # outside a string starts a
 * comment.  The first word names the command; each command has its own
 * small parse function that takes its positional words, then its
 * optional "keyword value" pairs in any order.  Every word is checked
 * here, before anything runs:
 *
 *   1. numbers are decimal or 0x hex, with an optional K, M or G suffix
 *      (times 1024, 1024^2, 1024^3); one that does not fit in 64 bits
 *      is refused.  A size or address may count pages and add or
 *      take away bytes ("4p", "2p+0x10", "1p-1"), made bytes by the machine's page size when the
 *      command runs (scen_resolve), so that one script runs on every
 *      page size;
 *   2. names are a letter or _ followed by letters, digits, _, . or -,
 *      at most SCEN_MAXNAME bytes;
 *   3. counts and sizes are bounded (SCEN_MAX in scenario.h), so that
 *      a run cannot be asked to allocate or copy without limit;
 *   4. a missing, extra or unknown word is an error naming its column.
 *
 * Names of processes, files and loans are resolved when the script runs
 * (a hook may run a command out of line), so "unknown process" is a run
 * error, not a parse error.
 */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <uvmsim/uvmsim.h>

#include "scenario.h"

/* The parse of one line: its words and where each begins. */
struct pstate {
	const char	*tok[SCEN_MAXTOK];	/* the words */
	int		tcol[SCEN_MAXTOK];	/* their 1-based columns */
	int		ntok;			/* words in the line */
	int		i;			/* next word to take */
	int		endcol;			/* column past the last word */
	char		buf[2 * SCEN_MAXLINE];	/* the words' bytes */
	const char	*cmd;			/* the command, for messages */
	int		errcol;			/* column of the error */
	char		*msg;			/* "command: what went wrong" */
	size_t		msglen;
};

static const char *const op_names[OP_NOPS] = {
	[OP_MACHINE] = "machine", [OP_FILE] = "file", [OP_PROC] = "proc",
	[OP_MAP] = "map", [OP_UNMAP] = "unmap", [OP_PROTECT] = "protect",
	[OP_INHERIT] = "inherit", [OP_WIRE] = "wire", [OP_UNWIRE] = "unwire",
	[OP_READ] = "read", [OP_WRITE] = "write", [OP_FILL] = "fill",
	[OP_COMPARE] = "compare", [OP_FORK] = "fork", [OP_EXIT] = "exit",
	[OP_LOAN] = "loan", [OP_UNLOAN] = "unloan",
	[OP_FAILPOINT] = "failpoint", [OP_WHEN] = "when", [OP_CHECK] = "check",
	[OP_SHOW] = "show", [OP_EXPECT] = "expect", [OP_SAY] = "say",
	[OP_PAGEDAEMON] = "pagedaemon", [OP_ASK] = "ask",
};

static const char *const show_names[] = {
	[SHOW_FRAMES] = "frames", [SHOW_QUEUES] = "queues",
	[SHOW_ANONS] = "anons", [SHOW_AMAPS] = "amaps",
	[SHOW_OBJECTS] = "objects", [SHOW_LOANS] = "loans",
	[SHOW_TLB] = "tlb", [SHOW_PTES] = "ptes", [SHOW_PROBE] = "probe",
	[SHOW_MAP] = "map", [SHOW_COUNTERS] = "counters",
};

/* The counters of struct uvmexp a script may name. */
static const struct {
	const char	*name;
	size_t		off;
} uvmexp_fields[] = {
#define F(f)	{ #f, offsetof(struct uvmexp, f) }
	F(npages), F(free), F(active), F(inactive), F(paging), F(wired),
	F(zeropages), F(anonpages), F(nanon), F(nfreeanon), F(pga_zerohit),
	F(pga_zeromiss), F(faults), F(fltnoram), F(fltnoanon), F(fltnoamap),
	F(fltpgwait), F(fltrelck), F(fltrelckok), F(fltanget), F(fltanretry),
	F(fltamcopy), F(fltnamap), F(fltnomap), F(fltlget), F(fltget),
	F(flt_anon), F(flt_acow), F(flt_obj), F(flt_prcopy), F(flt_przero),
	F(swpages), F(swpginuse), F(pgswapin), F(pgswapout), F(pdwoke),
	F(pdscans), F(pdfreed), F(pdreact), F(pdpageouts), F(pddeact),
#undef F
};
#define NUVMEXP	(sizeof(uvmexp_fields) / sizeof(uvmexp_fields[0]))

static const char *const hook_points[] = {
	"pgo_get", "page_wait", "lock_retry", "tsleep", "uvm_wait", NULL
};

static const char *const failpoints[] = {
	"uvm_pagealloc", "uvm_analloc", "amap_alloc", "pgo_get.eio",
	"pgo_get.eagain", "pgo_get.io", "simple_lock_try",
	"uvmsim_check.report", NULL
};

/* Errno values expect error may name. */
static const struct {
	const char	*name;
	int		value;
} errnames[] = {
	{ "none", 0 }, { "EPERM", EPERM }, { "ENOENT", ENOENT },
	{ "EIO", EIO }, { "ENOMEM", ENOMEM }, { "EACCES", EACCES },
	{ "EFAULT", EFAULT }, { "EBUSY", EBUSY }, { "EINVAL", EINVAL },
	{ "ENOSPC", ENOSPC }, { "EAGAIN", EAGAIN }, { "ERANGE", ERANGE },
};
#define NERRNAMES	(sizeof(errnames) / sizeof(errnames[0]))

/* ---- messages and words ----------------------------------------------- */

bool
scen_arch_known(const char *arch)
{
	const char *a;

	for (unsigned i = 0; (a = uvmsim_arch_name(i)) != NULL; i++)
		if (strcmp(a, arch) == 0)
			return true;
	return false;
}

const char *
scen_arch_list(void)
{
	static char list[256];
	const char *a;
	size_t n = 0;

	list[0] = '\0';
	for (unsigned i = 0; (a = uvmsim_arch_name(i)) != NULL &&
	    n < sizeof(list); i++)
		n += (size_t)snprintf(list + n, sizeof(list) - n, "%s%s",
		    i ? ", " : "", a);
	return list;
}

static int
perr(struct pstate *ps, int col, const char *fmt, ...)
{
	va_list ap;
	int n;

	ps->errcol = col;
	n = snprintf(ps->msg, ps->msglen, "%s: ", ps->cmd);
	if (n < 0 || (size_t)n >= ps->msglen)
		return SCEN_USAGE;
	va_start(ap, fmt);
	vsnprintf(ps->msg + n, ps->msglen - (size_t)n, fmt, ap);
	va_end(ap);
	return SCEN_USAGE;
}

/* Column of the next word, or of the end of the line. */
static int
nextcol(const struct pstate *ps)
{
	return ps->i < ps->ntok ? ps->tcol[ps->i] : ps->endcol;
}

static bool
more(const struct pstate *ps)
{
	return ps->i < ps->ntok;
}

static const char *
peek(const struct pstate *ps)
{
	return ps->i < ps->ntok ? ps->tok[ps->i] : NULL;
}

/*
 * need: take the next word, or fail saying what was expected there.
 */
static int
need(struct pstate *ps, const char *what, const char **wp, int *colp)
{
	*wp = "";
	if (colp != NULL)
		*colp = ps->endcol;
	if (!more(ps))
		return perr(ps, ps->endcol, "expected %s at the end of the "
		    "line", what);
	if (colp != NULL)
		*colp = ps->tcol[ps->i];
	*wp = ps->tok[ps->i++];
	return 0;
}

/*
 * tokenize: cut a line into words.
 *
 * => 0, or SCEN_USAGE for a line too long, too many words, or a string
 *    left open.
 */
static int
tokenize(struct pstate *ps, const char *line)
{
	const char *p = line;
	char *o = ps->buf;
	size_t len = strlen(line);
	int i;

	ps->ntok = 0;
	ps->i = 0;
	ps->cmd = "scenario";
	if (len > SCEN_MAXLINE)
		return perr(ps, SCEN_MAXLINE + 1, "line longer than %d bytes",
		    SCEN_MAXLINE);
	for (;;) {
		while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')
			p++;
		if (*p == '\0' || *p == '#')
			break;
		if (ps->ntok == SCEN_MAXTOK)
			return perr(ps, (int)(p - line) + 1, "more than %d "
			    "words in a line", SCEN_MAXTOK);
		ps->tcol[ps->ntok] = (int)(p - line) + 1;
		ps->tok[ps->ntok++] = o;
		if (*p == '"') {
			int start = (int)(p - line) + 1;

			*o++ = '"';	/* a string keeps its opening quote */
			p++;
			while (*p != '"') {
				if (*p == '\0' || *p == '\n')
					return perr(ps, start, "a string "
					    "opened here is not closed");
				if (*p == '\\' && (p[1] == '"' || p[1] == '\\'))
					p++;
				*o++ = *p++;
			}
			p++;
		} else {
			while (*p != '\0' && *p != ' ' && *p != '\t' &&
			    *p != '\r' && *p != '\n' && *p != '#')
				*o++ = *p++;
		}
		*o++ = '\0';
		ps->endcol = (int)(p - line) + 1;
		/* A message about a later word names the command. */
		if (ps->ntok == 1)
			for (i = 0; i < OP_NOPS; i++)
				if (strcmp(ps->tok[0], op_names[i]) == 0)
					ps->cmd = op_names[i];
	}
	if (ps->ntok == 0)
		ps->endcol = 1;
	return 0;
}

/*
 * parse_number: a number word: decimal or 0x hex, then K, M or G.
 *
 * => 0 and *vp, or -1 when the word is no number or does not fit.
 */
static int
parse_number(const char *w, uint64_t *vp)
{
	uint64_t v = 0, mul = 1, d;
	unsigned base = 10;
	const char *p = w;
	size_t n;

	if (w[0] == '0' && (w[1] == 'x' || w[1] == 'X')) {
		base = 16;
		p += 2;
	}
	n = strlen(p);
	if (n > 0 && base == 10 && strchr("KMG", p[n - 1]) != NULL) {
		mul = p[n - 1] == 'K' ? 1ULL << 10 : p[n - 1] == 'M' ?
		    1ULL << 20 : 1ULL << 30;
		n--;
	} else if (n > 0 && base == 16 && strchr("KMG", p[n - 1]) != NULL) {
		mul = p[n - 1] == 'K' ? 1ULL << 10 : p[n - 1] == 'M' ?
		    1ULL << 20 : 1ULL << 30;
		n--;
	}
	if (n == 0)
		return -1;
	for (size_t i = 0; i < n; i++) {
		int ch = (unsigned char)p[i];

		if (base == 10 && isdigit(ch))
			d = (uint64_t)(ch - '0');
		else if (base == 16 && isxdigit(ch))
			d = (uint64_t)(isdigit(ch) ? ch - '0' :
			    tolower(ch) - 'a' + 10);
		else
			return -1;
		if (v > (UINT64_MAX - d) / base)
			return -1;
		v = v * base + d;
	}
	if (v > UINT64_MAX / mul)
		return -1;
	*vp = v * mul;
	return 0;
}

/*
 * parse_sum: a size or address word: terms joined by + or -, each a
 * number (parse_number) or a count of pages, a decimal or 0x hex number
 * and p ("4p", "0x10p", "2p+0x10", "3p-1").  Pages are only added.
 *
 * => 0 with the bytes added in *posp, those taken away in *negp and the
 *    pages in *pagesp, or -1 when a term is no number or a sum does not
 *    fit (pages: in 32 bits).
 */
static int
parse_sum(const char *w, uint64_t *posp, uint64_t *negp, uint64_t *pagesp)
{
	char term[SCEN_MAXLINE + 1];
	uint64_t v, pos = 0, neg = 0, pages = 0;
	const char *p = w, *e;
	bool minus = false;
	size_t n;

	for (;;) {
		e = strpbrk(p, "+-");
		n = e != NULL ? (size_t)(e - p) : strlen(p);
		if (n == 0 || n >= sizeof(term))
			return -1;
		memcpy(term, p, n);
		term[n] = '\0';
		if (term[n - 1] == 'p') {
			term[n - 1] = '\0';
			if (minus || strpbrk(term, "KMG") != NULL ||
			    parse_number(term, &v) != 0 ||
			    v > UINT32_MAX - pages)
				return -1;
			pages += v;
		} else if (parse_number(term, &v) != 0)
			return -1;
		else if (minus ? v > UINT64_MAX - neg : v > UINT64_MAX - pos)
			return -1;
		else if (minus)
			neg += v;
		else
			pos += v;
		if (e == NULL)
			break;
		minus = *e == '-';
		p = e + 1;
	}
	*posp = pos;
	*negp = neg;
	*pagesp = pages;
	return 0;
}

/*
 * numpg: take a number word bounded by [lo, hi]; what names it in the
 * message.  With pagesp, the word may be a sum and count pages
 * (parse_sum), which go to *pagesp, the bytes to *vp (modulo 2^64, so
 * that scen_resolve's sum is right): the value must lie within the
 * bounds at every page size the library allows (UVMSIM_MIN_PAGE_SIZE ..
 * UVMSIM_MAX_PAGE_SIZE), so that scen_resolve never leaves them.
 */
static int
numpg(struct pstate *ps, const char *what, uint64_t lo, uint64_t hi,
    uint64_t *vp, uint32_t *pagesp)
{
	uint64_t pos, neg = 0, pages = 0, least, most;
	const char *w;
	int col, error;

	if ((error = need(ps, what, &w, &col)) != 0)
		return error;
	if (w[0] == '"' || (pagesp == NULL ? parse_number(w, &pos) :
	    parse_sum(w, &pos, &neg, &pages)) != 0)
		return perr(ps, col, "bad number '%s' for %s: expected "
		    "decimal or 0x hex, with K, M or G for sizes%s", w, what,
		    pagesp != NULL ? ", p for pages (4p, 2p+0x10)" : "");
	/* At the smallest and the largest page size, without overflow. */
	least = pages * UVMSIM_MIN_PAGE_SIZE;
	most = pages * UVMSIM_MAX_PAGE_SIZE;
	if (pos > UINT64_MAX - most || least + pos < neg ||
	    least + pos - neg < lo || most + pos - neg > hi) {
		if (pages == 0)
			return perr(ps, col, "%s %s out of range %" PRIu64
			    " .. %" PRIu64, what, w, lo, hi);
		return perr(ps, col, "%s %s out of range %" PRIu64 " .. %"
		    PRIu64 " at pages of %d to %d bytes", what, w, lo, hi,
		    UVMSIM_MIN_PAGE_SIZE, UVMSIM_MAX_PAGE_SIZE);
	}
	*vp = pos - neg;
	if (pagesp != NULL)
		*pagesp = (uint32_t)pages;
	return 0;
}

static int
num(struct pstate *ps, const char *what, uint64_t lo, uint64_t hi,
    uint64_t *vp)
{
	return numpg(ps, what, lo, hi, vp, NULL);
}

static bool
valid_name(const char *w)
{
	if (!isalpha((unsigned char)w[0]) && w[0] != '_')
		return false;
	for (const char *p = w; *p != '\0'; p++)
		if (!isalnum((unsigned char)*p) && strchr("_.-", *p) == NULL)
			return false;
	return strlen(w) <= SCEN_MAXNAME;
}

/*
 * name: take a name word into c->name[slot] (and its column).
 */
static int
name(struct pstate *ps, const char *what, struct scen_cmd *c, int slot)
{
	const char *w;
	int col, error;

	if ((error = need(ps, what, &w, &col)) != 0)
		return error;
	if (!valid_name(w))
		return perr(ps, col, "bad %s name '%s': expected a letter or "
		    "_, then letters, digits, _ . -, at most %d bytes", what,
		    w, SCEN_MAXNAME);
	strcpy(c->name[slot], w);
	c->col[slot] = col;
	return 0;
}

/* oneof: take a word that must be one of words[]; its index in *ip. */
static int
oneof(struct pstate *ps, const char *what, const char *const *words,
    size_t nwords, int *ip)
{
	char list[256];
	const char *w;
	size_t i, n = 0;
	int col, error;

	if ((error = need(ps, what, &w, &col)) != 0)
		return error;
	for (i = 0; i < nwords; i++)
		if (words[i] != NULL && strcmp(w, words[i]) == 0) {
			*ip = (int)i;
			return 0;
		}
	list[0] = '\0';
	for (i = 0; i < nwords; i++) {
		if (words[i] == NULL)
			continue;
		n += (size_t)snprintf(list + n, sizeof(list) - n, "%s%s",
		    n ? "|" : "", words[i]);
		if (n >= sizeof(list))
			break;
	}
	return perr(ps, col, "unknown %s '%s': expected %s", what, w, list);
}

static int
string(struct pstate *ps, const char *what, struct scen_cmd *c)
{
	const char *w;
	int col, error;

	if ((error = need(ps, what, &w, &col)) != 0)
		return error;
	if (w[0] != '"')
		return perr(ps, col, "expected %s as a \"quoted string\", not "
		    "'%s'", what, w);
	if (strlen(w + 1) > SCEN_MAXSTR)
		return perr(ps, col, "%s longer than %d bytes", what,
		    SCEN_MAXSTR);
	strcpy(c->str, w + 1);
	c->has_str = true;
	return 0;
}

/* prot: r, w, x and - letters, or "none". */
static int
prot(struct pstate *ps, const char *what, int *protp)
{
	const char *w;
	int col, error, p = 0;

	if ((error = need(ps, what, &w, &col)) != 0)
		return error;
	if (strcmp(w, "none") == 0) {
		*protp = VM_PROT_NONE;
		return 0;
	}
	for (const char *q = w; *q != '\0'; q++) {
		if (*q == 'r')
			p |= VM_PROT_READ;
		else if (*q == 'w')
			p |= VM_PROT_WRITE;
		else if (*q == 'x')
			p |= VM_PROT_EXECUTE;
		else if (*q != '-')
			return perr(ps, col, "bad protection '%s' for %s: "
			    "expected letters r w x - (rw-, r--) or none", w,
			    what);
	}
	if (w[0] == '\0' || strlen(w) > 3)
		return perr(ps, col, "bad protection '%s' for %s: expected "
		    "letters r w x - (rw-, r--) or none", w, what);
	*protp = p;
	return 0;
}

static int
inherit(struct pstate *ps, int *ip)
{
	static const char *const words[] = { "share", "copy", "none" };
	int i, error;

	if ((error = oneof(ps, "inheritance", words, 3, &i)) != 0)
		return error;
	*ip = i == 0 ? MAP_INHERIT_SHARE : i == 1 ? MAP_INHERIT_COPY :
	    MAP_INHERIT_NONE;
	return 0;
}

static int
cmpop(struct pstate *ps, struct scen_cmd *c)
{
	static const char *const ops[] = { "==", "!=", "<", "<=", ">", ">=" };
	const char *w = peek(ps);

	c->cmp = CMP_EQ;
	if (w == NULL)
		return 0;
	for (int i = 0; i < 6; i++)
		if (strcmp(w, ops[i]) == 0) {
			c->cmp = i;
			ps->i++;
			return 0;
		}
	return 0;
}

static int
done(struct pstate *ps)
{
	if (more(ps))
		return perr(ps, ps->tcol[ps->i], "unexpected '%s': too many "
		    "words", ps->tok[ps->i]);
	return 0;
}

/* An address, with its column. */
static int
addr(struct pstate *ps, struct scen_cmd *c)
{
	c->acol = nextcol(ps);
	return numpg(ps, "address", 0, UINT64_MAX, &c->addr, &c->pg_addr);
}

static int
range(struct pstate *ps, struct scen_cmd *c, uint64_t max)
{
	int error;

	if ((error = name(ps, "process", c, 0)) != 0 ||
	    (error = addr(ps, c)) != 0 ||
	    (error = numpg(ps, "length", 1, max, &c->len, &c->pg_len)) != 0)
		return error;
	return 0;
}

/* The options cpu N and size N of an access. */
static int
access_opts(struct pstate *ps, struct scen_cmd *c, bool sized)
{
	uint64_t v;
	int error;

	while (more(ps)) {
		const char *w = peek(ps);
		int col = nextcol(ps);

		ps->i++;
		if (strcmp(w, "cpu") == 0) {
			if ((error = num(ps, "cpu", 0, UVMSIM_MAXCPUS - 1,
			    &v)) != 0)
				return error;
			c->cpu = (unsigned)v;
		} else if (sized && strcmp(w, "size") == 0) {
			col = nextcol(ps);
			if ((error = num(ps, "size", 1, 8, &v)) != 0)
				return error;
			if (v != 1 && v != 2 && v != 4 && v != 8)
				return perr(ps, col, "size %" PRIu64
				    " out of range: expected 1, 2, 4 or 8", v);
			c->size = (unsigned)v;
		} else
			return perr(ps, col, "unexpected '%s': expected %s",
			    w, sized ? "cpu N or size N" : "cpu N");
	}
	return 0;
}

/* ---- the commands ------------------------------------------------------ */

static int
p_machine(struct pstate *ps, struct scen_cmd *c)
{
	static const char *const loans[] = { "1.39", "modern" };
	static const char *const waits[] = {
		[UVMSIM_WAIT_HOOK] = "hook",
		[UVMSIM_WAIT_PAGEDAEMON] = "pagedaemon",
	};
	int error, i;

	c->num[0] = 64;		/* frames */
	c->num[1] = 1;		/* cpus */
	c->num[2] = 1;		/* seed */
	c->num[3] = 0;		/* loan: 1.39 */
	c->len = 0;		/* swap slots: none */
	c->what = UVMSIM_WAIT_HOOK; /* what uvm_wait does */
	c->name[0][0] = '\0';	/* arch: the default */
	while (more(ps)) {
		const char *w = peek(ps);
		int col = nextcol(ps);

		ps->i++;
		if (strcmp(w, "frames") == 0)
			error = num(ps, "frames", 8, SCEN_MAXFRAMES,
			    &c->num[0]);
		else if (strcmp(w, "cpus") == 0)
			error = num(ps, "cpus", 1, UVMSIM_MAXCPUS, &c->num[1]);
		else if (strcmp(w, "seed") == 0)
			error = num(ps, "seed", 0, UINT64_MAX, &c->num[2]);
		else if (strcmp(w, "loan") == 0) {
			error = oneof(ps, "loan behaviour", loans, 2, &i);
			c->num[3] = (uint64_t)i;
		} else if (strcmp(w, "swap") == 0)
			error = num(ps, "swap slots", 0, SCEN_MAXSWAP, &c->len);
		else if (strcmp(w, "uvm_wait") == 0)
			error = oneof(ps, "uvm_wait policy", waits, 2,
			    &c->what);
		else if (strcmp(w, "arch") == 0) {
			int acol = nextcol(ps);

			if ((error = name(ps, "architecture", c, 0)) == 0 &&
			    !scen_arch_known(c->name[0]))
				return perr(ps, acol, "unknown architecture "
				    "'%s': expected one of %s", c->name[0],
				    scen_arch_list());
		}
		else
			return perr(ps, col, "unknown option '%s': expected "
			    "frames, cpus, seed, loan, arch, swap or uvm_wait",
			    w);
		if (error != 0)
			return error;
	}
	return 0;
}

static int
p_file(struct pstate *ps, struct scen_cmd *c)
{
	const char *w;
	int col, error;

	if ((error = name(ps, "file", c, 0)) != 0 ||
	    (error = need(ps, "size", &w, &col)) != 0)
		return error;
	if (strcmp(w, "size") != 0)
		return perr(ps, col, "expected 'size', not '%s'", w);
	if ((error = numpg(ps, "file size", 1, SCEN_MAXFILE, &c->len,
	    &c->pg_len)) != 0)
		return error;
	c->num[0] = 0;		/* pattern byte */
	c->num[1] = 0;		/* text offset */
	while (more(ps)) {
		w = peek(ps);
		col = nextcol(ps);
		ps->i++;
		if (strcmp(w, "pattern") == 0)
			error = num(ps, "pattern byte", 0, 255, &c->num[0]);
		else if (strcmp(w, "text") == 0)
			error = string(ps, "text", c);
		else if (strcmp(w, "at") == 0)
			error = numpg(ps, "text offset", 0, SCEN_MAXFILE,
			    &c->num[1], &c->pg_num[1]);
		else
			return perr(ps, col, "unexpected '%s': expected "
			    "pattern BYTE, text \"...\" or at OFFSET", w);
		if (error != 0)
			return error;
	}
	/* In pages, it is checked when the page size is known. */
	if (c->has_str && c->pg_num[1] == 0 && c->pg_len == 0 &&
	    c->num[1] + strlen(c->str) > c->len)
		return perr(ps, 1, "text at %#" PRIx64 " runs past the file's "
		    "end (%#" PRIx64 ")", c->num[1], c->len);
	return 0;
}

static int
p_map(struct pstate *ps, struct scen_cmd *c)
{
	static const char *const kinds[] = { "anon", "file" };
	int error;

	if ((error = range(ps, c, SCEN_MAXRANGE)) != 0 ||
	    (error = oneof(ps, "backing", kinds, 2, &c->what)) != 0)
		return error;
	if (c->what == 1 && (error = name(ps, "file", c, 1)) != 0)
		return error;
	c->prot = VM_PROT_READ | VM_PROT_WRITE;
	c->maxprot = VM_PROT_ALL;
	c->inherit = -1;
	c->num[0] = 0;		/* offset */
	while (more(ps)) {
		const char *w = peek(ps);
		int col = nextcol(ps);

		ps->i++;
		if (strcmp(w, "shared") == 0)
			c->shared = true;
		else if (strcmp(w, "private") == 0)
			c->shared = false;
		else if (strcmp(w, "prot") == 0)
			error = prot(ps, "prot", &c->prot);
		else if (strcmp(w, "maxprot") == 0)
			error = prot(ps, "maxprot", &c->maxprot);
		else if (strcmp(w, "inherit") == 0)
			error = inherit(ps, &c->inherit);
		else if (strcmp(w, "offset") == 0 && c->what == 1)
			error = numpg(ps, "offset", 0, SCEN_MAXFILE,
			    &c->num[0], &c->pg_num[0]);
		else
			return perr(ps, col, "unexpected '%s': expected "
			    "shared, private, prot P, maxprot P, inherit I%s",
			    w, c->what == 1 ? " or offset N" : "");
		if (error != 0)
			return error;
	}
	return 0;
}

static int
p_show(struct pstate *ps, struct scen_cmd *c)
{
	int error;

	if ((error = oneof(ps, "thing to show", show_names,
	    sizeof(show_names) / sizeof(show_names[0]), &c->what)) != 0)
		return error;
	if (c->what == SHOW_PTES || c->what == SHOW_MAP)
		return name(ps, "process", c, 0);
	if (c->what == SHOW_PROBE) {
		if ((error = name(ps, "process", c, 0)) != 0)
			return error;
		return addr(ps, c);
	}
	return 0;
}

static int
p_expect(struct pstate *ps, struct scen_cmd *c)
{
	static const char *const kinds[] = {
		[EXP_VALUE] = "value", [EXP_UVMEXP] = NULL,
		[EXP_OWNER] = "owner", [EXP_LOANS] = "loans",
		[EXP_WIRED] = "wired", [EXP_SAME] = "same",
		[EXP_DIFFER] = "differ", [EXP_ERROR] = "error",
		[EXP_PANIC] = "panic", [EXP_HOOK] = "hook",
		[EXP_FIRED] = "fired", [EXP_PROBLEMS] = "problems",
		[EXP_ORPHANS] = "orphans",
	};
	static const char *const owners[] = {
		[OWN_NONE] = "none", [OWN_ANON] = "anon", [OWN_FILE] = "file",
		[OWN_AOBJ] = "aobj", [OWN_LENT] = "lent",
		[OWN_ORPHAN] = "orphan",
	};
	const char *w;
	int col, error, i;

	if ((error = need(ps, "what to expect", &w, &col)) != 0)
		return error;
	if (strncmp(w, "uvmexp.", 7) == 0) {
		for (i = 0; i < (int)NUVMEXP; i++)
			if (strcmp(w + 7, uvmexp_fields[i].name) == 0)
				break;
		if (i == (int)NUVMEXP)
			return perr(ps, col + 7, "unknown counter '%s' of "
			    "uvmexp (show counters lists them)", w + 7);
		c->what = EXP_UVMEXP;
		c->num[0] = (uint64_t)i;
		cmpop(ps, c);
		if ((error = num(ps, "count", 0, INT32_MAX, &c->num[1])) != 0)
			return error;
		return done(ps);
	}
	ps->i--;
	if ((error = oneof(ps, "expectation", kinds,
	    sizeof(kinds) / sizeof(kinds[0]), &c->what)) != 0) {
		size_t n = strlen(ps->msg);

		snprintf(ps->msg + n, ps->msglen - n, " or uvmexp.COUNTER");
		return error;
	}
	switch (c->what) {
	case EXP_VALUE:
		cmpop(ps, c);
		error = num(ps, "value", 0, UINT64_MAX, &c->num[1]);
		break;
	case EXP_OWNER:
		if ((error = name(ps, "process", c, 0)) != 0 ||
		    (error = addr(ps, c)) != 0 ||
		    (error = oneof(ps, "owner", owners, 6, &c->owner)) != 0)
			return error;
		if (c->owner == OWN_FILE)
			error = name(ps, "file", c, 1);
		break;
	case EXP_LOANS:
	case EXP_WIRED:
		if ((error = name(ps, "process", c, 0)) != 0 ||
		    (error = addr(ps, c)) != 0)
			return error;
		cmpop(ps, c);
		error = num(ps, "count", 0, UINT32_MAX, &c->num[1]);
		break;
	case EXP_SAME:
	case EXP_DIFFER:
		if ((error = name(ps, "process", c, 0)) != 0 ||
		    (error = addr(ps, c)) != 0 ||
		    (error = name(ps, "process", c, 1)) != 0)
			return error;
		error = numpg(ps, "address", 0, UINT64_MAX, &c->num[0],
		    &c->pg_num[0]);
		break;
	case EXP_ERROR:
		if ((error = need(ps, "an error name", &w, &col)) != 0)
			return error;
		for (i = 0; i < (int)NERRNAMES; i++)
			if (strcmp(w, errnames[i].name) == 0)
				break;
		if (i == (int)NERRNAMES)
			return perr(ps, col, "unknown error name '%s': "
			    "expected none, ENOENT, ENOMEM, EFAULT, EINVAL, "
			    "EIO, EBUSY, EAGAIN, EPERM, EACCES, ENOSPC or "
			    "ERANGE", w);
		c->num[0] = (uint64_t)errnames[i].value;
		if (more(ps))
			error = string(ps, "message", c);
		break;
	case EXP_PANIC:
		if (more(ps))
			error = string(ps, "message", c);
		break;
	case EXP_HOOK:
		if ((error = oneof(ps, "hook point", hook_points, 5, &i)) != 0)
			return error;
		strcpy(c->name[0], hook_points[i]);
		cmpop(ps, c);
		error = num(ps, "count", 0, UINT32_MAX, &c->num[1]);
		break;
	case EXP_FIRED:
		if ((error = oneof(ps, "failpoint", failpoints, 8, &i)) != 0)
			return error;
		strcpy(c->name[0], failpoints[i]);
		cmpop(ps, c);
		error = num(ps, "count", 0, UINT32_MAX, &c->num[1]);
		break;
	case EXP_PROBLEMS:
	case EXP_ORPHANS:
		cmpop(ps, c);
		error = num(ps, "count", 0, UINT32_MAX, &c->num[1]);
		break;
	}
	if (error != 0)
		return error;
	return done(ps);
}

/* ask frame|loans|wired|owner|value P ADDR, ask same P ADDR P2 ADDR2. */
static int
p_ask(struct pstate *ps, struct scen_cmd *c)
{
	static const char *const kinds[] = {
		[ASK_FRAME] = "frame", [ASK_LOANS] = "loans",
		[ASK_WIRED] = "wired", [ASK_OWNER] = "owner",
		[ASK_SAME] = "same", [ASK_VALUE] = "value",
	};
	int error;

	if ((error = oneof(ps, "question", kinds, 6, &c->what)) != 0 ||
	    (error = name(ps, "process", c, 0)) != 0 ||
	    (error = addr(ps, c)) != 0)
		return error;
	if (c->what == ASK_SAME && ((error = name(ps, "process", c, 1)) != 0 ||
	    (error = numpg(ps, "address", 0, UINT64_MAX, &c->num[0],
	    &c->pg_num[0])) != 0))
		return error;
	return done(ps);
}

static int parse_words(struct pstate *ps, struct scen_cmd *c, int depth);

static int
p_when(struct pstate *ps, struct scen_cmd *c, int depth)
{
	const char *w;
	int col, error, i;

	if (depth > 0)
		return perr(ps, ps->tcol[ps->i - 1], "a hook's command cannot "
		    "install a hook");
	if ((error = oneof(ps, "hook point", hook_points, 5, &i)) != 0)
		return error;
	strcpy(c->name[0], hook_points[i]);
	if ((error = need(ps, "'drops-locks:'", &w, &col)) != 0)
		return error;
	if (strcmp(w, "drops-locks:") != 0)
		return perr(ps, col, "expected 'drops-locks:', not '%s'", w);
	if (!more(ps))
		return perr(ps, ps->endcol, "expected a command after "
		    "'drops-locks:'");
	if ((c->sub = calloc(1, sizeof(*c->sub))) == NULL)
		return perr(ps, col, "out of memory");
	c->sub->line = c->line;
	return parse_words(ps, c->sub, depth + 1);
}

/*
 * parse_words: parse the command starting at the next word into c.
 */
static int
parse_words(struct pstate *ps, struct scen_cmd *c, int depth)
{
	static const char *const loans[] = { "kernel", "anon" };
	const char *w;
	int col, error = 0, i;

	if ((error = need(ps, "a command", &w, &col)) != 0)
		return error;
	for (i = 0; i < OP_NOPS; i++)
		if (strcmp(w, op_names[i]) == 0)
			break;
	if (i == OP_NOPS) {
		ps->cmd = "scenario";
		return perr(ps, col, "unknown command '%s' (uvmsim-scenario(5) "
		    "lists them)", w);
	}
	c->op = (enum scen_op)i;
	ps->cmd = op_names[i];
	if (depth > 0 && (c->op == OP_EXIT || c->op == OP_FORK ||
	    c->op == OP_PROC))
		return perr(ps, col, "a hook cannot start or end a process "
		    "(the interrupted code may be using it)");
	c->acol = 1;
	c->size = 1;
	switch (c->op) {
	case OP_MACHINE:
		if (depth > 0)
			return perr(ps, col, "a hook cannot make a machine");
		return p_machine(ps, c);
	case OP_FILE:
		return p_file(ps, c);
	case OP_PROC:
	case OP_EXIT:
		error = name(ps, "process", c, 0);
		break;
	case OP_MAP:
		return p_map(ps, c);
	case OP_UNMAP:
	case OP_WIRE:
	case OP_UNWIRE:
		error = range(ps, c, SCEN_MAXRANGE);
		break;
	case OP_PROTECT:
		if ((error = range(ps, c, SCEN_MAXRANGE)) == 0)
			error = prot(ps, "protection", &c->prot);
		break;
	case OP_INHERIT:
		if ((error = range(ps, c, SCEN_MAXRANGE)) == 0)
			error = inherit(ps, &c->inherit);
		break;
	case OP_READ:
		if ((error = name(ps, "process", c, 0)) != 0 ||
		    (error = addr(ps, c)) != 0)
			return error;
		return access_opts(ps, c, true);
	case OP_WRITE:
		if ((error = name(ps, "process", c, 0)) != 0 ||
		    (error = addr(ps, c)) != 0)
			return error;
		col = nextcol(ps);
		if ((error = num(ps, "value", 0, UINT64_MAX, &c->num[0])) != 0)
			return error;
		if ((error = access_opts(ps, c, true)) != 0)
			return error;
		if (c->size < 8 && c->num[0] >> (8 * c->size) != 0)
			return perr(ps, col, "value %#" PRIx64 " does not fit "
			    "in %u byte%s (size N says how many)", c->num[0],
			    c->size, c->size == 1 ? "" : "s");
		return 0;
	case OP_FILL:
		if ((error = range(ps, c, SCEN_MAXCOPY)) != 0 ||
		    (error = num(ps, "byte", 0, 255, &c->num[0])) != 0)
			return error;
		return access_opts(ps, c, false);
	case OP_COMPARE:
		if ((error = range(ps, c, SCEN_MAXCOPY)) != 0)
			return error;
		if (peek(ps) != NULL && strcmp(peek(ps), "file") == 0) {
			ps->i++;
			c->what = 1;
			if ((error = name(ps, "file", c, 1)) != 0)
				return error;
			if (peek(ps) != NULL &&
			    strcmp(peek(ps), "offset") == 0) {
				ps->i++;
				if ((error = numpg(ps, "offset", 0,
				    SCEN_MAXFILE, &c->num[1],
				    &c->pg_num[1])) != 0)
					return error;
			}
		} else if ((error = num(ps, "byte or 'file'", 0, 255,
		    &c->num[0])) != 0)
			return error;
		return access_opts(ps, c, false);
	case OP_FORK:
		if ((error = name(ps, "parent process", c, 0)) == 0)
			error = name(ps, "child process", c, 1);
		break;
	case OP_LOAN:
		if ((error = name(ps, "loan", c, 2)) != 0 ||
		    (error = range(ps, c, SCEN_MAXLOAN)) != 0 ||
		    (error = need(ps, "'to'", &w, &col)) != 0)
			return error;
		if (strcmp(w, "to") != 0)
			return perr(ps, col, "expected 'to', not '%s'", w);
		error = oneof(ps, "borrower", loans, 2, &c->what);
		break;
	case OP_UNLOAN:
		error = name(ps, "loan", c, 2);
		break;
	case OP_FAILPOINT:
		if ((error = oneof(ps, "failpoint", failpoints, 8, &i)) != 0)
			return error;
		strcpy(c->name[0], failpoints[i]);
		c->num[0] = 1;		/* nth */
		c->num[1] = 1;		/* count */
		while (error == 0 && more(ps)) {
			w = peek(ps);
			col = nextcol(ps);
			ps->i++;
			if (strcmp(w, "off") == 0)
				c->num[1] = 0;
			else if (strcmp(w, "nth") == 0)
				error = num(ps, "nth", 1, UINT32_MAX,
				    &c->num[0]);
			else if (strcmp(w, "count") == 0)
				error = num(ps, "count", 1, UINT32_MAX,
				    &c->num[1]);
			else
				return perr(ps, col, "unexpected '%s': "
				    "expected nth N, count N or off", w);
		}
		return error;
	case OP_WHEN:
		return p_when(ps, c, depth);
	case OP_CHECK:
		break;
	case OP_SHOW:
		error = p_show(ps, c);
		break;
	case OP_EXPECT:
		return p_expect(ps, c);
	case OP_SAY:
		error = string(ps, "text", c);
		break;
	case OP_ASK:
		if (depth > 0)
			return perr(ps, col, "a hook cannot ask");
		return p_ask(ps, c);
	case OP_PAGEDAEMON:
		c->num[0] = 0;			/* no budget but the targets */
		if (more(ps))
			error = num(ps, "budget", 1, SCEN_MAXFRAMES, &c->num[0]);
		break;
	case OP_NOPS:
		break;
	}
	if (error != 0)
		return error;
	return done(ps);
}

/* ---- public ------------------------------------------------------------ */

const char *
scen_op_name(enum scen_op op)
{
	return (unsigned)op < OP_NOPS ? op_names[op] : "?";
}

const char *
scen_errname(int error)
{
	for (size_t i = 0; i < NERRNAMES; i++)
		if (errnames[i].value == error)
			return errnames[i].name;
	return NULL;
}

const char *
scen_uvmexp_name(unsigned i)
{
	return i < NUVMEXP ? uvmexp_fields[i].name : NULL;
}

int
scen_uvmexp_value(const struct uvmexp *ux, unsigned i)
{
	if (i >= NUVMEXP)
		return 0;
	return *(const int *)(const void *)((const char *)ux +
	    uvmexp_fields[i].off);
}

/*
 * scen_parse_line: one line into c.
 *
 * => 0 with c->op set, 1 for a line with no command (blank, comment),
 *    or SCEN_USAGE with "LINE:COL: command: message" in msg.
 */
int
scen_parse_line(const char *line, int lineno, struct scen_cmd *c,
    char *msg, size_t msglen)
{
	struct pstate *ps;
	char inner[SCEN_MAXLINE + 64];
	int error;
	size_t n;

	memset(c, 0, sizeof(*c));
	c->line = lineno;
	if ((ps = calloc(1, sizeof(*ps))) == NULL) {
		snprintf(msg, msglen, "%d:1: scenario: out of memory", lineno);
		return SCEN_USAGE;
	}
	ps->msg = inner;
	ps->msglen = sizeof(inner);
	error = tokenize(ps, line);
	if (error == 0 && ps->ntok == 0) {
		free(ps);
		return 1;
	}
	if (error == 0)
		error = parse_words(ps, c, 0);
	if (error != 0) {
		snprintf(msg, msglen, "%d:%d: %s", lineno, ps->errcol, inner);
		scen_cmd_free(c);
		free(ps);
		return SCEN_USAGE;
	}
	/* The command as written, blanks squeezed, comment left out. */
	n = 0;
	for (int i = 0; i < ps->ntok && n < sizeof(inner); i++) {
		const char *w = ps->tok[i];
		int k = snprintf(inner + n, sizeof(inner) - n,
		    w[0] == '"' ? "%s\"%s\"" : "%s%s", i ? " " : "",
		    w[0] == '"' ? w + 1 : w);
		if (k < 0)
			break;
		n += (size_t)k;
	}
	if ((c->text = strdup(inner)) == NULL ||
	    (c->sub != NULL && (c->sub->text = strdup(strstr(inner,
	    "drops-locks: ") + strlen("drops-locks: "))) == NULL)) {
		snprintf(msg, msglen, "%d:1: scenario: out of memory", lineno);
		scen_cmd_free(c);
		free(ps);
		return SCEN_USAGE;
	}
	free(ps);
	return 0;
}

bool
scen_has_pages(const struct scen_cmd *c)
{
	return c->pg_addr != 0 || c->pg_len != 0 || c->pg_num[0] != 0 ||
	    c->pg_num[1] != 0 || c->pg_num[2] != 0 || c->pg_num[3] != 0;
}

/*
 * scen_resolve: c with its pages counted in bytes of page size ps.
 *
 * => ps a power of two within the library's page sizes (numpg bounded
 *    every sum for those).
 */
void
scen_resolve(const struct scen_cmd *c, size_t ps, struct scen_cmd *out)
{
	*out = *c;
	if (ps < UVMSIM_MIN_PAGE_SIZE || ps > UVMSIM_MAX_PAGE_SIZE)
		return;
	out->addr += (uint64_t)c->pg_addr * ps;
	out->len += (uint64_t)c->pg_len * ps;
	for (int i = 0; i < 4; i++)
		out->num[i] += (uint64_t)c->pg_num[i] * ps;
	out->pg_addr = out->pg_len = 0;
	memset(out->pg_num, 0, sizeof(out->pg_num));
}

void
scen_cmd_free(struct scen_cmd *c)
{
	if (c->sub != NULL) {
		free(c->sub->text);
		free(c->sub);
		c->sub = NULL;
	}
	free(c->text);
	c->text = NULL;
}

void
scen_script_free(struct scen_script *s)
{
	if (s == NULL)
		return;
	for (size_t i = 0; i < s->ncmds; i++)
		scen_cmd_free(&s->cmds[i]);
	free(s->cmds);
	free(s->path);
	free(s);
}

/*
 * scen_parse: every line of fp.
 *
 * => 0 and *sp, or SCEN_USAGE with "path:LINE:COL: command: message"
 *    printed to err (the first error only).
 */
int
scen_parse(FILE *fp, const char *path, struct scen_script **sp, FILE *err)
{
	struct scen_script *s;
	struct scen_cmd *c;
	char *line = NULL, msg[SCEN_MAXLINE + 128];
	size_t cap = 0, ccap = 0;
	ssize_t len;
	int lineno = 0, r;

	*sp = NULL;
	if ((s = calloc(1, sizeof(*s))) == NULL ||
	    (s->path = strdup(path)) == NULL) {
		free(s);
		fprintf(err, "%s: out of memory\n", path);
		return SCEN_USAGE;
	}
	while ((len = getline(&line, &cap, fp)) != -1) {
		lineno++;
		if (memchr(line, '\0', (size_t)len) != NULL) {
			fprintf(err, "%s:%d:%zu: scenario: a NUL byte in the "
			    "line\n", path, lineno,
			    strlen(line) + 1);
			goto fail;
		}
		if (s->ncmds == ccap) {
			size_t ncap = ccap ? 2 * ccap : 64;
			struct scen_cmd *n;

			if (ncap > SCEN_MAXSTEPS)
				ncap = SCEN_MAXSTEPS + 1;
			if ((n = realloc(s->cmds, ncap * sizeof(*n))) == NULL) {
				fprintf(err, "%s:%d:1: scenario: out of "
				    "memory\n", path, lineno);
				goto fail;
			}
			s->cmds = n;
			ccap = ncap;
		}
		c = &s->cmds[s->ncmds];
		r = scen_parse_line(line, lineno, c, msg, sizeof(msg));
		if (r == 1)
			continue;
		if (r != 0) {
			fprintf(err, "%s:%s\n", path, msg);
			goto fail;
		}
		if (++s->ncmds > SCEN_MAXSTEPS) {
			fprintf(err, "%s:%d:1: scenario: more than %d "
			    "commands\n", path, lineno, SCEN_MAXSTEPS);
			goto fail;
		}
	}
	if (ferror(fp)) {
		fprintf(err, "%s: read error\n", path);
		goto fail;
	}
	free(line);
	*sp = s;
	return 0;
fail:
	free(line);
	scen_script_free(s);
	return SCEN_USAGE;
}
