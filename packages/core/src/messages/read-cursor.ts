import type { BusEvent, Db } from "@omnara/db";
import { schema } from "@omnara/db";
import { eq, sql } from "drizzle-orm";
import { recordFeed } from "../events/feed.ts";
import type { InstanceRow } from "../instances/owned-instance.ts";
import { type MessageRow, userMessagesAfter } from "./queries.ts";

const { agentInstances } = schema;

/**
 * The agent's read cursor, as Omnara v1 kept it, plus acknowledgement.
 *
 * - `lastReadMessageId` (the cursor): the agent has read everything up to it.
 * - `deliveredMessageId`: the last reply a read handed out that the agent has not acknowledged.
 *
 * A read names the cursor it holds. Holding the cursor reads the replies after it; holding the
 * delivered reply acknowledges it (the cursor moves there) and reads what came after. Holding
 * anything else is `stale`: another reader moved on, and it gets nothing. Reads deliver but
 * never consume, so a reader that lost an answer (crashed between our response and its parse)
 * reads again with the cursor it held and gets the same replies. The agent's next message, or
 * a mirrored terminal message marked read, moves the cursor past everything and clears the
 * delivery: that is how the SDK's "ask, then carry on" acknowledges.
 */
export type ReadResult =
  /** `delivered`: the event to publish after commit when this read moved the delivery on (see recordHandover). */
  | { status: "ok"; messages: MessageRow[]; delivered: BusEvent | undefined }
  | { status: "stale"; messages: []; delivered: undefined };

/** What a held cursor may be: undefined peeks without delivering; null holds "nothing read yet". */
export type HeldCursor = string | null | undefined;

/** Runs in the caller's transaction, with the instance row locked. */
export async function readReplies(tx: Db, instance: InstanceRow, held: HeldCursor): Promise<ReadResult> {
  let cursor = instance.lastReadMessageId;
  if (held !== undefined) {
    const holdsDelivery = held !== null && held === instance.deliveredMessageId;
    if (!holdsDelivery && held !== cursor) return { status: "stale", messages: [], delivered: undefined };
    if (holdsDelivery) {
      cursor = held;
      await tx
        .update(agentInstances)
        .set({ lastReadMessageId: held, deliveredMessageId: null })
        .where(eq(agentInstances.id, instance.id));
    }
  }
  const replies = await userMessagesAfter(tx, instance.id, cursor);
  const delivered = held !== undefined ? await recordHandover(tx, instance, replies) : undefined;
  return { status: "ok", messages: replies, delivered };
}

const seqOf = (column: typeof agentInstances.lastReadMessageId | typeof agentInstances.deliveredMessageId) =>
  sql`coalesce((select m.seq from messages m where m.id = ${column}), 0)`;

/**
 * Notes that `replies` were handed to the agent (the delivery moves to the last). Never backward,
 * and never at or before the cursor, so two readers racing leave it at the later reply. When it
 * moved the delivery on (of readers racing for the same replies, exactly one), the screens must
 * learn that the instance's user messages went from queued to delivered: its feed row is written
 * in the read's transaction and the instance event returned, for the caller to publish after
 * commit (one-statement-delivery.ts does both in its statement).
 */
export async function recordHandover(
  tx: Db,
  instance: Pick<InstanceRow, "id" | "userId" | "status">,
  replies: readonly MessageRow[],
): Promise<BusEvent | undefined> {
  const last = replies[replies.length - 1];
  if (!last) return undefined;
  const moved = await tx
    .update(agentInstances)
    .set({ deliveredMessageId: last.id })
    .where(
      sql`${agentInstances.id} = ${instance.id} and ${seqOf(agentInstances.lastReadMessageId)} < ${last.seq} and ${seqOf(agentInstances.deliveredMessageId)} < ${last.seq}`,
    )
    .returning({ id: agentInstances.id });
  if (moved.length === 0) return undefined;
  const event: BusEvent = {
    type: "instance",
    userId: instance.userId,
    agentInstanceId: instance.id,
    status: instance.status,
  };
  await recordFeed(tx, [event]);
  return event;
}

/** Where "unread" starts for the agent's next message: after anything already handed out. */
export const unreadFrom = (instance: InstanceRow): string | null =>
  instance.deliveredMessageId ?? instance.lastReadMessageId;
