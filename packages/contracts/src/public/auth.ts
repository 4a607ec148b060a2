import { z } from "zod";
import { limits } from "../limits.ts";
import { defineOperation } from "../operation.ts";
import { User } from "../user/account.ts";

export const Email = z
  .email()
  .max(limits.emailChars)
  .transform((email) => email.toLowerCase());
const Password = z.string().min(limits.passwordMinChars).max(limits.passwordMaxChars);
const Session = z.object({ token: z.string(), user: User });

export const signUp = defineOperation({
  id: "signUp",
  audience: "public",
  kind: "mutation",
  description: "Create a local account and sign in. The token authenticates user calls as a Bearer token.",
  input: z.object({
    email: Email,
    password: Password,
    display_name: z.string().trim().min(1).max(limits.nameChars).optional(),
  }),
  output: Session,
  rest: { method: "POST", path: "/api/v1/auth/signup", status: 201 },
});

export const requestPasswordReset = defineOperation({
  id: "requestPasswordReset",
  audience: "public",
  kind: "mutation",
  description:
    "Email a password-reset link to this address if it has a local account (over the server's SMTP; without SMTP the server's log prints the link). The answer is the same whether or not the account exists. The link works once, for an hour.",
  input: z.object({ email: Email }),
  output: z.object({ success: z.literal(true) }),
  rest: { method: "POST", path: "/api/v1/auth/password-reset" },
});

export const ResetToken = z.string().min(20).max(200);

export const resetPassword = defineOperation({
  id: "resetPassword",
  audience: "public",
  kind: "mutation",
  description:
    "Set a new password with the token of a reset link. The token works once; every session of the account is signed out (sign in again with the new password).",
  input: z.object({ token: ResetToken, new_password: Password }),
  output: z.object({ success: z.literal(true), signed_out_sessions: z.number().int() }),
  rest: { method: "POST", path: "/api/v1/auth/password-reset/confirm" },
});

export const authConfig = defineOperation({
  id: "authConfig",
  audience: "public",
  kind: "query",
  description:
    "How web users sign in here: `supabase` (the project URL and anon key for supabase-js) when the server uses Supabase Auth, null for local accounts; and whether local sign-up is open.",
  input: z.object({}),
  output: z.object({
    supabase: z.object({ url: z.string(), anon_key: z.string() }).nullable(),
    signup_allowed: z.boolean(),
  }),
  rest: { method: "GET", path: "/api/v1/auth/config" },
});

export const signIn = defineOperation({
  id: "signIn",
  audience: "public",
  kind: "mutation",
  description: "Sign in with email and password; returns a session token.",
  input: z.object({ email: Email, password: z.string().min(1).max(limits.passwordMaxChars) }),
  output: Session,
  rest: { method: "POST", path: "/api/v1/auth/login" },
});
