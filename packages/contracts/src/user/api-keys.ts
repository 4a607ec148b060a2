import { z } from "zod";
import { limits } from "../limits.ts";
import { defineOperation } from "../operation.ts";
import { IsoDateTime, Name, Uuid } from "../schemas.ts";

export const ApiKeyInfo = z.object({
  id: Uuid,
  name: z.string(),
  created_at: IsoDateTime,
  expires_at: IsoDateTime.nullable(),
  last_used_at: IsoDateTime.nullable(),
  revoked_at: IsoDateTime.nullable(),
  /** "machine": the key of a machine's daemon (revoking it revokes the machine). */
  kind: z.enum(["agent", "machine"]),
  is_active: z.boolean(),
});

export const createApiKey = defineOperation({
  id: "createApiKey",
  audience: "user",
  access: "account",
  kind: "mutation",
  description: "Create an API key for an agent. The key is in api_key and is shown this once: only its hash is stored.",
  input: z.object({
    name: Name,
    expires_in_days: z.number().int().min(1).max(limits.maxApiKeyExpiryDays).optional(),
  }),
  output: ApiKeyInfo.extend({ api_key: z.string() }),
  rest: { method: "POST", path: "/api/v1/auth/api-keys", status: 201 },
});

export const listApiKeys = defineOperation({
  id: "listApiKeys",
  audience: "user",
  access: "account",
  kind: "query",
  description: "The user's API keys, newest first, without the keys themselves.",
  input: z.object({}),
  output: z.array(ApiKeyInfo),
  rest: { method: "GET", path: "/api/v1/auth/api-keys" },
});

export const revokeApiKey = defineOperation({
  id: "revokeApiKey",
  audience: "user",
  access: "account",
  kind: "mutation",
  description: "Revoke an API key: every server refuses it from the next call on.",
  input: z.object({ id: Uuid }),
  output: z.object({ success: z.literal(true) }),
  rest: { method: "DELETE", path: "/api/v1/auth/api-keys/{id}" },
});
