#!/usr/bin/env python3
"""Old against new `list`: builds (once) a vault of N tiny documents in one case with the OLD binary, then times
`list --case C` and `list` (no case) with both binaries alternately (CPU user+sys and wall, RUNS each after a warm-up),
checking that both print the same bytes.

    scripts/compare_list.py OLD/casevault NEW/casevault WORKDIR     # N=100000 RUNS=5 by default"""
import json, os, resource, statistics, subprocess, sys, time
OLD, NEW, WORK = sys.argv[1], sys.argv[2], sys.argv[3]
N = int(os.environ.get("N", "100000"))
RUNS = int(os.environ.get("RUNS", "5"))

def cv(binary, env, *command, json_out=False):
    out = subprocess.run([binary, *command] + (["--json"] if json_out else []), env=env, check=True,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE).stdout
    return json.loads(out) if json_out else out

env = dict(os.environ, CASEVAULT_VAULT=os.path.join(WORK, "vault"))
for k in ("CASEVAULT_PASSPHRASE", "CASEVAULT_NEW_PASSPHRASE", "CASEVAULT_ADVOCATE"):
    env.pop(k, None)
identity = os.path.join(WORK, "advocate.identity")
state = os.path.join(WORK, "state.json")
if not os.path.exists(state):
    env["CASEVAULT_KEYS"] = os.path.join(WORK, "vault", "keys.json")
    cv(OLD, env, "init", "--no-passphrase", json_out=True)
    org = cv(OLD, env, "org", "add", "Bench Org", json_out=True)["id"]
    adv = cv(OLD, env, "advocate", "add", "Bench Advocate", "--org", org, "--identity-out", identity, "--no-passphrase", json_out=True)["id"]
    env["CASEVAULT_KEYS"] = identity
    person = cv(OLD, env, "person", "add", "--name", "Bench Client", "--dob", "1950-01-01", "--nhs-number", "9990000018", json_out=True)["id"]
    case = cv(OLD, env, "case", "open", "--client", person, "--org", org, "--advocate", adv, "--nhs-body", "trust-X", json_out=True)["id"]
    form = os.path.join(WORK, "consent-form.txt")
    open(form, "w").write("Signed consent form (benchmark)\n")
    cv(OLD, env, "consent", "record", "--case", case, "--person", person, "--kind", "written_consent", "--grantee", org,
       "--actions", "view_documents,ingest_document,export_bundle", "--bodies", "trust-X", "--form", form,
       "--signed-on", time.strftime("%Y-%m-%d", time.gmtime(time.time() - 86400)))
    tiny = os.path.join(WORK, "tiny")
    os.makedirs(tiny, exist_ok=True)
    for i in range(N):
        with open(os.path.join(tiny, f"t{i:06d}.txt"), "w") as f:
            f.write(f"document {i}\n")
    t = time.time()
    subprocess.run([OLD, "ingest", "--case", case, tiny], env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    print(f"ingest {N}: {time.time() - t:.0f} s", file=sys.stderr)
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
