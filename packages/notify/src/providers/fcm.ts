import { randomUUID } from "node:crypto";
import type { Agent } from "node:http";
import type { NotificationContent } from "@omnara/db/schema";
import { cert, deleteApp, initializeApp } from "firebase-admin/app";
import { getMessaging, type Message } from "firebase-admin/messaging";
import { failed, type Provider, pushData, type SendResult } from "./provider.ts";

export interface FcmOptions {
  /**
   * The service account JSON file. A path rather than the parsed object: firebase-admin 13 hands
   * httpAgent to the OAuth token fetch only for a key file, not for an object.
   */
  serviceAccountFile: string;
  /** Carries the OAuth token fetch and the FCM calls (tests: routed to a local server). */
  httpAgent?: Agent;
}

const GONE = new Set(["messaging/registration-token-not-registered", "messaging/invalid-registration-token"]);
const TRANSIENT = new Set([
  "messaging/server-unavailable",
  "messaging/internal-error",
  "messaging/message-rate-exceeded",
  "messaging/device-message-rate-exceeded",
  "messaging/quota-exceeded",
  "app/network-error",
  "app/network-timeout",
  // Raised when the access token cannot be fetched, which is usually the network.
  "app/invalid-credential",
]);

export function createFcmProvider(options: FcmOptions): Provider<"fcm"> {
  // A named app per provider so several servers in one process (tests) keep their own.
  const app = initializeApp(
    {
      credential: cert(options.serviceAccountFile, options.httpAgent),
      ...(options.httpAgent ? { httpAgent: options.httpAgent } : {}),
    },
    `omnara-fcm-${randomUUID()}`,
  );
  const messaging = getMessaging(app);
  return {
    channel: "fcm",
    send: async (target, content) => {
      try {
        await messaging.send(message(target.token, content));
        return { ok: true };
      } catch (error) {
        return classify(error);
      }
    },
    close: () => deleteApp(app),
  };
}

function message(token: string, content: NotificationContent): Message {
  const tag = content.agentInstanceId ?? undefined;
  return {
    token,
    notification: { title: content.title, body: content.body },
    data: pushData(content),
    android: {
      priority: "high",
      ttl: 24 * 3600 * 1000,
      ...(tag ? { collapseKey: tag } : {}),
      notification: { sound: "default", ...(tag ? { tag } : {}) },
    },
    apns: { payload: { aps: { sound: "default", ...(tag ? { threadId: tag } : {}) } } },
  };
}

function classify(error: unknown): SendResult {
  const code = typeof error === "object" && error !== null && "code" in error ? String(error.code) : "unknown";
  const reason = `FCM ${code}: ${error instanceof Error ? error.message : String(error)}`;
  if (GONE.has(code)) return failed("INVALID_TOKEN", reason);
  if (TRANSIENT.has(code)) return failed("TRANSIENT", reason);
  return failed("REJECTED", reason);
}
