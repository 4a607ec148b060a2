import { verifyKey } from "../agent/verify-key.ts";
import { defineOperation } from "../operation.ts";

export const v1VerifyKey = defineOperation({
  id: "v1VerifyKey",
  audience: "agent",
  kind: "query",
  description: "Omnara v1: check the API key and say whose it is; n8n tests its credential with it.",
  // The same wire shapes as ours: only the id, the description and the bindings differ.
  input: verifyKey.input,
  output: verifyKey.output,
  retry: "safe",
  rest: { method: "GET", path: "/api/v1/auth/verify" },
});
