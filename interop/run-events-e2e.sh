#!/usr/bin/env bash
# End to end: the README's walk-through of events that fire, with the official Python SDK against a fresh
# csms-server delivering to a webhook listener (interop/events_e2e.py). Creates .venv on first use.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
if [ ! -x .venv/bin/python ] || ! .venv/bin/python -c 'import huaweicloudsdkcsms' 2>/dev/null; then
  python3 -m venv .venv
  .venv/bin/pip install --quiet --disable-pip-version-check huaweicloudsdkcsms
fi
cargo build --quiet -p csms-server
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
CSMS_SERVER_BIN="$root/target/debug/csms-server" CSMS_WORKDIR="$work" .venv/bin/python interop/events_e2e.py \
  || { echo "--- server log"; tail -50 "$work/server.log"; exit 1; }
