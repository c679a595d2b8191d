"""Drives every operation, events and secrets, through the official Python SDK (huaweicloudsdkcsms),
unmodified.

Environment: CSMS_ENDPOINT (http://127.0.0.1:PORT), CSMS_AK, CSMS_SK, CSMS_PROJECT (a project the key may
use) and CSMS_OTHER_PROJECT (one it may not). Exits non-zero on the first failed check.
"""
import os
import sys
import uuid

from huaweicloudsdkcore.auth.credentials import BasicCredentials
from huaweicloudsdkcore.exceptions import exceptions
from huaweicloudsdkcsms.v1 import (
    CreateSecretEventRequest, CreateSecretEventRequestBody, CreateSecretRequest, CreateSecretRequestBody,
    CreateSecretVersionRequest, CreateSecretVersionRequestBody, CsmsClient, DeleteSecretEventRequest,
    DeleteSecretForScheduleRequest, DeleteSecretForScheduleRequestBody, DeleteSecretRequest,
    ListNotificationRecordsRequest, ListSecretEventsRequest, ListSecretVersionsRequest, ListSecretsRequest,
    Notification, RestoreSecretRequest, ShowSecretEventRequest, ShowSecretRequest, ShowSecretVersionRequest,
    UpdateSecretEventRequest, UpdateSecretEventRequestBody, UpdateSecretRequest, UpdateSecretRequestBody,
    UpdateVersionRequest, UpdateVersionRequestBody,
)

ENDPOINT = os.environ["CSMS_ENDPOINT"]
AK, SK = os.environ["CSMS_AK"], os.environ["CSMS_SK"]
PROJECT, OTHER = os.environ["CSMS_PROJECT"], os.environ["CSMS_OTHER_PROJECT"]
checks = 0


def client(sk=SK, project=PROJECT):
    return (CsmsClient.new_builder()
            .with_credentials(BasicCredentials(AK, sk, project))
            .with_endpoint(ENDPOINT)
            .build())


def check(condition, what):
    global checks
    if not condition:
        print("FAIL:", what)
        sys.exit(1)
    checks += 1
    print("ok:", what)


def expect_error(call, status, code, what):
    try:
        call()
    except exceptions.ClientRequestException as e:
        check(e.status_code == status, "%s: status %s (got %s)" % (what, status, e.status_code))
        check(e.error_code == code, "%s: error_code %s (got %s)" % (what, code, e.error_code))
        check(bool(e.request_id) and len(e.request_id) == 32, "%s: request id %r" % (what, e.request_id))
        return
    check(False, "%s: an exception was raised" % what)


c = client()
prefix = "sdk-" + uuid.uuid4().hex[:8]
names = [prefix + "-a", prefix + "-b", prefix + "-c"]

for name in names:
    body = CreateSecretEventRequestBody(
        name=name, event_types=["SECRET_VERSION_CREATED", "SECRET_ROTATED_FAILED"], state="ENABLED",
        notification=Notification(target_type="SMN", target_id="urn:smn:cn-north-4:%s:topic" % PROJECT,
                                  target_name="topic"))
    created = c.create_secret_event(CreateSecretEventRequest(body=body))
    check(created.event.name == name and created.event.state == "ENABLED", "create %s" % name)
    check(len(created.event.event_id) == 36 and created.event.create_time > 10 ** 12,
          "create %s: uuid and epoch-ms time" % name)

listed = c.list_secret_events(ListSecretEventsRequest())
ours = [e.name for e in listed.events if e.name.startswith(prefix)]
check(ours == names, "list without limit returns ours in name order")
check(listed.page_info.current_count == len(listed.events), "list: current_count")

page = c.list_secret_events(ListSecretEventsRequest(limit="1", marker=names[0]))
check([e.name for e in page.events] == [names[1]], "list with limit and marker")
check(page.page_info.previous_marker == names[1], "list: previous_marker is the first name")

shown = c.show_secret_event(ShowSecretEventRequest(event_name=names[0]))
check(shown.event.event_types == ["SECRET_VERSION_CREATED", "SECRET_ROTATED_FAILED"], "show")

seed = UpdateSecretEventRequestBody(
    notification=Notification(target_type="SMN", target_id="demo-smn-id", target_name="demo-smn-name"))
updated = c.update_secret_event(UpdateSecretEventRequest(event_name=names[0], body=seed))
check(updated.event.notification.target_id == "demo-smn-id", "update with the seed's request body")
check(updated.event.state == "ENABLED" and updated.event.update_time >= updated.event.create_time,
      "update left the other fields")

deleted = c.delete_secret_event(DeleteSecretEventRequest(event_name=names[2]))
check(deleted.status_code == 204, "delete answers 204")

records = c.list_notification_records(ListNotificationRecordsRequest())
check(records.records == [] and records.page_info.current_count == 0, "list notification records")

expect_error(lambda: c.show_secret_event(ShowSecretEventRequest(event_name=names[2])), 404, "CSMS.0005",
             "show a deleted event")
bad = UpdateSecretEventRequestBody(event_types=[])
expect_error(lambda: c.update_secret_event(UpdateSecretEventRequest(event_name=names[0], body=bad)), 400,
             "CSMS.0002", "invalid update")
expect_error(lambda: client(sk="wrong-secret-key").list_secret_events(ListSecretEventsRequest()), 401,
             "APIGW.0301", "wrong SK")
expect_error(lambda: client(project=OTHER).list_secret_events(ListSecretEventsRequest()), 403, "APIGW.0302",
             "a project the key may not use")

