import { endSession } from "../agent/end-session.ts";
import { defineOperation } from "../operation.ts";

export const v1EndSession = defineOperation({
  id: "v1EndSession",
  audience: "agent",
  kind: "mutation",
  description:
    "Omnara v1: end the session. v1 always ended it COMPLETED; status (ours, optional) may say FAILED or DISCONNECTED instead.",
  // The same wire shapes as ours: only the id, the description and the bindings differ.
  input: endSession.input,
  output: endSession.output,
  // The same core call as ours, so as idempotent as ours.
  retry: "safe",
  rest: { method: "POST", path: "/api/v1/sessions/end" },
});
