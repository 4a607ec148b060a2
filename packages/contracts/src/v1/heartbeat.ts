import { heartbeat } from "../agent/heartbeat.ts";
import { defineOperation } from "../operation.ts";

export const v1Heartbeat = defineOperation({
  id: "v1Heartbeat",
  audience: "agent",
  kind: "mutation",
  description:
    "Omnara v1: the agent's process is alive; its wrappers send one every 30 s. An instance silent for 60 s shows as offline.",
  // The same wire shapes as ours: only the id, the description and the bindings differ.
  input: heartbeat.input,
  output: heartbeat.output,
  // The same core call as ours, so as idempotent as ours.
  retry: "safe",
  rest: { method: "POST", path: "/api/v1/agents/instances/{agent_instance_id}/heartbeat" },
});
