import type { BusEvent, Db } from "@omnara/db";
import { schema } from "@omnara/db";
import { eq, sql } from "drizzle-orm";
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
  /** `delivered`: this read moved the delivery on (see deliveredEvent). */
  { status: "ok"; messages: MessageRow[]; delivered: boolean } | { status: "stale"; messages: []; delivered: false };

/** What a held cursor may be: undefined peeks without delivering; null holds "nothing read yet". */
export type HeldCursor = string | null | undefined;

/** Runs in the caller's transaction, with the instance row locked. */
export async function readReplies(tx: Db, instance: InstanceRow, held: HeldCursor): Promise<ReadResult> {
  let cursor = instance.lastReadMessageId;
  if (held !== undefined) {
    const holdsDelivery = held !== null && held === instance.deliveredMessageId;
    if (!holdsDelivery && held !== cursor) return { status: "stale", messages: [], delivered: false };
    if (holdsDelivery) {
      cursor = held;
      await tx
        .update(agentInstances)
        .set({ lastReadMessageId: held, deliveredMessageId: null })
        .where(eq(agentInstances.id, instance.id));
    }
  }
  const replies = await userMessagesAfter(tx, instance.id, cursor);
  const last = replies[replies.length - 1];
  const delivered = held !== undefined && last !== undefined && (await recordDelivery(tx, instance.id, last));
  return { status: "ok", messages: replies, delivered };
}

const seqOf = (column: typeof agentInstances.lastReadMessageId | typeof agentInstances.deliveredMessageId) =>
  sql`coalesce((select m.seq from messages m where m.id = ${column}), 0)`;

/**
 * Notes that `message` was handed to the agent. Never backward, and never at or before the
 * cursor, so two readers racing leave it at the later reply. True when it moved the delivery on:
 * of readers racing for the same replies, exactly one.
 */
export async function recordDelivery(db: Db, instanceId: string, message: MessageRow): Promise<boolean> {
  const moved = await db
    .update(agentInstances)
    .set({ deliveredMessageId: message.id })
    .where(
      sql`${agentInstances.id} = ${instanceId} and ${seqOf(agentInstances.lastReadMessageId)} < ${message.seq} and ${seqOf(agentInstances.deliveredMessageId)} < ${message.seq}`,
    )
    .returning({ id: agentInstances.id });
  return moved.length > 0;
}

/**
 * What a read that moved the delivery on tells the screens: the instance changed (its user
 * messages went from queued to delivered). Record it in the read's transaction (recordFeed) and
 * publish it after commit, as one-statement-delivery.ts does in its statement.
 */
export const deliveredEvent = (instance: Pick<InstanceRow, "id" | "userId" | "status">): BusEvent => ({
  type: "instance",
  userId: instance.userId,
  agentInstanceId: instance.id,
  status: instance.status,
});

/** Where "unread" starts for the agent's next message: after anything already handed out. */
export const unreadFrom = (instance: InstanceRow): string | null =>
  instance.deliveredMessageId ?? instance.lastReadMessageId;
