"""What the server's measuring scripts share (scripts/loadtest.py, scripts/webbench.py):
a private PostgreSQL 15 cluster in a temporary folder, `casevault` with --json, a self-signed certificate, and
`casevault serve` instances started and stopped. Loopback only; everything is removed at the end."""
import json, os, random, shutil, signal, ssl, subprocess, sys, tempfile, time, http.client

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PG_BIN = "/usr/lib/postgresql/15/bin"


def fail(tool, message):
    print(f"{tool}: error: {message}", file=sys.stderr)
    sys.exit(1)


class Rig:
    """A temporary folder with a PostgreSQL cluster, a vault on it and the servers started on it."""

    def __init__(self, tool, binaries):
        self.tool, self.casevault = tool, os.path.join(binaries, "casevault")
        for program in ("casevault", "casevault-server"):
            if not os.access(os.path.join(binaries, program), os.X_OK):
                fail(tool, f"{program} is not built in {binaries} (swift build -c release builds it)")
        if not os.access(os.path.join(PG_BIN, "initdb"), os.X_OK):
            subprocess.run([os.path.join(ROOT, "scripts/ensure-deps.sh"), "postgresql"], check=True)
        self.work = tempfile.mkdtemp(prefix=f"casevault-{tool}-")
        os.chmod(self.work, 0o711)
        self.as_pg = ["/usr/sbin/runuser", "-u", "postgres", "--"] if os.getuid() == 0 else []
        self.pg_root = os.path.join(self.work, "pg")
        self.socket_dir = os.path.join(self.pg_root, "socket")
        os.makedirs(self.socket_dir)
        if self.as_pg:
            shutil.chown(self.pg_root, "postgres", "postgres")
            shutil.chown(self.socket_dir, "postgres", "postgres")
        os.chmod(self.pg_root, 0o700)
        self.servers, self.ports = [], []
        self.keys = os.path.join(self.work, "keys")
        os.makedirs(self.keys, mode=0o700)

    def pg(self, program, *arguments):
        subprocess.run(self.as_pg + [os.path.join(PG_BIN, program), *arguments], check=True, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL)

    def start_database(self):
        port = random.randint(20000, 60000)
        data = os.path.join(self.pg_root, "data")
        self.pg("initdb", "-D", data, "-U", "casevault", "--auth=trust", "-E", "UTF8", "--locale=C", "-N")
        self.pg("pg_ctl", "-D", data, "-l", os.path.join(self.pg_root, "server.log"), "-w", "-t", "60", "-o",
                f"-k {self.socket_dir} -c listen_addresses= -p {port} -c max_connections=200", "start")
        self.pg("createdb", "-h", self.socket_dir, "-p", str(port), "-U", "casevault", "casevault")
        return f"postgresql://casevault@/casevault?host={self.socket_dir}&port={port}"

    def environment(self):
        env = {k: v for k, v in os.environ.items() if not k.startswith("CASEVAULT_")}
        env.update(CASEVAULT_VAULT=os.path.join(self.work, "vault"), CASEVAULT_KEYS=os.path.join(self.keys, "admin.identity"))
        return env

    def cv(self, env, *command):
        result = subprocess.run([self.casevault, *command, "--json"], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        if result.returncode != 0:
            fail(self.tool, f"casevault {' '.join(command[:2])} failed: {result.stderr.decode()[-500:]}")
        return json.loads(result.stdout) if result.stdout.strip() else {}

    def add_confirmed(self, env, confirmer, name, org, identity, passphrase=None, role="advocate"):
        """Adds an advocate and has them trusted, as a service does: the administrator writes their identity file; an
        account added to an organisation that already has a member awaits confirmation, so the newcomer renews it (with
        `passphrase`, else none) and reads out the new fingerprint, and `confirmer` (a member of the organisation who
        may confirm) checks it and confirms. The organisation's first member only sets `passphrase`. Returns the id."""
        made = self.cv(env, "advocate", "add", name, "--org", org, "--role", role, "--identity-out", identity, "--no-passphrase")
        own = {k: v for k, v in env.items() if k not in ("CASEVAULT_PASSPHRASE", "CASEVAULT_NEW_PASSPHRASE")}
        own["CASEVAULT_KEYS"] = identity
        if passphrase is not None:
            own["CASEVAULT_NEW_PASSPHRASE"] = passphrase
        if not made["awaiting_confirmation"]:
            # The organisation's first member is trusted as added; only the passphrase is theirs to set.
            if passphrase is not None:
                self.cv(own, "passwd")
            return made["id"]
        renewed = self.cv(own, "identity", "renew", *(["--no-passphrase"] if passphrase is None else []))
        self.cv(confirmer, "advocate", "confirm", made["id"], "--fingerprint", renewed["fingerprint"])
        return made["id"]

    def serve(self, env, database, instances=1):
        """Starts the servers and waits for /health; returns an SSL context trusting their certificate."""
        self.cert, key = os.path.join(self.work, "cert.pem"), os.path.join(self.work, "key.pem")
        subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", key,
                        "-out", self.cert, "-days", "1", "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1"],
                       check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for n in range(instances):
            port = random.randint(20000, 60000)
            config = os.path.join(self.work, f"server{n}.json")
            with open(config, "w") as f:
                json.dump({"listen": {"host": "127.0.0.1", "port": port}, "vault": env["CASEVAULT_VAULT"], "database": database,
                           "tls": {"certificate": self.cert, "key": key}}, f)
            log = open(os.path.join(self.work, f"server{n}.log"), "w")
            self.servers.append(subprocess.Popen([self.casevault, "serve", "--config", config], env=env, stdout=log, stderr=log))
            self.ports.append(port)
        self.context = ssl.create_default_context(cafile=self.cert)
        for n, port in enumerate(self.ports):
            for _ in range(600):
                try:
                    c = self.connection(port)
                    c.request("GET", "/health")
                    if c.getresponse().status == 200:
                        break
                except OSError:
                    time.sleep(0.1)
            else:
                fail(self.tool, f"the server on port {port} did not start; the end of its log:\n"
                     + open(os.path.join(self.work, f"server{n}.log")).read()[-1500:])

    def cpu_seconds(self):
        """User + system CPU seconds so far of the servers, of the PostgreSQL cluster's processes and of this client."""
        tick = os.sysconf("SC_CLK_TCK")

        def of(pid):
            try:
                fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
                return (int(fields[11]) + int(fields[12])) / tick
            except (OSError, IndexError, ValueError):
                return 0.0

        postmaster = None
        try:
            postmaster = int(open(os.path.join(self.pg_root, "data", "postmaster.pid")).readline())
        except (OSError, ValueError):
            pass
        database = 0.0
        if postmaster:
            database = of(postmaster)
            for entry in os.listdir("/proc"):
                if entry.isdigit():
                    try:
                        if int(open(f"/proc/{entry}/stat").read().rsplit(")", 1)[1].split()[1]) == postmaster:
                            database += of(entry)
                    except (OSError, IndexError, ValueError):
                        pass
        own = os.times()
        return {"servers": sum(of(server.pid) for server in self.servers), "postgresql": database, "client": own.user + own.system}

    def connection(self, port):
        return http.client.HTTPSConnection("127.0.0.1", port, context=self.context, timeout=60)

    def stop_servers(self):
        for server in self.servers:
            if server.poll() is None:
                server.send_signal(signal.SIGTERM)
                try:
                    server.wait(30)
                except subprocess.TimeoutExpired:
                    server.kill()

    def cleanup(self):
        self.stop_servers()
        subprocess.run(self.as_pg + [os.path.join(PG_BIN, "pg_ctl"), "-D", os.path.join(self.pg_root, "data"), "-m", "immediate", "-w", "stop"],
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        shutil.rmtree(self.work, ignore_errors=True)
