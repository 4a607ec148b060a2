import { z } from "zod";
import { defineOperation } from "../operation.ts";
import { Uuid } from "../schemas.ts";
import { V1Message, V1PendingStatus } from "./schemas.ts";

export const v1RequestInput = defineOperation({
  id: "v1RequestInput",
  audience: "agent",
  kind: "mutation",
  description:
    "Omnara v1: turn an earlier agent message into a question. 400 'Message already requires user input' if it already is one. Replies already stored after it come back at once; otherwise the instance waits for input and the user is notified. status 'stale' when the agent's cursor has moved past the message (its replies went to another reader).",
  input: z.object({ message_id: Uuid }),
  output: z.object({
    success: z.literal(true),
    message_id: Uuid,
    agent_instance_id: Uuid,
    messages: z.array(V1Message),
    status: V1PendingStatus,
  }),
  retry: "unsafe",
  rest: { method: "PATCH", path: "/api/v1/messages/{message_id}/request-input" },
});
