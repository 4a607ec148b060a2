import { notificationChannels, notificationEvents, notificationOutcomes, pushChannels } from "@omnara/contracts";
import { sql } from "drizzle-orm";
import {
  bigint,
  boolean,
  index,
  integer,
  jsonb,
  pgEnum,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";
import { agentInstances, agentTypes } from "./agents.ts";
import { users } from "./users.ts";

export const notificationChannel = pgEnum("notification_channel", notificationChannels);
export const pushChannel = pgEnum("push_channel", pushChannels);
export const notificationEvent = pgEnum("notification_event", notificationEvents);
export const notificationOutcome = pgEnum("notification_outcome", notificationOutcomes);
/** pending → planned (sent on its channels) or collapsed (folded into a later planned job). */
export const notificationJobState = pgEnum("notification_job_state", ["pending", "planned", "collapsed"]);

/** What the Web Push provider needs besides the endpoint (RFC 8291 keys). */
export interface WebPushKeys {
  p256dh: string;
  auth: string;
}

/**
 * A phone (APNs, FCM) or browser (Web Push) that receives push notifications. A token belongs
 * to one device, so registering it again under another account moves it there.
 */
export const notificationDevices = pgTable(
  "notification_devices",
  {
    id: uuid().primaryKey().defaultRandom(),
    userId: uuid()
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    channel: pushChannel().notNull(),
    /** APNs/FCM registration token, or the Web Push endpoint URL. */
    token: text().notNull(),
    webPushKeys: jsonb().$type<WebPushKeys>(),
    name: text(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    lastSentAt: timestamp({ withTimezone: true }),
    lastFailureAt: timestamp({ withTimezone: true }),
    lastFailureReason: text(),
  },
  (t) => [uniqueIndex().on(t.channel, t.token), index().on(t.userId)],
);

/** What a user without a settings row gets: push on, email off (it is opt-in), no quiet hours. */
export const defaultNotificationSettings = {
  pushEnabled: true,
  emailEnabled: false,
  sessionEndEnabled: true,
  quietHoursEnabled: false,
  quietHoursStart: "22:00",
  quietHoursEnd: "07:00",
  timeZone: "UTC",
} as const;
const d = defaultNotificationSettings;

/** Per-user preferences; a user without a row has the defaults above. */
export const notificationSettings = pgTable("notification_settings", {
  userId: uuid()
    .primaryKey()
    .references(() => users.id, { onDelete: "cascade" }),
  pushEnabled: boolean().notNull().default(d.pushEnabled),
  emailEnabled: boolean().notNull().default(d.emailEnabled),
  sessionEndEnabled: boolean().notNull().default(d.sessionEndEnabled),
  quietHoursEnabled: boolean().notNull().default(d.quietHoursEnabled),
  quietHoursStart: text().notNull().default(d.quietHoursStart),
  quietHoursEnd: text().notNull().default(d.quietHoursEnd),
  timeZone: text().notNull().default(d.timeZone),
  updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
});

/** An agent type's notification defaults; no row: both on. The global switches above still bound them. */
export const notificationAgentPreferences = pgTable(
  "notification_agent_preferences",
  {
    userId: uuid()
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    agentTypeId: uuid()
      .notNull()
      .references(() => agentTypes.id, { onDelete: "cascade" }),
    pushEnabled: boolean().notNull().default(true),
    emailEnabled: boolean().notNull().default(true),
  },
  (t) => [primaryKey({ columns: [t.userId, t.agentTypeId] })],
);

/**
 * "This dashboard tab shows that instance and is visible", until expiresAt. Stored so every
 * server process sees it; an expired or missing row means unknown, and unknown notifies.
 */
export const notificationPresence = pgTable(
  "notification_presence",
  {
    userId: uuid()
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    agentInstanceId: uuid()
      .notNull()
      .references(() => agentInstances.id, { onDelete: "cascade" }),
    clientId: text().notNull(),
    expiresAt: timestamp({ withTimezone: true }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.agentInstanceId, t.clientId] })],
);

/**
 * The outbox: written in the same transaction as the message or status change that causes it,
 * so a crash between the two cannot lose or duplicate a notification.
 */
