import { index, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";

export const users = pgTable("users", {
  id: uuid().primaryKey().defaultRandom(),
  email: text().notNull().unique(),
  displayName: text(),
  /** scrypt hash; null for accounts that sign in through an external provider. */
  passwordHash: text(),
  /** The Supabase Auth user (its `sub`) this account signs in as, when Supabase is configured. */
  supabaseUserId: uuid().unique(),
  createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
});

/** Dashboard sign-ins. Only the token's hash is kept, so a database leak yields no sessions. */
export const userSessions = pgTable(
  "user_sessions",
  {
    id: uuid().primaryKey().defaultRandom(),
    userId: uuid()
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    /** A local session's token, hashed; null for a Supabase session (its tokens change hourly). */
    tokenHash: text().unique(),
    /**
     * A Supabase session's `session_id` claim, the same across its token refreshes: its tokens
     * are refused here once this row is revoked.
     */
    supabaseSessionId: uuid().unique(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp({ withTimezone: true }).notNull(),
    revokedAt: timestamp({ withTimezone: true }),
    /** The browser or device that signed in (its User-Agent), shown in the sessions list. */
    userAgent: text(),
    clientAddress: text(),
    /** Kept to the minute, so a busy dashboard does not write on every call. */
    lastUsedAt: timestamp({ withTimezone: true }),
  },
  (t) => [index().on(t.userId)],
);
