#!/usr/bin/env bash
# The end-to-end demo: from an empty vault to a verified, redacted meeting bundle.
# Usage: scripts/demo.sh PATH-TO-CASEVAULT
set -euo pipefail
casevault="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"
repo="$(cd "$(dirname "$0")/.." && pwd)"
examples="$repo/examples"

work="$(mktemp -d "${TMPDIR:-/tmp}/casevault-demo.XXXXXX")"
# Forget any unlocked identity and the demo's files, however the demo ends.
trap '"$casevault" lock --keys "$work/keys/sam.identity" >/dev/null 2>&1 || true; rm -rf "$work"' EXIT
cd "$work"

# A demo passphrase in the environment, as a script would do; a person gets a no-echo prompt instead. Each person has
# their own identity file in keys/ (in real use, on their own computer, under their own passphrase); every command runs
# as whoever's identity file $CASEVAULT_KEYS names.
export CASEVAULT_VAULT="$work/vault"
export CASEVAULT_PASSPHRASE="demo passphrase - not for real use"
export CASEVAULT_NEW_PASSPHRASE="$CASEVAULT_PASSPHRASE"
mkdir -m 700 keys
admin_keys="$work/keys/dana.identity"; sam_keys="$work/keys/sam.identity"; lee_keys="$work/keys/lee.identity"; alex_keys="$work/keys/alex.identity"
export CASEVAULT_KEYS="$admin_keys"

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
run() { printf '$ casevault %s\n' "$*"; "$casevault" "$@"; }
json_id() { python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])'; }

step "Create a vault and its first administrator's identity file (kept apart from the vault folder)"
printf '$ casevault init --admin "Dana Brooks"\n'
admin=$("$casevault" init --admin "Dana Brooks" --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["administrator"])')
echo "administrator: $admin (identity file $admin_keys)"

step "Show the keys: whose identity this is, fingerprints; never key bytes"
run keys show

step "A wrong passphrase is refused and changes nothing"
if CASEVAULT_PASSPHRASE="not the passphrase" "$casevault" keys show; then
    echo "demo: expected a refusal" >&2; exit 1
fi

step "Who is who: the administrator adds the service (its recovery share codes are printed once, for trustees) and its people, each with their own identity file"
run org add "Norfolk NHS Complaints Advocacy"
org=$("$casevault" org list --json | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["id"])')
manager=$("$casevault" advocate add "Lee Morgan" --org "$org" --role manager --identity-out "$lee_keys" --json | json_id)
adv=$("$casevault" advocate add "Sam Carter" --org "$org" --identity-out "$sam_keys" --json | json_id)
run advocate list

step "Lee, the service's first member, was trusted; Sam awaits Lee's confirmation (an administrator alone cannot give anyone the service's keys). Sam first replaces the keys the administrator wrote (so no copy of the file opens anything), then reads out the new fingerprint; Lee checks it and confirms"
printf '$ casevault identity renew   # as Sam\n'
CASEVAULT_KEYS="$sam_keys" "$casevault" identity renew
fingerprint=$(CASEVAULT_KEYS="$sam_keys" "$casevault" identity show --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["fingerprint"])')
printf '$ casevault advocate confirm "Sam Carter" --fingerprint %s   # as Lee\n' "$fingerprint"
CASEVAULT_KEYS="$lee_keys" "$casevault" advocate confirm "Sam Carter" --fingerprint "$fingerprint"

step "From here on Sam works with Sam's identity; unlocking it once means no passphrase (and no scrypt) per command"
export CASEVAULT_KEYS="$sam_keys"
if "$casevault" unlock --timeout 30m; then unlocked=1; else unlocked=0; echo "(no session keyring here: each command unlocks the identity itself)"; fi
client=$("$casevault" person add --name "Margaret Ellis" --dob 1946-03-14 --nhs-number "999 000 0018" \
    --address "12 Orchard Close, Norwich NR1 3XX" --json | json_id)
daughter=$("$casevault" person add --name "Joanne Ellis" --phone "07700 900461" --json | json_id)
run person find --nhs-number 9990000018

step "Open the complaint case against the trust"
case_id=$("$casevault" case open --client "$client" --org "$org" --advocate "$adv" --nhs-body trust-nwh \
    --incident-date 2025-01-28 --aware-date 2025-01-28 --json | json_id)
run case show "$case_id"

step "Record the complaint's dates (for the 12-month limit and the response deadlines)"
run case event "$case_id" --complaint-date 2025-03-03 --acknowledged-on 2025-03-05 --final-response-on 2025-05-20

