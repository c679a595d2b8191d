"""Drives every operation, events, secrets and the secret family, through the official Python SDK
(huaweicloudsdkcsms), unmodified. BatchGetSecretValue is not in the SDK (3.1.219): it is called through
the SDK's own signing client, with its response model defined here.

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
    ShowSecretStageRequest, UpdateSecretStageRequest, UpdateSecretStageRequestBody, DeleteSecretStageRequest,
    ListSecretTagsRequest, CreateSecretTagRequest, CreateSecretTagRequestBody, TagItem, DeleteSecretTagRequest,
    BatchCreateOrDeleteTagsRequest, BatchCreateOrDeleteTagsRequestBody, ListProjectSecretsTagsRequest,
    ListResourceInstancesRequest, ListResourceInstancesRequestBody, Tag, TagMatches, DownloadSecretBlobRequest,
    UploadSecretBlobRequest, UploadSecretBlobRequestBody, GenerateRandomPasswordRequest, CreatePasswordRequestBody,
    BatchImportSecretsRequest, ImportSecretsRequest,
    ShowSecretsConfigRequest, UpdateSecretsConfigRequest, UpdateSecretsConfigRequestBody, CheckSecretsRequest,
    CheckSecretsRequestBody, CreateAgencyRequest, CreateAgencyRequestBody, ShowAgencyRequest,
    ShowSecretFunctionTemplatesRequest, CreateGrantsRequest, GrantSecretReqBody, ListGrantsRequest,
    UpdateGrantRequest, DeleteGrantRequest, ListUsersRequest, ShowUserDetailRequest, UpdateUserPasswordRequest,
    ChangeUsersPassword,
)
import datetime
from huaweicloudsdkcore.sdk_response import SdkResponse
import huaweicloudsdkcsms.v1.model as sdk_model

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

# The secret family: stages, tags, backups, passwords and the batch calls.
fam = prefix + "-fam"
made = c.create_secret(CreateSecretRequest(body=CreateSecretRequestBody(name=fam, secret_string=VALUE1))).secret
check(made.kms_key_id and len(made.kms_key_id) == 36 and made.auto_rotation is False
      and made.enterprise_project_id == "0", "a secret without a key reports the default key")
c.create_secret_version(CreateSecretVersionRequest(
    secret_name=fam, body=CreateSecretVersionRequestBody(secret_string=VALUE2)))
stage = c.update_secret_stage(UpdateSecretStageRequest(
    secret_name=fam, stage_name="DEV", body=UpdateSecretStageRequestBody(version_id="v1"))).stage
check(stage.name == "DEV" and stage.version_id == "v1" and stage.secret_name == fam, "put a stage on v1")
c.update_secret_stage(UpdateSecretStageRequest(
    secret_name=fam, stage_name="SYSCURRENT", body=UpdateSecretStageRequestBody(version_id="v1")))
previous = c.show_secret_stage(ShowSecretStageRequest(secret_name=fam, stage_name="SYSPREVIOUS")).stage
check(previous.version_id == "v2", "moving SYSCURRENT makes its former holder SYSPREVIOUS")
latest = c.show_secret_version(ShowSecretVersionRequest(secret_name=fam, version_id="latest")).version
check(latest.secret_string == VALUE1, "latest follows SYSCURRENT")
check(c.delete_secret_stage(DeleteSecretStageRequest(secret_name=fam, stage_name="DEV")).status_code == 204,
      "delete a stage")
expect_error(lambda: c.show_secret_stage(ShowSecretStageRequest(secret_name=fam, stage_name="DEV")), 404,
             "CSMS.0005", "show a deleted stage")
expect_error(lambda: c.delete_secret_stage(DeleteSecretStageRequest(secret_name=fam, stage_name="SYSCURRENT")),
             400, "CSMS.0002", "delete SYSCURRENT")
expect_error(lambda: c.update_secret_stage(UpdateSecretStageRequest(
    secret_name=fam, stage_name="DEV", body=UpdateSecretStageRequestBody(version_id="v9"))), 404, "CSMS.0005",
    "move a stage to a missing version")

# Tags, as the Terraform provider sets them: by the secret's id, a batch create, read back.
sid = made.id
r = c.batch_create_or_delete_tags(BatchCreateOrDeleteTagsRequest(secret_id=sid, body=BatchCreateOrDeleteTagsRequestBody(
    action="create", tags=[TagItem(key="team", value="pay"), TagItem(key="env", value="prod")])))
check(r.status_code == 204, "batch create tags")
c.create_secret_tag(CreateSecretTagRequest(secret_id=sid, body=CreateSecretTagRequestBody(
    tag=TagItem(key="owner", value="ops"))))
tags = c.list_secret_tags(ListSecretTagsRequest(secret_id=sid))
check([(t.key, t.value) for t in tags.tags] == [("env", "prod"), ("owner", "ops"), ("team", "pay")],
      "list a secret's tags")
project_tags = c.list_project_secrets_tags(ListProjectSecretsTagsRequest()).tags
check(any(t.key == "team" and "pay" in t.values for t in project_tags), "list the project's tags")
found = c.list_resource_instances(ListResourceInstancesRequest(resource_instances="resource_instances",
    body=ListResourceInstancesRequestBody(action="filter", limit="10", offset="0",
                                          tags=[Tag(key="team", values=["pay"])],
                                          matches=[TagMatches(key="resource_name", value=fam)])))
check(found.total_count == 1 and found.resources[0].resource_id == sid
      and found.resources[0].resource_detail.name == fam, "find the secret by tag and name")
counted = c.list_resource_instances(ListResourceInstancesRequest(resource_instances="resource_instances",
    body=ListResourceInstancesRequestBody(action="count", tags=[Tag(key="env", values=[])])))
check(counted.total_count >= 1 and not counted.resources, "count by tag")
check(c.delete_secret_tag(DeleteSecretTagRequest(secret_id=sid, key="owner")).status_code == 204, "delete a tag")
expect_error(lambda: c.delete_secret_tag(DeleteSecretTagRequest(secret_id=sid, key="owner")), 404, "CSMS.0005",
             "delete a tag that is gone")
expect_error(lambda: c.create_secret_tag(CreateSecretTagRequest(secret_id=sid, body=CreateSecretTagRequestBody(
    tag=TagItem(key="_sys_x", value="v")))), 400, "CSMS.0002", "a reserved tag key")
expect_error(lambda: c.list_secret_tags(ListSecretTagsRequest(secret_id=str(uuid.uuid4()))), 404, "CSMS.0005",
             "tags of an unknown secret id")

# A backup round trip: the blob restores only once the secret is gone.
blob = c.download_secret_blob(DownloadSecretBlobRequest(secret_name=fam)).secret_blob
check(blob.startswith(")CloudSecretManagementBackupV1.com") and VALUE1 not in blob, "download a backup")
expect_error(lambda: c.upload_secret_blob(UploadSecretBlobRequest(body=UploadSecretBlobRequestBody(
    secret_blob=blob))), 409, "CSMS.9001", "restore over an existing secret")
c.delete_secret(DeleteSecretRequest(secret_name=fam))
expect_error(lambda: c.upload_secret_blob(UploadSecretBlobRequest(body=UploadSecretBlobRequestBody(
    secret_blob=blob[:-2] + ("AA" if not blob.endswith("AA") else "BB")))), 400, "CSMS.0002", "a tampered blob")
back = c.upload_secret_blob(UploadSecretBlobRequest(body=UploadSecretBlobRequestBody(secret_blob=blob))).secret
check(back.id == sid and back.name == fam and back.state == "ENABLED", "restore the backup")
again = c.show_secret_version(ShowSecretVersionRequest(secret_name=fam, version_id="v2")).version
check(again.secret_string == VALUE2, "the restored secret has its versions")
check([t.key for t in c.list_secret_tags(ListSecretTagsRequest(secret_id=sid)).tags] == ["env", "team"],
      "and its tags")

password = c.generate_random_password(GenerateRandomPasswordRequest(body=CreatePasswordRequestBody(
    length=40, exclude_punctuation=True, require_each_included_type=True))).password
check(len(password) == 40 and password.isalnum(), "generate a password")
check(len(c.generate_random_password(GenerateRandomPasswordRequest()).password) == 32,
      "generate a password without a body")
expect_error(lambda: c.generate_random_password(GenerateRandomPasswordRequest(body=CreatePasswordRequestBody(
    exclude_lowercase=True, exclude_uppercase=True, exclude_numbers=True, exclude_punctuation=True))), 400,
    "CSMS.0002", "a password from nothing")

imported = c.batch_import_secrets(BatchImportSecretsRequest(body=ImportSecretsRequest(secrets=[
    CreateSecretRequestBody(name=prefix + "-imp1", secret_string=VALUE1),
    CreateSecretRequestBody(name=fam, secret_string=VALUE2)])))
check((imported.total, imported.success, imported.failed) == (2, 1, 1)
      and imported.error_list[0].name == fam, "batch import: one created, one refused")


class BatchGetSecretValueResponse(SdkResponse):
    """BatchGetSecretValue's response (not in the SDK 3.1.219)."""
    sensitive_list = []
    openapi_types = {"total_count": "int", "versions": "list[Version]"}
    attribute_map = {"total_count": "total_count", "versions": "versions"}

    def __init__(self, total_count=None, versions=None):
        super().__init__()
        self.total_count, self.versions = total_count, versions


