import type { AgentInstance, OperationArgs, OperationOutput, userOperations } from "@omnara/contracts";
import { schema } from "@omnara/db";
import { eq } from "drizzle-orm";
import type { Caller, CoreDeps } from "../deps.ts";
import { messagePage } from "../messages/list-messages.ts";
import { toInstance } from "../serialize.ts";
import { agentTypeName, type InstanceRow, loadOwnedInstance } from "./owned-instance.ts";

const { agentInstances, messages } = schema;
type Op = typeof userOperations;

export async function getInstance(
  deps: CoreDeps,
  caller: Caller,
  input: OperationArgs<Op["getInstance"]>,
): Promise<OperationOutput<Op["getInstance"]>> {
  const instance = await loadOwnedInstance(deps.db, caller.userId, input.agent_instance_id);
  const [typeName, page] = await Promise.all([
    agentTypeName(deps.db, instance.agentTypeId),
    messagePage(deps.db, instance.id, 50),
  ]);
  return {
    ...toInstance(instance, typeName),
    git_diff: instance.gitDiff,
    last_read_message_id: instance.lastReadMessageId,
    messages: page.messages,
    has_more_messages: page.has_more,
  };
}

async function updateInstance(
  deps: CoreDeps,
  caller: Caller,
  instanceId: string,
  change: (instance: InstanceRow) => Partial<InstanceRow>,
): Promise<AgentInstance> {
  const updated = await deps.db.transaction(async (tx) => {
    const instance = await loadOwnedInstance(tx, caller.userId, instanceId, { forUpdate: true });
    const [row] = await tx
      .update(agentInstances)
      .set(change(instance))
      .where(eq(agentInstances.id, instance.id))
      .returning();
    return { before: instance, after: row ?? instance };
  });
  if (updated.after.status !== updated.before.status) {
    await deps.bus.publish([
      { type: "instance", userId: caller.userId, agentInstanceId: instanceId, status: updated.after.status },
    ]);
  }
  return toInstance(updated.after, await agentTypeName(deps.db, updated.after.agentTypeId));
}

export const renameInstance = (deps: CoreDeps, caller: Caller, input: OperationArgs<Op["renameInstance"]>) =>
  updateInstance(deps, caller, input.agent_instance_id, () => ({ name: input.name }));

export const markCompleted = (deps: CoreDeps, caller: Caller, input: OperationArgs<Op["markCompleted"]>) =>
  updateInstance(deps, caller, input.agent_instance_id, (instance) => ({
    status: "COMPLETED",
    endedAt: instance.endedAt ?? deps.now(),
  }));

/** Soft delete of the instance; its messages are removed for good, as the user asked. */
export async function deleteInstance(
  deps: CoreDeps,
  caller: Caller,
  input: OperationArgs<Op["deleteInstance"]>,
): Promise<{ success: true }> {
  await deps.db.transaction(async (tx) => {
    const instance = await loadOwnedInstance(tx, caller.userId, input.agent_instance_id, { forUpdate: true });
    await tx.delete(messages).where(eq(messages.agentInstanceId, instance.id));
    await tx
      .update(agentInstances)
      .set({ status: "DELETED", gitDiff: null, latestMessage: null, lastReadMessageId: null, chatLength: 0 })
      .where(eq(agentInstances.id, instance.id));
  });
  await deps.bus.publish([
    { type: "instance", userId: caller.userId, agentInstanceId: input.agent_instance_id, status: "DELETED" },
  ]);
  return { success: true };
}
