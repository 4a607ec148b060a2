import { OmnaraError, type OperationArgs, type TeamMember, type userOperations } from "@omnara/contracts";
import { schema } from "@omnara/db";
import { and, eq } from "drizzle-orm";
import { recordAudit } from "../audit/audit.ts";
import type { CoreDeps } from "../deps.ts";
import { notFound } from "../not-found.ts";
import { iso } from "../serialize.ts";
import type { TeamAccess } from "./team-access.ts";
import { announceTeamAccess, announceTeamChange } from "./team-fanout.ts";
import { lastOwner, lockTeam, ownerCount } from "./teams.ts";

const { teamMembers, users } = schema;
type Op = typeof userOperations;

const adminsActOnMembers = (): OmnaraError =>
  new OmnaraError("FORBIDDEN", "Admins act on members only; ask a team owner to change an admin or an owner.");

export async function changeTeamRole(
  deps: CoreDeps,
  team: TeamAccess,
  input: OperationArgs<Op["changeTeamRole"]>,
): Promise<TeamMember> {
  const { member, events } = await deps.db.transaction(async (tx) => {
    const actor = await lockTeam(tx, team);
    const [target] = await tx
      .select({ member: teamMembers, email: users.email, displayName: users.displayName })
      .from(teamMembers)
      .innerJoin(users, eq(users.id, teamMembers.userId))
      .where(and(eq(teamMembers.teamId, team.teamId), eq(teamMembers.userId, input.user_id)));
    if (!target) throw notFound(`Team member ${input.user_id}`);
    const from = target.member.role;
    if (actor === "member") throw new OmnaraError("FORBIDDEN", "Only team admins and owners change roles.");
    if (actor === "admin" && (from !== "member" || input.role === "owner")) throw adminsActOnMembers();
    if (from === "owner" && input.role !== "owner" && (await ownerCount(tx, team.teamId)) <= 1) {
      throw lastOwner("This is the team's last owner");
    }
    const [row] = await tx
      .update(teamMembers)
      .set({ role: input.role })
      .where(and(eq(teamMembers.teamId, team.teamId), eq(teamMembers.userId, input.user_id)))
      .returning();
    if (!row) throw notFound(`Team member ${input.user_id}`);
    await recordAudit(tx, {
      actor: team,
      ownerId: team.userId,
      teamId: team.teamId,
      action: "team.role_change",
      target: { type: "team", id: team.teamId },
      detail: { user_id: input.user_id, email: target.email, from, to: input.role },
      at: deps.now(),
    });
    const member: TeamMember = {
      user_id: row.userId,
      email: target.email,
      display_name: target.displayName,
      role: row.role,
      joined_at: iso(row.joinedAt),
    };
    return { member, events: await announceTeamChange(tx, team.teamId) };
  });
  await deps.bus.publish(events);
  return member;
}

export async function removeTeamMember(
  deps: CoreDeps,
  team: TeamAccess,
  input: OperationArgs<Op["removeTeamMember"]>,
): Promise<{ success: true }> {
  const events = await deps.db.transaction(async (tx) => {
    const actor = await lockTeam(tx, team);
    const [target] = await tx
      .select({ role: teamMembers.role, email: users.email })
      .from(teamMembers)
      .innerJoin(users, eq(users.id, teamMembers.userId))
      .where(and(eq(teamMembers.teamId, team.teamId), eq(teamMembers.userId, input.user_id)));
    if (!target) throw notFound(`Team member ${input.user_id}`);
    if (actor === "member") throw new OmnaraError("FORBIDDEN", "Only team admins and owners remove members.");
    if (actor === "admin" && target.role !== "member") throw adminsActOnMembers();
    if (target.role === "owner" && (await ownerCount(tx, team.teamId)) <= 1) {
      throw lastOwner("This is the team's last owner");
    }
    await tx.delete(teamMembers).where(and(eq(teamMembers.teamId, team.teamId), eq(teamMembers.userId, input.user_id)));
    await recordAudit(tx, {
      actor: team,
      ownerId: team.userId,
      teamId: team.teamId,
      action: "team.remove",
      target: { type: "team", id: team.teamId },
      detail: { user_id: input.user_id, email: target.email, role: target.role },
      at: deps.now(),
    });
    return [
      ...(await announceTeamAccess(tx, team.teamId, { team: team.teamId }, [input.user_id])),
      ...(await announceTeamChange(tx, team.teamId, [input.user_id])),
    ];
  });
  await deps.bus.publish(events);
  return { success: true };
}
