import { OmnaraError, type OperationArgs, type Team, type TeamInvite, type userOperations } from "@omnara/contracts";
import type { Db } from "@omnara/db";
import { schema } from "@omnara/db";
import { aliasedTable, and, asc, eq, isNull, type SQL, sql } from "drizzle-orm";
import { recordAudit } from "../audit/audit.ts";
import type { CoreDeps } from "../deps.ts";
import { notFound } from "../not-found.ts";
import { iso } from "../serialize.ts";
import { type InviteAccess, inviteRecipientIs, type TeamAccess } from "./team-access.ts";
import { announceTeamAccess, announceTeamChange } from "./team-fanout.ts";
import { teamFor } from "./teams.ts";

const { teamInvites, teamMembers, teams, users } = schema;
type Op = typeof userOperations;

const inviter = aliasedTable(users, "inviter");
const account = aliasedTable(users, "account");

/** Pending invites: a team's, or those addressed to a user, oldest first. */
export async function invitesOf(db: Db, whose: { team: string } | { recipient: string }): Promise<TeamInvite[]> {
  const scope: SQL | undefined =
    "team" in whose ? eq(teamInvites.teamId, whose.team) : inviteRecipientIs(whose.recipient);
  const rows = await db
    .select({ invite: teamInvites, teamName: teams.name, inviterEmail: inviter.email, accountId: account.id })
    .from(teamInvites)
    .innerJoin(teams, eq(teams.id, teamInvites.teamId))
    .leftJoin(inviter, eq(inviter.id, teamInvites.invitedBy))
    .leftJoin(account, eq(account.email, teamInvites.email))
    .where(and(eq(teamInvites.state, "pending"), scope))
    .orderBy(asc(teamInvites.createdAt), asc(teamInvites.id));
  return rows.map((row) => ({
    id: row.invite.id,
    team_id: row.invite.teamId,
    team_name: row.teamName,
    email: row.invite.email,
    role: row.invite.role,
    invited_by_email: row.inviterEmail,
    pending_account: row.accountId === null,
    created_at: iso(row.invite.createdAt),
  }));
}

export async function inviteTeamMember(
  deps: CoreDeps,
  team: TeamAccess,
  input: OperationArgs<Op["inviteTeamMember"]>,
): Promise<TeamInvite> {
  if (input.role !== "member" && team.role !== "owner") {
    throw new OmnaraError("FORBIDDEN", `Only a team owner may invite an ${input.role}; invite them as a member.`);
  }
  const { id, events } = await deps.db.transaction(async (tx) => {
    const [member] = await tx
      .select({ userId: teamMembers.userId })
      .from(teamMembers)
      .innerJoin(users, eq(users.id, teamMembers.userId))
      .where(and(eq(teamMembers.teamId, team.teamId), eq(users.email, input.email)));
    if (member) throw new OmnaraError("CONFLICT", `${input.email} is already in this team.`);
    // One pending invite per team and email (a partial unique index): a second, however
    // concurrent, inserts nothing.
    const [row] = await tx
      .insert(teamInvites)
      .values({
        teamId: team.teamId,
        email: input.email,
        userId: sql`(select ${users.id} from ${users} where ${users.email} = ${input.email})`,
        role: input.role,
        invitedBy: team.userId,
        createdAt: deps.now(),
      })
      .onConflictDoNothing()
      .returning({ id: teamInvites.id, userId: teamInvites.userId });
    if (!row) throw new OmnaraError("CONFLICT", `${input.email} already has a pending invite to this team.`);
    await recordAudit(tx, {
      actor: team,
      ownerId: team.userId,
      teamId: team.teamId,
      action: "team.invite",
      target: { type: "team", id: team.teamId },
      detail: { invite_id: row.id, email: input.email, role: input.role },
      at: deps.now(),
    });
    return { id: row.id, events: await announceTeamChange(tx, team.teamId, [row.userId]) };
  });
  await deps.bus.publish(events);
  const invite = (await invitesOf(deps.db, { team: team.teamId })).find((each) => each.id === id);
  if (!invite) throw notFound(`Invite ${id}`);
  return invite;
}

