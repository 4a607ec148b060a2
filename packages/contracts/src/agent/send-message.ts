import { z } from "zod";
import { defineOperation } from "../operation.ts";
import { GitDiff, IdempotencyKey, Message, MessageText, Metadata, Name, Uuid } from "../schemas.ts";

export const sendMessage = defineOperation({
  id: "sendMessage",
  audience: "agent",
  kind: "mutation",
  description:
    "Send a message from the agent to its user: a progress step, or a question when requires_user_input is true (the instance then shows as waiting for input and the user is notified). The first message with a new client-chosen agent_instance_id creates the instance, so agent_type is required then. Returns the instance id, the new message id, and every user reply queued since the agent last read, marking them read; interrupted: true when the user interrupted you from the dashboard (stop the current task and wait for them). Repeat a send with the same idempotency_key after a network error: it stores one message.",
  input: z.object({
    agent_instance_id: Uuid,
    agent_type: Name.optional(),
    content: MessageText,
    requires_user_input: z.boolean().default(false),
    name: Name.optional(),
    git_diff: GitDiff.optional(),
    message_metadata: Metadata.optional(),
    idempotency_key: IdempotencyKey.optional(),
    send_push: z.boolean().optional(),
    send_email: z.boolean().optional(),
    send_sms: z.boolean().optional(),
  }),
  output: z.object({
    success: z.literal(true),
    agent_instance_id: Uuid,
    message_id: Uuid,
    queued_user_messages: z.array(Message),
    /** Present and true when the user interrupted the agent since its last message or wait. */
    interrupted: z.literal(true).optional(),
  }),
  // Clients choose the idempotency_key once per call, so a repeat stores one message.
  retry: "safe",
});
