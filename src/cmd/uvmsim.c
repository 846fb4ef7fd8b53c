/*
 * uvmsim.c: the uvmsim command (uvmsim(1)): run, check or draw a
 * scenario (uvmsim-scenario(5)).
 *
 *	uvmsim run [--trace] [--seed N] [--arch NAME] [--format text|json]
 *	    [--quiet] [--keep-going] FILE
 *	uvmsim check FILE
 *	uvmsim dot [--seed N] [--arch NAME] [--at STEP] [-T dot|svg|png]
 *	    [-o OUT] FILE
 *	uvmsim html [--seed N] [--arch NAME] [-o OUT] FILE
 *	uvmsim quiz [--seed N] [--arch NAME] [--answers] FILE
 *	uvmsim quiz --topic translate|cow|loan|pageout --seed N [--arch NAME]
 *	    [-c] [--print-script]
 *
 * FILE - is standard input.  Exit status: 0 success, 1 a step or an
 * expectation failed, 2 a usage or parse error.  Options follow
 * getopt_long's conventions, before or after the subcommand.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <uvmsim/uvmsim.h>

#include "scenario.h"

#ifndef UVMSIM_VERSION
#define UVMSIM_VERSION	"0"
#endif

extern char **environ;

static void
usage(FILE *fp)
{
	fprintf(fp,
"usage: uvmsim run [--trace] [--seed N] [--arch NAME] [--format text|json]\n"
"                  [--quiet] [--keep-going] FILE\n"
"       uvmsim check FILE\n"
"       uvmsim dot [--seed N] [--arch NAME] [--at STEP] [-T dot|svg|png]\n"
"                  [-o OUT] FILE\n"
"       uvmsim compare [--seed N] [--format text|json] FILE\n"
"       uvmsim html [--seed N] [--arch NAME] [-o OUT] FILE\n"
"       uvmsim quiz [--seed N] [--arch NAME] [--answers] FILE\n"
"       uvmsim quiz --topic translate|cow|loan|pageout --seed N [--arch NAME]\n"
"                   [-c] [--print-script]\n"
"       uvmsim --help | --version\n"
"\n"
"  run      run the scenario FILE (- for standard input), printing each\n"
"           step and what it shows\n"
"  check    parse FILE only\n"
"  dot      the ownership graph after step STEP (default: the last) as\n"
"           Graphviz text, or rendered by Graphviz's dot with -T svg|png\n"
"  compare  run FILE on every architecture the library has and print\n"
"           what each MMU counted: faults by kind, TLB hits, misses,\n"
"           flushes and ASID rollovers, page-table pages and bytes\n"
"  html     one self-contained HTML page that steps through the run:\n"
"           each step's command, output and trace, tables and picture\n"
"  quiz     run FILE, putting its ask questions and reading the answers\n"
"           from standard input; --answers prints the key instead;\n"
"           with --topic, an exercise made from the seed: a scenario\n"
"           and questions, -c with the answers the simulator gives,\n"
"           --print-script the scenario as a script for uvmsim run\n"
"\n"
"  -t, --trace         print the library's trace events as they happen\n"
"  -s, --seed N        the machine's seed, over the script's\n"
"  -a, --arch NAME     the machine's architecture, over the script's\n"
"  -f, --format FMT    text (default) or json\n"
"  -q, --quiet         leave out the echo of each step\n"
"  -k, --keep-going    after a failed step, report it and go on\n"
"      --at STEP       dot: stop after step STEP\n"
"  -T FMT              dot: dot (text, the default), svg or png\n"
"  -o, --output OUT    dot, html: write to OUT rather than standard output\n"
"  -h, --help          this text\n"
"  -V, --version       the version\n"
"\n"
"Exit status: 0 success, 1 a step or an expectation failed, 2 a usage\n"
"or parse error.  The language: uvmsim-scenario(5).\n");
}

static int
bad_usage(const char *fmt, const char *arg)
{
	fprintf(stderr, "uvmsim: ");
	fprintf(stderr, fmt, arg);
	fprintf(stderr, "\n(uvmsim --help tells the usage)\n");
	return SCEN_USAGE;
}

/* find_program: whether name is an executable file on PATH. */
static bool
find_program(const char *name)
{
	const char *path = getenv("PATH");
	char buf[4096];

	if (path == NULL)
		return false;
	while (*path != '\0') {
		size_t n = strcspn(path, ":");

		if (n > 0 && n + strlen(name) + 2 < sizeof(buf)) {
			memcpy(buf, path, n);
			buf[n] = '/';
			strcpy(buf + n + 1, name);
			if (access(buf, X_OK) == 0)
				return true;
		}
		path += n;
		if (*path == ':')
			path++;
	}
	return false;
}

