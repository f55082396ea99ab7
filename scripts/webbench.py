#!/usr/bin/env python3
"""Page timings of the web interface with a 1 000-document case (issue 22: server time <= 100 ms per page, p95).

    scripts/webbench.py                              # release build (make webbench)
    scripts/webbench.py --bin .build/debug --documents 100 --requests 10   # a smoke run

Sets up a private PostgreSQL cluster and a vault on it (scripts/serverkit.py): one organisation, a manager, an
advocate with a passphrase-protected identity, one case with a signed consent, complaint dates (so deadlines are
worked out), five notes and N documents (2-8 KB letters, ingested in one command). One `casevault serve` instance.
The advocate signs in through the API and asks each page over one kept-alive HTTPS connection, in turn, after five
warm-up requests; the manager asks the activity log. Times are the client's, on loopback, from sending the request to
the last byte of the page: they include TLS and Python's own work, so the server's time is at most these. Each answer
must be 200 and hold what it should (the case page every document), or the run fails."""
import argparse, base64, json, os, random, statistics, sys, time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from serverkit import ROOT, Rig, fail  # noqa: E402

p = argparse.ArgumentParser()
p.add_argument("--bin", default=os.path.join(ROOT, ".build/release"))
p.add_argument("--documents", type=int, default=1000)
p.add_argument("--requests", type=int, default=100)
args = p.parse_args()
PASSPHRASE = "web bench passphrase - not for real use"
rig = Rig("webbench", args.bin)
try:
    started = time.time()
    database = rig.start_database()
    env = rig.environment()
    rig.cv(env, "init", "--admin", "Bench Admin", "--no-passphrase", "--database", database)
    org = rig.cv(env, "org", "add", "Bench Advocacy")["id"]
    people = {}
    for who, role in (("manager", "manager"), ("advocate", "advocate")):
        identity = os.path.join(rig.keys, f"{who}.identity")
        # The manager is the organisation's first member; the advocate awaits the manager's confirmation.
        made = rig.add_confirmed(env, people.get("manager", {}).get("env"), f"Bench {who.title()}", org, identity, passphrase=PASSPHRASE, role=role)
        people[who] = {"id": made, "identity": identity, "env": dict(env, CASEVAULT_KEYS=identity, CASEVAULT_PASSPHRASE=PASSPHRASE)}
    advocate = people["advocate"]["env"]
    client = rig.cv(advocate, "person", "add", "--name", "Margaret Bench", "--dob", "1946-03-14")["id"]
    case = rig.cv(advocate, "case", "open", "--client", client, "--org", org, "--advocate", people["advocate"]["id"], "--nhs-body", "trust-X",
                  "--incident-date", "2026-06-01", "--complaint-date", "2026-08-01")["id"]
    form = os.path.join(rig.work, "form.txt")
    with open(form, "w") as f:
        f.write("I consent to Bench Advocacy acting on my complaint. Signed and dated.\n")
    yesterday = time.strftime("%Y-%m-%d", time.gmtime(time.time() - 86400))
    rig.cv(advocate, "consent", "record", "--case", case, "--person", client, "--kind", "written_consent", "--grantee", org,
           "--actions", "view_documents,ingest_document,export_bundle,check_deadlines", "--bodies", "trust-X", "--form", form,
           "--signed-on", yesterday)
    for n in range(5):
        rig.cv(advocate, "note", "add", "--case", case, f"Phoned the ward about the discharge, call {n + 1}.")
    folder = os.path.join(rig.work, "letters")
    os.makedirs(folder)
    rng = random.Random(22)
    for n in range(args.documents):
        with open(os.path.join(folder, f"letter-{n:04d}.txt"), "w") as f:
            f.write(f"Letter {n}\nDear Complaints Team,\n" + "The ward notes continue, and the discharge was too early. " * rng.randint(35, 140))
    stored = rig.cv(advocate, "ingest", "--case", case, folder)
    documents = [d["id"] for d in stored if d.get("status") == "stored"]
    if len(documents) != args.documents:
        fail("webbench", f"{len(documents)} of {args.documents} documents were stored")
    rig.serve(env, database)
    print(f"set-up: one case of {args.documents} documents (+ the consent form), {time.time() - started:.0f} s")

    def sign_in(who):
        c = rig.connection(rig.ports[0])
        identity = base64.b64encode(open(people[who]["identity"], "rb").read()).decode()
        c.request("POST", "/api/v1/login", body=json.dumps({"identity": identity, "passphrase": PASSPHRASE}),
                  headers={"Content-Type": "application/json"})
        reply = c.getresponse()
        body = reply.read()
        if reply.status != 200:
            fail("webbench", f"sign-in of the {who}: {reply.status} {body[:200]!r}")
        return c, {"Cookie": "__Host-casevault-session=" + json.loads(body)["token"]}

    pages = [
        ("advocate", "My cases", "/cases", lambda html: "Margaret Bench" in html),
        ("advocate", f"a case of {args.documents} documents", f"/cases/{case}", lambda html: html.count('href="/documents/') >= args.documents),
        ("advocate", "a document (2-8 KB letter)", f"/documents/{documents[len(documents) // 2]}", lambda html: "Dear Complaints Team" in html),
        ("advocate", "accounts", "/accounts", lambda html: "Bench Manager" in html),
        # The newest 100 events: the reads of the pages above, and a link to the older ones (the ingests).
        ("manager", "activity log", "/audit", lambda html: "Read a document" in html and "Older events" in html),
    ]
    sessions = {who: sign_in(who) for who in people}
    results, failures = [], []
    for who, name, path, holds in pages:
        c, headers = sessions[who]
        times = []
        for n in range(5 + args.requests):
            start = time.perf_counter()
            c.request("GET", path, headers=headers)
            reply = c.getresponse()
            body = reply.read()
            elapsed = time.perf_counter() - start
            if reply.status != 200 or not holds(body.decode("utf-8", "replace")):
                failures.append(f"{name}: {reply.status} {body[:300]!r}")
                break
            if n >= 5:
                times.append(elapsed)
        if times:
            times.sort()
            results.append((name, len(times), statistics.median(times), times[min(len(times) - 1, int(len(times) * 0.95))], times[-1]))

    print(f"{'page':34s} {'requests':>8s} {'p50 ms':>8s} {'p95 ms':>8s} {'max ms':>8s}")
    for name, count, p50, p95, worst in results:
        print(f"{name:34s} {count:8d} {p50 * 1000:8.1f} {p95 * 1000:8.1f} {worst * 1000:8.1f}")
    print(f"load average at the end: {os.getloadavg()[0]:.1f}; failures: {len(failures)}")
    for failure in failures:
        print(f"  {failure}")
    sys.exit(1 if failures else 0)
finally:
    rig.cleanup()
