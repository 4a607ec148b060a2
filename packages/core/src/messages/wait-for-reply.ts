import type { agentOperations, OperationArgs, OperationOutput } from "@omnara/contracts";
import type { AgentCaller, CoreDeps } from "../deps.ts";
import { controlState, takeInterrupt } from "../instances/control.ts";
import { loadOwnedInstance } from "../instances/owned-instance.ts";
import { beatWhileWaiting } from "../instances/presence.ts";
import { isEnded } from "../instances/status-machine.ts";
import { notFound } from "../not-found.ts";
import { toMessage } from "../serialize.ts";
import { waitForEvent } from "../wait-for-event.ts";
import { deliverReplies } from "./cancel-queued.ts";
import { findMessage, type MessageRow } from "./queries.ts";

type Input = OperationArgs<typeof agentOperations.waitForReply>;
type Output = OperationOutput<typeof agentOperations.waitForReply>;

/**
 * Resolves when a user message arrives after `after_message_id`, woken by the bus rather than
 * by polling. It subscribes before it reads, so a reply stored between the read and the wait
 * still wakes it. It ends with "ended" as soon as the instance is finished (the user marked it
 * completed or deleted it): nobody would ever answer. A pending interrupt from the user ends it
 * with "interrupted" (taken once); replies come first, so a reply is never held back by one.
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
  const outcome = await waitForEvent<"ended" | "interrupted" | MessageRow[]>({
    bus: deps.bus,
    topic: { agentInstanceId: instance.id },
    wakesOn: (event) => (event.type === "message" && event.senderType === "USER") || event.type === "instance",
    check: async () => {
      // Delivered, not consumed: the agent's next message acknowledges it (read-cursor.ts).
      const delivered = await deliverReplies(deps, instance.id, after.id);
      if (delivered.length > 0) return delivered;
      // Replies first: one stored before the session ended is still the answer.
      const state = await controlState(deps.db, instance.id);
      if (state === undefined || isEnded(state.status)) return "ended";
      return state.interrupted && (await takeInterrupt(deps.db, instance.id)) ? "interrupted" : undefined;
    },
    deadline: Date.now() + input.timeout_seconds * 1000,
    signal,
  }).finally(stopBeating);
  if (Array.isArray(outcome)) {
    return { status: "replied", agent_instance_id: instance.id, messages: outcome.map(toMessage) };
  }
  return { status: outcome ?? "timeout", agent_instance_id: instance.id, messages: [] };
}
