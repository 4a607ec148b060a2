import { sql } from "drizzle-orm";
import { bigint, customType, index, pgEnum, pgTable, timestamp, uuid } from "drizzle-orm/pg-core";
import { users } from "./users.ts";

/** A top-level transaction id (Postgres xid8), read as its decimal text. */
const xid8 = customType<{ data: string; driverData: string }>({ dataType: () => "xid8" });

/** "access": an instance was shared with the row's user, or no longer is. */
export const feedEventKind = pgEnum("feed_event_kind", ["message", "instance", "access"]);

/**
 * The change feed the dashboards resume from: one row per change a user's screens must hear (a
 * message stored or updated, an instance's status or name), written in the writer's own
 * transaction so it commits, or not, with the change. `xid` is that transaction's id; streams
 * order rows by (xid, id) and deliver only rows below the oldest transaction still running, the
 * order in which no row can still appear behind one already delivered (core/events/feed.ts).
 */
export const feedEvents = pgTable(
  "feed_events",
  {
    id: bigint({ mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    xid: xid8().notNull().default(sql`pg_current_xact_id()`),
    userId: uuid()
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    agentInstanceId: uuid().notNull(),
    kind: feedEventKind().notNull(),
    /** The message for kind "message"; its current row is what is sent. */
    messageId: uuid(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index().on(t.userId, t.xid, t.id)],
);
