"""SMN and KMS through the official Python SDKs (huaweicloudsdksmn, huaweicloudsdkkms), unmodified, against
the same listener as CSMS: a topic; a subscription of a local HTTP listener, confirmed through the link of
the signed confirmation it receives; a publish received and its signature verified with nothing but the
certificate downloaded from `signing_cert_url`; a CSMS event on the topic whose notification arrives the
same way. A key created, described, disabled (a secret sealed under it is then refused with CSMS.0401),
enabled again; a data key and small data round trip.

Environment: CSMS_ENDPOINT, CSMS_AK, CSMS_SK, CSMS_PROJECT, CSMS_REGION. Exits non-zero on the first
failed check.
"""
import base64
import http.server
import json
import os
import sys
import threading
import time
import urllib.request

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding
from huaweicloudsdkcore.auth.credentials import BasicCredentials
from huaweicloudsdkcore.exceptions import exceptions
from huaweicloudsdkcsms.v1 import (
    CreateSecretEventRequest, CreateSecretEventRequestBody, CreateSecretRequest, CreateSecretRequestBody,
    CsmsClient, Notification, ShowSecretVersionRequest, CreateSecretVersionRequest,
    CreateSecretVersionRequestBody,
)
from huaweicloudsdkkms.v2 import (
    CreateDatakeyRequest, CreateDatakeyRequestBody, CreateKeyRequest, CreateKeyRequestBody, DecryptDataRequest,
    DecryptDataRequestBody, DecryptDatakeyRequest, DecryptDatakeyRequestBody, DisableKeyRequest,
    EnableKeyRequest, EncryptDataRequest, EncryptDataRequestBody, KmsClient, ListKeyDetailRequest,
    ListKeysRequest, ListKeysRequestBody, OperateKeyRequestBody,
)
from huaweicloudsdksmn.v2 import (
    AddSubscriptionRequest, AddSubscriptionRequestBody, CreateTopicRequest, CreateTopicRequestBody,
    ListSubscriptionsByTopicRequest, ListTopicDetailsRequest, PublishMessageRequest, PublishMessageRequestBody,
    SmnClient,
)
import huaweicloudsdksmn.v2 as smn_sdk
import huaweicloudsdkkms.v2 as kms_sdk

ENDPOINT = os.environ["CSMS_ENDPOINT"]
AK, SK, PROJECT = os.environ["CSMS_AK"], os.environ["CSMS_SK"], os.environ["CSMS_PROJECT"]
REGION = os.environ.get("CSMS_REGION", "cn-north-4")
checks = 0


def build(kind):
    return kind.new_builder().with_credentials(BasicCredentials(AK, SK, PROJECT)).with_endpoint(ENDPOINT).build()


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
        check(e.status_code == status and e.error_code == code, f"{what}: {e.status_code} {e.error_code}")
        return
    check(False, f"{what}: no error")


def expect_status(call, status, what):
    try:
        call()
    except exceptions.ClientRequestException as e:
        check(e.status_code == status, f"{what}: {e.status_code}")
        return
    check(False, f"{what}: no error")


class Subscriber(http.server.BaseHTTPRequestHandler):
    """A local HTTP subscriber: keeps every message it receives, with its headers."""
    received = []

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        Subscriber.received.append((dict(self.headers), json.loads(body)))
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args):
        pass


def wait_for(kind, count):
    """The messages of `kind` received, once there are `count` (waits up to 20 s)."""
    deadline = time.time() + 20
    while time.time() < deadline:
        found = [m for m in Subscriber.received if m[1].get("type") == kind]
        if len(found) >= count:
            return found
        time.sleep(0.1)
    check(False, f"{count} {kind} message(s) arrived: {Subscriber.received}")


