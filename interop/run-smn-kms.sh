#!/usr/bin/env bash
# Interop test: the official Python SDKs of SMN and KMS (huaweicloudsdksmn, huaweicloudsdkkms, from PyPI,
# unmodified) against a freshly started csms-server, beside CSMS's own SDK; the subscriber is a local
# listener, the signature is checked with `cryptography`. Creates .venv on first use.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
. interop/lib.sh

if [ ! -x .venv/bin/python ] || ! .venv/bin/python -c 'import huaweicloudsdksmn, huaweicloudsdkkms, huaweicloudsdkcsms, cryptography' 2>/dev/null; then
  python3 -m venv .venv
  .venv/bin/pip install --quiet --disable-pip-version-check huaweicloudsdkcsms huaweicloudsdksmn huaweicloudsdkkms cryptography
fi

work=$(mktemp -d)
trap 'kill "${server:-}" 2>/dev/null || true; rm -rf "$work"' EXIT
project=0123456789abcdef0123456789abcdef
ak="INTEROP$(random_hex 8 | tr a-f A-F)"
sk="$(random_hex 20)"
printf '[[access_key]]\nak = "%s"\nsk = "%s"\nprojects = ["%s"]\n' "$ak" "$sk" "$project" > "$work/credentials.toml"
start_server "$work" "$work/credentials.toml" --region cn-north-4

CSMS_ENDPOINT="$endpoint" CSMS_AK="$ak" CSMS_SK="$sk" CSMS_PROJECT="$project" CSMS_REGION=cn-north-4 \
  .venv/bin/python interop/sdk_neighbours.py
