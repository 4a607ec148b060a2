import type { agentOperations, OperationArgs, OperationOutput } from "@omnara/contracts";
import type { AgentCaller, CoreDeps } from "../deps.ts";
import { loadOwnedInstance } from "../instances/owned-instance.ts";
import { toMessage } from "../serialize.ts";
import { readReplies } from "./read-cursor.ts";

type Input = OperationArgs<typeof agentOperations.getPendingMessages>;
type Output = OperationOutput<typeof agentOperations.getPendingMessages>;

/** The replies after the agent's read cursor; see read-cursor.ts for stale and acknowledgement. */
export async function getPendingMessages(deps: CoreDeps, caller: AgentCaller, input: Input): Promise<Output> {
  const { output, events } = await deps.db.transaction(async (tx) => {
    const instance = await loadOwnedInstance(tx, caller.userId, input.agent_instance_id, { forUpdate: true });
    const read = await readReplies(tx, instance, input.last_read_message_id);
    // Handed over: the screens learn the messages are delivered.
    const events = read.delivered ? [read.delivered] : [];
    return {
      output: { agent_instance_id: instance.id, messages: read.messages.map(toMessage), status: read.status },
      events,
    };
  });
  await deps.bus.publish(events);
  return output;
}
