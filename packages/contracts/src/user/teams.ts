import { z } from "zod";
import { limits } from "../limits.ts";
import { defineOperation } from "../operation.ts";
import { Email } from "../public/auth.ts";
import { IsoDateTime, Name, PageLimit, ShareRole, Uuid } from "../schemas.ts";
import { AuditCursor, AuditEntry } from "./audit.ts";

/** What a user holds in a team: owners manage everything, admins invite and remove members. */
export const TeamRole = z.enum(["owner", "admin", "member"]);
export type TeamRole = z.infer<typeof TeamRole>;

export const Team = z.object({
  id: Uuid,
  name: z.string(),
  /** The caller's role in it. */
  role: TeamRole,
  member_count: z.number().int(),
  created_at: IsoDateTime,
});
export type Team = z.infer<typeof Team>;

export const TeamMember = z.object({
  user_id: Uuid,
  email: z.string(),
  display_name: z.string().nullable(),
  role: TeamRole,
  joined_at: IsoDateTime,
});
export type TeamMember = z.infer<typeof TeamMember>;

export const TeamInvite = z.object({
  id: Uuid,
  team_id: Uuid,
  team_name: z.string(),
  email: z.string(),
  role: TeamRole,
  invited_by_email: z.string().nullable(),
  /** No account has this email yet: the invite waits and shows when one signs up. */
  pending_account: z.boolean(),
  created_at: IsoDateTime,
});
export type TeamInvite = z.infer<typeof TeamInvite>;

export const TeamInstanceShare = z.object({
  team_id: Uuid,
  team_name: z.string(),
  agent_instance_id: Uuid,
  instance_name: z.string().nullable(),
  /** Who shared it: its owner, the only one who may stop sharing it. */
  owner_email: z.string(),
  access: ShareRole,
  created_at: IsoDateTime,
});
export type TeamInstanceShare = z.infer<typeof TeamInstanceShare>;

export const TeamAgentTypeShare = z.object({
  team_id: Uuid,
  team_name: z.string(),
  agent_type_id: Uuid,
  agent_type_name: z.string(),
  owner_email: z.string(),
  access: ShareRole,
  created_at: IsoDateTime,
});
export type TeamAgentTypeShare = z.infer<typeof TeamAgentTypeShare>;

export const TeamDetail = z.object({
  team: Team,
  members: z.array(TeamMember),
  /** Invites not yet accepted, declined or cancelled. */
  invites: z.array(TeamInvite),
  instance_shares: z.array(TeamInstanceShare),
  agent_type_shares: z.array(TeamAgentTypeShare),
});
export type TeamDetail = z.infer<typeof TeamDetail>;

const Success = z.object({ success: z.literal(true) });
const teamPath = "/api/v1/teams/{team_id}";

export const createTeam = defineOperation({
  id: "createTeam",
  audience: "user",
  access: "account",
  kind: "mutation",
  description: "Create a team; the caller is its first owner.",
  input: z.object({ name: Name }),
  output: Team,
  rest: { method: "POST", path: "/api/v1/teams", status: 201 },
});

export const listTeams = defineOperation({
  id: "listTeams",
  audience: "user",
  access: "account",
  kind: "query",
  description:
    "The teams the caller belongs to (with the caller's role), and the invites waiting on the caller's email.",
  input: z.object({}),
  output: z.object({ teams: z.array(Team), invites: z.array(TeamInvite) }),
  rest: { method: "GET", path: "/api/v1/teams" },
});

export const getTeam = defineOperation({
  id: "getTeam",
  audience: "user",
  access: { team: "member" },
  kind: "query",
  description: "A team's members and roles, pending invites, and what is shared with it.",
  input: z.object({ team_id: Uuid }),
  output: TeamDetail,
  rest: { method: "GET", path: teamPath },
});

export const leaveTeam = defineOperation({
  id: "leaveTeam",
  audience: "user",
  access: { team: "member" },
  kind: "mutation",
  description:
    "Leave a team: what it shares is no longer yours to see. The last owner cannot leave (409): make someone else owner, or delete the team.",
  input: z.object({ team_id: Uuid }),
  output: Success,
  rest: { method: "POST", path: `${teamPath}/leave` },
});

export const deleteTeam = defineOperation({
  id: "deleteTeam",
  audience: "user",
  access: { team: "owner" },
  kind: "mutation",
  description: "Delete a team (owners only): its members lose what it shared, its invites are void.",
  input: z.object({ team_id: Uuid }),
  output: Success,
  rest: { method: "DELETE", path: teamPath },
});

export const inviteTeamMember = defineOperation({
  id: "inviteTeamMember",
  audience: "user",
  access: { team: "admin" },
  kind: "mutation",
  description:
    "Invite someone by email (admins and owners; only owners invite owners or admins). An email with an account sees the invite at once; one without waits and sees it when that email signs up. Inviting the same email again while an invite is pending changes nothing (409).",
  input: z.object({ team_id: Uuid, email: Email, role: TeamRole.default("member") }),
  output: TeamInvite,
  rest: { method: "POST", path: `${teamPath}/invites`, status: 201 },
});

