import {
  OmnaraError,
  type OperationArgs,
  type OperationOutput,
  type Team,
  type TeamRole,
  type userOperations,
} from "@omnara/contracts";
import type { Db } from "@omnara/db";
import { schema } from "@omnara/db";
import { and, asc, count, eq, inArray, sql } from "drizzle-orm";
import { recordAudit } from "../audit/audit.ts";
import type { Caller, CoreDeps } from "../deps.ts";
import { iso } from "../serialize.ts";
import { invitesOf } from "./invites.ts";
import type { TeamAccess } from "./team-access.ts";
import { announceTeamAccess, announceTeamChange } from "./team-fanout.ts";
import { agentTypeSharesOf, instanceSharesOf } from "./team-shares.ts";

const { teamMembers, teams, users } = schema;
type Op = typeof userOperations;

type TeamRow = typeof teams.$inferSelect;

const toTeam = (row: TeamRow, role: TeamRole, members: number): Team => ({
  id: row.id,
  name: row.name,
  role,
  member_count: members,
  created_at: iso(row.createdAt),
});

async function memberCounts(db: Db, teamIds: readonly string[]): Promise<Map<string, number>> {
  if (teamIds.length === 0) return new Map();
  const rows = await db
    .select({ teamId: teamMembers.teamId, n: count() })
    .from(teamMembers)
    .where(inArray(teamMembers.teamId, [...teamIds]))
    .groupBy(teamMembers.teamId);
  return new Map(rows.map((row) => [row.teamId, row.n]));
}

/** The team as `userId` sees it, who holds `role` in it. */
export async function teamFor(db: Db, teamId: string, role: TeamRole): Promise<Team> {
  const [row] = await db.select().from(teams).where(eq(teams.id, teamId));
  if (!row) throw new OmnaraError("NOT_FOUND", `Team ${teamId} was not found.`);
  return toTeam(row, role, (await memberCounts(db, [teamId])).get(teamId) ?? 0);
}

/**
 * Locks the team for a change of its members, so changes that count its owners run one after
 * another (two owners demoting each other cannot leave it with none), and reads the actor's role
 * as it is now (it may have changed since the access rule was checked).
 */
export async function lockTeam(tx: Db, team: TeamAccess): Promise<TeamRole> {
  const [row] = await tx.select({ id: teams.id }).from(teams).where(eq(teams.id, team.teamId)).for("update");
  const [me] = await tx
    .select({ role: teamMembers.role })
    .from(teamMembers)
    .where(and(eq(teamMembers.teamId, team.teamId), eq(teamMembers.userId, team.userId)));
  if (!row || !me) throw new OmnaraError("NOT_FOUND", `Team ${team.teamId} was not found, or you are no longer in it.`);
  return me.role;
}

export async function ownerCount(tx: Db, teamId: string): Promise<number> {
  const [row] = await tx
    .select({ n: count() })
    .from(teamMembers)
    .where(and(eq(teamMembers.teamId, teamId), eq(teamMembers.role, "owner")));
  return row?.n ?? 0;
}

export const lastOwner = (what: string): OmnaraError =>
  new OmnaraError(
    "CONFLICT",
    `${what}: a team keeps at least one owner. Make someone else owner first, or delete the team.`,
  );

export async function createTeam(
  deps: CoreDeps,
  caller: Caller,
  input: OperationArgs<Op["createTeam"]>,
): Promise<Team> {
  const created = await deps.db.transaction(async (tx) => {
    const [team] = await tx
      .insert(teams)
      .values({ name: input.name, createdBy: caller.userId, createdAt: deps.now() })
      .returning();
    if (!team) throw new Error("team insert returned no row");
    await tx
      .insert(teamMembers)
      .values({ teamId: team.id, userId: caller.userId, role: "owner", joinedAt: deps.now() });
    await recordAudit(tx, {
      actor: caller,
      ownerId: caller.userId,
      teamId: team.id,
      action: "team.create",
      target: { type: "team", id: team.id },
      detail: { name: team.name },
      at: deps.now(),
    });
    // The creator's other screens list it too.
    return { team: toTeam(team, "owner", 1), events: await announceTeamChange(tx, team.id) };
  });
  await deps.bus.publish(created.events);
  return created.team;
}

