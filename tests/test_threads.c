/*
 * test_threads.c: machines on several host threads at once.
 *
 * A machine belongs to the thread that entered it (uvmsim_machine_enter);
 * the current machine is per thread, and machines share nothing but the
 * library's code and constants.  Here four threads each run the same
 * story on machines of their own, at the same time: a process writes a
 * pattern, forks, parent and child write (copy-on-write), the parent
 * lends its pages to the kernel, writes one (the loan breaks), unloans,
 * and both exit; the checker runs after every step.  Two threads run
 * each seed, and their traces must hash the same: a machine's behaviour
 * does not depend on which thread runs it or what the others do.
 *
 * Under ThreadSanitizer (UVMSIM_SANITIZE=thread) this is the test that
 * shows the library has no data race between machines.  No CMocka
 * assertion runs on a worker thread (CMocka is not thread-safe): a
 * worker records the first thing that went wrong and the main thread
 * asserts.
 */
#include "testutil.h"

#include <pthread.h>
#include <stdio.h>

#define NTHREADS	4
#define ROUNDS		3
#define NPAGES		8
#define VA		0x200000UL

struct worker {
	pthread_t	tid;
	uint64_t	seed;
	uint64_t	hash;		/* FNV-1a of every trace event */
	uint64_t	events;
	char		failed[160];	/* first failure, or "" */
};

static void
hash_event(struct uvmsim_machine *m, const struct uvmsim_event *ev,
    void *arg)
{
	struct worker *w = arg;
	uint64_t words[6] = { ev->seq, ev->type, ev->arg[0], ev->arg[1],
	    ev->arg[2], ev->arg[3] };
	const unsigned char *p = (const unsigned char *)words;
	size_t i;

	(void)m;
	for (i = 0; i < sizeof(words); i++)
		w->hash = (w->hash ^ p[i]) * 0x100000001b3ULL;
	w->events++;
}

#define WCHECK(w, cond, ...) do {					\
	if (!(cond) && (w)->failed[0] == '\0')				\
		snprintf((w)->failed, sizeof((w)->failed), __VA_ARGS__); \
	if ((w)->failed[0] != '\0')					\
		goto out;						\
} while (0)

/* The checker finds nothing: a problem is the worker's failure. */
static bool
clean(struct worker *w, struct uvmsim_machine *m, const char *step)
{
	struct uvmsim_report rep;
	int n;

	memset(&rep, 0, sizeof(rep));
	if ((n = uvmsim_check(m, &rep)) != 0 && w->failed[0] == '\0')
		snprintf(w->failed, sizeof(w->failed), "%s: checker: %d "
		    "problems, first %s", step, n, rep.count > 0 ?
		    rep.problems[0].invariant : "?");
	uvmsim_report_free(&rep);
	return n == 0;
}

#define WCLEAN(w, m, step)	WCHECK(w, clean(w, m, step), "%s", step)

/* Read page i of p's region and compare it with want. */
static bool
reads(struct uvmsim_machine *m, struct proc *p, int i, uint64_t want)
{
	uint64_t v = 0;

	return uvmsim_load(m, 0, p->p_vmspace, VA + (vaddr_t)i *
	    uvmsim_page_size(m), 8, &v) == 0 && v == want;
}