/*
 * html: run the script once, its steps, tables and pictures written as
 * one HTML page to out (NULL: standard output); a page that could not
 * be written whole is removed.
 */
static int
html(const struct scen_script *s, struct scen_opts *o, const char *out)
{
	FILE *devnull, *fp;
	int status;

	if ((devnull = fopen("/dev/null", "w")) == NULL) {
		fprintf(stderr, "uvmsim: /dev/null: %s\n", strerror(errno));
		return SCEN_FAILED;
	}
	if (out == NULL)
		fp = stdout;
	else if ((fp = fopen(out, "w")) == NULL) {
		fprintf(stderr, "uvmsim: %s: %s\n", out, strerror(errno));
		fclose(devnull);
		return SCEN_FAILED;
	}
	o->trace = true;	/* each step's events are on the page */
	o->html = fp;
	status = scen_run(s, o, devnull, stderr);
	o->html = NULL;
	if ((fp != stdout ? fclose(fp) : fflush(fp)) != 0) {
		fprintf(stderr, "uvmsim: %s: %s\n", out != NULL ? out :
		    "standard output", strerror(errno));
		if (out != NULL)
			unlink(out);
		status = SCEN_FAILED;
	}
	fclose(devnull);
	return status;
}

/*
 * render: run Graphviz's dot on the DOT text in tmp, to out (NULL:
 * standard output).
 */
static int
render(const char *tmp, const char *fmt, const char *out)
{
	char tflag[16];
	char *argv[6];
	pid_t pid;
	int st, n = 0;

	snprintf(tflag, sizeof(tflag), "-T%s", fmt);
	argv[n++] = "dot";
	argv[n++] = tflag;
	if (out != NULL) {
		argv[n++] = "-o";
		argv[n++] = (char *)out;
	}
	argv[n++] = (char *)tmp;
	argv[n] = NULL;
	fflush(stdout);
	if ((errno = posix_spawnp(&pid, "dot", NULL, NULL, argv,
	    environ)) != 0) {
		fprintf(stderr, "uvmsim: cannot run dot: %s\n",
		    strerror(errno));
		return SCEN_FAILED;
	}
	if (waitpid(pid, &st, 0) < 0 || !WIFEXITED(st) ||
	    WEXITSTATUS(st) != 0) {
		fprintf(stderr, "uvmsim: dot -T%s failed\n", fmt);
		return SCEN_FAILED;
	}
	return SCEN_OK;
}

/* compare's rows: a label, a JSON key, and the value of a run. */
#define NROWS	17
static const char *const row_label[NROWS] = {
	"page size (bytes)", "uvm_fault calls", "  not present",
	"  protection", "ref/mod emulation faults", "access flag faults",
	"software TLB refills", "TLB hits", "TLB misses", "TLB flushes",
	"TLB entries shot down", "ASID rollovers", "page-table levels",
	"PTE bytes", "page-table pages now", "page-table pages, peak",
	"page-table bytes, peak",
};
static const char *const row_key[NROWS] = {
	"page_size", "uvm_faults", "faults_invalid", "faults_protect",
	"faults_refmod", "faults_access_flag", "tlb_refills", "tlb_hits",
	"tlb_misses", "tlb_flushes", "tlb_invalidations", "asid_rollovers",
	"pt_levels", "pte_bytes", "ptps", "ptps_peak", "pt_bytes_peak",
};

static void
row_values(const struct scen_stats *st, uint64_t *v)
{
	const uint64_t vals[NROWS] = {
		st->page_size, st->uvm_faults, st->tlb.faults_invalid,
		st->tlb.faults_protect, st->tlb.faults_refmod,
		st->tlb.faults_access_flag, st->tlb.tlb_refills,
		st->tlb.hits, st->tlb.misses, st->tlb.flushes,
		st->tlb.invalidations, st->tlb.asid_rollovers,
		st->pt.levels, st->pt.pte_bytes, st->pt.ptps,
		st->pt.ptps_peak, st->pt.pt_bytes_peak,
	};

	memcpy(v, vals, sizeof(vals));
}

