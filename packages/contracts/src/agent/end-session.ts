import { z } from "zod";
import { defineOperation } from "../operation.ts";
import { Uuid } from "../schemas.ts";

export const endSession = defineOperation({
  id: "endSession",
  audience: "agent",
  kind: "mutation",
  description:
    "End the agent's session; call it once your task is finished (confirm with ask_question first) or abandoned. status COMPLETED (the default) when the work is done, FAILED when it could not be done, DISCONNECTED when the agent's process is going away without finishing (it may resume later).",
  input: z.object({
    agent_instance_id: Uuid,
    status: z.enum(["COMPLETED", "FAILED", "DISCONNECTED"]).default("COMPLETED"),
  }),
  output: z.object({
    success: z.literal(true),
    agent_instance_id: Uuid,
    final_status: z.enum(["COMPLETED", "FAILED", "DISCONNECTED"]),
  }),
  mcp: { tool: "end_session" },
  retry: "safe",
});
