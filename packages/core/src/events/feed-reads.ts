import type { AgentInstance, Message } from "@omnara/contracts";
import type { Db } from "@omnara/db";
import { schema } from "@omnara/db";
import { and, asc, eq, inArray, ne, or, type SQL, sql } from "drizzle-orm";
import { instancesSharedWithQuery, markShared, shareMarks } from "../instances/shared-with.ts";
import { toInstance, toMessage } from "../serialize.ts";
import type { FeedPosition } from "./feed.ts";
import { FEED_ROWS_KEPT } from "./feed-retention.ts";

const { agentInstances, agentTypes, feedEvents, messages } = schema;

/**
 * Whose feed: a user's (the user's instances and those shared with the user), or one instance's
 * (then `userId` is the instance's owner, whose rows it has).
 */
export interface FeedScope {
  userId: string;
  agentInstanceId: string | undefined;
}

export type FeedItem =
  | { position: FeedPosition; kind: "message"; message: Message | undefined; instance: AgentInstance }
  | { position: FeedPosition; kind: "instance"; instance: AgentInstance }
  /** The user gained an instance (shown as the user may see it) or lost it (undefined). */
  | { position: FeedPosition; kind: "access"; agentInstanceId: string; instance: AgentInstance | undefined };

export interface FeedPage {
  /** Final rows after the position, in feed order (the message is gone when it was deleted). */
  ready: FeedItem[];
  /** Committed rows wait behind an older transaction still running: read again soon. */
  heldBack: boolean;
}

const horizon = sql<string>`pg_snapshot_xmin(pg_current_snapshot())::text`;
const xidText = sql<string>`${feedEvents.xid}::text`;

/**
 * A user's rows, and the changes of the instances shared with the user (never another
 * recipient's access rows). An instance's stream reads its owner's rows of that instance.
 */
const whose = (db: Db, scope: FeedScope): SQL | undefined =>
  scope.agentInstanceId
    ? and(eq(feedEvents.userId, scope.userId), eq(feedEvents.agentInstanceId, scope.agentInstanceId))
    : or(
        eq(feedEvents.userId, scope.userId),
        and(
          ne(feedEvents.kind, "access"),
          inArray(feedEvents.agentInstanceId, instancesSharedWithQuery(db, scope.userId)),
        ),
      );

const inScope = (db: Db, scope: FeedScope, after: FeedPosition): SQL | undefined =>
  and(
    whose(db, scope),
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
    .where(inScope(db, scope, after))
    .orderBy(asc(feedEvents.xid), asc(feedEvents.id))
    .limit(limit);
  const others = rows.filter((row) => row.instance.userId !== scope.userId).map((row) => row.instance.id);
  const marks = scope.agentInstanceId ? new Map() : await shareMarks(db, scope.userId, [...new Set(others)]);
  const ready: FeedItem[] = [];
  for (const row of rows) {
    // Rows come in xid order, so the final ones are a prefix; the horizon is the statement's.
    if (BigInt(row.xid) >= BigInt(row.horizon)) return { ready, heldBack: true };
    const position = { xid: row.xid, id: String(row.id) };
    const mark = marks.get(row.instance.id);
    const instance = markShared(toInstance(row.instance, row.typeName), mark);
    if (row.kind === "access") {
      // What holds now: a share revoked since is a loss, whichever row announced it.
      const visible = mark !== undefined && row.instance.status !== "DELETED";
      ready.push({
        position,
        kind: "access",
        agentInstanceId: row.instance.id,
        instance: visible ? instance : undefined,
      });
    } else if (row.kind === "message") {
      ready.push({ position, kind: "message", message: row.message ? toMessage(row.message) : undefined, instance });
    } else {
      ready.push({ position, kind: "instance", instance });
    }
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
      pending: sql<number>`(select count(*)::int from (select 1 from ${feedEvents} where ${inScope(db, scope, after)} limit ${bound + 1}) as backlog)`,
      // Pruning keeps each user's newest FEED_ROWS_KEPT rows: a position with that many of the
      // user's rows after it may have lost rows after it, whatever its scope (feed-retention.ts).
      userPending: scope.agentInstanceId
        ? sql<number>`(select count(*)::int from (select 1 from ${feedEvents} where ${inScope(db, userScope, after)} limit ${FEED_ROWS_KEPT}) as kept)`
        : sql<number>`0`,
    })
    .from(sql`(select 1) as now`);
  if (!row || BigInt(after.xid) >= BigInt(row.xmax)) return "unknown_position";
  return row.pending > bound || row.userPending >= FEED_ROWS_KEPT ? "too_far_behind" : "ok";
}