# Secrets: the values used here must appear in no log line (run-python-sdk.sh greps the server's log).
VALUE1, VALUE2 = os.environ["CSMS_SECRET_VALUE"] + "-one", os.environ["CSMS_SECRET_VALUE"] + "-two"
secret = prefix + "-secret"
body = CreateSecretRequestBody(name=secret, secret_string=VALUE1, event_subscriptions=[names[0]],
                               description="interop")
created = c.create_secret(CreateSecretRequest(body=body)).secret
check(created.name == secret and created.state == "ENABLED" and created.event_subscriptions == [names[0]],
      "create a secret subscribed to an event")
check(VALUE1 not in str(created), "the created secret carries no value")
shown = c.show_secret(ShowSecretRequest(secret_name=secret)).secret
check(shown.id == created.id and shown.secret_type == "COMMON", "show the secret")
latest = c.show_secret_version(ShowSecretVersionRequest(secret_name=secret, version_id="latest")).version
check(latest.secret_string == VALUE1 and latest.version_metadata.id == "v1", "read the value by latest")
check(latest.version_metadata.version_stages == ["SYSCURRENT"], "v1 holds SYSCURRENT")

v2 = c.create_secret_version(CreateSecretVersionRequest(
    secret_name=secret, body=CreateSecretVersionRequestBody(secret_string=VALUE2, expire_time=4102444800123)))
check(v2.version_metadata.id == "v2" and v2.version_metadata.expire_time == 4102444800000,
      "add a version; its expiry keeps whole seconds")
by_id = c.show_secret_version(ShowSecretVersionRequest(secret_name=secret, version_id="v2")).version
check(by_id.secret_string == VALUE2, "read the value by version id")
old = c.show_secret_version(ShowSecretVersionRequest(secret_name=secret, version_id="v1")).version
check(old.secret_string == VALUE1 and old.version_metadata.version_stages == ["SYSPREVIOUS"],
      "the previous version moved to SYSPREVIOUS")
versions = c.list_secret_versions(ListSecretVersionsRequest(secret_name=secret))
check([v.id for v in versions.version_metadatas] == ["v1", "v2"], "list the versions")
page = c.list_secret_versions(ListSecretVersionsRequest(secret_name=secret, limit=1, marker="v1"))
check([v.id for v in page.version_metadatas] == ["v2"], "list the versions after a marker")
moved = c.update_version(UpdateVersionRequest(secret_name=secret, version_id="v1",
                                              body=UpdateVersionRequestBody(expire_time=1000000000999)))
check(moved.version_metadata.expire_time == 1000000000000, "set an expiry in the past")

subscribed = c.list_secrets(ListSecretsRequest(event_name=names[0])).secrets
check([x.name for x in subscribed] == [secret], "list secrets by event_name")
expect_error(lambda: c.delete_secret_event(DeleteSecretEventRequest(event_name=names[0])), 409, "CSMS.9002",
             "delete an event a secret subscribes to")
check(c.show_secret_event(ShowSecretEventRequest(event_name=names[0])).event.name == names[0],
      "the event in use is still there")
switched = c.update_secret(UpdateSecretRequest(secret_name=secret, body=UpdateSecretRequestBody(
    event_subscriptions=[names[1]]))).secret
check(switched.event_subscriptions == [names[1]], "switch the subscription")
expect_error(lambda: c.update_secret(UpdateSecretRequest(secret_name=secret, body=UpdateSecretRequestBody(
    event_subscriptions=["no-such-event"]))), 400, "CSMS.0002", "subscribe to an unknown event")
cleared = c.update_secret(UpdateSecretRequest(secret_name=secret, body=UpdateSecretRequestBody(
    event_subscriptions=[]))).secret
check(cleared.event_subscriptions == [], "drop the subscription")

pending = c.delete_secret_for_schedule(DeleteSecretForScheduleRequest(
    secret_name=secret, body=DeleteSecretForScheduleRequestBody(recovery_window_in_days=7))).secret
check(pending.state == "PENDING_DELETE" and pending.scheduled_delete_time > pending.update_time,
      "schedule the deletion")
expect_error(lambda: c.create_secret_version(CreateSecretVersionRequest(
    secret_name=secret, body=CreateSecretVersionRequestBody(secret_string="x"))), 400, "CSMS.0107",
    "add a version to a secret pending deletion")
restored = c.restore_secret(RestoreSecretRequest(secret_name=secret)).secret
check(restored.state == "ENABLED" and restored.scheduled_delete_time is None, "cancel the scheduled deletion")
expect_error(lambda: c.restore_secret(RestoreSecretRequest(secret_name=secret)), 400, "CSMS.0108",
             "restore a secret not pending deletion")
expect_error(lambda: c.create_secret(CreateSecretRequest(body=CreateSecretRequestBody(
    name=secret, secret_string="x"))), 409, "CSMS.9001", "create a secret that exists")
expect_error(lambda: c.show_secret_version(ShowSecretVersionRequest(secret_name=secret, version_id="v9")), 404,
             "CSMS.0005", "show a missing version")

deleted = c.delete_secret(DeleteSecretRequest(secret_name=secret))
check(deleted.status_code == 204, "delete the secret")
expect_error(lambda: c.show_secret(ShowSecretRequest(secret_name=secret)), 404, "CSMS.0005",
             "show a deleted secret")

for name in names[:2]:
    c.delete_secret_event(DeleteSecretEventRequest(event_name=name))
print("%d passed, 0 failed" % checks)
