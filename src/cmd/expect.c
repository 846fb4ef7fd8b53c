/*
 * expect.c: the expectations of a scenario (expect), which make a
 * script a test.
 *
 * An expectation reads the machine through the public API (uvmsim_probe
 * for what stands behind an address, uvmexp, the hook and failpoint
 * counts, the checker) and compares.  One that does not hold ends the
 * run (RES_FAIL) with a message saying what was found and what was
 * expected.  `expect error` and `expect panic` are different: they take
 * the failure of the command before, which waits for them (interp.c).
 */
#include <inttypes.h>
#include <string.h>

#include "interp.h"

static bool
compare(int cmp, uint64_t a, uint64_t b)
{
	switch (cmp) {
	case CMP_NE:
		return a != b;
	case CMP_LT:
		return a < b;
	case CMP_LE:
		return a <= b;
	case CMP_GT:
		return a > b;
	case CMP_GE:
		return a >= b;
	default:
		return a == b;
	}
}

static const char *const cmp_names[] = { "==", "!=", "<", "<=", ">", ">=" };

static int
expect_count(struct run *r, const struct scen_cmd *c, const char *what,
    uint64_t got)
{
	if (!compare(c->cmp, got, c->num[1]))
		return run_fail(r, c, 1, "%s is %" PRIu64 ", expected %s%"
		    PRIu64, what, got,
		    c->cmp == CMP_EQ ? "" : cmp_names[c->cmp], c->num[1]);
	fprintf(r->so, "ok: %s is %" PRIu64 "\n", what, got);
	return RES_OK;
}

/*
 * expect_failure: expect error and expect panic take the failure of the
 * command before.
 */
static int
expect_failure(struct run *r, const struct scen_cmd *c)
{
	bool was = r->pending;

	r->pending = false;
	if (c->what == EXP_PANIC) {
		if (!was || !r->pend_panic)
			return run_fail(r, c, 1, "expected a panic, but the "
			    "command before %s", !was ? "succeeded" :
			    "failed without one");
		if (c->has_str && strstr(r->pend_msg, c->str) == NULL)
			return run_fail(r, c, 1, "the panic says \"%s\", not "
			    "\"%s\"", r->pend_msg, c->str);
		fprintf(r->so, "ok: panic: %s\n", r->pend_msg);
		return RES_OK;
	}
	if ((int)c->num[0] == 0) {
		if (was)
			return run_fail(r, c, 1, "expected no error, but the "
			    "command before failed: %s", r->pend_msg);
		fprintf(r->so, "ok: no error\n");
		return RES_OK;
	}
	if (!was)
		return run_fail(r, c, 1, "expected error %s, but the command "
		    "before succeeded", run_errname((int)c->num[0]));
	if (r->pend_panic)
		return run_fail(r, c, 1, "expected error %s, but the command "
		    "before panicked: %s", run_errname((int)c->num[0]),
		    r->pend_msg);
	if (r->pend_errno != (int)c->num[0])
		return run_fail(r, c, 1, "expected error %s, but the command "
		    "before failed with %s: %s", run_errname((int)c->num[0]),
		    run_errname(r->pend_errno), r->pend_msg);
	if (c->has_str && strstr(r->pend_msg, c->str) == NULL)
		return run_fail(r, c, 1, "the error says \"%s\", not \"%s\"",
		    r->pend_msg, c->str);
	fprintf(r->so, "ok: %s: %s\n", run_errname(r->pend_errno), r->pend_msg);
	return RES_OK;
}

