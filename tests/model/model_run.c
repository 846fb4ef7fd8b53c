/*
 * model_run.c: the model-based test as a program.
 *
 *	model_run [--ops N] [--seed S] [--seeds K] [--loan 1.39|modern]
 *	    [--arch NAME] [--shrink-runs R] [--quiet]
 *
 * Runs N random operations (default 10000) from each of K seeds from S
 * on uvmsim and on the reference model (model.h), comparing after every
 * step, and prints the operations per second.  The loan behaviour and
 * the architecture default to the library's defaults; --loan all runs
 * both, and --arch all every architecture, sharing the N operations of
 * a seed among them (so that a run's length does not grow with the
 * number of architectures).  A failing seed is shrunk to the shortest
 * list of operations that still fails, which is printed as C statements
 * for a CMocka test; the exit status is then 1.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "model.h"

static double
now(void)
{
	struct timespec ts;

	/* The runner's own speed figure; nothing simulated reads it. */
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void
usage(void)
{
	fprintf(stderr, "usage: model_run [--ops N] [--seed S] [--seeds K] "
	    "[--loan 1.39|modern|all] [--arch NAME|all] [--shrink-runs R] "
	    "[--quiet]\n");
	exit(2);
}

/* run_one: one seed; 0 when the library and the model agreed. */
static int
run_one(struct model_opts *o, unsigned shrink_runs, size_t *nexec)
{
	struct model_failure f, f2;
	struct model_op *ops;
	size_t n;
	int rv;

	model_generate(o, &ops);
	rv = model_run(o, ops, o->nops, &f, NULL, nexec);
	if (rv < 0) {
		fprintf(stderr, "model_run: no machine for arch %s loan %s: "
		    "%s\n", o->arch, o->loan, uvmsim_last_error());
		free(ops);
		return 1;
	}
	if (rv == 0) {
		free(ops);
		return 0;
	}
	printf("FAIL seed %llu loan %s arch %s: step %zu (%s): %s: %s\n",
	    (unsigned long long)o->seed, o->loan, o->arch, f.step,
	    model_opname(ops[f.step].kind), f.what, f.detail);
	n = model_shrink(o, ops, o->nops, &f, shrink_runs);
	printf("shrunk to %zu operations; as C:\n\n", n);
	printf("\t/* model_run --seed %llu --loan %s --arch %s --ops %zu */\n",
	    (unsigned long long)o->seed, o->loan, o->arch, o->nops);
	(void)model_run(o, ops, n, &f2, stdout, NULL);
	printf("\n");
	free(ops);
	return 1;
}

int
main(int argc, char **argv)
{
	struct model_opts o;
	const char *loans[2] = { "1.39", "modern" }, *loan = "1.39";
	const char *arch = NULL, *a;
	unsigned long long seeds = 1, k;
	unsigned shrink_runs = 3000, li, ai, narch;
	size_t total = 0, nexec;
	double t0, dt;
	int i, bad = 0;
	bool quiet = false;

	memset(&o, 0, sizeof(o));
	o.nops = 10000;
	o.seed = 1;
	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--quiet") == 0) {
			quiet = true;
			continue;
		}
		if (i + 1 == argc)
			usage();
		if (strcmp(argv[i], "--ops") == 0)
			o.nops = strtoull(argv[++i], NULL, 0);
		else if (strcmp(argv[i], "--seed") == 0)
			o.seed = strtoull(argv[++i], NULL, 0);
		else if (strcmp(argv[i], "--seeds") == 0)
			seeds = strtoull(argv[++i], NULL, 0);
		else if (strcmp(argv[i], "--loan") == 0)
			loan = argv[++i];
		else if (strcmp(argv[i], "--arch") == 0)
			arch = argv[++i];
		else if (strcmp(argv[i], "--shrink-runs") == 0)
			shrink_runs = (unsigned)strtoul(argv[++i], NULL, 0);
		else
			usage();
	}
	for (narch = 0; uvmsim_arch_name(narch) != NULL; narch++)
		;
	if (arch != NULL && strcmp(arch, "all") == 0 && narch > 1)
		o.nops = (o.nops + narch - 1) / narch;
	t0 = now();
	for (li = 0; li < 2; li++) {
		if (strcmp(loan, "all") != 0 && strcmp(loan, loans[li]) != 0)
			continue;
		for (ai = 0; (a = uvmsim_arch_name(ai)) != NULL; ai++) {
			if (arch == NULL ? ai != 0 : (strcmp(arch, "all") != 0 &&
			    strcmp(arch, a) != 0))
				continue;
			o.loan = loans[li];
			o.arch = a;
			for (k = 0; k < seeds; k++) {
				struct model_opts oo = o;

				oo.seed = o.seed + k;
				nexec = 0;
				bad |= run_one(&oo, shrink_runs, &nexec);
				total += oo.nops;
			}
		}
	}
	if (strcmp(loan, "all") != 0 && strcmp(loan, "1.39") != 0 &&
	    strcmp(loan, "modern") != 0)
		usage();
	if (total == 0) {
		fprintf(stderr, "model_run: no architecture %s\n", arch);
		return 2;
	}
	dt = now() - t0;
	if (!quiet || bad)
		printf("model_run: %zu operations, seeds %llu..%llu, loan %s, "
		    "arch %s: %s, %.0f operations/s\n", total,
		    (unsigned long long)o.seed, (unsigned long long)(o.seed +
		    seeds - 1), loan, arch ? arch : uvmsim_arch_name(0),
		    bad ? "FAILED" : "passed", dt > 0 ? (double)total / dt : 0);
	return bad;
}
