import { z } from "zod";
import { defineOperation } from "../operation.ts";
import { Message, PendingStatus, Uuid } from "../schemas.ts";

export const requestInput = defineOperation({
  id: "requestInput",
  audience: "agent",
  kind: "mutation",
  description:
    "Turn an earlier agent message into a question. If the user already replied after it, those replies come back at once (status 'ok', marked read); otherwise the instance shows as waiting for input and messages is empty. Calling it again on the same message is harmless and answers the same way.",
  input: z.object({ message_id: Uuid }),
  output: z.object({
    success: z.literal(true),
    message_id: Uuid,
    agent_instance_id: Uuid,
    messages: z.array(Message),
    status: PendingStatus,
  }),
  retry: "safe",
});
