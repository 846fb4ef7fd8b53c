/*
 * uvmsim_problem.c: the checker's reports: adding a problem to one
 * (uvmsim__problem, called by every module's checks), printing,
 * searching and freeing them.
 *
 * A leaf: it calls nothing of the machine but its failpoints and the
 * shortening of paths, so any layer's checks may report through it.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "uvmsim_state.h"
#include "uvmsim_cur.h"
#include "uvmsim_problem.h"

void
uvmsim__problem(struct uvmsim_report *r, const char *invariant,
    const char *object, const char *field, const char *fmt, ...)
{
	struct uvmsim_machine *m = uvmsim__curm;
	struct uvmsim_problem *p, *np;
	char full[512];
	size_t ncap;
	va_list ap;

	if (r->count >= r->cap) {
		ncap = r->cap ? r->cap * 2 : 16;
		if (m != NULL && uvmsim__fp(m, UVMSIM_FP_CHECKREPORT))
			np = NULL;
		else
			np = uvmsim__realloc(NULL, r->problems,
			    ncap * sizeof(*np));
		if (np == NULL) {
			/* Keep counting even when the details cannot be kept. */
			r->dropped++;
			return;
		}
		r->problems = np;
		r->cap = ncap;
	}
	p = &r->problems[r->count++];
	snprintf(p->invariant, sizeof(p->invariant), "%s", invariant);
	snprintf(p->object, sizeof(p->object), "%s", object);
	snprintf(p->field, sizeof(p->field), "%s", field);
	va_start(ap, fmt);
	vsnprintf(full, sizeof(full), fmt, ap);
	va_end(ap);
	uvmsim__shorten_paths(full);
	strlcpy(p->detail, full, sizeof(p->detail));
}

void
uvmsim_report_print(const struct uvmsim_report *r, FILE *fp)
{
	const struct uvmsim_problem *p;
	size_t i, kept;

	if (r == NULL || fp == NULL) {
		(void)uvmsim__error(NULL, EINVAL, "uvmsim_report_print: %s: "
		    "NULL", r == NULL ? "r" : "fp");
		return;
	}
	kept = r->count < r->cap ? r->count : r->cap;
	for (i = 0; i < kept; i++) {
		p = &r->problems[i];
		fprintf(fp, "%s: %s: %s: %s\n", p->invariant, p->object,
		    p->field, p->detail);
	}
	if (r->dropped > 0)
		fprintf(fp, "(%zu more problems not kept: no memory)\n",
		    r->dropped);
}

void
uvmsim_report_free(struct uvmsim_report *r)
{
	if (r == NULL)
		return;
	uvmsim__free(r->problems);
	r->problems = NULL;
	r->count = r->cap = r->dropped = 0;
}

const struct uvmsim_problem *
uvmsim_report_find(const struct uvmsim_report *r, const char *invariant,
    const char *field)
{
	size_t i, kept;

	if (r == NULL || invariant == NULL) {
		(void)uvmsim__error(NULL, EINVAL, "uvmsim_report_find: %s: "
		    "NULL", r == NULL ? "r" : "invariant");
		return NULL;
	}
	kept = r->count < r->cap ? r->count : r->cap;
	for (i = 0; i < kept; i++)
		if (strcmp(r->problems[i].invariant, invariant) == 0 &&
		    (field == NULL || strcmp(r->problems[i].field, field) == 0))
			return &r->problems[i];
	return NULL;
}
