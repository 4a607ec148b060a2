import type { Db } from "@omnara/db";
import { type SQL, sql } from "drizzle-orm";
import type { AgentCaller } from "../deps.ts";
import { transitions } from "../instances/status-machine.ts";

export interface StepInput {
  instanceId: string;
  content: string;
  metadata: Record<string, unknown> | null;
  idempotencyKey: string | null;
  /** Already normalized; undefined keeps the instance's diff. */
  gitDiff: string | undefined;
  name: string | undefined;
  preview: string;
  now: Date;
}

export interface StoredStep {
  messageId: string;
  seq: number;
  statusBefore: string;
  statusAfter: string;
  stepCount: number;
  /** Ids of the user messages this step acknowledges (the replies it hands the agent). */
  queuedIds: string[];
}

/** The status machine's "step" column as a SQL CASE, written from the table, never by hand. */
const stepStatus = (column: SQL): SQL => {
  const arms = Object.entries(transitions).flatMap(([from, outcomes]) =>
    typeof outcomes.step === "string" ? [sql.raw(`when '${from}' then '${outcomes.step}'`)] : [],
  );
  return sql`(case ${column}::text ${sql.join(arms, sql` `)} end)::instance_status`;
};

interface Row {
  message_id: string;
  seq: string;
  status_before: string;
  status_after: string;
  step_count: number;
  queued: string[] | string;
}

const rowsOf = <T>(result: unknown): T[] =>
  (Array.isArray(result) ? result : ((result as { rows?: T[] }).rows ?? [])) as T[];

/**
 * A plain step (no question, no notification flag) to an existing instance, stored in ONE
 * statement outside any explicit transaction: lock, insert, the replies it acknowledges, the
 * status and counters, the feed row. One round trip instead of eight.
 *
 * Why it is exact: the statement's snapshot is taken before it waits for the row lock, so a reply
 * committed while it waited would be invisible to its read of queued replies, and marking the
 * cursor past it would lose it. Every writer of an instance's messages updates the instance row
 * under that lock, so such a reply always changes the row's version (xmin): the statement compares
 * the version it locked with the one its snapshot saw and does nothing at all when they differ.
 * It returns undefined then, and for every case it does not take (no such instance, another
 * user's, deleted, an interrupt waiting to be handed to the agent, a repeated idempotency key): the caller runs the transaction path, which
 * decides those exactly as before.
 */
export async function storeStepInOneStatement(
  db: Db,
  caller: AgentCaller,
  step: StepInput,
): Promise<StoredStep | undefined> {
  const id = step.instanceId;
  const now = step.now.toISOString();
  const metadata = step.metadata === null ? null : JSON.stringify(step.metadata);
  const result = await db.execute(sql`
    with seen as (
      select xmin::text as version from agent_instances where id = ${id}
    ), locked as (
      select i.xmin::text as version, i.status, i.last_read_message_id, i.delivered_message_id
      from agent_instances i
      where i.id = ${id} and i.user_id = ${caller.userId} and i.status <> 'DELETED'
        and i.interrupt_requested_at is null
      for update
    ), ok as (
      select locked.* from locked join seen on seen.version = locked.version
    ), inserted as (
      insert into messages (agent_instance_id, sender_type, content, requires_user_input, message_metadata, idempotency_key, created_at)
      select ${id}::uuid, 'AGENT'::sender_type, ${step.content}::text, false, ${metadata}::jsonb, ${step.idempotencyKey}::text, ${now}::timestamptz from ok
      on conflict (agent_instance_id, idempotency_key) where idempotency_key is not null do nothing
      returning id, seq
    ), queued as (
      select m.id, m.seq from messages m, ok, inserted
      where m.agent_instance_id = ${id} and m.sender_type = 'USER' and m.seq < inserted.seq and m.cancelled_at is null
        and m.seq > coalesce((select c.seq from messages c where c.id = coalesce(ok.delivered_message_id, ok.last_read_message_id)), 0)
    ), updated as (
      update agent_instances i set
        status = ${stepStatus(sql`ok.status`)},
        last_heartbeat_at = ${now}::timestamptz,
        last_read_message_id = inserted.id,
        delivered_message_id = null,
        latest_message = ${step.preview}::text,
        latest_message_at = ${now}::timestamptz,
        chat_length = i.chat_length + 1,
        step_count = i.step_count + 1,
        git_diff = ${step.gitDiff === undefined ? sql`i.git_diff` : sql`${step.gitDiff}::text`},
        name = case when coalesce(i.name, '') = '' and coalesce(${step.name ?? null}::text, '') <> '' then ${step.name ?? null}::text else i.name end
      from ok, inserted
      where i.id = ${id}
      returning i.status, i.step_count
    ), feed as (
      insert into feed_events (user_id, agent_instance_id, kind, message_id)
      select ${caller.userId}::uuid, ${id}::uuid, 'message'::feed_event_kind, inserted.id from inserted
      union all
      select ${caller.userId}::uuid, ${id}::uuid, 'instance'::feed_event_kind, null::uuid from updated, ok where updated.status <> ok.status
    )
    select inserted.id::text as message_id, inserted.seq::text as seq, ok.status::text as status_before,
      updated.status::text as status_after, updated.step_count::int as step_count,
      coalesce((select json_agg(queued.id::text order by queued.seq) from queued), '[]'::json) as queued
    from inserted, ok, updated
  `);
  const [row] = rowsOf<Row>(result);
  if (!row) return undefined;
  return {
    messageId: row.message_id,
    seq: Number(row.seq),
    statusBefore: row.status_before,
    statusAfter: row.status_after,
    stepCount: row.step_count,
    queuedIds: typeof row.queued === "string" ? (JSON.parse(row.queued) as string[]) : row.queued,
  };
}
