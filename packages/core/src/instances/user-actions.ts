import type { AgentInstance, OperationArgs, OperationOutput, userOperations } from "@omnara/contracts";
import { type BusEvent, schema } from "@omnara/db";
import { and, eq, ne } from "drizzle-orm";
import { recordAudit } from "../audit/audit.ts";
import type { CoreDeps } from "../deps.ts";
import { recordFeed } from "../events/feed.ts";
import { instanceMessagePage } from "../messages/list-messages.ts";
import { notFound } from "../not-found.ts";
import { toInstance } from "../serialize.ts";
import type { InstanceAccess } from "./instance-access.ts";
import { agentTypeName, loadOwnedInstance } from "./owned-instance.ts";
import { markShared, shareMarks } from "./shared-with.ts";
import { applyInstanceEvent } from "./status-machine.ts";

const { agentInstances, agentTypes, messages } = schema;
type Op = typeof userOperations;

export async function getInstance(
  deps: CoreDeps,
  access: InstanceAccess,
  _input: OperationArgs<Op["getInstance"]>,
): Promise<OperationOutput<Op["getInstance"]>> {
  // The instance with its type's name, and its first page, side by side: one wait, not three.
  const [[row], page] = await Promise.all([
    deps.db
      .select({ instance: agentInstances, typeName: agentTypes.name })
      .from(agentInstances)
      .innerJoin(agentTypes, eq(agentTypes.id, agentInstances.agentTypeId))
      .where(
        and(
          eq(agentInstances.id, access.instanceId),
          eq(agentInstances.userId, access.ownerId),
          ne(agentInstances.status, "DELETED"),
        ),
      ),
    instanceMessagePage(deps.db, access, 50),
  ]);
  if (!row) throw notFound("Agent instance");
  const { instance, typeName } = row;
  const marks = access.role === "owner" ? new Map() : await shareMarks(deps.db, access.userId, [instance.id]);
  return {
    ...markShared(toInstance(instance, typeName), marks.get(instance.id)),
    git_diff: instance.gitDiff,
    last_read_message_id: instance.lastReadMessageId,
    messages: page.messages,
    has_more_messages: page.has_more,
  };
}

/** Renames the instance; its status is the status machine's business, not this one's. */
export async function renameInstance(
  deps: CoreDeps,
  access: InstanceAccess,
  input: OperationArgs<Op["renameInstance"]>,
): Promise<AgentInstance> {
  const row = await deps.db.transaction(async (tx) => {
    const instance = await loadOwnedInstance(tx, access.ownerId, access.instanceId, { forUpdate: true });
    const [renamed] = await tx
      .update(agentInstances)
      .set({ name: input.name })
      .where(eq(agentInstances.id, instance.id))
      .returning();
    const after = renamed ?? instance;
    // Screens show the name: a new one is a change like a status.
    const events: BusEvent[] =
      after.name === instance.name
        ? []
        : [{ type: "instance", userId: access.ownerId, agentInstanceId: instance.id, status: after.status }];
    await recordFeed(tx, events);
    await recordAudit(tx, {
      actor: access,
      ownerId: access.ownerId,
      action: "instance.rename",
      target: { type: "instance", id: instance.id },
      detail: { from: instance.name, to: after.name },
      at: deps.now(),
    });
    return { after, events };
  });
  await deps.bus.publish(row.events);
  return toInstance(row.after, await agentTypeName(deps.db, row.after.agentTypeId));
}

/** The user's "mark completed": final for the agent, and it ends every wait on the instance. */
export async function markCompleted(
  deps: CoreDeps,
  access: InstanceAccess,
  _input: OperationArgs<Op["markCompleted"]>,
): Promise<AgentInstance> {
  const applied = await deps.db.transaction(async (tx) => {
    const result = await applyInstanceEvent(
      tx,
      { userId: access.ownerId, instanceId: access.instanceId },
      "markCompleted",
      { patch: (before) => ({ endedAt: before.endedAt ?? deps.now() }) },
    );
    await recordAudit(tx, {
      actor: access,
      ownerId: access.ownerId,
      action: "instance.mark_completed",
      target: { type: "instance", id: access.instanceId },
      at: deps.now(),
    });
    return result;
  });
  await deps.bus.publish(applied.events);
  return toInstance(applied.after, await agentTypeName(deps.db, applied.after.agentTypeId));
}

/** Soft delete of the instance; its messages are removed for good, as the user asked. */
export async function deleteInstance(
  deps: CoreDeps,
  access: InstanceAccess,
  _input: OperationArgs<Op["deleteInstance"]>,
): Promise<{ success: true }> {
  const applied = await deps.db.transaction(async (tx) => {
    const result = await applyInstanceEvent(tx, { userId: access.ownerId, instanceId: access.instanceId }, "delete", {
      patch: () => ({ gitDiff: null, latestMessage: null, lastReadMessageId: null, chatLength: 0 }),
    });
    await tx.delete(messages).where(eq(messages.agentInstanceId, result.after.id));
    await recordAudit(tx, {
      actor: access,
      ownerId: access.ownerId,
      action: "instance.delete",
      target: { type: "instance", id: access.instanceId },
      detail: { name: result.after.name },
      at: deps.now(),
    });
    return result;
  });
  await deps.bus.publish(applied.events);
  return { success: true };
}
