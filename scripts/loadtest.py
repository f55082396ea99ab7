#!/usr/bin/env python3
"""Load test of the team server (issue 21), loopback only, bounded in count and time.

    scripts/loadtest.py                          # 50 advocates, two server instances on one database, 60 s (make loadtest)
    scripts/loadtest.py --advocates 5 --seconds 5 --bin .build/debug   # a smoke run

Sets up a private PostgreSQL 15 cluster and a vault on it in a temporary folder: one organisation, a manager (who
opens the cases, records each client's signed consent and ingests a 20 KB letter) and N advocates, each with their
own passphrase-protected identity and one assigned case. Starts two `casevault serve` instances on one database and
one vault folder. Each advocate logs in to one instance (alternately) and for the duration mixes, over one kept-alive
HTTPS connection: reads of a letter (80 %), uploads of a new 2-20 KB document (10 %) and consent reads (10 %).

Then checks what must hold: no request failed, every upload that was answered "stored" is listed once in its case and
nothing else was added (no lost or duplicated document), and `casevault verify --read-data` (documents, audit chain
with both instances' events, state ledger) is clean. Prints throughput and p50/p99 latency per endpoint. Python's
client shares the two cores with both servers and PostgreSQL, so the rates are a floor, not the servers' ceiling."""
import argparse, base64, http.client, json, os, random, shutil, signal, ssl, statistics, subprocess, sys, tempfile, threading, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
p = argparse.ArgumentParser()
p.add_argument("--bin", default=os.path.join(ROOT, ".build/release"))
p.add_argument("--advocates", type=int, default=50)
p.add_argument("--seconds", type=float, default=60)
p.add_argument("--instances", type=int, default=2)
args = p.parse_args()
CASEVAULT = os.path.join(args.bin, "casevault")
PASSPHRASE = "load test passphrase - not for real use"
PG_BIN = "/usr/lib/postgresql/15/bin"


def fail(message):
    print(f"loadtest: error: {message}", file=sys.stderr)
    sys.exit(1)


for program in ("casevault", "casevault-server"):
    if not os.access(os.path.join(args.bin, program), os.X_OK):
        fail(f"{program} is not built in {args.bin} (swift build -c release builds it)")
if not os.access(os.path.join(PG_BIN, "initdb"), os.X_OK):
    subprocess.run([os.path.join(ROOT, "scripts/ensure-deps.sh"), "postgresql"], check=True)

work = tempfile.mkdtemp(prefix="casevault-load-")
os.chmod(work, 0o711)
as_pg = ["/usr/sbin/runuser", "-u", "postgres", "--"] if os.getuid() == 0 else []
pg_root = os.path.join(work, "pg")
socket_dir = os.path.join(pg_root, "socket")
os.makedirs(socket_dir)
if as_pg:
    shutil.chown(pg_root, "postgres", "postgres")
    shutil.chown(socket_dir, "postgres", "postgres")
os.chmod(pg_root, 0o700)
pg_port = random.randint(20000, 60000)
servers = []


