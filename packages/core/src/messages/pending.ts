import type { agentOperations, OperationArgs, OperationOutput } from "@omnara/contracts";
import type { AgentCaller, CoreDeps } from "../deps.ts";
import { loadOwnedInstance } from "../instances/owned-instance.ts";
import { toMessage } from "../serialize.ts";
import { advanceCursor, lastOf } from "./mark-read.ts";
import { userMessagesAfter } from "./queries.ts";

type Input = OperationArgs<typeof agentOperations.getPendingMessages>;
type Output = OperationOutput<typeof agentOperations.getPendingMessages>;

/**
 * Read-cursor semantics: a caller holding an outdated cursor gets `stale` and nothing, so two
 * readers never both consume one reply. Omitting the cursor means "from the stored one".
 */
export async function getPendingMessages(deps: CoreDeps, caller: AgentCaller, input: Input): Promise<Output> {
  return deps.db.transaction(async (tx) => {
    const instance = await loadOwnedInstance(tx, caller.userId, input.agent_instance_id, { forUpdate: true });
    const stored = instance.lastReadMessageId;
    if (input.last_read_message_id !== undefined && (input.last_read_message_id ?? null) !== stored) {
      return { agent_instance_id: instance.id, messages: [], status: "stale" };
    }
    const pending = await userMessagesAfter(tx, instance.id, stored);
    const last = lastOf(pending);
    if (last) await advanceCursor(tx, instance.id, last);
    return { agent_instance_id: instance.id, messages: pending.map(toMessage), status: "ok" };
  });
}
