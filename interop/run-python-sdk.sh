#!/usr/bin/env bash
# Interop test: the official Python SDK (huaweicloudsdkcsms, from PyPI, unmodified) against a freshly
# started csms-server. Creates .venv on first use. Run from anywhere; needs cargo and python3.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

if [ ! -x .venv/bin/python ] || ! .venv/bin/python -c 'import huaweicloudsdkcsms' 2>/dev/null; then
  python3 -m venv .venv
  .venv/bin/pip install --quiet --disable-pip-version-check huaweicloudsdkcsms
fi

cargo build --quiet -p csms-server
work=$(mktemp -d)
trap 'kill "$server" 2>/dev/null || true; rm -rf "$work"' EXIT

project=0123456789abcdef0123456789abcdef
ak="INTEROP$(head -c 8 /dev/urandom | od -An -tx1 | tr -d ' \n' | tr a-f A-F)"
sk="$(head -c 20 /dev/urandom | od -An -tx1 | tr -d ' \n')"
cat > "$work/credentials.toml" <<TOML
[[access_key]]
ak = "$ak"
sk = "$sk"
projects = ["$project"]
TOML

target/debug/csms-server --listen 127.0.0.1:0 --data-dir "$work/data" --credentials "$work/credentials.toml" \
  > "$work/stdout" 2> "$work/stderr" &
server=$!
for _ in $(seq 100); do
  grep -q 'listening on' "$work/stdout" 2>/dev/null && break
  sleep 0.1
done
endpoint=$(sed -n 's/^csms-server listening on //p' "$work/stdout")
[ -n "$endpoint" ] || { cat "$work/stderr"; echo "csms-server did not start" >&2; exit 1; }

CSMS_ENDPOINT="$endpoint" CSMS_AK="$ak" CSMS_SK="$sk" CSMS_PROJECT="$project" \
CSMS_OTHER_PROJECT=fedcba9876543210fedcba9876543210 \
  .venv/bin/python interop/sdk_interop.py

kill -TERM "$server"
wait "$server"
echo "csms-server stopped cleanly on SIGTERM"
