"""html_check.py: the page of uvmsim html is well formed and holds every
step of its script.

    python3 html_check.py UVMSIM SCRIPT [ARCH] [--browser CHROMIUM]
                          [--dot missing|failing|killed|empty]

The script is copied to a file whose name holds HTML's special
characters (& " < >), then `uvmsim run --trace` runs it for the steps
it has ("[N] command" lines), then `uvmsim html`, and the page is
checked:
every element closed in order (HTML's void elements aside; SVG's may
close themselves), no network reference (no src= or href= to anything
but the page's own fragments), the title and heading the script's name
as it is, one section per step in order whose command is the step's,
each with its output as `uvmsim run` printed it, the six tables and a
picture (inline SVG where Graphviz is installed).  With --dot, the page
is made with no working Graphviz: a PATH holding no dot (missing), or a
dot that exits 1 (failing), that kills itself (killed), or that writes
no SVG (empty).  Each picture must then be the DOT text `uvmsim dot
--at N` prints for its step, under a note saying that dot is not
installed (missing) or could not draw the graph (the others), and the
exit status must be run's still.
With --browser, the page is loaded by headless Chromium at
#step=3 and again at the last step, and the DOM it dumps must show that
step each time: its section marked shown and the header naming its
command, which differs between the two.
"""
import html
import html.parser
import os
import re
import shutil
import subprocess
import sys
import tempfile

VOID = {"meta", "br", "img", "input", "link", "hr", "wbr", "area", "base",
        "col", "embed", "source", "track"}
TABLES = ["frames", "queues", "anons", "amaps", "objects", "loans"]


def fail(msg):
    print("html_check: " + msg)
    sys.exit(1)


