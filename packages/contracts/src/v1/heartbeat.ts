import { z } from "zod";
import { defineOperation } from "../operation.ts";
import { IsoDateTime, Uuid } from "../schemas.ts";

export const v1Heartbeat = defineOperation({
  id: "v1Heartbeat",
  audience: "agent",
  kind: "mutation",
  description:
    "Omnara v1: the agent's process is alive; its wrappers send one every 30 s. An instance silent for 60 s shows as offline.",
  input: z.object({ agent_instance_id: Uuid }),
  output: z.object({ agent_instance_id: Uuid, last_heartbeat_at: IsoDateTime }),
  retry: "unsafe",
  rest: { method: "POST", path: "/api/v1/agents/instances/{agent_instance_id}/heartbeat" },
});
