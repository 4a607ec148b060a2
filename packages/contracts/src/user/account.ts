import { z } from "zod";
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
