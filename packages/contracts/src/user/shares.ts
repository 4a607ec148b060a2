import { z } from "zod";
import { defineOperation } from "../operation.ts";
import { Email } from "../public/auth.ts";
import { IsoDateTime, ShareRole, Uuid } from "../schemas.ts";
import { TeamInstanceShare } from "./teams.ts";

export const InstanceShare = z.object({
  id: Uuid,
  agent_instance_id: Uuid,
  email: z.string(),
  role: ShareRole,
  /** No account has this email yet: the share waits and takes effect when one signs up. */
  pending: z.boolean(),
  created_at: IsoDateTime,
});
export type InstanceShare = z.infer<typeof InstanceShare>;

export const shareInstance = defineOperation({
  id: "shareInstance",
  audience: "user",
  access: { instance: "owner" },
  kind: "mutation",
  description:
    "Share an instance with someone by email: READ lets them follow it live and be notified like the owner; WRITE also lets them reply and answer its questions. Only the owner renames, deletes or shares. Sharing again with the same email changes the role. An email without an account waits and takes effect when that email signs up.",
  input: z.object({ agent_instance_id: Uuid, email: Email, role: ShareRole.default("READ") }),
  output: InstanceShare,
  rest: { method: "POST", path: "/api/v1/agent-instances/{agent_instance_id}/shares", status: 201 },
});

export const listShares = defineOperation({
  id: "listShares",
  audience: "user",
  access: { instance: "owner" },
  kind: "query",
  description: "Who an instance is shared with, oldest first: by email, and with teams.",
  input: z.object({ agent_instance_id: Uuid }),
  output: z.object({ shares: z.array(InstanceShare), team_shares: z.array(TeamInstanceShare) }),
  rest: { method: "GET", path: "/api/v1/agent-instances/{agent_instance_id}/shares" },
});

export const revokeShare = defineOperation({
  id: "revokeShare",
  audience: "user",
  access: { instance: "owner" },
  kind: "mutation",
  description:
    "Stop sharing an instance with someone: from now on it is a 404 to them, it leaves their lists and live streams, and they are notified no more.",
  input: z.object({ agent_instance_id: Uuid, share_id: Uuid }),
  output: z.object({ success: z.literal(true) }),
  rest: { method: "DELETE", path: "/api/v1/agent-instances/{agent_instance_id}/shares/{share_id}" },
});
