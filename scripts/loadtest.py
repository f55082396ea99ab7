#!/usr/bin/env python3
"""Load test of the team server (issue 21), loopback only, bounded in count and time.

    scripts/loadtest.py                          # 50 advocates, two server instances on one database, 60 s (make loadtest)
    scripts/loadtest.py --advocates 5 --seconds 5 --bin .build/debug   # a smoke run

Sets up a private PostgreSQL 15 cluster and a vault on it in a temporary folder: one organisation, a manager (who
opens the cases, records each client's signed consent and ingests a 20 KB letter) and N advocates, each with their
own passphrase-protected identity (renewed and confirmed by the manager) and one assigned case. Starts two
`casevault serve` instances on one database and one vault folder. Each advocate logs in to one instance (alternately) and for the duration mixes, over one kept-alive
HTTPS connection: reads of a letter (80 %), uploads of a new 2-20 KB document (10 %) and consent reads (10 %).

Then checks what must hold: no request failed, every upload that was answered "stored" is listed once in its case and
nothing else was added (no lost or duplicated document), and `casevault verify --read-data` (documents, audit chain
with both instances' events, state ledger) is clean. Prints throughput and p50/p99 latency per endpoint. Python's
client shares the two cores with both servers and PostgreSQL, so the rates are a floor, not the servers' ceiling."""
import argparse, base64, json, os, random, signal, statistics, subprocess, sys, threading, time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from serverkit import ROOT, Rig, fail as kit_fail  # noqa: E402

p = argparse.ArgumentParser()
p.add_argument("--bin", default=os.path.join(ROOT, ".build/release"))
p.add_argument("--advocates", type=int, default=50)
p.add_argument("--seconds", type=float, default=60)
p.add_argument("--instances", type=int, default=2)
args = p.parse_args()
PASSPHRASE = "load test passphrase - not for real use"
rig = Rig("loadtest", args.bin)
CASEVAULT, work, keys, servers = rig.casevault, rig.work, rig.keys, rig.servers


def fail(message):
    kit_fail("loadtest", message)


def cv(env, *command):
    return rig.cv(env, *command)


