import type { Bus, BusEvent, Db } from "@omnara/db";
import { sql } from "drizzle-orm";
import type { MessageRow } from "./queries.ts";

export const rowsOf = <T>(result: unknown): T[] =>
  (Array.isArray(result) ? result : ((result as { rows?: T[] }).rows ?? [])) as T[];

interface Row {
  stale: boolean;
  replies: UserMessageJson[] | string | null;
  event: BusEvent | string | null;
}

/** What a read handed the agent, and the instance event it owes the screens when it recorded a delivery. */
export interface Delivered {
  replies: MessageRow[];
  /** Set when this read moved the delivery on (queued → delivered); undefined when it handed out nothing new. */
  event: BusEvent | undefined;
  /** The statement sent `event` itself (NOTIFY at its commit): nothing to publish. */
  notified: boolean;
}

export interface UserMessageJson {
  id: string;
  seq: number;
  sender_user_id: string | null;
  content: string;
  message_metadata: MessageRow["messageMetadata"];
  idempotency_key: string | null;
  created_at: string;
}

const fields = sql.raw(
  ["id", "seq", "sender_user_id", "content", "message_metadata", "idempotency_key", "created_at"]
    .map((column) => `'${column}', p.${column}`)
    .join(", "),
);

/** A user message as a statement hands it back (json_build_object of its columns; not cancelled). */
export const userMessageFromJson = (instanceId: string, json: UserMessageJson): MessageRow => ({
  id: json.id,
  seq: Number(json.seq),
  agentInstanceId: instanceId,
  senderType: "USER",
  senderUserId: json.sender_user_id,
  content: json.content,
  requiresUserInput: false,
  messageMetadata: json.message_metadata,
  idempotencyKey: json.idempotency_key,
  createdAt: new Date(json.created_at),
  cancelledAt: null,
});

/**
 * deliverReplies in ONE statement: the replies after `afterMessageId` and, when there are any,
 * the instance row locked and the last of them recorded as delivered. A waiting agent woken by a
 * reply gets it in one round trip instead of six.
 *
 * Exact for the reason the one-statement writers are: the statement's snapshot predates its row
 * lock, and a cancel (or any writer of the instance's messages) that committed while it waited
 * for the lock changed the row's version. Then it records nothing and answers "stale", and the
 * caller takes the transaction path. No replies: no lock, nothing written.
 *
 * When it records a delivery (only then: a read racing it for the same replies records nothing),
 * it writes the instance's feed row and, on Postgres, sends the instance event in the same
 * statement, so every open screen of the instance learns "delivered" with no round trip of its own.
 */
export async function deliverRepliesInOneStatement(
  db: Db,
  bus: Bus,
  instanceId: string,
  afterMessageId: string,
): Promise<Delivered | "stale"> {
  const id = instanceId;
  const notify = bus.notifyChannel
    ? sql`, (select pg_notify(${bus.notifyChannel}::text, json_build_array(announced.event)::text)::text from announced) as notified`
    : sql``;
  const result = await db.execute(sql`
    with seen as (
      select xmin::text as version from agent_instances where id = ${id}
    ), pending as (
      select m.* from messages m
      where m.agent_instance_id = ${id} and m.sender_type = 'USER' and m.cancelled_at is null
        and m.seq > coalesce((select a.seq from messages a where a.id = ${afterMessageId}), 0)
    ), locked as (
      select i.xmin::text as version from agent_instances i
      where i.id = ${id} and exists (select 1 from pending)
      for update
    ), ok as (
      select locked.version from locked join seen on seen.version = locked.version
    ), last as (
      select p.id, p.seq from pending p, ok order by p.seq desc limit 1
    ), delivered as (
      update agent_instances i set delivered_message_id = last.id
      from last
      where i.id = ${id}
        and coalesce((select m.seq from messages m where m.id = i.last_read_message_id), 0) < last.seq
        and coalesce((select m.seq from messages m where m.id = i.delivered_message_id), 0) < last.seq
      returning i.user_id, i.status
    ), feed as (
      insert into feed_events (user_id, agent_instance_id, kind)
      select delivered.user_id, ${id}::uuid, 'instance'::feed_event_kind from delivered
    ), announced as (
      select json_build_object('type', 'instance', 'userId', delivered.user_id::text, 'agentInstanceId', ${id}::text,
        'status', delivered.status::text) as event
      from delivered
    )
    select exists (select 1 from locked) and not exists (select 1 from ok) as stale,
      (select json_agg(json_build_object(${fields}) order by p.seq) from pending p, ok) as replies,
      (select announced.event from announced) as event${notify}
  `);
  const [row] = rowsOf<Row>(result);
  if (!row || row.stale) return "stale";
  const replies =
    typeof row.replies === "string" ? (JSON.parse(row.replies) as UserMessageJson[]) : (row.replies ?? []);
  const event = typeof row.event === "string" ? (JSON.parse(row.event) as BusEvent) : (row.event ?? undefined);
  return {
    replies: replies.map((json) => userMessageFromJson(id, json)),
    event,
    notified: event !== undefined && bus.notifyChannel !== undefined,
  };
}
