import { index, pgEnum, pgTable, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { agentInstances } from "./agents.ts";
import { users } from "./users.ts";

export const shareRole = pgEnum("share_role", ["READ", "WRITE"]);

/**
 * An instance shared by its owner with someone, by email. `userId` is set once that email has an
 * account (at share time, or when it signs up); until then the share waits on the email.
 */
export const instanceShares = pgTable(
  "instance_shares",
  {
    id: uuid().primaryKey().defaultRandom(),
    agentInstanceId: uuid()
      .notNull()
      .references(() => agentInstances.id, { onDelete: "cascade" }),
    ownerId: uuid()
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    /** Lower-cased. */
    email: text().notNull(),
    userId: uuid().references(() => users.id, { onDelete: "cascade" }),
    role: shareRole().notNull(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex().on(t.agentInstanceId, t.email), index().on(t.userId), index().on(t.email)],
);
