import { z } from "zod";
import { defineOperation } from "../operation.ts";
import { AgentInstance, IsoDateTime, Uuid } from "../schemas.ts";

export const AgentTypeOverview = z.object({
  id: Uuid,
  name: z.string(),
  created_at: IsoDateTime,
  recent_instances: z.array(AgentInstance),
  total_instances: z.number().int(),
  active_instances: z.number().int(),
  awaiting_input_instances: z.number().int(),
});

export const listAgentTypes = defineOperation({
  id: "listAgentTypes",
  audience: "user",
  access: "account",
  kind: "query",
  description:
    "The user's agent types (Claude Code, Cursor, custom agents…), each with its most recent instances, instances waiting for input first, then by latest activity.",
  input: z.object({
    recent_limit: z.coerce.number().int().min(1).max(50).default(10),
  }),
  output: z.array(AgentTypeOverview),
  rest: { method: "GET", path: "/api/v1/agent-types" },
});
