"""HTTP/2 abuse against a running csms-server (loopback only, every loop bounded).

Checks what one client can hold of the server over HTTP/2:
- the server announces its stream and header-list limits, and refuses streams beyond the first;
- an oversized header list is refused and the connection stays usable for others;
- slow readers (a zero flow-control window, many large responses never read) and unauthenticated
  unfinished bodies grow the server's memory by a bounded amount only.

Environment: CSMS_ENDPOINT (http://127.0.0.1:PORT), CSMS_TOKEN, CSMS_PID (to read the server's RSS).
Prints "N passed, M failed" and exits 1 on any failure.
"""

import json
import os
import socket
import time
import urllib.request

import h2.config
import h2.connection
import h2.events
import h2.settings

ENDPOINT = os.environ["CSMS_ENDPOINT"]
TOKEN = os.environ["CSMS_TOKEN"]
PID = int(os.environ["CSMS_PID"])
HOST, PORT = ENDPOINT.removeprefix("http://").split(":")
PORT = int(PORT)
PROJECT = "0123456789abcdef0123456789abcdef"
EVENTS = f"/v1/{PROJECT}/csms/events"

passed = failed = 0


def check(what, ok, detail=""):
    global passed, failed
    if ok:
        passed += 1
        print(f"ok: {what}")
    else:
        failed += 1
        print(f"FAIL: {what} {detail}")


def rss_kib():
    with open(f"/proc/{PID}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise RuntimeError("no VmRSS")


class Client:
    """One HTTP/2 connection, driven by hand."""

    def __init__(self, window=65535):
        self.sock = socket.create_connection((HOST, PORT), timeout=5)
        self.conn = h2.connection.H2Connection(config=h2.config.H2Configuration(client_side=True))
        self.conn.initiate_connection()
        self.conn.update_settings({h2.settings.SettingCodes.INITIAL_WINDOW_SIZE: window})
        self.flush()
        self.remote_settings = {}
        self.events = []

    def flush(self):
        data = self.conn.data_to_send()
        if data:
            self.sock.sendall(data)

    def pump(self, seconds):
        """Reads frames for up to `seconds` (or until the server closes)."""
        deadline = time.time() + seconds
        while time.time() < deadline:
            self.sock.settimeout(max(0.05, deadline - time.time()))
            try:
                data = self.sock.recv(65536)
            except socket.timeout:
                break
            if not data:
                break
            for event in self.conn.receive_data(data):
                self.events.append(event)
                if isinstance(event, h2.events.RemoteSettingsChanged):
                    for code, setting in event.changed_settings.items():
                        self.remote_settings[code] = setting.new_value
            self.flush()

    def request(self, method, path, headers=(), body=None, end=True):
        stream = self.conn.get_next_available_stream_id()
        base = [(":method", method), (":path", path), (":scheme", "http"), (":authority", f"{HOST}:{PORT}")]
        self.conn.send_headers(stream, base + list(headers), end_stream=end and body is None)
        if body is not None:
            self.conn.send_data(stream, body, end_stream=end)
        self.flush()
        return stream

    def close(self):
        self.sock.close()


def http1(method, path, body=None):
    request = urllib.request.Request(ENDPOINT + path, method=method, data=body,
                                     headers={"X-Auth-Token": TOKEN, "Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.status


# Settings the server announces.
client = Client()
client.pump(0.5)
streams = client.remote_settings.get(h2.settings.SettingCodes.MAX_CONCURRENT_STREAMS)
header_list = client.remote_settings.get(h2.settings.SettingCodes.MAX_HEADER_LIST_SIZE)
check("the server announces at most 8 concurrent streams", streams == 8, f"(got {streams})")
check("the server announces a 16 KiB header list limit", header_list == 16384, f"(got {header_list})")

# An oversized header list is refused; the server answers others afterwards.
stream = client.request("GET", EVENTS, [("x-auth-token", TOKEN), ("x-padding", "a" * 20000)])
client.pump(1.0)
refused = [e for e in client.events if getattr(e, "stream_id", None) == stream and (
    isinstance(e, h2.events.StreamReset) or (isinstance(e, h2.events.ResponseReceived)
                                              and dict(e.headers).get(b":status") == b"431"))]
closed = any(isinstance(e, h2.events.ConnectionTerminated) for e in client.events)
check("an oversized header list is refused", bool(refused) or closed)
client.close()
check("the server still answers", http1("GET", EVENTS) == 200)

# 1,000 events, so that a page of 1,000 is a large response.
for i in range(1000):
    body = json.dumps({"name": f"bulk-{i:04d}", "event_types": ["SECRET_ROTATED"], "state": "ENABLED",
                       "notification": {"target_type": "SMN", "target_id": f"urn:smn:r:{PROJECT}:t",
                                        "target_name": "t"}}).encode()
    http1("POST", EVENTS, body)

# Slow readers: a zero window, 40 pages of 1,000 events asked for on each of 3 connections, never read.
before = rss_kib()
readers = []
for _ in range(3):
    reader = Client(window=0)
    reader.pump(0.2)
    # Ignore the server's stream limit, as an abusive client would: the server must enforce it.
    reader.conn.remote_settings[h2.settings.SettingCodes.MAX_CONCURRENT_STREAMS] = 1000
    reader.conn.remote_settings.acknowledge()
    for _ in range(40):
        reader.request("GET", f"{EVENTS}?limit=1000", [("x-auth-token", TOKEN)])
    reader.pump(1.0)
    readers.append(reader)
time.sleep(2)
grown = rss_kib() - before
resets = sum(isinstance(e, h2.events.StreamReset) for r in readers for e in r.events)
check("streams beyond the limit are refused", resets >= 3 * (40 - 8), f"(resets {resets})")
check("slow readers grow the server by less than 32 MiB", grown < 32 * 1024, f"(grew {grown} KiB)")
for reader in readers:
    reader.close()

# Unauthenticated, unfinished bodies: 20 connections x 8 streams x 60 KB announced, 16 KB sent.
before = rss_kib()
senders = []
for _ in range(20):
    sender = Client()
    sender.pump(0.1)
    for _ in range(8):  # within the stream limit
        sender.request("POST", EVENTS, [("x-auth-token", "wrong"), ("content-type", "application/json"),
                                        ("content-length", "60000")], body=b"x" * 16000, end=False)
    sender.pump(0.3)
    senders.append(sender)
time.sleep(1)
grown = rss_kib() - before
unauthenticated = sum(isinstance(e, h2.events.ResponseReceived) and dict(e.headers).get(b":status") == b"401"
                      for s in senders for e in s.events)
check("unauthenticated bodies are answered 401 without waiting for them", unauthenticated >= 20 * 8 * 0.9,
      f"({unauthenticated} of {20 * 8})")
check("unauthenticated bodies grow the server by less than 32 MiB", grown < 32 * 1024, f"(grew {grown} KiB)")
for sender in senders:
    sender.close()
check("the server still answers", http1("GET", EVENTS + "?limit=1") == 200)

print(f"{passed} passed, {failed} failed")
raise SystemExit(1 if failed else 0)
