import type { agentOperations, OperationArgs, OperationOutput } from "@omnara/contracts";
import type { BusEvent } from "@omnara/db";
import type { AgentCaller, CoreDeps } from "../deps.ts";
import { notFound } from "../domain-error.ts";
import { loadOwnedInstance } from "../instances/owned-instance.ts";
import { toMessage } from "../serialize.ts";
import { advanceCursor, lastOf } from "./mark-read.ts";
import { findMessage, userMessagesAfter } from "./queries.ts";

type Input = OperationArgs<typeof agentOperations.waitForReply>;
type Output = OperationOutput<typeof agentOperations.waitForReply>;

/**
 * Resolves when a user message arrives after `after_message_id`, woken by the bus rather than
 * by polling. It subscribes before it reads, so a reply stored between the read and the wait
 * still wakes it.
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

  let wake: () => void = () => {};
  let woken = false;
  const onEvent = (event: BusEvent) => {
    if (event.type === "message" && event.agentInstanceId === instance.id && event.senderType === "USER") {
      woken = true;
      wake();
    }
  };
  const unsubscribe = deps.bus.subscribe(onEvent);
  const deadline = Date.now() + input.timeout_seconds * 1000;
  try {
    for (;;) {
      woken = false;
      const replies = await userMessagesAfter(deps.db, instance.id, after.id);
      const last = lastOf(replies);
      if (last) {
        await advanceCursor(deps.db, instance.id, last);
        return { status: "replied", agent_instance_id: instance.id, messages: replies.map(toMessage) };
      }
      const remaining = deadline - Date.now();
      if (remaining <= 0 || signal?.aborted) break;
      // An event during the query above has already set `woken`: query again at once.
      if (woken) continue;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, remaining);
        const done = () => {
          clearTimeout(timer);
          signal?.removeEventListener("abort", done);
          resolve();
        };
        wake = done;
        signal?.addEventListener("abort", done, { once: true });
      });
      wake = () => {};
    }
  } finally {
    unsubscribe();
  }
  return { status: "timeout", agent_instance_id: instance.id, messages: [] };
}
