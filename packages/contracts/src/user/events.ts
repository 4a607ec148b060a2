import { z } from "zod";
import { defineOperation } from "../operation.ts";
import { AgentInstance, IsoDateTime, Message, Uuid } from "../schemas.ts";
import { getSummary } from "./get-summary.ts";

const XID8_MAX = 2n ** 64n - 1n;
const BIGINT_MAX = 2n ** 63n - 1n;

/**
 * A position in the user's change feed, `<transaction id>.<event number>`: everything up to and
 * including it was delivered. Both parts are bounded by their Postgres types (xid8, bigint), so
 * an absurd id is a 400, never a failed query.
 */
export const EventId = z.string().refine((id) => {
  const match = /^(\d{1,20})\.(\d{1,19})$/.exec(id);
  return match !== null && BigInt(match[1] ?? "") <= XID8_MAX && BigInt(match[2] ?? "") <= BIGINT_MAX;
}, "must be an event id from this stream");

/**
 * One change the user's screens must show. Events carry whole rows, so a client applies them to
 * what it holds without a re-query.
 */
export const UserEvent = z.discriminatedUnion("type", [
  /**
   * First on every connection. `resumed` says the stream continues from lastEventId (what was
   * missed follows); when false, anything before this moment comes from the queries, so clients
   * fetch them now.
   */
  z.object({ type: z.literal("connected"), resumed: z.boolean() }),
  /**
   * The stream cannot replay what was missed (too much of it, or an unknown position): the client
   * fetches its queries once; the stream goes on live from here.
   */
  z.object({ type: z.literal("resync"), reason: z.enum(["too_far_behind", "unknown_position"]) }),
  /** A message stored, or changed (an agent step turned into a question). */
  z.object({ type: z.literal("message"), message: Message, instance: AgentInstance }),
  /**
   * Another user shared an instance with this user (instance, marked shared) or stopped sharing
   * it (null): add it to the lists, or drop it.
   */
  z.object({ type: z.literal("access"), agent_instance_id: Uuid, instance: AgentInstance.nullable() }),
  /** An instance's status or name changed (DELETED included). */
  z.object({ type: z.literal("instance"), instance: AgentInstance }),
  /**
   * The counts after status changes, as getSummary would answer now, and the waiting count of each
   * agent type (listAgentTypes): they replace the client's.
   */
  z.object({
    type: z.literal("summary"),
    summary: getSummary.output,
    awaiting_by_agent_type: z.record(Uuid, z.number().int()),
  }),
  /**
   * The user's teams or team invites changed (an invite, a join, a role, a removal, a team
   * deleted): fetch the team queries anew. Not replayed on resume; a client refetches them on
   * every connection.
   */
  z.object({ type: z.literal("teams") }),
  /** Agents that reported alive, coalesced: at most one of these a second, the latest per instance. */
  z.object({
    type: z.literal("heartbeats"),
    heartbeats: z.array(z.object({ agent_instance_id: Uuid, last_heartbeat_at: IsoDateTime })),
  }),
]);
export type UserEvent = z.infer<typeof UserEvent>;

export const events = defineOperation({
  id: "events",
  audience: "user",
  access: { instance: "read", optional: true },
  kind: "subscription",
  description:
    "Live changes to the user's instances and messages, over SSE. Each event has an id; reconnect with it as lastEventId and the stream replays every change committed since, in commit order, none twice (or says resync when that is more than it replays).",
  input: z.object({
    /** Only this instance's events; all of the user's when omitted. */
    agent_instance_id: Uuid.optional(),
    /** Set by tRPC's SSE link on reconnect: the id of the last event received. */
    lastEventId: EventId.nullish(),
  }),
  output: UserEvent,
});
