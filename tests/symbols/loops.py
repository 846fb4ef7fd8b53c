#!/usr/bin/env python3
"""loops.py: files of a layer that call each other round in a loop.

    loops.py NM OBJECT ...

Reads each object's defined and undefined symbols with NM, draws an arrow
from a file to every other given file that defines a symbol it uses, and
prints each set of two or more files that reach one another by the
arrows (a strongly connected component), with the arrows inside it and
the symbols behind them.  Files outside the given ones are not looked
at: a call out of the layer is no part of a loop within it.

Exit status: 0 and "loops: none" when there is none; 1 when there is one
or more; 2 on a bad argument or a failed NM.
"""
import os
import subprocess
import sys


def symbols(nm, obj):
    """(defined, undefined) global symbols of obj."""
    proc = subprocess.run([nm, obj], capture_output=True, text=True)
    if proc.returncode != 0:
        sys.exit("loops: %s %s: %s" % (nm, obj, proc.stderr.strip()))
    defined, undefined = set(), set()
    for line in proc.stdout.splitlines():
        f = line.split()
        if len(f) == 3 and f[1] in "TDBRC":
            defined.add(f[2])
        elif len(f) == 2 and f[0] == "U":
            undefined.add(f[1])
    return defined, undefined


def components(nodes, arrows):
    """Tarjan's strongly connected components, iteratively, in the
    order the files were given."""
    index, low, stack, on, out, n = {}, {}, [], set(), [], 0
    for root in nodes:
        if root in index:
            continue
        work = [(root, iter(sorted(arrows[root])))]
        index[root] = low[root] = n
        n += 1
        stack.append(root)
        on.add(root)
        while work:
            v, it = work[-1]
            w = next(it, None)
            if w is not None:
                if w not in index:
                    index[w] = low[w] = n
                    n += 1
                    stack.append(w)
                    on.add(w)
                    work.append((w, iter(sorted(arrows[w]))))
                elif w in on:
                    low[v] = min(low[v], index[w])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[v])
            if low[v] == index[v]:
                comp = []
                while True:
                    w = stack.pop()
                    on.discard(w)
                    comp.append(w)
                    if w == v:
                        break
                out.append(sorted(comp))
    return out


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__.split("\n\n")[1].strip())
    nm, objs = sys.argv[1], sys.argv[2:]
    names, owner, uses = [], {}, {}
    for obj in objs:
        name = os.path.basename(obj)
        for ext in (".o", ".obj"):
            if name.endswith(ext):
                name = name[:-len(ext)]
        names.append(name)
        defined, uses[name] = symbols(nm, obj)
        for s in defined:
            owner[s] = name
    arrows = {a: {} for a in names}
    for a in names:
        for s in uses[a]:
            b = owner.get(s)
            if b is not None and b != a:
                arrows[a].setdefault(b, []).append(s)
    loops = [c for c in components(names, arrows) if len(c) > 1]
    for c in loops:
        print("loop of %d files: %s" % (len(c), " ".join(c)))
        for a in c:
            for b in sorted(arrows[a]):
                if b in c:
                    print("  %s -> %s: %s" % (a, b,
                                              ", ".join(sorted(arrows[a][b]))))
    if loops:
        return 1
    print("loops: none among %d files" % len(names))
    return 0


if __name__ == "__main__":
    sys.exit(main())