#define MAXARCH	16

/*
 * compare: run s once on each architecture the library has, its steps'
 * output dropped, and print a table of what each MMU counted (or a JSON
 * object).  A run that fails gets its first error line in the table and
 * makes the exit status 1.
 */
static int
compare(const struct scen_script *s, const struct scen_opts *o0)
{
	struct scen_stats st[MAXARCH];
	struct scen_opts o = *o0;
	const char *arch[MAXARCH];
	char *errbuf[MAXARCH];
	uint64_t v[MAXARCH][NROWS];
	int rc[MAXARCH], status = SCEN_OK;
	size_t len, n, i, j;
	FILE *devnull, *efp;
	char *nl;

	if ((devnull = fopen("/dev/null", "w")) == NULL) {
		fprintf(stderr, "uvmsim: /dev/null: %s\n", strerror(errno));
		return SCEN_FAILED;
	}
	o.quiet = true;
	o.json = false;
	for (n = 0; n < MAXARCH && (arch[n] = uvmsim_arch_name(
	    (unsigned)n)) != NULL; n++) {
		errbuf[n] = NULL;
		len = 0;
		o.arch = arch[n];
		o.stats = &st[n];
		if ((efp = open_memstream(&errbuf[n], &len)) == NULL) {
			fprintf(stderr, "uvmsim: out of memory\n");
			rc[n] = SCEN_FAILED;
			memset(&st[n], 0, sizeof(st[n]));
		} else {
			rc[n] = scen_run(s, &o, devnull, efp);
			fclose(efp);
		}
		if (rc[n] != SCEN_OK)
			status = SCEN_FAILED;
		if (errbuf[n] != NULL && (nl = strchr(errbuf[n], '\n')) !=
		    NULL)
			*nl = '\0';
		row_values(&st[n], v[n]);
	}
	fclose(devnull);

	if (o0->json) {
		printf("{\n  \"script\": \"%s\",\n  \"architectures\": [\n",
		    s->path);
		for (i = 0; i < n; i++) {
			printf("    {\"arch\": \"%s\", \"status\": \"%s\"",
			    arch[i], rc[i] == SCEN_OK ? "ok" : "failed");
			for (j = 0; st[i].valid && j < NROWS; j++)
				printf(", \"%s\": %" PRIu64, row_key[j],
				    v[i][j]);
			printf("}%s\n", i + 1 < n ? "," : "");
		}
		printf("  ]\n}\n");
	} else {
		printf("%-26s", (nl = strrchr(s->path, '/')) != NULL ?
		    nl + 1 : s->path);
		for (i = 0; i < n; i++)
			printf(" %10s", arch[i]);
		printf("\n%-26s", "status");
		for (i = 0; i < n; i++)
			printf(" %10s", rc[i] == SCEN_OK ? "ok" :
			    "failed");
		printf("\n");
		for (j = 0; j < NROWS; j++) {
			printf("%-26s", row_label[j]);
			for (i = 0; i < n; i++) {
				if (st[i].valid)
					printf(" %10" PRIu64, v[i][j]);
				else
					printf(" %10s", "-");
			}
			printf("\n");
		}
		for (i = 0; i < n; i++)
			if (rc[i] != SCEN_OK)
				printf("%s: %s\n", arch[i], errbuf[i] != NULL
				    && errbuf[i][0] != '\0' ? errbuf[i] :
				    "failed");
	}
	for (i = 0; i < n; i++)
		free(errbuf[i]);
	return status;
}

/*
 * exercise: uvmsim quiz --topic: the scenario of topic made from seed,
 * printed as OSTEP's simulators print a problem (its lines, then the
 * questions, numbered), the questions put by running it, with their
 * answers when answers is set; or, with script, the scenario's text
 * alone, to run.
 */
