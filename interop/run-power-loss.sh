#!/usr/bin/env bash
# Power loss, not just kill -9: csms-server runs under an LD_PRELOAD shim that records every write and
# sync it makes to its database files while clients create events from several threads; then
# interop/powerloss/replay.py rebuilds the files as a power cut at hundreds of moments would have left
# them (only what a completed sync covers, everything, or a random part of the rest) and checks each
# image: SQLite finds it intact, and every acknowledged creation is in it. The checker is checked too:
# with each acknowledgement moved before the sync that covered it, it must find lost writes.
# Needs cc and python3. Usage: interop/run-power-loss.sh [pipelined|full]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
. interop/lib.sh
mode="${1:-pipelined}"

work=$(mktemp -d)
trap 'kill -9 "${server:-}" 2>/dev/null || true; [ -n "${KEEP:-}" ] || rm -rf "$work"' EXIT
cc -shared -fPIC -O2 -Wall -o "$work/shim.so" interop/powerloss/shim.c -ldl -lpthread
cargo build --quiet -p csms-server

token="power-loss-$(random_hex 16)"
project=0123456789abcdef0123456789abcdef
printf '[[token]]\ntoken = "%s"\nprojects = ["*"]\n' "$token" > "$work/credentials.toml"
mkdir -p "$work/data"
data="$(cd "$work/data" && pwd)"
log="$work/io.log"
CSMS_SHIM_DIR="$data" CSMS_SHIM_LOG="$log" LD_PRELOAD="$work/shim.so" \
  target/debug/csms-server --listen 127.0.0.1:0 --data-dir "$data" --credentials "$work/credentials.toml" \
  --sqlite-sync "$mode" --sqlite-wal-limit 262144 > "$work/stdout" 2> "$work/stderr" &
server=$!
disown "$server"  # killed with -9 below: no job-control notice
for _ in $(seq 100); do
  grep -q 'listening on' "$work/stdout" 2>/dev/null && break
  sleep 0.1
done
endpoint=$(sed -n 's/^csms-server listening on //p' "$work/stdout")
[ -n "$endpoint" ] || { cat "$work/stderr"; echo "csms-server did not start" >&2; exit 1; }

python3 interop/powerloss/workload.py "$endpoint" "$token" "$project" "$log" 16 40
kill -9 "$server"
while kill -0 "$server" 2>/dev/null; do sleep 0.05; done
grep -c '^W ' "$log" | sed 's/^/writes recorded: /'

python3 interop/powerloss/replay.py "$log" events.db
echo "ok: every image intact, every acknowledged write in it ($mode)"
if python3 interop/powerloss/replay.py "$log" events.db --early-ack > "$work/early" 2>&1; then
  cat "$work/early"
  echo "FAIL: with the acknowledgements moved before their syncs, the checker found nothing lost" >&2
  exit 1
fi
tail -1 "$work/early"
echo "ok: acknowledgements moved before their syncs are caught"
