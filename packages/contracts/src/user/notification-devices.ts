import { z } from "zod";
import { NotificationDevice, PushChannel } from "../notifications.ts";
import { defineOperation } from "../operation.ts";
import { Name, Uuid } from "../schemas.ts";

const Token = z.string().trim().min(8, "too short for a push token").max(4096);

/** What `PushSubscription.toJSON()` returns in the browser. */
export const WebPushSubscription = z.object({
  endpoint: z.url({ protocol: /^https$/, error: "must be the https push service URL of the subscription" }).max(2048),
  keys: z.object({
    p256dh: z.string().regex(/^[A-Za-z0-9_-]{80,100}={0,2}$/, "must be the base64url P-256 public key"),
    auth: z.string().regex(/^[A-Za-z0-9_-]{16,32}={0,2}$/, "must be the base64url auth secret"),
  }),
});

export const registerNotificationDevice = defineOperation({
  id: "registerNotificationDevice",
  audience: "user",
  access: "account",
  kind: "mutation",
  description:
    "Register this phone or browser for push notifications: an APNs device token (hex), an FCM registration token, or a Web Push subscription (from PushManager.subscribe with the web_push_public_key of getNotificationSettings). Registering the same token again updates it; a token registered by another account moves to this one.",
  // One flat object (not a union) so every surface that reads input fields (REST, forms) can.
  input: z
    .object({
      channel: PushChannel,
      /** APNs (hex) or FCM registration token; not for web_push. */
      token: Token.optional(),
      /** The browser's subscription; only for web_push. */
      subscription: WebPushSubscription.optional(),
      name: Name.optional(),
    })
    .superRefine((value, ctx) => {
      if (value.channel === "web_push") {
        if (!value.subscription)
          ctx.addIssue({ code: "custom", path: ["subscription"], message: "required for web_push" });
        if (value.token)
          ctx.addIssue({ code: "custom", path: ["token"], message: "not used for web_push: send subscription" });
        return;
      }
      if (!value.token) ctx.addIssue({ code: "custom", path: ["token"], message: `required for ${value.channel}` });
      if (value.subscription) ctx.addIssue({ code: "custom", path: ["subscription"], message: "only for web_push" });
      if (value.channel === "apns" && value.token && !/^[0-9a-fA-F]+$/.test(value.token)) {
        ctx.addIssue({ code: "custom", path: ["token"], message: "must be the hex device token" });
      }
    }),
  output: NotificationDevice,
  rest: { method: "POST", path: "/api/v1/notifications/devices", status: 201 },
});

export const listNotificationDevices = defineOperation({
  id: "listNotificationDevices",
  audience: "user",
  access: "account",
  kind: "query",
  description:
    "The phones and browsers registered for push notifications, newest first, with their last success and failure.",
  input: z.object({}),
  output: z.array(NotificationDevice),
  rest: { method: "GET", path: "/api/v1/notifications/devices" },
});

export const removeNotificationDevice = defineOperation({
  id: "removeNotificationDevice",
  audience: "user",
  access: "account",
  kind: "mutation",
  description: "Stop sending push notifications to a registered device or browser.",
  input: z.object({ id: Uuid }),
  output: z.object({ success: z.literal(true) }),
  rest: { method: "DELETE", path: "/api/v1/notifications/devices/{id}" },
});