static int
exercise(const char *topic, struct scen_opts *o, bool answers, bool script)
{
	struct scen_script *s = NULL;
	char *text = NULL, *line, *nl;
	size_t len = 0;
	FILE *fp, *devnull;
	int status;

	if ((fp = open_memstream(&text, &len)) == NULL) {
		fprintf(stderr, "uvmsim: out of memory\n");
		return SCEN_FAILED;
	}
	status = scen_exercise(topic, o->seed, fp);
	fclose(fp);
	if (status != SCEN_OK) {
		free(text);
		fprintf(stderr, "uvmsim: --topic: unknown topic '%s': expected "
		    "%s\n", topic, scen_exercise_topics());
		return SCEN_USAGE;
	}
	if (script) {
		fputs(text, stdout);
		free(text);
		return SCEN_OK;
	}
	if ((fp = fmemopen(text, len, "r")) == NULL) {
		free(text);
		fprintf(stderr, "uvmsim: out of memory\n");
		return SCEN_FAILED;
	}
	status = scen_parse(fp, "<exercise>", &s, stderr);
	fclose(fp);
	if (status != SCEN_OK) {
		free(text);
		return status;
	}
	printf("Exercise on %s, seed %" PRIu64 "%s%s.  The scenario:\n\n",
	    topic, o->seed, o->arch != NULL ? ", architecture " : "",
	    o->arch != NULL ? o->arch : "");
	for (line = text; *line != '\0'; line = nl + 1) {
		nl = strchr(line, '\n');
		*nl = '\0';
		if (line[0] != '#' && strncmp(line, "ask ", 4) != 0)
			printf("  %s\n", line);
	}
	printf("\nQuestions, about the machine once the scenario has run (a "
	    "page never\ntouched, or paged out to swap, reaches no frame: "
	    "none):\n\n");
	free(text);
	if ((devnull = fopen("/dev/null", "w")) == NULL) {
		fprintf(stderr, "uvmsim: /dev/null: %s\n", strerror(errno));
		scen_script_free(s);
		return SCEN_FAILED;
	}
	o->has_seed = false;	/* the exercise's seed made the script */
	o->quiet = true;
	o->exercise = true;
	o->answers = answers;
	o->quiz_out = stdout;
	status = scen_run(s, o, devnull, stderr);
	fclose(devnull);
	scen_script_free(s);
	return status;
}