def verify(headers, message):
    """Checks the message's signature with the certificate at its signing_cert_url, and nothing else."""
    with urllib.request.urlopen(message["signing_cert_url"]) as response:
        certificate = x509.load_pem_x509_certificate(response.read())
    signed = ["message", "message_id", "timestamp", "topic_urn", "type"]
    if message["type"] == "Notification":
        if message.get("subject"):
            signed.append("subject")
    else:
        signed.append("subscribe_url")
    canonical = "".join(f"{name}\n{message[name]}\n" for name in sorted(signed))
    certificate.public_key().verify(
        base64.b64decode(message["signature"]), canonical.encode(), padding.PKCS1v15(), hashes.SHA256())
    tampered = canonical + "x"
    try:
        certificate.public_key().verify(
            base64.b64decode(message["signature"]), tampered.encode(), padding.PKCS1v15(), hashes.SHA256())
        check(False, "a tampered message fails the signature")
    except Exception:
        pass
    headers = {name.lower(): value for name, value in headers.items()}
    check(headers.get("x-smn-message-type") == message["type"]
          and headers.get("x-smn-message-id") == message["message_id"]
          and headers.get("x-smn-topic-urn") == message["topic_urn"]
          and headers.get("x-smn-subscription-urn", "").startswith(message["topic_urn"] + ":"),
          f"a {message['type']} carries the four X-SMN headers and verifies with the downloaded certificate "
          f"({certificate.signature_hash_algorithm.name})")


def smn():
    listener = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Subscriber)
    threading.Thread(target=listener.serve_forever, daemon=True).start()
    hook = f"http://127.0.0.1:{listener.server_address[1]}/hook"
    client = build(SmnClient)
    made = client.create_topic(CreateTopicRequest(body=CreateTopicRequestBody(name="interop", display_name="Interop")))
    urn = made.topic_urn
    check(urn == f"urn:smn:{REGION}:{PROJECT}:interop", f"CreateTopic answers the topic's URN: {urn}")
    detail = client.list_topic_details(ListTopicDetailsRequest(topic_urn=urn))
    check(detail.display_name == "Interop" and detail.push_policy == 0, "ListTopicDetails reads it back")
    added = client.add_subscription(AddSubscriptionRequest(
        topic_urn=urn, body=AddSubscriptionRequestBody(protocol="http", endpoint=hook, remark="interop")))
    subs = client.list_subscriptions_by_topic(ListSubscriptionsByTopicRequest(topic_urn=urn))
    check(subs.subscriptions[0].status == 0, "a new subscription is unconfirmed")

    headers, confirmation = wait_for("SubscriptionConfirmation", 1)[0]
    verify(headers, confirmation)
    with urllib.request.urlopen(confirmation["subscribe_url"]) as response:
        confirmed = json.loads(response.read())
    check(confirmed["subscription_urn"] == added.subscription_urn, "its link confirms the subscription")
    subs = client.list_subscriptions_by_topic(ListSubscriptionsByTopicRequest(topic_urn=urn))
    check(subs.subscriptions[0].status == 1, "the subscription is confirmed")

    published = client.publish_message(PublishMessageRequest(
        topic_urn=urn, body=PublishMessageRequestBody(subject="hello", message="from the Python SDK")))
    headers, notification = wait_for("Notification", 1)[0]
    check(notification["message_id"] == published.message_id and notification["message"] == "from the Python SDK",
          "the published message arrives")
    verify(headers, notification)

    # A CSMS event on the local topic: a new version's notification is published into it.
    csms = build(CsmsClient)
    csms.create_secret_event(CreateSecretEventRequest(body=CreateSecretEventRequestBody(
        name="on-topic", event_types=["SECRET_VERSION_CREATED"], state="ENABLED",
        notification=Notification(target_type="SMN", target_id=urn, target_name="interop"))))
    csms.create_secret(CreateSecretRequest(body=CreateSecretRequestBody(
        name="notified", secret_string="v1", event_subscriptions=["on-topic"])))
    headers, event = wait_for("Notification", 2)[1]
    verify(headers, event)
    content = json.loads(event["message"])
    check(content["eventType"] == "SECRET_VERSION_CREATED" and content["data"]["secretName"] == "notified",
          "a CSMS event on a local topic reaches its subscriber as SMN delivers it")
    listener.shutdown()


