import { boolean, index, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { agentInstances } from "./agents.ts";
import { apiKeys } from "./api-keys.ts";
import { users } from "./users.ts";

/**
 * A computer running `omnara daemon`, one per machine key: revoking the key (like any key) is
 * revoking the machine. `lastSeenAt` moves with each of the daemon's polls; online and asleep
 * are read from it.
 */
export const machines = pgTable(
  "machines",
  {
    id: uuid().primaryKey().defaultRandom(),
    userId: uuid()
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    apiKeyId: uuid()
      .notNull()
      .unique()
      .references(() => apiKeys.id, { onDelete: "cascade" }),
    name: text().notNull(),
    os: text().notNull(),
    version: text().notNull(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    lastSeenAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index().on(t.userId)],
);

/** A directory the user added on the machine (`omnara daemon add-project`): the only places agents start. */
export const machineProjects = pgTable(
  "machine_projects",
  {
    id: uuid().primaryKey().defaultRandom(),
    machineId: uuid()
      .notNull()
      .references(() => machines.id, { onDelete: "cascade" }),
    path: text().notNull(),
    name: text().notNull(),
    isGit: boolean().notNull(),
    /** Where new worktrees go; null when the project is not a git repository. */
    worktreeRoot: text(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex().on(t.machineId, t.path)],
);

/** A session the daemon runs (or ran) for the user; its id is the agent instance's. */
export const machineSessions = pgTable(
  "machine_sessions",
  {
    agentInstanceId: uuid()
      .primaryKey()
      .references(() => agentInstances.id, { onDelete: "cascade" }),
    machineId: uuid()
      .notNull()
      .references(() => machines.id, { onDelete: "cascade" }),
    projectId: uuid().references(() => machineProjects.id, { onDelete: "set null" }),
    agent: text().notNull(),
    branch: text(),
    worktreePath: text(),
    /**
     * STARTING (asked for) → RUNNING (the daemon started it) → ENDED | FAILED; STARTING →
     * EXPIRED when no daemon picked the start up in time (it never runs).
     */
    state: text({ enum: ["STARTING", "RUNNING", "ENDED", "FAILED", "EXPIRED"] })
      .notNull()
      .default("STARTING"),
    error: text(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    endedAt: timestamp({ withTimezone: true }),
    /** When the daemon cleaned up after the instance was deleted (its worktree removed). */
    removedAt: timestamp({ withTimezone: true }),
  },
  (t) => [index().on(t.machineId, t.state)],
);

/**
 * What a user asked a machine to do, and the record of who asked: each start and stop keeps the
 * user, the device (user agent, address) and when it was asked, delivered and done.
 */
export const machineCommands = pgTable(
  "machine_commands",
  {
    id: uuid().primaryKey().defaultRandom(),
    machineId: uuid()
      .notNull()
      .references(() => machines.id, { onDelete: "cascade" }),
    userId: uuid()
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    kind: text({ enum: ["start", "stop"] }).notNull(),
    agentInstanceId: uuid().notNull(),
    payload: jsonb().$type<Record<string, unknown>>().notNull(),
    userAgent: text(),
    clientAddress: text(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    deliveredAt: timestamp({ withTimezone: true }),
    doneAt: timestamp({ withTimezone: true }),
    /** "ok", or why the daemon refused or failed it. */
    outcome: text(),
  },
  (t) => [index().on(t.machineId, t.doneAt), index().on(t.userId, t.createdAt)],
);
