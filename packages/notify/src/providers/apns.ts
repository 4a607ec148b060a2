import type { NotificationContent } from "@omnara/db/schema";
import apn from "@parse/node-apn";
import { failed, type Provider, pushData, type SendResult } from "./provider.ts";

export interface ApnsOptions {
  /** The .p8 key's PEM text. */
  key: string;
  keyId: string;
  teamId: string;
  /** The app's bundle id. */
  topic: string;
  production: boolean;
  /** Another gateway than Apple's (tests: a local HTTP/2 server). */
  address?: string;
  port?: number;
  /** Extra trusted CAs for that gateway. */
  ca?: string[];
}

/** Apple's answers that mean the token will never work again. */
const GONE = new Set(["Unregistered", "ExpiredToken"]);
const TRANSIENT_STATUS = new Set([429, 500, 502, 503]);

export function createApnsProvider(options: ApnsOptions): Provider<"apns"> {
  const provider = new apn.Provider({
    token: { key: options.key, keyId: options.keyId, teamId: options.teamId },
    production: options.production,
    ...(options.address ? { address: options.address } : {}),
    ...(options.port ? { port: options.port } : {}),
    ...(options.ca ? { ca: options.ca } : {}),
    requestTimeout: 10_000,
  });
  return {
    channel: "apns",
    send: async (target, content) => classify(await provider.send(note(options.topic, content), target.token)),
    close: () => provider.shutdown(),
  };
}

function note(topic: string, content: NotificationContent): apn.Notification {
  const notification = new apn.Notification();
  notification.topic = topic;
  notification.pushType = "alert";
  notification.priority = 10;
  notification.expiry = Math.floor(Date.now() / 1000) + 24 * 3600;
  notification.alert = { title: content.title, body: content.body };
  notification.sound = "default";
  notification.payload = pushData(content);
  if (content.agentInstanceId) {
    // One entry per instance on the lock screen: a newer notification replaces the older.
    notification.threadId = content.agentInstanceId;
    notification.collapseId = content.agentInstanceId;
  }
  return notification;
}

function classify(result: apn.Responses<apn.ResponseSent, apn.ResponseFailure>): SendResult {
  if (result.sent.length > 0) return { ok: true };
  const failure = result.failed[0];
  if (!failure) return failed("TRANSIENT", "APNs returned no result");
  const reason = failure.response?.reason ?? failure.error?.message ?? "unknown error";
  const detail = failure.status ? `APNs ${failure.status} ${reason}` : `APNs: ${reason}`;
  if (failure.status === 410 || GONE.has(reason)) return failed("INVALID_TOKEN", detail);
  // No status means no answer: the connection failed or timed out.
  if (failure.status === undefined || TRANSIENT_STATUS.has(failure.status)) return failed("TRANSIENT", detail);
  return failed("REJECTED", detail);
}
