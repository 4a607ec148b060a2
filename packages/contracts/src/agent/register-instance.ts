import { z } from "zod";
import { defineOperation } from "../operation.ts";
import { InstanceStatus, Metadata, Name, Uuid } from "../schemas.ts";

export const registerInstance = defineOperation({
  id: "registerInstance",
  audience: "agent",
  kind: "mutation",
  description:
    "Create an agent instance (one session of an agent) before sending any message, for example to show it on the dashboard while the agent starts. A 409 says the id is already registered.",
  input: z.object({
    agent_type: Name,
    agent_instance_id: Uuid.optional(),
    name: Name.optional(),
    transport: z.string().max(32).optional(),
    instance_metadata: Metadata.optional(),
  }),
  output: z.object({
    agent_instance_id: Uuid,
    agent_type_id: Uuid,
    agent_type_name: z.string(),
    status: InstanceStatus,
    name: z.string().nullable(),
    instance_metadata: Metadata.nullable(),
  }),
  retry: "safe",
});