def kms():
    client = build(KmsClient)
    made = client.create_key(CreateKeyRequest(body=CreateKeyRequestBody(key_alias="interop/key")))
    key_id = made.key_info.key_id
    described = client.list_key_detail(ListKeyDetailRequest(body=OperateKeyRequestBody(key_id=key_id)))
    check(described.key_info.key_state == "2" and described.key_info.key_alias == "interop/key",
          "a new key is described enabled")
    listed = client.list_keys(ListKeysRequest(body=ListKeysRequestBody(limit="10")))
    check(key_id in listed.keys and listed.truncated == "false", "list-keys lists it")

    csms = build(CsmsClient)
    csms.create_secret(CreateSecretRequest(body=CreateSecretRequestBody(
        name="sealed", secret_string="under-my-key", kms_key_id=key_id)))
    read = lambda: csms.show_secret_version(ShowSecretVersionRequest(secret_name="sealed", version_id="latest"))
    check(read().version.secret_string == "under-my-key", "a secret sealed under the key reads back")
    disabled = client.disable_key(DisableKeyRequest(body=OperateKeyRequestBody(key_id=key_id)))
    check(disabled.key_info.key_state == "3", "disable-key answers state 3")
    expect_error(read, 400, "CSMS.0401", "the secret's value is refused while its key is disabled")
    expect_error(lambda: csms.create_secret_version(CreateSecretVersionRequest(
        secret_name="sealed", body=CreateSecretVersionRequestBody(secret_string="v2"))),
        400, "CSMS.0401", "no new value is sealed under a disabled key")
    client.enable_key(EnableKeyRequest(body=OperateKeyRequestBody(key_id=key_id)))
    check(read().version.secret_string == "under-my-key", "enabled again, the value reads back")

    datakey = client.create_datakey(CreateDatakeyRequest(body=CreateDatakeyRequestBody(
        key_id=key_id, datakey_length="512")))
    opened = client.decrypt_datakey(DecryptDatakeyRequest(body=DecryptDatakeyRequestBody(
        key_id=key_id, cipher_text=datakey.cipher_text, datakey_cipher_length="64")))
    check(opened.data_key == datakey.plain_text, "a data key round trip")
    sealed = client.encrypt_data(EncryptDataRequest(body=EncryptDataRequestBody(key_id=key_id, plain_text="small")))
    opened = client.decrypt_data(DecryptDataRequest(body=DecryptDataRequestBody(cipher_text=sealed.cipher_text)))
    check(opened.plain_text == "small" and opened.key_id == key_id, "small data round trip")
    expect_error(lambda: client.list_key_detail(ListKeyDetailRequest(body=OperateKeyRequestBody(
        key_id="00000000-0000-0000-0000-000000000000"))), 404, "KMS.0207", "an unknown key is KMS.0207")


