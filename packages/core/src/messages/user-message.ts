import { randomUUID } from "node:crypto";
import type { agentOperations, Message, OperationArgs, OperationOutput, userOperations } from "@omnara/contracts";
import { type BusEvent, isConnectionError, schema } from "@omnara/db";
import { and, eq, sql } from "drizzle-orm";
import { type AuditRecord, auditExcerpt, recordAudit } from "../audit/audit.ts";
import type { AgentCaller, Caller, CoreDeps } from "../deps.ts";
import { recordFeed } from "../events/feed.ts";
import { type InstanceAccess, ownerAccess } from "../instances/instance-access.ts";
import { loadOwnedInstance } from "../instances/owned-instance.ts";
import { applyInstanceEvent } from "../instances/status-machine.ts";
import { toMessage } from "../serialize.ts";
import { enqueueEventWebhooks, enqueueResumeWebhook } from "../webhooks/enqueue.ts";
import { storeReplyInOneStatement } from "./one-statement-reply.ts";
import { assertQuestionOpen } from "./open-question.ts";
import type { MessageRow } from "./queries.ts";
import { preview } from "./send-message.ts";

const { agentInstances, messages } = schema;

const messageEvent = (access: InstanceAccess, message: MessageRow): Extract<BusEvent, { type: "message" }> => ({
  type: "message",
  userId: access.ownerId,
  agentInstanceId: message.agentInstanceId,
  messageId: message.id,
  senderType: "USER",
  requiresUserInput: false,
});

const replyAudit = (
  access: InstanceAccess,
  messageId: string,
  questionId: string | undefined,
  content: string,
  at: Date,
): AuditRecord => ({
  actor: access,
  ownerId: access.ownerId,
  action: questionId ? "question.answer" : "message.reply",
  target: { type: "instance", id: access.instanceId },
  detail: { message_id: messageId, question_id: questionId ?? null, content: auditExcerpt(content) },
  at,
});

/**
 * Stores a USER message; one rule for dashboard replies and for text mirrored from a terminal.
 * The sender is the actor (the owner, or a WRITE share's recipient); the rows are the owner's.
 */
async function storeUserMessage(
  deps: CoreDeps,
  access: InstanceAccess,
  content: string,
  options: {
    markAsRead: boolean;
    idempotencyKey: string | undefined;
    questionId?: string | undefined;
    /** A decision taken on the dashboard or phone (not text mirrored from a terminal). */
    audited?: boolean;
  },
): Promise<Message> {
  const { markAsRead, idempotencyKey, questionId } = options;
  const fast = await storeInOneStatement(deps, access, content, options);
  if (fast) return fast;
  const events: BusEvent[] = [];
  const message = await deps.db.transaction(async (tx) => {
    const instance = await loadOwnedInstance(tx, access.ownerId, access.instanceId, { forUpdate: true });
    if (idempotencyKey) {
      const [earlier] = await tx
        .select()
        .from(messages)
        .where(and(eq(messages.agentInstanceId, instance.id), eq(messages.idempotencyKey, idempotencyKey)));
      if (earlier) {
        // Published again: the first try's event may be the one that was lost.
        events.push(messageEvent(access, earlier));
        return earlier;
      }
    }
    if (questionId) await assertQuestionOpen(tx, instance.id, questionId);
    const now = deps.now();
    const [row] = await tx
      .insert(messages)
      .values({
        agentInstanceId: instance.id,
        senderType: "USER",
        senderUserId: access.userId,
        content,
        idempotencyKey: idempotencyKey ?? null,
        createdAt: now,
      })
      .returning();
    if (!row) throw new Error("insert returned no message");
    // The owner's webhooks and signing secret; v1's user_id is who replied.
    const reply = { userId: access.ownerId, agentInstanceId: instance.id, messageId: row.id, content };
    await enqueueResumeWebhook(tx, { ...reply, replierId: access.userId }, now);
    await enqueueEventWebhooks(
      tx,
      {
        ...reply,
        event: "user_reply",
        key: row.id,
        data: { message_id: row.id, content, question_id: questionId ?? null, sender_user_id: access.userId },
      },
      now,
    );
    const applied = await applyInstanceEvent(tx, { userId: access.ownerId, instanceId: instance.id }, "userReply", {
      locked: instance,
      patch: () => ({
        latestMessage: preview(content),
        latestMessageAt: now,
        chatLength: sql`${agentInstances.chatLength} + 1`,
        ...(markAsRead ? { lastReadMessageId: row.id, deliveredMessageId: null } : {}),
      }),
    });
    await recordFeed(tx, [messageEvent(access, row)]);
    if (options.audited) {
      await recordAudit(tx, replyAudit(access, row.id, questionId, content, now));
    }
    events.push(messageEvent(access, row), ...applied.events);
    return row;
  });
  await deps.bus.publish(events);
  return toMessage(message);
}

