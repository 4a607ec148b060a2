import type { BusEvent, Db } from "@omnara/db";
import { schema } from "@omnara/db";
import { and, eq, ne, type SQL, sql } from "drizzle-orm";
import { recordFeed } from "../events/feed.ts";

const { agentInstances, teamAgentTypeShares, teamInstanceShares, teamMembers } = schema;

/** Which instances: those a team shares (itself and through agent types), or a given set. */
export type InstanceSet = { team: string } | { instance: string } | { agentType: string };

function instancesOf(set: InstanceSet): SQL {
  if ("instance" in set) return sql`${agentInstances.id} = ${set.instance}::uuid`;
  if ("agentType" in set) return sql`${agentInstances.agentTypeId} = ${set.agentType}::uuid`;
  return sql`(${agentInstances.id} in (select ${teamInstanceShares.agentInstanceId} from ${teamInstanceShares} where ${teamInstanceShares.teamId} = ${set.team}::uuid)
    or ${agentInstances.agentTypeId} in (select ${teamAgentTypeShares.agentTypeId} from ${teamAgentTypeShares} where ${teamAgentTypeShares.teamId} = ${set.team}::uuid))`;
}

/**
 * The access events of a change in what a team shares or who is in it: one per member (or the
 * given users) and instance, never to the instance's owner. Their feed rows are written in `tx`;
 * publish the events after commit. Each recipient's screens and open streams then re-check what
 * they may see (a lost instance leaves their lists; its open stream ends with NOT_FOUND).
 */
export async function announceTeamAccess(
  tx: Db,
  teamId: string,
  instances: InstanceSet,
  users?: readonly string[],
): Promise<BusEvent[]> {
  const members =
    users ??
    (await tx.select({ userId: teamMembers.userId }).from(teamMembers).where(eq(teamMembers.teamId, teamId))).map(
      (row) => row.userId,
    );
  if (members.length === 0) return [];
  const rows = await tx
    .select({ id: agentInstances.id, ownerId: agentInstances.userId })
    .from(agentInstances)
    .where(and(instancesOf(instances), ne(agentInstances.status, "DELETED")));
  const events: BusEvent[] = rows.flatMap((row) =>
    members
      .filter((userId) => userId !== row.ownerId)
      .map((userId): BusEvent => ({ type: "access", userId, agentInstanceId: row.id })),
  );
  await recordFeed(tx, events);
  return events;
}

/**
 * A new instance of an agent type shared with teams: their members hear of it as of any share
 * (call in the creating transaction; publish the events after commit).
 */
export async function announceNewSharedInstance(
  tx: Db,
  instance: { id: string; userId: string; agentTypeId: string },
): Promise<BusEvent[]> {
  const rows = await tx
    .selectDistinct({ userId: teamMembers.userId })
    .from(teamAgentTypeShares)
    .innerJoin(teamMembers, eq(teamMembers.teamId, teamAgentTypeShares.teamId))
    .where(and(eq(teamAgentTypeShares.agentTypeId, instance.agentTypeId), ne(teamMembers.userId, instance.userId)));
  const events = rows.map((row): BusEvent => ({ type: "access", userId: row.userId, agentInstanceId: instance.id }));
  await recordFeed(tx, events);
  return events;
}

/**
 * The "teams" events of a change to a team (its invites, members or roles, or its end): one to
 * each member and to `also` (an invitee, a removed member). Read the members in the changing
 * transaction, before a deletion takes them; publish after commit.
 */
export async function announceTeamChange(
  tx: Db,
  teamId: string,
  also: readonly (string | null)[] = [],
): Promise<BusEvent[]> {
  const members = await tx
    .select({ userId: teamMembers.userId })
    .from(teamMembers)
    .where(eq(teamMembers.teamId, teamId));
  const users = new Set([...members.map((row) => row.userId), ...also.filter((id): id is string => id !== null)]);
  return [...users].map((userId): BusEvent => ({ type: "teams", userId, agentInstanceId: "" }));
}