def smn_every_operation():
    """The SMN operations the walk above did not call, each once through the SDK."""
    client = build(SmnClient)
    urn = client.create_topic(CreateTopicRequest(body=CreateTopicRequestBody(name="every"))).topic_urn
    listed = client.list_topics(smn_sdk.ListTopicsRequest(name="every"))
    check(listed.topic_count == 1 and listed.topics[0].topic_urn == urn, "ListTopics filters by name")
    client.update_topic(smn_sdk.UpdateTopicRequest(topic_urn=urn, body=smn_sdk.UpdateTopicRequestBody(display_name="Every")))
    topic_id = client.list_topic_details(ListTopicDetailsRequest(topic_urn=urn)).topic_id
    client.update_topic_attribute(smn_sdk.UpdateTopicAttributeRequest(
        topic_urn=urn, name="introduction", body=smn_sdk.UpdateTopicAttributeRequestBody(value="hello")))
    attributes = client.list_topic_attributes(smn_sdk.ListTopicAttributesRequest(topic_urn=urn, name="introduction"))
    check(attributes.attributes.introduction == "hello", "UpdateTopicAttribute, ListTopicAttributes")
    client.delete_topic_attribute_by_name(smn_sdk.DeleteTopicAttributeByNameRequest(topic_urn=urn, name="introduction"))
    client.delete_topic_attributes(smn_sdk.DeleteTopicAttributesRequest(topic_urn=urn))
    check(client.list_topic_attributes(smn_sdk.ListTopicAttributesRequest(topic_urn=urn)).attributes.introduction == "",
          "DeleteTopicAttributeByName, DeleteTopicAttributes")

    tag = smn_sdk.ResourceTag(key="team", value="ops")
    client.create_resource_tag(smn_sdk.CreateResourceTagRequest(
        resource_type="smn_topic", resource_id=topic_id, body=smn_sdk.CreateResourceTagRequestBody(tag=tag)))
    client.batch_create_or_delete_resource_tags(smn_sdk.BatchCreateOrDeleteResourceTagsRequest(
        resource_type="smn_topic", resource_id=topic_id,
        body=smn_sdk.BatchCreateOrDeleteResourceTagsRequestBody(action="create", tags=[smn_sdk.ResourceTag(key="env", value="dev")])))
    tags = client.list_resource_tags(smn_sdk.ListResourceTagsRequest(resource_type="smn_topic", resource_id=topic_id))
    check(sorted(t.key for t in tags.tags) == ["env", "team"], "CreateResourceTag, BatchCreateOrDeleteResourceTags, ListResourceTags")
    client.delete_resource_tag(smn_sdk.DeleteResourceTagRequest(resource_type="smn_topic", resource_id=topic_id, key="env"))
    project = client.list_project_tags(smn_sdk.ListProjectTagsRequest(resource_type="smn_topic"))
    check([t.key for t in project.tags] == ["team"], "DeleteResourceTag, ListProjectTags")
    found = client.list_resource_instances(smn_sdk.ListResourceInstancesRequest(
        resource_type="smn_topic", body=smn_sdk.ListInstanceRequestBody(
            action="filter", tags=[smn_sdk.ResourceTags(key="team", values=["ops"])])))
    check(found.total_count == 1 and found.resources[0].resource_name == "every", "ListResourceInstances")

    sub_urn = client.add_subscription(AddSubscriptionRequest(topic_urn=urn, body=AddSubscriptionRequestBody(
        protocol="email", endpoint="ops@example.com", remark="before"))).subscription_urn
    client.update_subscription(smn_sdk.UpdateSubscriptionRequest(
        topic_urn=urn, subscription_urn=sub_urn, body=smn_sdk.UpdateSubscriptionRequestBody(remark="after")))
    subs = client.list_subscriptions(smn_sdk.ListSubscriptionsRequest(protocol="email"))
    check(subs.subscriptions[0].remark == "after" and subs.subscriptions[0].status == 0,
          "UpdateSubscription, ListSubscriptions")
    for call, request, what in [
            (client.confirm_subscription, smn_sdk.ConfirmSubscriptionRequest, "ConfirmSubscription"),
            (client.subscribe_topic, smn_sdk.SubscribeTopicRequest, "SubscribeTopic")]:
        expect_status(lambda: call(request(topic_urn=urn, token="00" * 32)), 403,
                      f"{what} refuses a token that confirms nothing")
    client.unsubscribe_subscription(smn_sdk.UnsubscribeSubscriptionRequest(subscription_urn=sub_urn))
    client.unsubscribe_topic(smn_sdk.UnsubscribeTopicRequest(subscription_urn=sub_urn))
    subs = client.list_subscriptions_by_topic(ListSubscriptionsByTopicRequest(topic_urn=urn))
    check(subs.subscriptions[0].status == 3, "UnsubscribeSubscription, UnsubscribeTopic")
    client.cancel_subscription(smn_sdk.CancelSubscriptionRequest(subscription_urn=sub_urn))
    check(client.list_subscriptions_by_topic(ListSubscriptionsByTopicRequest(topic_urn=urn)).subscription_count == 0,
          "CancelSubscription")
    for call, request, what in [
            (client.download_http_cert, smn_sdk.DownloadHttpCertRequest, "DownloadHttpCert"),
            (client.download_http_sign_cert, smn_sdk.DownloadHttpSignCertRequest, "DownloadHttpSignCert")]:
        expect_status(lambda: call(request(certificate_id="SMN_nowhere_0.pem")), 404,
                      f"{what} answers 404 for a certificate that is not this service's")
    client.delete_topic(smn_sdk.DeleteTopicRequest(topic_urn=urn))
    expect_error(lambda: client.list_topic_details(ListTopicDetailsRequest(topic_urn=urn)), 404, "SMN.0006",
                 "DeleteTopic: the topic is gone")


