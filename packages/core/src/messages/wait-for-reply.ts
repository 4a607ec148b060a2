import type { agentOperations, OperationArgs, OperationOutput } from "@omnara/contracts";
import type { AgentCaller, CoreDeps } from "../deps.ts";
import { instanceStatusOf, loadOwnedInstance } from "../instances/owned-instance.ts";
import { beatWhileWaiting } from "../instances/presence.ts";
import { isEnded } from "../instances/status-machine.ts";
import { notFound } from "../not-found.ts";
import { toMessage } from "../serialize.ts";
import { waitForEvent } from "../wait-for-event.ts";
import { findMessage, type MessageRow, userMessagesAfter } from "./queries.ts";
import { recordDelivery } from "./read-cursor.ts";

type Input = OperationArgs<typeof agentOperations.waitForReply>;
type Output = OperationOutput<typeof agentOperations.waitForReply>;

/**
 * Resolves when a user message arrives after `after_message_id`, woken by the bus rather than
 * by polling. It subscribes before it reads, so a reply stored between the read and the wait
 * still wakes it. It ends with "ended" as soon as the instance is finished (the user marked it
 * completed or deleted it): nobody would ever answer.
 */
export async function waitForReply(
  deps: CoreDeps,
  caller: AgentCaller,
  input: Input,
  signal?: AbortSignal,
): Promise<Output> {
  const instance = await loadOwnedInstance(deps.db, caller.userId, input.agent_instance_id);
  const after = await findMessage(deps.db, input.after_message_id);
  if (!after || after.agentInstanceId !== instance.id) throw notFound(`Message ${input.after_message_id}`);

  const stopBeating = beatWhileWaiting(deps, caller, instance.id);
  const outcome = await waitForEvent<Output["status"] | MessageRow[]>({
    bus: deps.bus,
    topic: { agentInstanceId: instance.id },
    wakesOn: (event) => (event.type === "message" && event.senderType === "USER") || event.type === "instance",
    check: async () => {
      const replies = await userMessagesAfter(deps.db, instance.id, after.id);
      const last = replies[replies.length - 1];
      if (last) {
        // Delivered, not consumed: the agent's next message acknowledges it (read-cursor.ts).
        await recordDelivery(deps.db, instance.id, last);
        return replies;
      }
      // Replies first: one stored before the session ended is still the answer.
      const status = await instanceStatusOf(deps.db, instance.id);
      return status === undefined || isEnded(status) ? "ended" : undefined;
    },
    deadline: Date.now() + input.timeout_seconds * 1000,
    signal,
  }).finally(stopBeating);
  if (Array.isArray(outcome)) {
    return { status: "replied", agent_instance_id: instance.id, messages: outcome.map(toMessage) };
  }
  return { status: outcome ?? "timeout", agent_instance_id: instance.id, messages: [] };
}
