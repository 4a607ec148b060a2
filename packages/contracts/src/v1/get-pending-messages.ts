import { z } from "zod";
import { defineOperation } from "../operation.ts";
import { Uuid } from "../schemas.ts";
import { V1Message, V1PendingStatus } from "./schemas.ts";

export const v1GetPendingMessages = defineOperation({
  id: "v1GetPendingMessages",
  audience: "agent",
  kind: "query",
  description:
    "Omnara v1: the user messages after the agent's read cursor. Pass the last_read_message_id you hold (your question's id, or the last reply you were given, which acknowledges it): status 'stale' with no messages says another reader moved the cursor past it. Replies handed out stay pending until acknowledged (by a read holding the last one, or by the agent's next message), so a reader that lost an answer gets it again by reading with the same cursor.",
  input: z.object({
    agent_instance_id: Uuid,
    last_read_message_id: Uuid.nullish(),
  }),
  output: z.object({
    agent_instance_id: Uuid,
    messages: z.array(V1Message),
    status: V1PendingStatus,
  }),
  retry: "safe",
  rest: { method: "GET", path: "/api/v1/messages/pending" },
});
