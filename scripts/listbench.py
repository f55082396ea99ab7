"""The vault both listing comparisons time (scripts/compare_list.py, scripts/compare_listing.py): one organisation, one
advocate with a key file without a passphrase, one client with a signed consent, and N tiny documents of one date in
one case, ingested in one call. Built once per WORKDIR (state.json remembers the case)."""
import json, os, resource, statistics, subprocess, sys, time


def cv(binary, env, *command, json_out=False):
    out = subprocess.run([binary, *command] + (["--json"] if json_out else []), env=env, check=True,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE).stdout
    return json.loads(out) if json_out else out


def build(binary, env, vault, work, n):
    """Makes the vault at `vault` with `binary` (env without keys); returns (case id, the advocate's identity path)."""
    identity = os.path.join(work, "advocate.identity")
    env = dict(env, CASEVAULT_VAULT=vault, CASEVAULT_KEYS=os.path.join(vault, "keys.json"))
    cv(binary, env, "init", "--no-passphrase", json_out=True)
    org = cv(binary, env, "org", "add", "Bench Org", json_out=True)["id"]
    adv = cv(binary, env, "advocate", "add", "Bench Advocate", "--org", org, "--identity-out", identity, "--no-passphrase", json_out=True)["id"]
    env["CASEVAULT_KEYS"] = identity
    person = cv(binary, env, "person", "add", "--name", "Bench Client", "--dob", "1950-01-01", "--nhs-number", "9990000018", json_out=True)["id"]
    case = cv(binary, env, "case", "open", "--client", person, "--org", org, "--advocate", adv, "--nhs-body", "trust-X", json_out=True)["id"]
    form = os.path.join(work, "consent-form.txt")
    open(form, "w").write("Signed consent form (benchmark)\n")
    cv(binary, env, "consent", "record", "--case", case, "--person", person, "--kind", "written_consent", "--grantee", org,
       "--actions", "view_documents,ingest_document,export_bundle", "--bodies", "trust-X", "--form", form,
       "--signed-on", time.strftime("%Y-%m-%d", time.gmtime(time.time() - 86400)))
    tiny = os.path.join(work, "tiny")
    os.makedirs(tiny, exist_ok=True)
    for i in range(n):
        with open(os.path.join(tiny, f"t{i:06d}.txt"), "w") as f:
            f.write(f"document {i}\n")
    t = time.time()
    subprocess.run([binary, "ingest", "--case", case, tiny], env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    print(f"ingest {n}: {time.time() - t:.0f} s", file=sys.stderr)
    return case, identity


def timed(binary, env, args):
    """(wall s, CPU s of the child, its output) of one run."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    out = subprocess.run([binary, *args], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env, check=True).stdout
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime), out


def compare(sides, case, runs):
    """Times `list --case CASE` and `list` on each side (name, binary, env) alternately, `runs` times after a warm-up,
    says whether the sides printed the same bytes, and prints CPU and wall medians per command and side."""
    results = {}
    for label, args in [("list --case", ["list", "--case", case]), ("list", ["list"])]:
        outs = [timed(binary, env, args)[2] for _, binary, env in sides]  # warm-up
        same = all(out == outs[0] for out in outs)
        print(f"{label}: output {'identical' if same else 'DIFFERS'} ({' vs '.join(str(len(o)) for o in outs)} bytes)", file=sys.stderr)
        for _ in range(runs):
            for name, binary, env in sides:
                wall, cpu, _ = timed(binary, env, args)
                results.setdefault((label, name), []).append((wall, cpu))
    for (label, name), values in results.items():
        walls = [w * 1000 for w, _ in values]
        cpus = [c * 1000 for _, c in values]
        print(f"{label:12} {name}: CPU ms median {statistics.median(cpus):.0f} ({min(cpus):.0f}-{max(cpus):.0f})  "
              f"wall ms median {statistics.median(walls):.0f} ({min(walls):.0f}-{max(walls):.0f})")