def kms_every_operation():
    """The KMS operations the walk above did not call, each once through the SDK."""
    client = build(KmsClient)
    key_id = client.create_key(CreateKeyRequest(body=CreateKeyRequestBody(key_alias="every/key"))).key_info.key_id
    on_key = OperateKeyRequestBody(key_id=key_id)
    client.update_key_alias(kms_sdk.UpdateKeyAliasRequest(body=kms_sdk.UpdateKeyAliasRequestBody(key_id=key_id, key_alias="every/renamed")))
    client.update_key_description(kms_sdk.UpdateKeyDescriptionRequest(
        body=kms_sdk.UpdateKeyDescriptionRequestBody(key_id=key_id, key_description="all of them")))
    info = client.list_key_detail(ListKeyDetailRequest(body=on_key)).key_info
    check(info.key_alias == "every/renamed" and info.key_description == "all of them", "UpdateKeyAlias, UpdateKeyDescription")
    client.enable_key_rotation(kms_sdk.EnableKeyRotationRequest(body=on_key))
    client.update_key_rotation_interval(kms_sdk.UpdateKeyRotationIntervalRequest(
        body=kms_sdk.UpdateKeyRotationIntervalRequestBody(key_id=key_id, rotation_interval=90)))
    status = client.show_key_rotation_status(kms_sdk.ShowKeyRotationStatusRequest(body=on_key))
    check(status.key_rotation_enabled and status.rotation_interval == 90,
          "EnableKeyRotation, UpdateKeyRotationInterval, ShowKeyRotationStatus")
    client.disable_key_rotation(kms_sdk.DisableKeyRotationRequest(body=on_key))
    check(not client.show_key_rotation_status(kms_sdk.ShowKeyRotationStatusRequest(body=on_key)).key_rotation_enabled,
          "DisableKeyRotation")

    sealed = client.create_datakey_without_plaintext(kms_sdk.CreateDatakeyWithoutPlaintextRequest(
        body=CreateDatakeyRequestBody(key_id=key_id, datakey_length="256")))
    check(len(sealed.cipher_text) > 64 and sealed.key_id == key_id, "CreateDatakeyWithoutPlaintext")
    dek = "11" * 32
    digest = __import__("hashlib").sha256(bytes.fromhex(dek)).hexdigest()
    encrypted = client.encrypt_datakey(kms_sdk.EncryptDatakeyRequest(body=kms_sdk.EncryptDatakeyRequestBody(
        key_id=key_id, plain_text=dek + digest, datakey_plain_length="32")))
    opened = client.decrypt_datakey(DecryptDatakeyRequest(body=DecryptDatakeyRequestBody(
        key_id=key_id, cipher_text=encrypted.cipher_text, datakey_cipher_length="32")))
    check(opened.data_key == dek and opened.datakey_dgst == digest, "EncryptDatakey, then DecryptDatakey")
    random = client.create_random(kms_sdk.CreateRandomRequest(body=kms_sdk.GenRandomRequestBody(random_data_length="512")))
    check(len(random.random_data) == 128, "CreateRandom (gen-random)")

    client.create_kms_tag(kms_sdk.CreateKmsTagRequest(key_id=key_id, body=kms_sdk.CreateKmsTagRequestBody(
        tag=kms_sdk.TagItem(key="team", value="ops"))))
    client.batch_create_kms_tags(kms_sdk.BatchCreateKmsTagsRequest(key_id=key_id, body=kms_sdk.BatchCreateKmsTagsRequestBody(
        action="create", tags=[kms_sdk.TagItem(key="env", value="dev")])))
    tags = client.show_kms_tags(kms_sdk.ShowKmsTagsRequest(key_id=key_id))
    check(sorted(t.key for t in tags.tags) == ["env", "team"], "CreateKmsTag, BatchCreateKmsTags, ShowKmsTags")
    client.delete_tag(kms_sdk.DeleteTagRequest(key_id=key_id, key="env"))
    project = client.list_kms_tags(kms_sdk.ListKmsTagsRequest())
    check([t.key for t in project.tags] == ["team"], "DeleteTag, ListKmsTags")
    found = client.list_kms_by_tags(kms_sdk.ListKmsByTagsRequest(resource_instances="resource_instances",
        body=kms_sdk.ListKmsByTagsRequestBody(action="filter", tags=[kms_sdk.Tag(key="team", values=["ops"])])))
    check(found.total_count == 1 and found.resources[0].resource_id == key_id, "ListKmsByTags")

    client.disable_key(DisableKeyRequest(body=on_key))
    scheduled = client.delete_key(kms_sdk.DeleteKeyRequest(body=kms_sdk.ScheduleKeyDeletionRequestBody(key_id=key_id, pending_days="7")))
    check(scheduled.key_state == "4", "DeleteKey (schedule-key-deletion)")
    cancelled = client.cancel_key_deletion(kms_sdk.CancelKeyDeletionRequest(body=on_key))
    check(cancelled.key_state == "3", "CancelKeyDeletion leaves the key disabled")
    enabled = client.enable_key(EnableKeyRequest(body=on_key))
    check(enabled.key_info.key_state == "2", "EnableKey")


smn()
kms()
smn_every_operation()
kms_every_operation()
print(f"{checks} checks passed")
