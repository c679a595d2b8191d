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

start_server "$work" "$work/credentials.toml"

CSMS_ENDPOINT="$endpoint" CSMS_AK="$ak" CSMS_SK="$sk" CSMS_PROJECT="$project" \
CSMS_OTHER_PROJECT=fedcba9876543210fedcba9876543210 \
  .venv/bin/python interop/sdk_interop.py

kill -TERM "$server"
wait "$server"
echo "csms-server stopped cleanly on SIGTERM"
