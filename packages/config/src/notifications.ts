import { z } from "zod";

const flag = (fallback: "true" | "false") =>
  z
    .enum(["true", "false", "1", "0"])
    .default(fallback)
    .transform((value) => value === "true" || value === "1");

/** Notification providers' variables; each provider is off until its settings are given. */
export const NotificationEnv = {
  /** At most one notification per agent instance per this many seconds; later ones are collapsed. */
  OMNARA_NOTIFY_DEDUPE_SECONDS: z.coerce.number().int().min(0).max(86_400).default(30),
  /** APNs token auth: the .p8 key file, its key id, the team id, and the app's bundle id (topic). */
  OMNARA_APNS_KEY_FILE: z.string().min(1).optional(),
  OMNARA_APNS_KEY_ID: z.string().min(1).optional(),
  OMNARA_APNS_TEAM_ID: z.string().min(1).optional(),
  OMNARA_APNS_TOPIC: z.string().min(1).optional(),
  /** Apple's production gateway instead of the sandbox (development builds use the sandbox). */
  OMNARA_APNS_PRODUCTION: flag("false"),
  /** Firebase service account JSON (Project settings → Service accounts → Generate new private key). */
  OMNARA_FCM_SERVICE_ACCOUNT_FILE: z.string().min(1).optional(),
  /** Web Push needs no third-party account, so it is on unless turned off. */
  OMNARA_WEB_PUSH_ENABLED: flag("true"),
  /** VAPID keys (URL-safe base64); when absent a pair is generated into the data dir on first start. */
  OMNARA_VAPID_PUBLIC_KEY: z.string().min(1).optional(),
  OMNARA_VAPID_PRIVATE_KEY: z.string().min(1).optional(),
  /** Contact push services may use: a mailto: or https: URL. */
  OMNARA_VAPID_SUBJECT: z
    .string()
    .regex(/^(mailto:|https:\/\/)/, "must start with mailto: or https://")
    .optional(),
  /** SMTP server for email notifications, e.g. smtps://user:pass@smtp.example.com:465. */
  OMNARA_SMTP_URL: z.string().url().optional(),
  OMNARA_SMTP_FROM: z.string().min(3).optional(),
};

export interface ApnsConfig {
  keyFile: string;
  keyId: string;
  teamId: string;
  topic: string;
  production: boolean;
}

export interface NotificationConfig {
  dedupeWindowSeconds: number;
  apns: ApnsConfig | undefined;
  fcm: { serviceAccountFile: string } | undefined;
  webPush: {
    enabled: boolean;
    /** Both or neither; neither means generate and keep them in the data dir. */
    keys: { publicKey: string; privateKey: string } | undefined;
    subject: string | undefined;
  };
  smtp: { url: string; from: string } | undefined;
}

type ParsedEnv = z.output<z.ZodObject<typeof NotificationEnv>>;

export function notificationConfig(e: ParsedEnv, fail: (message: string) => Error): NotificationConfig {
  const apnsParts = [e.OMNARA_APNS_KEY_FILE, e.OMNARA_APNS_KEY_ID, e.OMNARA_APNS_TEAM_ID, e.OMNARA_APNS_TOPIC];
  const apnsGiven = apnsParts.filter((part) => part !== undefined).length;
  if (apnsGiven > 0 && apnsGiven < apnsParts.length) {
    throw fail(
      "APNs needs all of OMNARA_APNS_KEY_FILE, OMNARA_APNS_KEY_ID, OMNARA_APNS_TEAM_ID and OMNARA_APNS_TOPIC (or none).",
    );
  }
  if ((e.OMNARA_VAPID_PUBLIC_KEY === undefined) !== (e.OMNARA_VAPID_PRIVATE_KEY === undefined)) {
    throw fail("Set both OMNARA_VAPID_PUBLIC_KEY and OMNARA_VAPID_PRIVATE_KEY, or neither (to generate a pair).");
  }
  return {
    dedupeWindowSeconds: e.OMNARA_NOTIFY_DEDUPE_SECONDS,
    apns:
      e.OMNARA_APNS_KEY_FILE && e.OMNARA_APNS_KEY_ID && e.OMNARA_APNS_TEAM_ID && e.OMNARA_APNS_TOPIC
        ? {
            keyFile: e.OMNARA_APNS_KEY_FILE,
            keyId: e.OMNARA_APNS_KEY_ID,
            teamId: e.OMNARA_APNS_TEAM_ID,
            topic: e.OMNARA_APNS_TOPIC,
            production: e.OMNARA_APNS_PRODUCTION,
          }
        : undefined,
    fcm: e.OMNARA_FCM_SERVICE_ACCOUNT_FILE ? { serviceAccountFile: e.OMNARA_FCM_SERVICE_ACCOUNT_FILE } : undefined,
    webPush: {
      enabled: e.OMNARA_WEB_PUSH_ENABLED,
      keys:
        e.OMNARA_VAPID_PUBLIC_KEY && e.OMNARA_VAPID_PRIVATE_KEY
          ? { publicKey: e.OMNARA_VAPID_PUBLIC_KEY, privateKey: e.OMNARA_VAPID_PRIVATE_KEY }
          : undefined,
      subject: e.OMNARA_VAPID_SUBJECT,
    },
    smtp: e.OMNARA_SMTP_URL
      ? { url: e.OMNARA_SMTP_URL, from: e.OMNARA_SMTP_FROM ?? "Omnara <notifications@omnara.invalid>" }
      : undefined,
  };
}
