import { z } from "zod";
import { defineOperation } from "../operation.ts";
import { Uuid } from "../schemas.ts";

export const getSummary = defineOperation({
  id: "getSummary",
  audience: "user",
  access: "account",
  kind: "query",
  description:
    "Counts of the user's instances by state, overall and per agent type. working (ACTIVE), awaiting_input (waiting for the user, its agent heard from within 60 s), offline (DISCONNECTED, or waiting with its agent silent for 60 s), completed and failed never overlap and add up to total; active is working + awaiting_input.",
  input: z.object({}),
  output: z.object({
    total_instances: z.number().int(),
    active_instances: z.number().int(),
    working_instances: z.number().int(),
    awaiting_input_instances: z.number().int(),
    offline_instances: z.number().int(),
    completed_instances: z.number().int(),
    failed_instances: z.number().int(),
    agent_types: z.array(
      z.object({
        id: Uuid,
        name: z.string(),
        total_instances: z.number().int(),
        active_instances: z.number().int(),
      }),
    ),
  }),
  rest: { method: "GET", path: "/api/v1/agent-summary" },
});
