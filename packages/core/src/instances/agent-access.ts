import { OmnaraError, type OperationArgs, type OperationOutput, type v1Operations } from "@omnara/contracts";
import type { AgentCaller, CoreDeps } from "../deps.ts";

import { messagePage } from "../messages/list-messages.ts";
import { findMessage } from "../messages/queries.ts";
import { iso, isoOrNull, toInstance } from "../serialize.ts";
import { endSession } from "./lifecycle.ts";
import { agentTypeName, loadOwnedInstance } from "./owned-instance.ts";

type Op = typeof v1Operations;

/**
 * An agent key reads its own user's instance (Omnara's SDK does on a 409 from register). The
 * key's user owns it, so the access is the owner's.
 */
export async function readInstance(
  deps: CoreDeps,
  caller: AgentCaller,
  input: OperationArgs<Op["v1ReadInstance"]>,
): Promise<OperationOutput<Op["v1ReadInstance"]>> {
  const instance = await loadOwnedInstance(deps.db, caller.userId, input.agent_instance_id);
  // v1 ignored a cursor it could not find and paged from the newest.
  const before = input.before_message_id ? await findMessage(deps.db, input.before_message_id) : undefined;
  const beforeSeq = before?.agentInstanceId === instance.id ? before.seq : undefined;
  const [typeName, page] = await Promise.all([
    agentTypeName(deps.db, instance.agentTypeId),
    input.message_limit > 0 ? messagePage(deps.db, instance, input.message_limit, beforeSeq) : { messages: [] },
  ]);
  return {
    id: instance.id,
    agent_type_id: instance.agentTypeId,
    agent_type_name: typeName,
    status: instance.status,
    started_at: iso(instance.startedAt),
    ended_at: isoOrNull(instance.endedAt),
    git_diff: instance.gitDiff,
    messages: page.messages,
    last_read_message_id: instance.lastReadMessageId,
    last_heartbeat_at: isoOrNull(instance.lastHeartbeatAt),
    access_level: "WRITE",
    is_owner: true,
    instance_metadata: instance.instanceMetadata ?? null,
  };
}

const endStatuses = new Set(["COMPLETED", "FAILED"] as const);
const isEndStatus = (status: string): status is "COMPLETED" | "FAILED" => status === "COMPLETED" || status === "FAILED";

/** An agent key ends its own user's instance (Omnara's SDK update_agent_instance_status). */
export async function endInstance(
  deps: CoreDeps,
  caller: AgentCaller,
  input: OperationArgs<Op["v1EndInstance"]>,
): Promise<OperationOutput<Op["v1EndInstance"]>> {
  const status = input.status.toUpperCase();
  if (!isEndStatus(status)) {
    throw new OmnaraError("BAD_REQUEST", "Status update not supported", {
      issues: [{ path: "status", message: `one of ${[...endStatuses].join(", ")}` }],
    });
  }
  await endSession(deps, caller, { agent_instance_id: input.agent_instance_id, status });
  const instance = await loadOwnedInstance(deps.db, caller.userId, input.agent_instance_id);
  return toInstance(instance, await agentTypeName(deps.db, instance.agentTypeId));
}
