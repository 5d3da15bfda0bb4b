#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Table of ws/bench.sh: sandboxed overhead per mode, stock and ours.

The overhead of a sandboxed mode is computed per round, against the
unsandboxed measurement of the same round (rounds interleave every mode),
then summarised over all rounds of all boots: median, and min..max as the
spread.  The ratio is ours' median overhead over stock's.
"""
import argparse
import glob
import os
import re
import statistics


def load(path):
    raw, extra = {}, {}
    for line in open(path, errors='replace'):
        f = line.split()
        if line.startswith('raw '):
            fam, op, rules, rnd, ns = f[1], f[2], int(f[3]), int(f[4]), float(f[5])
            raw[(fam, op, rules, rnd)] = ns
        elif line.startswith('@@BENCH-SOCK-BLOB'):
            extra['blob'] = int(f[1])
        elif line.startswith('@@BENCH-LOCKS'):
            extra['locks_' + f[1]] = int(f[2])
    return raw, extra


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--clock', default='')
    ap.add_argument('--calls', type=int, default=2000)
    ap.add_argument('dir')
    args = ap.parse_args()

    over = {}   # (kind, fam, op, rules) -> [overhead % per round]
    base = {}   # (kind, fam, op) -> [unsandboxed ns]
    extras = {'stock': {}, 'ours': {}}
    boots = {'stock': 0, 'ours': 0}
    for path in sorted(glob.glob(os.path.join(args.dir, '*.log'))):
        kind = 'ours' if path.endswith('-ours.log') else 'stock'
        raw, extra = load(path)
        if not raw:
            raise SystemExit(f'no benchmark output in {path}')
        boots[kind] += 1
        extras[kind].update(extra)
        for (fam, op, rules, rnd), ns in raw.items():
            if rules == 0:
                base.setdefault((kind, fam, op), []).append(ns)
                continue
            ref = raw[(fam, op, 0, rnd)]
            over.setdefault((kind, fam, op, rules), []).append((ns / ref - 1) * 100)

    print(f'Landlock UDP benchmark: sandboxed overhead over unsandboxed, per call')
    print(f'time base: {args.clock}')
    print(f'boots: stock {boots["stock"]}, ours {boots["ours"]}; '
          'overhead = median over rounds and boots [min..max]')
    for kind in ('stock', 'ours'):
        blob = extras[kind].get('blob')
        print(f'{kind}: LSM socket blob {blob if blob is not None else "?"} bytes per socket'
              + (' (Landlock state word)' if kind == 'ours' else ''))
    sandboxed_calls = 2 * 3 * (1000 + 1000 // 10 + 1)
    for op in ('send', 'sendto'):
        s = extras['stock'].get('locks_' + op)
        o = extras['ours'].get('locks_' + op)
        if s is not None and o is not None:
            print(f'socket locks (__lock_sock_fast) during {sandboxed_calls} sandboxed '
                  f'{op}() on bound sockets: stock {s}, ours {o}')
    print()
    hdr = f'{"family":6} {"op":8} {"rules":>6} {"base ns":>9}  {"stock %":>22}  {"ours %":>22}  {"ratio":>6}'
    print(hdr)
    print('-' * len(hdr))

    def fmt(v):
        return f'{statistics.median(v):+6.2f} [{min(v):+6.2f}..{max(v):+6.2f}]'

    for fam in ('ipv4', 'ipv6'):
        for op in ('send', 'sendto', 'connect', 'bind'):
            for rules in (1, 100, 10000):
                s = over.get(('stock', fam, op, rules))
                o = over.get(('ours', fam, op, rules))
                if not s or not o:
                    continue
                b = statistics.median(base[('stock', fam, op)])
                sm, om = statistics.median(s), statistics.median(o)
                ratio = f'{om / sm:6.2f}' if abs(sm) > 0.05 else '   n/a'
                print(f'{fam:6} {op:8} {rules:6d} {b:9.0f}  {fmt(s)}  {fmt(o)}  {ratio}')


if __name__ == '__main__':
    main()
