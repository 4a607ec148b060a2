import { index, jsonb, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { teams } from "./teams.ts";
import { users } from "./users.ts";

/**
 * Every human decision (a reply, a mark completed, a share, a key made or revoked, a password
 * changed...), written in the same transaction as the decision. `ownerId` is whose audit it is
 * (the owner of the instance or account acted on); `actorId` who decided (a share's recipient
 * may reply on the owner's instance).
 */
export const auditEvents = pgTable(
  "audit_events",
  {
    id: uuid().primaryKey().defaultRandom(),
    ownerId: uuid()
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    actorId: uuid().references(() => users.id, { onDelete: "set null" }),
    /** One of contracts' auditActions, e.g. "instance.rename". */
    action: text().notNull(),
    /** What was acted on: "instance", "share", "api_key", "session", "account", "cli_login". */
    targetType: text().notNull(),
    targetId: text(),
    detail: jsonb().$type<Record<string, string | number | boolean | null>>(),
    userAgent: text(),
    clientAddress: text(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    /** The team a team decision was taken in: its admins read it in the team's audit. */
    teamId: uuid().references(() => teams.id, { onDelete: "set null" }),
  },
  (t) => [index().on(t.ownerId, t.createdAt, t.id), index().on(t.teamId, t.createdAt, t.id)],
);
