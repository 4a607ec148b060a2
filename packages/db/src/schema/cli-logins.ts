import { index, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { users } from "./users.ts";

/**
 * Device-code sign-ins of `omnara login`: the CLI holds the device code, the signed-in user
 * types the short user code in the dashboard. Only hashes of both codes are stored, and no API
 * key: the key is minted when the CLI collects an approved login, so a leaked row yields nothing.
 */
export const cliLogins = pgTable(
  "cli_logins",
  {
    id: uuid().primaryKey().defaultRandom(),
    deviceCodeHash: text().notNull().unique(),
    userCodeHash: text().notNull().unique(),
    /** The host the CLI runs on, shown to the user before they confirm. */
    clientName: text().notNull(),
    /** The kind of key the sign-in mints: an agent's, or a machine's for `omnara daemon`. */
    kind: text({ enum: ["agent", "machine"] })
      .notNull()
      .default("agent"),
    /** PENDING → APPROVED | DENIED; APPROVED → CONSUMED once the CLI has its key. */
    status: text({ enum: ["PENDING", "APPROVED", "DENIED", "CONSUMED"] })
      .notNull()
      .default("PENDING"),
    /** Who confirmed (or denied) the code. */
    userId: uuid().references(() => users.id, { onDelete: "cascade" }),
    apiKeyId: uuid(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp({ withTimezone: true }).notNull(),
    decidedAt: timestamp({ withTimezone: true }),
  },
  (t) => [index().on(t.expiresAt)],
);
