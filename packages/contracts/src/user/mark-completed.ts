import { z } from "zod";
import { defineOperation } from "../operation.ts";
import { AgentInstance, Uuid } from "../schemas.ts";

export const markCompleted = defineOperation({
  id: "markCompleted",
  audience: "user",
  access: { instance: "write" },
  kind: "mutation",
  description: "Mark an instance completed from the dashboard.",
  input: z.object({ agent_instance_id: Uuid, status: z.literal("COMPLETED").default("COMPLETED") }),
  output: AgentInstance,
  rest: { method: "PUT", path: "/api/v1/agent-instances/{agent_instance_id}/status" },
});
