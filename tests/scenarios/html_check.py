"""html_check.py: the page of uvmsim html is well formed and holds every
step of its script.

    python3 html_check.py UVMSIM SCRIPT [ARCH] [--browser CHROMIUM]

Runs `uvmsim run` for the steps the script has ("[N] command" lines),
then `uvmsim html`, and checks the page: every element closed in order
(HTML's void elements aside; SVG's may close themselves), no network
reference (no src= or href= to anything but the page's own fragments),
one section per step in order whose command is the step's, each with
its output, the six tables and a picture (inline SVG where Graphviz is
installed).  With --browser, the page is loaded by headless Chromium at
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
        self.in_table = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        for k in ("src", "href"):
            if k in a and not a[k].startswith("#"):
                fail("a reference out of the page: %s=%s" % (k, a[k]))
        if tag == "section" and "step" in a.get("class", "").split():
            if int(a["data-step"]) != len(self.sections) + 1:
                fail("section %s out of order" % a["data-step"])
            self.sections.append([a["data-command"], set(), False, False])
        if self.sections and tag == "pre":
            if a.get("class") == "table":
                self.sections[-1][1].add(a["data-table"])
            if a.get("class") == "output":
                self.sections[-1][3] = True
        if self.sections and tag == "svg":
            self.sections[-1][2] = True
        if tag not in VOID:
            self.stack.append((tag, self.getpos()))

    def handle_startendtag(self, tag, attrs):
        pass                    # <path ... />: closed where it opens

    def handle_endtag(self, tag):
        if not self.stack or self.stack[-1][0] != tag:
            fail("</%s> at line %d closes %s" % (tag, self.getpos()[0],
                 self.stack[-1] if self.stack else "nothing"))
        self.stack.pop()


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


def main():
    args = sys.argv[1:]
    browser = None
    if "--browser" in args:
        i = args.index("--browser")
        browser = args[i + 1]
        del args[i:i + 2]
    uvmsim, script = args[0], args[1]
    arch = ["--arch", args[2]] if len(args) > 2 else []
    run = subprocess.run([uvmsim, "run"] + arch + [script],
                         capture_output=True, text=True)
    steps = re.findall(r"^\[(\d+)\] (.*)$", run.stdout, re.M)
    if not steps:
        fail("uvmsim run printed no step")
    tmp = tempfile.mkdtemp()
    try:
        out = os.path.join(tmp, "page.html")
        h = subprocess.run([uvmsim, "html"] + arch + ["-o", out, script],
                           capture_output=True, text=True)
        if h.returncode != run.returncode:
            fail("html exit status %d, run's %d: %s" % (h.returncode,
                 run.returncode, h.stderr))
        text = open(out, encoding="utf-8").read()
        if not text.startswith("<!DOCTYPE html>"):
            fail("no DOCTYPE")
        p = Page()
        p.feed(text)
        p.close()
        if p.stack:
            fail("elements left open: %s" % p.stack[-3:])
        if len(p.sections) != len(steps):
            fail("%d sections for %d steps" % (len(p.sections),
                 len(steps)))
        graphviz = shutil.which("dot") is not None
        for (n, cmd), (got, tables, svg, output) in zip(steps, p.sections):
            if got != cmd:
                fail("step %s: section says %r, run %r" % (n, got, cmd))
            if not output:
                fail("step %s: no output" % n)
            if n != "1" and tables != set(TABLES):
                fail("step %s: tables %s" % (n, sorted(tables)))
            if n != "1" and graphviz and not svg:
                fail("step %s: no picture" % n)
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
    print("html_check: %d steps: ok" % len(steps))


main()