export async function listTeams(deps: CoreDeps, caller: Caller): Promise<OperationOutput<Op["listTeams"]>> {
  const rows = await deps.db
    .select({ team: teams, role: teamMembers.role })
    .from(teamMembers)
    .innerJoin(teams, eq(teams.id, teamMembers.teamId))
    .where(eq(teamMembers.userId, caller.userId))
    .orderBy(asc(teams.name), asc(teams.id));
  const counts = await memberCounts(
    deps.db,
    rows.map((row) => row.team.id),
  );
  return {
    teams: rows.map((row) => toTeam(row.team, row.role, counts.get(row.team.id) ?? 0)),
    invites: await invitesOf(deps.db, { recipient: caller.userId }),
  };
}

export async function getTeam(deps: CoreDeps, team: TeamAccess): Promise<OperationOutput<Op["getTeam"]>> {
  const [detail, members, invites, instanceShares, agentTypeShares] = await Promise.all([
    teamFor(deps.db, team.teamId, team.role),
    deps.db
      .select({ member: teamMembers, email: users.email, displayName: users.displayName })
      .from(teamMembers)
      .innerJoin(users, eq(users.id, teamMembers.userId))
      .where(eq(teamMembers.teamId, team.teamId))
      .orderBy(sql`case ${teamMembers.role} when 'owner' then 0 when 'admin' then 1 else 2 end`, asc(users.email)),
    invitesOf(deps.db, { team: team.teamId }),
    instanceSharesOf(deps.db, { team: team.teamId }),
    agentTypeSharesOf(deps.db, { team: team.teamId }),
  ]);
  return {
    team: detail,
    members: members.map((row) => ({
      user_id: row.member.userId,
      email: row.email,
      display_name: row.displayName,
      role: row.member.role,
      joined_at: iso(row.member.joinedAt),
    })),
    invites,
    instance_shares: instanceShares,
    agent_type_shares: agentTypeShares,
  };
}

export async function leaveTeam(deps: CoreDeps, team: TeamAccess): Promise<{ success: true }> {
  const events = await deps.db.transaction(async (tx) => {
    const role = await lockTeam(tx, team);
    if (role === "owner" && (await ownerCount(tx, team.teamId)) <= 1) throw lastOwner("You are its last owner");
    await tx.delete(teamMembers).where(and(eq(teamMembers.teamId, team.teamId), eq(teamMembers.userId, team.userId)));
    await recordAudit(tx, {
      actor: team,
      ownerId: team.userId,
      teamId: team.teamId,
      action: "team.leave",
      target: { type: "team", id: team.teamId },
      detail: { role },
      at: deps.now(),
    });
    return [
      ...(await announceTeamAccess(tx, team.teamId, { team: team.teamId }, [team.userId])),
      ...(await announceTeamChange(tx, team.teamId, [team.userId])),
    ];
  });
  await deps.bus.publish(events);
  return { success: true };
}

export async function deleteTeam(deps: CoreDeps, team: TeamAccess): Promise<{ success: true }> {
  const events = await deps.db.transaction(async (tx) => {
    const [row] = await tx.select().from(teams).where(eq(teams.id, team.teamId)).for("update");
    if (!row) throw new OmnaraError("NOT_FOUND", `Team ${team.teamId} was not found.`);
    const events = [
      ...(await announceTeamAccess(tx, team.teamId, { team: team.teamId })),
      ...(await announceTeamChange(tx, team.teamId)),
    ];
    // Recorded in the deleter's own audit (the team's audit goes with the team).
    await recordAudit(tx, {
      actor: team,
      ownerId: team.userId,
      action: "team.delete",
      target: { type: "team", id: team.teamId },
      detail: { name: row.name },
      at: deps.now(),
    });
    await tx.delete(teams).where(eq(teams.id, team.teamId));
    return events;
  });
  await deps.bus.publish(events);
  return { success: true };
}
