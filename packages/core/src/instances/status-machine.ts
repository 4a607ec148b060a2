import { type InstanceStatus, OmnaraError } from "@omnara/contracts";
import type { BusEvent, Db } from "@omnara/db";
import { schema } from "@omnara/db";
import { and, eq } from "drizzle-orm";
import type { PgUpdateSetSource } from "drizzle-orm/pg-core";
import { recordFeed } from "../events/feed.ts";
import { notFound } from "../not-found.ts";
import { enqueueEventWebhooks } from "../webhooks/enqueue.ts";
import type { InstanceRow } from "./owned-instance.ts";

const { agentInstances } = schema;

/** Everything that may change an instance's status, from the agent, the user or the process. */
export const instanceEvents = [
  "step",
  "question",
  "requestInput",
  "userReply",
  "heartbeat",
  "endCompleted",
  "endFailed",
  /** end_session DISCONNECTED: the agent's process went away without finishing. */
  "processGone",
  "markCompleted",
  "delete",
] as const;
export type InstanceEvent = (typeof instanceEvents)[number];

/** What an event does from a status: the status after it, or a refusal that changes nothing. */
export type Outcome = InstanceStatus | { reject: "NOT_FOUND" | "CONFLICT" };

const FINISHED_QUESTION: Outcome = { reject: "CONFLICT" };
const GONE: Outcome = { reject: "NOT_FOUND" };

/** A finished instance keeps its status against agent activity; only delete moves it on. */
const finished = (status: "COMPLETED" | "FAILED"): Record<InstanceEvent, Outcome> => ({
  step: status,
  question: FINISHED_QUESTION,
  requestInput: FINISHED_QUESTION,
  userReply: status,
  heartbeat: status,
  endCompleted: status,
  endFailed: status,
  processGone: status,
  markCompleted: status,
  delete: "DELETED",
});

/**
 * The status machine, the only place that decides a status (README "The status machine" is
 * tested against it). Notable rows: a heartbeat never ends a wait (AWAITING_INPUT stays);
 * COMPLETED (by the agent or the user) and FAILED are final against every agent event; a step
 * to a finished instance is stored and leaves it finished (as Omnara did); a question to one is
 * refused with CONFLICT, so no agent waits on something the dashboard shows as done.
 */
export const transitions: Record<InstanceStatus, Record<InstanceEvent, Outcome>> = {
  ACTIVE: {
    step: "ACTIVE",
    question: "AWAITING_INPUT",
    requestInput: "AWAITING_INPUT",
    userReply: "ACTIVE",
    heartbeat: "ACTIVE",
    endCompleted: "COMPLETED",
    endFailed: "FAILED",
    processGone: "DISCONNECTED",
    markCompleted: "COMPLETED",
    delete: "DELETED",
  },
  AWAITING_INPUT: {
    step: "ACTIVE",
    question: "AWAITING_INPUT",
    requestInput: "AWAITING_INPUT",
    userReply: "ACTIVE",
    heartbeat: "AWAITING_INPUT",
    endCompleted: "COMPLETED",
    endFailed: "FAILED",
    processGone: "DISCONNECTED",
    markCompleted: "COMPLETED",
    delete: "DELETED",
  },
  DISCONNECTED: {
    step: "ACTIVE",
    question: "AWAITING_INPUT",
    requestInput: "AWAITING_INPUT",
    userReply: "DISCONNECTED",
    heartbeat: "ACTIVE",
    endCompleted: "COMPLETED",
    endFailed: "FAILED",
    processGone: "DISCONNECTED",
    markCompleted: "COMPLETED",
    delete: "DELETED",
  },
  COMPLETED: finished("COMPLETED"),
  FAILED: finished("FAILED"),
  DELETED: {
    step: GONE,
    question: GONE,
    requestInput: GONE,
    userReply: GONE,
    heartbeat: GONE,
    endCompleted: GONE,
    endFailed: GONE,
    processGone: GONE,
    markCompleted: GONE,
    delete: GONE,
  },
};

/** A wait on an instance in one of these ends: nobody will answer it here any more. */
export const isEnded = (status: InstanceStatus): boolean =>
  status === "COMPLETED" || status === "FAILED" || status === "DELETED";

/** The status after `event`, or the OmnaraError that refuses it. */
export function nextStatus(from: InstanceStatus, event: InstanceEvent, instanceId: string): InstanceStatus {
  const outcome = transitions[from][event];
  if (typeof outcome === "string") return outcome;
  if (outcome.reject === "NOT_FOUND") throw notFound(`Agent instance ${instanceId}`);
  throw new OmnaraError(
    "CONFLICT",
    `Agent instance ${instanceId} is ${from}: it takes no more questions. Start a new session to ask the user.`,
  );
}

export interface AppliedEvent {
  before: InstanceRow;
  after: InstanceRow;
  /** The status event to publish after commit, when the status changed. */
  events: BusEvent[];
}

export interface ApplyOptions {
  /** The row, already locked FOR UPDATE in this transaction by the caller. */
  locked?: InstanceRow | undefined;
  /** Other columns to write with the status; given the row before and the status after. */
  patch?: (before: InstanceRow, to: InstanceStatus) => Omit<PgUpdateSetSource<typeof agentInstances>, "status">;
}

/**
 * Applies `event` to the caller's instance inside the writer's transaction `tx`: the row is
 * locked (FOR UPDATE), so two writers of one instance are serialized and each decides from the
 * status the other left, never from a stale read. A refusal throws and rolls the writer back.
 */
export async function applyInstanceEvent(
  tx: Db,
  owner: { userId: string; instanceId: string },
  event: InstanceEvent,
  options: ApplyOptions = {},
): Promise<AppliedEvent> {
  const before = options.locked ?? (await lockInstance(tx, owner.userId, owner.instanceId));
  const to = nextStatus(before.status, event, owner.instanceId);
  const [after] = await tx
    .update(agentInstances)
    .set({ ...options.patch?.(before, to), status: to })
    .where(eq(agentInstances.id, before.id))
    .returning();
  if (!after) throw notFound(`Agent instance ${owner.instanceId}`);
  const events: BusEvent[] =
    to === before.status ? [] : [{ type: "instance", userId: owner.userId, agentInstanceId: before.id, status: to }];
  // Every status change reaches the dashboards' feed in the same transaction, whoever caused it.
  await recordFeed(tx, events);
  if (to !== before.status && (to === "COMPLETED" || to === "FAILED")) {
    const cause = { userId: owner.userId, agentInstanceId: before.id };
    // Final states are left only by delete, so this is once per instance.
    await enqueueEventWebhooks(
      tx,
      { ...cause, event: "session_ended", key: before.id, data: { status: to } },
      new Date(),
    );
  }
  return { before, after, events };
}

/** The caller's instance row locked for this transaction, DELETED included (the table refuses it). */
async function lockInstance(tx: Db, userId: string, instanceId: string): Promise<InstanceRow> {
  const [row] = await tx
    .select()
    .from(agentInstances)
    .where(and(eq(agentInstances.id, instanceId), eq(agentInstances.userId, userId)))
    .for("update");
  if (!row) throw notFound(`Agent instance ${instanceId}`);
  return row;
}
