import type { InstanceRole, TeamRole } from "@omnara/contracts";
import type { newUserWithKey } from "@omnara/testing";

type Member = Awaited<ReturnType<typeof newUserWithKey>>;

export interface RoleSetup {
  url: string;
  owner: Member;
  /** The user who plays the role. */
  member: Member;
  /** The owner's instance the case targets. */
  instanceId: string;
  /** The case's team: its founder owns it, the instance's owner is a member of it. */
  teamId: string;
  founder: Member;
}

export type RoleName =
  | "owner"
  | "write share"
  | "read share"
  | "team owner"
  | "team admin"
  | "team member"
  | "stranger";

/** A relation a user can have to an instance and a team, how to set it up, and what it gives. */
export interface MatrixRole {
  name: RoleName;
  /** What the user then holds on the instance; undefined: nothing. */
  holds: InstanceRole | undefined;
  /** What the user then holds in the case's team; undefined: not a member. */
  team: TeamRole | undefined;
  grant(setup: RoleSetup): Promise<void>;
}

/** The founder invites `who` into the team with `role`, and `who` accepts. */
export async function joinTeam(founder: Member, teamId: string, who: Member, role: TeamRole): Promise<void> {
  const invite = await founder.user.inviteTeamMember.mutate({ team_id: teamId, email: who.email, role });
  await who.user.acceptTeamInvite.mutate({ invite_id: invite.id });
}

/** The member joins the case's team with `role`, and the owner shares the instance with the team. */
const teamShare =
  (role: TeamRole, access: "READ" | "WRITE") =>
  async ({ founder, owner, member, instanceId, teamId }: RoleSetup) => {
    await joinTeam(founder, teamId, member, role);
    await owner.user.shareInstanceWithTeam.mutate({ agent_instance_id: instanceId, team_id: teamId, access });
  };

export const matrixRoles: readonly MatrixRole[] = [
  { name: "owner", holds: "owner", team: "member", grant: async () => {} },
  {
    name: "write share",
    holds: "write",
    team: undefined,
    grant: async ({ owner, member, instanceId }) => {
      await owner.user.shareInstance.mutate({ agent_instance_id: instanceId, email: member.email, role: "WRITE" });
    },
  },
  {
    name: "read share",
    holds: "read",
    team: undefined,
    grant: async ({ owner, member, instanceId }) => {
      await owner.user.shareInstance.mutate({ agent_instance_id: instanceId, email: member.email, role: "READ" });
    },
  },
  { name: "team owner", holds: "write", team: "owner", grant: teamShare("owner", "WRITE") },
  { name: "team admin", holds: "read", team: "admin", grant: teamShare("admin", "READ") },
  { name: "team member", holds: "write", team: "member", grant: teamShare("member", "WRITE") },
  { name: "stranger", holds: undefined, team: undefined, grant: async () => {} },
];
