import type { Message, OperationArgs, OperationOutput, userOperations } from "@omnara/contracts";
import type { Db } from "@omnara/db";
import { schema } from "@omnara/db";
import { and, desc, eq, getTableColumns, lt, sql } from "drizzle-orm";
import type { Caller, CoreDeps } from "../deps.ts";
import { type InstanceAccess, ownerAccess } from "../instances/instance-access.ts";
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

type Page = OperationOutput<typeof userOperations.listMessages>;

export const listMessages = (
  deps: CoreDeps,
  access: InstanceAccess,
  input: OperationArgs<typeof userOperations.listMessages>,
): Promise<Page> => instanceMessagePage(deps.db, access, input.limit, input.before_message_id);

/**
 * A page of a caller's own instance, with no access check before it: the page's statement reads
 * messages only of an instance whose owner is `caller` (and not deleted). A page it finds is the
 * owner's answer; an empty one (someone else's instance, a missing or deleted one, a message paged
 * from that is not there, or no messages) returns undefined, and the access rule and listMessages
 * then decide as for anyone. Saves the owner's page (nearly every page) the access check's wait.
 */
export async function listMessagesAsOwner(
  deps: CoreDeps,
  caller: Caller,
  input: OperationArgs<typeof userOperations.listMessages>,
): Promise<Page | undefined> {
  const access = ownerAccess(caller, input.agent_instance_id);
  const page = await pageOf(deps.db, access, input.limit, input.before_message_id);
  return page.messages.length > 0 ? page : undefined;
}

/**
 * A page of the instance's messages as its owner's (the newest `limit`, or those before
 * `beforeMessageId`), in one statement: the page, the instance's delivery cursor beside it (both
 * subqueries run once) and the instance's visibility. It reads none of the instance's other
 * columns: loading the whole row read the git diff (up to 1 MiB) for every page.
 */
export async function instanceMessagePage(
  db: Db,
  access: InstanceAccess,
  limit: number,
  beforeMessageId?: string,
): Promise<Page> {
  const page = await pageOf(db, access, limit, beforeMessageId);
  // Nothing read: the instance or the message paged from may be missing; say which.
  if (page.messages.length === 0) await emptyPageOf(db, access, beforeMessageId);
  return page;
}

async function pageOf(db: Db, access: InstanceAccess, limit: number, beforeMessageId?: string): Promise<Page> {
  const { instanceId, ownerId } = access;
  const shown = sql`(select i.id from agent_instances i where i.id = ${instanceId}::uuid and i.user_id = ${ownerId}::uuid and i.status <> 'DELETED')`;
  const deliveredUpTo = sql<number>`coalesce((select m.seq from messages m where m.id = (select coalesce(i.delivered_message_id, i.last_read_message_id) from agent_instances i where i.id = ${instanceId}::uuid)), 0)`;
  const before = sql`(select m.seq from messages m where m.id = ${beforeMessageId}::uuid and m.agent_instance_id = ${instanceId}::uuid)`;
  const rows = await db
    .select({ ...getTableColumns(messages), deliveredUpTo: deliveredUpTo.mapWith(Number) })
    .from(messages)
    .where(and(eq(messages.agentInstanceId, shown), beforeMessageId ? lt(messages.seq, before) : undefined))
    .orderBy(desc(messages.seq))
    .limit(limit + 1);
  const delivered = withDelivery(rows[0]?.deliveredUpTo ?? 0);
  return {
    messages: rows
      .slice(0, limit)
      .reverse()
      .map(({ deliveredUpTo: _, ...row }) => delivered(row)),
    has_more: rows.length > limit,
  };
}

/** Throws NOT_FOUND when a page is empty because the instance or the message is not there. */
async function emptyPageOf(db: Db, access: InstanceAccess, beforeMessageId: string | undefined): Promise<void> {
  const instance = await loadOwnedInstance(db, access.ownerId, access.instanceId);
  if (!beforeMessageId) return;
  const before = await findMessage(db, beforeMessageId);
  if (!before || before.agentInstanceId !== instance.id) throw notFound(`Message ${beforeMessageId}`);
}
