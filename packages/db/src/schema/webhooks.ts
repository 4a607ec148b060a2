import { webhookDeliveryEvents, webhookDeliveryStates, type webhookEvents } from "@omnara/contracts";
import { sql } from "drizzle-orm";
import {
  bigint,
  boolean,
  index,
  integer,
  jsonb,
  pgEnum,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";
import { users } from "./users.ts";

export const webhookDeliveryEvent = pgEnum("webhook_delivery_event", webhookDeliveryEvents);
export const webhookDeliveryState = pgEnum("webhook_delivery_state", webhookDeliveryStates);

/**
 * The key of every delivery's X-Omnara-Signature. Made by the database (two v4 UUIDs come from
 * its strong random source: 244 random bits), so any process may create the row first.
 */
export const webhookSecrets = pgTable("webhook_secrets", {
  userId: uuid()
    .primaryKey()
    .references(() => users.id, { onDelete: "cascade" }),
  secret: text()
    .notNull()
    .default(sql`'whsec_' || replace(gen_random_uuid()::text || gen_random_uuid()::text, '-', '')`),
  createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
});

/** A user-defined event webhook. */
export const webhookEndpoints = pgTable(
  "webhook_endpoints",
  {
    id: uuid().primaryKey().defaultRandom(),
    userId: uuid()
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    url: text().notNull(),
    description: text(),
    events: jsonb().$type<(typeof webhookEvents)[number][]>().notNull(),
    enabled: boolean().notNull().default(true),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index().on(t.userId)],
);

/** Extra request headers fixed at enqueue (e.g. v1's X-Omnara-Webhook: true). */
export type WebhookHeaders = Record<string, string>;

/**
 * The outbox of outbound HTTP calls: written in the transaction of the write that causes it, so
 * a crash in between neither loses nor repeats it; `dedupeKey` makes "once per question" a
 * unique index rather than a check two writers can both pass. The body is fixed here: retries
 * send the same bytes (only the signature's timestamp changes).
 */
export const webhookDeliveries = pgTable(
  "webhook_deliveries",
  {
    id: uuid().primaryKey().defaultRandom(),
    seq: bigint({ mode: "number" }).notNull().generatedAlwaysAsIdentity(),
    userId: uuid()
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    endpointId: uuid().references(() => webhookEndpoints.id, { onDelete: "set null" }),
    event: webhookDeliveryEvent().notNull(),
    url: text().notNull(),
    body: text().notNull(),
    headers: jsonb().$type<WebhookHeaders>().notNull(),
    /** No foreign keys: the log outlives deleted instances and messages. */
    agentInstanceId: uuid(),
    /** For n8n_resume: the question whose metadata gets webhook_triggered once delivered. */
    questionMessageId: uuid(),
    dedupeKey: text(),
    replayOf: uuid(),
    state: webhookDeliveryState().notNull().default("pending"),
    attempts: integer().notNull().default(0),
    nextAttemptAt: timestamp({ withTimezone: true }).notNull(),
    /** A sender holds the delivery until then; a crashed sender's lease simply runs out. */
    leaseUntil: timestamp({ withTimezone: true }),
    deliveredAt: timestamp({ withTimezone: true }),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index().on(t.state, t.nextAttemptAt),
    index().on(t.userId, t.seq),
    uniqueIndex().on(t.dedupeKey).where(sql`${t.dedupeKey} is not null`),
  ],
);

/** One row per attempt: what the user sees in the delivery log. */
export const webhookAttempts = pgTable(
  "webhook_attempts",
  {
    id: uuid().primaryKey().defaultRandom(),
    deliveryId: uuid()
      .notNull()
      .references(() => webhookDeliveries.id, { onDelete: "cascade" }),
    attempt: integer().notNull(),
    status: integer(),
    error: text(),
    responseExcerpt: text(),
    durationMs: integer().notNull(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index().on(t.deliveryId)],
);
