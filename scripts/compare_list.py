#!/usr/bin/env python3
"""Old against new `list`: builds (once) a vault of N tiny documents in one case with the OLD binary, then times
`list --case C` and `list` (no case) with both binaries alternately (CPU user+sys and wall, RUNS each after a warm-up),
checking that both print the same bytes.

    scripts/compare_list.py OLD/casevault NEW/casevault WORKDIR     # N=100000 RUNS=5 by default"""
import json, os, resource, statistics, subprocess, sys, time
OLD, NEW, WORK = sys.argv[1], sys.argv[2], sys.argv[3]
N = int(os.environ.get("N", "100000"))
RUNS = int(os.environ.get("RUNS", "5"))

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from listbench import build  # noqa: E402

env = dict(os.environ, CASEVAULT_VAULT=os.path.join(WORK, "vault"))
for k in ("CASEVAULT_PASSPHRASE", "CASEVAULT_NEW_PASSPHRASE", "CASEVAULT_ADVOCATE"):
    env.pop(k, None)
identity = os.path.join(WORK, "advocate.identity")
state = os.path.join(WORK, "state.json")
if not os.path.exists(state):
    case, _ = build(OLD, env, os.path.join(WORK, "vault"), WORK, N)
    json.dump({"case": case}, open(state, "w"))
env["CASEVAULT_KEYS"] = identity
case = json.load(open(state))["case"]

def timed(command):
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    out = subprocess.run(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env, check=True).stdout
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime), out

results = {}
for label, args in [("list --case", ["list", "--case", case]), ("list", ["list"])]:
    outs = {}
    for name, binary in [("old", OLD), ("new", NEW)]:
        _, _, outs[name] = timed([binary, *args])  # warm-up
    if outs["old"] != outs["new"]:
        print(f"{label}: OUTPUT DIFFERS ({len(outs['old'])} vs {len(outs['new'])} bytes)", file=sys.stderr)
    else:
        print(f"{label}: output identical ({len(outs['new'])} bytes)", file=sys.stderr)
    for _ in range(RUNS):
        for name, binary in [("old", OLD), ("new", NEW)]:
            wall, cpu, _ = timed([binary, *args])
            results.setdefault((label, name), []).append((wall, cpu))
for (label, name), values in results.items():
    walls = [w * 1000 for w, _ in values]
    cpus = [c * 1000 for _, c in values]
    print(f"{label:12} {name}: CPU ms median {statistics.median(cpus):.0f} ({min(cpus):.0f}-{max(cpus):.0f})  "
          f"wall ms median {statistics.median(walls):.0f} ({min(walls):.0f}-{max(walls):.0f})")
