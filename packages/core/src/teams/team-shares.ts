import type { OperationArgs, TeamAgentTypeShare, TeamInstanceShare, userOperations } from "@omnara/contracts";
import type { Db } from "@omnara/db";
import { schema } from "@omnara/db";
import { and, asc, eq, ne, type SQL } from "drizzle-orm";
import { recordAudit } from "../audit/audit.ts";
import type { Caller, CoreDeps } from "../deps.ts";
import type { InstanceAccess } from "../instances/instance-access.ts";
import { notFound } from "../not-found.ts";
import { iso } from "../serialize.ts";
import type { TeamAccess } from "./team-access.ts";
import { announceTeamAccess } from "./team-fanout.ts";

const { agentInstances, agentTypes, teamAgentTypeShares, teamInstanceShares, teams, users } = schema;
type Op = typeof userOperations;

/** A team's instance shares, or an instance's team shares. */
export async function instanceSharesOf(
  db: Db,
  whose: { team: string } | { instance: string },
): Promise<TeamInstanceShare[]> {
  const scope: SQL =
    "team" in whose
      ? eq(teamInstanceShares.teamId, whose.team)
      : eq(teamInstanceShares.agentInstanceId, whose.instance);
  const rows = await db
    .select({
      share: teamInstanceShares,
      teamName: teams.name,
      instanceName: agentInstances.name,
      ownerEmail: users.email,
    })
    .from(teamInstanceShares)
    .innerJoin(teams, eq(teams.id, teamInstanceShares.teamId))
    .innerJoin(agentInstances, eq(agentInstances.id, teamInstanceShares.agentInstanceId))
    .innerJoin(users, eq(users.id, agentInstances.userId))
    // A deleted instance is nobody's to open, so it is no longer shared with anyone.
    .where(and(scope, ne(agentInstances.status, "DELETED")))
    .orderBy(asc(teamInstanceShares.createdAt), asc(teamInstanceShares.agentInstanceId));
  return rows.map((row) => ({
    team_id: row.share.teamId,
    team_name: row.teamName,
    agent_instance_id: row.share.agentInstanceId,
    instance_name: row.instanceName,
    owner_email: row.ownerEmail,
    access: row.share.access,
    created_at: iso(row.share.createdAt),
  }));
}

/** A team's agent-type shares, or an agent type's team shares. */
export async function agentTypeSharesOf(
  db: Db,
  whose: { team: string } | { agentType: string },
): Promise<TeamAgentTypeShare[]> {
  const scope: SQL =
    "team" in whose ? eq(teamAgentTypeShares.teamId, whose.team) : eq(teamAgentTypeShares.agentTypeId, whose.agentType);
  const rows = await db
    .select({ share: teamAgentTypeShares, teamName: teams.name, typeName: agentTypes.name, ownerEmail: users.email })
    .from(teamAgentTypeShares)
    .innerJoin(teams, eq(teams.id, teamAgentTypeShares.teamId))
    .innerJoin(agentTypes, eq(agentTypes.id, teamAgentTypeShares.agentTypeId))
    .innerJoin(users, eq(users.id, agentTypes.userId))
    .where(scope)
    .orderBy(asc(teamAgentTypeShares.createdAt), asc(teamAgentTypeShares.agentTypeId));
  return rows.map((row) => ({
    team_id: row.share.teamId,
    team_name: row.teamName,
    agent_type_id: row.share.agentTypeId,
    agent_type_name: row.typeName,
    owner_email: row.ownerEmail,
    access: row.share.access,
    created_at: iso(row.share.createdAt),
  }));
}

/** What a share or unshare with a team writes besides the share row: the team's audit entry, and
 * the access change announced to every member's lists and streams. */
async function recordShareChange(
  tx: Db,
  deps: CoreDeps,
  change: {
    actor: Caller;
    ownerId: string;
    teamId: string;
    action: "team.share" | "team.unshare";
    access: string;
    target: { instance: string } | { agentType: string };
  },
) {
  const target =
    "instance" in change.target
      ? { type: "instance" as const, id: change.target.instance }
      : { type: "agent_type" as const, id: change.target.agentType };
  await recordAudit(tx, {
    actor: change.actor,
    ownerId: change.ownerId,
    teamId: change.teamId,
    action: change.action,
    target,
    detail: { team_id: change.teamId, access: change.access },
    at: deps.now(),
  });
  return announceTeamAccess(tx, change.teamId, change.target);
}

