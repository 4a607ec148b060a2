import { z } from "zod";
import { defineOperation } from "../operation.ts";
import { Message, PendingStatus, Uuid } from "../schemas.ts";

export const getPendingMessages = defineOperation({
  id: "getPendingMessages",
  audience: "agent",
  kind: "query",
  description:
    "Read the user messages that arrived after the agent's read cursor and move the cursor past them. Pass the last_read_message_id you hold: if another reader has moved the cursor since, the answer is status 'stale' with no messages, so each reply is consumed once.",
  input: z.object({
    agent_instance_id: Uuid,
    last_read_message_id: Uuid.nullish(),
  }),
  output: z.object({
    agent_instance_id: Uuid,
    messages: z.array(Message),
    status: PendingStatus,
  }),
  retry: "safe",
});
