/*
 * test_show.c: uvmsim_print_state and uvmsim_print_state_flags.
 *
 * The table is read back from memory (open_memstream) and checked for
 * its content: the counters line, one row per frame in use with its
 * owner, none for a free frame.  Two machines driven the same way print
 * the same table; with UVMSIM_SHOW_NOCLOCK also when one of them took
 * events that changed nothing else; a machine that differs in one page
 * differs in that page's row alone.
 */
#include "testutil.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#define VA	0x100000UL
#define NPG	3

struct world {
	struct uvmsim_machine *m;
	struct proc	*p;
	struct uvm_object *f;
	size_t		ps;
};

/*
 * A machine with a process: NPG pages of private anonymous memory
 * written, and one page of a file mapped shared and read:
 *
 *	VA            ...           VA+NPG*ps     VA+(NPG+1)*ps
 *	| anon | anon | anon |       | obj page 0 |
 */
static void
world_new(struct world *w)
{
	struct uvmsim_config cfg;
	vaddr_t va = VA;
	uint64_t v;
	int i;

	tu_config(&cfg, 96);
	w->m = tu_machine_cfg(&cfg);
	w->ps = uvmsim_page_size(w->m);
	assert_int_equal(uvmsim_proc_create(w->m, &w->p), 0);
	tu_map_anon(w->m, &w->p->p_vmspace->vm_map, va, NPG,
	    VM_PROT_READ | VM_PROT_WRITE, UVM_INH_COPY, UVM_ADV_RANDOM, 0);
	for (i = 0; i < NPG; i++)
		assert_int_equal(uvmsim_store(w->m, 0, w->p->p_vmspace,
		    VA + (vaddr_t)i * w->ps, 8, 100 + (uint64_t)i), 0);
	assert_int_equal(uvmsim_file_create(w->m, w->ps, &w->f), 0);
	va = VA + NPG * w->ps;
	assert_int_equal(uvm_map(&w->p->p_vmspace->vm_map, &va, w->ps, w->f,
	    0, 0, UVM_MAPFLAG(VM_PROT_READ, VM_PROT_READ, UVM_INH_SHARE,
	    UVM_ADV_RANDOM, UVM_FLAG_FIXED)), 0);
	assert_int_equal(uvmsim_load(w->m, 0, w->p->p_vmspace, va, 8, &v), 0);
	CHECK(w->m);
	uvmsim_machine_leave(w->m);
}

static void
world_free(struct world *w)
{
	uvmsim_machine_enter(w->m);
	uvmsim_proc_exit(w->m, w->p);
	CHECK(w->m);
	tu_destroy(w->m);
}

/* The table of m, printed with flags, as a malloc'd string. */
static char *
show(struct uvmsim_machine *m, unsigned flags)
{
	uint64_t clock = uvmsim_clock(m);
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);

	assert_non_null(fp);
	if (flags == ~0u)
		uvmsim_print_state(m, fp);
	else
		assert_int_equal(uvmsim_print_state_flags(m, fp, flags), 0);
	assert_int_equal(fclose(fp), 0);
	assert_int_equal(uvmsim_clock(m), clock);	/* reads only */
	return buf;
}

/* Lines of s. */
static int
nlines(const char *s)
{
	int n = 0;

	for (; *s != '\0'; s++)
		n += *s == '\n';
	return n;
}

/* The line of table t that starts with frame, or NULL (a static copy). */
static const char *
row(const char *t, size_t frame)
{
	static char line[256];
	const char *s, *e;
	char want[32];
	int n;

	n = snprintf(want, sizeof(want), "%6zu  ", frame);
	for (s = t; *s != '\0'; s = e + 1) {
		e = strchr(s, '\n');
		assert_non_null(e);
		if (strncmp(s, want, (size_t)n) == 0) {
			assert_true((size_t)(e - s) < sizeof(line));
			memcpy(line, s, (size_t)(e - s));
			line[e - s] = '\0';
			return line;
		}
	}
	return NULL;
}

