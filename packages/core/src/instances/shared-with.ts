import type { AgentInstance, ShareRole } from "@omnara/contracts";
import type { Db } from "@omnara/db";
import { schema } from "@omnara/db";
import { and, eq, inArray, isNull, ne, or, type SQL, sql } from "drizzle-orm";
import { union, unionAll } from "drizzle-orm/pg-core";

const {
  agentInstances,
  agentTypes,
  instanceShares,
  teamAgentTypeShares,
  teamInstanceShares,
  teamMembers,
  teams,
  users,
} = schema;

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

/**
 * Every way an instance of another user reaches `userId`: an email share, a team share of the
 * instance, or a team share of its agent type, each through a team the user is a member of.
 * `instanceIds` narrows it to those instances. One row per way, with the access it gives.
 */
function shareSources(db: Db, userId: string, instanceIds?: readonly string[]) {
  const only = (column: typeof agentInstances.id | typeof instanceShares.agentInstanceId) =>
    instanceIds ? inArray(column, [...instanceIds]) : undefined;
  const member = (teamId: typeof teamInstanceShares.teamId | typeof teamAgentTypeShares.teamId) =>
    and(eq(teamMembers.teamId, teamId), eq(teamMembers.userId, userId));
  return unionAll(
    db
      .select({
        instanceId: instanceShares.agentInstanceId,
        role: instanceShares.role,
        ownerId: instanceShares.ownerId,
        teamName: sql<string | null>`null::text`.as("team_name"),
      })
      .from(instanceShares)
      .where(and(shareRecipientIs(userId), only(instanceShares.agentInstanceId))),
    db
      .select({
        instanceId: agentInstances.id,
        role: teamInstanceShares.access,
        ownerId: agentInstances.userId,
        teamName: sql<string | null>`${teams.name}`.as("team_name"),
      })
      .from(teamInstanceShares)
      .innerJoin(teamMembers, member(teamInstanceShares.teamId))
      .innerJoin(teams, eq(teams.id, teamInstanceShares.teamId))
      .innerJoin(agentInstances, eq(agentInstances.id, teamInstanceShares.agentInstanceId))
      .where(and(ne(agentInstances.userId, userId), only(agentInstances.id))),
    db
      .select({
        instanceId: agentInstances.id,
        role: teamAgentTypeShares.access,
        ownerId: agentInstances.userId,
        teamName: sql<string | null>`${teams.name}`.as("team_name"),
      })
      .from(teamAgentTypeShares)
      .innerJoin(teamMembers, member(teamAgentTypeShares.teamId))
      .innerJoin(teams, eq(teams.id, teamAgentTypeShares.teamId))
      .innerJoin(agentInstances, eq(agentInstances.agentTypeId, teamAgentTypeShares.agentTypeId))
      .where(and(ne(agentInstances.userId, userId), only(agentInstances.id))),
  );
}

/** The ids of the instances shared with `userId`, by email or through a team. */
export async function instancesSharedWith(db: Db, userId: string): Promise<{ id: string }[]> {
  const rows = await shareSources(db, userId);
  return [...new Set(rows.map((row) => row.instanceId))].map((id) => ({ id }));
}

/** `select agent_instance_id` of the instances shared with `userId`, for `in (…)` filters. */
export const instancesSharedWithQuery = (db: Db, userId: string) => {
  const sources = shareSources(db, userId).as("shared");
  return db.select({ id: sources.instanceId }).from(sources);
};

/**
 * The ids of a page of the instances shared with `userId`: for each way of sharing, the first
 * `limit` instances by `order` that pass `where` (on agent_instances joined with their
 * agent_types), so the page's `limit` are among them. Each part reads only its own first rows:
 * the shared ids of a type's instances come in start order from its index
 * (agent_type_id, started_at, id) per type shared with a team of the user, rather than all of the
 * type's instances being read and sorted (1 000 of them were 10 ms per page).
 */
export function sharedPageIds(db: Db, userId: string, where: SQL | undefined, order: SQL[], limit: number) {
  const member = (teamId: typeof teamInstanceShares.teamId | typeof teamAgentTypeShares.teamId) =>
    and(eq(teamMembers.teamId, teamId), eq(teamMembers.userId, userId));
  const othersOnly = and(ne(agentInstances.userId, userId), where);
  const byEmail = db
    .select({ id: agentInstances.id })
    .from(instanceShares)
    .innerJoin(agentInstances, eq(agentInstances.id, instanceShares.agentInstanceId))
    .innerJoin(agentTypes, eq(agentTypes.id, agentInstances.agentTypeId))
    .where(and(shareRecipientIs(userId), othersOnly))
    .orderBy(...order)
    .limit(limit);
  const byTeam = db
    .select({ id: agentInstances.id })
    .from(teamInstanceShares)
    .innerJoin(teamMembers, member(teamInstanceShares.teamId))
    .innerJoin(agentInstances, eq(agentInstances.id, teamInstanceShares.agentInstanceId))
    .innerJoin(agentTypes, eq(agentTypes.id, agentInstances.agentTypeId))
    .where(othersOnly)
    .orderBy(...order)
    .limit(limit);
  const ofType = db
    .select({ id: agentInstances.id, startedAt: agentInstances.startedAt })
    .from(agentInstances)
    .innerJoin(agentTypes, eq(agentTypes.id, agentInstances.agentTypeId))
    .where(and(eq(agentInstances.agentTypeId, teamAgentTypeShares.agentTypeId), othersOnly))
    .orderBy(...order)
    .limit(limit)
    .as("of_type");
  const byTeamType = db
    .select({ id: ofType.id })
    .from(teamAgentTypeShares)
    .innerJoin(teamMembers, member(teamAgentTypeShares.teamId))
    .innerJoinLateral(ofType, sql`true`);
  return union(byEmail, byTeam, byTeamType);
}

/** How an instance is shared with `userId`, for the instances it may see but does not own. */
export interface ShareMark {
  role: ShareRole;
  ownerEmail: string;
  /** The team it is shared through, when the strongest share is a team's. */
  teamName: string | null;
}

/** Whether `a` gives more than `b`; on a tie an email share (no team) wins, then by team name. */
const stronger = (a: ShareMark, b: ShareMark): boolean =>
  a.role !== b.role ? a.role === "WRITE" : a.teamName === null && b.teamName !== null;

/** The share marks of these instances for `userId` (instances it owns have none). */
export async function shareMarks(
  db: Db,
  userId: string,
  instanceIds: readonly string[],
): Promise<Map<string, ShareMark>> {
  if (instanceIds.length === 0) return new Map();
  const sources = shareSources(db, userId, instanceIds).as("sources");
  const rows = await db
    .select({
      instanceId: sources.instanceId,
      role: sources.role,
      teamName: sources.teamName,
      ownerEmail: users.email,
    })
    .from(sources)
    .innerJoin(users, eq(users.id, sources.ownerId));
  const marks = new Map<string, ShareMark>();
  for (const row of rows) {
    const mark: ShareMark = { role: row.role, ownerEmail: row.ownerEmail, teamName: row.teamName };
    const held = marks.get(row.instanceId);
    if (!held || stronger(mark, held)) marks.set(row.instanceId, mark);
  }
  return marks;
}

/** The instance as `userId` sees it: marked shared when it is another user's. */
export const markShared = (instance: AgentInstance, mark: ShareMark | undefined): AgentInstance =>
  mark
    ? {
        ...instance,
        shared: {
          role: mark.role,
          owner_email: mark.ownerEmail,
          ...(mark.teamName !== null ? { team_name: mark.teamName } : {}),
        },
      }
    : instance;