int
run_expect(struct run *r, const struct scen_cmd *c)
{
	struct uvmsim_probe pr, pr2;
	struct vm_page *pg, *pg2;
	struct uvmsim_report rep;
	char what[160], owner[128];
	int i, j, f, error;

	switch (c->what) {
	case EXP_ERROR:
	case EXP_PANIC:
		return expect_failure(r, c);
	case EXP_VALUE:
		if (!r->have_value)
			return run_fail(r, c, 1, "no value was read yet");
		if (!compare(c->cmp, r->value, c->num[1]))
			return run_fail(r, c, 1, "the value read is 0x%" PRIx64
			    ", expected %s0x%" PRIx64, r->value,
			    c->cmp == CMP_EQ ? "" : cmp_names[c->cmp],
			    c->num[1]);
		fprintf(r->so, "ok: value 0x%" PRIx64 "\n", r->value);
		return RES_OK;
	case EXP_UVMEXP:
		snprintf(what, sizeof(what), "uvmexp.%s",
		    scen_uvmexp_name((unsigned)c->num[0]));
		return expect_count(r, c, what, (uint64_t)scen_uvmexp_value(
		    uvmsim_uvmexp(r->m), (unsigned)c->num[0]));
	case EXP_HOOK:
		snprintf(what, sizeof(what), "the number of runs of hook %s",
		    c->name[0]);
		return expect_count(r, c, what, uvmsim_hook_runs(r->m,
		    c->name[0]));
	case EXP_FIRED:
		snprintf(what, sizeof(what), "the number of failures "
		    "failpoint %s injected", c->name[0]);
		return expect_count(r, c, what, uvmsim_failpoint_fired(r->m,
		    c->name[0]));
	case EXP_PROBLEMS:
		memset(&rep, 0, sizeof(rep));
		error = uvmsim_check(r->m, &rep);
		uvmsim_report_free(&rep);
		return expect_count(r, c, "the number of problems the "
		    "checker finds", (uint64_t)(error < 0 ? 0 : error));
	case EXP_ORPHANS: {
		size_t npages = uvmsim_npages(r->m), n = 0;

		for (size_t k = 0; k < npages; k++)
			n += run_owner_of(uvmsim_page(r->m, k)) == OWN_ORPHAN &&
			    !(uvmsim_page(r->m, k)->pqflags & PQ_FREE);
		return expect_count(r, c, "the number of orphan frames", n);
	}
	default:
		break;
	}
	if ((error = run_proc(r, c, 0, &i)) != RES_OK)
		return error;
	pg = run_page_at(r, i, c->addr, &pr);
	switch (c->what) {
	case EXP_OWNER:
		run_owner_str(r, pg, owner, sizeof(owner));
		if (run_owner_of(pg) != c->owner)
			return run_fail(r, c, c->acol, "%s 0x%" PRIx64 ": the "
			    "page belongs to %s, expected %s", c->name[0],
			    c->addr, owner, run_owner_name(c->owner));
		if (c->owner == OWN_FILE) {
			if ((error = run_file(r, c, 1, &f)) != RES_OK)
				return error;
			if (pg->uobject != r->files[f].uobj)
				return run_fail(r, c, c->col[1], "%s 0x%" PRIx64
				    ": the page belongs to %s, expected file "
				    "%s", c->name[0], c->addr, owner,
				    c->name[1]);
		}
		fprintf(r->so, "ok: %s 0x%" PRIx64 ": %s\n", c->name[0],
		    c->addr, owner);
		return RES_OK;
	case EXP_LOANS:
	case EXP_WIRED:
		if (pg == NULL)
			return run_fail(r, c, c->acol, "%s 0x%" PRIx64 ": no "
			    "page there", c->name[0], c->addr);
		snprintf(what, sizeof(what), "%s 0x%" PRIx64 ": the %s count "
		    "of frame %zu", c->name[0], c->addr,
		    c->what == EXP_LOANS ? "loan" : "wire", pr.frame);
		return expect_count(r, c, what, c->what == EXP_LOANS ?
		    pg->loan_count : pg->wire_count);
	case EXP_SAME:
	case EXP_DIFFER:
		if ((error = run_proc(r, c, 1, &j)) != RES_OK)
			return error;
		pg2 = run_page_at(r, j, c->num[0], &pr2);
		if (pg == NULL || pg2 == NULL)
			return run_fail(r, c, pg == NULL ? c->acol : c->col[1],
			    "%s 0x%" PRIx64 ": no page there",
			    pg == NULL ? c->name[0] : c->name[1],
			    pg == NULL ? c->addr : c->num[0]);
		if ((pg == pg2) != (c->what == EXP_SAME))
			return run_fail(r, c, 1, "%s 0x%" PRIx64 " is frame "
			    "%zu, %s 0x%" PRIx64 " frame %zu: expected %s",
			    c->name[0], c->addr, pr.frame, c->name[1],
			    c->num[0], pr2.frame, c->what == EXP_SAME ?
			    "the same" : "different frames");
		fprintf(r->so, "ok: frame %zu and frame %zu\n", pr.frame,
		    pr2.frame);
		return RES_OK;
	}
	return RES_OK;
}