static void
one_round(struct worker *w, uint64_t seed)
{
	struct uvmsim_config cfg;
	struct uvmsim_machine *m = NULL;
	struct proc *p = NULL, *c = NULL;
	struct vm_page *pgs[NPAGES];
	vaddr_t va = VA;
	size_t ps;
	int i, error;

	tu_config(&cfg, 128);
	cfg.seed = seed;
	cfg.check_loan_locks = 0;	/* a walk of all frames per lock */
	cfg.trace = UVMSIM_TRACE_ALL;
	error = uvmsim_machine_create(&cfg, &m);
	WCHECK(w, error == 0, "machine_create: %d", error);
	uvmsim_trace_callback(m, hash_event, w);
	uvmsim_machine_enter(m);
	ps = uvmsim_page_size(m);
	WCHECK(w, uvmsim_proc_create(m, &p) == 0, "proc_create");
	error = uvm_map(&p->p_vmspace->vm_map, &va, NPAGES * ps, NULL,
	    UVM_UNKNOWN_OFFSET, 0, UVM_MAPFLAG(VM_PROT_READ | VM_PROT_WRITE,
	    VM_PROT_ALL, UVM_INH_COPY, UVM_ADV_NORMAL, UVM_FLAG_FIXED |
	    UVM_FLAG_COPYONW));
	WCHECK(w, error == 0, "uvm_map: %d", error);
	WCLEAN(w, m, "map");
	for (i = 0; i < NPAGES; i++)
		WCHECK(w, uvmsim_store(m, 0, p->p_vmspace, VA + (vaddr_t)i *
		    ps, 8, seed + (uint64_t)i) == 0, "store %d", i);
	WCLEAN(w, m, "fill");

	WCHECK(w, uvmsim_proc_fork(m, p, &c) == 0, "fork");
	WCLEAN(w, m, "fork");
	WCHECK(w, uvmsim_store(m, 0, c->p_vmspace, VA, 8, 1000) == 0,
	    "child store");
	WCHECK(w, uvmsim_store(m, 0, p->p_vmspace, VA + ps, 8, 2000) == 0,
	    "parent store");
	WCLEAN(w, m, "copy-on-write");
	WCHECK(w, reads(m, c, 0, 1000) && reads(m, p, 0, seed) &&
	    reads(m, p, 1, 2000) && reads(m, c, 1, seed + 1),
	    "copy-on-write: a process reads another's write");

	/* Lend the parent's pages to the kernel; the parent's write breaks
	 * the loan of page 2, and the kernel keeps what it borrowed. */
	error = uvm_loan(&p->p_vmspace->vm_map, VA, NPAGES * ps, pgs,
	    UVM_LOAN_TOPAGE);
	WCHECK(w, error == 0, "uvm_loan: %d", error);
	WCLEAN(w, m, "loan");
	WCHECK(w, uvmsim_store(m, 0, p->p_vmspace, VA + 2 * ps, 8, 3000) ==
	    0, "store to a lent page");
	WCLEAN(w, m, "loan break");
	WCHECK(w, *(uint64_t *)uvmsim_page_data(m, pgs[2]) == seed + 2,
	    "the kernel's lent page changed under it");
	WCHECK(w, reads(m, p, 2, 3000), "the owner lost its write");
	uvm_unloan(pgs, NPAGES, UVM_LOAN_TOPAGE);
	WCLEAN(w, m, "unloan");

	uvmsim_proc_exit(m, c);
	c = NULL;
	WCLEAN(w, m, "child exit");
	uvmsim_proc_exit(m, p);
	p = NULL;
	WCLEAN(w, m, "parent exit");
	WCHECK(w, uvmsim_uvmexp(m)->nanon == uvmsim_uvmexp(m)->nfreeanon,
	    "anons left after exit");
out:
	if (m != NULL) {
		if (c != NULL)
			uvmsim_proc_exit(m, c);
		if (p != NULL)
			uvmsim_proc_exit(m, p);
		uvmsim_machine_leave(m);
		uvmsim_machine_destroy(m);
	}
}

static void *
run_worker(void *arg)
{
	struct worker *w = arg;
	int r;

	for (r = 0; r < ROUNDS && w->failed[0] == '\0'; r++)
		one_round(w, w->seed * 1000 + (uint64_t)r);
	return NULL;
}

static void
test_machines_on_threads(void **state)
{
	struct worker ws[NTHREADS];
	int i;

	(void)state;
	memset(ws, 0, sizeof(ws));
	for (i = 0; i < NTHREADS; i++) {
		ws[i].seed = (uint64_t)(i / 2 + 1);	/* two threads a seed */
		ws[i].hash = 0xcbf29ce484222325ULL;
		assert_int_equal(pthread_create(&ws[i].tid, NULL, run_worker,
		    &ws[i]), 0);
	}
	for (i = 0; i < NTHREADS; i++)
		assert_int_equal(pthread_join(ws[i].tid, NULL), 0);
	for (i = 0; i < NTHREADS; i++)
		if (ws[i].failed[0] != '\0')
			fail_msg("thread %d: %s", i, ws[i].failed);
	for (i = 0; i < NTHREADS; i += 2) {
		assert_true(ws[i].events > 100);
		assert_int_equal(ws[i].events, ws[i + 1].events);
		assert_int_equal(ws[i].hash, ws[i + 1].hash);
	}
	assert_null(uvmsim_machine_current());
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_machines_on_threads),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
