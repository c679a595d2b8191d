#!/usr/bin/env bash
# Other languages from schemas/: TypeScript types by quicktype, type-checked with tsc against a usage file;
# Python models by datamodel-code-generator, parsing the seed's response example; and the OpenAPI document
# checked by openapi-spec-validator. Needs python3, node and npm; installs into .venv and node_modules.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

echo "--- Python: datamodel-code-generator"
[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/pip install --quiet --disable-pip-version-check datamodel-code-generator openapi-spec-validator
.venv/bin/openapi-spec-validator schemas/openapi.json
for schema in SecretEventResponse CreateSecretEventRequestBody ListSecretEventsResponse; do
  .venv/bin/datamodel-codegen --input "schemas/$schema.json" --input-file-type jsonschema \
    --output-model-type pydantic_v2.BaseModel --output "$out/$schema.py" 2>/dev/null
done
PYTHONPATH="$out" .venv/bin/python - <<'PY'
import json
import pydantic
from SecretEventResponse import SecretEventResponse, EventState
from CreateSecretEventRequestBody import CreateSecretEventRequestBody
from ListSecretEventsResponse import ListSecretEventsResponse

seed = open("fixtures/examples/update-response.seed.json").read()
parsed = SecretEventResponse.model_validate_json(seed)
assert parsed.event.name == "event-test" and parsed.event.state == EventState.ENABLED, parsed
assert parsed.event.create_time == 1581507580000
assert str(parsed.event.event_id) == "bb6a3d22-dc93-47ac-b5bd-88df7ad35f1e"
ListSecretEventsResponse.model_validate_json(open("fixtures/examples/list-events-response.upstream.json").read())
create = json.load(open("fixtures/examples/create-request.upstream.json"))
CreateSecretEventRequestBody.model_validate(create)
for bad in (dict(create, name="n" * 65), dict(create, event_types=[]),
            dict(create, notification=dict(create["notification"], target_type="SNS"))):
    try:
        CreateSecretEventRequestBody.model_validate(bad)
    except pydantic.ValidationError:
        continue
    raise SystemExit("the generated Python model accepted an invalid body: %r" % bad)
print("Python models: the seed's response example parses; invalid bodies are refused")
PY

echo "--- TypeScript: quicktype and tsc"
cd interop/typescript
npm ci --no-audit --no-fund --loglevel=error
mkdir -p generated
npx quicktype --src-lang schema --lang typescript --just-types --out generated/csms.ts \
  ../../schemas/CreateSecretEventRequestBody.json ../../schemas/UpdateSecretEventRequestBody.json \
  ../../schemas/SecretEventResponse.json ../../schemas/ListSecretEventsResponse.json \
  ../../schemas/ListNotificationRecordsResponse.json ../../schemas/ErrorResponse.json
npx tsc --noEmit -p .
echo "TypeScript: usage.ts type-checks against the generated types"
