#!/usr/bin/env python3
"""Fails when modules of one crate import each other in a circle (A uses B and B uses A, directly
or through a chain). Edges come from `use` paths and inline `crate::`/`super::` paths, resolved to
the deepest module that exists; test modules are ignored. Usage: module-cycles.py CRATE_DIR..."""
import os, re, sys

def modules(src):
    mods = {}
    for root, _, files in os.walk(src):
        for f in files:
            if not f.endswith('.rs'): continue
            p = os.path.join(root, f)
            if os.path.relpath(p, src) == 'main.rs' and os.path.exists(os.path.join(src, 'lib.rs')):
                continue  # the binary is a crate of its own
            rel = os.path.relpath(p, src)[:-3].split(os.sep)
            if rel[-1] in ('lib', 'main'): rel = rel[:-1]
            elif rel[-1] == 'mod': rel = rel[:-1]
            mods[tuple(rel)] = p
    # `#[path = "..."] mod name;` in the crate root: a file from outside this directory.
    for root_file in ('lib.rs', 'main.rs'):
        root = os.path.join(src, root_file)
        if not os.path.exists(root): continue
        for path, name in re.findall(r'#\[path\s*=\s*"([^"]+)"\]\s*(?:pub(?:\([^)]*\))?\s+)?mod\s+(\w+)\s*;', open(root).read()):
            mods[(name,)] = os.path.normpath(os.path.join(src, path))
        break
    return mods

def strip_comments(text):
    text = re.sub(r'//[^\n]*', '', text)
    return re.sub(r'/\*.*?\*/', '', text, flags=re.S)

def test_blocks_removed(text):
    # drop `#[cfg(test)] mod tests { ... }` bodies (rough: from the attribute to end of file if inline)
    m = re.search(r'#\[cfg\(test\)\]\s*mod\s+\w+\s*\{', text)
    return text[:m.start()] if m else text

def expand_use(path):
    # expand a::{b, c::{d}} into list of paths
    path = path.strip()
    m = re.match(r'^(.*?)\{(.*)\}$', path, re.S)
    if not m: return [path]
    prefix, inner = m.group(1), m.group(2)
    parts, depth, cur = [], 0, ''
    for ch in inner:
        if ch == '{': depth += 1
        if ch == '}': depth -= 1
        if ch == ',' and depth == 0: parts.append(cur); cur = ''
        else: cur += ch
    if cur.strip(): parts.append(cur)
    out = []
    for p in parts:
        out += expand_use(prefix + p.strip())
    return out

def resolve(cur, segs, mods):
    # cur: tuple module path of the file; segs: path segments
    if not segs: return None
    if segs[0] == 'crate': base, rest = (), segs[1:]
    elif segs[0] == 'super':
        base = cur; rest = segs
        while rest and rest[0] == 'super':
            base = base[:-1]; rest = rest[1:]
    elif segs[0] == 'self': base, rest = cur, segs[1:]
    elif cur + (segs[0],) in mods: base, rest = cur, segs  # a child module, by uniform path
    else: return None
    target = base
    for s in rest:
        s = s.split(' as ')[0].strip()
        if target + (s,) in mods: target = target + (s,)
        else: break
    return target

def crate_edges(src):
    mods = modules(src)
    edges = {m: set() for m in mods}
    for m, p in mods.items():
        text = test_blocks_removed(strip_comments(open(p).read()))
        if os.path.basename(p) == 'tests.rs': continue
        paths = []
        for u in re.findall(r'\buse\s+([^;]+);', text, re.S):
            paths += expand_use(u.replace('\n', ' '))
        paths += re.findall(r'\b((?:crate|super)(?:::\w+)+)', text)
        for path in paths:
            segs = [s.strip() for s in path.split('::') if s.strip()]
            t = resolve(m, segs, mods)
            if t is not None and t != m:
                # a module naturally "uses" its own children via `mod`; a child using its
                # ancestor is an edge to the ancestor
                edges[m].add(t)
    return mods, edges

def cycles(edges):
    # Tarjan SCC
    index, low, stack, on, out, i = {}, {}, [], set(), [], [0]
    sys.setrecursionlimit(10000)
    def strong(v):
        index[v] = low[v] = i[0]; i[0] += 1; stack.append(v); on.add(v)
        for w in edges.get(v, ()):
            if w not in index: strong(w); low[v] = min(low[v], low[w])
            elif w in on: low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop(); on.discard(w); comp.append(w)
                if w == v: break
            if len(comp) > 1: out.append(comp)
    for v in edges:
        if v not in index: strong(v)
    return out

bad = 0
for crate in sys.argv[1:]:
    src = os.path.join(crate, 'src')
    mods, edges = crate_edges(src)
    cs = cycles(edges)
    for c in cs:
        bad += 1
        names = ['::'.join(m) or '(root)' for m in c]
        print(f"{crate}: cycle: {' <-> '.join(sorted(names))}")
        for a in c:
            for b in edges[a]:
                if b in c:
                    print(f"    {'::'.join(a) or '(root)'} -> {'::'.join(b) or '(root)'}")
print(f"{bad} cycle(s)")
sys.exit(1 if bad else 0)
