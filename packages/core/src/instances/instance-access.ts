import { type InstanceRole, instanceRoles, OmnaraError } from "@omnara/contracts";
import type { Db } from "@omnara/db";
import { schema } from "@omnara/db";
import { and, eq, ne } from "drizzle-orm";
import type { Caller } from "../deps.ts";
import { notFound } from "../not-found.ts";
import { shareMarks } from "./shared-with.ts";

const { agentInstances } = schema;

/**
 * A user acting on an instance: `userId` is who acts (the sender of a reply), `ownerId` whose
 * instance it is (whose rows, feed and agents it touches), `role` what the actor holds on it.
 */
export interface InstanceAccess extends Caller {
  ownerId: string;
  instanceId: string;
  role: InstanceRole;
}

/** The owner's own access to an instance (agents act on their user's instances as the owner). */
export const ownerAccess = (caller: Caller, instanceId: string): InstanceAccess => ({
  userId: caller.userId,
  ownerId: caller.userId,
  instanceId,
  role: "owner",
});

/** The strongest role `userId` holds on the instance, or undefined (deleted counts as missing). */
export async function instanceRoleOf(db: Db, userId: string, instanceId: string): Promise<InstanceAccess | undefined> {
  const [row] = await db
    .select({ ownerId: agentInstances.userId })
    .from(agentInstances)
    .where(and(eq(agentInstances.id, instanceId), ne(agentInstances.status, "DELETED")));
  if (!row) return undefined;
  if (row.ownerId === userId) return { userId, ownerId: row.ownerId, instanceId, role: "owner" };
  // An email share or a team's: the strongest holds.
  const share = (await shareMarks(db, userId, [instanceId])).get(instanceId);
  if (!share) return undefined;
  return { userId, ownerId: row.ownerId, instanceId, role: share.role === "WRITE" ? "write" : "read" };
}

const rank = (role: InstanceRole): number => instanceRoles.indexOf(role);

/**
 * The caller's access to the instance if it meets `needed`: NOT_FOUND when the caller holds
 * nothing on it (as for a missing id), FORBIDDEN when the role held is weaker.
 */
export async function requireInstanceRole(
  db: Db,
  caller: Caller,
  instanceId: string,
  needed: InstanceRole,
): Promise<InstanceAccess> {
  const access = await instanceRoleOf(db, caller.userId, instanceId);
  if (!access) throw notFound(`Agent instance ${instanceId}`);
  if (rank(access.role) < rank(needed)) {
    throw new OmnaraError(
      "FORBIDDEN",
      `This instance is shared with you as ${access.role.toUpperCase()}; only ${needed === "owner" ? "its owner" : "a WRITE share or its owner"} may do this.`,
    );
  }
  return { ...access, device: caller.device };
}
