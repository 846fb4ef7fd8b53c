/*
 * quiz.c: the ask command, and the quiz of uvmsim quiz.
 *
 * `ask` puts a question about the machine as it is at that step: which
 * frame a process reaches at an address, how many loans or wirings that
 * page has, who owns it, whether two addresses reach the same frame.
 * The answer is worked out as `expect` works it out (uvmsim_probe, the
 * page's fields), without an access, so asking changes nothing; but for
 * `ask value`, what a process reads at an address, which reads it as
 * `read` does (one byte, on CPU 0), faulting the page in if need be.
 *
 *   uvmsim run	prints the question and its answer;
 *   uvmsim quiz	prints the question, reads one line from its input,
 *		and says whether it is right (and, if not, what is); a
 *		score ends the run, which fails if an answer was wrong;
 *   --answers	prints the questions with their answers: the key;
 *   --topic	(an exercise, exercise.c) numbers the questions, and
 *		with -c gives each its answer.
 *
 * An answer is compared without case and surrounding blanks, and with
 * the word of the question allowed before a number ("frame 7" for
 * "7").  Answers depend on the machine (frame numbers differ between
 * architectures), never on anything else, so a quiz and its key match
 * for a given script, seed and architecture.
 */
#include <ctype.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "interp.h"

/* trim: s without blanks at either end, lowered, in place. */
static char *
trim(char *s)
{
	char *e;

	while (isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	for (char *p = s; *p != '\0'; p++)
		*p = (char)tolower((unsigned char)*p);
	return s;
}

/* page_answer: the page process i reaches at va, or NULL. */
static struct vm_page *
page_of(struct run *r, int i, vaddr_t va)
{
	struct uvmsim_probe pr;

	return run_page_at(r, i, va, &pr);
}

/*
 * word: the n-th word (from 0) of c's text, into buf: an address as the
 * script wrote it ("16p"), for an exercise, whose scenario is printed in
 * those words.
 */
static const char *
word(const struct scen_cmd *c, int n, char *buf, size_t len)
{
	const char *p = c->text;
	size_t k;

	for (;;) {
		p += strspn(p, " \t");
		k = strcspn(p, " \t");
		if (n-- == 0 || k == 0)
			break;
		p += k;
	}
	snprintf(buf, len, "%.*s", (int)k, p);
	return buf;
}

/*
 * question: the question of c and its answer, into q and a.
 *
 * => RES_OK, or a failure (an unknown process).
 */
static int
question(struct run *r, const struct scen_cmd *c, char *q, size_t qlen,
    char *a, size_t alen)
{
	struct vm_page *pg, *pg2;
	uint64_t v;
	char where[96], w[64], addr2[64];
	int i, j, error, f;

	if ((error = run_proc(r, c, 0, &i)) != RES_OK)
		return error;
	if (r->o->exercise) {
		snprintf(where, sizeof(where), "%s %s", c->name[0],
		    word(c, 3, w, sizeof(w)));
		word(c, 5, addr2, sizeof(addr2));
	} else {
		snprintf(where, sizeof(where), "%s 0x%" PRIx64, c->name[0],
		    c->addr);
		snprintf(addr2, sizeof(addr2), "0x%" PRIx64, c->num[0]);
	}
	pg = page_of(r, i, c->addr);
	switch (c->what) {
	case ASK_FRAME:
		snprintf(q, qlen, "Which frame does %s reach now (a number, "
		    "or none)?", where);
		if (pg != NULL)
			snprintf(a, alen, "%zu", uvmsim_page_frame(r->m, pg));
		else
			snprintf(a, alen, "none");
		break;
	case ASK_LOANS:
		snprintf(q, qlen, "How many loans has the page behind %s?",
		    where);
		snprintf(a, alen, "%u", pg != NULL ? pg->loan_count : 0);
		break;
	case ASK_WIRED:
		snprintf(q, qlen, "How many times is the page behind %s "
		    "wired?", where);
		snprintf(a, alen, "%u", pg != NULL ? pg->wire_count : 0);
		break;
	case ASK_OWNER:
		snprintf(q, qlen, "Who owns the page behind %s (anon, file "
		    "NAME, aobj, lent, orphan or none)?", where);
		f = run_owner_of(pg);
		if (f == OWN_FILE && (j = run_find_file(r, pg->uobject)) >= 0)
			snprintf(a, alen, "file %s", r->files[j].name);
		else
			snprintf(a, alen, "%s", run_owner_name(f));
		break;
	case ASK_SAME:
		if ((error = run_proc(r, c, 1, &j)) != RES_OK)
			return error;
		snprintf(q, qlen, "Do %s and %s %s reach the same frame (yes "
		    "or no)?", where, c->name[1], addr2);
		pg2 = page_of(r, j, c->num[0]);
		snprintf(a, alen, "%s", pg != NULL && pg == pg2 ? "yes" :
		    "no");
		break;
	case ASK_VALUE:
		snprintf(q, qlen, "What byte does %s read (in hex, or fault)?",
		    where);
		if (uvmsim_load(r->m, 0, r->procs[i].p->p_vmspace, c->addr, 1,
		    &v) == 0)
			snprintf(a, alen, "0x%02" PRIx64, v);
		else
			snprintf(a, alen, "fault");
		break;
	}
	return RES_OK;
}

/*
 * right: whether the answer given matches want: equal once trimmed and
 * lowered, or the question's word and the number ("frame 7"), or for a
 * byte the same number in hex, with or without 0x.
 */
static bool
right(char *given, const char *want, const struct scen_cmd *c)
{
	static const char *const words[] = {
		[ASK_FRAME] = "frame ", [ASK_LOANS] = "loans ",
		[ASK_WIRED] = "wired ", [ASK_OWNER] = "",
		[ASK_SAME] = "", [ASK_VALUE] = "",
	};
	const char *g = trim(given);
	size_t n = strlen(words[c->what]);
	char *end;

	if (strcmp(g, want) == 0)
		return true;
	if (c->what == ASK_VALUE && g[0] != '\0' && want[0] == '0')
		return strtoul(g, &end, 16) == strtoul(want, NULL, 16) &&
		    *end == '\0';		/* "5e", "0x5E" for 0x5e */
	return n > 0 && strncmp(g, words[c->what], n) == 0 &&
	    strcmp(trim((char *)g + n), want) == 0;
}

/*
 * run_ask: the ask command, as the run's mode wants it.
 */
int
run_ask(struct run *r, const struct scen_cmd *c)
{
	const struct scen_opts *o = r->o;
	char q[256], a[64], line[256];
	int error;

	if ((error = question(r, c, q, sizeof(q), a, sizeof(a))) != RES_OK)
		return error;
	r->asked++;
	if (o->exercise) {
		fprintf(o->quiz_out, "%d. %s\n", r->asked, q);
		if (o->answers)
			fprintf(o->quiz_out, "   answer: %s\n", a);
		return RES_OK;
	}
	if (o->answers) {
		fprintf(o->quiz_out, "[%zu] %s\n    %s\n", r->step, q, a);
		return RES_OK;
	}
	if (o->quiz_in == NULL) {
		fprintf(r->so, "ask: %s\nanswer: %s\n", q, a);
		return RES_OK;
	}
	fprintf(o->quiz_out, "[%zu] %s\n> ", r->step, q);
	fflush(o->quiz_out);
	if (fgets(line, sizeof(line), o->quiz_in) == NULL) {
		line[0] = '\0';
		fputc('\n', o->quiz_out);
	} else if (!isatty(fileno(o->quiz_in)))	/* a transcript */
		fprintf(o->quiz_out, "%s%s", line, line[0] != '\0' &&
		    line[strlen(line) - 1] == '\n' ? "" : "\n");
	if (right(line, a, c)) {
		r->right++;
		fprintf(o->quiz_out, "right\n");
	} else
		fprintf(o->quiz_out, "wrong: the answer is %s\n", a);
	return RES_OK;
}