try:
    # --- set-up -------------------------------------------------------------------------------------------------
    started = time.time()
    database = rig.start_database()
    env = rig.environment()
    cv(env, "init", "--admin", "Load Admin", "--no-passphrase", "--database", database)
    org = cv(env, "org", "add", "Load Test Advocacy")["id"]
    manager_keys = os.path.join(keys, "manager.identity")
    cv(env, "advocate", "add", "Lee Manager", "--org", org, "--role", "manager", "--identity-out", manager_keys, "--no-passphrase")
    manager = dict(env, CASEVAULT_KEYS=manager_keys)
    advocates = []
    for i in range(args.advocates):
        identity = os.path.join(keys, f"adv{i}.identity")
        made = rig.add_confirmed(env, manager, f"Advocate {i:02d}", org, identity, passphrase=PASSPHRASE)
        advocates.append({"id": made, "identity": identity})
    form = os.path.join(work, "form.txt")
    with open(form, "w") as f:
        f.write("I consent to Load Test Advocacy acting on my complaint. Signed, dated; NHS number on file.\n")
    yesterday = time.strftime("%Y-%m-%d", time.gmtime(time.time() - 86400))
    letter_text = ("Dear Complaints Team,\n" + "The ward notes continue, and the discharge was too early. " * 340)[:20_000] + "\n"
    for i, advocate in enumerate(advocates):
        person = cv(manager, "person", "add", "--name", f"Client Number{i:02d}", "--dob", "1950-01-01")["id"]
        case = cv(manager, "case", "open", "--client", person, "--org", org, "--advocate", advocate["id"], "--nhs-body", "trust-X")["id"]
        cv(manager, "consent", "record", "--case", case, "--person", person, "--kind", "written_consent", "--grantee", org,
           "--actions", "view_documents,ingest_document,export_bundle", "--bodies", "trust-X", "--form", form, "--signed-on", yesterday)
        letter = os.path.join(work, f"letter{i}.txt")
        with open(letter, "w") as f:
            f.write(letter_text.replace("Dear", f"Dear ({i})", 1))
        stored = cv(manager, "ingest", "--case", case, letter)
        advocate.update(case=case, letter=stored[0]["id"], expected=None)
    rig.serve(env, database, instances=args.instances)
    ports = rig.ports

    def connection(port):
        return rig.connection(port)

    print(f"set-up: {args.advocates} advocates, {args.instances} instances, {time.time() - started:.0f} s")

    # --- the run ------------------------------------------------------------------------------------------------
    latencies = {}
    errors = []
    lock = threading.Lock()
    # CPU seconds (user + system) of the servers, PostgreSQL and this client from when every advocate has logged in
    # (the logins' scrypt is left out) to the end of the run, so a request's cost can be read off, not guessed.
    cpu_at_start = {}
    barrier = threading.Barrier(args.advocates, action=lambda: cpu_at_start.update(rig.cpu_seconds()))

    def worker(index, advocate):
        port = ports[index % len(ports)]
        c = connection(port)
        identity = base64.b64encode(open(advocate["identity"], "rb").read()).decode()
        c.request("POST", "/api/v1/login", body=json.dumps({"identity": identity, "passphrase": PASSPHRASE}),
                  headers={"Content-Type": "application/json"})
        reply = c.getresponse()
        body = reply.read()
        if reply.status != 200:
            with lock:
                errors.append(f"login of advocate {index}: {reply.status} {body[:200]!r}")
            barrier.abort()
            return
        headers = {"Authorization": "Bearer " + json.loads(body)["token"]}
        stored, rng = [], random.Random(index)
        barrier.wait()
        deadline = time.monotonic() + args.seconds
        sequence = 0
        while time.monotonic() < deadline:
            roll = rng.random()
            if roll < 0.8:
                name, method, path, data, extra = "read a 20 KB letter", "GET", f"/api/v1/documents/{advocate['letter']}/content", None, {}
            elif roll < 0.9:
                sequence += 1
                data = (f"Note {index}-{sequence}: phoned the ward. " * rng.randint(50, 500)).encode()
                name, method, path = "upload 2-20 KB", "POST", f"/api/v1/cases/{advocate['case']}/documents"
                extra = {"X-Document-Name": f"note-{index}-{sequence}.txt", "Content-Type": "application/octet-stream"}
            else:
                name, method, path, data, extra = "consent list", "GET", f"/api/v1/cases/{advocate['case']}/consents", None, {}
            start = time.perf_counter()
            try:
                c.request(method, path, body=data, headers={**headers, **extra})
                reply = c.getresponse()
                body = reply.read()
            except OSError as error:
                with lock:
                    errors.append(f"{name} ({index}): {error}")
                c = connection(port)
                continue
            elapsed = time.perf_counter() - start
            ok = reply.status in (200, 201)
            if ok and method == "POST":
                result = json.loads(body)
                if result.get("status") == "stored":
                    stored.append(result["id"])
                else:
                    ok = False
            if ok and name.startswith("read") and len(body) != len(letter_text) + len(f" ({index})"):
                ok = False
            with lock:
                latencies.setdefault(name, []).append(elapsed)
                if not ok:
                    errors.append(f"{name} ({index}): {reply.status} {body[:200]!r}")
        c.request("GET", f"/api/v1/cases/{advocate['case']}/documents", headers=headers)
        listed = [d["id"] for d in json.loads(c.getresponse().read())["documents"]]
        c.request("POST", "/api/v1/logout", headers=headers)
        c.getresponse().read()
        # The consent form, the letter and every upload answered "stored", each once; nothing else.
        expected = sorted(stored + [advocate["letter"]])
        others = sorted(d for d in listed if d not in expected)
        with lock:
            if len(listed) != len(set(listed)) or any(d not in listed for d in expected) or len(others) != 1:
                errors.append(f"case of advocate {index}: listed {len(listed)}, expected {len(expected)} + the consent form; "
                              f"missing {[d for d in expected if d not in listed]}, others {others}")

    threads = [threading.Thread(target=worker, args=(i, a)) for i, a in enumerate(advocates)]
    run_started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - run_started
    cpu_used = {part: seconds - cpu_at_start.get(part, 0) for part, seconds in rig.cpu_seconds().items()}
    load = os.getloadavg()

    for server in servers:
        server.send_signal(signal.SIGTERM)
        server.wait(60)
    verified = subprocess.run([CASEVAULT, "verify", "--read-data"], env=manager, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)

    # --- report -------------------------------------------------------------------------------------------------
    print(f"{'endpoint':24s} {'requests':>9s} {'per s':>8s} {'p50 ms':>8s} {'p99 ms':>8s}")
    for name, values in sorted(latencies.items()):
        values.sort()
        p99 = values[min(len(values) - 1, int(len(values) * 0.99))]
        print(f"{name:24s} {len(values):9d} {len(values) / args.seconds:8.1f} {statistics.median(values) * 1000:8.1f} {p99 * 1000:8.1f}")
    requests = sum(len(values) for values in latencies.values())
    print("CPU during the run: " + ", ".join(f"{part} {seconds:.1f} s" for part, seconds in cpu_used.items())
          + f"; servers {1000 * cpu_used['servers'] / max(requests, 1):.2f} ms per request ({requests} requests); "
          + f"load average {load[0]:.1f} {load[1]:.1f} {load[2]:.1f}")
    print(f"run: {wall:.1f} s wall for {args.seconds:.0f} s of requests; errors: {len(errors)}; verify --read-data exit {verified.returncode}")
    for error in errors[:20]:
        print(f"  {error}")
    if verified.returncode != 0:
        print(verified.stdout.decode()[-2000:])
    sys.exit(0 if not errors and verified.returncode == 0 else 1)
finally:
    rig.cleanup()
