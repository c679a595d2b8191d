"""The README's walk-through of events that fire, end to end: the official Python SDK (unmodified) drives a
fresh csms-server whose notifications go to a webhook listener started here; every one of the five event
types must arrive in the SMN HTTP-subscription shape and be listed by ListNotificationRecords.

Environment: CSMS_SERVER_BIN (the binary), CSMS_WORKDIR (a scratch directory). Exits non-zero on the first
failed check.
"""
import json
import os
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from huaweicloudsdkcore.auth.credentials import BasicCredentials
from huaweicloudsdkcore.exceptions import exceptions
from huaweicloudsdkcsms.v1 import (
    CreateSecretEventRequest, CreateSecretEventRequestBody, CreateSecretRequest, CreateSecretRequestBody,
    CreateSecretVersionRequest, CreateSecretVersionRequestBody, CsmsClient, DeleteSecretRequest,
    ListNotificationRecordsRequest, ListSecretTaskRequest, Notification, RotateSecretRequest,
    UpdateVersionRequest, UpdateVersionRequestBody,
)

PROJECT = "0123456789abcdef0123456789abcdef"
AK, SK = "E2EACCESSKEY00000001", "e2e-secret-key-0123456789abcdefghij"
TOPIC = "urn:smn:cn-north-4:%s:e2e-topic" % PROJECT
ALL_TYPES = ["SECRET_VERSION_CREATED", "SECRET_VERSION_EXPIRED", "SECRET_ROTATED", "SECRET_DELETED",
             "SECRET_ROTATED_FAILED"]
checks = 0
received = []
lock = threading.Lock()


def check(condition, what):
    global checks
    if not condition:
        print("FAIL:", what)
        sys.exit(1)
    checks += 1
    print("ok:", what)


class Hook(BaseHTTPRequestHandler):
    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        with lock:
            received.append((dict(self.headers), body))
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


hook = ThreadingHTTPServer(("127.0.0.1", 0), Hook)
threading.Thread(target=hook.serve_forever, daemon=True).start()

work = os.environ["CSMS_WORKDIR"]
with open(os.path.join(work, "credentials.toml"), "w") as f:
    f.write('[[access_key]]\nak = "%s"\nsk = "%s"\nprojects = ["%s"]\n' % (AK, SK, PROJECT))
server = subprocess.Popen(
    [os.environ["CSMS_SERVER_BIN"], "--listen", "127.0.0.1:0", "--data-dir", os.path.join(work, "data"),
     "--credentials", os.path.join(work, "credentials.toml"),
     "--notify-webhook", "http://127.0.0.1:%d/notifications" % hook.server_address[1],
     "--rotate-common", "--scan-interval", "1"],
    stdout=subprocess.PIPE, stderr=open(os.path.join(work, "server.log"), "w"), text=True)
