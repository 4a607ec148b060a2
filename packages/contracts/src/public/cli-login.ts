import { z } from "zod";
import { limits } from "../limits.ts";
import { defineOperation } from "../operation.ts";
import { IsoDateTime, Name } from "../schemas.ts";

/** What the user types in the dashboard: 8 letters from an alphabet without look-alikes, as XXXX-XXXX. */
export const UserCode = z
  .string()
  .trim()
  .toUpperCase()
  .transform((code) => code.replace(/[^A-Z0-9]/g, ""))
  .pipe(z.string().length(8, "must be the 8-letter code the CLI shows, like WDJB-MJHT"));

export const CliLoginStatus = z.enum(["pending", "approved", "denied", "expired"]);

export const startCliLogin = defineOperation({
  id: "startCliLogin",
  audience: "public",
  kind: "mutation",
  description:
    "Start a device-code sign-in for a command-line tool (`omnara login`). Show user_code and the verification page to the user; keep device_code secret and pass it to pollCliLogin, which returns an API key once the signed-in user confirms the code in the dashboard.",
  input: z.object({
    /** Where the CLI runs, shown to the user before they confirm, e.g. the host name. */
    client_name: Name.default("a command-line tool"),
    /** "machine": the key of `omnara daemon`, which may also start agents on this machine. */
    kind: z.enum(["agent", "machine"]).default("agent"),
  }),
  output: z.object({
    user_code: z.string(),
    device_code: z.string(),
    /** The dashboard page that confirms the code, relative to the server's address. */
    verification_path: z.string(),
    expires_at: IsoDateTime,
  }),
  rest: { method: "POST", path: "/api/v1/auth/cli-login", status: 201 },
});

export const pollCliLogin = defineOperation({
  id: "pollCliLogin",
  audience: "public",
  kind: "mutation",
  description:
    "Wait until the user confirms or denies the code of a CLI sign-in, or until timeout_seconds pass; the server pushes the decision, there is no polling behind it. status 'approved' carries the new API key, returned this once; 'pending' means call again.",
  input: z.object({
    device_code: z.string().min(1).max(200),
    timeout_seconds: z.coerce.number().int().min(0).max(limits.maxWaitSeconds).default(limits.defaultWaitSeconds),
  }),
  output: z.object({
    status: CliLoginStatus,
    /** The API key, only with status 'approved'. */
    api_key: z.string().nullable(),
    key_name: z.string().nullable(),
    email: z.string().nullable(),
  }),
  rest: { method: "POST", path: "/api/v1/auth/cli-login/poll" },
});