sdk_model.BatchGetSecretValueResponse = BatchGetSecretValueResponse
batch = c._call_api(method="POST", resource_path="/v1/{project_id}/secrets/batch-get-secret-value",
                    request_type="object", response_type="BatchGetSecretValueResponse", cname=None,
                    collection_formats={}, path_params={}, query_params=[],
                    header_params={"Content-Type": "application/json;charset=UTF-8"}, post_params={},
                    body={"secret_name_list": [fam, prefix + "-imp1", "no-such-secret"]}, response_headers=[])
# fam's SYSCURRENT is v1 again (moved above), and imp1 was imported with VALUE1.
check(batch.total_count == 2
      and sorted((v.version_metadata.secret_name, v.secret_string) for v in batch.versions)
      == [(fam, VALUE1), (prefix + "-imp1", VALUE1)], "batch get: the current values of the secrets that exist")

for name in [fam, prefix + "-imp1"]:
    c.delete_secret(DeleteSecretRequest(secret_name=name))

# The secrets checker, and the account-level operations (no project in their path).
check(c.show_secrets_config(ShowSecretsConfigRequest()).checking_secret_strength in (False, True),
      "show the checker's setting")
updated = c.update_secrets_config(UpdateSecretsConfigRequest(
    body=UpdateSecretsConfigRequestBody(checking_secret_strength=True)))
