import { z } from "zod";
import { IsoDateTime, Uuid } from "./schemas.ts";

/**
 * What a user-defined webhook can subscribe to. `n8n_resume` is Omnara v1's "Send and Wait"
 * resume call (a question's `message_metadata.webhook_url`), `test` a test send; neither is
 * subscribable.
 */
export const webhookEvents = ["question_asked", "user_reply", "session_ended"] as const;
export const WebhookEvent = z.enum(webhookEvents);
export type WebhookEvent = z.infer<typeof WebhookEvent>;

export const webhookDeliveryEvents = [...webhookEvents, "n8n_resume", "test", "launch"] as const;
export const WebhookDeliveryEvent = z.enum(webhookDeliveryEvents);
export type WebhookDeliveryEvent = z.infer<typeof WebhookDeliveryEvent>;

/** pending: queued or waiting for a retry; delivered: a 2xx came back; failed: given up. */
export const webhookDeliveryStates = ["pending", "delivered", "failed"] as const;
export const WebhookDeliveryState = z.enum(webhookDeliveryStates);

/** http(s) only, at most 2 KB; where it may point (private ranges) is checked when sending. */
export const WebhookUrl = z.url({ protocol: /^https?$/, error: "must be an http:// or https:// URL" }).max(2048);

export const WebhookEndpoint = z.object({
  id: Uuid,
  url: z.string(),
  description: z.string().nullable(),
  events: z.array(WebhookEvent),
  enabled: z.boolean(),
  created_at: IsoDateTime,
});
export type WebhookEndpoint = z.infer<typeof WebhookEndpoint>;

export const WebhookAttempt = z.object({
  attempt: z.number().int(),
  at: IsoDateTime,
  /** The receiver's HTTP status; null when no response came (refused, timeout, network). */
  status: z.number().int().nullable(),
  error: z.string().nullable(),
  /** The first bytes of the response body (at most 512), never more. */
  response_excerpt: z.string().nullable(),
  duration_ms: z.number().int(),
});

export const WebhookDelivery = z.object({
  id: Uuid,
  created_at: IsoDateTime,
  /** null for the n8n resume call (its URL came with the question) and after the endpoint was deleted. */
  webhook_id: Uuid.nullable(),
  event: WebhookDeliveryEvent,
  url: z.string(),
  agent_instance_id: Uuid.nullable(),
  state: WebhookDeliveryState,
  attempts: z.array(WebhookAttempt),
  next_attempt_at: IsoDateTime.nullable(),
  delivered_at: IsoDateTime.nullable(),
  /** The delivery this one re-sends, for replays. */
  replay_of: Uuid.nullable(),
  /** The exact JSON body sent (signed as is). */
  body: z.string(),
});
export type WebhookDelivery = z.infer<typeof WebhookDelivery>;
