import { z } from "zod";
import { defineOperation } from "../operation.ts";
import { Uuid } from "../schemas.ts";

export const v1EndSession = defineOperation({
  id: "v1EndSession",
  audience: "agent",
  kind: "mutation",
  description:
    "Omnara v1: end the session. v1 always ended it COMPLETED; status (ours, optional) may say FAILED or DISCONNECTED instead.",
  input: z.object({
    agent_instance_id: Uuid,
    status: z.enum(["COMPLETED", "FAILED", "DISCONNECTED"]).default("COMPLETED"),
  }),
  output: z.object({
    success: z.literal(true),
    agent_instance_id: Uuid,
    final_status: z.enum(["COMPLETED", "FAILED", "DISCONNECTED"]),
  }),
  retry: "unsafe",
  rest: { method: "POST", path: "/api/v1/sessions/end" },
});