export async function shareInstanceWithTeam(
  deps: CoreDeps,
  access: InstanceAccess,
  team: TeamAccess,
  input: OperationArgs<Op["shareInstanceWithTeam"]>,
): Promise<TeamInstanceShare> {
  const events = await deps.db.transaction(async (tx) => {
    await tx
      .insert(teamInstanceShares)
      .values({
        teamId: team.teamId,
        agentInstanceId: access.instanceId,
        access: input.access,
        sharedBy: access.userId,
      })
      .onConflictDoUpdate({
        target: [teamInstanceShares.teamId, teamInstanceShares.agentInstanceId],
        set: { access: input.access },
      });
    return recordShareChange(tx, deps, {
      actor: access,
      ownerId: access.ownerId,
      teamId: team.teamId,
      action: "team.share",
      access: input.access,
      target: { instance: access.instanceId },
    });
  });
  await deps.bus.publish(events);
  const share = (await instanceSharesOf(deps.db, { instance: access.instanceId })).find(
    (each) => each.team_id === team.teamId,
  );
  if (!share) throw notFound(`Team share of ${access.instanceId}`);
  return share;
}

export async function revokeInstanceTeamShare(
  deps: CoreDeps,
  access: InstanceAccess,
  input: OperationArgs<Op["revokeInstanceTeamShare"]>,
): Promise<{ success: true }> {
  const events = await deps.db.transaction(async (tx) => {
    const [row] = await tx
      .delete(teamInstanceShares)
      .where(
        and(eq(teamInstanceShares.teamId, input.team_id), eq(teamInstanceShares.agentInstanceId, access.instanceId)),
      )
      .returning();
    if (!row) throw notFound(`Team share of ${access.instanceId}`);
    return recordShareChange(tx, deps, {
      actor: access,
      ownerId: access.ownerId,
      teamId: row.teamId,
      action: "team.unshare",
      access: row.access,
      target: { instance: access.instanceId },
    });
  });
  await deps.bus.publish(events);
  return { success: true };
}

export async function shareAgentTypeWithTeam(
  deps: CoreDeps,
  team: TeamAccess,
  input: OperationArgs<Op["shareAgentTypeWithTeam"]>,
): Promise<TeamAgentTypeShare> {
  const events = await deps.db.transaction(async (tx) => {
    await tx
      .insert(teamAgentTypeShares)
      .values({ teamId: team.teamId, agentTypeId: input.agent_type_id, access: input.access, sharedBy: team.userId })
      .onConflictDoUpdate({
        target: [teamAgentTypeShares.teamId, teamAgentTypeShares.agentTypeId],
        set: { access: input.access },
      });
    return recordShareChange(tx, deps, {
      actor: team,
      ownerId: team.userId,
      teamId: team.teamId,
      action: "team.share",
      access: input.access,
      target: { agentType: input.agent_type_id },
    });
  });
  await deps.bus.publish(events);
  const share = (await agentTypeSharesOf(deps.db, { agentType: input.agent_type_id })).find(
    (each) => each.team_id === team.teamId,
  );
  if (!share) throw notFound(`Team share of agent type ${input.agent_type_id}`);
  return share;
}

export async function revokeAgentTypeTeamShare(
  deps: CoreDeps,
  caller: Caller,
  input: OperationArgs<Op["revokeAgentTypeTeamShare"]>,
): Promise<{ success: true }> {
  const events = await deps.db.transaction(async (tx) => {
    const [row] = await tx
      .delete(teamAgentTypeShares)
      .where(
        and(eq(teamAgentTypeShares.teamId, input.team_id), eq(teamAgentTypeShares.agentTypeId, input.agent_type_id)),
      )
      .returning();
    if (!row) throw notFound(`Team share of agent type ${input.agent_type_id}`);
    return recordShareChange(tx, deps, {
      actor: caller,
      ownerId: caller.userId,
      teamId: row.teamId,
      action: "team.unshare",
      access: row.access,
      target: { agentType: input.agent_type_id },
    });
  });
  await deps.bus.publish(events);
  return { success: true };
}

export const listAgentTypeTeamShares = async (
  deps: CoreDeps,
  input: OperationArgs<Op["listAgentTypeTeamShares"]>,
): Promise<{ shares: TeamAgentTypeShare[] }> => ({
  shares: await agentTypeSharesOf(deps.db, { agentType: input.agent_type_id }),
});
