import type { agentOperations, Message, OperationArgs, OperationOutput, userOperations } from "@omnara/contracts";
import type { BusEvent } from "@omnara/db";
import { schema } from "@omnara/db";
import { and, eq, sql } from "drizzle-orm";
import { auditExcerpt, recordAudit } from "../audit/audit.ts";
import type { AgentCaller, CoreDeps } from "../deps.ts";
import { recordFeed } from "../events/feed.ts";
import { type InstanceAccess, ownerAccess } from "../instances/instance-access.ts";
import { loadOwnedInstance } from "../instances/owned-instance.ts";
import { applyInstanceEvent } from "../instances/status-machine.ts";
import { toMessage } from "../serialize.ts";
import { enqueueEventWebhooks, enqueueResumeWebhook } from "../webhooks/enqueue.ts";
import { assertQuestionOpen } from "./open-question.ts";
import type { MessageRow } from "./queries.ts";
import { preview } from "./send-message.ts";

const { agentInstances, messages } = schema;

const messageEvent = (access: InstanceAccess, message: MessageRow): BusEvent => ({
  type: "message",
  userId: access.ownerId,
  agentInstanceId: message.agentInstanceId,
  messageId: message.id,
  senderType: "USER",
  requiresUserInput: false,
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
      await recordAudit(tx, {
        actor: access,
        ownerId: access.ownerId,
        action: questionId ? "question.answer" : "message.reply",
        target: { type: "instance", id: instance.id },
        detail: { message_id: row.id, question_id: questionId ?? null, content: auditExcerpt(content) },
        at: now,
      });
    }
    events.push(messageEvent(access, row), ...applied.events);
    return row;
  });
  await deps.bus.publish(events);
  return toMessage(message);
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
