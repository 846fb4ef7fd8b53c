/*
 * html.c: a scenario run as one HTML page that steps through it
 * (uvmsim html).
 *
 * The page is self-contained: its style and its script are inline, and
 * each step's picture is inline SVG, so it opens without a network and
 * can be mailed to a class.  It holds one section per step, in order:
 *
 *	the command, as the script writes it, and its step number;
 *	what the step printed, trace events included;
 *	the state tables after it (frames, queues, anons, amaps, objects,
 *	loans), as `show` prints them;
 *	the ownership graph after it (dot.c), rendered by Graphviz's dot
 *	-Tsvg, or its DOT text, with a note saying why, where Graphviz is
 *	not installed or its dot fails.
 *
 * The script at the end shows one section at a time, with previous and
 * next buttons and the arrow keys; the step shown is the URL's fragment
 * (#step=3), read when the page loads, so a link names a step and a
 * headless browser can be pointed at one.  Without scripts every
 * section shows, one after the other.
 *
 * Printing a table or the graph reads the public structures only and
 * changes nothing on the machine, so the run is the run `uvmsim run`
 * makes, step for step.
 */
#include <errno.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "interp.h"

extern char **environ;

/* What svg_of says when it has no SVG. */
#define SVG_NODOT	(-1)		/* no dot program to run */
#define SVG_FAILED	(-2)		/* dot failed, or its files */

static const char *const html_head =
"<!DOCTYPE html>\n"
"<html lang=\"en\">\n"
"<head>\n"
"<meta charset=\"utf-8\">\n"
"<title>uvmsim: %s</title>\n"
"<style>\n"
"body { font-family: sans-serif; margin: 1em 2em; }\n"
"pre { background: #f6f6f6; padding: 0.5em; overflow-x: auto; }\n"
"nav { position: sticky; top: 0; background: white; padding: 0.5em 0; }\n"
"nav button { font-size: 1em; margin-right: 0.5em; }\n"
"section.step { border-top: 1px solid #ccc; }\n"
".js section.step { display: none; }\n"
".js section.step.shown { display: block; }\n"
"h2 code { background: #eef; padding: 0 0.3em; }\n"
".failed { color: #a00; }\n"
".picture svg { max-width: 100%%; height: auto; }\n"
"</style>\n"
"</head>\n"
"<body>\n"
"<h1>%s</h1>\n"
"<nav><button id=\"prev\" type=\"button\">previous</button>"
"<button id=\"next\" type=\"button\">next</button>"
"<span id=\"now\"></span></nav>\n";

static const char *const html_tail =
"<script>\n"
"(function () {\n"
"  var steps = document.querySelectorAll('section.step');\n"
"  var cur = 0;\n"
"  function show(n) {\n"
"    if (steps.length === 0) return;\n"
"    n = Math.max(1, Math.min(steps.length, n));\n"
"    if (cur > 0) steps[cur - 1].classList.remove('shown');\n"
"    cur = n;\n"
"    steps[n - 1].classList.add('shown');\n"
"    document.getElementById('now').textContent = 'step ' + n + ' of ' +\n"
"      steps.length + ': ' + steps[n - 1].getAttribute('data-command');\n"
"    document.getElementById('prev').disabled = n === 1;\n"
"    document.getElementById('next').disabled = n === steps.length;\n"
"  }\n"
"  function fromHash() {\n"
"    var m = /step=(\\d+)/.exec(location.hash);\n"
"    show(m ? parseInt(m[1], 10) : 1);\n"
"  }\n"
"  function go(n) { location.hash = 'step=' + n; }\n"
"  document.documentElement.classList.add('js');\n"
"  document.getElementById('prev').onclick = function () { go(cur - 1); };\n"
"  document.getElementById('next').onclick = function () { go(cur + 1); };\n"
"  document.addEventListener('keydown', function (e) {\n"
"    if (e.key === 'ArrowLeft') go(Math.max(1, cur - 1));\n"
"    if (e.key === 'ArrowRight') go(Math.min(steps.length, cur + 1));\n"
"  });\n"
"  window.addEventListener('hashchange', fromHash);\n"
"  fromHash();\n"
"})();\n"
"</script>\n"
"</body>\n"
"</html>\n";

/* The tables each step shows, in order. */
static const struct {
	const char	*title;
	int		what;
} tables[] = {
	{ "frames", SHOW_FRAMES }, { "queues", SHOW_QUEUES },
	{ "anons", SHOW_ANONS }, { "amaps", SHOW_AMAPS },
	{ "objects", SHOW_OBJECTS }, { "loans", SHOW_LOANS },
};

/* esc: len bytes of s, with HTML's special characters escaped. */
static void
esc(FILE *fp, const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		switch (s[i]) {
		case '&':
			fputs("&amp;", fp);
			break;
		case '<':
			fputs("&lt;", fp);
			break;
		case '>':
			fputs("&gt;", fp);
			break;
		case '"':
			fputs("&quot;", fp);
			break;
		default:
			fputc(s[i], fp);
			break;
		}
	}
}

static void
escs(FILE *fp, const char *s)
{
	esc(fp, s, strlen(s));
}

/*
 * svg_of: the DOT text in dot rendered by Graphviz's dot -Tsvg, into
 * *svgp (malloc'd, NUL-terminated, holding an <svg> element).
 *
 * => 0; SVG_NODOT when there is no dot program to run; SVG_FAILED when
 *    dot fails (an exit status, a signal, no SVG written) or the files
 *    it works through cannot be had.  The caller shows the text instead.
 */
