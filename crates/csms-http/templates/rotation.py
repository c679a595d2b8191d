# -*- coding: utf-8 -*-
# Rotation function for {secret_type} secrets ({secret_sub_type} accounts{engine_note}), to deploy as a
# FunctionGraph function (Python 3.9) and to name as the secret's rotation_func_urn.
#
# The secrets service calls it with {{"secret_name": ..., "version_id": ...}} once it has reserved the
# version the rotation makes. The function:
#   1. reads the secret's SYSCURRENT value (a JSON document: host, port, username, password{multi_note});
#   2. {step_two}
#   3. writes the new value as the reserved version with stage SYSCURRENT (CreateSecretVersion).
# It needs the agencies of CreateAgency for {secret_type} (the service's call into FunctionGraph, and the
# function's access to the database and to the secret).
import json
import secrets
import string

{driver_import}


def new_password(length=32):
    alphabet = string.ascii_letters + string.digits + "!#%+-.:=@^_~"
    while True:
        candidate = "".join(secrets.choice(alphabet) for _ in range(length))
        if (any(c.islower() for c in candidate) and any(c.isupper() for c in candidate)
                and any(c.isdigit() for c in candidate)):
            return candidate


def handler(event, context):
    client = context.getCsmsClient()  # the service's SDK client, with the function's agency
    current = json.loads(client.show_secret_version(event["secret_name"], "latest"))
    account = {account_choice}
    password = new_password()
    {change_password}
    current.update({{"username": account, "password": password}})
    client.create_secret_version(event["secret_name"], json.dumps(current), ["SYSCURRENT"])
    return {{"secret_name": event["secret_name"], "version_id": event["version_id"]}}
