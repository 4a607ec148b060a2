import type { Db } from "@omnara/db";
import { schema } from "@omnara/db";
import { and, asc, eq, gt, isNull, lt, sql } from "drizzle-orm";

const { messages } = schema;
export type MessageRow = typeof messages.$inferSelect;

/** The seq of a message, or 0 when there is none: "after nothing" means from the start. */
const seqOf = (messageId: string | null) =>
  messageId ? sql<number>`coalesce((select m.seq from messages m where m.id = ${messageId}), 0)` : sql<number>`0`;

/**
 * User messages of an instance after a message (exclusive) and, if given, before a seq; those the
 * user cancelled while queued are never handed to the agent.
 */
export function userMessagesAfter(
  db: Db,
  instanceId: string,
  afterMessageId: string | null,
  beforeSeq?: number,
): Promise<MessageRow[]> {
  return db
    .select()
    .from(messages)
    .where(
      and(
        eq(messages.agentInstanceId, instanceId),
        eq(messages.senderType, "USER"),
        gt(messages.seq, seqOf(afterMessageId)),
        isNull(messages.cancelledAt),
        beforeSeq === undefined ? undefined : lt(messages.seq, beforeSeq),
      ),
    )
    .orderBy(asc(messages.seq));
}

export async function findMessage(db: Db, messageId: string): Promise<MessageRow | undefined> {
  const [row] = await db.select().from(messages).where(eq(messages.id, messageId));
  return row;
}

/** The seq of the agent's read cursor, to compare cursor positions. */
export async function cursorSeq(db: Db, messageId: string | null): Promise<number> {
  if (!messageId) return 0;
  const row = await findMessage(db, messageId);
  return row?.seq ?? 0;
}
