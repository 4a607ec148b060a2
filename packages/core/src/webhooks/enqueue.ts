import { randomUUID } from "node:crypto";
import type { WebhookEvent } from "@omnara/contracts";
import { type Db, schema } from "@omnara/db";
import { and, desc, eq, sql } from "drizzle-orm";

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
