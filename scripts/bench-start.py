#!/usr/bin/env python3
"""Process start before/after the split (BENCHMARKS.md, "Process start after the split"): `casevault --version` and an
unlocked `list --case` on a 1 000-document case, two binaries alternating, RUNS runs each after one warm-up; wall and
CPU (user + system) per run. Usage: scripts/bench-start.py BEFORE AFTER [RUNS] [PRELOAD-LIST]"""
import os, resource, statistics, subprocess, sys, tempfile, time, json, shutil
before, after = sys.argv[1], sys.argv[2]
RUNS = int(sys.argv[3]) if len(sys.argv) > 3 else 5
# Optional: a file listing libraries to LD_PRELOAD into the "before" runs (the split binary made to load what the
# unsplit one linked), when no unsplit build of the same kind is at hand.
PRELOAD = open(sys.argv[4]).read().split() if len(sys.argv) > 4 else None
work = tempfile.mkdtemp(prefix="split-bench-")

def cv(binary, env, *command, json_out=False):
    out = subprocess.run([binary, *command] + (["--json"] if json_out else []), env=env, check=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE).stdout
    return json.loads(out) if json_out else out

def timed(binary, env, *command):
    b = resource.getrusage(resource.RUSAGE_CHILDREN); t = time.perf_counter()
    subprocess.run([binary, *command], env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    w = time.perf_counter() - t; a = resource.getrusage(resource.RUSAGE_CHILDREN)
    return w * 1000, ((a.ru_utime - b.ru_utime) + (a.ru_stime - b.ru_stime)) * 1000

env = dict(os.environ, CASEVAULT_VAULT=os.path.join(work, "vault"), CASEVAULT_KEYS=os.path.join(work, "vault", "keys.json"))
for k in ("CASEVAULT_PASSPHRASE", "CASEVAULT_NEW_PASSPHRASE", "CASEVAULT_ADVOCATE"): env.pop(k, None)
B = before
cv(B, env, "init", "--no-passphrase", json_out=True)
org = cv(B, env, "org", "add", "Bench Org", json_out=True)["id"]
identity = os.path.join(work, "advocate.identity")
env["CASEVAULT_NEW_PASSPHRASE"] = "bench passphrase - not for real use"
adv = cv(B, env, "advocate", "add", "Bench Advocate", "--org", org, "--identity-out", identity, json_out=True)["id"]
env.pop("CASEVAULT_NEW_PASSPHRASE"); env["CASEVAULT_PASSPHRASE"] = "bench passphrase - not for real use"; env["CASEVAULT_KEYS"] = identity
person = cv(B, env, "person", "add", "--name", "Bench Client", "--dob", "1950-01-01", "--nhs-number", "9990000018", json_out=True)["id"]
case = cv(B, env, "case", "open", "--client", person, "--org", org, "--advocate", adv, "--nhs-body", "trust-X", json_out=True)["id"]
form = os.path.join(work, "form.txt"); open(form, "w").write("Signed consent form (benchmark)\n")
cv(B, env, "consent", "record", "--case", case, "--person", person, "--kind", "written_consent", "--grantee", org,
   "--actions", "view_documents,ingest_document,export_bundle", "--bodies", "trust-X", "--form", form, "--signed-on", time.strftime("%Y-%m-%d", time.gmtime(time.time() - 86400)))
docs = os.path.join(work, "docs"); os.makedirs(docs)
for i in range(1000):
    open(os.path.join(docs, f"note-{i:04d}.txt"), "w").write(f"Call note {i}: spoke to the ward.\n")
cv(B, env, "ingest", "--case", case, docs)
cv(B, env, "unlock", "--timeout", "15m")
try:
    assert len(cv(after, dict(env, CASEVAULT_PASSPHRASE="wrong"), "list", "--case", case, json_out=True)) == 1001
    results = {}
    for label, command in (("--version", ("--version",)), ("list --case, unlocked", ("list", "--case", case))):
        timed(before, dict(env, LD_PRELOAD=" ".join(PRELOAD)) if PRELOAD else env, *command); timed(after, env, *command)  # warm-up
        for _ in range(RUNS):
            for name, binary in (("before", before), ("after", after)):
                run_env = dict(env, LD_PRELOAD=" ".join(PRELOAD)) if PRELOAD and name == "before" else env
                results.setdefault((label, name), []).append(timed(binary, run_env, *command))
    for (label, name), values in results.items():
        walls = [w for w, _ in values]; cpus = [c for _, c in values]
        print(f"{label:24s} {name:6s} wall median {statistics.median(walls):6.1f} ms ({min(walls):.1f}-{max(walls):.1f})  "
              f"CPU median {statistics.median(cpus):6.1f} ms ({min(cpus):.1f}-{max(cpus):.1f})")
finally:
    subprocess.run([before, "lock"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    shutil.rmtree(work, ignore_errors=True)
