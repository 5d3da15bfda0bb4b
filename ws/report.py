#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Summarise one test boot: KUnit results from the console, kselftest
results from the result port, both parsed with the kernel's own KTAP
parser (tools/testing/kunit/kunit_parser.py).

    ws/report.py SRC_DIR RUN_DIR [KNOWN_FAILURES]

Prints one line per suite (and one for the records of
audit_records_test, which it feeds to "ausearch -i") and ends with
"N passed, N failed, N skipped".  Exits 1 on any failure: a failed case,
a suite that printed nothing or did not finish, a crash or a timeout, a
kernel splat that ws/known-splats does not allow, a kmemleak report, a
guest that saw fewer CPUs than it was given, or a record that ausearch
does not read as expected.  KNOWN_FAILURES lists "suite.case  reason"
lines for cases that cannot pass in this VM; they are reported (with
their reason) and not counted as failures.
"""
import io
import os
import re
import sys


def leaves(test, path=()):
    """Yield (path, status) for every test case (a test without subtests)."""
    if not test.subtests:
        yield path, test.status
        return
    for sub in test.subtests:
        yield from leaves(sub, path + (sub.name,))


def parse(kunit_parser, lines):
    """Parse KTAP lines; return (test, errors) without printing."""
    from kunit_printer import Printer
    printer = Printer(print=False, output=io.StringIO())
    test = kunit_parser.parse_run_tests(lines, printer)
    return test


# The socket family that ausearch -i must print for each record of
# ws/guest/audit_records_test.c, in its order, and what else the
# interpreted record must hold (the dedicated blocker of an AF_UNSPEC
# destination on an IPv6 socket; the IPv4 destination on a dual-stack
# one).
AUSEARCH_RECORDS = [
    ('inet', ''),
    ('inet6', ''),
    ('unix', ''),
    ('inet6', ' blockers=net.connect_send_udp_unspec '),
    ('inet6', ' blockers=net.connect_send_udp daddr=127.0.0.1 '),
]


def check_ausearch(lines, totals, problems, rows):
    """Feed the captured records to ausearch -i; account one case per
    record: its interpreted "fam" must be the expected family, with the
    expected blocker or address, and no "family" field (auparse reads it
    as a netfilter protocol)."""
    import subprocess
    import tempfile
    records = [l.split('@@LL-RECORD ', 1)[1] for l in lines
               if '@@LL-RECORD ' in l]
    p = f = 0
    if len(records) != len(AUSEARCH_RECORDS):
        problems.append(f'  FAIL: ausearch: {len(records)} record(s) '
                        f'captured, {len(AUSEARCH_RECORDS)} expected')
        f += 1
    with tempfile.NamedTemporaryFile('w', suffix='.log') as log:
        log.write(''.join(r + '\n' for r in records))
        log.flush()
        try:
            res = subprocess.run(['ausearch', '-i', '-if', log.name],
                                 capture_output=True, text=True)
            interpreted = [l for l in res.stdout.splitlines()
                           if l.startswith('type=')]
        except FileNotFoundError:
            problems.append('  FAIL: ausearch: not installed (auditd)')
            interpreted = []
    for i, (fam, holds) in enumerate(AUSEARCH_RECORDS[:len(records)]):
        line = interpreted[i] if i < len(interpreted) else ''
        got = re.findall(r' fam=(\S+)', line)
        if got == [fam] and holds in line and ' family=' not in line:
            p += 1
        else:
            f += 1
            problems.append(f'  FAIL: ausearch.{fam}: interpreted as '
                            f'{line or "nothing"!r}')
    totals['passed'] += p
    totals['failed'] += f
    rows.append(('ausearch -i', p, f, 0))


def main():
    src, run = sys.argv[1], sys.argv[2]
    known = {}
    if len(sys.argv) > 3 and os.path.exists(sys.argv[3]):
        for line in open(sys.argv[3]):
            line = line.strip()
            if line and not line.startswith('#'):
                name, _, why = line.partition(' ')
                known[name] = why.strip()
    sys.path.insert(0, os.path.join(src, 'tools/testing/kunit'))
    import kunit_parser
    from kunit_parser import TestStatus

    def read(name):
        try:
            with open(os.path.join(run, name), errors='replace') as f:
                return [l.rstrip('\r\n').replace('\r', '') for l in f]
        except FileNotFoundError:
            return []

    console, out = read('console.log'), read('out.log')
    totals = {'passed': 0, 'failed': 0, 'skipped': 0}
    problems = []
    skipped = []
    rows = []

    def account(suite, test, crashed=None):
        p = f = s = 0
        for path, status in leaves(test):
            name = suite + '.' + '.'.join(path) if path else suite
            if status == TestStatus.SUCCESS:
                p += 1
            elif status == TestStatus.SKIPPED:
                s += 1
                skipped.append(f'  skip: {name}')
            elif name in known:
                s += 1
                problems.append(f'  known: {name}: {known[name]}')
            else:
                f += 1
                problems.append(f'  FAIL: {name} ({status.name})')
        if test.counts.errors and not crashed:
            f += 1
            problems.append(f'  FAIL: {suite}: {test.counts.errors} KTAP error(s)')
        if p + f + s == 0 and not crashed:
            crashed = 'no test result'
        if crashed:
            f += 1
            problems.append(f'  FAIL: {suite}: {crashed}')
        totals['passed'] += p
        totals['failed'] += f
        totals['skipped'] += s
        rows.append((suite, p, f, s))

    # --- KUnit: every suite the kernel ran at boot.
    kunit = parse(kunit_parser, console)
    if kunit.name == '<missing>' or not kunit.subtests:
        account('kunit', kunit, 'no KUnit output on the console')
    else:
        for suite in kunit.subtests:
            account('kunit:' + suite.name, suite)
        # A Rust build runs the doctests of rust/kernel/net/socket.rs
        # (ws/test.config): fail if a configuration change lost them.
        names = {suite.name: suite for suite in kunit.subtests}
        if 'landlock_net_rust' in names:
            doc = names.get('rust_doctests_kernel')
            cases = [t.name for t in doc.subtests] if doc else []
            if not any(c.startswith('rust_doctest_kernel_net_socket_rs_') for c in cases):
                account('kunit:rust_doctests_kernel:net_socket', kunit_parser.Test(),
                        'the doctests of rust/kernel/net/socket.rs did not run')

    # --- kselftests: the blocks between @@LL-BEGIN and @@LL-END.
    expected = []
    tests_file = os.path.join(run, 'TESTS')
    blocks, cur = {}, None
    for line in out:
        m = re.match(r'@@LL-BEGIN (\S+)', line)
        if m:
            cur = m.group(1)
            blocks[cur] = {'lines': [], 'rc': None}
            expected.append(cur)
            continue
        m = re.match(r'@@LL-END (\S+) (\d+)', line)
        if m and cur:
            blocks[cur]['rc'] = int(m.group(2))
            cur = None
            continue
        if cur:
            blocks[cur]['lines'].append(line)
    if os.path.exists(tests_file):
        expected = open(tests_file).read().split()
    if not expected:
        account('kselftest', kunit_parser.Test(), 'no kselftest ran')
    for name in expected:
        b = blocks.get(name)
        suite = 'kselftest:landlock:' + name
        if b is None:
            account(suite, kunit_parser.Test(), 'never started')
            continue
        test = parse(kunit_parser, b['lines'])
        crashed = None
        if b['rc'] is None:
            crashed = 'did not finish (guest crash or timeout)'
        elif b['rc'] == 124:
            crashed = 'timed out'
        elif b['rc'] not in (0, 4):  # 4: KSFT_SKIP
            if not any(st not in (TestStatus.SUCCESS, TestStatus.SKIPPED)
                       for _, st in leaves(test)):
                crashed = f'exit status {b["rc"]}'
        account(suite, test, crashed)

    # --- Landlock's records as the audit tools read them: the records that
    # audit_records_test printed, through "ausearch -i" (auparse).
    if 'audit_records_test' in blocks:
        check_ausearch(blocks['audit_records_test']['lines'], totals,
                       problems, rows)

    if any('@@LL-TIMEOUT' in l for l in out):
        problems.append('  FAIL: the guest timed out')
        totals['failed'] += 1
    # Every kernel splat fails the run, unless ws/known-splats allows it
    # (a splat of the base, shown on the stock twin: "regex  reason").
    allowed = []
    splat_file = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                              'known-splats')
    if os.path.exists(splat_file):
        for line in open(splat_file):
            line = line.strip()
            if line and not line.startswith('#'):
                allowed.append(re.compile(line.split('  ')[0]))
    splat = re.compile(
        r'Kernel panic|BUG:|WARNING:|Oops|KASAN:|UBSAN:|KCSAN:|'
        r'possible circular locking|possible recursive locking|'
        r'inconsistent lock state|suspicious RCU usage|'
        r'rcu_(preempt|sched) (self-)?detected stall|'
        r'INFO: task .* blocked|rust_panic|panicked at|'
        r'ODEBUG:|list_(add|del) corruption|kmemleak: .*suspected memory leak')
    for l in console:
        l = l.strip()
        if splat.search(l) and not any(a.search(l) for a in allowed):
            problems.append('  FAIL: kernel splat: ' + l)
            totals['failed'] += 1
            break
    leak = False
    for l in out:
        if l.startswith('@@LL-KMEMLEAK-'):
            leak = l == '@@LL-KMEMLEAK-BEGIN'
        elif leak and 'unreferenced object' in l:
            problems.append('  FAIL: kmemleak: ' + l.strip())
            totals['failed'] += 1
            break

    # The guest must have seen every vCPU it was given (race tests need
    # at least 2 CPUs online).
    want_cpus = read('cpus')
    got = [l.split()[1] for l in out if l.startswith('@@LL-CPUS ')]
    if want_cpus and (not got or int(got[0]) < int(want_cpus[0])):
        problems.append(f'  FAIL: the guest saw {got[0] if got else "no"} '
                        f'CPU(s), {want_cpus[0]} given')
        totals['failed'] += 1

    width = max(len(r[0]) for r in rows)
    for suite, p, f, s in rows:
        print(f'{suite:<{width}}  {p:4d} passed  {f:3d} failed  {s:3d} skipped')
    # Skip reasons, as the tests gave them.
    reasons = {}
    for line in out:
        m = re.match(r'ok \d+ (\S+) # SKIP (.*)', line)
        if m:
            reasons[m.group(1)] = m.group(2)
    for line in skipped:
        why = next((r for n, r in reasons.items() if line.endswith('.' + n)), '')
        print(line + (f' ({why})' if why else ''))
    for line in problems:
        print(line)
    print(f"{totals['passed']} passed, {totals['failed']} failed, "
          f"{totals['skipped']} skipped")
    return 1 if totals['failed'] else 0


if __name__ == '__main__':
    sys.exit(main())
