import { z } from "zod";
import { defineOperation } from "../operation.ts";
import { GitDiff, IdempotencyKey, Metadata, Name, Uuid } from "../schemas.ts";
import { orAbsent, V1AgentType, V1Content, V1Message } from "./schemas.ts";

export const v1SendMessage = defineOperation({
  id: "v1SendMessage",
  audience: "agent",
  kind: "mutation",
  description:
    "Omnara v1: send a step, or a question when requires_user_input is true. A new client-chosen agent_instance_id creates the instance (agent_type required then). queued_user_messages are the user replies the agent had not read yet; they are marked read. send_push/send_email choose the notification channels of this message (see the README's notification rule).",
  input: z.object({
    agent_instance_id: Uuid,
    agent_type: orAbsent(V1AgentType),
    content: V1Content,
    requires_user_input: z.boolean().default(false),
    send_email: orAbsent(z.boolean()),
    send_sms: orAbsent(z.boolean()),
    send_push: orAbsent(z.boolean()),
    git_diff: orAbsent(GitDiff),
    message_metadata: orAbsent(Metadata),
    /** Ours, ignored by v1 clients: a retried send with the same key stores one message. */
    idempotency_key: IdempotencyKey.optional(),
    /** Ours: a display name for a new instance. */
    name: Name.optional(),
  }),
  output: z.object({
    success: z.literal(true),
    agent_instance_id: Uuid,
    message_id: Uuid,
    queued_user_messages: z.array(V1Message),
  }),
  retry: "unsafe",
  rest: { method: "POST", path: "/api/v1/messages/agent" },
});
