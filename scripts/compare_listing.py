#!/usr/bin/env python3
"""`list` from the sealed listings against `list` from the rows, one binary: builds (once) a vault of N tiny documents
in one case (the ingest writes the case's sealed listing), copies it and deletes the copy's `document_listing` rows
with sqlite3 (so that copy is listed from the rows, the code path every earlier release used), then times
`list --case C` and `list` (no case) on both alternately (CPU user+sys and wall, RUNS each after a warm-up), checking
that both print the same bytes.

    scripts/compare_listing.py BIN/casevault WORKDIR     # N=100000 RUNS=5 by default"""
import json, os, shutil, sqlite3, sys
BIN, WORK = sys.argv[1], sys.argv[2]
N = int(os.environ.get("N", "100000"))
RUNS = int(os.environ.get("RUNS", "5"))

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from listbench import build, compare  # noqa: E402

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

compare([(name, BIN, dict(base, CASEVAULT_VAULT=vault, CASEVAULT_KEYS=identity))
         for name, vault in [("rows", rows_vault), ("sealed", sealed_vault)]], case, RUNS)
