import type { Db } from "@omnara/db";
import { schema } from "@omnara/db";
import { and, eq, ne } from "drizzle-orm";
import { notFound } from "../not-found.ts";

const { agentInstances, agentTypes } = schema;
export type InstanceRow = typeof agentInstances.$inferSelect;

/**
 * The caller's instance, or NOT_FOUND: another user's instance and a deleted one look the same
 * as a missing one, so ids leak nothing. `forUpdate` serializes writers of one instance.
 */
export async function loadOwnedInstance(
  db: Db,
  userId: string,
  instanceId: string,
  options: { forUpdate?: boolean } = {},
): Promise<InstanceRow> {
  const query = db
    .select()
    .from(agentInstances)
    .where(
      and(eq(agentInstances.id, instanceId), eq(agentInstances.userId, userId), ne(agentInstances.status, "DELETED")),
    );
  const [row] = options.forUpdate ? await query.for("update") : await query;
  if (!row) throw notFound("Agent instance");
  return row;
}

/** The instance's status as stored now, DELETED included; undefined if there is no such row. */
export async function instanceStatusOf(db: Db, instanceId: string): Promise<InstanceRow["status"] | undefined> {
  const [row] = await db
    .select({ status: agentInstances.status })
    .from(agentInstances)
    .where(eq(agentInstances.id, instanceId));
  return row?.status;
}

export async function agentTypeName(db: Db, agentTypeId: string): Promise<string> {
  const [row] = await db.select({ name: agentTypes.name }).from(agentTypes).where(eq(agentTypes.id, agentTypeId));
  return row?.name ?? "unknown";
}

/** Agent type names are case-insensitive ("Claude Code" and "claude code" are one type). */
export const normalizeAgentType = (name: string): string => name.trim().toLowerCase();

/** Finds or creates the caller's agent type by name. */
export async function ensureAgentType(db: Db, userId: string, name: string): Promise<{ id: string; name: string }> {
  const normalized = normalizeAgentType(name);
  const [created] = await db
    .insert(agentTypes)
    .values({ userId, name: normalized })
    .onConflictDoNothing({ target: [agentTypes.userId, agentTypes.name] })
    .returning({ id: agentTypes.id, name: agentTypes.name });
  if (created) return created;
  const [existing] = await db
    .select({ id: agentTypes.id, name: agentTypes.name })
    .from(agentTypes)
    .where(and(eq(agentTypes.userId, userId), eq(agentTypes.name, normalized)));
  if (!existing) throw new Error(`agent type ${normalized} vanished after conflict`);
  return existing;
}
