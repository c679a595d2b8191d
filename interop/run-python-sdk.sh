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
cat > "$work/credentials.toml" <<TOML
[[access_key]]
ak = "$ak"
sk = "$sk"
projects = ["$project"]
TOML

# The server logs at debug level, so that a value leaking into any log line would be seen below.
RUST_LOG=debug start_server "$work" "$work/credentials.toml"

value="interop-value-$(random_hex 12)"
CSMS_ENDPOINT="$endpoint" CSMS_AK="$ak" CSMS_SK="$sk" CSMS_PROJECT="$project" \
CSMS_OTHER_PROJECT=fedcba9876543210fedcba9876543210 CSMS_SECRET_VALUE="$value" \
  .venv/bin/python interop/sdk_interop.py

kill -TERM "$server"
wait "$server"
echo "csms-server stopped cleanly on SIGTERM"

# No value in any log line, nor in plaintext in the database files.
lines=$(wc -l < "$work/stderr")
if grep -q "$value" "$work/stderr" "$work/stdout"; then
  echo "FAIL: a secret value is in the server's log" >&2
  grep -n "$value" "$work/stderr" "$work/stdout" >&2
  exit 1
fi
secret_lines=$(grep -c '/secrets' "$work/stderr" || true)
[ "$secret_lines" -ge 20 ] || { echo "FAIL: only $secret_lines log lines of secret requests: the check saw nothing" >&2; exit 1; }
if grep -rqa "$value" "$work/data"; then
  echo "FAIL: a secret value is stored in plaintext in the data directory" >&2
  exit 1
fi
echo "no secret value in $lines log lines nor in the data directory"
