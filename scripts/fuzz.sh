#!/usr/bin/env bash
# Builds each libFuzzer target (Cobblestone decryptor, key-file parser, .eml and .docx extractors, bundle manifest verifier) and runs it for FUZZ_SECONDS (default 60) on its committed seed corpus.
# New inputs found go to a scratch corpus; crashes are written to Fuzz/crashes/ and fail the run.
set -euo pipefail
cd "$(dirname "$0")/../Fuzz"
seconds="${FUZZ_SECONDS:-60}"
mkdir -p crashes
status=0
for target in fuzz-cobblestone fuzz-keyfile fuzz-eml fuzz-docx fuzz-manifest; do
    swift build --sanitize=fuzzer -Xswiftc -sanitize=fuzzer,address --product "$target" >/dev/null
    corpus="corpus/${target#fuzz-}"
    scratch="$(mktemp -d)"
    echo "== $target ($seconds s)"
    if ! ".build/debug/$target" "$scratch" "$corpus" -max_total_time="$seconds" -timeout=10 -artifact_prefix=crashes/ 2>&1 | tail -n 3; then
        status=1
    fi
    rm -rf "$scratch"
done
exit $status
