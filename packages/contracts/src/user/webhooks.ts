import { z } from "zod";
import { limits } from "../limits.ts";
import { defineOperation } from "../operation.ts";
import { PageLimit, Uuid } from "../schemas.ts";
import { WebhookDelivery, WebhookEndpoint, WebhookEvent, WebhookUrl } from "../webhooks.ts";

const Events = z.array(WebhookEvent).min(1, "choose at least one event").max(WebhookEvent.options.length);
const Description = z.string().trim().max(200);

export const listWebhooks = defineOperation({
  id: "listWebhooks",
  audience: "user",
  access: "account",
  kind: "query",
  description: "The account's event webhooks, oldest first.",
  input: z.object({}),
  output: z.object({ webhooks: z.array(WebhookEndpoint) }),
  rest: { method: "GET", path: "/api/v1/webhooks" },
});

export const createWebhook = defineOperation({
  id: "createWebhook",
  audience: "user",
  access: "account",
  kind: "mutation",
  description:
    "Add an event webhook: each chosen event (question_asked, user_reply, session_ended) of any of your instances is POSTed to url, signed with your signing secret (X-Omnara-Signature).",
  input: z.object({ url: WebhookUrl, events: Events, description: Description.optional() }),
  output: WebhookEndpoint,
  rest: { method: "POST", path: "/api/v1/webhooks", status: 201 },
});

export const updateWebhook = defineOperation({
  id: "updateWebhook",
  audience: "user",
  access: "account",
  kind: "mutation",
  description: "Change an event webhook's URL, events, description, or pause it (enabled: false).",
  input: z.object({
    webhook_id: Uuid,
    url: WebhookUrl.optional(),
    events: Events.optional(),
    description: Description.nullable().optional(),
    enabled: z.boolean().optional(),
  }),
  output: WebhookEndpoint,
  retry: "safe",
  rest: { method: "PATCH", path: "/api/v1/webhooks/{webhook_id}" },
});

export const deleteWebhook = defineOperation({
  id: "deleteWebhook",
  audience: "user",
  access: "account",
  kind: "mutation",
  description: "Remove an event webhook; its deliveries stay in the log, and pending ones are not sent.",
  input: z.object({ webhook_id: Uuid }),
  output: z.object({ success: z.literal(true) }),
  rest: { method: "DELETE", path: "/api/v1/webhooks/{webhook_id}" },
});

export const sendTestWebhook = defineOperation({
  id: "sendTestWebhook",
  audience: "user",
  access: "account",
  kind: "mutation",
  description:
    "Queue a signed `test` event to the webhook; follow it in listWebhookDeliveries (it is sent in the background, with retries).",
  input: z.object({ webhook_id: Uuid }),
  output: WebhookDelivery,
  rest: { method: "POST", path: "/api/v1/webhooks/{webhook_id}/test", status: 201 },
});

export const listWebhookDeliveries = defineOperation({
  id: "listWebhookDeliveries",
  audience: "user",
  access: "account",
  kind: "query",
  description:
    "The webhook delivery log, newest first: every delivery (event webhooks, n8n resume calls, tests) with each attempt's status, error and the first bytes of the response.",
  input: z.object({
    webhook_id: Uuid.optional(),
    delivery_id: Uuid.optional(),
    limit: PageLimit.default(limits.pageSize),
  }),
  output: z.object({ deliveries: z.array(WebhookDelivery) }),
  rest: { method: "GET", path: "/api/v1/webhooks/deliveries" },
});

export const replayWebhookDelivery = defineOperation({
  id: "replayWebhookDelivery",
  audience: "user",
  access: "account",
  kind: "mutation",
  description:
    "Send a delivery's body again, as a new delivery (new id and signature, replay_of the old one), to the same URL.",
  input: z.object({ delivery_id: Uuid }),
  output: WebhookDelivery,
  rest: { method: "POST", path: "/api/v1/webhooks/deliveries/{delivery_id}/replay", status: 201 },
});

const Secret = z.object({
  /** HMAC-SHA256 key of X-Omnara-Signature (see the README's webhook section). */
  signing_secret: z.string(),
});

export const getWebhookSigningSecret = defineOperation({
  id: "getWebhookSigningSecret",
  audience: "user",
  access: "account",
  kind: "query",
  description: "The secret every webhook delivery of this account is signed with (created on first use).",
  input: z.object({}),
  output: Secret,
  rest: { method: "GET", path: "/api/v1/webhooks/signing-secret" },
});

export const rotateWebhookSigningSecret = defineOperation({
  id: "rotateWebhookSigningSecret",
  audience: "user",
  access: "account",
  kind: "mutation",
  description: "Replace the signing secret; deliveries sent from now on are signed with the new one.",
  input: z.object({}),
  output: Secret,
  rest: { method: "POST", path: "/api/v1/webhooks/signing-secret/rotate" },
});
