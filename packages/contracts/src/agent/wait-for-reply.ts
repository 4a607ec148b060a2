import { z } from "zod";
import { limits } from "../limits.ts";
import { defineOperation } from "../operation.ts";
import { Message, Uuid } from "../schemas.ts";

export const waitForReply = defineOperation({
  id: "waitForReply",
  audience: "agent",
  kind: "query",
  description:
    "Block until the user replies after the given message, or until timeout_seconds pass. The server pushes the reply the moment it is stored; there is no polling. status says which happened: 'replied' with the user's messages after after_message_id; replies handed out stay pending until your next message acknowledges them, so a wait whose answer was lost can be repeated; 'timeout' with none, call again to keep waiting; or 'ended' when the session is over (the user marked it completed or deleted it, or it ended COMPLETED or FAILED): no reply will come, stop waiting; or 'interrupted' when the user interrupted you from the dashboard (the control signal: stop the current task and wait for the user's next message; replies, if any, stay pending for the next wait).",
  input: z.object({
    agent_instance_id: Uuid,
    after_message_id: Uuid,
    timeout_seconds: z.coerce.number().int().min(0).max(limits.maxWaitSeconds).default(limits.defaultWaitSeconds),
  }),
  output: z.object({
    status: z.enum(["replied", "timeout", "ended", "interrupted"]),
    agent_instance_id: Uuid,
    messages: z.array(Message),
  }),
  rest: { method: "GET", path: "/api/v1/messages/wait" },
  retry: "safe",
  waits: { seconds: "timeout_seconds" },
});
