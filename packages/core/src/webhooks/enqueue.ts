import { randomUUID } from "node:crypto";
import type { WebhookEvent } from "@omnara/contracts";
import { type Db, schema } from "@omnara/db";
import { and, desc, eq, type SQL, sql } from "drizzle-orm";

const { webhookDeliveries: deliveries, webhookEndpoints: endpoints, messages } = schema;

/** Python's `datetime.now(timezone.utc).isoformat()`, as Omnara v1 wrote `timestamp`. */
export const pythonIsoFormat = (at: Date): string => `${at.toISOString().slice(0, 23)}000+00:00`;

/**
 * Omnara v1's n8n "Send and Wait" resume: a user message answers the instance's latest question
 * whose `message_metadata.webhook_url` is set; that URL gets v1's body and `X-Omnara-Webhook:
 * true`, once per question (a unique key, so two replies racing queue one call), from the queue.
 * https://github.com/omnara-ai/omnara/blob/500a82ad/src/servers/shared/db/queries.py#L490
 */
export async function enqueueResumeWebhook(
  tx: Db,
  reply: { userId: string; replierId: string; agentInstanceId: string; messageId: string; content: string },
  now: Date,
): Promise<void> {
  const [question] = await tx
    .select({ id: messages.id, metadata: messages.messageMetadata })
    .from(messages)
    .where(
      and(
        eq(messages.agentInstanceId, reply.agentInstanceId),
        eq(messages.senderType, "AGENT"),
        eq(messages.requiresUserInput, true),
      ),
    )
    .orderBy(desc(messages.seq))
    .limit(1);
  const url = question?.metadata?.["webhook_url"];
  if (!question || typeof url !== "string" || url === "" || question.metadata?.["webhook_triggered"] === true) return;
  const body = {
    user_message: reply.content,
    user_id: reply.replierId,
    message_id: reply.messageId,
    agent_instance_id: reply.agentInstanceId,
    timestamp: pythonIsoFormat(now),
  };
  // Announced by the reply's bus event after commit, which wakes the dispatchers.
  await tx
    .insert(deliveries)
    .values({
      userId: reply.userId,
      event: "n8n_resume",
      url: url.slice(0, 2048),
      body: JSON.stringify(body),
      headers: { "X-Omnara-Webhook": "true" },
      agentInstanceId: reply.agentInstanceId,
      questionMessageId: question.id,
      dedupeKey: `n8n_resume:${question.id}`,
      nextAttemptAt: now,
      createdAt: now,
    })
    .onConflictDoNothing();
}

export interface EventCause {
  userId: string;
  agentInstanceId: string;
  event: WebhookEvent;
  /** Makes the event once per endpoint however often the write is retried. */
  key: string;
  data: Record<string, unknown>;
}

/** The event body of our own webhooks: one envelope, `data` per event (see the README). */
export const eventBody = (
  id: string,
  event: string,
  at: Date,
  owner: { userId: string; agentInstanceId: string | null },
  data: Record<string, unknown>,
) =>
  JSON.stringify({
    id,
    event,
    created_at: at.toISOString(),
    user_id: owner.userId,
    agent_instance_id: owner.agentInstanceId,
    data,
  });

/** Queues the event to every enabled endpoint of the user that subscribes to it, in the writer's transaction. */
export async function enqueueEventWebhooks(tx: Db, cause: EventCause, now: Date): Promise<void> {
  const targets = await tx
    .select({ id: endpoints.id, url: endpoints.url })
    .from(endpoints)
    .where(
      and(
        eq(endpoints.userId, cause.userId),
        eq(endpoints.enabled, true),
        sql`${endpoints.events} @> ${JSON.stringify([cause.event])}::jsonb`,
      ),
    );
  if (targets.length === 0) return;
  const rows = targets.map((target) => {
    const id = randomUUID();
    return {
      id,
      userId: cause.userId,
      endpointId: target.id,
      event: cause.event,
      url: target.url,
      body: eventBody(id, cause.event, now, cause, cause.data),
      headers: {},
      agentInstanceId: cause.agentInstanceId,
      dedupeKey: `${cause.event}:${cause.key}:${target.id}`,
      nextAttemptAt: now,
      createdAt: now,
    };
  });
  await tx.insert(deliveries).values(rows).onConflictDoNothing();
}