check(updated.checking_secret_strength is True, "turn the checker on")
check(c.show_secrets_config(ShowSecretsConfigRequest()).checking_secret_strength is True, "the setting is kept")
weak = os.environ["CSMS_SECRET_VALUE"][:6]
checked = c.check_secrets(CheckSecretsRequest(body=CheckSecretsRequestBody(
    type="STRENGTH", data={"secret_string": weak})))
check(checked.type == "STRENGTH" and checked.data["strength"] == "WEAK" and weak not in str(checked),
      "check a weak value's strength, the value not answered")
expect_error(lambda: c.check_secrets(CheckSecretsRequest(body=CheckSecretsRequestBody(
    type="this is a demo type", data={}))), 400, "CSMS.0002", "an unknown check")
granted = c.create_agency(CreateAgencyRequest(body=CreateAgencyRequestBody(secret_type="RDS-FG"))).agencies
check(len(granted) == 2 and all(a.agency_id for a in granted), "grant the RDS-FG agencies")
check(c.show_agency(ShowAgencyRequest(secret_type="RDS-FG")).agency_granted == "true",
      "the agencies are granted (a string, as upstream)")
expect_error(lambda: c.show_agency(ShowAgencyRequest(secret_type="COMMON")), 400, "CSMS.0002",
             "agencies of a type that has none")
template = c.show_secret_function_templates(ShowSecretFunctionTemplatesRequest(
    secret_type="RDS-FG", secret_sub_type="SingleUser", engine="mysql")).function_templates
check("def handler" in template and "pymysql" in template, "a rotation function template")
expect_error(lambda: c.show_secret_function_templates(ShowSecretFunctionTemplatesRequest(
    secret_type="RDS-FG", secret_sub_type="SingleUser")), 400, "CSMS.0002", "an RDS-FG template without engine")

# Grants: records of who a resource is granted to (camelCase members and int64 times in the SDK's models).
gsecret = prefix + "-granted"
c.create_secret(CreateSecretRequest(body=CreateSecretRequestBody(name=gsecret, secret_string=VALUE1)))
granted = c.create_grants(CreateGrantsRequest(body=GrantSecretReqBody(
    resource_id=gsecret, type="SECRET", grantee_type="0", grantee_target_id="user_01",
    validity_time=datetime.date(2030, 12, 31)))).data
