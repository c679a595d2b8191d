# Shared by the interop scripts (sourced, not run): a fresh csms-server on a free loopback port.

# random_hex N: 2N random lower-case hex characters.
random_hex() {
  head -c "$1" /dev/urandom | od -An -tx1 | tr -d ' \n'
}

# install_missing "COMMAND..." PACKAGE...: installs the Debian packages unless every command is on the PATH.
install_missing() {
  local missing=""
  for command in $1; do command -v "$command" > /dev/null || missing="$missing $command"; done
  [ -z "$missing" ] && return 0
  echo "missing:$missing; installing ${*:2}" >&2
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${@:2}") >&2
}

# start_server WORKDIR CREDENTIALS [FLAGS...]: builds and starts csms-server with its data in WORKDIR;
# sets $server (the pid) and $endpoint (http://127.0.0.1:PORT), and $admin when --admin-listen is among
# the flags, or exits with the server's log.
start_server() {
  cargo build --quiet -p csms-server
  target/debug/csms-server --listen 127.0.0.1:0 --data-dir "$1/data" --credentials "$2" "${@:3}" \
    > "$1/stdout" 2> "$1/stderr" &
  server=$!
  for _ in $(seq 100); do
    grep -q 'listening on' "$1/stdout" 2>/dev/null && break
    sleep 0.1
  done
  endpoint=$(sed -n 's/^csms-server listening on //p' "$1/stdout")
  admin=$(sed -n 's/^csms-server admin listening on //p' "$1/stdout")
  [ -n "$endpoint" ] || { cat "$1/stderr"; echo "csms-server did not start" >&2; exit 1; }
}