int
main(int argc, char **argv)
{
	enum { OPT_AT = 256, OPT_ANSWERS, OPT_TOPIC, OPT_PRINT_SCRIPT };
	static const struct option longopts[] = {
		{ "trace", no_argument, NULL, 't' },
		{ "seed", required_argument, NULL, 's' },
		{ "arch", required_argument, NULL, 'a' },
		{ "format", required_argument, NULL, 'f' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "keep-going", no_argument, NULL, 'k' },
		{ "at", required_argument, NULL, OPT_AT },
		{ "answers", no_argument, NULL, OPT_ANSWERS },
		{ "topic", required_argument, NULL, OPT_TOPIC },
		{ "print-script", no_argument, NULL, OPT_PRINT_SCRIPT },
		{ "output", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	struct scen_opts o;
	struct scen_script *s = NULL;
	const char *cmd, *path, *out = NULL, *fmt = "dot", *topic = NULL;
	char tmp[] = "/tmp/uvmsim-dot.XXXXXX";
	FILE *fp, *devnull = NULL, *dotfp = NULL;
	uint64_t at = 0;
	bool has_at = false, answers = false, key = false, script = false;
	int ch, status, fd;
	char *end;

	memset(&o, 0, sizeof(o));
	while ((ch = getopt_long(argc, argv, "ts:a:f:qko:T:chV", longopts,
	    NULL)) != -1) {
		switch (ch) {
		case 't':
			o.trace = true;
			break;
		case 's':
			errno = 0;
			o.seed = strtoull(optarg, &end, 0);
			if (errno != 0 || *end != '\0' || optarg[0] == '\0' ||
			    optarg[0] == '-')
				return bad_usage("--seed: bad number '%s'",
				    optarg);
			o.has_seed = true;
			break;
		case 'a':
			if (!scen_arch_known(optarg)) {
				fprintf(stderr, "uvmsim: --arch: unknown "
				    "architecture '%s': expected one of %s\n",
				    optarg, scen_arch_list());
				return SCEN_USAGE;
			}
			o.arch = optarg;
			break;
		case 'f':
			if (strcmp(optarg, "json") == 0)
				o.json = true;
			else if (strcmp(optarg, "text") != 0)
				return bad_usage("--format: '%s': expected "
				    "text or json", optarg);
			break;
		case 'q':
			o.quiet = true;
			break;
		case 'k':
			o.keep_going = true;
			break;
		case OPT_ANSWERS:
			answers = true;
			break;
		case OPT_TOPIC:
			topic = optarg;
			break;
		case 'c':
			key = true;
			break;
		case OPT_PRINT_SCRIPT:
			script = true;
			break;
		case OPT_AT:
			errno = 0;
			at = strtoull(optarg, &end, 0);
			if (errno != 0 || *end != '\0' || optarg[0] == '\0' ||
			    optarg[0] == '-' || at == 0)
				return bad_usage("--at: '%s': expected a step "
				    "number from 1", optarg);
			has_at = true;
			break;
		case 'o':
			out = optarg;
			break;
		case 'T':
			if (strcmp(optarg, "dot") != 0 &&
			    strcmp(optarg, "svg") != 0 &&
			    strcmp(optarg, "png") != 0)
				return bad_usage("-T: '%s': expected dot, svg "
				    "or png", optarg);
			fmt = optarg;
			break;
		case 'h':
			usage(stdout);
			return SCEN_OK;
		case 'V':
			printf("uvmsim %s\n", UVMSIM_VERSION);
			return SCEN_OK;
		default:
			usage(stderr);
			return SCEN_USAGE;
		}
	}
	if (topic != NULL || key || script) {
		if (argc - optind < 1 || strcmp(argv[optind], "quiz") != 0)
			return bad_usage("%s is for quiz", topic != NULL ?
			    "--topic" : key ? "-c" : "--print-script");
		if (topic == NULL)
			return bad_usage("%s: for an exercise, with --topic",
			    key ? "-c" : "--print-script");
		if (argc - optind != 1)
			return bad_usage("quiz --topic makes its scenario: "
			    "unexpected '%s'", argv[optind + 1]);
		if (!o.has_seed)
			return bad_usage("quiz --topic %s: expected --seed N",
			    topic);
		if (answers || o.json || o.keep_going || o.trace || o.quiet)
			return bad_usage("%s: not for quiz --topic", answers ?
			    "--answers" : o.json ? "--format" : o.keep_going ?
			    "--keep-going" : o.trace ? "--trace" : "--quiet");
		if (has_at || out != NULL || strcmp(fmt, "dot") != 0)
			return bad_usage("%s", "--at, -o and -T are for dot, "
			    "not quiz");
		return exercise(topic, &o, key, script);
	}
	if (argc - optind != 2) {
		if (argc - optind < 2)
			fprintf(stderr, "uvmsim: %s\n", argc == optind ?
			    "expected a subcommand: run, check, dot, compare, "
			    "html or quiz" :
			    "expected a scenario file (- for standard input)");
		else
			fprintf(stderr, "uvmsim: unexpected '%s': one "
			    "scenario file at a time\n", argv[optind + 2]);
		usage(stderr);
		return SCEN_USAGE;
	}
	cmd = argv[optind];
	path = argv[optind + 1];
	if (strcmp(cmd, "run") != 0 && strcmp(cmd, "check") != 0 &&
	    strcmp(cmd, "dot") != 0 && strcmp(cmd, "compare") != 0 &&
	    strcmp(cmd, "html") != 0 && strcmp(cmd, "quiz") != 0)
		return bad_usage("unknown subcommand '%s': expected run, check, "
		    "dot, compare, html or quiz", cmd);
	if (answers && strcmp(cmd, "quiz") != 0)
		return bad_usage("--answers is for quiz, not %s", cmd);
	if (strcmp(cmd, "quiz") == 0 && (o.json || o.keep_going || o.trace))
		return bad_usage("%s: not for quiz", o.json ? "--format" :
		    o.keep_going ? "--keep-going" : "--trace");
	if (strcmp(cmd, "quiz") == 0 && strcmp(path, "-") == 0 && !answers)
		return bad_usage("%s", "quiz reads the answers from standard "
		    "input: the script must be a file");
	if (strcmp(cmd, "compare") == 0 && (o.arch != NULL || o.trace ||
	    o.keep_going))
		return bad_usage("%s: not for compare, which runs every "
		    "architecture", o.arch != NULL ? "--arch" : o.trace ?
		    "--trace" : "--keep-going");
	if (strcmp(cmd, "html") == 0 && (has_at || strcmp(fmt, "dot") != 0 ||
	    o.json || o.keep_going))
		return bad_usage("%s: not for html, which shows every step",
		    has_at ? "--at" : strcmp(fmt, "dot") != 0 ? "-T" :
		    o.json ? "--format" : "--keep-going");
	if (strcmp(cmd, "dot") != 0 && strcmp(cmd, "html") != 0 &&
	    (has_at || out != NULL || strcmp(fmt, "dot") != 0))
		return bad_usage("--at, -o and -T are for dot, not %s", cmd);
	if (strcmp(cmd, "dot") == 0 && strcmp(fmt, "dot") != 0 &&
	    !find_program("dot")) {
		fprintf(stderr, "uvmsim: -T %s needs Graphviz's dot program, "
		    "which is not installed (Debian: apt-get install "
		    "graphviz); -T dot writes the graph as text\n", fmt);
		return SCEN_USAGE;
	}

	if (strcmp(path, "-") == 0)
		fp = stdin;
	else if ((fp = fopen(path, "r")) == NULL) {
		fprintf(stderr, "uvmsim: %s: %s\n", path, strerror(errno));
		return SCEN_USAGE;
	}
	status = scen_parse(fp, strcmp(path, "-") == 0 ? "<stdin>" : path, &s,
	    stderr);
	if (fp != stdin)
		fclose(fp);
	if (status != 0)
		return status;
	if (strcmp(cmd, "check") == 0) {
		printf("%s: %zu step%s\n", s->path, s->ncmds,
		    s->ncmds == 1 ? "" : "s");
		scen_script_free(s);
		return SCEN_OK;
	}
	if (strcmp(cmd, "run") == 0) {
		status = scen_run(s, &o, stdout, stderr);
		scen_script_free(s);
		return status;
	}
	if (strcmp(cmd, "compare") == 0) {
		status = compare(s, &o);
		scen_script_free(s);
		return status;
	}
	if (strcmp(cmd, "html") == 0) {
		status = html(s, &o, out);
		scen_script_free(s);
		return status;
	}
	if (strcmp(cmd, "quiz") == 0) {
		o.quiet = true;
		o.answers = answers;
		o.quiz_in = answers ? NULL : stdin;
		o.quiz_out = stdout;
		status = scen_run(s, &o, stdout, stderr);
		scen_script_free(s);
		return status;
	}

	/* dot */
	if (has_at && at > s->ncmds) {
		fprintf(stderr, "uvmsim: --at %" PRIu64 ": %s has %zu step%s\n",
		    at, s->path, s->ncmds, s->ncmds == 1 ? "" : "s");
		scen_script_free(s);
		return SCEN_USAGE;
	}
	o.stop_at = (size_t)at;
	o.json = false;
	status = SCEN_FAILED;
	if ((devnull = fopen("/dev/null", "w")) == NULL) {
		fprintf(stderr, "uvmsim: /dev/null: %s\n", strerror(errno));
		goto out;
	}
	if (strcmp(fmt, "dot") != 0) {
		if ((fd = mkstemp(tmp)) < 0 ||
		    (dotfp = fdopen(fd, "w")) == NULL) {
			fprintf(stderr, "uvmsim: %s: %s\n", tmp,
			    strerror(errno));
			goto out;
		}
	} else if (out != NULL && (dotfp = fopen(out, "w")) == NULL) {
		fprintf(stderr, "uvmsim: %s: %s\n", out, strerror(errno));
		goto out;
	}
	o.dot = dotfp != NULL ? dotfp : stdout;
	status = scen_run(s, &o, devnull, stderr);
	if (dotfp != NULL && fclose(dotfp) != 0 && status == SCEN_OK) {
		fprintf(stderr, "uvmsim: %s: %s\n", out != NULL &&
		    strcmp(fmt, "dot") == 0 ? out : tmp, strerror(errno));
		status = SCEN_FAILED;
	}
	dotfp = NULL;
	if (status == SCEN_OK && strcmp(fmt, "dot") != 0)
		status = render(tmp, fmt, out);
	if (strcmp(fmt, "dot") != 0)
		unlink(tmp);
	if (status != SCEN_OK && out != NULL)
		unlink(out);	/* no picture rather than half of one */
out:
	if (dotfp != NULL)
		fclose(dotfp);
	if (devnull != NULL)
		fclose(devnull);
	scen_script_free(s);
	return status;
}
