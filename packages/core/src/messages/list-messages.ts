import type { Message, OperationArgs, OperationOutput, userOperations } from "@omnara/contracts";
import type { Db } from "@omnara/db";
import { schema } from "@omnara/db";
import { and, desc, eq, lt } from "drizzle-orm";
import type { CoreDeps } from "../deps.ts";
import type { InstanceAccess } from "../instances/instance-access.ts";
import { type InstanceRow, loadOwnedInstance } from "../instances/owned-instance.ts";
import { notFound } from "../not-found.ts";
import { toMessage } from "../serialize.ts";
import { cursorSeq, findMessage, type MessageRow } from "./queries.ts";
import { unreadFrom } from "./read-cursor.ts";

const { messages } = schema;

/** A user message's way to the agent: handed out once a read's cursor reached it. */
const withDelivery =
  (deliveredUpTo: number) =>
  (row: MessageRow): Message => {
    const message = toMessage(row);
    if (row.senderType !== "USER") return message;
    const delivery = row.cancelledAt ? "cancelled" : row.seq <= deliveredUpTo ? "delivered" : "queued";
    return { ...message, delivery };
  };

/** The `limit` messages before `beforeSeq` (or the newest), returned oldest first. */
export async function messagePage(
  db: Db,
  instance: InstanceRow,
  limit: number,
  beforeSeq?: number,
): Promise<{ messages: Message[]; has_more: boolean }> {
  const [rows, deliveredUpTo] = await Promise.all([
    db
      .select()
      .from(messages)
      .where(
        and(
          eq(messages.agentInstanceId, instance.id),
          beforeSeq === undefined ? undefined : lt(messages.seq, beforeSeq),
        ),
      )
      .orderBy(desc(messages.seq))
      .limit(limit + 1),
    cursorSeq(db, unreadFrom(instance)),
  ]);
  const hasMore = rows.length > limit;
  return { messages: rows.slice(0, limit).reverse().map(withDelivery(deliveredUpTo)), has_more: hasMore };
}

export async function listMessages(
  deps: CoreDeps,
  access: InstanceAccess,
  input: OperationArgs<typeof userOperations.listMessages>,
): Promise<OperationOutput<typeof userOperations.listMessages>> {
  const instance = await loadOwnedInstance(deps.db, access.ownerId, access.instanceId);
  let beforeSeq: number | undefined;
  if (input.before_message_id) {
    const before = await findMessage(deps.db, input.before_message_id);
    if (!before || before.agentInstanceId !== instance.id) throw notFound(`Message ${input.before_message_id}`);
    beforeSeq = before.seq;
  }
  return messagePage(deps.db, instance, input.limit, beforeSeq);
}
