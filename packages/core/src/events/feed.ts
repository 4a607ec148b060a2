import type { BusEvent, Db } from "@omnara/db";
import { schema } from "@omnara/db";

/**
 * Why the feed is ordered by (transaction id, row id) and cut at the snapshot's xmin.
 *
 * A message seq (or any sequence) is taken when a row is inserted, not when it commits: B takes
 * N, A takes N+1 and commits first, a reader sees N+1 and moves past N before B commits. So a
 * sequence alone cannot be a resume position. Two exact fixes were on the table:
 * - a per-user counter row taken under a lock in every writer's transaction: ids in commit order,
 *   but every write of one user (one person's whole fleet of agents) waits for the previous one's
 *   commit flush; measured here, one hot row held to commit cut 16 writers from ~1 000 to ~215
 *   commits/s;
 * - this one: every feed row records its top-level transaction id (`pg_current_xact_id()`), and
 *   a reader delivers only rows whose transaction id is below `pg_snapshot_xmin` of its own
 *   statement's snapshot. Every transaction below xmin has ended, and a new one gets an id at or
 *   above xmax, so the rows below xmin are final: none can later appear before a position
 *   already delivered. Delivered in (xid, id) order, positions only grow, and resuming after
 *   (xid, id) replays exactly what was not yet delivered. Writers never wait on each other.
 * Its price is that a row waits while an older transaction still runs (normally the other
 * writers' few milliseconds; a long open transaction on the same server holds the feed back,
 * and a stream then re-reads on a short backoff). Waits for replies do not use the feed.
 * It is the same on PGlite, whose single connection makes xmin trivially the reader's own.
 */
export interface FeedPosition {
  /** Decimal xid8. */
  xid: string;
  /** Decimal bigint; 0 before the transaction's first row. */
  id: string;
}

export const formatPosition = (position: FeedPosition): string => `${position.xid}.${position.id}`;

/** Parses an EventId the contract already validated. */
export function parsePosition(eventId: string): FeedPosition {
  const [xid = "0", id = "0"] = eventId.split(".");
  return { xid: BigInt(xid).toString(), id: BigInt(id).toString() };
}

/**
 * Writes the feed rows for a writer's bus events, in the writer's transaction (call it last, with
 * the events the transaction will publish after commit). Heartbeats and sign-ins are live only.
 */
export async function recordFeed(tx: Db, events: readonly BusEvent[]): Promise<void> {
  const rows: (typeof schema.feedEvents.$inferInsert)[] = [];
  for (const event of events) {
    const { userId, agentInstanceId } = event;
    if (event.type === "message") rows.push({ userId, agentInstanceId, kind: "message", messageId: event.messageId });
    if (event.type === "instance") rows.push({ userId, agentInstanceId, kind: "instance" });
    if (event.type === "access") rows.push({ userId, agentInstanceId, kind: "access" });
  }
  if (rows.length > 0) await tx.insert(schema.feedEvents).values(rows);
}
