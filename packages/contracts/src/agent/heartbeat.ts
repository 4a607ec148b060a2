import { z } from "zod";
import { defineOperation } from "../operation.ts";
import { IsoDateTime, Uuid } from "../schemas.ts";

export const heartbeat = defineOperation({
  id: "heartbeat",
  audience: "agent",
  kind: "mutation",
  description:
    "Tell the server the agent's process is alive. Send one every 30 seconds while a session is open; an instance without a heartbeat for 60 seconds shows as offline.",
  input: z.object({ agent_instance_id: Uuid }),
  output: z.object({ agent_instance_id: Uuid, last_heartbeat_at: IsoDateTime }),
  retry: "safe",
});