/* The content: the header, a row per frame in use, the owners. */
static void
test_content(void **state)
{
	struct world w;
	struct uvmsim_probe pr;
	const struct uvmexp *ux;
	char *t, want[64];
	const char *r;
	size_t f, used = 0;
	int i;

	(void)state;
	world_new(&w);
	ux = uvmsim_uvmexp(w.m);
	t = show(w.m, UVMSIM_SHOW_NOCLOCK);
	snprintf(want, sizeof(want), "machine: 96 frames of %zu bytes\n",
	    w.ps);
	assert_int_equal(strncmp(t, want, strlen(want)), 0);
	assert_null(strstr(t, "clock"));
	snprintf(want, sizeof(want), "uvmexp: free %d (zero %d) active %d ",
	    ux->free, ux->zeropages, ux->active);
	assert_non_null(strstr(t, want));
	for (f = 0; f < uvmsim_npages(w.m); f++)
		if (!VM_PAGE_IS_FREE(uvmsim_page(w.m, f)))
			used++;
	assert_int_equal(used, (size_t)(96 - ux->free));
	/* counters, anons, column heads, one row per frame in use */
	assert_int_equal(nlines(t), 3 + 1 + (int)used);

	/* Each anon page's row names its anon; the file page its object
	 * and offset. */
	for (i = 0; i < NPG; i++) {
		assert_int_equal(uvmsim_probe(w.m, w.p->p_vmspace,
		    VA + (vaddr_t)i * w.ps, &pr), 0);
		r = row(t, pr.frame);
		assert_non_null(r);
		snprintf(want, sizeof(want), "anon %u ", pr.anon->an_id);
		assert_non_null(strstr(r, want));
		assert_non_null(strstr(r, " active "));
	}
	assert_int_equal(uvmsim_probe(w.m, w.p->p_vmspace, VA + NPG * w.ps,
	    &pr), 0);
	r = row(t, pr.frame);
	assert_non_null(r);
	snprintf(want, sizeof(want), "obj %u ", w.f->uo_id);
	assert_non_null(strstr(r, want));
	assert_non_null(strstr(r, "..TC"));	/* tabled, clean */
	/* A free frame has no row. */
	for (f = 0; f < uvmsim_npages(w.m); f++)
		if (VM_PAGE_IS_FREE(uvmsim_page(w.m, f)))
			break;
	assert_null(row(t, f));
	free(t);

	/* The old call prints the clock, and is otherwise the same. */
	t = show(w.m, ~0u);
	snprintf(want, sizeof(want), "machine: 96 frames of %zu bytes, clock "
	    "%" PRIu64 "\n", w.ps, uvmsim_clock(w.m));
	assert_int_equal(strncmp(t, want, strlen(want)), 0);
	{
		char *t0 = show(w.m, 0);

		assert_string_equal(t, t0);
		free(t0);
	}
	free(t);
	world_free(&w);
}

/*
 * Two machines driven the same way print the same; one that took more
 * events (CPU switches, which change nothing else) differs only by its
 * clock; one that differs in one page differs in that row.
 */
static void
test_compare(void **state)
{
	struct world a, b;
	struct uvmsim_probe pr;
	char *ta, *tb, line[256];
	const char *r;

	(void)state;
	world_new(&a);
	world_new(&b);
	ta = show(a.m, 0);
	tb = show(b.m, 0);
	assert_string_equal(ta, tb);
	free(ta);
	free(tb);

	assert_int_equal(uvmsim_cpu_set(b.m, 0), 0);
	assert_int_equal(uvmsim_cpu_set(b.m, 0), 0);
	assert_true(uvmsim_clock(b.m) != uvmsim_clock(a.m));
	ta = show(a.m, 0);
	tb = show(b.m, 0);
	assert_string_not_equal(ta, tb);
	free(ta);
	free(tb);
	ta = show(a.m, UVMSIM_SHOW_NOCLOCK);
	tb = show(b.m, UVMSIM_SHOW_NOCLOCK);
	assert_string_equal(ta, tb);
	free(tb);

	/* b's second anon page goes to the inactive queue. */
	assert_int_equal(uvmsim_probe(b.m, b.p->p_vmspace, VA + b.ps, &pr), 0);
	uvmsim_machine_enter(b.m);
	tu_deactivate(pr.page);
	CHECK(b.m);
	uvmsim_machine_leave(b.m);
	tb = show(b.m, UVMSIM_SHOW_NOCLOCK);
	assert_string_not_equal(ta, tb);
	assert_int_equal(nlines(ta), nlines(tb));
	r = row(tb, pr.frame);
	assert_non_null(r);
	assert_non_null(strstr(r, " inactive "));
	snprintf(line, sizeof(line), "%s", r);
	r = row(ta, pr.frame);
	assert_non_null(strstr(r, " active "));
	assert_string_not_equal(r, line);
	free(ta);
	free(tb);
	world_free(&a);
	world_free(&b);
}

