import { boolean, doublePrecision, pgTable, text, timestamp } from "drizzle-orm/pg-core";

/**
 * Token buckets shared by every server process on the database: one row per caller, taken from
 * in one statement under the row's lock, so N servers enforce one limit together. A bucket idle
 * for a minute is full again, the same as no row, so such rows are deleted.
 */
export const rateLimitBuckets = pgTable("rate_limit_buckets", {
  key: text().primaryKey(),
  tokens: doublePrecision().notNull(),
  /** Whether the last take found a token. */
  allowed: boolean().notNull(),
  updatedAt: timestamp({ withTimezone: true }).notNull(),
});
