import type { AgentInstance, Message } from "@omnara/contracts";
import type { Db } from "@omnara/db";
import { schema } from "@omnara/db";
import { and, asc, eq, gt, max } from "drizzle-orm";
import { toInstance, toMessage } from "../serialize.ts";

const { agentInstances, agentTypes, messages } = schema;

export interface MessageWithInstance {
  seq: number;
  message: Message;
  instance: AgentInstance;
}

/** Every read here is scoped by the owner: another user's rows are never found. */
const ownedBy = (userId: string, instanceId: string | undefined) =>
  and(eq(agentInstances.userId, userId), instanceId ? eq(agentInstances.id, instanceId) : undefined);

/** The newest message seq the user can see: where a fresh stream starts. */
export async function latestSeq(db: Db, userId: string, instanceId: string | undefined): Promise<number> {
  const [row] = await db
    .select({ seq: max(messages.seq) })
    .from(messages)
    .innerJoin(agentInstances, eq(agentInstances.id, messages.agentInstanceId))
    .where(ownedBy(userId, instanceId));
  return row?.seq ?? 0;
}

/** A page of the user's messages after a seq, in seq order, each with its instance's current row. */
export async function messagesAfter(
  db: Db,
  userId: string,
  instanceId: string | undefined,
  afterSeq: number,
  limit: number,
): Promise<MessageWithInstance[]> {
  const rows = await db
    .select({ message: messages, instance: agentInstances, typeName: agentTypes.name })
    .from(messages)
    .innerJoin(agentInstances, eq(agentInstances.id, messages.agentInstanceId))
    .innerJoin(agentTypes, eq(agentTypes.id, agentInstances.agentTypeId))
    .where(and(ownedBy(userId, instanceId), gt(messages.seq, afterSeq)))
    .orderBy(asc(messages.seq))
    .limit(limit);
  return rows.map((row) => ({
    seq: row.message.seq,
    message: toMessage(row.message),
    instance: toInstance(row.instance, row.typeName),
  }));
}

export async function ownedMessage(
  db: Db,
  userId: string,
  messageId: string,
): Promise<MessageWithInstance | undefined> {
  const [row] = await db
    .select({ message: messages, instance: agentInstances, typeName: agentTypes.name })
    .from(messages)
    .innerJoin(agentInstances, eq(agentInstances.id, messages.agentInstanceId))
    .innerJoin(agentTypes, eq(agentTypes.id, agentInstances.agentTypeId))
    .where(and(eq(messages.id, messageId), eq(agentInstances.userId, userId)));
  return (
    row && { seq: row.message.seq, message: toMessage(row.message), instance: toInstance(row.instance, row.typeName) }
  );
}

/** The instance's row, DELETED included: screens need to hear that it went away. */
export async function ownedInstanceRow(db: Db, userId: string, instanceId: string): Promise<AgentInstance | undefined> {
  const [row] = await db
    .select({ instance: agentInstances, typeName: agentTypes.name })
    .from(agentInstances)
    .innerJoin(agentTypes, eq(agentTypes.id, agentInstances.agentTypeId))
    .where(and(eq(agentInstances.id, instanceId), eq(agentInstances.userId, userId)));
  return row && toInstance(row.instance, row.typeName);
}
