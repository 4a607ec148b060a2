import type { Db } from "@omnara/db";
import { schema } from "@omnara/db";
import { sql } from "drizzle-orm";
import type { MessageRow } from "./queries.ts";

const { agentInstances } = schema;

/**
 * Moves the agent's read cursor forward to `message`, never backward: two readers racing each
 * other leave it at the later message.
 */
export async function advanceCursor(db: Db, instanceId: string, message: MessageRow): Promise<void> {
  await db
    .update(agentInstances)
    .set({ lastReadMessageId: message.id })
    .where(
      sql`${agentInstances.id} = ${instanceId} and coalesce((select m.seq from messages m where m.id = ${agentInstances.lastReadMessageId}), 0) < ${message.seq}`,
    );
}

export const lastOf = <T>(items: readonly T[]): T | undefined => items[items.length - 1];