export async function cancelTeamInvite(
  deps: CoreDeps,
  team: TeamAccess,
  input: OperationArgs<Op["cancelTeamInvite"]>,
): Promise<{ success: true }> {
  const events = await deps.db.transaction(async (tx) => {
    const [row] = await tx
      .update(teamInvites)
      .set({ state: "cancelled", decidedAt: deps.now() })
      .where(
        and(eq(teamInvites.id, input.invite_id), eq(teamInvites.teamId, team.teamId), eq(teamInvites.state, "pending")),
      )
      .returning();
    if (!row) throw notFound(`Invite ${input.invite_id}`);
    await recordAudit(tx, {
      actor: team,
      ownerId: team.userId,
      teamId: team.teamId,
      action: "team.invite_cancel",
      target: { type: "team", id: team.teamId },
      detail: { invite_id: row.id, email: row.email },
      at: deps.now(),
    });
    return announceTeamChange(tx, team.teamId, [row.userId]);
  });
  await deps.bus.publish(events);
  return { success: true };
}

/** Takes the invite out of pending for the recipient; undefined when it was decided meanwhile. */
const decide = (tx: Db, invite: InviteAccess, state: "accepted" | "declined", at: Date) =>
  tx
    .update(teamInvites)
    .set({ state, decidedAt: at, userId: invite.userId })
    .where(and(eq(teamInvites.id, invite.inviteId), eq(teamInvites.state, "pending")))
    .returning();

export async function acceptTeamInvite(deps: CoreDeps, invite: InviteAccess): Promise<Team> {
  const { events, role } = await deps.db.transaction(async (tx) => {
    // Of concurrent accepts one takes the invite; the others find it no longer pending.
    const [row] = await decide(tx, invite, "accepted", deps.now());
    if (!row) throw notFound(`Invite ${invite.inviteId}`);
    await tx
      .insert(teamMembers)
      .values({ teamId: row.teamId, userId: invite.userId, role: row.role, joinedAt: deps.now() })
      .onConflictDoNothing();
    const [member] = await tx
      .select({ role: teamMembers.role })
      .from(teamMembers)
      .where(and(eq(teamMembers.teamId, row.teamId), eq(teamMembers.userId, invite.userId)));
    await recordAudit(tx, {
      actor: invite,
      ownerId: invite.userId,
      teamId: row.teamId,
      action: "team.join",
      target: { type: "team", id: row.teamId },
      detail: { invite_id: row.id, role: member?.role ?? row.role },
      at: deps.now(),
    });
    return {
      events: [
        ...(await announceTeamAccess(tx, row.teamId, { team: row.teamId }, [invite.userId])),
        ...(await announceTeamChange(tx, row.teamId)),
      ],
      role: member?.role ?? row.role,
    };
  });
  await deps.bus.publish(events);
  return teamFor(deps.db, invite.teamId, role);
}

export async function declineTeamInvite(deps: CoreDeps, invite: InviteAccess): Promise<{ success: true }> {
  const events = await deps.db.transaction(async (tx) => {
    const [row] = await decide(tx, invite, "declined", deps.now());
    if (!row) throw notFound(`Invite ${invite.inviteId}`);
    await recordAudit(tx, {
      actor: invite,
      ownerId: invite.userId,
      teamId: row.teamId,
      action: "team.decline",
      target: { type: "team", id: row.teamId },
      detail: { invite_id: row.id },
      at: deps.now(),
    });
    return announceTeamChange(tx, row.teamId, [invite.userId]);
  });
  await deps.bus.publish(events);
  return { success: true };
}

/** A new account takes the invites that waited on its email. */
export async function linkWaitingInvites(db: Db, user: { id: string; email: string }): Promise<void> {
  await db
    .update(teamInvites)
    .set({ userId: user.id })
    .where(and(eq(teamInvites.email, user.email), isNull(teamInvites.userId), eq(teamInvites.state, "pending")));
}