type StoreOptions = Parameters<typeof storeUserMessage>[3];

/** storeUserMessage's usual case (an existing instance, nothing repeated) in one statement. */
async function storeInOneStatement(
  deps: CoreDeps,
  access: InstanceAccess,
  content: string,
  options: StoreOptions,
): Promise<Message | undefined> {
  const now = deps.now();
  const row: MessageRow = {
    id: randomUUID(),
    seq: 0,
    agentInstanceId: access.instanceId,
    senderType: "USER",
    senderUserId: access.userId,
    content,
    requiresUserInput: false,
    messageMetadata: null,
    idempotencyKey: options.idempotencyKey ?? null,
    createdAt: now,
    cancelledAt: null,
  };
  const event = messageEvent(access, row);
  const stored = await storeReplyInOneStatement(
    deps.db,
    deps.bus,
    {
      actorId: access.userId,
      ownerId: access.ownerId,
      instanceId: access.instanceId,
      messageId: row.id,
      content,
      preview: preview(content),
      idempotencyKey: row.idempotencyKey,
      questionId: options.questionId ?? null,
      markAsRead: options.markAsRead,
      audit: options.audited ? replyAudit(access, row.id, options.questionId, content, now) : undefined,
      now,
    },
    event,
  ).catch((error: unknown) => {
    // It rolled back: nothing is stored. Its NOTIFY failing (a full queue) must not refuse the
    // reply, so anything but a lost connection takes the transaction path, which publishes after
    // commit (a failed NOTIFY there is delivered here at once and retried for the others).
    if (isConnectionError(error)) throw error;
    return undefined;
  });
  if (!stored) return undefined;
  if (!stored.notified) {
    const moved = stored.statusAfter !== stored.statusBefore;
    await deps.bus.publish([
      stored.queuedJobs ? event : { ...event, queuedJobs: false },
      ...(moved
        ? [
            {
              type: "instance" as const,
              userId: access.ownerId,
              agentInstanceId: access.instanceId,
              status: stored.statusAfter,
            },
          ]
        : []),
    ]);
  }
  return toMessage({ ...row, seq: stored.seq });
}

/** The user's reply from the dashboard or phone; the agent's cursor is left for the agent. */
export const reply = (
  deps: CoreDeps,
  access: InstanceAccess,
  input: OperationArgs<typeof userOperations.reply>,
): Promise<Message> =>
  storeUserMessage(deps, access, input.content, {
    markAsRead: false,
    idempotencyKey: input.idempotency_key,
    questionId: input.question_id,
    audited: true,
  });

/**
 * The reply of a caller who owns the instance, in its one statement with no access check before
 * it: the statement stores it only on an instance of `caller`'s (its lock reads `user_id`), so for
 * anyone else, a deleted or missing instance, a question no longer open or a repeated key it
 * stores nothing and this returns undefined; the caller then checks access as for any operation
 * (NOT_FOUND for strangers, FORBIDDEN for a READ share) and calls `reply`, which decides those.
 * Saves the owner's reply (nearly every reply) the access check's round trip.
 */
export async function replyAsOwner(
  deps: CoreDeps,
  caller: Caller,
  input: OperationArgs<typeof userOperations.reply>,
): Promise<Message | undefined> {
  const access: InstanceAccess = { ...ownerAccess(caller, input.agent_instance_id), device: caller.device };
  return storeInOneStatement(deps, access, input.content, {
    markAsRead: false,
    idempotencyKey: input.idempotency_key,
    questionId: input.question_id,
    audited: true,
  });
}

/** Text the user typed at the agent's terminal, mirrored by the agent. */
export async function sendUserMessage(
  deps: CoreDeps,
  caller: AgentCaller,
  input: OperationArgs<typeof agentOperations.sendUserMessage>,
): Promise<OperationOutput<typeof agentOperations.sendUserMessage>> {
  const message = await storeUserMessage(deps, ownerAccess(caller, input.agent_instance_id), input.content, {
    markAsRead: input.mark_as_read,
    idempotencyKey: input.idempotency_key,
  });
  return { success: true, message_id: message.id, marked_as_read: input.mark_as_read };
}
