#!/usr/bin/python3
# CPU seconds of the processes under one PID (usually `npx playwright test`), by Chromium process type
# (--type / --utility-sub-type; renderers rewrite their command line into one spaced title) and by
# node script, printed as JSON when killed (SIGTERM/SIGINT). Usage:
#   npx playwright test --workers=1 tests/e2e/journey.e2e.ts & python3 scripts/cpu-by-type.py $! & ...; kill -TERM <it>
import os, sys, time, signal, json
HZ = os.sysconf('SC_CLK_TCK')
seen = {}  # pid -> (type, last ticks)
totals = {}
ROOT = int(sys.argv[1])
def ppid(pid):
    s = open(f'/proc/{pid}/stat').read()
    return int(s[s.rindex(')')+2:].split()[1])
def under(pid):
    while pid > 1:
        if pid == ROOT: return True
        pid = ppid(pid)
    return False
def classify(pid):
    if not under(pid): return None
    try:
        cmd = open(f'/proc/{pid}/cmdline','rb').read().replace(b'\0', b' ').split(b' ')
    except Exception: return None
    exe = os.path.basename(cmd[0].decode(errors='ignore')) if cmd and cmd[0] else ''
    if 'chrom' in exe:
        t = 'browser'
        for a in cmd:
            if a.startswith(b'--type='): t = a[7:].decode()
            if a.startswith(b'--utility-sub-type='): t = 'utility:' + a.split(b'=')[1].decode().split('.')[-1]
        return t
    if exe == 'node': return 'node:' + ' '.join(a.decode(errors='ignore') for a in cmd[1:4])[-60:]
    return None
def ticks(pid):
    s = open(f'/proc/{pid}/stat').read()
    f = s[s.rindex(')')+2:].split()
    return int(f[11]) + int(f[12])
def sample():
    for p in os.listdir('/proc'):
        if not p.isdigit(): continue
        pid = int(p)
        try:
            if pid not in seen:
                t = classify(pid)
                if t is None: continue
                seen[pid] = [t, 0]
            t, last = seen[pid]
            t = classify(pid) or t
            seen[pid][0] = t
            now = ticks(pid)
            totals[t] = totals.get(t, 0) + (now - last)
            seen[pid][1] = now
        except Exception:
            pass
def out(*a):
    print(json.dumps({k: round(v / HZ, 1) for k, v in sorted(totals.items(), key=lambda x: -x[1])}))
    sys.exit(0)
signal.signal(signal.SIGTERM, out); signal.signal(signal.SIGINT, out)
while True:
    sample(); time.sleep(0.5)
