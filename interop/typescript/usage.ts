// Type-checked (tsc --noEmit) against the types quicktype generates from ../../schemas.
import {
  CreateSecretEventRequestBody,
  ErrorResponse,
  EventState,
  EventType,
  ListSecretEventsResponse,
  SecretEventResponse,
  TargetType,
  UpdateSecretEventRequestBody,
} from "./generated/csms";

export const create: CreateSecretEventRequestBody = {
  name: "rotation-alerts",
  event_types: [EventType.SecretRotated, EventType.SecretRotatedFailed],
  state: EventState.Enabled,
  notification: { target_type: TargetType.Smn, target_id: "urn:smn:cn-north-4:p:topic", target_name: "topic" },
};

// The seed's request body: a partial update.
export const seed: UpdateSecretEventRequestBody = {
  notification: { target_type: TargetType.Smn, target_id: "demo-smn-id", target_name: "demo-smn-name" },
};

export const noop: UpdateSecretEventRequestBody = {};

// @ts-expect-error: the generated create type requires event_types, state and notification
export const incomplete: CreateSecretEventRequestBody = { name: "x" };

export function describe(response: SecretEventResponse): string {
  const e = response.event;
  const created: number = e.create_time;
  return `${e.name} (${e.event_id}) ${e.state} since ${new Date(created).toISOString()}: ${e.event_types.join(",")}`;
}

export function nextPage(page: ListSecretEventsResponse): string | undefined {
  const names: string[] = page.events.map((e) => e.name);
  const count: number = page.page_info.current_count;
  return count === names.length ? (page.page_info.next_marker ?? undefined) : undefined;
}

export function explain(error: ErrorResponse): string {
  return `${error.error.error_code}: ${error.error.error_msg}`;
}
