import { z } from "zod";
import { defineOperation } from "../operation.ts";
import { AgentInstance, Message, Uuid } from "../schemas.ts";

export const InstanceDetail = AgentInstance.extend({
  git_diff: z.string().nullable(),
  last_read_message_id: Uuid.nullable(),
  messages: z.array(Message),
  has_more_messages: z.boolean(),
});

export const getInstance = defineOperation({
  id: "getInstance",
  audience: "user",
  access: { instance: "read" },
  kind: "query",
  description:
    "One instance with its latest git diff and its newest messages in chronological order; older messages come from listMessages.",
  input: z.object({ agent_instance_id: Uuid }),
  output: InstanceDetail,
  rest: { method: "GET", path: "/api/v1/agent-instances/{agent_instance_id}" },
});
