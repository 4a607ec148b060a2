import { z } from "zod";
import { limits } from "../limits.ts";
import { defineOperation } from "../operation.ts";
import { AgentInstance, InstanceStatus, PageLimit, Uuid } from "../schemas.ts";

export const listInstances = defineOperation({
  id: "listInstances",
  audience: "user",
  access: "account",
  kind: "query",
  description:
    "The user's agent instances, newest first, optionally filtered by status (one or several), agent type and a search text (case-insensitive, in the instance's or its agent type's name). Pass next_cursor back as cursor for the next page.",
  input: z.object({
    status: z
      .union([InstanceStatus, z.array(InstanceStatus)])
      .transform((value) => (Array.isArray(value) ? value : [value]))
      .optional(),
    agent_type_id: Uuid.optional(),
    search: z.string().trim().max(limits.nameChars).optional(),
    limit: PageLimit.default(limits.pageSize),
    cursor: Uuid.optional(),
  }),
  output: z.object({ instances: z.array(AgentInstance), next_cursor: Uuid.nullable() }),
  rest: { method: "GET", path: "/api/v1/agent-instances" },
});