try:
    line = server.stdout.readline()
    endpoint = line.strip().split(" on ")[-1]
    check(endpoint.startswith("http://127.0.0.1:"), "the server started: %s" % line.strip())
    c = (CsmsClient.new_builder().with_credentials(BasicCredentials(AK, SK, PROJECT))
         .with_endpoint(endpoint).build())

    def event(name, state):
        body = CreateSecretEventRequestBody(
            name=name, event_types=ALL_TYPES, state=state,
            notification=Notification(target_type="SMN", target_id=TOPIC, target_name="e2e-topic"))
        c.create_secret_event(CreateSecretEventRequest(body=body))

    def secret(name, event_name, kind="COMMON"):
        body = CreateSecretRequestBody(name=name, secret_string="e2e-value", secret_type=kind,
                                       event_subscriptions=[event_name])
        c.create_secret(CreateSecretRequest(body=body))

    def wait_task(task_id):
        # Terraform's loop (huaweicloud_csms_secret_rotate): wait 5 s, then poll every 5 s until it ends.
        for _ in range(24):
            time.sleep(5)
            task = c.list_secret_task(ListSecretTaskRequest(task_id=task_id)).tasks[0]
            if task.task_status in ("SUCCESS", "FAILED"):
                return task
        check(False, "task %s ended" % task_id)

    event("e2e-all", "ENABLED")
    event("e2e-off", "DISABLED")
    secret("e2e-quiet", "e2e-off")
    secret("e2e-secret", "e2e-all")
    c.create_secret_version(CreateSecretVersionRequest(
        secret_name="e2e-secret", body=CreateSecretVersionRequestBody(secret_string="e2e-value-2")))
    past = int(time.time()) * 1000 - 60000
    c.update_version(UpdateVersionRequest(secret_name="e2e-secret", version_id="v1",
                                          body=UpdateVersionRequestBody(expire_time=past)))
    rotation = c.rotate_secret(RotateSecretRequest(secret_name="e2e-secret"))
    check(rotation.version_id == "v3" and len(rotation.rotation_task_id) == 36, "rotate: task started")
    task = wait_task(rotation.rotation_task_id)
    check(task.task_status == "SUCCESS" and task.attempt_nums == 1, "rotate: the task succeeded")
    secret("e2e-rds", "e2e-all", kind="RDS-FG")
    failing = c.rotate_secret(RotateSecretRequest(secret_name="e2e-rds"))
    task = wait_task(failing.rotation_task_id)
    check(task.task_status == "FAILED" and task.task_error_code and task.task_error_msg,
          "rotating a type without a rotator fails with a code and a message")
    c.delete_secret(DeleteSecretRequest(secret_name="e2e-secret"))

    expected = sorted([
        ("SECRET_VERSION_CREATED", "e2e-secret", "v1"), ("SECRET_VERSION_CREATED", "e2e-secret", "v2"),
        ("SECRET_VERSION_EXPIRED", "e2e-secret", "v1"), ("SECRET_VERSION_CREATED", "e2e-secret", "v3"),
        ("SECRET_ROTATED", "e2e-secret", "v3"), ("SECRET_VERSION_CREATED", "e2e-rds", "v1"),
        ("SECRET_ROTATED_FAILED", "e2e-rds", None), ("SECRET_DELETED", "e2e-secret", None),
    ])

    def got():
        with lock:
            out = []
            for _, body in received:
                m = json.loads(body["message"])
                out.append((m["eventType"], m["data"]["secretName"], m["data"].get("versionId")))
            return sorted(out)

    for _ in range(100):
        if len(got()) >= len(expected):
            break
        time.sleep(0.1)
    time.sleep(1.5)  # a scan or two more: nothing else may arrive
    check(got() == expected, "the webhook received each happening once: %s" % got())
    for headers, body in received:
        lowered = {k.lower(): v for k, v in headers.items()}
        check(lowered.get("x-smn-message-type") == "Notification" and lowered.get("x-smn-topic-urn") == TOPIC
              and body["type"] == "Notification" and body["topic_urn"] == TOPIC
              and body["message_id"] == lowered.get("x-smn-message-id")
              and body["subject"].startswith("CSMS SECRET_"), "SMN HTTP-subscription shape: %s" % body["subject"])
    check(all("e2e-quiet" not in json.dumps(b) for _, b in received), "a DISABLED event sends nothing")
    check(all("e2e-value" not in json.dumps(b) for _, b in received), "no value in a notification")

    records = c.list_notification_records(ListNotificationRecordsRequest()).records
    check(len(records) == len(expected), "ListNotificationRecords lists each (%d)" % len(records))
    messages = sorted(b["message"] for _, b in received)
    check(sorted(r.notification_content for r in records) == messages, "each record holds the message sent")
    for r in records:
        check(r.notification_status == "SUCCESS" and r.event_name == "e2e-all" and r.notification_target_id == TOPIC
              and r.notification_target_name == "e2e-topic" and r.create_time > 10 ** 12 and r.secret_type
              and r.trigger_event_type in ALL_TYPES and r.secret_name in ("e2e-secret", "e2e-rds"),
              "record %s %s: all nine fields" % (r.trigger_event_type, r.secret_name))
    times = [r.create_time for r in records]
    check(times == sorted(times, reverse=True), "records newest first")
    print("%d passed, 0 failed" % checks)
finally:
    server.terminate()
    server.wait(timeout=30)
    hook.shutdown()
