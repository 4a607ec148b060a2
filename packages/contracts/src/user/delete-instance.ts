import { z } from "zod";
import { defineOperation } from "../operation.ts";
import { Uuid } from "../schemas.ts";

export const deleteInstance = defineOperation({
  id: "deleteInstance",
  audience: "user",
  access: { instance: "owner" },
  kind: "mutation",
  description:
    "Delete an instance: it is marked DELETED and hidden, and its messages are removed. Agents still holding its id get 404.",
  input: z.object({ agent_instance_id: Uuid }),
  output: z.object({ success: z.literal(true) }),
  rest: { method: "DELETE", path: "/api/v1/agent-instances/{agent_instance_id}" },
});
