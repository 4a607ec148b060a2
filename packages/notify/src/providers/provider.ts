import type { NotificationChannel } from "@omnara/contracts";
import type { NotificationContent, WebPushKeys } from "@omnara/db/schema";

/** Where one delivery goes. */
export type DeliveryTarget =
  | { channel: "apns"; token: string }
  | { channel: "fcm"; token: string }
  | { channel: "web_push"; endpoint: string; keys: WebPushKeys }
  | { channel: "email"; address: string };

/**
 * A provider's answer, as a value: INVALID_TOKEN removes the device, TRANSIENT is retried with
 * backoff, REJECTED is final (bad configuration or a payload the provider refuses).
 */
export type SendResult =
  | { ok: true }
  | { ok: false; code: "INVALID_TOKEN" | "TRANSIENT" | "REJECTED"; reason: string; retryAfterSeconds?: number };

export interface Provider<C extends NotificationChannel = NotificationChannel> {
  readonly channel: C;
  send(target: Extract<DeliveryTarget, { channel: C }>, content: NotificationContent): Promise<SendResult>;
  close(): Promise<void>;
}

export interface WebPushProvider extends Provider<"web_push"> {
  /** Browsers subscribe with it (PushManager.subscribe's applicationServerKey). */
  readonly publicKey: string;
}

/** The providers this process can use; a channel without one is not configured. */
export interface Providers {
  apns?: Provider<"apns">;
  fcm?: Provider<"fcm">;
  web_push?: WebPushProvider;
  email?: Provider<"email">;
}

export const failed = (code: "INVALID_TOKEN" | "TRANSIENT" | "REJECTED", reason: string): SendResult => ({
  ok: false,
  code,
  reason,
});

/** The small JSON object every push payload carries: enough to open the instance, no more. */
export const pushData = (content: NotificationContent): Record<string, string> => ({
  notification_id: content.notificationId,
  event: content.event,
  count: String(content.count),
  ...(content.agentInstanceId ? { agent_instance_id: content.agentInstanceId } : {}),
  ...(content.url ? { url: content.url } : {}),
});
