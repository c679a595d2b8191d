"""Drives all six operations through the official Python SDK (huaweicloudsdkcsms), unmodified.

Environment: CSMS_ENDPOINT (http://127.0.0.1:PORT), CSMS_AK, CSMS_SK, CSMS_PROJECT (a project the key may
use) and CSMS_OTHER_PROJECT (one it may not). Exits non-zero on the first failed check.
"""
import os
import sys
import uuid

from huaweicloudsdkcore.auth.credentials import BasicCredentials
from huaweicloudsdkcore.exceptions import exceptions
from huaweicloudsdkcsms.v1 import (
    CreateSecretEventRequest, CreateSecretEventRequestBody, CsmsClient, DeleteSecretEventRequest,
    ListNotificationRecordsRequest, ListSecretEventsRequest, Notification, ShowSecretEventRequest,
    UpdateSecretEventRequest, UpdateSecretEventRequestBody,
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

for name in names[:2]:
    c.delete_secret_event(DeleteSecretEventRequest(event_name=name))
print("%d passed, 0 failed" % checks)
