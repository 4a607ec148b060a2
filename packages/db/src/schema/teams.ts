import { sql } from "drizzle-orm";
import { index, pgEnum, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { agentInstances, agentTypes } from "./agents.ts";
import { shareRole } from "./shares.ts";
import { users } from "./users.ts";

export const teamRole = pgEnum("team_role", ["owner", "admin", "member"]);
export const teamInviteState = pgEnum("team_invite_state", ["pending", "accepted", "declined", "cancelled"]);

/** A group of users who see what is shared with it. */
export const teams = pgTable("teams", {
  id: uuid().primaryKey().defaultRandom(),
  name: text().notNull(),
  createdBy: uuid().references(() => users.id, { onDelete: "set null" }),
  createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
});

export const teamMembers = pgTable(
  "team_members",
  {
    teamId: uuid()
      .notNull()
      .references(() => teams.id, { onDelete: "cascade" }),
    userId: uuid()
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    role: teamRole().notNull(),
    joinedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.teamId, t.userId] }), index().on(t.userId)],
);

/**
 * An invitation by email. `userId` is set once that email has an account (at invite time, or when
 * it signs up); until then the invite waits on the email. One pending invite per team and email.
 */
export const teamInvites = pgTable(
  "team_invites",
  {
    id: uuid().primaryKey().defaultRandom(),
    teamId: uuid()
      .notNull()
      .references(() => teams.id, { onDelete: "cascade" }),
    /** Lower-cased. */
    email: text().notNull(),
    userId: uuid().references(() => users.id, { onDelete: "cascade" }),
    role: teamRole().notNull(),
    invitedBy: uuid().references(() => users.id, { onDelete: "set null" }),
    state: teamInviteState().notNull().default("pending"),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    decidedAt: timestamp({ withTimezone: true }),
  },
  (t) => [
    uniqueIndex("team_invites_pending_email").on(t.teamId, t.email).where(sql`${t.state} = 'pending'`),
    index().on(t.email),
    index().on(t.userId),
  ],
);

/** An instance every member of the team may follow (READ) or also reply on (WRITE). */
export const teamInstanceShares = pgTable(
  "team_instance_shares",
  {
    teamId: uuid()
      .notNull()
      .references(() => teams.id, { onDelete: "cascade" }),
    agentInstanceId: uuid()
      .notNull()
      .references(() => agentInstances.id, { onDelete: "cascade" }),
    access: shareRole().notNull(),
    sharedBy: uuid().references(() => users.id, { onDelete: "set null" }),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.teamId, t.agentInstanceId] }), index().on(t.agentInstanceId)],
);

/** Every instance of the agent type, present and future, shared with the team. */
export const teamAgentTypeShares = pgTable(
  "team_agent_type_shares",
  {
    teamId: uuid()
      .notNull()
      .references(() => teams.id, { onDelete: "cascade" }),
    agentTypeId: uuid()
      .notNull()
      .references(() => agentTypes.id, { onDelete: "cascade" }),
    access: shareRole().notNull(),
    sharedBy: uuid().references(() => users.id, { onDelete: "set null" }),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.teamId, t.agentTypeId] }), index().on(t.agentTypeId)],
);
