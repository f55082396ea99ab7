"""The vault both listing comparisons time (scripts/compare_list.py, scripts/compare_listing.py): one organisation, one
advocate with a key file without a passphrase, one client with a signed consent, and N tiny documents of one date in
one case, ingested in one call. Built once per WORKDIR (state.json remembers the case)."""
import json, os, subprocess, sys, time


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