export const cancelTeamInvite = defineOperation({
  id: "cancelTeamInvite",
  audience: "user",
  access: { team: "admin" },
  kind: "mutation",
  description: "Withdraw a pending invite (admins and owners).",
  input: z.object({ team_id: Uuid, invite_id: Uuid }),
  output: Success,
  rest: { method: "DELETE", path: `${teamPath}/invites/{invite_id}` },
});

export const acceptTeamInvite = defineOperation({
  id: "acceptTeamInvite",
  audience: "user",
  access: { invite: "recipient" },
  kind: "mutation",
  description: "Join the team of an invite addressed to your email, with the invite's role.",
  input: z.object({ invite_id: Uuid }),
  output: Team,
  rest: { method: "POST", path: "/api/v1/team-invites/{invite_id}/accept" },
});

export const declineTeamInvite = defineOperation({
  id: "declineTeamInvite",
  audience: "user",
  access: { invite: "recipient" },
  kind: "mutation",
  description: "Decline an invite addressed to your email.",
  input: z.object({ invite_id: Uuid }),
  output: Success,
  rest: { method: "POST", path: "/api/v1/team-invites/{invite_id}/decline" },
});

export const changeTeamRole = defineOperation({
  id: "changeTeamRole",
  audience: "user",
  access: { team: "admin" },
  kind: "mutation",
  description:
    "Change a member's role. Admins may make a member an admin; only owners change an owner's or an admin's role or make owners (403). The last owner cannot be demoted (409).",
  input: z.object({ team_id: Uuid, user_id: Uuid, role: TeamRole }),
  output: TeamMember,
  rest: { method: "PATCH", path: `${teamPath}/members/{user_id}` },
});

export const removeTeamMember = defineOperation({
  id: "removeTeamMember",
  audience: "user",
  access: { team: "admin" },
  kind: "mutation",
  description:
    "Remove someone from a team: from their next call on, what it shares is a 404 to them and their open streams of it end. Admins remove members only; owners remove anyone but the last owner (409).",
  input: z.object({ team_id: Uuid, user_id: Uuid }),
  output: Success,
  rest: { method: "DELETE", path: `${teamPath}/members/{user_id}` },
});

export const listTeamAudit = defineOperation({
  id: "listTeamAudit",
  audience: "user",
  access: { team: "admin" },
  kind: "query",
  description:
    "The team's audit, newest first (admins and owners): created, invites, joins, role changes, removals, leaves, shares and unshares, with who decided, from which device and address, and when.",
  input: z.object({ team_id: Uuid, cursor: AuditCursor.optional(), limit: PageLimit.default(limits.pageSize) }),
  output: z.object({ entries: z.array(AuditEntry), next_cursor: AuditCursor.nullable() }),
  rest: { method: "GET", path: `${teamPath}/audit` },
});

export const shareInstanceWithTeam = defineOperation({
  id: "shareInstanceWithTeam",
  audience: "user",
  access: { instance: "owner", team: "member" },
  kind: "mutation",
  description:
    "Share your instance with a team you belong to: every member gets READ (follow it live, be notified) or WRITE (also reply and answer), as with an email share. Sharing again changes the access.",
  input: z.object({ agent_instance_id: Uuid, team_id: Uuid, access: ShareRole.default("READ") }),
  output: TeamInstanceShare,
  rest: { method: "PUT", path: "/api/v1/agent-instances/{agent_instance_id}/team-shares/{team_id}" },
});

export const revokeInstanceTeamShare = defineOperation({
  id: "revokeInstanceTeamShare",
  audience: "user",
  access: { instance: "owner" },
  kind: "mutation",
  description:
    "Stop sharing your instance with a team: its members lose it on their next call and their streams of it end.",
  input: z.object({ agent_instance_id: Uuid, team_id: Uuid }),
  output: Success,
  rest: { method: "DELETE", path: "/api/v1/agent-instances/{agent_instance_id}/team-shares/{team_id}" },
});

export const shareAgentTypeWithTeam = defineOperation({
  id: "shareAgentTypeWithTeam",
  audience: "user",
  access: { agentType: "owner", team: "member" },
  kind: "mutation",
  description:
    "Share every instance of your agent type, present and future, with a team you belong to, READ or WRITE. Sharing again changes the access.",
  input: z.object({ agent_type_id: Uuid, team_id: Uuid, access: ShareRole.default("READ") }),
  output: TeamAgentTypeShare,
  rest: { method: "PUT", path: "/api/v1/agent-types/{agent_type_id}/team-shares/{team_id}" },
});

export const revokeAgentTypeTeamShare = defineOperation({
  id: "revokeAgentTypeTeamShare",
  audience: "user",
  access: { agentType: "owner" },
  kind: "mutation",
  description: "Stop sharing your agent type's instances with a team.",
  input: z.object({ agent_type_id: Uuid, team_id: Uuid }),
  output: Success,
  rest: { method: "DELETE", path: "/api/v1/agent-types/{agent_type_id}/team-shares/{team_id}" },
});

export const listAgentTypeTeamShares = defineOperation({
  id: "listAgentTypeTeamShares",
  audience: "user",
  access: { agentType: "owner" },
  kind: "query",
  description: "The teams your agent type is shared with.",
  input: z.object({ agent_type_id: Uuid }),
  output: z.object({ shares: z.array(TeamAgentTypeShare) }),
  rest: { method: "GET", path: "/api/v1/agent-types/{agent_type_id}/team-shares" },
});