step "Consent: her signed form of 20 February 2025 ran until 31 March 2026, so it no longer covers anything (recorded for the history: casevault warns, and a script must add --yes)"
run consent record --case "$case_id" --person "$client" --kind written_consent --grantee "$org" \
    --actions view_documents,ingest_document,draft_letter,send_letter_to_nhs_body,attend_meeting,speak_by_phone,receive_records,export_bundle,check_deadlines,refer_to_ombudsman \
    --bodies trust-nwh,phso --form "$examples/consent/third-party-consent-form.txt" --signed-on 2025-02-20 --valid-until 2026-03-31 --yes
if "$casevault" consent check --case "$case_id" --action ingest_document; then
    echo "demo: expected the expired consent to be refused" >&2; exit 1
fi

step "She signs a renewal today; the scanned form is stored encrypted and linked to the consent"
today=$(TZ=Europe/London date +%F)
sed -e "s/^Date: .*/Date:   $today/" -e "s/^It is valid until .*/It is valid for 12 months unless I withdraw it in writing or by telling my advocate./" \
    "$examples/consent/third-party-consent-form.txt" > "$work/renewed-consent-form.txt"
consent_id=$("$casevault" consent record --case "$case_id" --person "$client" --kind written_consent --grantee "$org" \
    --actions view_documents,ingest_document,draft_letter,send_letter_to_nhs_body,attend_meeting,speak_by_phone,receive_records,export_bundle,check_deadlines,refer_to_ombudsman \
    --bodies trust-nwh,phso --form "$work/renewed-consent-form.txt" --signed-on "$today" --witness "duty manager" --json | json_id)
run consent list --case "$case_id"
run consent check --case "$case_id" --action attend_meeting --for trust-nwh

step "Ingest the letters, emails and meeting notes (allowed: the renewed consent covers ingest_document)"
run ingest --case "$case_id" "$examples/letters" "$examples/emails" "$examples/notes"
run ingest --case "$case_id" --kind evidence --date 2025-02-06 "$examples/evidence/2025-02-06-discharge-summary.pdf"
run ingest --case "$case_id" --kind evidence --date 2025-03-04 "$examples/evidence/2025-03-04-witness-statement-scan.png"
run list --case "$case_id"

