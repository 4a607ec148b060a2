import { z } from "zod";
import { NotificationChannel, QuietHours } from "../notifications.ts";
import { defineOperation } from "../operation.ts";
import { Uuid } from "../schemas.ts";

/** One agent type's defaults: whether its questions and session endings notify on each channel. */
export const AgentNotificationPreference = z.object({
  agent_type_id: Uuid,
  agent_type_name: z.string(),
  push_enabled: z.boolean(),
  email_enabled: z.boolean(),
});

export const NotificationSettings = z.object({
  /** Push to every registered phone and browser (APNs, FCM, Web Push). */
  push_enabled: z.boolean(),
  /** Email to the account's address. */
  email_enabled: z.boolean(),
  email_address: z.string(),
  /** Also notify when a session completes or fails (questions always notify). */
  session_end_enabled: z.boolean(),
  /** No push during these hours; email (which does not buzz) still goes out if enabled. */
  quiet_hours: QuietHours,
  /** The server's rate limit: at most one notification per instance per this many seconds. */
  dedupe_window_seconds: z.number().int(),
  /** Channels this server is configured to deliver. */
  available_channels: z.array(NotificationChannel),
  /** The VAPID public key to pass to PushManager.subscribe as applicationServerKey; null if Web Push is off. */
  web_push_public_key: z.string().nullable(),
  /** Per agent type (all of the account's): the default for its messages; see the README's rule. */
  agents: z.array(AgentNotificationPreference),
});
export type NotificationSettings = z.infer<typeof NotificationSettings>;

export const getNotificationSettings = defineOperation({
  id: "getNotificationSettings",
  audience: "user",
  access: "account",
  kind: "query",
  description:
    "The user's notification preferences (push, email, session endings, quiet hours) and what this server can deliver, including the Web Push public key the browser needs to subscribe.",
  input: z.object({}),
  output: NotificationSettings,
  rest: { method: "GET", path: "/api/v1/notifications/settings" },
});

export const updateNotificationSettings = defineOperation({
  id: "updateNotificationSettings",
  audience: "user",
  access: "account",
  kind: "mutation",
  description:
    "Change notification preferences; fields left out keep their value. push_enabled/email_enabled are the global switches; agents sets an agent type's defaults, which a message's send_push/send_email override for that message (never past a global switch that is off).",
  input: z.object({
    push_enabled: z.boolean().optional(),
    email_enabled: z.boolean().optional(),
    session_end_enabled: z.boolean().optional(),
    quiet_hours: QuietHours.partial().optional(),
    agents: z
      .array(
        z.object({
          agent_type_id: Uuid,
          push_enabled: z.boolean().optional(),
          email_enabled: z.boolean().optional(),
        }),
      )
      .max(100)
      .optional(),
  }),
  output: NotificationSettings,
  rest: { method: "PATCH", path: "/api/v1/notifications/settings" },
});
