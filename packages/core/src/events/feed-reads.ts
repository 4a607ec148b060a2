import type { AgentInstance, Message } from "@omnara/contracts";
import type { Db } from "@omnara/db";
import { schema } from "@omnara/db";
import { and, asc, eq, type SQL, sql } from "drizzle-orm";
import { toInstance, toMessage } from "../serialize.ts";
import type { FeedPosition } from "./feed.ts";
import { FEED_ROWS_KEPT } from "./feed-retention.ts";

const { agentInstances, agentTypes, feedEvents, messages } = schema;

/** Whose feed: a user's, or one of the user's instances. */
export interface FeedScope {
  userId: string;
  agentInstanceId: string | undefined;
}

export type FeedItem =
  | { position: FeedPosition; kind: "message"; message: Message | undefined; instance: AgentInstance }
  | { position: FeedPosition; kind: "instance"; instance: AgentInstance };

export interface FeedPage {
  /** Final rows after the position, in feed order (the message is gone when it was deleted). */
  ready: FeedItem[];
  /** Committed rows wait behind an older transaction still running: read again soon. */
  heldBack: boolean;
}

const horizon = sql<string>`pg_snapshot_xmin(pg_current_snapshot())::text`;
const xidText = sql<string>`${feedEvents.xid}::text`;

const inScope = (scope: FeedScope, after: FeedPosition): SQL | undefined =>
  and(
    eq(feedEvents.userId, scope.userId),
    scope.agentInstanceId ? eq(feedEvents.agentInstanceId, scope.agentInstanceId) : undefined,
    // A row comparison the (user_id, xid, id) index answers as a range.
    sql`(${feedEvents.xid}, ${feedEvents.id}) > (${after.xid}::xid8, ${after.id}::bigint)`,
  );

/** The rows after `after`, with the current message and instance rows, in one statement. */
export async function readFeed(db: Db, scope: FeedScope, after: FeedPosition, limit: number): Promise<FeedPage> {
  const rows = await db
    .select({
      id: feedEvents.id,
      xid: xidText,
      kind: feedEvents.kind,
      horizon,
      message: messages,
      instance: agentInstances,
      typeName: agentTypes.name,
    })
    .from(feedEvents)
    .innerJoin(agentInstances, eq(agentInstances.id, feedEvents.agentInstanceId))
    .innerJoin(agentTypes, eq(agentTypes.id, agentInstances.agentTypeId))
    .leftJoin(messages, eq(messages.id, feedEvents.messageId))
    .where(inScope(scope, after))
    .orderBy(asc(feedEvents.xid), asc(feedEvents.id))
    .limit(limit);
  const ready: FeedItem[] = [];
  for (const row of rows) {
    // Rows come in xid order, so the final ones are a prefix; the horizon is the statement's.
    if (BigInt(row.xid) >= BigInt(row.horizon)) return { ready, heldBack: true };
    const position = { xid: row.xid, id: String(row.id) };
    const instance = toInstance(row.instance, row.typeName);
    ready.push(
      row.kind === "message"
        ? { position, kind: "message", message: row.message ? toMessage(row.message) : undefined, instance }
        : { position, kind: "instance", instance },
    );
  }
  return { ready, heldBack: false };
}

/** Where a stream starts that has nothing to replay: every final row counts as already known. */
export async function feedHead(db: Db): Promise<FeedPosition> {
  const [row] = await db.select({ xid: horizon }).from(sql`(select 1) as now`);
  return { xid: row?.xid ?? "0", id: "0" };
}

export type ResumeCheck = "ok" | "too_far_behind" | "unknown_position";

/**
 * Whether a stream can replay from `after`: a position from a transaction not yet begun (another
 * database, a forged id) is unknown; more than `bound` rows to replay is too far behind.
 */
export async function checkResume(db: Db, scope: FeedScope, after: FeedPosition, bound: number): Promise<ResumeCheck> {
  const userScope = { userId: scope.userId, agentInstanceId: undefined };
  const [row] = await db
    .select({
      xmax: sql<string>`pg_snapshot_xmax(pg_current_snapshot())::text`,
      pending: sql<number>`(select count(*)::int from (select 1 from ${feedEvents} where ${inScope(scope, after)} limit ${bound + 1}) as backlog)`,
      // Pruning keeps each user's newest FEED_ROWS_KEPT rows: a position with that many of the
      // user's rows after it may have lost rows after it, whatever its scope (feed-retention.ts).
      userPending: scope.agentInstanceId
        ? sql<number>`(select count(*)::int from (select 1 from ${feedEvents} where ${inScope(userScope, after)} limit ${FEED_ROWS_KEPT}) as kept)`
        : sql<number>`0`,
    })
    .from(sql`(select 1) as now`);
  if (!row || BigInt(after.xid) >= BigInt(row.xmax)) return "unknown_position";
  return row.pending > bound || row.userPending >= FEED_ROWS_KEPT ? "too_far_behind" : "ok";
}
