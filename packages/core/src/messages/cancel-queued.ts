import { type Message, OmnaraError, type OperationArgs, type userOperations } from "@omnara/contracts";
import { type BusEvent, isConnectionError, schema } from "@omnara/db";
import { eq, sql } from "drizzle-orm";
import type { CoreDeps } from "../deps.ts";
import { recordFeed } from "../events/feed.ts";
import type { InstanceAccess } from "../instances/instance-access.ts";
import { loadOwnedInstance } from "../instances/owned-instance.ts";
import { notFound } from "../not-found.ts";
import { toMessage } from "../serialize.ts";
import { type Delivered, deliverRepliesInOneStatement } from "./one-statement-delivery.ts";
import { cursorSeq, findMessage, type MessageRow, userMessagesAfter } from "./queries.ts";
import { recordHandover, unreadFrom } from "./read-cursor.ts";

const { agentInstances, messages } = schema;

/**
 * Hands the replies after `afterMessageId` to a waiting agent, under the instance's row lock: a
 * cancel (which takes the same lock) either ran first and the cancelled reply is not among them,
 * or runs after and finds the reply delivered. Without the lock a reply read just before its
 * cancel would reach the agent and show cancelled. A read that moved the delivery on tells every
 * screen of the instance (a feed row and an instance event); one racing it for the same replies
 * finds them delivered and tells nobody.
 */
export async function deliverReplies(
  deps: Pick<CoreDeps, "db" | "bus">,
  instanceId: string,
  afterMessageId: string,
): Promise<MessageRow[]> {
  // Usually one statement; a writer that committed while it waited for the lock sends it here.
  let done = await deliverRepliesInOneStatement(deps.db, deps.bus, instanceId, afterMessageId).catch(
    (error: unknown): "stale" => {
      // It rolled back: nothing was recorded. Its NOTIFY failing (a full queue) must not refuse the
      // agent its replies, so anything but a lost connection takes the transaction path, which
      // publishes after commit (a failed NOTIFY there is delivered here at once and retried).
      if (isConnectionError(error)) throw error;
      return "stale";
    },
  );
  if (done === "stale") {
    done = await deps.db.transaction(async (tx): Promise<Delivered> => {
      const [instance] = await tx
        .select({ id: agentInstances.id, userId: agentInstances.userId, status: agentInstances.status })
        .from(agentInstances)
        .where(eq(agentInstances.id, instanceId))
        .for("update");
      const replies = await userMessagesAfter(tx, instanceId, afterMessageId);
      const event = instance ? await recordHandover(tx, instance, replies) : undefined;
      return { replies, event, notified: false };
    });
  }
  if (done.event && !done.notified) await deps.bus.publish([done.event]);
  return done.replies;
}

/** Withdraws a user message that no read has handed to the agent yet. */
export async function cancelQueuedMessage(
  deps: CoreDeps,
  access: InstanceAccess,
  input: OperationArgs<typeof userOperations.cancelQueuedMessage>,
): Promise<Message> {
  const done = await deps.db.transaction(async (tx) => {
    const instance = await loadOwnedInstance(tx, access.ownerId, access.instanceId, { forUpdate: true });
    const message = await findMessage(tx, input.message_id);
    if (!message || message.agentInstanceId !== instance.id || message.senderType !== "USER") {
      throw notFound(`Message ${input.message_id}`);
    }
    if (message.cancelledAt) return { row: message, events: [] };
    if (message.seq <= (await cursorSeq(tx, unreadFrom(instance)))) {
      throw new OmnaraError(
        "CONFLICT",
        `Message ${message.id} was already delivered to the agent: it can no longer be cancelled.`,
      );
    }
    const [row] = await tx
      .update(messages)
      .set({ cancelledAt: deps.now() })
      .where(eq(messages.id, message.id))
      .returning();
    if (!row) throw new Error("update returned no message");
    // Every writer of an instance's messages writes its row too: a one-statement step that read
    // the messages before this commit sees the row's version change and steps aside
    // (one-statement-agent-message.ts), instead of handing the cancelled message to the agent.
    await tx
      .update(agentInstances)
      .set({ chatLength: sql`${agentInstances.chatLength}` })
      .where(eq(agentInstances.id, instance.id));
    const events: BusEvent[] = [
      { type: "instance", userId: access.ownerId, agentInstanceId: instance.id, status: instance.status },
    ];
    await recordFeed(tx, events);
    return { row, events };
  });
  await deps.bus.publish(done.events);
  return { ...toMessage(done.row), delivery: "cancelled" };
}
