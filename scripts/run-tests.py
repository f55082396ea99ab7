#!/usr/bin/env python3
"""Runs the built XCTest binary's tests, each in its own process, several at a time, longest first.

    scripts/run-tests.py [--workers N] [--filter REGEX] [--env K=V ...] [--label TEXT]

`swift test --parallel` runs tests the same way (one process per test) but in the order they are listed, so the few
tests of a minute or more (OCR read-backs, the sweeps, the hostile PDFs) started late and ran alone at the end while
the other workers idled. Here they start first: the classes known to be slow (SLOW below), then the rest in listed
order. The binary is run directly, not through SwiftPM, so it never waits on SwiftPM's lock on .build, and another run
can use the same binary at the same time. Prints one line per test as it ends, then the output of each failed test,
then a summary; exits 1 if any test failed or none matched."""
import argparse, concurrent.futures, os, re, subprocess, sys, tempfile, threading, time

BINARY = ".build/debug/casevaultPackageTests.xctest"
# Each of these took 30 s or more in a parallel run on 2 cores (xunit times, 2026-12-06); start them first.
SLOW = [
    "MeetingBundleTests.TextLayerTrickTests", "VaultStoreTests.MutationSweepTests", "MeetingBundleTests.PictureLeakTests",
    "CLITests.AnalysisLimitTests", "RedactionTests.CapitalISpellingLimitTests", "VaultStoreTests.CrashSweepTests",
    "CLITests.RealPDFCorpusTests", "VaultStoreTests.TamperSweepTests", "CLITests.ErrorPresentationTests",
    "VaultCryptoTests.CobblestoneTests", "VaultServerTests.ServerAPITests", "VaultServerTests.WebInterfaceTests",
    "VaultServerTests.ServerCLITests",
]


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
    env = dict(os.environ)
    for pair in args.env:
        key, _, value = pair.partition("=")
        env[key] = value

    logs = tempfile.mkdtemp(prefix="casevault-run-tests-")
    lock = threading.Lock()
    failed, done = [], [0]
    start = time.monotonic()

    def run(test):
        log = os.path.join(logs, test.replace("/", "_") + ".log")
        began = time.monotonic()
        with open(log, "wb") as out:
            status = subprocess.run([BINARY, test], stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, env=env).returncode
        seconds = time.monotonic() - began
        # A test that skips says why (e.g. ../shared absent): shown on its line, not only in its log.
        with open(log, "rb") as f:
            skips = sorted({line.strip().decode("utf-8", "replace") for line in f if b"SKIPPED" in line or b"' skipped" in line})
        with lock:
            done[0] += 1
            if status != 0:
                failed.append((test, log, status))
            print(f"[{done[0]}/{len(tests)}] {'passed' if status == 0 else 'FAILED'} {test} ({seconds:.1f} s)", flush=True)
            for skip in skips:
                print(f"    {skip}", flush=True)

    with concurrent.futures.ThreadPoolExecutor(max_workers=args.workers) as pool:
        list(pool.map(run, tests))
    for test, log, status in failed:
        print(f"\n===== {test} failed (exit {status}); its output:", flush=True)
        with open(log, "rb") as f:
            sys.stdout.buffer.write(f.read())
        sys.stdout.flush()
    print(f"\n{args.label}: {len(tests) - len(failed)} of {len(tests)} passed in {time.monotonic() - start:.0f} s"
          + (f"; failed: {', '.join(t for t, _, _ in failed)}" if failed else ""), flush=True)
    subprocess.run(["rm", "-rf", logs])
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
