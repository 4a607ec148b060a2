import type { Metadata } from "@omnara/contracts";
import type { BusEvent, Db } from "@omnara/db";
import { schema } from "@omnara/db";
import { eq } from "drizzle-orm";
import { enforceInstanceLimit } from "../billing/usage.ts";
import type { AgentCaller, CoreDeps } from "../deps.ts";
import { announceNewSharedInstance } from "../teams/team-fanout.ts";
import { ensureAgentType, type InstanceRow } from "./owned-instance.ts";

const { agentInstances } = schema;

export interface NewInstance {
  id: string;
  agentType: string;
  name?: string | null | undefined;
  metadata?: Metadata | null | undefined;
  lastHeartbeatAt?: Date | undefined;
}

/**
 * The one place an instance is created, inside the caller's transaction. An id that exists
 * already (a retry, or another user's id) inserts nothing and returns undefined, before any
 * limit is counted: existing instances keep working at the plan's limit. `events` announce it
 * to the members of teams its agent type is shared with: publish them after commit.
 */
export async function createInstance(
  tx: Db,
  deps: CoreDeps,
  caller: AgentCaller,
  values: NewInstance,
): Promise<{ row: InstanceRow; agentTypeName: string; events: BusEvent[] } | undefined> {
  const exists = async () =>
    (await tx.select({ id: agentInstances.id }).from(agentInstances).where(eq(agentInstances.id, values.id))).length >
    0;
  if (await exists()) return undefined;
  if ((await enforceInstanceLimit(tx, deps, caller.userId, exists)) === "created elsewhere") return undefined;
  const agentType = await ensureAgentType(tx, caller.userId, values.agentType);
  const [row] = await tx
    .insert(agentInstances)
    .values({
      id: values.id,
      userId: caller.userId,
      agentTypeId: agentType.id,
      name: values.name ?? null,
      instanceMetadata: values.metadata ?? null,
      startedAt: deps.now(),
      ...(values.lastHeartbeatAt ? { lastHeartbeatAt: values.lastHeartbeatAt } : {}),
    })
    .onConflictDoNothing({ target: agentInstances.id })
    .returning();
  if (!row) return undefined;
  return { row, agentTypeName: agentType.name, events: await announceNewSharedInstance(tx, row) };
}
