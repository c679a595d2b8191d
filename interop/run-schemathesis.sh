#!/usr/bin/env bash
# Property-based tests of a fresh csms-server against its own OpenAPI document (schemathesis, all checks,
# a fixed seed and a bounded number of examples). Creates .venv on first use.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/python -c 'import schemathesis' 2>/dev/null \
  || .venv/bin/pip install --quiet --disable-pip-version-check schemathesis

cargo build --quiet -p csms-server
work=$(mktemp -d)
trap 'kill "$server" 2>/dev/null || true; rm -rf "$work"' EXIT
token="schemathesis-$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')"
printf '[[token]]\ntoken = "%s"\nprojects = ["*"]\n' "$token" > "$work/credentials.toml"
target/debug/csms-server --listen 127.0.0.1:0 --data-dir "$work/data" --credentials "$work/credentials.toml" \
  > "$work/stdout" 2> "$work/stderr" &
server=$!
for _ in $(seq 100); do
  grep -q 'listening on' "$work/stdout" 2>/dev/null && break
  sleep 0.1
done
endpoint=$(sed -n 's/^csms-server listening on //p' "$work/stdout")
[ -n "$endpoint" ] || { cat "$work/stderr"; echo "csms-server did not start" >&2; exit 1; }

.venv/bin/schemathesis --config-file interop/schemathesis.toml run "$endpoint/openapi.json" --url "$endpoint" \
  -H "X-Auth-Token: $token" --checks all --max-examples 100 --seed 1 --no-color
