import { instanceStatuses, type Metadata } from "@omnara/contracts";
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

export const instanceStatus = pgEnum("instance_status", instanceStatuses);
export const senderType = pgEnum("sender_type", ["AGENT", "USER"]);

/** A kind of agent a user runs ("claude code", "cursor", a custom agent). Names are lower-cased. */
export const agentTypes = pgTable(
  "agent_types",
  {
    id: uuid().primaryKey().defaultRandom(),
    userId: uuid()
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    name: text().notNull(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex().on(t.userId, t.name)],
);

/** One run (session) of an agent. The id is chosen by the agent's client. */
export const agentInstances = pgTable(
  "agent_instances",
  {
    id: uuid().primaryKey(),
    agentTypeId: uuid()
      .notNull()
      .references(() => agentTypes.id, { onDelete: "cascade" }),
    userId: uuid()
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    status: instanceStatus().notNull().default("ACTIVE"),
    name: text(),
    startedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    endedAt: timestamp({ withTimezone: true }),
    lastHeartbeatAt: timestamp({ withTimezone: true }),
    gitDiff: text(),
    instanceMetadata: jsonb().$type<Metadata>(),
    /** The agent's read cursor: user messages after it are pending for the agent. */
    lastReadMessageId: uuid(),
    /**
     * The last user message a read handed to the agent that the agent has not acknowledged
     * (by a read holding it, or by its next message). Until then the replies stay pending, so
     * an answer lost between our response and the agent's parse is delivered again.
     */
    deliveredMessageId: uuid(),
    /** Kept with each message insert so lists need no aggregate over messages. */
    latestMessage: text(),
    latestMessageAt: timestamp({ withTimezone: true }),
    chatLength: integer().notNull().default(0),
    /**
     * The agent's steps (messages sent as not questions; one turned into a question later keeps
     * its number, so numbers never repeat), counted in the writer's locked
     * transaction: log_step's step_number, with no count over messages and no two steps the same.
     */
    stepCount: integer().notNull().default(0),
    /**
     * The user asked to interrupt the agent's current turn and the agent has not been told yet;
     * the agent's next wait, control read or message takes it (and clears it), once.
     */
    interruptRequestedAt: timestamp({ withTimezone: true }),
    /** The user stopped the session (it is COMPLETED): the agent's process is asked to end. */
    stopRequestedAt: timestamp({ withTimezone: true }),
  },
  (t) => [
    index().on(t.userId, t.status),
    // A type's instances newest first: a team sharing the type lists them from its first rows
    // (core/instances/shared-with.ts); its first column serves the type's cascade too.
    index().on(t.agentTypeId, t.startedAt, t.id),
    index().on(t.userId, t.startedAt),
    // The overview's counts per type and status, answered from the index alone.
    index().on(t.userId, t.agentTypeId, t.status),
    // A card's recent instances in its order (waiting first, then latest activity): the first
    // few rows of this index, no sort of the type's instances (core/instances/listings.ts).
    index("agent_instances_attention_idx")
      .on(
        t.agentTypeId,
        sql`(${t.status} = 'AWAITING_INPUT') desc`,
        sql`coalesce(${t.latestMessageAt}, ${t.startedAt}) desc`,
        t.id,
      )
      .where(sql`${t.status} <> 'DELETED'`),
  ],
);

/**
 * The overview's counts of instances by user, type and status, kept by triggers on
 * agent_instances (migration 0019): each insert, status change and delete appends +1 / -1 rows,
 * so writers never wait on each other for a counter row and no write statement changes. A
 * count is the sum of its rows; reads fold a user's rows into one per count once they pile up
 * (core/instances/status-counts.ts). No foreign keys: a key check would lock the user's row
 * against the billing lock on every question and reply; a deleted user's rows go with it by
 * trigger.
 */
export const instanceCounts = pgTable(
  "instance_counts",
  {
    userId: uuid().notNull(),
    agentTypeId: uuid().notNull(),
    status: instanceStatus().notNull(),
    n: integer().notNull(),
  },
  (t) => [index().on(t.userId)],
);

/** Every message of an instance: agent steps, agent questions, user replies. */
export const messages = pgTable(
  "messages",
  {
    id: uuid().primaryKey().defaultRandom(),
    /** Total order of messages; created_at alone ties within a transaction. */
    seq: bigint({ mode: "number" }).notNull().generatedAlwaysAsIdentity(),
    agentInstanceId: uuid()
      .notNull()
      .references(() => agentInstances.id, { onDelete: "cascade" }),
    senderType: senderType().notNull(),
    senderUserId: uuid().references(() => users.id, { onDelete: "set null" }),
    content: text().notNull(),
    requiresUserInput: boolean().notNull().default(false),
    messageMetadata: jsonb().$type<Metadata>(),
    idempotencyKey: text(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    /** A user message withdrawn while it was still queued (never handed to the agent). */
    cancelledAt: timestamp({ withTimezone: true }),
  },
  (t) => [
    index().on(t.agentInstanceId, t.seq),
    uniqueIndex().on(t.agentInstanceId, t.idempotencyKey).where(sql`${t.idempotencyKey} is not null`),
  ],
);
