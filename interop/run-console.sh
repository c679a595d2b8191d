#!/usr/bin/env bash
# The console in a real browser: Debian's chromium and chromedriver (installed if missing) drive a fresh
# csms-server's /console/ through interop/console_test.py (selenium in .venv). Screenshots go to
# $CONSOLE_SCREENSHOTS (a temporary directory unless given; docs/console holds the README's).
# The page's script is type-checked first by tsc (interop/typescript's, --checkJs).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
. interop/lib.sh

install_missing "chromium chromedriver" chromium chromium-driver
[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/python -c 'import selenium' 2>/dev/null || .venv/bin/pip install --quiet --disable-pip-version-check selenium

echo "--- tsc --checkJs on the console's script"
(cd interop/typescript && npm ci --no-audit --no-fund --loglevel=error && npx tsc -p tsconfig.console.json)

work=$(mktemp -d)
trap 'kill "${server:-}" 2>/dev/null || true; rm -rf "$work"' EXIT
token="console-$(random_hex 16)"
ak="CONSOLE$(random_hex 6 | tr a-f A-F)"
sk=$(random_hex 20)
printf '[[token]]\ntoken = "%s"\nprojects = ["*"]\n\n[[access_key]]\nak = "%s"\nsk = "%s"\nprojects = ["*"]\n' \
  "$token" "$ak" "$sk" > "$work/credentials.toml"
start_server "$work" "$work/credentials.toml"
grep -q "^csms-server console on $endpoint/console/\$" "$work/stdout" \
  || { cat "$work/stdout"; echo "the start banner does not name the console" >&2; exit 1; }
CSMS_ENDPOINT="$endpoint" CSMS_TOKEN="$token" CSMS_AK="$ak" CSMS_SK="$sk" \
  CONSOLE_SCREENSHOTS="${CONSOLE_SCREENSHOTS:-$work/screenshots}" timeout 300 .venv/bin/python interop/console_test.py