static void
test_bad_args(void **state)
{
	struct uvmsim_machine *m = tu_machine(16);
	FILE *fp = tmpfile();

	(void)state;
	assert_non_null(fp);
	assert_int_equal(uvmsim_print_state_flags(NULL, fp, 0), EINVAL);
	assert_non_null(strstr(uvmsim_last_error(), "m: NULL"));
	assert_int_equal(uvmsim_print_state_flags(m, NULL, 0), EINVAL);
	assert_non_null(strstr(uvmsim_last_error(), "fp: NULL"));
	assert_int_equal(uvmsim_print_state_flags(m, fp, 0x10), EINVAL);
	assert_non_null(strstr(uvmsim_last_error(), "flags: unknown bits "
	    "0x10"));
	assert_int_equal(ftell(fp), 0);		/* nothing printed */
	/* A tmpfile works as well as memory. */
	assert_int_equal(uvmsim_print_state_flags(m, fp,
	    UVMSIM_SHOW_NOCLOCK), 0);
	assert_true(ftell(fp) > 0);
	fclose(fp);
	CHECK(m);
	tu_destroy(m);
}

/*
 * Rows of pages with two owners or a busy owner: a file page lent to
 * an anon (a 1.39 O->A loan: the object keeps it, the anon borrows it;
 * the modern behaviour makes no such loan) is "obj F+anon A" with its
 * loan count; a page just allocated, still busy, names who made it busy.
 */
static void
test_owners_both(void **state)
{
	struct world w;
	struct uvmsim_probe pr;
	struct vm_anon *an[1];
	struct vm_page *pg;
	char *t, want[64];
	const char *r;

	(void)state;
	if (tu_modern())	/* lends no object page to an anon */
		skip();
	world_new(&w);
	uvmsim_machine_enter(w.m);
	assert_int_equal(uvmsim_probe(w.m, w.p->p_vmspace, VA + NPG * w.ps,
	    &pr), 0);
	assert_int_equal(uvm_loan(&w.p->p_vmspace->vm_map, VA + NPG * w.ps,
	    w.ps, an, UVM_LOAN_TOANON), 0);
	CHECK(w.m);
	pg = uvm_pagealloc(NULL, 0, NULL, 0);
	assert_non_null(pg);
	t = show(w.m, UVMSIM_SHOW_NOCLOCK);
	r = row(t, pr.frame);
	assert_non_null(r);
	snprintf(want, sizeof(want), "obj %u+anon %u ", w.f->uo_id,
	    an[0]->an_id);
	assert_non_null(strstr(r, want));
	/* loan 1, wire 0, not busy: the row's end */
	assert_string_equal(r + strlen(r) - 12, "    1    0 -");
	r = row(t, uvmsim_page_frame(w.m, pg));
	assert_non_null(r);
	assert_non_null(strstr(r, " kernel "));
	assert_string_equal(r + strlen(r) - 10, " new alloc");
	free(t);
	tu_unbusy(pg);
	uvm_pagefree(pg);
	uvm_unloan(an, 1, UVM_LOAN_TOANON);
	CHECK(w.m);
	uvmsim_machine_leave(w.m);
	world_free(&w);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_content),
		cmocka_unit_test(test_compare),
		cmocka_unit_test(test_owners_both),
		cmocka_unit_test(test_bad_args),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
