#!/usr/bin/env bash
# Operating checks with the real Prometheus tools (Debian's `prometheus` package, installed if missing):
# `promtool check rules` and `promtool test rules` on deploy/prometheus, then a Prometheus server
# scraping a fresh csms-server's admin listener while a few requests and a notification go through;
# Prometheus's own query API must show them.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
. interop/lib.sh

install_missing "promtool prometheus" prometheus

echo "--- promtool"
promtool check rules deploy/prometheus/alerts.yml
promtool test rules deploy/prometheus/alerts_test.yml

work=$(mktemp -d)
trap 'kill "${server:-}" "${prom:-}" "${hook:-}" 2>/dev/null || true; rm -rf "$work"' EXIT

# A webhook that answers 200 to every POST.
cat > "$work/hook.py" <<'PY'
import http.server, sys
class Hook(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self.send_response(200); self.end_headers()
    def log_message(self, *args): pass
server = http.server.HTTPServer(("127.0.0.1", 0), Hook)
print(server.server_address[1], flush=True)
server.serve_forever()
PY
python3 "$work/hook.py" > "$work/hook.port" &
hook=$!
for _ in $(seq 50); do [ -s "$work/hook.port" ] && break; sleep 0.1; done
hook_port=$(cat "$work/hook.port")

project=0123456789abcdef0123456789abcdef
token="prometheus-$(random_hex 16)"
printf '[[token]]\ntoken = "%s"\nprojects = ["*"]\n' "$token" > "$work/credentials.toml"
start_server "$work" "$work/credentials.toml" --admin-listen 127.0.0.1:0 --scan-interval 1 \
  --notify-webhook "http://127.0.0.1:$hook_port/hook"
[ -n "$admin" ] || { echo "FAIL: no admin listener" >&2; exit 1; }
admin_at=${admin#http://}

prom_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
cat > "$work/prometheus.yml" <<YML
global:
  scrape_interval: 1s
  evaluation_interval: 1s
rule_files:
  - $root/deploy/prometheus/alerts.yml
scrape_configs:
  - job_name: csms
    static_configs:
      - targets: ["$admin_at"]
YML
prometheus --config.file "$work/prometheus.yml" --storage.tsdb.path "$work/tsdb" \
  --web.listen-address "127.0.0.1:$prom_port" > "$work/prometheus.log" 2>&1 &
prom=$!

api() { curl -s -H "X-Auth-Token: $token" -H 'Content-Type: application/json' "$@"; }
topic="urn:smn:cn-north-4:$project:alerts"
api -X POST "$endpoint/v1/$project/csms/events" -d "{\"name\": \"alerts\", \"event_types\": [\"SECRET_VERSION_CREATED\"],
  \"state\": \"ENABLED\", \"notification\": {\"target_type\": \"SMN\", \"target_id\": \"$topic\", \"target_name\": \"alerts\"}}" > /dev/null
api -X POST "$endpoint/v1/$project/secrets" \
  -d '{"name": "db-password", "secret_string": "s3cr3t", "event_subscriptions": ["alerts"]}' > /dev/null
for _ in 1 2 3; do api "$endpoint/v1/$project/secrets/db-password" > /dev/null; done
api "$endpoint/v1/$project/secrets/missing" > /dev/null

# value QUERY: the first sample's value of an instant query, or empty.
value() {
  curl -s --get "http://127.0.0.1:$prom_port/api/v1/query" --data-urlencode "query=$1" \
    | python3 -c 'import json, sys; r = json.load(sys.stdin)["data"]["result"]; print(r[0]["value"][1] if r else "")'
}
expect() { # QUERY EXPECTED: waits up to 60 s for Prometheus to answer EXPECTED
  for _ in $(seq 120); do
    got=$(value "$1" 2> /dev/null || true)
    if [ "$got" = "$2" ]; then echo "ok: $1 = $2"; return; fi
    sleep 0.5
  done
  echo "FAIL: $1 is '$got', expected '$2'" >&2
  tail -20 "$work/prometheus.log" >&2
  exit 1
}
expect 'up{job="csms"}' 1
expect 'csms_ready' 1
expect 'csms_store_up' 1
expect 'csms_http_requests_total{operation="CreateSecret",status="200"}' 1
expect 'csms_http_requests_total{operation="ShowSecret",status="200"}' 3
expect 'csms_http_requests_total{operation="ShowSecret",status="404"}' 1
expect 'sum(csms_deliveries_total{target="webhook",outcome="SUCCESS"})' 1
expect 'csms_outbox_depth' 0
expect 'csms_build_info{version!=""}' 1
expect 'count(process_resident_memory_bytes > 0)' 1
rules=$(curl -s "http://127.0.0.1:$prom_port/api/v1/rules" \
  | python3 -c 'import json, sys; print(sum(len(g["rules"]) for g in json.load(sys.stdin)["data"]["groups"]))')
[ "$rules" = 6 ] || { echo "FAIL: Prometheus loaded $rules alert rules, not 6" >&2; exit 1; }
echo "ok: Prometheus loaded the 6 alert rules and none fires"
firing=$(curl -s "http://127.0.0.1:$prom_port/api/v1/alerts" \
  | python3 -c 'import json, sys; print(len([a for a in json.load(sys.stdin)["data"]["alerts"] if a["state"] == "firing"]))')
[ "$firing" = 0 ] || { echo "FAIL: $firing alerts fire against a healthy server" >&2; exit 1; }
echo "Prometheus scraped csms-server: requests, the delivery and the outbox are as they happened"
