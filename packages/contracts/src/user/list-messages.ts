import { z } from "zod";
import { limits } from "../limits.ts";
import { defineOperation } from "../operation.ts";
import { Message, PageLimit, Uuid } from "../schemas.ts";

export const listMessages = defineOperation({
  id: "listMessages",
  audience: "user",
  access: { instance: "read" },
  kind: "query",
  description:
    "A page of an instance's messages in chronological order: the newest `limit` messages, or those just before before_message_id when paging back through history.",
  input: z.object({
    agent_instance_id: Uuid,
    before_message_id: Uuid.optional(),
    limit: PageLimit.default(limits.pageSize),
  }),
  output: z.object({ messages: z.array(Message), has_more: z.boolean() }),
  rest: { method: "GET", path: "/api/v1/agent-instances/{agent_instance_id}/messages" },
});
