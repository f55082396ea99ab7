#!/usr/bin/env bash
# make test's runs over the built tree, at the same time rather than one after the other: the smoke runs of the
# benchmarks and of the team server's load test (bench.py --quick; loadtest.py with 2 advocates for 2 s, ~7 s: a
# change to who may do what once broke `make loadtest` unnoticed), the whole suite, and the second pass of the CLI
# classes on PostgreSQL. Most tests wait on child processes, fsync and PostgreSQL rather than compute, so the second
# pass and the smoke runs fill cores that would otherwise idle (run after the suite they added about two minutes to
# make test). Both test runs use scripts/run-tests.py (each test in its own process, the slow ones first); the side
# runs' output is kept in files and printed after the suite's, so each reads whole. The exit status is the first
# failure's.
#
#   TEST_WORKERS=4 POSTGRES_PASS='CLITests\.(...)' scripts/test-passes.sh
set -u
cd "$(dirname "$0")/.."
TEST_WORKERS=${TEST_WORKERS:-4}
: "${POSTGRES_PASS:?POSTGRES_PASS names the classes the PostgreSQL pass runs}"
logs=$(mktemp -d "${TMPDIR:-/tmp}/casevault-test-logs.XXXXXX")
trap 'rm -rf "$logs"' EXIT

{ python3 scripts/bench.py --quick --bin .build/debug && python3 scripts/loadtest.py --bin .build/debug --advocates 2 --seconds 2; } >"$logs/bench" 2>&1 &
bench=$!
python3 scripts/run-tests.py --workers 2 --filter "^(${POSTGRES_PASS})/" --env CASEVAULT_TEST_POSTGRES=1 \
    --label "the PostgreSQL pass" >"$logs/postgres" 2>&1 &
postgres=$!

python3 scripts/run-tests.py --workers "$TEST_WORKERS" --label "the suite"
suite=$?
wait "$postgres"
postgres_status=$?
wait "$bench"
bench_status=$?

echo
echo "== bench.py --quick, then loadtest.py with 2 advocates (exit $bench_status)"
cat "$logs/bench"
echo
echo "== the CLI classes again, every vault's records in PostgreSQL (exit $postgres_status)"
cat "$logs/postgres"
echo
for pair in "the suite:$suite" "the PostgreSQL pass:$postgres_status" "the smoke runs (bench.py --quick, loadtest.py):$bench_status"; do
    status=${pair##*:}
    [ "$status" -eq 0 ] || { echo "make test: ${pair%%:*} failed (exit $status); its output is above" >&2; exit "$status"; }
done
echo "make test: the suite, the PostgreSQL pass and the smoke runs (bench.py --quick, loadtest.py) passed"
