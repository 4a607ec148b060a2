import { z } from "zod";
import { defineOperation } from "../operation.ts";
import { Uuid } from "../schemas.ts";

export const v1VerifyKey = defineOperation({
  id: "v1VerifyKey",
  audience: "agent",
  kind: "query",
  description: "Omnara v1: check the API key and say whose it is; n8n tests its credential with it.",
  input: z.object({}),
  output: z.object({
    success: z.literal(true),
    user_id: Uuid,
    email: z.string(),
    display_name: z.string().nullable(),
    message: z.string(),
  }),
  retry: "safe",
  rest: { method: "GET", path: "/api/v1/auth/verify" },
});
