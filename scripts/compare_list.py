#!/usr/bin/env python3
"""Old against new `list`: builds (once) a vault of N tiny documents in one case with the OLD binary, then times
`list --case C` and `list` (no case) with both binaries alternately (CPU user+sys and wall, RUNS each after a warm-up),
checking that both print the same bytes.

    scripts/compare_list.py OLD/casevault NEW/casevault WORKDIR     # N=100000 RUNS=5 by default"""
import json, os, sys
OLD, NEW, WORK = sys.argv[1], sys.argv[2], sys.argv[3]
N = int(os.environ.get("N", "100000"))
RUNS = int(os.environ.get("RUNS", "5"))

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from listbench import build, compare  # noqa: E402

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

compare([("old", OLD, env), ("new", NEW, env)], case, RUNS)
