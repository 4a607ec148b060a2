import { z } from "zod";
import { defineOperation } from "../operation.ts";
import { AgentInstance, Name, Uuid } from "../schemas.ts";

export const renameInstance = defineOperation({
  id: "renameInstance",
  audience: "user",
  access: { instance: "owner" },
  kind: "mutation",
  description: "Give an instance a display name.",
  input: z.object({ agent_instance_id: Uuid, name: Name }),
  output: AgentInstance,
  rest: { method: "PATCH", path: "/api/v1/agent-instances/{agent_instance_id}" },
});
