#!/usr/bin/env python3
"""`list` from the sealed listings against `list` from the rows, one binary: builds (once) a vault of N tiny documents
in one case (the ingest writes the case's sealed listing), copies it and deletes the copy's `document_listing` rows
with sqlite3 (so that copy is listed from the rows, the code path every earlier release used), then times
`list --case C` and `list` (no case) on both alternately (CPU user+sys and wall, RUNS each after a warm-up), checking
that both print the same bytes.

    scripts/compare_listing.py BIN/casevault WORKDIR     # N=100000 RUNS=5 by default"""
import json, os, resource, shutil, sqlite3, statistics, subprocess, sys, time
BIN, WORK = sys.argv[1], sys.argv[2]
N = int(os.environ.get("N", "100000"))
RUNS = int(os.environ.get("RUNS", "5"))

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from listbench import build  # noqa: E402

base = dict(os.environ)
for k in ("CASEVAULT_PASSPHRASE", "CASEVAULT_NEW_PASSPHRASE", "CASEVAULT_ADVOCATE"):
    base.pop(k, None)
identity = os.path.join(WORK, "advocate.identity")
state = os.path.join(WORK, "state.json")
sealed_vault, rows_vault = os.path.join(WORK, "vault"), os.path.join(WORK, "vault-rows")
if not os.path.exists(state):
    case, _ = build(BIN, base, sealed_vault, WORK, N)
    shutil.copytree(sealed_vault, rows_vault)
    db = sqlite3.connect(os.path.join(rows_vault, "vault.db"))
    db.execute("DELETE FROM consent_records WHERE record_type = 'document_listing'")
    db.commit()
    db.close()
    json.dump({"case": case}, open(state, "w"))
case = json.load(open(state))["case"]

def timed(vault, command):
    env = dict(base, CASEVAULT_VAULT=vault, CASEVAULT_KEYS=identity)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    out = subprocess.run([BIN, *command], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env, check=True).stdout
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime), out

results = {}
for label, args in [("list --case", ["list", "--case", case]), ("list", ["list"])]:
    outs = {name: timed(vault, args)[2] for name, vault in [("rows", rows_vault), ("sealed", sealed_vault)]}  # warm-up
    same = outs["rows"] == outs["sealed"]
    print(f"{label}: output {'identical' if same else 'DIFFERS'} ({len(outs['rows'])} vs {len(outs['sealed'])} bytes)", file=sys.stderr)
    for _ in range(RUNS):
        for name, vault in [("rows", rows_vault), ("sealed", sealed_vault)]:
            wall, cpu, _ = timed(vault, args)
            results.setdefault((label, name), []).append((wall, cpu))
for (label, name), values in results.items():
    walls = [w * 1000 for w, _ in values]
    cpus = [c * 1000 for _, c in values]
    print(f"{label:12} {name}: CPU ms median {statistics.median(cpus):.0f} ({min(cpus):.0f}-{max(cpus):.0f})  "
          f"wall ms median {statistics.median(walls):.0f} ({min(walls):.0f}-{max(walls):.0f})")
