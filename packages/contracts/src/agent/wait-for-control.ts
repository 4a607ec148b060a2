import { z } from "zod";
import { limits } from "../limits.ts";
import { defineOperation } from "../operation.ts";
import { Uuid } from "../schemas.ts";

/** What the user asked of a working agent: interrupt its turn, or stop the session. */
export const Control = z.enum(["interrupt", "stop"]);
export type Control = z.infer<typeof Control>;

export const waitForControl = defineOperation({
  id: "waitForControl",
  audience: "agent",
  kind: "query",
  description:
    "While working, wait for the user to interrupt or stop you (pushed by the server, no polling). control says which: 'interrupt' (stop the current turn, keep the session open and wait for the user; each interrupt is answered once, to this wait, a reply wait or your next message, whichever comes first), 'stop' (the user stopped the session, or it ended: exit), or 'none' when timeout_seconds passed: call again.",
  input: z.object({
    agent_instance_id: Uuid,
    timeout_seconds: z.coerce.number().int().min(0).max(limits.maxWaitSeconds).default(limits.defaultWaitSeconds),
  }),
  output: z.object({
    agent_instance_id: Uuid,
    control: z.enum(["interrupt", "stop", "none"]),
  }),
  rest: { method: "GET", path: "/api/v1/agent-instances/{agent_instance_id}/control" },
  // Taking an interrupt is once, but a repeat only waits for the next: nothing is stored twice.
  retry: "safe",
  waits: { seconds: "timeout_seconds" },
});
