#!/usr/bin/env python3
"""Runs the built XCTest binary's tests, each in its own process (the shared-world classes a few to a process), several
at a time, longest first.

    scripts/run-tests.py [--workers N] [--filter REGEX] [--env K=V ...] [--label TEXT]

`swift test --parallel` runs tests the same way (one process per test) but in the order they are listed, so the few
tests of a minute or more (OCR read-backs, the sweeps, the hostile PDFs) started late and ran alone at the end while
the other workers idled. Here they start first: the classes known to be slow (SLOW below), then the rest in listed
order. The binary is run directly, not through SwiftPM, so it never waits on SwiftPM's lock on .build, and another run
can use the same binary at the same time. Prints one line per test as it ends, then the output of each failed test,
then the CPU time of the classes that took the most, and a summary; exits 1 if any test failed or none matched."""
import argparse, concurrent.futures, os, re, subprocess, sys, tempfile, threading, time

BINARY = ".build/debug/casevaultPackageTests.xctest"
# Each of these took 30 s or more in a parallel run on 2 cores (xunit times, 2026-12-06; ServerEndToEndTests, whose
# three tests run in one process of about 200 s, added 2026-12-07); start them first. TextLayerTrickTests and
# MutationSweepTests (120 and 110 s before, about a fifth of that since their make test forms got cheaper) go last.
SLOW = [
    "VaultServerTests.ServerEndToEndTests", "MeetingBundleTests.PictureLeakTests",
    "CLITests.AnalysisLimitTests", "RedactionTests.CapitalISpellingLimitTests", "VaultCoreTests.CrashSweepTests",
    "CLITests.RealPDFCorpusTests", "VaultCoreTests.TamperSweepTests", "CLITests.ErrorPresentationTests",
    "VaultCryptoTests.CobblestoneTests", "VaultServerTests.ServerAPITests", "VaultServerTests.WebSituationTests",
    "VaultServerTests.WebInterfaceTests",
    "VaultServerTests.ServerCLITests", "VaultServerTests.WebBundleTests", "VaultServerTests.WebDocumentsTests",
    "MeetingBundleTests.TextLayerTrickTests", "VaultCoreTests.MutationSweepTests",
]
# Classes whose tests share one server world per process (SharedServerWorld): an administrator, organisations and five
# accounts with passphrases (about six scrypt derivations), a PostgreSQL server and database, a 3 MB ingest and a TLS
# server. One process per test built that world once per test; these run CHUNK tests to a process instead, which is
# how the classes were written (XCTest runs a class's tests in one process) while still spreading over the workers.
SHARED_WORLD = [
    "VaultServerTests.ServerAPITests", "VaultServerTests.ServerCLITests", "VaultServerTests.WebInterfaceTests",
    "VaultServerTests.WebDocumentsTests", "VaultServerTests.WebBundleTests", "VaultServerTests.ServerEndToEndTests",
    "VaultServerTests.WebSituationTests",
]
# At most CHUNK tests to a process, a class's tests split evenly (35 tests make two processes of 18 and 17; 33 made three
# of 12, 12 and 9 before). 12, not 6 (2026-12-07): the suite is CPU-bound on 2 cores, and each world costs
# about 7 s of CPU (about 17 scrypt derivations: five identities made, three renewed, each first opened); 18, not 12
# (later that day): ServerAPITests' third world was 7 s of CPU that no test needed.
CHUNK = 18


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--filter", default="")
    parser.add_argument("--env", action="append", default=[])
    parser.add_argument("--label", default="tests")
    args = parser.parse_args()
    if not os.access(BINARY, os.X_OK):
        sys.exit(f"run-tests: {BINARY} is not built: run `swift build --build-tests` first")
    listed = subprocess.run([BINARY, "--list-tests"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, check=True).stdout
    tests = [line.strip() for line in listed.splitlines() if re.match(r"^[\w]+\.[\w]+/test\w*$", line.strip())]
    if args.filter:
        tests = [t for t in tests if re.search(args.filter, t)]
    if not tests:
        sys.exit(f"run-tests: no test matches {args.filter!r}")
    rank = {name: index for index, name in enumerate(SLOW)}
    tests.sort(key=lambda t: rank.get(t.split("/")[0], len(SLOW)))  # stable: listed order within each rank
    jobs = chunked(tests)
    env = dict(os.environ)
    for pair in args.env:
        key, _, value = pair.partition("=")
        env[key] = value

    logs = tempfile.mkdtemp(prefix="casevault-run-tests-")
    lock = threading.Lock()
    failed, done, cpu_by_class = [], [0], {}
    start = time.monotonic()

    def run(job):
        log = os.path.join(logs, job[0].replace("/", "_") + ".log")
        began = time.monotonic()
        with open(log, "wb") as out:
            child = subprocess.Popen([BINARY, ",".join(job)], stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, env=env)
            # wait4: the process's own CPU time and its reaped children's (the casevault and casevault-pdf commands a
            # CLI test runs), which on a shared machine compare runs better than wall time.
            _, wait_status, usage = os.wait4(child.pid, 0)
            child.returncode = status = os.waitstatus_to_exitcode(wait_status)
        seconds = time.monotonic() - began
        cpu = usage.ru_utime + usage.ru_stime
        with open(log, "rb") as f:
            text = f.read().decode("utf-8", "replace")
        # A test that skips says why (e.g. ../shared absent): shown on its line, not only in its log.
        skips = sorted({line.strip() for line in text.splitlines() if "SKIPPED" in line or "' skipped" in line})
        outcomes = outcomes_in(text, job, status, seconds)
        with lock:
            cpu_by_class[job[0].split("/")[0]] = cpu_by_class.get(job[0].split("/")[0], 0.0) + cpu
            for test, passed, test_seconds in outcomes:
                done[0] += 1
                if not passed:
                    failed.append((test, log, status))
                # A chunk's CPU time is its process's, on the line of its first test.
                cpu_note = f", CPU {cpu:.1f} s" if test == job[0] else ""
                print(f"[{done[0]}/{len(tests)}] {'passed' if passed else 'FAILED'} {test} ({test_seconds:.1f} s{cpu_note})", flush=True)
            for skip in skips:
                print(f"    {skip}", flush=True)

    with concurrent.futures.ThreadPoolExecutor(max_workers=args.workers) as pool:
        list(pool.map(run, jobs))
    for log in dict.fromkeys(log for _, log, _ in failed):  # a chunk's log once, however many of its tests failed
        names = ", ".join(test for test, failed_log, _ in failed if failed_log == log)
        status = next(status for _, failed_log, status in failed if failed_log == log)
        print(f"\n===== {names} failed (exit {status}); the output of its process:", flush=True)
        with open(log, "rb") as f:
            sys.stdout.buffer.write(f.read())
        sys.stdout.flush()
    slowest = sorted(cpu_by_class.items(), key=lambda pair: -pair[1])[:10]
    print(f"\nCPU time (user + sys, with the commands each test ran): {sum(cpu_by_class.values()):.0f} s; the most: "
          + ", ".join(f"{cls} {cpu:.0f} s" for cls, cpu in slowest), flush=True)
    print(f"{args.label}: {len(tests) - len(failed)} of {len(tests)} passed in {time.monotonic() - start:.0f} s"
          + (f"; failed: {', '.join(t for t, _, _ in failed)}" if failed else ""), flush=True)
    subprocess.run(["rm", "-rf", logs])
    sys.exit(1 if failed else 0)


def chunked(tests):
    """One job per test, except SHARED_WORLD classes: their tests in as few jobs of at most CHUNK as there can be, of
    even sizes, in listed order (each job where the class's first test was)."""
    jobs, chunks = [], {}
    for test in tests:
        cls = test.split("/")[0]
        if cls not in SHARED_WORLD:
            jobs.append([test])
        elif cls not in chunks:
            members = [t for t in tests if t.split("/")[0] == cls]
            size = -(-len(members) // -(-len(members) // CHUNK))
            chunks[cls] = [members[start:start + size] for start in range(0, len(members), size)]
            jobs.extend(chunks[cls])
    return jobs


def outcomes_in(text, job, status, seconds):
    """(test, passed, seconds) for each test of a job. A one-test job is its process's exit status. In a chunk each
    test's own "Test Case '…' passed/failed (N seconds)" line decides; a test with no such line (the process crashed
    or was killed before it ended) failed, and so does the whole chunk if the process failed but every line says
    passed (a failure after the last test, in the class's tear-down)."""
    if len(job) == 1:
        return [(job[0], status == 0, seconds)]
    ended = {}
    for match in re.finditer(r"Test Case '(?:[\w.]+\.)?(\w+)\.(\w+)' (passed|failed) \(([\d.]+) seconds\)", text):
        cls, name, result, took = match.groups()
        ended[(cls, name)] = (result == "passed", float(took))
    results = []
    for test in job:
        cls, name = test.split("/")[0].split(".")[-1], test.split("/")[1]
        passed, took = ended.get((cls, name), (False, 0.0))
        results.append((test, passed, took))
    if status != 0 and all(passed for _, passed, _ in results):
        results = [(test, False, took) for test, _, took in results]
    return results


if __name__ == "__main__":
    main()
