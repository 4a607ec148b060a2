import { z } from "zod";
import { defineOperation } from "../operation.ts";
import { Uuid } from "../schemas.ts";

export const verifyKey = defineOperation({
  id: "verifyKey",
  audience: "agent",
  kind: "query",
  description: "Check that the API key is valid and say whose it is.",
  input: z.object({}),
  output: z.object({
    success: z.literal(true),
    user_id: Uuid,
    email: z.string(),
    display_name: z.string().nullable(),
    message: z.string(),
  }),
  retry: "safe",
});
