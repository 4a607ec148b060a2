import type { Agent } from "node:https";
import type { NotificationContent } from "@omnara/db/schema";
import webpush from "web-push";
import { failed, pushData, type SendResult, type WebPushProvider } from "./provider.ts";

export interface WebPushOptions {
  publicKey: string;
  privateKey: string;
  /** mailto: or https: contact for push services. */
  subject: string;
  /** Tests: trusts the local push service's certificate. */
  agent?: Agent;
}

export function createWebPushProvider(options: WebPushOptions): WebPushProvider {
  return {
    channel: "web_push",
    publicKey: options.publicKey,
    send: async (target, content) => {
      try {
        await webpush.sendNotification({ endpoint: target.endpoint, keys: target.keys }, payload(content), {
          vapidDetails: { subject: options.subject, publicKey: options.publicKey, privateKey: options.privateKey },
          TTL: 24 * 3600,
          urgency: "high",
          // 32 hex characters fit the Topic header's limit; a newer message replaces a queued one.
          ...(content.agentInstanceId ? { topic: content.agentInstanceId.replaceAll("-", "") } : {}),
          timeout: 10_000,
          ...(options.agent ? { agent: options.agent } : {}),
        });
        return { ok: true };
      } catch (error) {
        return classify(error);
      }
    },
    close: async () => {},
  };
}

/** What the dashboard's service worker receives and shows. */
const payload = (content: NotificationContent): string =>
  JSON.stringify({ title: content.title, body: content.body, ...pushData(content) });

function classify(error: unknown): SendResult {
  if (error instanceof webpush.WebPushError) {
    const reason = `push service ${error.statusCode}: ${error.body || error.message}`.trim();
    if (error.statusCode === 404 || error.statusCode === 410) return failed("INVALID_TOKEN", reason);
    if (error.statusCode === 429 || error.statusCode >= 500) return failed("TRANSIENT", reason);
    return failed("REJECTED", reason);
  }
  return failed("TRANSIENT", `push service unreachable: ${error instanceof Error ? error.message : String(error)}`);
}
