import { z } from "zod";
import { defineOperation } from "../operation.ts";
import { InstanceStatus, Metadata, Name, Uuid } from "../schemas.ts";
import { orAbsent, V1AgentType } from "./schemas.ts";

export const v1RegisterInstance = defineOperation({
  id: "v1RegisterInstance",
  audience: "agent",
  kind: "mutation",
  description:
    "Omnara v1: create an agent instance before its first message. 409 'Agent instance already exists' when the id is taken; the SDK then reads it with GET /api/v1/agent-instances/{id}.",
  input: z.object({
    agent_type: V1AgentType,
    agent_instance_id: orAbsent(Uuid),
    name: orAbsent(Name),
    transport: orAbsent(z.string().max(32)),
  }),
  output: z.object({
    agent_instance_id: Uuid,
    agent_type_id: Uuid.nullable(),
    agent_type_name: z.string().nullable(),
    status: InstanceStatus,
    name: z.string().nullable(),
    instance_metadata: Metadata.nullable(),
  }),
  retry: "unsafe",
  rest: { method: "POST", path: "/api/v1/agent-instances", status: 201 },
});
