#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Table of ws/bench.sh: the cost of Landlock's network hooks, stock and ours.

Per boot and round, a sandboxed mode's overhead is its time per call minus
the unsandboxed time of the same mode in the same round (rounds interleave
every mode).  Boots of stock and ours are paired in order (boot b of stock
with boot b of ours), and so are their rounds: the ratio of a pair is ours'
overhead over stock's.  The last column compares the sandboxed calls
themselves, ours over stock's: a kernel whose unsandboxed call is cheaper
shows a larger overhead for the same sandboxed cost.  Every figure is the
median over all pairs, with [min..max] as its spread.  The unsandboxed rows
compare the time per call of ours with stock's: the cost our hooks add to
tasks that are not sandboxed.  Boots of ours built without Rust (the C
hooks of the same semantics, "c") are paired with ours the same way: the
last table compares the Rust hooks with the C ones.

The first table (udp_bench -d) is what a domain costs: kernel memory per
domain (slab objects at their cache's size, large kmalloc() and vmalloc
pages, over many domains), and the time of the landlock_restrict_self()
call creating it, whose ratio pairs the rounds of paired boots as above.
"""
import argparse
import glob
import os
import statistics

OPS = ('send', 'send-auto', 'send-auto-no0', 'sendto', 'sendto-auto',
       'connect', 'connect-auto', 'bind', 'tcp-connect', 'tcp-bind')
CONFIGS = ('1', '100', '10000', '16x10000')


def load(path):
    raw, extra = {}, {}
    for line in open(path, errors='replace'):
        f = line.split()
        if line.startswith('raw ') and len(f) == 6:
            raw[(f[1], f[2], f[3], int(f[4]))] = float(f[5])
        elif line.startswith('domain ') and len(f) == 6:
            extra.setdefault('domain', {})[
                (int(f[1]), int(f[2]), int(f[3]))] = (int(f[4]), float(f[5]))
        elif line.startswith('@@BENCH-SOCK-BLOB'):
            extra['blob'] = int(f[1])
        elif line.startswith('@@BENCH-LOCKS'):
            extra['locks_' + f[1]] = (int(f[2]), int(f[3]))
        elif line.startswith('@@BENCH-CPUS'):
            extra['cpus'] = int(f[1])
    return raw, extra


def spread_pct(v):
    """Spread of a list of values: (max - min) / median, in percent."""
    m = statistics.median(v)
    return (max(v) - min(v)) / m * 100 if m else 0.0


def fmt(v, width=7, prec=2, sign=True):
    s = '+' if sign else ''
    return (f'{statistics.median(v):{s}{width}.{prec}f} '
            f'[{min(v):{s}.{prec}f}..{max(v):{s}.{prec}f}]')


def domain_table(boots):
    """What a domain costs, stock, ours and C, from the -d lines."""
    doms = {k: [e.get('domain', {}) for e in extras_list]
            for k, extras_list in boots.items()}
    if not any(doms['stock']) or not any(doms['ours']):
        return
    keys = sorted({(r, n) for d in doms['ours'] for r, n, _ in d})

    def per(kind, r, n, i):
        return [v[i] for d in doms[kind] for (rr, nn, _), v in d.items()
                if (rr, nn) == (r, n)]

    def ratio(kind, r, n):
        out = []
        for s, o in zip(doms['stock'], doms[kind]):
            for (rr, nn, rd), v in s.items():
                if (rr, nn) == (r, n) and (rr, nn, rd) in o and v[1] > 0:
                    out.append(o[(rr, nn, rd)][1] / v[1])
        return out

    print()
    print('What a domain costs: kernel memory per domain (bytes: slab objects '
          'at their cache\'s size, large kmalloc() and vmalloc pages) and '
          'landlock_restrict_self() time, ours / stock')
    hdr = (f'{"rights":>6} {"rules":>6} {"stock B":>20} {"ours B":>20} '
           f'{"ours-stock B":>13} {"C-stock B":>10} {"stock ns":>9} '
           f'{"restrict ours/stock":>24} {"restrict C/stock":>24}')
    print(hdr)
    print('-' * len(hdr))
    for r, n in keys:
        sb, ob = per('stock', r, n, 0), per('ours', r, n, 0)
        cb = per('c', r, n, 0)
        row = (f'{r:6} {n:6} {fmt(sb, 6, 0, False):>20} '
               f'{fmt(ob, 6, 0, False):>20} '
               f'{statistics.median(ob) - statistics.median(sb):+13.0f} ')
        row += (f'{statistics.median(cb) - statistics.median(sb):+10.0f} '
                if cb else f'{"":>10} ')
        row += f'{statistics.median(per("stock", r, n, 1)):9.0f} '
        row += f'{fmt(ratio("ours", r, n), 6, 3, False):>24} '
        c = ratio('c', r, n)
        row += f'{fmt(c, 6, 3, False):>24}' if c else ''
        print(row)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--clock', default='')
    ap.add_argument('--calls', type=int, default=2000)
    ap.add_argument('dir')
    args = ap.parse_args()

    runs = {'stock': [], 'ours': [], 'c': []}
    extras = {'stock': {}, 'ours': {}, 'c': {}}
    boots = {'stock': [], 'ours': [], 'c': []}
    for path in sorted(glob.glob(os.path.join(args.dir, '*.log'))):
        kind = path.rsplit('-', 1)[-1][:-len('.log')]
        if kind not in runs:
            kind = 'stock'
        raw, extra = load(path)
        if not raw:
            raise SystemExit(f'no benchmark output in {path}')
        runs[kind].append(raw)
        extras[kind].update(extra)
        boots[kind].append(extra)
    pairs = list(zip(runs['stock'], runs['ours']))
    if not pairs:
        raise SystemExit('no pair of stock and ours boots')

    def series(fam, op, cfg, pairs=pairs):
        """Per pair of rounds: (first ns, second ns, first base, second
        base), the first kernel of each pair being stock (or C)."""
        out = []
        for s, o in pairs:
            for (f, p, c, r), ns in s.items():
                if (f, p, c) != (fam, op, cfg) or (f, p, c, r) not in o:
                    continue
                out.append((ns, o[(f, p, c, r)], s.get((f, p, '0', r)),
                            o.get((f, p, '0', r))))
        return out

    print('Landlock network benchmark: time per call, stock 7.3 and ours, '
          'same binary')
    print(f'time base: {args.clock}')
    cpus = {k: extras[k].get('cpus', '?') for k in extras}
    print(f'boots: stock {len(runs["stock"])}, ours {len(runs["ours"])} '
          f'(CPUs online: stock {cpus["stock"]}, ours {cpus["ours"]}); '
          f'{args.calls} calls per measurement')
    print('figures: median over paired rounds [min..max]')
    for kind in ('stock', 'ours', 'c'):
        if not runs[kind]:
            continue
        blob = extras[kind].get('blob')
        print(f'{kind}: LSM socket blob {blob if blob is not None else "?"} '
              'bytes per socket')
    domain_table(boots)
    for op in ('send', 'send-auto', 'sendto-auto'):
        s = extras['stock'].get('locks_' + op)
        o = extras['ours'].get('locks_' + op)
        if s and o:
            print(f'socket locks (__lock_sock_fast) during {s[1]} sandboxed {op}(): '
                  f'stock {s[0]}, ours {o[0]}')

    # Unsandboxed: ours against stock.
    print()
    print('Unsandboxed calls (no Landlock domain): ours / stock')
    hdr = f'{"family":6} {"op":13} {"stock ns":>24} {"ours ns":>24} {"ours/stock":>26}'
    print(hdr)
    print('-' * len(hdr))
    worst_spread = 0.0
    for fam in ('ipv4', 'ipv6'):
        for op in OPS:
            v = series(fam, op, '1')
            if not v:
                continue
            sb = [x[2] for x in v]
            ob = [x[3] for x in v]
            ratio = [o / s for s, o in zip(sb, ob)]
            worst_spread = max(worst_spread, spread_pct(sb), spread_pct(ob))
            print(f'{fam:6} {op:13} {fmt(sb, 7, 0, False):>24} '
                  f'{fmt(ob, 7, 0, False):>24} {fmt(ratio, 6, 4, False):>26}')

    # Sandboxed: overhead over unsandboxed, and ours' over stock's.
    print()
    print('Sandboxed overhead (time per call minus the unsandboxed one of the '
          'same round), and ours / stock')
    hdr = (f'{"family":6} {"op":13} {"rules":>8} {"stock ns":>9} '
           f'{"stock overhead %":>25} {"ours overhead %":>25} {"ours/stock":>24} '
           f'{"sandboxed ours/stock":>26}')
    print(hdr)
    print('-' * len(hdr))
    for fam in ('ipv4', 'ipv6'):
        for op in OPS:
            for cfg in CONFIGS:
                v = series(fam, op, cfg)
                if not v or any(x[2] is None or x[3] is None for x in v):
                    continue
                so = [(s - sb) / sb * 100 for s, o, sb, ob in v]
                oo = [(o - ob) / sb * 100 for s, o, sb, ob in v]
                ratio = [(o - ob) / (s - sb) if s - sb > 0 else float('nan')
                         for s, o, sb, ob in v]
                worst_spread = max(worst_spread, spread_pct([x[0] for x in v]),
                                   spread_pct([x[1] for x in v]))
                base = statistics.median([x[2] for x in v])
                r = [x for x in ratio if x == x]
                rs = fmt(r, 6, 2) if len(r) == len(ratio) else '   n/a (stock <= 0)'
                absr = [o / s for s, o, sb, ob in v]
                print(f'{fam:6} {op:13} {cfg:>8} {base:9.0f} {fmt(so):>25} '
                      f'{fmt(oo):>25} {rs:>24} {fmt(absr, 6, 4, False):>26}')
    # Rust against C: the same semantics, ours built with and without Rust.
    cpairs = list(zip(runs['c'], runs['ours']))
    if cpairs:
        print()
        print('Rust hooks against C hooks (ours built without Rust): time per '
              'call, Rust / C')
        hdr = (f'{"family":6} {"op":13} {"rules":>8} {"C ns":>9} '
               f'{"C overhead %":>25} {"Rust overhead %":>25} '
               f'{"sandboxed Rust/C":>26} {"unsandboxed Rust/C":>26}')
        print(hdr)
        print('-' * len(hdr))
        for fam in ('ipv4', 'ipv6'):
            for op in OPS:
                for cfg in ('1', '10000'):
                    v = series(fam, op, cfg, cpairs)
                    if not v or any(x[2] is None or x[3] is None for x in v):
                        continue
                    co = [(c - cb) / cb * 100 for c, o, cb, ob in v]
                    ro = [(o - ob) / cb * 100 for c, o, cb, ob in v]
                    worst_spread = max(worst_spread,
                                       spread_pct([x[0] for x in v]))
                    base = statistics.median([x[0] for x in v])
                    print(f'{fam:6} {op:13} {cfg:>8} {base:9.0f} {fmt(co):>25} '
                          f'{fmt(ro):>25} '
                          f'{fmt([o / c for c, o, cb, ob in v], 6, 4, False):>26} '
                          f'{fmt([ob / cb for c, o, cb, ob in v], 6, 4, False):>26}')

    print()
    print(f'largest spread of any measurement over its rounds and boots: '
          f'{worst_spread:.2f} % of its median')


if __name__ == '__main__':
    main()
