import type { InstanceRole } from "@omnara/contracts";
import type { newUserWithKey } from "@omnara/testing";

type Member = Awaited<ReturnType<typeof newUserWithKey>>;

export interface RoleSetup {
  url: string;
  owner: Member;
  /** The user who plays the role. */
  member: Member;
  /** The owner's instance the case targets. */
  instanceId: string;
}

export type RoleName = "owner" | "write share" | "read share" | "stranger";

/** A relation a user can have to an instance, how to set it up, and the role it gives. */
export interface MatrixRole {
  name: RoleName;
  /** What the user then holds on the instance; undefined: nothing. */
  holds: InstanceRole | undefined;
  grant(setup: RoleSetup): Promise<void>;
}

export const matrixRoles: readonly MatrixRole[] = [
  { name: "owner", holds: "owner", grant: async () => {} },
  {
    name: "write share",
    holds: "write",
    grant: async ({ owner, member, instanceId }) => {
      await owner.user.shareInstance.mutate({ agent_instance_id: instanceId, email: member.email, role: "WRITE" });
    },
  },
  {
    name: "read share",
    holds: "read",
    grant: async ({ owner, member, instanceId }) => {
      await owner.user.shareInstance.mutate({ agent_instance_id: instanceId, email: member.email, role: "READ" });
    },
  },
  { name: "stranger", holds: undefined, grant: async () => {} },
];
