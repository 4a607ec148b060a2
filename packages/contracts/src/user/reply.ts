import { z } from "zod";
import { defineOperation } from "../operation.ts";
import { IdempotencyKey, Message, MessageText, Uuid } from "../schemas.ts";

export const reply = defineOperation({
  id: "reply",
  audience: "user",
  access: { instance: "write" },
  kind: "mutation",
  description:
    "Reply to an agent instance as the user. A waiting agent receives it at once; the instance becomes ACTIVE again. A retry with the same idempotency_key stores one message. With question_id (the question being answered, e.g. a tapped option) the first answer wins: once the question has been answered (from another tab or device, or in the agent's terminal) the reply is refused with CONFLICT, and the message says who answered and what.",
  input: z.object({
    agent_instance_id: Uuid,
    content: MessageText,
    idempotency_key: IdempotencyKey.optional(),
    question_id: Uuid.optional(),
  }),
  output: Message,
  rest: {
    method: "POST",
    path: "/api/v1/agent-instances/{agent_instance_id}/messages",
    status: 201,
  },
});
