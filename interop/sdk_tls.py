"""The official Python SDK (unmodified) against csms-server over TLS: with the test CA it works; without
it, the SDK refuses the server's certificate.

Environment: CSMS_ENDPOINT (https://localhost:PORT), CSMS_AK, CSMS_SK, CSMS_PROJECT, CSMS_CA (the test
CA's PEM file). Exits non-zero on the first failed check.
"""
import os
import sys
import uuid

from huaweicloudsdkcore.auth.credentials import BasicCredentials
from huaweicloudsdkcore.exceptions import exceptions
from huaweicloudsdkcore.http.http_config import HttpConfig
from huaweicloudsdkcsms.v1 import (CreateSecretRequest, CreateSecretRequestBody, CsmsClient,
                                   DeleteSecretRequest, ListSecretEventsRequest, ShowSecretVersionRequest)

ENDPOINT, CA = os.environ["CSMS_ENDPOINT"], os.environ["CSMS_CA"]


def client(config):
    credentials = BasicCredentials(os.environ["CSMS_AK"], os.environ["CSMS_SK"], os.environ["CSMS_PROJECT"])
    return CsmsClient.new_builder().with_credentials(credentials).with_endpoint(ENDPOINT) \
        .with_http_config(config).build()


def check(condition, what):
    if not condition:
        print("FAIL:", what)
        sys.exit(1)
    print("ok:", what)


c = client(HttpConfig(ssl_ca_cert=CA))
check(c.list_secret_events(ListSecretEventsRequest()).events == [], "list events over TLS, the CA trusted")
name = "tls-" + uuid.uuid4().hex[:8]
value = "tls-value-" + uuid.uuid4().hex
c.create_secret(CreateSecretRequest(body=CreateSecretRequestBody(name=name, secret_string=value)))
shown = c.show_secret_version(ShowSecretVersionRequest(secret_name=name, version_id="latest")).version
check(shown.secret_string == value, "a secret's value round trip over TLS")
c.delete_secret(DeleteSecretRequest(secret_name=name))

try:
    client(HttpConfig()).list_secret_events(ListSecretEventsRequest())
    check(False, "without the CA the SDK refuses the certificate")
except exceptions.SdkException as e:
    check("SSL" in str(e) or "certificate" in str(e).lower(),
          "without the CA the SDK refuses the certificate (%s)" % type(e).__name__)
print("TLS: the official SDK works against https:// with the test CA")
