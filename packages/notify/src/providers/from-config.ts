import { readFileSync } from "node:fs";
import type { NotificationConfig } from "@omnara/config";
import { loadOrCreateVapidKeys } from "../vapid-keys.ts";
import { createApnsProvider } from "./apns.ts";
import { createEmailProvider } from "./email.ts";
import { createFcmProvider } from "./fcm.ts";
import type { Providers } from "./provider.ts";
import { createWebPushProvider } from "./web-push.ts";

export interface ProviderSetup {
  dataDir: string;
  publicUrl: string | undefined;
}

/** One provider per configured channel; a channel left unconfigured has none. */
export function createProviders(config: NotificationConfig, setup: ProviderSetup): Providers {
  const providers: Providers = {};
  if (config.apns) {
    providers.apns = createApnsProvider({ ...config.apns, key: readFileSync(config.apns.keyFile, "utf8") });
  }
  if (config.fcm) providers.fcm = createFcmProvider({ serviceAccountFile: config.fcm.serviceAccountFile });
  if (config.webPush.enabled) {
    const keys = config.webPush.keys ?? loadOrCreateVapidKeys(setup.dataDir);
    providers.web_push = createWebPushProvider({ ...keys, subject: vapidSubject(config, setup.publicUrl) });
  }
  if (config.smtp) providers.email = createEmailProvider(config.smtp);
  return providers;
}

/** Push services want a contact; the server's own https URL is the best default there is. */
function vapidSubject(config: NotificationConfig, publicUrl: string | undefined): string {
  if (config.webPush.subject) return config.webPush.subject;
  if (publicUrl?.startsWith("https://")) return publicUrl;
  return "mailto:notifications@omnara.invalid";
}
