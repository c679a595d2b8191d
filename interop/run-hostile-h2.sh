#!/usr/bin/env bash
# HTTP/2 abuse against a freshly started csms-server (interop/hostile_h2.py, with the `h2` package in
# .venv). Run from anywhere; needs cargo and python3.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
. interop/lib.sh

if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv
fi
.venv/bin/python -c 'import h2' 2>/dev/null || .venv/bin/pip install --quiet --disable-pip-version-check h2

work=$(mktemp -d)
trap 'kill "${server:-}" 2>/dev/null || true; rm -rf "$work"' EXIT
token="hostile-$(random_hex 16)"
printf '[[token]]\ntoken = "%s"\nprojects = ["*"]\n' "$token" > "$work/credentials.toml"
start_server "$work" "$work/credentials.toml"
CSMS_ENDPOINT="$endpoint" CSMS_TOKEN="$token" CSMS_PID="$server" timeout 300 .venv/bin/python interop/hostile_h2.py