check(granted.resource_id == gsecret and granted.grantee_user == "user_01" and granted.state == 0
      and isinstance(granted.create_time, int) and granted.validity_time == 1924991999999,
      "grant a secret until the end of a day")
listed = c.list_grants(ListGrantsRequest(resource_id=gsecret)).data
check(listed.id == gsecret and [u.user_id for u in listed.grantee_user] == ["user_01"], "list the grants")
changed = c.update_grant(UpdateGrantRequest(resource_id=gsecret, body=GrantSecretReqBody(
    resource_id=gsecret, type="SECRET", grantee_type="2", grantee_target_id="user_01"))).data
check(changed.validity_time is None, "change the grant")
expect_error(lambda: c.create_grants(CreateGrantsRequest(body=GrantSecretReqBody(
    resource_id=gsecret, type="SECRET", grantee_type="0", grantee_target_id="user_01"))), 409, "CSMS.9001",
    "grant the same grantee twice")
check(c.delete_grant(DeleteGrantRequest(resource_id=gsecret, grantee_user="user_01")).status_code == 204,
      "remove the grant")
expect_error(lambda: c.list_grants(ListGrantsRequest(resource_id=gsecret)), 404, "CSMS.0005",
             "a resource without grants")
c.delete_secret(DeleteSecretRequest(secret_name=gsecret))

# The user directory of the key's account, and the key's user's own password (CSMS_USER_PASSWORD first).
listed = c.list_users(ListUsersRequest(offset=0, limit=10))
check(listed.total == 2 and [u.user_id for u in listed.users] == ["colleague", "interop-user"],
      "list the account's users (not another account's)")
me = listed.users[1]
check(me.user_name == "interop" and me.org_id == "org-1" and me.disabled == "false"
      and me.user_org_relation_list[0].org_id == "org-1", "a listed user, typed as the SDK's list model")
check([u.user_id for u in c.list_users(ListUsersRequest(offset=0, limit=10, user_info="INTER")).users]
      == ["interop-user"], "filter by a part of the name")
check(c.list_users(ListUsersRequest(offset=1, limit=10)).users == [], "offset is a page number")
expect_error(lambda: c.list_users(ListUsersRequest(offset=0, limit=5)), 400, "CSMS.0002", "a limit under 10")
detail = c.show_user_detail(ShowUserDetailRequest(user_id="interop-user"))
check(detail.email == "interop@example.com" and detail.disabled is False and detail.grade == 1
      and detail.pwd_must_modify is False and detail.pwd_change_at == "", "show a user")
expect_error(lambda: c.show_user_detail(ShowUserDetailRequest(user_id="stranger")), 404, "CSMS.0005",
             "another account's user")
first, changed = os.environ["CSMS_USER_PASSWORD"], "changed-" + os.environ["CSMS_USER_PASSWORD"]
expect_error(lambda: c.update_user_password(UpdateUserPasswordRequest(body=ChangeUsersPassword(
    password=changed, old_password="not-" + first))), 400, "CSMS.0002", "a wrong old password")
expect_error(lambda: c.update_user_password(UpdateUserPasswordRequest(body=ChangeUsersPassword(
    password="short", old_password=first))), 400, "CSMS.0002", "a new password under 8 characters")
answered = c.update_user_password(UpdateUserPasswordRequest(body=ChangeUsersPassword(
    password=changed, old_password=first)))
check(answered.user_id == "interop-user" and first not in str(answered) and changed not in str(answered),
      "change the password (neither password answered)")
check(c.show_user_detail(ShowUserDetailRequest(user_id="interop-user")).pwd_change_at != "",
      "the change is dated")
expect_error(lambda: c.update_user_password(UpdateUserPasswordRequest(body=ChangeUsersPassword(
    password=first, old_password=first))), 400, "CSMS.0002", "the first password is no longer current")
c.update_user_password(UpdateUserPasswordRequest(body=ChangeUsersPassword(password=first, old_password=changed)))
check(True, "change it back with the new one")

for name in names[:2]:
    c.delete_secret_event(DeleteSecretEventRequest(event_name=name))
print("%d passed, 0 failed" % checks)
