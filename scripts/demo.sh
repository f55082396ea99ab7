#!/usr/bin/env bash
# The end-to-end demo: from an empty vault to (as later issues land) a verified redacted bundle.
# Usage: scripts/demo.sh PATH-TO-CASEVAULT
set -euo pipefail
casevault="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"

work="$(mktemp -d "${TMPDIR:-/tmp}/casevault-demo.XXXXXX")"
trap 'rm -rf "$work"' EXIT
cd "$work"

# A demo passphrase in the environment, as a script would do; a person gets a no-echo prompt instead.
export CASEVAULT_VAULT="$work/vault"
export CASEVAULT_KEYS="$work/keys/demo.keys"
export CASEVAULT_PASSPHRASE="demo passphrase - not for real use"
mkdir -m 700 keys

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

step "Create a vault (key file kept apart from the vault folder)"
"$casevault" init

step "Show the keys: versions, dates, fingerprints; never key bytes"
"$casevault" keys show

step "A wrong passphrase is refused and changes nothing"
if CASEVAULT_PASSPHRASE="not the passphrase" "$casevault" keys show; then
    echo "demo: expected a refusal" >&2; exit 1
fi

echo
echo "Demo complete."
