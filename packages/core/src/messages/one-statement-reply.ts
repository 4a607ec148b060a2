import { instanceStatuses } from "@omnara/contracts";
import type { Bus, BusEvent, Db } from "@omnara/db";
import { type SQL, sql } from "drizzle-orm";
import { type AuditRecord, auditRow } from "../audit/audit.ts";
import { transitions } from "../instances/status-machine.ts";
import { eventWebhooksInsert, resumeWebhookInsert } from "../webhooks/enqueue.ts";
import { rowsOf } from "./one-statement-delivery.ts";

export interface ReplyInput {
  /** Who replies (the owner, or a WRITE share's recipient). */
  actorId: string;
  ownerId: string;
  instanceId: string;
  /** Drawn by the caller, so the webhook bodies and the audit can name it. */
  messageId: string;
  content: string;
  preview: string;
  idempotencyKey: string | null;
  questionId: string | null;
  markAsRead: boolean;
  /** A decision taken on the dashboard or phone is audited; mirrored terminal text is not. */
  audit: AuditRecord | undefined;
  now: Date;
}

export interface StoredReply {
  seq: number;
  statusBefore: string;
  statusAfter: string;
  /** The events were sent by the statement itself (NOTIFY at its commit): nothing to publish. */
  notified: boolean;
  /** A webhook delivery was queued with it (the dispatchers need waking). */
  queuedJobs: boolean;
}

/** The status machine's "userReply" column as a SQL CASE, written from the table. */
const replyStatus = (column: SQL): SQL => {
  const arms = instanceStatuses.flatMap((from) => {
    const to = transitions[from].userReply;
    return typeof to === "string" ? [sql.raw(`when '${from}' then '${to}'`)] : [];
  });
  return sql`(case ${column}::text ${sql.join(arms, sql` `)} end)::instance_status`;
};

interface Row {
  seq: string;
  status_before: string;
  status_after: string;
  queued_jobs: boolean;
}

/**
 * A user message to an existing instance stored in ONE statement: lock, the open-question check,
 * insert, the n8n resume and event webhooks, the status and counters, the feed rows, the audit,
 * and on Postgres the NOTIFY that wakes the waiting agent (sent at the statement's commit: no
 * round trip and no commit flush of its own). One round trip instead of eleven.
 *
 * Exact for the same reason as the agent's one-statement message: its snapshot predates its row
 * lock, so it compares the row version it locked with the one its snapshot saw and does nothing
 * when another writer committed in between. It returns undefined then, and for every case it does
 * not take (no such instance, deleted, a question that is not open, a repeated idempotency key):
 * the caller runs the transaction path, which decides (and refuses) those as before.
 */
