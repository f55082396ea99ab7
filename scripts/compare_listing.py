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

def cv(env, *command, json_out=False):
    out = subprocess.run([BIN, *command] + (["--json"] if json_out else []), env=env, check=True,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE).stdout
    return json.loads(out) if json_out else out

base = dict(os.environ)
for k in ("CASEVAULT_PASSPHRASE", "CASEVAULT_NEW_PASSPHRASE", "CASEVAULT_ADVOCATE"):
    base.pop(k, None)
identity = os.path.join(WORK, "advocate.identity")
state = os.path.join(WORK, "state.json")
sealed_vault, rows_vault = os.path.join(WORK, "vault"), os.path.join(WORK, "vault-rows")
if not os.path.exists(state):
    env = dict(base, CASEVAULT_VAULT=sealed_vault, CASEVAULT_KEYS=os.path.join(sealed_vault, "keys.json"))
    cv(env, "init", "--no-passphrase", json_out=True)
    org = cv(env, "org", "add", "Bench Org", json_out=True)["id"]
    adv = cv(env, "advocate", "add", "Bench Advocate", "--org", org, "--identity-out", identity, "--no-passphrase", json_out=True)["id"]
    env["CASEVAULT_KEYS"] = identity
    person = cv(env, "person", "add", "--name", "Bench Client", "--dob", "1950-01-01", "--nhs-number", "9990000018", json_out=True)["id"]
    case = cv(env, "case", "open", "--client", person, "--org", org, "--advocate", adv, "--nhs-body", "trust-X", json_out=True)["id"]
    form = os.path.join(WORK, "consent-form.txt")
    open(form, "w").write("Signed consent form (benchmark)\n")
    cv(env, "consent", "record", "--case", case, "--person", person, "--kind", "written_consent", "--grantee", org,
       "--actions", "view_documents,ingest_document,export_bundle", "--bodies", "trust-X", "--form", form,
       "--signed-on", time.strftime("%Y-%m-%d", time.gmtime(time.time() - 86400)))
    tiny = os.path.join(WORK, "tiny")
    os.makedirs(tiny, exist_ok=True)
    for i in range(N):
        with open(os.path.join(tiny, f"t{i:06d}.txt"), "w") as f:
            f.write(f"document {i}\n")
    t = time.time()
    subprocess.run([BIN, "ingest", "--case", case, tiny], env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    print(f"ingest {N}: {time.time() - t:.0f} s", file=sys.stderr)
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