static int
svg_of(const char *dot, size_t len, char **svgp)
{
	char in[] = "/tmp/uvmsim-html.XXXXXX", out[] = "/tmp/uvmsim-svg.XXXXXX";
	char *argv[] = { "dot", "-Tsvg", "-o", out, in, NULL };
	int fdi, fdo = -1, st, rc = SVG_FAILED;
	FILE *fp = NULL;
	long n;
	pid_t pid;

	*svgp = NULL;
	if ((fdi = mkstemp(in)) < 0)
		return SVG_FAILED;
	if ((fdo = mkstemp(out)) < 0 ||
	    write(fdi, dot, len) != (ssize_t)len)
		goto done;
	close(fdi);
	fdi = -1;
	fflush(NULL);
	if (posix_spawnp(&pid, "dot", NULL, NULL, argv, environ) != 0) {
		rc = SVG_NODOT;
		goto done;
	}
	if (waitpid(pid, &st, 0) < 0 || !WIFEXITED(st) ||
	    WEXITSTATUS(st) != 0)
		goto done;
	if ((fp = fdopen(fdo, "r")) == NULL)
		goto done;
	fdo = -1;
	if (fseek(fp, 0, SEEK_END) != 0 || (n = ftell(fp)) < 0 ||
	    fseek(fp, 0, SEEK_SET) != 0 ||
	    (*svgp = malloc((size_t)n + 1)) == NULL)
		goto done;
	if (fread(*svgp, 1, (size_t)n, fp) != (size_t)n) {
		free(*svgp);
		*svgp = NULL;
		goto done;
	}
	(*svgp)[n] = '\0';
	if (strstr(*svgp, "<svg") == NULL) {
		free(*svgp);
		*svgp = NULL;
		goto done;
	}
	rc = 0;
done:
	if (fp != NULL)
		fclose(fp);
	if (fdo >= 0)
		close(fdo);
	if (fdi >= 0)
		close(fdi);
	unlink(in);
	unlink(out);
	return rc;
}

/* picture: the ownership graph of r's machine, as inline SVG. */
static void
picture(struct run *r, FILE *fp)
{
	char *dot = NULL, *svg = NULL;
	size_t len = 0;
	FILE *ms;
	int rc;

	if ((ms = open_memstream(&dot, &len)) == NULL)
		return;
	run_dot(r, ms);
	fclose(ms);
	fputs("<div class=\"picture\">\n", fp);
	if ((rc = svg_of(dot, len, &svg)) == 0)
		/* The prologue and DOCTYPE left out. */
		fputs(strstr(svg, "<svg"), fp);
	else {
		fprintf(fp, "<p class=\"nosvg\">(Graphviz's dot %s: the graph "
		    "as text)</p>\n<pre class=\"dot\">", rc == SVG_NODOT ?
		    "is not installed" : "could not draw it");
		esc(fp, dot, len);
		fputs("</pre>\n", fp);
	}
	fputs("</div>\n", fp);
	free(svg);
	free(dot);
}

void
run_html_begin(FILE *fp, const char *path)
{
	char t[512];
	size_t n = 0;
	FILE *ms;
	char *buf = NULL;

	/* The title escaped once, for both places it goes. */
	if ((ms = open_memstream(&buf, &n)) == NULL)
		return;
	escs(ms, path);
	fclose(ms);
	snprintf(t, sizeof(t), "%s", buf);
	free(buf);
	fprintf(fp, html_head, t, t);
}

void
run_html_end(FILE *fp, int status, const char *first_error)
{
	if (status != SCEN_OK) {
		fputs("<p class=\"failed\" id=\"status\">The run failed", fp);
		if (first_error != NULL && first_error[0] != '\0') {
			fputs(": ", fp);
			escs(fp, first_error);
		}
		fputs("</p>\n", fp);
	} else
		fputs("<p id=\"status\">The run ended without a failure.</p>\n",
		    fp);
	fputs(html_tail, fp);
}

/*
 * run_html_step: step r->step, command c, which printed out (len
 * bytes) and ended in res, as a section of the page o->html.
 */
void
run_html_step(struct run *r, const struct scen_cmd *c, const char *out,
    size_t len, int res)
{
	FILE *fp = r->o->html, *saved = r->so;
	struct scen_cmd sc;
	char *buf = NULL;
	size_t blen = 0;

	fprintf(fp, "<section class=\"step\" id=\"step-%zu\" "
	    "data-step=\"%zu\" data-command=\"", r->step, r->step);
	escs(fp, c->text);
	fprintf(fp, "\">\n<h2>[%zu] <code class=\"command\">", r->step);
	escs(fp, c->text);
	fprintf(fp, "</code> <small>line %d</small></h2>\n", c->line);
	if (res != RES_OK)
		fputs("<p class=\"failed\">This step failed.</p>\n", fp);
	fputs("<h3>output and trace</h3>\n<pre class=\"output\">", fp);
	esc(fp, out, len);
	fputs("</pre>\n", fp);
	if (r->m == NULL) {
		fputs("</section>\n", fp);
		return;
	}
	for (size_t k = 0; k < sizeof(tables) / sizeof(tables[0]); k++) {
		memset(&sc, 0, sizeof(sc));
		sc.op = OP_SHOW;
		sc.what = tables[k].what;
		sc.line = c->line;
		if ((r->so = open_memstream(&buf, &blen)) == NULL)
			break;
		(void)run_show(r, &sc);
		fclose(r->so);
		r->so = saved;
		fprintf(fp, "<h3>%s</h3>\n<pre class=\"table\" "
		    "data-table=\"%s\">", tables[k].title, tables[k].title);
		esc(fp, buf, blen);
		fputs("</pre>\n", fp);
		free(buf);
		buf = NULL;
	}
	r->so = saved;
	fputs("<h3>who owns which page</h3>\n", fp);
	picture(r, fp);
	fputs("</section>\n", fp);
}