export async function storeReplyInOneStatement(
  db: Db,
  bus: Bus,
  reply: ReplyInput,
  messageEvent: BusEvent,
): Promise<StoredReply | undefined> {
  const id = reply.instanceId;
  const now = reply.now.toISOString();
  const cause = { userId: reply.ownerId, agentInstanceId: id, messageId: reply.messageId, content: reply.content };
  const resume = resumeWebhookInsert({ ...cause, replierId: reply.actorId }, reply.now, sql`inserted`);
  const hooks = eventWebhooksInsert(
    {
      ...cause,
      event: "user_reply",
      key: reply.messageId,
      data: {
        message_id: reply.messageId,
        content: reply.content,
        question_id: reply.questionId,
        sender_user_id: reply.actorId,
      },
    },
    reply.now,
    sql`inserted`,
  );
  // The open-question rule of assertQuestionOpen, as a condition: when it fails, the transaction
  // path says why.
  const questionOpen = reply.questionId
    ? sql`and exists (
        select 1 from messages q
        where q.id = ${reply.questionId}::uuid and q.agent_instance_id = ${id}::uuid and q.sender_type = 'AGENT' and q.requires_user_input
          and not exists (select 1 from messages n where n.agent_instance_id = ${id}::uuid and n.seq > q.seq)
      )`
    : sql``;
  const audit = reply.audit ? auditRow(reply.audit) : undefined;
  // The events the transaction path publishes after commit: the message, and the status if it moved.
  // The message's says when the reply queued no webhook delivery, so the notification
  // dispatchers, woken by the same NOTIFY as the waiting agent, stay asleep (most replies).
  const stored = sql`(${JSON.stringify(messageEvent)}::jsonb || case when (select queued from jobs) then '{}'::jsonb
    else '{"queuedJobs": false}'::jsonb end)::json`;
  const moved = sql`json_build_object('type', 'instance', 'userId', ${reply.ownerId}::text, 'agentInstanceId', ${id}::text, 'status', updated.status::text)`;
  const notify = bus.notifyChannel
    ? sql`, pg_notify(${bus.notifyChannel}::text, (case when updated.status <> ok.status
          then json_build_array(${stored}, ${moved}) else json_build_array(${stored}) end)::text)::text as notified`
    : sql``;
  const result = await db.execute(sql`
    with seen as (
      select xmin::text as version from agent_instances where id = ${id}
    ), locked as (
      select i.xmin::text as version, i.status from agent_instances i
      where i.id = ${id} and i.user_id = ${reply.ownerId} and i.status <> 'DELETED'
      for update
    ), ok as (
      select locked.* from locked join seen on seen.version = locked.version
      where true ${questionOpen}
    ), inserted as (
      insert into messages (id, agent_instance_id, sender_type, sender_user_id, content, idempotency_key, created_at)
      select ${reply.messageId}::uuid, ${id}::uuid, 'USER'::sender_type, ${reply.actorId}::uuid, ${reply.content}::text,
        ${reply.idempotencyKey}::text, ${now}::timestamptz from ok
      on conflict (agent_instance_id, idempotency_key) where idempotency_key is not null do nothing
      returning id, seq
    ), resume as (${resume} returning 1), hooks as (${hooks} returning 1), jobs as (
      select exists (select 1 from resume) or exists (select 1 from hooks) as queued
    ), updated as (
      update agent_instances i set
        status = ${replyStatus(sql`ok.status`)},
        latest_message = ${reply.preview}::text,
        latest_message_at = ${now}::timestamptz,
        chat_length = i.chat_length + 1
        ${reply.markAsRead ? sql`, last_read_message_id = inserted.id, delivered_message_id = null` : sql``}
      from ok, inserted
      where i.id = ${id}
      returning i.status
    ), feed as (
      insert into feed_events (user_id, agent_instance_id, kind, message_id)
      select ${reply.ownerId}::uuid, ${id}::uuid, 'instance'::feed_event_kind, null::uuid from updated, ok where updated.status <> ok.status
      union all
      select ${reply.ownerId}::uuid, ${id}::uuid, 'message'::feed_event_kind, inserted.id from inserted
    )${
      audit
        ? sql`, audit as (
      insert into audit_events (owner_id, actor_id, action, target_type, target_id, detail, user_agent, client_address, created_at)
      select ${audit.ownerId}::uuid, ${audit.actorId}::uuid, ${audit.action}::text, ${audit.targetType}::text, ${audit.targetId}::text,
        ${audit.detail === null ? null : JSON.stringify(audit.detail)}::jsonb, ${audit.userAgent}::text, ${audit.clientAddress}::text,
        ${audit.createdAt.toISOString()}::timestamptz
      from inserted
    )`
        : sql``
    }
    select inserted.seq::text as seq, ok.status::text as status_before, updated.status::text as status_after,
      jobs.queued as queued_jobs${notify}
    from inserted, ok, updated, jobs
  `);
  const [row] = rowsOf<Row>(result);
  if (!row) return undefined;
  return {
    seq: Number(row.seq),
    statusBefore: row.status_before,
    statusAfter: row.status_after,
    notified: bus.notifyChannel !== undefined,
    queuedJobs: row.queued_jobs,
  };
}
