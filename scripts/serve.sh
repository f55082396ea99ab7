#!/usr/bin/env bash
# `make serve`: the team server on this machine, for trying it out. Starts a private PostgreSQL 15 cluster under
# .serve/pg, makes (the first time) a vault on it with demo data, a self-signed certificate and a server
# configuration, then runs `casevault serve` (which execs casevault-server) until Ctrl-C, which stops the server and then the cluster.
# Usage: scripts/serve.sh PATH-TO-CASEVAULT   (SERVE_PORT, default 8443; SERVE_PG_PORT, default 55432)
# Everything lives in .serve/ (gitignored); delete it to start again from an empty vault. Demo passphrases only:
# never put real case data in this vault.
set -euo pipefail
casevault="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"
# `casevault serve` replaces itself with casevault-server from its own folder (and export/ingest of PDFs run casevault-pdf).
for helper in casevault-server casevault-pdf; do
    [ -x "$(dirname "$casevault")/$helper" ] || { echo "serve: error: $helper is missing beside $casevault (swift build builds it)" >&2; exit 1; }
done
repo="$(cd "$(dirname "$0")/.." && pwd)"
examples="$repo/examples"
state="$repo/.serve"
port="${SERVE_PORT:-8443}"
pg_port="${SERVE_PG_PORT:-55432}"

pg_bin=/usr/lib/postgresql/15/bin
if [ ! -x "$pg_bin/initdb" ]; then
    "$repo/scripts/ensure-deps.sh" postgresql
    [ -x "$pg_bin/initdb" ] || { echo "serve: error: PostgreSQL 15's programs are not in $pg_bin (Debian's postgresql package installs them)" >&2; exit 1; }
fi
command -v openssl >/dev/null || "$repo/scripts/ensure-deps.sh" openssl

# PostgreSQL refuses to run as root: under root its programs run as the `postgres` account the package made (as
# Tests/PostgresTestSupport does), and the cluster's folder belongs to it.
as_pg=()
[ "$(id -u)" -eq 0 ] && as_pg=(/usr/sbin/runuser -u postgres --)
pg() { "${as_pg[@]}" "$pg_bin/$1" "${@:2}"; }