def pg(program, *arguments):
    subprocess.run(as_pg + [os.path.join(PG_BIN, program), *arguments], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def cleanup():
    for server in servers:
        if server.poll() is None:
            server.send_signal(signal.SIGTERM)
            try:
                server.wait(30)
            except subprocess.TimeoutExpired:
                server.kill()
    subprocess.run(as_pg + [os.path.join(PG_BIN, "pg_ctl"), "-D", os.path.join(pg_root, "data"), "-m", "immediate", "-w", "stop"],
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    shutil.rmtree(work, ignore_errors=True)


def cv(env, *command):
    result = subprocess.run([CASEVAULT, *command, "--json"], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    if result.returncode != 0:
        fail(f"casevault {' '.join(command[:2])} failed: {result.stderr.decode()[-500:]}")
    return json.loads(result.stdout) if result.stdout.strip() else {}


try:
    # --- set-up -------------------------------------------------------------------------------------------------
    started = time.time()
    pg("initdb", "-D", os.path.join(pg_root, "data"), "-U", "casevault", "--auth=trust", "-E", "UTF8", "--locale=C", "-N")
    pg("pg_ctl", "-D", os.path.join(pg_root, "data"), "-l", os.path.join(pg_root, "server.log"), "-w", "-t", "60", "-o",
       f"-k {socket_dir} -c listen_addresses= -p {pg_port} -c max_connections=200", "start")
    pg("createdb", "-h", socket_dir, "-p", str(pg_port), "-U", "casevault", "casevault")
    database = f"postgresql://casevault@/casevault?host={socket_dir}&port={pg_port}"
    keys = os.path.join(work, "keys")
    os.makedirs(keys, mode=0o700)
    env = {k: v for k, v in os.environ.items() if not k.startswith("CASEVAULT_")}
    env.update(CASEVAULT_VAULT=os.path.join(work, "vault"), CASEVAULT_KEYS=os.path.join(keys, "admin.identity"))
    cv(env, "init", "--admin", "Load Admin", "--no-passphrase", "--database", database)
    org = cv(env, "org", "add", "Load Test Advocacy")["id"]
    manager_keys = os.path.join(keys, "manager.identity")
    cv(env, "advocate", "add", "Lee Manager", "--org", org, "--role", "manager", "--identity-out", manager_keys, "--no-passphrase")
    advocates = []
    for i in range(args.advocates):
        identity = os.path.join(keys, f"adv{i}.identity")
        made = cv(dict(env, CASEVAULT_NEW_PASSPHRASE=PASSPHRASE), "advocate", "add", f"Advocate {i:02d}", "--org", org, "--identity-out", identity)
        advocates.append({"id": made["id"], "identity": identity})
    manager = dict(env, CASEVAULT_KEYS=manager_keys)
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
    cert, key = os.path.join(work, "cert.pem"), os.path.join(work, "key.pem")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", key,
                    "-out", cert, "-days", "1", "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1"],
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    ports = []
    for n in range(args.instances):
        port = random.randint(20000, 60000)
        config = os.path.join(work, f"server{n}.json")
        with open(config, "w") as f:
            json.dump({"listen": {"host": "127.0.0.1", "port": port}, "vault": env["CASEVAULT_VAULT"], "database": database,
                       "tls": {"certificate": cert, "key": key}}, f)
        log = open(os.path.join(work, f"server{n}.log"), "w")
        servers.append(subprocess.Popen([CASEVAULT, "serve", "--config", config], env=env, stdout=log, stderr=log))
        ports.append(port)
    context = ssl.create_default_context(cafile=cert)

    def connection(port):
        return http.client.HTTPSConnection("127.0.0.1", port, context=context, timeout=60)

    for port in ports:
        for _ in range(600):
            try:
                c = connection(port)
                c.request("GET", "/health")
                if c.getresponse().status == 200:
                    break
            except OSError:
                time.sleep(0.1)
        else:
            log = open(os.path.join(work, f"server{ports.index(port)}.log")).read()[-1500:]
            fail(f"the server on port {port} did not start; the end of its log:\n{log}")
    print(f"set-up: {args.advocates} advocates, {args.instances} instances, {time.time() - started:.0f} s")

    # --- the run ------------------------------------------------------------------------------------------------
    latencies = {}
    errors = []
    lock = threading.Lock()
    barrier = threading.Barrier(args.advocates)

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
    print(f"run: {wall:.1f} s wall for {args.seconds:.0f} s of requests; errors: {len(errors)}; verify --read-data exit {verified.returncode}")
    for error in errors[:20]:
        print(f"  {error}")
    if verified.returncode != 0:
        print(verified.stdout.decode()[-2000:])
    sys.exit(0 if not errors and verified.returncode == 0 else 1)
finally:
    cleanup()
