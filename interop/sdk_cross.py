"""The official Python SDK and the Rust side (`csms`, on csms-client) read each other's writes.

  sdk_cross.py read NAME VALUE EVENT   the SDK reads a secret the Rust side wrote, and its event
  sdk_cross.py write NAME VALUE        the SDK writes a secret (with a description) for the Rust side

Environment: CSMS_ENDPOINT, HUAWEICLOUD_SDK_AK, HUAWEICLOUD_SDK_SK, HUAWEICLOUD_SDK_PROJECT_ID.
"""
import os
import sys

from huaweicloudsdkcore.auth.credentials import BasicCredentials
from huaweicloudsdkcsms.v1 import (
    CreateSecretRequest, CreateSecretRequestBody, CsmsClient, ShowSecretEventRequest, ShowSecretRequest,
    ShowSecretVersionRequest,
)

client = (CsmsClient.new_builder()
          .with_credentials(BasicCredentials(os.environ["HUAWEICLOUD_SDK_AK"], os.environ["HUAWEICLOUD_SDK_SK"],
                                             os.environ["HUAWEICLOUD_SDK_PROJECT_ID"]))
          .with_endpoint(os.environ["CSMS_ENDPOINT"])
          .build())


def fail(what):
    print("FAIL:", what)
    sys.exit(1)


mode, name, value = sys.argv[1], sys.argv[2], sys.argv[3]
if mode == "read":
    event = sys.argv[4]
    version = client.show_secret_version(ShowSecretVersionRequest(secret_name=name, version_id="latest")).version
    if version.secret_string != value:
        fail("the SDK reads another value than the Rust side wrote")
    secret = client.show_secret(ShowSecretRequest(secret_name=name)).secret
    if secret.event_subscriptions != [event]:
        fail("the SDK reads another subscription: %r" % secret.event_subscriptions)
    shown = client.show_secret_event(ShowSecretEventRequest(event_name=event)).event
    if shown.event_types != ["SECRET_ROTATED"] or shown.state != "ENABLED":
        fail("the SDK reads another event: %r" % shown)
    print("ok: the SDK reads the secret, its value and its event as the Rust side wrote them")
elif mode == "write":
    client.create_secret(CreateSecretRequest(body=CreateSecretRequestBody(
        name=name, secret_string=value, description="written by the Python SDK")))
    print("ok: the SDK wrote %s" % name)
else:
    fail("unknown mode " + mode)
