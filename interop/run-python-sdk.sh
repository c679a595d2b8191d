#!/usr/bin/env bash
# Interop test: the official Python SDK (huaweicloudsdkcsms, from PyPI, unmodified) against a freshly
# started csms-server. Creates .venv on first use. Run from anywhere; needs cargo and python3.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
. interop/lib.sh

if [ ! -x .venv/bin/python ] || ! .venv/bin/python -c 'import huaweicloudsdkcsms' 2>/dev/null; then
  python3 -m venv .venv
  .venv/bin/pip install --quiet --disable-pip-version-check huaweicloudsdkcsms
fi

work=$(mktemp -d)
trap 'kill "${server:-}" 2>/dev/null || true; rm -rf "$work"' EXIT

project=0123456789abcdef0123456789abcdef
ak="INTEROP$(random_hex 8 | tr a-f A-F)"
sk="$(random_hex 20)"
user_password="first-$(random_hex 8)"
cat > "$work/credentials.toml" <<TOML
[[access_key]]
ak = "$ak"
sk = "$sk"
projects = ["$project"]
user = "interop-user"

# The account's user directory: the key above is interop-user; stranger is another account's.
[[user]]
user_id = "interop-user"
user_name = "interop"
name = "Interop User"
org_id = "org-1"
email = "interop@example.com"
password = "$user_password"

[[user]]
user_id = "colleague"
user_name = "colleague"
account = "project:$project"

[[user]]
user_id = "stranger"
user_name = "stranger"
account = "project:fedcba9876543210fedcba9876543210"
TOML

# The server logs at debug level, so that a value leaking into any log line would be seen below.
RUST_LOG=debug start_server "$work" "$work/credentials.toml"

value="interop-value-$(random_hex 12)"
CSMS_ENDPOINT="$endpoint" CSMS_AK="$ak" CSMS_SK="$sk" CSMS_PROJECT="$project" \
CSMS_OTHER_PROJECT=fedcba9876543210fedcba9876543210 CSMS_SECRET_VALUE="$value" \
CSMS_USER_PASSWORD="$user_password" \
  .venv/bin/python interop/sdk_interop.py

# The Rust side (the csms command line, on csms-client) and the SDK read each other's writes.
cargo build --quiet -p csms-cli
rust_value="rust-written-$(random_hex 12)"
python_value="python-written-$(random_hex 12)"
export CSMS_ENDPOINT="$endpoint" HUAWEICLOUD_SDK_AK="$ak" HUAWEICLOUD_SDK_SK="$sk" HUAWEICLOUD_SDK_PROJECT_ID="$project"
target/debug/csms events create rust-event --types SECRET_ROTATED \
  --target-id "urn:smn:cn-north-4:$project:rust" --target-name rust > /dev/null
printf %s "$rust_value" | target/debug/csms secrets create rust-written --value-stdin --event rust-event > /dev/null
.venv/bin/python interop/sdk_cross.py read rust-written "$rust_value" rust-event
.venv/bin/python interop/sdk_cross.py write python-written "$python_value"
[ "$(target/debug/csms versions show python-written --value-only)" = "$python_value" ] \
  || { echo "FAIL: csms reads another value than the SDK wrote" >&2; exit 1; }
target/debug/csms secrets show python-written -o json | grep -q '"description": "written by the Python SDK"' \
  || { echo "FAIL: csms reads another description than the SDK wrote" >&2; exit 1; }
echo "ok: csms reads the secret and its value as the SDK wrote them"

kill -TERM "$server"
wait "$server"
echo "csms-server stopped cleanly on SIGTERM"

# No value in any log line, nor in plaintext in the database files.
lines=$(wc -l < "$work/stderr")
for kept in "$value" "$user_password" "changed-$user_password" "$rust_value" "$python_value"; do
  if grep -q -- "$kept" "$work/stderr" "$work/stdout"; then
    echo "FAIL: a secret value or a password is in the server's log" >&2
    grep -n -- "$kept" "$work/stderr" "$work/stdout" >&2
    exit 1
  fi
done
secret_lines=$(grep -c '/secrets' "$work/stderr" || true)
[ "$secret_lines" -ge 20 ] || { echo "FAIL: only $secret_lines log lines of secret requests: the check saw nothing" >&2; exit 1; }
if grep -rqa -e "$value" -e "changed-$user_password" "$work/data"; then
  echo "FAIL: a secret value or a password is stored in plaintext in the data directory" >&2
  exit 1
fi
echo "no secret value in $lines log lines nor in the data directory"

# The same SDK over TLS: a test CA and a certificate for localhost, made here with openssl.
tls="$work/tls"
mkdir -p "$tls"
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=csms test CA" \
  -keyout "$tls/ca.key" -out "$tls/ca.pem" 2> /dev/null
openssl req -newkey rsa:2048 -nodes -subj "/CN=localhost" -keyout "$tls/server.key" -out "$tls/server.csr" 2> /dev/null
printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\nbasicConstraints=CA:FALSE\n' > "$tls/ext"
openssl x509 -req -in "$tls/server.csr" -CA "$tls/ca.pem" -CAkey "$tls/ca.key" -CAcreateserial -days 2 \
  -extfile "$tls/ext" -out "$tls/server.pem" 2> /dev/null
mkdir -p "$work/tls-run"
start_server "$work/tls-run" "$work/credentials.toml" --tls-cert "$tls/server.pem" --tls-key "$tls/server.key"
case "$endpoint" in https://*) ;; *) echo "FAIL: the server does not say https: $endpoint" >&2; exit 1 ;; esac
port=${endpoint##*:}
if curl -s -o /dev/null "http://127.0.0.1:$port/healthz"; then
  echo "FAIL: plain HTTP was answered on the TLS listener" >&2; exit 1
fi
CSMS_ENDPOINT="https://localhost:$port" CSMS_AK="$ak" CSMS_SK="$sk" CSMS_PROJECT="$project" CSMS_CA="$tls/ca.pem" \
  .venv/bin/python interop/sdk_tls.py
target/debug/csms --endpoint "https://localhost:$port" --ca-bundle "$tls/ca.pem" secrets list > /dev/null \
  || { echo "FAIL: csms over TLS with the test CA" >&2; exit 1; }
if target/debug/csms --endpoint "https://localhost:$port" secrets list > /dev/null 2>&1; then
  echo "FAIL: csms trusted the test certificate without the CA" >&2; exit 1
fi
echo "ok: csms over TLS with --ca-bundle, refused without it"
curl -s --http2 --cacert "$tls/ca.pem" "https://localhost:$port/healthz" -o /dev/null -w "%{http_version}" \
  | grep -q '^2' || { echo "FAIL: no HTTP/2 over TLS (ALPN)" >&2; exit 1; }
echo "ok: HTTP/2 by ALPN over TLS"
kill -TERM "$server"; wait "$server"
