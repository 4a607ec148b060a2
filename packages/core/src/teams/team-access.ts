import { OmnaraError, type TeamRole, teamRoles } from "@omnara/contracts";
import type { Db } from "@omnara/db";
import { schema } from "@omnara/db";
import { and, eq, isNull, or, sql } from "drizzle-orm";
import type { Caller } from "../deps.ts";
import { notFound } from "../not-found.ts";

const { agentTypes, teamInvites, teamMembers, users } = schema;

/** A member acting in a team, with the role the member holds there. */
export interface TeamAccess extends Caller {
  teamId: string;
  role: TeamRole;
}

/** A pending invite addressed to the caller. */
export interface InviteAccess extends Caller {
  inviteId: string;
  teamId: string;
  role: TeamRole;
}

export const teamRank = (role: TeamRole): number => teamRoles.indexOf(role);

export async function teamRoleOf(db: Db, userId: string, teamId: string): Promise<TeamRole | undefined> {
  const [row] = await db
    .select({ role: teamMembers.role })
    .from(teamMembers)
    .where(and(eq(teamMembers.teamId, teamId), eq(teamMembers.userId, userId)));
  return row?.role;
}

/** NOT_FOUND for a non-member (the team's id reveals nothing), FORBIDDEN for a weaker role. */
export async function requireTeamRole(db: Db, caller: Caller, teamId: string, needed: TeamRole): Promise<TeamAccess> {
  const role = await teamRoleOf(db, caller.userId, teamId);
  if (!role) throw notFound(`Team ${teamId}`);
  if (teamRank(role) < teamRank(needed)) {
    throw new OmnaraError("FORBIDDEN", `You are a team ${role}; only a team ${needed} or above may do this.`);
  }
  return { userId: caller.userId, device: caller.device, teamId, role };
}

/** The agent type is the caller's own; anyone else's (or a missing one) is NOT_FOUND. */
export async function requireOwnAgentType(db: Db, caller: Caller, agentTypeId: string): Promise<void> {
  const [row] = await db
    .select({ id: agentTypes.id })
    .from(agentTypes)
    .where(and(eq(agentTypes.id, agentTypeId), eq(agentTypes.userId, caller.userId)));
  if (!row) throw notFound(`Agent type ${agentTypeId}`);
}

/** Invites addressed to `userId`: linked to the account, or still waiting on its email. */
export const inviteRecipientIs = (userId: string) =>
  or(
    eq(teamInvites.userId, userId),
    and(
      isNull(teamInvites.userId),
      eq(teamInvites.email, sql`(select ${users.email} from ${users} where ${users.id} = ${userId})`),
    ),
  );

/** The pending invite is the caller's; anyone else's, or one decided already, is NOT_FOUND. */
export async function requireInviteRecipient(db: Db, caller: Caller, inviteId: string): Promise<InviteAccess> {
  const [row] = await db
    .select({ teamId: teamInvites.teamId, role: teamInvites.role })
    .from(teamInvites)
    .where(and(eq(teamInvites.id, inviteId), eq(teamInvites.state, "pending"), inviteRecipientIs(caller.userId)));
  if (!row) throw notFound(`Invite ${inviteId}`);
  return { userId: caller.userId, device: caller.device, inviteId, teamId: row.teamId, role: row.role };
}
