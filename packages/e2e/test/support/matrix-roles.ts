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

export type RoleName = "owner" | "stranger";

/** A relation a user can have to an instance, how to set it up, and the role it gives. */
export interface MatrixRole {
  name: RoleName;
  /** What the user then holds on the instance; undefined: nothing. */
  holds: InstanceRole | undefined;
  grant(setup: RoleSetup): Promise<void>;
}

export const matrixRoles: readonly MatrixRole[] = [
  { name: "owner", holds: "owner", grant: async () => {} },
  { name: "stranger", holds: undefined, grant: async () => {} },
];
