import { instanceStatuses } from "@omnara/contracts";
import type { Db } from "@omnara/db";
import { type SQL, sql } from "drizzle-orm";
import { liveKeyRow, type SignedApiKey } from "../auth/api-keys.ts";
import type { AgentCaller } from "../deps.ts";
import { type InstanceEvent, transitions } from "../instances/status-machine.ts";
import { notificationJobsInsert } from "../notifications/enqueue.ts";
import { eventWebhooksInsert, questionEvent } from "../webhooks/enqueue.ts";
import { rowsOf, type UserMessageJson, userMessageFromJson } from "./one-statement-delivery.ts";
import type { MessageRow } from "./queries.ts";

export interface AgentMessageInput {
  instanceId: string;
  /** Drawn by the caller, so the notification and webhook rows can name it. */
  messageId: string;
  content: string;
  requiresUserInput: boolean;
  metadata: Record<string, unknown> | null;
  idempotencyKey: string | null;
  /** Already normalized; undefined keeps the instance's diff. */
  gitDiff: string | undefined;
  name: string | undefined;
  preview: string;
  sendPush: boolean | undefined;
  sendEmail: boolean | undefined;
  now: Date;
}

export interface StoredAgentMessage {
  messageId: string;
  seq: number;
  statusBefore: string;
  statusAfter: string;
  stepCount: number;
  /** The user messages this message acknowledges (the replies it hands the agent), in order. */
  queued: MessageRow[];
  /** A notification job or a webhook delivery may have been queued with it. */
  queuedJobs: boolean;
}

/** The statuses `event` moves on from (the others refuse it), and the status it moves each to. */
function eventFrom(event: InstanceEvent): { from: SQL; to: SQL } {
  const column = sql`ok.status`;
  const accepted = instanceStatuses.flatMap((from) => {
    const outcome = transitions[from][event];
    return typeof outcome === "string" ? [{ from, to: outcome }] : [];
  });
  const arms = accepted.map(({ from, to }) => sql.raw(`when '${from}' then '${to}'`));
  return {
    from: sql.raw(accepted.map(({ from }) => `'${from}'`).join(", ")),
    to: sql`(case ${column}::text ${sql.join(arms, sql` `)} end)::instance_status`,
  };
}

// The same for every message: built once (building them was 0.6 % of the server's CPU).
const stepFrom = eventFrom("step");
const questionFrom = eventFrom("question");

interface Row {
  /** Null when the step was not taken (the key's row was). */
  message_id: string | null;
  seq: string;
  status_before: string;
  status_after: string;
  step_count: number;
  queued: UserMessageJson[] | string;
  key_kind?: "agent" | "machine";
  key_use_due?: boolean;
}

/** Who sends: a caller whose key was checked, or a signed key whose row the statement requires. */
export type MessageAuthor = { caller: AgentCaller } | { key: SignedApiKey };

/** What the statement found of a signed key's row: it allows the call; its last use may be due. */
export interface LiveKey {
  kind: "agent" | "machine";
  useDue: boolean;
}

const queuedFields = sql.raw(
  ["id", "seq", "sender_user_id", "content", "message_metadata", "idempotency_key", "created_at"]
    .map((column) => `'${column}', queued.${column}`)
    .join(", "),
);

/**
 * An agent message (a step or a question) to an existing instance, stored in ONE statement
 * outside any explicit transaction: lock, insert, the replies it acknowledges, the status and
 * counters, its notification jobs and webhook deliveries, the feed rows. One round trip instead
 * of eleven.
 *
 * Why it is exact: the statement's snapshot is taken before it waits for the row lock, so a reply
 * committed while it waited would be invisible to its read of queued replies, and marking the
 * cursor past it would lose it. Every writer of an instance's messages updates the instance row
 * under that lock, so such a reply always changes the row's version (xmin): the statement compares
 * the version it locked with the one its snapshot saw and does nothing at all when they differ.
 * It returns undefined then, and for every case it does not take (no such instance, another
 * user's, deleted, a status the event refuses, an interrupt waiting to be handed to the agent, a
 * repeated idempotency key): the caller runs the transaction path, which decides those exactly as
 * before.
 *
 * From a signed key (its row not read yet), the statement also requires the key's row to allow the
 * call (liveKeyRow), read in the same snapshot: a revocation committed before the call began is
 * seen, as the separate read it replaces saw it. No live row: nothing is locked or written.
 */