/** question_asked for a message that is (now) a question. */
export const questionEvent = (
  userId: string,
  message: { id: string; agentInstanceId: string; content: string },
): EventCause => ({
  userId,
  agentInstanceId: message.agentInstanceId,
  event: "question_asked",
  key: message.id,
  data: { message_id: message.id, content: message.content },
});

/** Stands for the delivery's own id in a body made before the id is. */
const ID_MARK = "00000000-0000-4000-8000-0000000000id";

/**
 * enqueueEventWebhooks as one INSERT for a data-modifying CTE of a writer's single statement: the
 * same endpoints, bodies and keys, each delivery's id drawn in SQL and written into its body, with
 * rows only when `gate` (the name of a CTE of that statement) has a row.
 */
export function eventWebhooksInsert(cause: EventCause, now: Date, gate: SQL): SQL {
  const body = eventBody(ID_MARK, cause.event, now, cause, cause.data);
  // The id is the body's first field, so its first mark is the id whatever the data holds.
  const at = body.indexOf(ID_MARK);
  const head = body.slice(0, at);
  const tail = body.slice(at + ID_MARK.length);
  const iso = now.toISOString();
  return sql`insert into webhook_deliveries (id, user_id, endpoint_id, event, url, body, headers, agent_instance_id, dedupe_key, next_attempt_at, created_at)
    select t.id, ${cause.userId}::uuid, t.endpoint_id, ${cause.event}::webhook_delivery_event, t.url,
      ${head}::text || t.id::text || ${tail}::text, '{}'::jsonb, ${cause.agentInstanceId}::uuid,
      ${`${cause.event}:${cause.key}:`}::text || t.endpoint_id::text, ${iso}::timestamptz, ${iso}::timestamptz
    from (
      select gen_random_uuid() as id, e.id as endpoint_id, e.url from webhook_endpoints e, ${gate}
      where e.user_id = ${cause.userId}::uuid and e.enabled and e.events @> ${JSON.stringify([cause.event])}::jsonb
    ) t
    on conflict do nothing`;
}

/**
 * enqueueResumeWebhook as one INSERT for a data-modifying CTE of a reply's single statement: the
 * instance's latest question, if its metadata names a webhook_url not yet triggered. It reads the
 * statement's snapshot, so the statement must know no message was stored after it (the caller's
 * version check).
 */
export function resumeWebhookInsert(
  reply: { userId: string; replierId: string; agentInstanceId: string; messageId: string; content: string },
  now: Date,
  gate: SQL,
): SQL {
  const body = JSON.stringify({
    user_message: reply.content,
    user_id: reply.replierId,
    message_id: reply.messageId,
    agent_instance_id: reply.agentInstanceId,
    timestamp: pythonIsoFormat(now),
  });
  const iso = now.toISOString();
  return sql`insert into webhook_deliveries (user_id, event, url, body, headers, agent_instance_id, question_message_id, dedupe_key, next_attempt_at, created_at)
    select ${reply.userId}::uuid, 'n8n_resume'::webhook_delivery_event, left(q.message_metadata->>'webhook_url', 2048), ${body}::text,
      ${JSON.stringify({ "X-Omnara-Webhook": "true" })}::jsonb, ${reply.agentInstanceId}::uuid, q.id, 'n8n_resume:' || q.id::text,
      ${iso}::timestamptz, ${iso}::timestamptz
    from ${gate}, (
      select m.id, m.message_metadata from messages m
      where m.agent_instance_id = ${reply.agentInstanceId}::uuid and m.sender_type = 'AGENT' and m.requires_user_input
      order by m.seq desc limit 1
    ) q
    where jsonb_typeof(q.message_metadata->'webhook_url') = 'string' and q.message_metadata->>'webhook_url' <> ''
      and (q.message_metadata->'webhook_triggered') is distinct from 'true'::jsonb
    on conflict do nothing`;
}
