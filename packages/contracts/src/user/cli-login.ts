import { z } from "zod";
import { defineOperation } from "../operation.ts";
import { CliLoginStatus, UserCode } from "../public/cli-login.ts";
import { IsoDateTime } from "../schemas.ts";

const CliLogin = z.object({
  user_code: z.string(),
  client_name: z.string(),
  /** "machine": approving lets that computer's daemon start agents in the projects added on it. */
  kind: z.enum(["agent", "machine"]),
  status: CliLoginStatus,
  created_at: IsoDateTime,
  expires_at: IsoDateTime,
});

export const describeCliLogin = defineOperation({
  id: "describeCliLogin",
  audience: "user",
  access: "account",
  kind: "query",
  description: "Look up a CLI sign-in by the code the CLI shows, to show where it comes from before confirming it.",
  input: z.object({ user_code: UserCode }),
  output: CliLogin,
  rest: { method: "GET", path: "/api/v1/auth/cli-login/{user_code}" },
});

export const confirmCliLogin = defineOperation({
  id: "confirmCliLogin",
  audience: "user",
  access: "account",
  kind: "mutation",
  description:
    "Approve (or, with approve false, deny) the CLI sign-in showing this code. On approval the waiting CLI receives a new API key of this account, named after its host.",
  input: z.object({ user_code: UserCode, approve: z.boolean().default(true) }),
  output: CliLogin,
  rest: { method: "POST", path: "/api/v1/auth/cli-login/{user_code}/confirm" },
});
