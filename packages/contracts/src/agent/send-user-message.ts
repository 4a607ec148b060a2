import { z } from "zod";
import { defineOperation } from "../operation.ts";
import { IdempotencyKey, MessageText, Uuid } from "../schemas.ts";

export const sendUserMessage = defineOperation({
  id: "sendUserMessage",
  audience: "agent",
  kind: "mutation",
  description:
    "Mirror a message the user typed at the agent's own terminal into the instance, so the dashboard shows it. With mark_as_read (the default) the agent's read cursor moves past it, so it is not delivered back to the agent as a reply. A retry with the same idempotency_key stores one message.",
  input: z.object({
    agent_instance_id: Uuid,
    content: MessageText,
    mark_as_read: z.boolean().default(true),
    idempotency_key: IdempotencyKey.optional(),
  }),
  output: z.object({ success: z.literal(true), message_id: Uuid, marked_as_read: z.boolean() }),
  // Clients choose the idempotency_key once per call, so a repeat stores one message.
  retry: "safe",
});
