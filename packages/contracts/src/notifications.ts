import { z } from "zod";
import { IsoDateTime, Uuid } from "./schemas.ts";

/** Where a notification can go. Push devices register under the first three; email needs no device. */
export const notificationChannels = ["apns", "fcm", "web_push", "email"] as const;
export const NotificationChannel = z.enum(notificationChannels);
export type NotificationChannel = z.infer<typeof NotificationChannel>;

export const pushChannels = ["apns", "fcm", "web_push"] as const;
export const PushChannel = z.enum(pushChannels);
export type PushChannel = z.infer<typeof PushChannel>;

/** What caused a notification. Steps notify only when the agent's message asked for it. */
export const notificationEvents = ["question", "step", "session_completed", "session_failed", "test"] as const;
export const NotificationEvent = z.enum(notificationEvents);
export type NotificationEvent = z.infer<typeof NotificationEvent>;

/** The result of one delivery attempt or decision, as the delivery log shows it. */
export const notificationOutcomes = ["sent", "suppressed", "no_devices", "failed"] as const;
export const NotificationOutcome = z.enum(notificationOutcomes);
export type NotificationOutcome = z.infer<typeof NotificationOutcome>;

/** "HH:MM", 24-hour clock. */
export const ClockTime = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, "must be HH:MM (24-hour)");

export const TimeZone = z
  .string()
  .min(1)
  .max(64)
  .refine((zone) => {
    try {
      new Intl.DateTimeFormat("en-US", { timeZone: zone });
      return true;
    } catch {
      return false;
    }
  }, "must be an IANA time zone such as Europe/Paris");

export const QuietHours = z.object({
  enabled: z.boolean(),
  /** Start of the quiet period, in time_zone; may be later than end (overnight). */
  start: ClockTime,
  end: ClockTime,
  time_zone: TimeZone,
});
export type QuietHours = z.infer<typeof QuietHours>;

export const NotificationDevice = z.object({
  id: Uuid,
  channel: PushChannel,
  name: z.string().nullable(),
  /** The last characters of the token or push endpoint, to tell devices apart; never the whole token. */
  token_hint: z.string(),
  created_at: IsoDateTime,
  last_sent_at: IsoDateTime.nullable(),
  last_failure_at: IsoDateTime.nullable(),
  last_failure_reason: z.string().nullable(),
});
export type NotificationDevice = z.infer<typeof NotificationDevice>;

export const NotificationLogEntry = z.object({
  id: Uuid,
  created_at: IsoDateTime,
  /** The notification this entry belongs to; collapsed notifications share the one that was sent. */
  notification_id: Uuid,
  agent_instance_id: Uuid.nullable(),
  event: NotificationEvent,
  /** null when the decision covered every channel (e.g. suppressed while watching). */
  channel: NotificationChannel.nullable(),
  device_id: Uuid.nullable(),
  device_name: z.string().nullable(),
  outcome: NotificationOutcome,
  /** Why it was suppressed or failed, in the provider's words where there is one. */
  reason: z.string().nullable(),
  attempt: z.number().int(),
  will_retry: z.boolean(),
  /** How many events this notification stands for (more than 1 when collapsed by the rate limit). */
  count: z.number().int(),
});
export type NotificationLogEntry = z.infer<typeof NotificationLogEntry>;
