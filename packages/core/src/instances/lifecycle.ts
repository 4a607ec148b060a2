import { randomUUID } from "node:crypto";
import type { agentOperations, OperationArgs, OperationOutput } from "@omnara/contracts";
import { schema } from "@omnara/db";
import { eq } from "drizzle-orm";
import type { AgentCaller, CoreDeps } from "../deps.ts";
import { DomainError } from "../domain-error.ts";
import { enqueueNotification } from "../notifications/enqueue.ts";
import { afterEndSession, afterHeartbeat } from "../status-rules.ts";
import { ensureAgentType, loadOwnedInstance } from "./owned-instance.ts";

const { agentInstances } = schema;
type Op = typeof agentOperations;

export async function registerInstance(
  deps: CoreDeps,
  caller: AgentCaller,
  input: OperationArgs<Op["registerInstance"]>,
): Promise<OperationOutput<Op["registerInstance"]>> {
  const id = input.agent_instance_id ?? randomUUID();
  const metadata = { ...(input.instance_metadata ?? {}), ...(input.transport ? { transport: input.transport } : {}) };
  const row = await deps.db.transaction(async (tx) => {
    const agentType = await ensureAgentType(tx, caller.userId, input.agent_type);
    const [inserted] = await tx
      .insert(agentInstances)
      .values({
        id,
        userId: caller.userId,
        agentTypeId: agentType.id,
        name: input.name ?? null,
        instanceMetadata: Object.keys(metadata).length > 0 ? metadata : null,
        lastHeartbeatAt: deps.now(),
      })
      .onConflictDoNothing({ target: agentInstances.id })
      .returning();
    if (!inserted) throw new DomainError("CONFLICT", `Agent instance ${id} is already registered.`);
    return { ...inserted, agentTypeName: agentType.name };
  });
  await deps.bus.publish([{ type: "instance", userId: caller.userId, agentInstanceId: id, status: row.status }]);
  return {
    agent_instance_id: row.id,
    agent_type_id: row.agentTypeId,
    agent_type_name: row.agentTypeName,
    status: row.status,
    name: row.name,
    instance_metadata: row.instanceMetadata ?? null,
  };
}

export async function heartbeat(
  deps: CoreDeps,
  caller: AgentCaller,
  input: OperationArgs<Op["heartbeat"]>,
): Promise<OperationOutput<Op["heartbeat"]>> {
  const instance = await loadOwnedInstance(deps.db, caller.userId, input.agent_instance_id);
  const now = deps.now();
  const status = afterHeartbeat(instance.status);
  await deps.db.update(agentInstances).set({ lastHeartbeatAt: now, status }).where(eq(agentInstances.id, instance.id));
  await deps.bus.publish([
    { type: "heartbeat", userId: caller.userId, agentInstanceId: instance.id, at: now.toISOString() },
    ...(status !== instance.status
      ? [{ type: "instance" as const, userId: caller.userId, agentInstanceId: instance.id, status }]
      : []),
  ]);
  return { agent_instance_id: instance.id, last_heartbeat_at: now.toISOString() };
}

export async function endSession(
  deps: CoreDeps,
  caller: AgentCaller,
  input: OperationArgs<Op["endSession"]>,
): Promise<OperationOutput<Op["endSession"]>> {
  const instance = await loadOwnedInstance(deps.db, caller.userId, input.agent_instance_id);
  const status = afterEndSession(instance.status, input.status);
  if (status !== input.status) return { success: true, agent_instance_id: instance.id, final_status: status };
  const now = deps.now();
  await deps.db.transaction(async (tx) => {
    await tx
      .update(agentInstances)
      .set({ status, endedAt: now, lastHeartbeatAt: now })
      .where(eq(agentInstances.id, instance.id));
    await enqueueNotification(
      tx,
      { kind: "session_end", userId: caller.userId, agentInstanceId: instance.id, status },
      now,
    );
  });
  await deps.bus.publish([{ type: "instance", userId: caller.userId, agentInstanceId: instance.id, status }]);
  return { success: true, agent_instance_id: instance.id, final_status: status };
}

export async function verifyKey(deps: CoreDeps, caller: AgentCaller): Promise<OperationOutput<Op["verifyKey"]>> {
  const [user] = await deps.db.select().from(schema.users).where(eq(schema.users.id, caller.userId));
  if (!user) throw new DomainError("UNAUTHORIZED", "The account of this API key no longer exists.");
  return {
    success: true,
    user_id: user.id,
    email: user.email,
    display_name: user.displayName,
    message: "API key is valid.",
  };
}