step "Redaction preview: who and what a bundle for the trust would hide"
run case add-person "$case_id" "$daughter" --role relative --first-name-safe
neighbour=$("$casevault" person add --name "Peter Hart" --json | json_id)
run case add-person "$case_id" "$neighbour" --role third_party
run redact terms add --case "$case_id" "Ward 7B"
run redact allow add --org "$org" --reason "the trusts' own names" "Norfolk and Waveney Hospitals NHS Trust" "Norfolk and Norwich University Hospitals NHS Foundation Trust" --keys "$lee_keys"
letter=$("$casevault" list --case "$case_id" --json | python3 -c '
import json, sys
print(next(d["id"] for d in json.load(sys.stdin) if d["kind"] == "letter"))')
run redact preview "$letter"

step "The meeting bundle for the trust (the patient's name, date of birth and NHS number kept for it; everyone else redacted; the meeting notes added): first what goes in and what would be redacted (nothing written)"
run export --case "$case_id" --meeting "Local resolution meeting" --for trust-nwh --dry-run --policy trust-meeting --include-kind meeting_notes \
    --recipient-name "Norfolk and Norwich University Hospitals NHS Foundation Trust" --their-reference "COMP/2025/0412" --our-reference "ADV-2025-117"

step "Export it: one PDF (cover, index, page numbers; PDFs and scans redrawn as images) and its signed manifest"
out_dir="${CASEVAULT_DEMO_OUT:-$repo/demo-output}"
mkdir -p "$out_dir"
bundle="$out_dir/meeting-bundle.pdf"
run export --case "$case_id" --meeting "Local resolution meeting" --for trust-nwh --out "$bundle" --force --policy trust-meeting --include-kind meeting_notes \
    --recipient-name "Norfolk and Norwich University Hospitals NHS Foundation Trust" --their-reference "COMP/2025/0412" --our-reference "ADV-2025-117"
run bundle verify "$bundle"
run bundle log --case "$case_id"

# The meeting notes were named with --include-kind, so they are in the bundle, rendered from their Markdown
# (headings, lists, bold) rather than printed with their marks.
notes=$("$casevault" list --case "$case_id" --json | python3 -c '
import json, sys
print(next(d["id"] for d in json.load(sys.stdin) if d["kind"] == "meeting_notes"))')
python3 -c '
import json, sys
items = json.load(open(sys.argv[1]))["items"]
sys.exit(0 if any(item["document_id"] == sys.argv[2] for item in items) else 1)' "$bundle.manifest.json" "$notes" \
    || { echo "demo: expected the meeting notes $notes in the bundle" >&2; exit 1; }
if command -v pdftotext >/dev/null; then
    text=$(pdftotext "$bundle" -)
    grep -q "Points raised" <<<"$text" || { echo "demo: the meeting notes' text is not in the bundle" >&2; exit 1; }
    if grep -qE '^[[:space:]]*#|\*\*' <<<"$text"; then echo "demo: Markdown marks printed in the bundle" >&2; exit 1; fi
fi
echo "meeting notes $notes are in the bundle, rendered from Markdown"

# What the trust sees: the cover rendered to PNG and read back by OCR names the recipient and both references.
if command -v pdftoppm >/dev/null && command -v tesseract >/dev/null; then
    pdftoppm -f 1 -l 1 -r 150 -png "$bundle" "$out_dir/cover"
    cover_png=$(ls "$out_dir"/cover*.png | head -1)
    seen=$(tesseract "$cover_png" - 2>/dev/null | tr -s ' \n' ' ')
    for expected in "Norfolk and Norwich University Hospitals" "COMP/2025/0412" "ADV-2025-117"; do
        grep -qF "$expected" <<<"$seen" || { echo "demo: the rendered cover does not show \"$expected\"" >&2; exit 1; }
    done
    echo "the cover, rendered to $cover_png, shows the recipient and both references"
fi

step "Anyone with the vault's public key can check it, without the vault; a changed copy fails"
public_key=$("$casevault" keys show --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["signing_key"]["public_key"])')
(unset CASEVAULT_VAULT CASEVAULT_KEYS CASEVAULT_PASSPHRASE; "$casevault" bundle verify "$bundle" --public-key "$public_key" >/dev/null && echo "verified with the public key alone")
cp "$bundle" "$work/changed.pdf"; cp "$bundle.manifest.json" "$work/changed.pdf.manifest.json"
printf 'x' >> "$work/changed.pdf"
set +e
"$casevault" bundle verify "$work/changed.pdf" --public-key "$public_key"
status=$?
set -e
[ "$status" -eq 5 ] || { echo "demo: expected the changed copy to fail verification (exit 5)" >&2; exit 1; }

step "An advocate of a partner organisation is refused, with the reason and what would allow it; their identity holds no key to the case anyway"
partner=$("$casevault" org add "Partner Advocacy Service" --keys "$admin_keys" --json | json_id)
outsider=$("$casevault" advocate add "Alex Reid" --org "$partner" --identity-out "$alex_keys" --keys "$admin_keys" --json | json_id)
first_doc=$("$casevault" list --case "$case_id" --json | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["id"])')
set +e
"$casevault" cat "$first_doc" --keys "$alex_keys" >/dev/null
status=$?
"$casevault" cat "$first_doc" --keys "$admin_keys" >/dev/null
status_admin=$?
set -e
echo "(exit codes $status and $status_admin: refused; the administrator manages accounts but holds no case key)"
[ "$status" -eq 3 ] && [ "$status_admin" -eq 3 ] || { echo "demo: expected exit 3" >&2; exit 1; }
set +e
"$casevault" cat "$first_doc" --keys "$alex_keys" --as "$adv" >/dev/null 2>&1
status=$?
set -e
[ "$status" -eq 3 ] || { echo "demo: expected acting as someone else to be refused" >&2; exit 1; }
echo "and naming Sam with Alex's identity is refused too (exit 3)"

step "Nor can they record a consent naming their own organisation, or erase the case"
set +e
"$casevault" consent record --case "$case_id" --person "$client" --kind verbal_consent --grantee "$partner" \
    --actions view_documents --bodies trust-nwh --recorded-by "Alex Reid" --recorded-on "$today" --keys "$alex_keys"
status_consent=$?
"$casevault" case erase "$case_id" --reason "test" --yes --keys "$alex_keys"
status_erase=$?
set -e
[ "$status_consent" -eq 3 ] && [ "$status_erase" -eq 3 ] || { echo "demo: expected both refused (exit 3)" >&2; exit 1; }

step "Deadlines for the case, soonest first"
run deadlines --case "$case_id"

step "Read one back (decrypted to the screen only because stdout is not a terminal here)"
run show "$letter"
"$casevault" cat "$letter" | head -n 12

step "Rotate the case key: every document key is rewrapped under a new case key, wrapped to Sam, Lee and the recovery key only"
run case rekey "$case_id"

step "Check everything: database, keys, fields, hashes, every chunk"
run verify --read-data

step "Backup (still encrypted, no key file) and verify the backup"
run backup "$work/backup" --keys "$lee_keys"
"$casevault" verify --read-data --vault "$work/backup"

step "The audit trail for this case, and its verification"
run audit log --case "$case_id" --keys "$lee_keys"
run audit verify

if [ "$unlocked" = 1 ]; then
    step "Lock Sam's identity again: the next command would ask for the passphrase"
    run lock
fi

echo
echo "Demo complete. The redacted bundle is $bundle (manifest: $bundle.manifest.json)."