export async function storeAgentMessageInOneStatement(
  db: Db,
  author: MessageAuthor,
  message: AgentMessageInput,
): Promise<{ stored: StoredAgentMessage | undefined; liveKey: LiveKey | undefined }> {
  const id = message.instanceId;
  const userId = "caller" in author ? author.caller.userId : author.key.userId;
  // A signed key's row must allow the call, or the statement locks and writes nothing: it answers
  // a row either way when the key's row is there, so the caller learns the key holds (and need
  // not read it again) even when the step takes the transaction path.
  const key = "key" in author ? liveKeyRow(author.key, message.now) : undefined;
  const now = message.now.toISOString();
  const metadata = message.metadata === null ? null : JSON.stringify(message.metadata);
  const question = message.requiresUserInput;
  const event = question ? questionFrom : stepFrom;
  const jobs = notificationJobsInsert(
    {
      kind: "agent_message",
      userId: userId,
      agentInstanceId: id,
      messageId: message.messageId,
      content: message.content,
      requiresUserInput: question,
      sendPush: message.sendPush,
      sendEmail: message.sendEmail,
    },
    message.now,
    sql`inserted`,
  );
  const hooks = question
    ? eventWebhooksInsert(
        questionEvent(userId, { id: message.messageId, agentInstanceId: id, content: message.content }),
        message.now,
        sql`inserted`,
      )
    : undefined;
  const result = await db.execute(sql`
    with ${key ? sql`key as (${key}), ` : sql``}seen as (
      select xmin::text as version from agent_instances where id = ${id}
    ), locked as (
      select i.xmin::text as version, i.status, i.last_read_message_id, i.delivered_message_id
      from agent_instances i
      where i.id = ${id} and i.user_id = ${userId} and i.status in (${event.from})
        and i.interrupt_requested_at is null${key ? sql` and exists (select 1 from key)` : sql``}
      for update
    ), ok as (
      select locked.* from locked join seen on seen.version = locked.version
    ), inserted as (
      insert into messages (id, agent_instance_id, sender_type, content, requires_user_input, message_metadata, idempotency_key, created_at)
      select ${message.messageId}::uuid, ${id}::uuid, 'AGENT'::sender_type, ${message.content}::text, ${question}::boolean,
        ${metadata}::jsonb, ${message.idempotencyKey}::text, ${now}::timestamptz from ok
      on conflict (agent_instance_id, idempotency_key) where idempotency_key is not null do nothing
      returning id, seq
    ), queued as (
      select m.* from messages m, ok, inserted
      where m.agent_instance_id = ${id} and m.sender_type = 'USER' and m.seq < inserted.seq and m.cancelled_at is null
        and m.seq > coalesce((select c.seq from messages c where c.id = coalesce(ok.delivered_message_id, ok.last_read_message_id)), 0)
    ), updated as (
      update agent_instances i set
        status = ${event.to},
        last_heartbeat_at = ${now}::timestamptz,
        last_read_message_id = inserted.id,
        delivered_message_id = null,
        latest_message = ${message.preview}::text,
        latest_message_at = ${now}::timestamptz,
        chat_length = i.chat_length + 1,
        step_count = i.step_count + ${question ? 0 : 1},
        git_diff = ${message.gitDiff === undefined ? sql`i.git_diff` : sql`${message.gitDiff}::text`},
        name = case when coalesce(i.name, '') = '' and coalesce(${message.name ?? null}::text, '') <> '' then ${message.name ?? null}::text else i.name end
      from ok, inserted
      where i.id = ${id}
      returning i.status, i.step_count
    ), feed as (
      insert into feed_events (user_id, agent_instance_id, kind, message_id)
      select ${userId}::uuid, ${id}::uuid, 'message'::feed_event_kind, inserted.id from inserted
      union all
      select ${userId}::uuid, ${id}::uuid, 'instance'::feed_event_kind, null::uuid from updated, ok where updated.status <> ok.status
    )${jobs ? sql`, jobs as (${jobs})` : sql``}${hooks ? sql`, hooks as (${hooks})` : sql``}, step as (
      select inserted.id::text as message_id, inserted.seq::text as seq, ok.status::text as status_before,
        updated.status::text as status_after, updated.step_count::int as step_count,
        coalesce((select json_agg(json_build_object(${queuedFields}) order by queued.seq) from queued), '[]'::json) as queued
      from inserted, ok, updated
    )
    ${key ? sql`select key.*, step.* from key left join step on true` : sql`select * from step`}
  `);
  const [row] = rowsOf<Row>(result);
  const liveKey = row?.key_kind ? { kind: row.key_kind, useDue: row.key_use_due === true } : undefined;
  const messageId = row?.message_id;
  const queuedJobs = jobs !== undefined || hooks !== undefined;
  return { stored: row && messageId ? storedOf(id, messageId, row, queuedJobs) : undefined, liveKey };
}

function storedOf(id: string, messageId: string, row: Row, queuedJobs: boolean): StoredAgentMessage {
  return {
    messageId,
    seq: Number(row.seq),
    statusBefore: row.status_before,
    statusAfter: row.status_after,
    stepCount: row.step_count,
    queued: (typeof row.queued === "string" ? (JSON.parse(row.queued) as UserMessageJson[]) : row.queued).map((json) =>
      userMessageFromJson(id, json),
    ),
    queuedJobs,
  };
}
