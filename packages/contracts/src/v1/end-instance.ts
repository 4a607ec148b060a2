import { z } from "zod";
import { defineOperation } from "../operation.ts";
import { Uuid } from "../schemas.ts";
import { V1AgentInstance } from "./schemas.ts";

export const v1EndInstance = defineOperation({
  id: "v1EndInstance",
  audience: "agent",
  kind: "mutation",
  description:
    "Omnara v1, with an agent key: end one of the key's user's instances as COMPLETED or FAILED (the SDK's update_agent_instance_status). Any other status is 400 'Status update not supported'.",
  input: z.object({ agent_instance_id: Uuid, status: z.string().max(32) }),
  output: V1AgentInstance,
  // Ending an ended instance as it already is answers the same again (the status machine).
  retry: "safe",
  rest: { method: "PUT", path: "/api/v1/agent-instances/{agent_instance_id}/status" },
});