export const notificationJobs = pgTable(
  "notification_jobs",
  {
    id: uuid().primaryKey().defaultRandom(),
    seq: bigint({ mode: "number" }).notNull().generatedAlwaysAsIdentity(),
    userId: uuid()
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    /** null for test notifications. */
    agentInstanceId: uuid().references(() => agentInstances.id, { onDelete: "cascade" }),
    messageId: uuid(),
    event: notificationEvent().notNull(),
    /** The first line of the message, already cut: the only message text that leaves the server. */
    preview: text(),
    /** Whether the event may notify on each channel: false when the message turned it off (or a step did not ask). */
    allowPush: boolean().notNull(),
    allowEmail: boolean().notNull(),
    /** The message's send_push / send_email as given (null: not given); a given one overrides the agent's default. */
    pushFlag: boolean(),
    emailFlag: boolean(),
    /** Makes enqueueing idempotent, e.g. one "session ended" per instance. */
    dedupeKey: text(),
    state: notificationJobState().notNull().default("pending"),
    /** Not before: moved forward while the instance's rate-limit window is open. */
    runAt: timestamp({ withTimezone: true }).notNull(),
    /** A dispatcher holds the job until then; a crashed dispatcher's lease simply runs out. */
    leaseUntil: timestamp({ withTimezone: true }),
    collapsedInto: uuid(),
    count: integer().notNull().default(1),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index().on(t.state, t.runAt),
    index().on(t.agentInstanceId, t.state),
    // The retention job deletes finished jobs by age.
    index().on(t.createdAt),
    uniqueIndex().on(t.dedupeKey).where(sql`${t.dedupeKey} is not null`),
  ],
);

/**
 * When each instance last notified each of its users (its owner, the people it is shared with):
 * the rate-limit window starts there.
 */
export const notificationThrottle = pgTable(
  "notification_throttle",
  {
    agentInstanceId: uuid()
      .notNull()
      .references(() => agentInstances.id, { onDelete: "cascade" }),
    userId: uuid()
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    lastSentAt: timestamp({ withTimezone: true }),
  },
  (t) => [primaryKey({ columns: [t.agentInstanceId, t.userId] })],
);

/** What a provider receives, fixed when the job is planned so retries send the same thing. */
export interface NotificationContent {
  title: string;
  body: string;
  event: (typeof notificationEvents)[number];
  agentInstanceId: string | null;
  notificationId: string;
  count: number;
  /** Opens the instance in the dashboard; null when the server's public URL is unknown. */
  url: string | null;
}

/** One notification to one device or address, retried with backoff until sent or given up. */
export const notificationDeliveries = pgTable(
  "notification_deliveries",
  {
    id: uuid().primaryKey().defaultRandom(),
    jobId: uuid()
      .notNull()
      .references(() => notificationJobs.id, { onDelete: "cascade" }),
    userId: uuid()
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    channel: notificationChannel().notNull(),
    deviceId: uuid().references(() => notificationDevices.id, { onDelete: "set null" }),
    emailAddress: text(),
    content: jsonb().$type<NotificationContent>().notNull(),
    attempts: integer().notNull().default(0),
    done: boolean().notNull().default(false),
    nextAttemptAt: timestamp({ withTimezone: true }).notNull(),
    leaseUntil: timestamp({ withTimezone: true }),
  },
  (t) => [index().on(t.done, t.nextAttemptAt)],
);

/** The delivery log: every attempt and every decision not to send, kept for the user to see. */
export const notificationLog = pgTable(
  "notification_log",
  {
    id: uuid().primaryKey().defaultRandom(),
    seq: bigint({ mode: "number" }).notNull().generatedAlwaysAsIdentity(),
    userId: uuid()
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    /** No foreign keys below: the log outlives deleted devices and instances. */
    jobId: uuid().notNull(),
    agentInstanceId: uuid(),
    event: notificationEvent().notNull(),
    channel: notificationChannel(),
    deviceId: uuid(),
    deviceName: text(),
    outcome: notificationOutcome().notNull(),
    reason: text(),
    attempt: integer().notNull().default(0),
    willRetry: boolean().notNull().default(false),
    count: integer().notNull().default(1),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  // createdAt: the retention job deletes the log by age.
  (t) => [index().on(t.userId, t.seq), index().on(t.jobId), index().on(t.createdAt)],
);

/**
 * What the running dispatchers can deliver, written at start so user procedures (which have no
 * provider objects) can tell the dashboard which channels work and the Web Push public key.
 */
export const notificationCapabilities = pgTable("notification_capabilities", {
  id: text().primaryKey().default("server"),
  channels: jsonb().$type<(typeof notificationChannels)[number][]>().notNull(),
  webPushPublicKey: text(),
  dedupeWindowSeconds: integer().notNull().default(0),
  updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
});
