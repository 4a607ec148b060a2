import { type agentOperations, OmnaraError, type OperationArgs, type OperationOutput } from "@omnara/contracts";
import type { BusEvent } from "@omnara/db";
import { schema } from "@omnara/db";
import { eq } from "drizzle-orm";
import type { AgentCaller, CoreDeps } from "../deps.ts";
import { recordFeed } from "../events/feed.ts";
import { loadOwnedInstance } from "../instances/owned-instance.ts";
import { applyInstanceEvent } from "../instances/status-machine.ts";
import { enqueueNotification } from "../notifications/enqueue.ts";
import { toMessage } from "../serialize.ts";
import { enqueueEventWebhooks, questionEvent } from "../webhooks/enqueue.ts";
import { findMessage, userMessagesAfter } from "./queries.ts";
import { type ReadResult, readReplies, recordHandover } from "./read-cursor.ts";

const { messages } = schema;
type Input = OperationArgs<typeof agentOperations.requestInput>;
type Output = OperationOutput<typeof agentOperations.requestInput>;

/**
 * `v1`: as Omnara v1 answered. A message that already is a question is 400 (its Claude Code
 * wrapper matches the words and asks anew), and the replies are read through the cursor held at
 * the message, so `stale` when the cursor moved past it. `ours`: asking again answers the same,
 * with every reply after the message whatever the cursor (our SDK retries it safely).
 */
export interface RequestInputOptions {
  semantics: "v1" | "ours";
}

const notAnAgentMessage = () =>
  new OmnaraError("NOT_FOUND", "Agent message not found or access denied", {
    issues: [{ path: "message_id", message: "not an agent message of yours" }],
  });

export async function requestInput(
  deps: CoreDeps,
  caller: AgentCaller,
  input: Input,
  options: RequestInputOptions = { semantics: "ours" },
): Promise<Output> {
  const events: BusEvent[] = [];
  const result = await deps.db.transaction(async (tx) => {
    const message = await findMessage(tx, input.message_id);
    if (!message || message.senderType !== "AGENT") throw notAnAgentMessage();
    const instance = await loadOwnedInstance(tx, caller.userId, message.agentInstanceId, { forUpdate: true }).catch(
      (error: unknown) => {
        throw error instanceof OmnaraError ? notAnAgentMessage() : error;
      },
    );
    const alreadyAsked = message.requiresUserInput;
    if (alreadyAsked && options.semantics === "v1") {
      throw new OmnaraError("BAD_REQUEST", "Message already requires user input");
    }
    if (!alreadyAsked) {
      await tx.update(messages).set({ requiresUserInput: true }).where(eq(messages.id, message.id));
      await enqueueEventWebhooks(tx, questionEvent(caller.userId, message), deps.now());
    }
    let read: ReadResult;
    if (options.semantics === "v1") {
      read = await readReplies(tx, instance, message.id);
    } else {
      const replies = await userMessagesAfter(tx, instance.id, message.id);
      read = { status: "ok", messages: replies, delivered: await recordHandover(tx, instance, replies) };
    }
    // Handed over: the screens learn the messages are delivered.
    if (read.delivered) events.push(read.delivered);
    // v1 marked the instance waiting (and called the user) whenever no reply came back, stale too.
    if (read.messages.length === 0 && !alreadyAsked) {
      const applied = await applyInstanceEvent(tx, { userId: caller.userId, instanceId: instance.id }, "requestInput", {
        locked: instance,
      });
      events.push(...applied.events);
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
    return { instanceId: instance.id, read };
  });
  await deps.bus.publish(events);
  return {
    success: true,
    message_id: input.message_id,
    agent_instance_id: result.instanceId,
    messages: result.read.messages.map(toMessage),
    status: result.read.status,
  };
}
