"""Creates events from several threads at once against a csms-server, and appends `A name` to the
shim's log (O_APPEND) as each creation is acknowledged (200).

  workload.py ENDPOINT TOKEN PROJECT LOG THREADS PER_THREAD
"""
import http.client
import json
import os
import sys
import threading
import urllib.parse

endpoint, token, project, log = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4]
threads, per_thread = int(sys.argv[5]), int(sys.argv[6])
url = urllib.parse.urlparse(endpoint)
log_fd = os.open(log, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
failures = []


def work(t):
    conn = http.client.HTTPConnection(url.hostname, url.port, timeout=30)
    for i in range(per_thread):
        name = "pl-%02d-%04d" % (t, i)
        body = json.dumps({"name": name, "event_types": ["SECRET_ROTATED"], "state": "ENABLED",
                           "notification": {"target_type": "SMN", "target_name": "t",
                                            "target_id": "urn:smn:r:%s:t" % project}})
        conn.request("POST", "/v1/%s/csms/events" % project, body,
                     {"X-Auth-Token": token, "Content-Type": "application/json"})
        response = conn.getresponse()
        response.read()
        if response.status != 200:
            failures.append((name, response.status))
            return
        os.write(log_fd, ("A %s\n" % name).encode())


workers = [threading.Thread(target=work, args=(t,)) for t in range(threads)]
for w in workers:
    w.start()
for w in workers:
    w.join()
if failures:
    print("FAIL: %d creations refused, first %r" % (len(failures), failures[0]))
    sys.exit(1)
print("%d events created and acknowledged from %d threads" % (threads * per_thread, threads))