pg_root="$state/pg"
socket="$pg_root/socket"
mkdir -p "$state" "$socket"
chmod 700 "$state"
if [ ${#as_pg[@]} -gt 0 ]; then
    # The postgres account must reach its folder through .serve (0711: it may pass, not list).
    chmod 711 "$state"
    chown postgres:postgres "$pg_root" "$socket"
fi
chmod 700 "$pg_root"
if [ ! -f "$pg_root/data/PG_VERSION" ]; then
    echo "serve: creating a PostgreSQL 15 cluster in $pg_root/data"
    pg initdb -D "$pg_root/data" -U casevault --auth=trust -E UTF8 --locale=C >/dev/null
fi

server_pid=""
stop() {
    trap - INT TERM EXIT
    if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
        echo; echo "serve: stopping the server (it finishes the requests in flight)"
        kill -TERM "$server_pid" 2>/dev/null || true
        wait "$server_pid" 2>/dev/null || true
    fi
    echo "serve: stopping PostgreSQL"
    pg pg_ctl -D "$pg_root/data" -m fast -w stop >/dev/null 2>&1 || true
}
trap stop EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Its own session (setsid): Ctrl-C reaches this script and the server, and the cluster is stopped after the server.
# Unix socket only: nothing listens on the network but the HTTPS server.
# (A cluster left running by a run that was killed is used as it is.)
if ! pg pg_ctl -D "$pg_root/data" status >/dev/null 2>&1; then
    setsid "${as_pg[@]}" "$pg_bin/pg_ctl" -D "$pg_root/data" -l "$pg_root/server.log" -w -t 60 \
        -o "-k $socket -c listen_addresses= -p $pg_port" start >/dev/null
fi
database="postgresql://casevault@/casevault?host=$socket&port=$pg_port"

export CASEVAULT_VAULT="$state/vault"
export CASEVAULT_PASSPHRASE="demo passphrase - not for real use"
export CASEVAULT_NEW_PASSPHRASE="$CASEVAULT_PASSPHRASE"
keys="$state/keys"
if [ ! -f "$CASEVAULT_VAULT/vault.json" ]; then
    echo "serve: making a demo vault in $CASEVAULT_VAULT (records in PostgreSQL)"
    rm -rf "$CASEVAULT_VAULT" "$keys"
    mkdir -m 700 "$keys"
    pg createdb -h "$socket" -p "$pg_port" -U casevault casevault 2>/dev/null || true
    json_id() { python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])'; }
    cv() { "$casevault" "$@"; }
    export CASEVAULT_KEYS="$keys/dana.identity"
    cv init --admin "Dana Brooks" --database "$database" --json >/dev/null
    org=$(cv org add "Norfolk NHS Complaints Advocacy" --json | json_id)
    cv advocate add "Lee Morgan" --org "$org" --role manager --identity-out "$keys/lee.identity" --json >/dev/null
    sam=$(cv advocate add "Sam Carter" --org "$org" --identity-out "$keys/sam.identity" --json | json_id)
    # Lee, the service's first member, is trusted; Sam renews the identity the administrator wrote and Lee confirms
    # its fingerprint (as scripts/demo.sh shows).
    fingerprint=$(CASEVAULT_KEYS="$keys/sam.identity" cv identity renew --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["fingerprint"])')
    CASEVAULT_KEYS="$keys/lee.identity" cv advocate confirm "$sam" --fingerprint "$fingerprint" --json >/dev/null
    export CASEVAULT_KEYS="$keys/sam.identity"
    client=$(cv person add --name "Margaret Ellis" --dob 1946-03-14 --json | json_id)
    case_id=$(cv case open --client "$client" --org "$org" --advocate "$sam" --nhs-body trust-nwh \
        --incident-date 2025-01-28 --aware-date 2025-01-28 --json | json_id)
    # The example form, signed today (as scripts/demo.sh renews it), so the consent covers the case now.
    today=$(TZ=Europe/London date +%F)
    sed -e "s/^Date: .*/Date:   $today/" -e "s/^It is valid until .*/It is valid for 12 months unless I withdraw it in writing or by telling my advocate./" \
        "$examples/consent/third-party-consent-form.txt" > "$state/consent-form.txt"
    cv consent record --case "$case_id" --person "$client" --kind written_consent --grantee "$org" \
        --actions view_documents,ingest_document,draft_letter,send_letter_to_nhs_body,attend_meeting,speak_by_phone,receive_records,export_bundle,check_deadlines,refer_to_ombudsman \
        --bodies trust-nwh,phso --form "$state/consent-form.txt" --signed-on "$today" --json >/dev/null
    rm -f "$state/consent-form.txt"
    cv ingest --case "$case_id" "$examples/letters" "$examples/emails" "$examples/notes" >/dev/null
    unset CASEVAULT_KEYS
fi

if [ ! -f "$state/cert.pem" ]; then
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout "$state/key.pem" -out "$state/cert.pem" \
        -days 30 -subj "/CN=localhost" -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" 2>/dev/null
    chmod 600 "$state/key.pem"
fi
cat > "$state/server.json" <<JSON
{
  "listen": {"host": "127.0.0.1", "port": $port},
  "vault": "$CASEVAULT_VAULT",
  "database": "$database",
  "tls": {"certificate": "$state/cert.pem", "key": "$state/key.pem"},
  "state_folder": "$state/server-state"
}
JSON

cat <<TEXT

casevault team server (demo data only): https://localhost:$port   (API: https://localhost:$port/api/openapi.yaml)
Log in as Sam Carter (advocate) with the identity file and its passphrase, e.g.:

  TOKEN=\$(curl -s --cacert $state/cert.pem https://localhost:$port/api/v1/login -H 'Content-Type: application/json' \\
      -d "{\"identity\": \"\$(base64 -w0 $keys/sam.identity)\", \"passphrase\": \"$CASEVAULT_PASSPHRASE\"}" \\
      | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')
  curl -s --cacert $state/cert.pem -H "Authorization: Bearer \$TOKEN" https://localhost:$port/api/v1/cases

Other identities: $keys/lee.identity (manager), $keys/dana.identity (administrator), same passphrase.
Ctrl-C stops the server, then PostgreSQL. Delete .serve/ to start again from an empty vault.

TEXT
"$casevault" serve --config "$state/server.json" &
server_pid=$!
wait "$server_pid"
