# The seed's own configuration, run by hand against a local csms-server (the provider is built from its
# source: see the README's "KMS keys"): two SMN topics, a subscription, two KMS keys, two CSMS events and a
# secret sealed under a key and subscribed to an event. `terraform apply`, then `terraform plan` (no
# change), then `terraform apply -var secret_key_name=two -var event_topic=audit` (the secret's key and the
# event's topic change in place), `terraform import` of each resource, and `terraform destroy`.
# Give an [[access_key]] of the server's credentials file below.

terraform {
  required_providers {
    huaweicloud = { source = "huaweicloud/huaweicloud" }
  }
}

provider "huaweicloud" {
  region     = "cn-north-4"
  access_key = "AK of your credentials file"
  secret_key = "SK of your credentials file"
  project_id = "0123456789abcdef0123456789abcdef"
  endpoints  = { kms = "http://127.0.0.1:8080/", smn = "http://127.0.0.1:8080/" }
}

variable "secret_key_name" { default = "one" }
variable "event_topic" { default = "alerts" }

resource "huaweicloud_smn_topic" "alerts" {
  name         = "tf-alerts"
  display_name = "Alerts"
}

resource "huaweicloud_smn_topic" "audit" {
  name = "tf-audit"
}

resource "huaweicloud_smn_subscription" "hook" {
  topic_urn = huaweicloud_smn_topic.alerts.id
  endpoint  = "http://127.0.0.1:9000/hook"
  protocol  = "http"
  remark    = "terraform"
}

resource "huaweicloud_kms_key" "one" {
  key_alias    = "tf-one"
  pending_days = "7"
}

resource "huaweicloud_kms_key" "two" {
  key_alias       = "tf-two"
  key_description = "the second key"
  pending_days    = "7"
}

locals {
  topics = { alerts = huaweicloud_smn_topic.alerts, audit = huaweicloud_smn_topic.audit }
  keys   = { one = huaweicloud_kms_key.one, two = huaweicloud_kms_key.two }
}

resource "huaweicloud_csms_event" "created" {
  name                     = "tf-created"
  event_types              = ["SECRET_VERSION_CREATED", "SECRET_ROTATED"]
  status                   = "ENABLED"
  notification_target_type = "SMN"
  notification_target_id   = local.topics[var.event_topic].id
  notification_target_name = local.topics[var.event_topic].name
}

resource "huaweicloud_csms_event" "deleted" {
  name                     = "tf-deleted"
  event_types              = ["SECRET_DELETED"]
  status                   = "ENABLED"
  notification_target_type = "SMN"
  notification_target_id   = huaweicloud_smn_topic.audit.id
  notification_target_name = huaweicloud_smn_topic.audit.name
}

resource "huaweicloud_csms_secret" "db" {
  name                = "tf-db"
  secret_text         = "terraform-value"
  kms_key_id          = local.keys[var.secret_key_name].id
  event_subscriptions = [huaweicloud_csms_event.created.name]
}
