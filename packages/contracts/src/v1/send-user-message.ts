import { z } from "zod";
import { defineOperation } from "../operation.ts";
import { IdempotencyKey, Uuid } from "../schemas.ts";
import { V1Content } from "./schemas.ts";

export const v1SendUserMessage = defineOperation({
  id: "v1SendUserMessage",
  audience: "agent",
  kind: "mutation",
  description:
    "Omnara v1: mirror what the user typed at the agent's terminal. With mark_as_read (the default) the agent's read cursor moves past it, so it is not delivered back as a reply.",
  input: z.object({
    agent_instance_id: Uuid,
    content: V1Content,
    mark_as_read: z.boolean().default(true),
    /** Ours, ignored by v1 clients. */
    idempotency_key: IdempotencyKey.optional(),
  }),
  output: z.object({ success: z.literal(true), message_id: Uuid, marked_as_read: z.boolean() }),
  retry: "unsafe",
  rest: { method: "POST", path: "/api/v1/messages/user" },
});