class Page(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack = []
        self.sections = []      # [command, set of tables, svg, output]
        self.text = {}          # per section: output, dot, nosvg, title
        self.into = None        # the text being read, or None
        self.title = {}         # "title", "h1": their text

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        for k in ("src", "href"):
            if k in a and not a[k].startswith("#"):
                fail("a reference out of the page: %s=%s" % (k, a[k]))
        if tag == "section" and "step" in a.get("class", "").split():
            if int(a["data-step"]) != len(self.sections) + 1:
                fail("section %s out of order" % a["data-step"])
            self.sections.append([a["data-command"], set(), False, False])
            self.text = {}
            self.sections[-1].append(self.text)
        if self.sections and tag == "pre":
            if a.get("class") == "table":
                self.sections[-1][1].add(a["data-table"])
            if a.get("class") == "output":
                self.sections[-1][3] = True
        if tag in ("pre", "p") and a.get("class") in ("output", "dot",
                                                        "nosvg"):
            self.into = a["class"]
            self.text[self.into] = ""
        if tag in ("title", "h1") and not self.sections:
            self.into = tag
            self.title[tag] = ""
        if self.sections and tag == "svg":
            self.sections[-1][2] = True
        if tag not in VOID:
            self.stack.append((tag, self.getpos()))

    def handle_startendtag(self, tag, attrs):
        pass                    # <path ... />: closed where it opens

    def handle_data(self, data):
        if self.into in ("title", "h1"):
            self.title[self.into] += data
        elif self.into is not None:
            self.text[self.into] += data

    def handle_endtag(self, tag):
        if not self.stack or self.stack[-1][0] != tag:
            fail("</%s> at line %d closes %s" % (tag, self.getpos()[0],
                 self.stack[-1] if self.stack else "nothing"))
        self.stack.pop()
        self.into = None


def shown_in_browser(browser, page, steps, n):
    """Load page in headless Chromium at #step=n and check that the DOM
    shows step n: its section alone marked shown, with the six tables,
    and the header naming its command.  Returns that command."""
    dom = subprocess.run([browser, "--headless", "--no-sandbox",
                          "--disable-gpu", "--dump-dom",
                          "file://" + page + "#step=%d" % n],
                         capture_output=True, text=True,
                         timeout=120).stdout
    cmd = html.escape(steps[n - 1][1], quote=False)
    want = "step %d of %d: %s" % (n, len(steps), cmd)
    if '<span id="now">%s</span>' % want not in dom:
        fail("the browser's page does not show %r:\n%s" %
             (want, re.findall(r'<span id="now">.*?</span>', dom)))
    m = re.search(r'<section class="step( shown)?" id="step-%d"' % n, dom)
    if not m or not m.group(1):
        fail("section %d is not the one shown" % n)
    shown = re.findall(r'<section class="step shown"', dom)
    if len(shown) != 1:
        fail("%d sections shown" % len(shown))
    sec = dom[m.start():dom.index("</section>", m.start())]
    for t in TABLES:
        if 'data-table="%s"' % t not in sec:
            fail("section %d in the browser lacks the %s table" % (n, t))
    return steps[n - 1][1]


FAKE_DOT = {
    "failing": 'echo "dot: cannot draw" >&2\nexit 1\n',
    "killed": "kill -KILL $$\n",
    "empty": "exit 0\n",
}


def main():
    args = sys.argv[1:]
    browser = None
    mode = None
    if "--browser" in args:
        i = args.index("--browser")
        browser = args[i + 1]
        del args[i:i + 2]
    if "--dot" in args:
        i = args.index("--dot")
        mode = args[i + 1]
        del args[i:i + 2]
        if mode not in ("missing",) + tuple(FAKE_DOT):
            fail("--dot %s: expected missing, failing, killed or empty" %
                 mode)
    uvmsim, original = args[0], args[1]
    arch = ["--arch", args[2]] if len(args) > 2 else []
    tmp = tempfile.mkdtemp()
    try:
        # A name with HTML's special characters, escaped where it shows.
        script = os.path.join(tmp, 'steps & "quotes" <of> ' +
                              os.path.basename(original))
        shutil.copyfile(original, script)
        run = subprocess.run([uvmsim, "run", "--trace"] + arch + [script],
                             capture_output=True, text=True)
        steps = re.findall(r"^\[(\d+)\] (.*)$", run.stdout, re.M)
        if not steps:
            fail("uvmsim run printed no step")
        starts = [m.start() for m in re.finditer(r"^\[\d+\] ", run.stdout,
                                                 re.M)]
        printed = [run.stdout[b:e] for b, e in
                   zip(starts, starts[1:] + [len(run.stdout)])]
        env = None
        if mode is not None:
            bindir = os.path.join(tmp, "bin")
            os.mkdir(bindir)
            if mode in FAKE_DOT:
                fake = os.path.join(bindir, "dot")
                with open(fake, "w") as fp:
                    fp.write("#!/bin/sh\n" + FAKE_DOT[mode])
                os.chmod(fake, 0o755)
            env = dict(os.environ, PATH=bindir)
        out = os.path.join(tmp, "page.html")
        h = subprocess.run([uvmsim, "html"] + arch + ["-o", out, script],
                           capture_output=True, text=True, env=env)
        if h.returncode != run.returncode:
            fail("html exit status %d, run's %d: %s" % (h.returncode,
                 run.returncode, h.stderr))
        text = open(out, encoding="utf-8").read()
        if not text.startswith("<!DOCTYPE html>"):
            fail("no DOCTYPE")
        if html.escape(script, quote=True) not in text:
            fail("the script's name is not escaped in the page")
        p = Page()
        p.feed(text)
        p.close()
        if p.stack:
            fail("elements left open: %s" % p.stack[-3:])
        if p.title != {"title": "uvmsim: " + script, "h1": script}:
            fail("title and heading %r, script %r" % (p.title, script))
        if len(p.sections) != len(steps):
            fail("%d sections for %d steps" % (len(p.sections),
                 len(steps)))
        graphviz = mode is None and shutil.which("dot") is not None
        note = ("(Graphviz's dot %s: the graph as text)" %
                ("is not installed" if mode == "missing" else
                 "could not draw it"))
        for (n, cmd), (got, tables, svg, output, txt), want in \
                zip(steps, p.sections, printed):
            if got != cmd:
                fail("step %s: section says %r, run %r" % (n, got, cmd))
            if not output:
                fail("step %s: no output" % n)
            if txt.get("output") != want:
                fail("step %s: output %r, run printed %r" %
                     (n, txt.get("output"), want))
            if n != "1" and tables != set(TABLES):
                fail("step %s: tables %s" % (n, sorted(tables)))
            if n != "1" and graphviz and not svg:
                fail("step %s: no picture" % n)
            if mode is not None and tables:
                if svg:
                    fail("step %s: a picture without Graphviz" % n)
                if txt.get("nosvg") != note:
                    fail("step %s: note %r, expected %r" %
                         (n, txt.get("nosvg"), note))
                d = subprocess.run([uvmsim, "dot"] + arch +
                                   ["--at", n, script],
                                   capture_output=True, text=True)
                if txt.get("dot") != d.stdout:
                    fail("step %s: the graph as text differs from "
                         "uvmsim dot --at %s" % (n, n))
        if browser:
            # Two steps, the third and the last: each must be the one
            # shown, with its own command in the header.
            seen = []
            for n in (3, len(steps)):
                seen.append(shown_in_browser(browser, out, steps, n))
            if seen[0] == seen[1]:
                fail("steps 3 and %d show the same command %r" %
                     (len(steps), seen[0]))
    finally:
        shutil.rmtree(tmp)
    print("html_check: %d steps%s: ok" % (len(steps),
          ", dot " + mode if mode else ""))


main()
