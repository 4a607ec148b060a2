import type { AgentInstance, ShareRole } from "@omnara/contracts";
import type { Db } from "@omnara/db";
import { schema } from "@omnara/db";
import { and, eq, inArray, isNull, or, type SQL, sql } from "drizzle-orm";

const { instanceShares, users } = schema;

/**
 * The shares whose recipient is `userId`: linked to the account, or still waiting on its email
 * (a share made while the account was being created links by email at once, whatever the race).
 */
export const shareRecipientIs = (userId: string): SQL =>
  or(
    eq(instanceShares.userId, userId),
    and(
      isNull(instanceShares.userId),
      eq(instanceShares.email, sql`(select ${users.email} from ${users} where ${users.id} = ${userId})`),
    ),
  ) ?? sql`false`;

/** `select agent_instance_id` of the instances shared with `userId`, for `in (…)` filters. */
export const instancesSharedWith = (db: Db, userId: string) =>
  db.select({ id: instanceShares.agentInstanceId }).from(instanceShares).where(shareRecipientIs(userId));

/** How an instance is shared with `userId`, for the instances it may see but does not own. */
export interface ShareMark {
  role: ShareRole;
  ownerEmail: string;
}

/** The share marks of these instances for `userId` (instances it owns have none). */
export async function shareMarks(
  db: Db,
  userId: string,
  instanceIds: readonly string[],
): Promise<Map<string, ShareMark>> {
  if (instanceIds.length === 0) return new Map();
  const rows = await db
    .select({ instanceId: instanceShares.agentInstanceId, role: instanceShares.role, ownerEmail: users.email })
    .from(instanceShares)
    .innerJoin(users, eq(users.id, instanceShares.ownerId))
    .where(and(shareRecipientIs(userId), inArray(instanceShares.agentInstanceId, [...instanceIds])));
  return new Map(rows.map((row) => [row.instanceId, { role: row.role, ownerEmail: row.ownerEmail }]));
}

/** The instance as `userId` sees it: marked shared when it is another user's. */
export const markShared = (instance: AgentInstance, mark: ShareMark | undefined): AgentInstance =>
  mark ? { ...instance, shared: { role: mark.role, owner_email: mark.ownerEmail } } : instance;
