#!/usr/bin/env bash
# make test's runs over the built tree, at the same time rather than one after the other: the benchmark smoke run
# (bench.py --quick), the whole suite, and the second pass of the CLI classes on PostgreSQL. Most tests wait on child
# processes, fsync and PostgreSQL rather than compute, and the suite's last minutes are a few long tests on one or two
# workers, so the second pass and the smoke run fill cores that would idle (run one after the other they added about
# two minutes to make test). The side runs' output is kept in files and printed after the suite's, so each reads whole;
# the exit status is the first failure's.
#
#   TEST_WORKERS=4 POSTGRES_PASS='CLITests\.(...)' SWIFT=swift scripts/test-passes.sh
set -u
cd "$(dirname "$0")/.."
SWIFT=${SWIFT:-swift}
TEST_WORKERS=${TEST_WORKERS:-4}
: "${POSTGRES_PASS:?POSTGRES_PASS names the classes the PostgreSQL pass runs}"
logs=$(mktemp -d "${TMPDIR:-/tmp}/casevault-test-logs.XXXXXX")
trap 'rm -rf "$logs"' EXIT

python3 scripts/bench.py --quick --bin .build/debug >"$logs/bench" 2>&1 &
bench=$!
# The PostgreSQL pass runs the built test binary itself, two tests at a time, each in its own process as
# `swift test --parallel` would: a second `swift test` would wait for the first's lock on .build (and with the lock
# ignored, both open SwiftPM's build database, which one of them then finds locked).
tests="$logs/postgres-tests"
.build/debug/casevaultPackageTests.xctest --list-tests 2>/dev/null | grep -E "^(${POSTGRES_PASS})/" >"$tests"
mkdir "$logs/postgres-runs"
(
    [ -s "$tests" ] || { echo "no test matches POSTGRES_PASS ($POSTGRES_PASS)"; exit 1; }
    xargs -P 2 -I{} sh -c 'log="$2/$(printf %s "$1" | tr / _).log"
        if CASEVAULT_TEST_POSTGRES=1 "$0" "$1" >"$log" 2>&1; then echo "passed: $1"; else echo "FAILED: $1"; cat "$log"; fi' \
        .build/debug/casevaultPackageTests.xctest {} "$logs/postgres-runs" <"$tests" >"$logs/postgres-results"
    cat "$logs/postgres-results"
    echo "$(grep -c '^passed: ' "$logs/postgres-results") of $(wc -l <"$tests") tests passed with every vault's records in PostgreSQL"
    ! grep -q '^FAILED: ' "$logs/postgres-results"
) >"$logs/postgres" 2>&1 &
postgres=$!

"$SWIFT" test --skip-build --parallel --num-workers "$TEST_WORKERS" --disable-swift-testing
suite=$?
wait "$postgres"
postgres_status=$?
wait "$bench"
bench_status=$?

echo
echo "== bench.py --quick (exit $bench_status)"
cat "$logs/bench"
echo
echo "== the CLI classes again, every vault's records in PostgreSQL (exit $postgres_status)"
cat "$logs/postgres"
echo
for pair in "the suite:$suite" "the PostgreSQL pass:$postgres_status" "bench.py --quick:$bench_status"; do
    status=${pair##*:}
    [ "$status" -eq 0 ] || { echo "make test: ${pair%%:*} failed (exit $status); its output is above" >&2; exit "$status"; }
done
echo "make test: the suite, the PostgreSQL pass and bench.py --quick passed"
