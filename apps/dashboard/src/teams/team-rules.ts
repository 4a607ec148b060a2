import type { TeamRole } from "@omnara/contracts";

/**
 * Which team controls to offer, by the caller's role: the rules of README's Teams table, kept by
 * the server (packages/core/src/teams). Admins act on members only; only owners make owners and
 * admins. The server still decides: a control offered here can be refused (the last owner
 * cannot leave, be demoted or removed), and its coded error is shown.
 */
export const roleLabels: Record<TeamRole, string> = { owner: "Owner", admin: "Admin", member: "Member" };

/** Strongest first, as a role picker lists them. */
const allRoles: TeamRole[] = ["owner", "admin", "member"];

/** The roles the caller may invite with (admins invite members only). */
export function invitableRoles(caller: TeamRole): TeamRole[] {
  if (caller === "owner") return allRoles;
  return caller === "admin" ? ["member"] : [];
}

/** The roles the caller may give someone who holds `target`, its current one included; none: no picker. */
export function assignableRoles(caller: TeamRole, target: TeamRole): TeamRole[] {
  if (caller === "owner") return allRoles;
  return caller === "admin" && target === "member" ? ["admin", "member"] : [];
}

export const canRemove = (caller: TeamRole, target: TeamRole): boolean =>
  caller === "owner" || (caller === "admin" && target === "member");

/** Invite, cancel invites, read the team's audit. */
export const canManage = (caller: TeamRole): boolean => caller !== "member";

export const canDeleteTeam = (caller: TeamRole): boolean => caller === "owner";
