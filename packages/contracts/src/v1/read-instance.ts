import { z } from "zod";
import { limits } from "../limits.ts";
import { defineOperation } from "../operation.ts";
import { InstanceStatus, IsoDateTime, Metadata, Uuid } from "../schemas.ts";
import { orAbsent, V1Message } from "./schemas.ts";

/**
 * `AgentInstanceDetail` of the original read API, which v1 served to users only; we let an
 * agent key read its own user's instances (the SDK's 409 fallback). Messages on agent paths
 * have the five v1 fields.
 */
export const v1ReadInstance = defineOperation({
  id: "v1ReadInstance",
  audience: "agent",
  kind: "query",
  description:
    "Omnara v1, with an agent key: one instance of the key's user with its newest message_limit messages (0 for none) in chronological order, before before_message_id when given. Another user's instance is not found.",
  input: z.object({
    agent_instance_id: Uuid,
    message_limit: z.coerce.number().int().min(0).max(limits.maxPageSize).default(50),
    before_message_id: orAbsent(Uuid),
  }),
  output: z.object({
    id: Uuid,
    agent_type_id: Uuid,
    agent_type_name: z.string(),
    status: InstanceStatus,
    started_at: IsoDateTime,
    ended_at: IsoDateTime.nullable(),
    git_diff: z.string().nullable(),
    messages: z.array(V1Message),
    last_read_message_id: Uuid.nullable(),
    last_heartbeat_at: IsoDateTime.nullable(),
    access_level: z.enum(["READ", "WRITE"]),
    is_owner: z.boolean(),
    instance_metadata: Metadata.nullable(),
  }),
  retry: "safe",
  rest: { method: "GET", path: "/api/v1/agent-instances/{agent_instance_id}" },
});
