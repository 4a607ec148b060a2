import {
  type AgentInstance,
  type agentOperations,
  OmnaraError,
  type OperationArgs,
  type OperationOutput,
  type userOperations,
} from "@omnara/contracts";
import { type BusEvent, type Db, schema } from "@omnara/db";
import { and, eq, isNotNull } from "drizzle-orm";
import { recordAudit } from "../audit/audit.ts";
import type { AgentCaller, CoreDeps } from "../deps.ts";
import { recordFeed } from "../events/feed.ts";
import { toInstance } from "../serialize.ts";
import { waitForEvent } from "../wait-for-event.ts";
import type { InstanceAccess } from "./instance-access.ts";
import { agentTypeName, loadOwnedInstance } from "./owned-instance.ts";
import { applyInstanceEvent, isEnded } from "./status-machine.ts";

const { agentInstances } = schema;
type UserOp = typeof userOperations;
type ControlOp = typeof agentOperations.waitForControl;

const instanceEvent = (ownerId: string, instanceId: string, status: string): BusEvent => ({
  type: "instance",
  userId: ownerId,
  agentInstanceId: instanceId,
  status,
});

/**
 * The user's interrupt: noted on the instance until the agent hears it. The instance event it
 * publishes wakes the agent's waits (reply and control); the status is the agent's to change.
 */
export async function interruptInstance(
  deps: CoreDeps,
  access: InstanceAccess,
  _input: OperationArgs<UserOp["interruptInstance"]>,
): Promise<OperationOutput<UserOp["interruptInstance"]>> {
  const done = await deps.db.transaction(async (tx) => {
    const instance = await loadOwnedInstance(tx, access.ownerId, access.instanceId, { forUpdate: true });
    if (isEnded(instance.status)) {
      throw new OmnaraError(
        "CONFLICT",
        `Agent instance ${instance.id} is ${instance.status}: there is no turn to interrupt.`,
      );
    }
    // Interrupts the agent has not heard yet are one: the first one's time is kept.
    const at = instance.interruptRequestedAt ?? deps.now();
    await tx.update(agentInstances).set({ interruptRequestedAt: at }).where(eq(agentInstances.id, instance.id));
    const events = [instanceEvent(access.ownerId, instance.id, instance.status)];
    await recordFeed(tx, events);
    await recordAudit(tx, {
      actor: access,
      ownerId: access.ownerId,
      action: "instance.interrupt",
      target: { type: "instance", id: instance.id },
      at: deps.now(),
    });
    return { at, events };
  });
  await deps.bus.publish(done.events);
  return { agent_instance_id: access.instanceId, interrupt_requested_at: done.at.toISOString() };
}

/** The user's stop: the session is completed (ending every wait) and its process is asked to exit. */
export async function stopInstance(
  deps: CoreDeps,
  access: InstanceAccess,
  _input: OperationArgs<UserOp["stopInstance"]>,
): Promise<AgentInstance> {
  const applied = await deps.db.transaction(async (tx) => {
    const instance = await loadOwnedInstance(tx, access.ownerId, access.instanceId, { forUpdate: true });
    if (isEnded(instance.status)) return { after: instance, events: [] };
    const result = await applyInstanceEvent(tx, { userId: access.ownerId, instanceId: instance.id }, "markCompleted", {
      locked: instance,
      patch: (before) => ({ endedAt: before.endedAt ?? deps.now(), stopRequestedAt: deps.now() }),
    });
    await recordAudit(tx, {
      actor: access,
      ownerId: access.ownerId,
      action: "instance.stop",
      target: { type: "instance", id: instance.id },
      at: deps.now(),
    });
    return result;
  });
  await deps.bus.publish(applied.events);
  return toInstance(applied.after, await agentTypeName(deps.db, applied.after.agentTypeId));
}

/**
 * Takes the instance's pending interrupt, if there is one: exactly one taker gets true (the
 * update's row lock orders racing takers; the second finds the column cleared).
 */
export async function takeInterrupt(db: Db, instanceId: string): Promise<boolean> {
  const taken = await db
    .update(agentInstances)
    .set({ interruptRequestedAt: null })
    .where(and(eq(agentInstances.id, instanceId), isNotNull(agentInstances.interruptRequestedAt)))
    .returning({ id: agentInstances.id });
  return taken.length > 0;
}

/** The instance's status and whether an interrupt waits for the agent, in one read. */
export async function controlState(
  db: Db,
  instanceId: string,
): Promise<{ status: AgentInstance["status"]; interrupted: boolean; stopped: boolean } | undefined> {
  const [row] = await db
    .select({
      status: agentInstances.status,
      interruptRequestedAt: agentInstances.interruptRequestedAt,
      stopRequestedAt: agentInstances.stopRequestedAt,
    })
    .from(agentInstances)
    .where(eq(agentInstances.id, instanceId));
  if (!row) return undefined;
  return {
    status: row.status,
    interrupted: row.interruptRequestedAt !== null,
    stopped: row.stopRequestedAt !== null,
  };
}

/** A working agent's wait for the user's interrupt or stop, woken by the instance's events. */
export async function waitForControl(
  deps: CoreDeps,
  caller: AgentCaller,
  input: OperationArgs<ControlOp>,
  signal?: AbortSignal,
): Promise<OperationOutput<ControlOp>> {
  const instance = await loadOwnedInstance(deps.db, caller.userId, input.agent_instance_id);
  const outcome = await waitForEvent<"interrupt" | "stop">({
    bus: deps.bus,
    topic: { agentInstanceId: instance.id },
    wakesOn: (event) => event.type === "instance",
    check: async () => {
      const state = await controlState(deps.db, instance.id);
      if (!state || isEnded(state.status)) return "stop";
      if (state.interrupted && (await takeInterrupt(deps.db, instance.id))) return "interrupt";
      return undefined;
    },
    deadline: Date.now() + input.timeout_seconds * 1000,
    signal,
  });
  return { agent_instance_id: instance.id, control: outcome ?? "none" };
}
