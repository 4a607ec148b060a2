import { z } from "zod";
import { limits } from "../limits.ts";
import { defineOperation } from "../operation.ts";
import { IsoDateTime, Uuid } from "../schemas.ts";

export const User = z.object({
  id: Uuid,
  email: z.string(),
  display_name: z.string().nullable(),
  created_at: IsoDateTime,
});

export const me = defineOperation({
  id: "me",
  audience: "user",
  access: "account",
  kind: "query",
  description: "The signed-in user's profile: id, email, display name and when the account was created.",
  input: z.object({}),
  output: User,
  rest: { method: "GET", path: "/api/v1/auth/me" },
});

export const signOut = defineOperation({
  id: "signOut",
  audience: "user",
  access: "account",
  kind: "mutation",
  description: "End this session: its token is refused from now on.",
  input: z.object({}),
  output: z.object({ success: z.literal(true) }),
  rest: { method: "POST", path: "/api/v1/auth/logout" },
});

export const Session = z.object({
  id: Uuid,
  /** The browser or device that signed in, as its User-Agent said. */
  user_agent: z.string().nullable(),
  client_address: z.string().nullable(),
  created_at: IsoDateTime,
  last_used_at: IsoDateTime.nullable(),
  expires_at: IsoDateTime,
  /** The session this call was made with. */
  current: z.boolean(),
});

export const listSessions = defineOperation({
  id: "listSessions",
  audience: "user",
  access: "account",
  kind: "query",
  description:
    "The account's signed-in sessions that are still live, most recently used first, with device and last use.",
  input: z.object({}),
  output: z.object({ sessions: z.array(Session) }),
  rest: { method: "GET", path: "/api/v1/auth/sessions" },
});

export const revokeSession = defineOperation({
  id: "revokeSession",
  audience: "user",
  access: "account",
  kind: "mutation",
  description: "Sign one session out: its token is refused from now on and its open streams end, on every server.",
  input: z.object({ id: Uuid }),
  output: z.object({ success: z.literal(true) }),
  rest: { method: "DELETE", path: "/api/v1/auth/sessions/{id}" },
});

export const signOutEverywhere = defineOperation({
  id: "signOutEverywhere",
  audience: "user",
  access: "account",
  kind: "mutation",
  description:
    "Sign every session of the account out, this one included: each token is refused from now on and every open stream ends. API keys are not touched.",
  input: z.object({}),
  output: z.object({ success: z.literal(true), revoked: z.number().int() }),
  rest: { method: "POST", path: "/api/v1/auth/logout-everywhere" },
});

export const changePassword = defineOperation({
  id: "changePassword",
  audience: "user",
  access: "account",
  kind: "mutation",
  description:
    "Change the account's password, proving the current one. Every other session is signed out; this one stays.",
  input: z.object({
    current_password: z.string().min(1).max(limits.passwordMaxChars),
    new_password: z.string().min(limits.passwordMinChars).max(limits.passwordMaxChars),
  }),
  output: z.object({ success: z.literal(true), signed_out_sessions: z.number().int() }),
  rest: { method: "POST", path: "/api/v1/auth/password" },
});
