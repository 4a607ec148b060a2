import { type agentOperations, OmnaraError, type OperationArgs, type OperationOutput } from "@omnara/contracts";
import type { BusEvent } from "@omnara/db";
import { schema } from "@omnara/db";
import { eq } from "drizzle-orm";
import type { AgentCaller, CoreDeps } from "../deps.ts";
import { recordFeed } from "../events/feed.ts";
import { loadOwnedInstance } from "../instances/owned-instance.ts";
import { applyInstanceEvent } from "../instances/status-machine.ts";
import { notFound } from "../not-found.ts";
import { enqueueNotification } from "../notifications/enqueue.ts";
import { toMessage } from "../serialize.ts";
import { advanceCursor, lastOf } from "./mark-read.ts";
import { findMessage, userMessagesAfter } from "./queries.ts";

const { messages } = schema;
type Input = OperationArgs<typeof agentOperations.requestInput>;
type Output = OperationOutput<typeof agentOperations.requestInput>;

export async function requestInput(deps: CoreDeps, caller: AgentCaller, input: Input): Promise<Output> {
  const events: BusEvent[] = [];
  const result = await deps.db.transaction(async (tx) => {
    const message = await findMessage(tx, input.message_id);
    if (!message) throw notFound(`Message ${input.message_id}`);
    const instance = await loadOwnedInstance(tx, caller.userId, message.agentInstanceId, { forUpdate: true });
    if (message.senderType !== "AGENT") {
      throw new OmnaraError("BAD_REQUEST", "Only an agent message can be turned into a question.");
    }
    // Asking again (a retried request, or an earlier ask) changes nothing and answers the same.
    const alreadyAsked = message.requiresUserInput;
    if (!alreadyAsked) {
      await tx.update(messages).set({ requiresUserInput: true }).where(eq(messages.id, message.id));
    }
    const replies = await userMessagesAfter(tx, instance.id, message.id);
    const last = lastOf(replies);
    if (last) {
      await advanceCursor(tx, instance.id, last);
    } else if (!alreadyAsked) {
      const applied = await applyInstanceEvent(tx, { userId: caller.userId, instanceId: instance.id }, "requestInput", {
        locked: instance,
      });
      events.push(...applied.events);
      // Only when the question is still open: replies already there need no one to be called.
      await enqueueNotification(
        tx,
        {
          kind: "agent_message",
          userId: caller.userId,
          agentInstanceId: instance.id,
          messageId: message.id,
          content: message.content,
          requiresUserInput: true,
        },
        deps.now(),
      );
    }
    const asked: BusEvent = {
      type: "message",
      userId: caller.userId,
      agentInstanceId: instance.id,
      messageId: message.id,
      senderType: "AGENT",
      requiresUserInput: true,
    };
    // Asked again with nothing changed: the screens already show this question.
    if (!alreadyAsked) await recordFeed(tx, [asked]);
    events.push(asked);
    return { instanceId: instance.id, replies };
  });
  await deps.bus.publish(events);
  return {
    success: true,
    message_id: input.message_id,
    agent_instance_id: result.instanceId,
    messages: result.replies.map(toMessage),
    status: "ok",
  };
}
