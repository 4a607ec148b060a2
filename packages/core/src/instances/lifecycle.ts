import { randomUUID } from "node:crypto";
import { type agentOperations, OmnaraError, type OperationArgs, type OperationOutput } from "@omnara/contracts";
import { schema } from "@omnara/db";
import { eq } from "drizzle-orm";
import type { AgentCaller, CoreDeps } from "../deps.ts";
import { recordFeed } from "../events/feed.ts";
import { enqueueNotification } from "../notifications/enqueue.ts";
import { createInstance } from "./create-instance.ts";
import { applyInstanceEvent, type InstanceEvent } from "./status-machine.ts";

type Op = typeof agentOperations;

export async function registerInstance(
  deps: CoreDeps,
  caller: AgentCaller,
  input: OperationArgs<Op["registerInstance"]>,
): Promise<OperationOutput<Op["registerInstance"]>> {
  const id = input.agent_instance_id ?? randomUUID();
  const metadata = { ...(input.instance_metadata ?? {}), ...(input.transport ? { transport: input.transport } : {}) };
  const row = await deps.db.transaction(async (tx) => {
    const created = await createInstance(tx, deps, caller, {
      id,
      agentType: input.agent_type,
      name: input.name,
      metadata: Object.keys(metadata).length > 0 ? metadata : null,
      lastHeartbeatAt: deps.now(),
    });
    // Omnara v1's words: its SDK falls back to reading the instance on this 409.
    if (!created) throw new OmnaraError("CONFLICT", "Agent instance already exists");
    const inserted = created.row;
    await recordFeed(tx, [{ type: "instance", userId: caller.userId, agentInstanceId: id, status: inserted.status }]);
    return { ...inserted, agentTypeName: created.agentTypeName, announced: created.events };
  });
  await deps.bus.publish([
    { type: "instance", userId: caller.userId, agentInstanceId: id, status: row.status },
    ...row.announced,
  ]);
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
  const now = deps.now();
  const applied = await deps.db.transaction((tx) =>
    applyInstanceEvent(tx, { userId: caller.userId, instanceId: input.agent_instance_id }, "heartbeat", {
      patch: () => ({ lastHeartbeatAt: now }),
    }),
  );
  await deps.bus.publish([
    { type: "heartbeat", userId: caller.userId, agentInstanceId: applied.after.id, at: now.toISOString() },
    ...applied.events,
  ]);
  return { agent_instance_id: applied.after.id, last_heartbeat_at: now.toISOString() };
}

const endEvents: Record<OperationArgs<Op["endSession"]>["status"], InstanceEvent> = {
  COMPLETED: "endCompleted",
  FAILED: "endFailed",
  DISCONNECTED: "processGone",
};

/** Ends the session as the status machine allows; final_status says what the instance is now. */
export async function endSession(
  deps: CoreDeps,
  caller: AgentCaller,
  input: OperationArgs<Op["endSession"]>,
): Promise<OperationOutput<Op["endSession"]>> {
  const now = deps.now();
  const applied = await deps.db.transaction(async (tx) => {
    const result = await applyInstanceEvent(
      tx,
      { userId: caller.userId, instanceId: input.agent_instance_id },
      endEvents[input.status],
      { patch: (before, to) => (to === before.status ? {} : { endedAt: now, lastHeartbeatAt: now }) },
    );
    const status = result.after.status;
    if (status !== result.before.status) {
      await enqueueNotification(
        tx,
        { kind: "session_end", userId: caller.userId, agentInstanceId: result.after.id, status },
        now,
      );
    }
    return result;
  });
  await deps.bus.publish(applied.events);
  const final = applied.after.status;
  // The table takes every end event to one of these three (or refuses it).
  if (final !== "COMPLETED" && final !== "FAILED" && final !== "DISCONNECTED") {
    throw new Error(`end_session left instance ${applied.after.id} ${final}`);
  }
  return { success: true, agent_instance_id: applied.after.id, final_status: final };
}

export async function verifyKey(deps: CoreDeps, caller: AgentCaller): Promise<OperationOutput<Op["verifyKey"]>> {
  const [user] = await deps.db.select().from(schema.users).where(eq(schema.users.id, caller.userId));
  if (!user) throw new OmnaraError("UNAUTHORIZED", "The account of this API key no longer exists.");
  return {
    success: true,
    user_id: user.id,
    email: user.email,
    display_name: user.displayName,
    message: "Authentication successful",
  };
}
