import { z } from "zod";
import { defineOperation } from "../operation.ts";
import { AgentInstance, Message, Uuid } from "../schemas.ts";

/**
 * One change the user's screens must show. Events carry whole rows, so a client applies them
 * without a re-query; `instance` also stands for heartbeats (its last_heartbeat_at moved).
 */
export const UserEvent = z.discriminatedUnion("type", [
  /**
   * First on every connection. `resumed` says the stream caught up from lastEventId; when
   * false, anything before this moment comes from the queries, so clients refetch them now.
   */
  z.object({ type: z.literal("connected"), resumed: z.boolean() }),
  z.object({ type: z.literal("message"), message: Message, instance: AgentInstance }),
  z.object({ type: z.literal("instance"), instance: AgentInstance }),
]);
export type UserEvent = z.infer<typeof UserEvent>;

export const events = defineOperation({
  id: "events",
  audience: "user",
  kind: "subscription",
  description:
    "Live changes to the user's instances and messages, over SSE. Each event has an id; reconnect with it as lastEventId and the stream resumes with every message stored since, none twice.",
  input: z.object({
    /** Only this instance's events; all of the user's when omitted. */
    agent_instance_id: Uuid.optional(),
    /** Set by tRPC's SSE link on reconnect: the id of the last event received. */
    lastEventId: z
      .string()
      .regex(/^\d{1,15}$/, "must be an event id from this stream")
      .nullish(),
  }),
  output: UserEvent,
});
