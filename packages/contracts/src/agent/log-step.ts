import { z } from "zod";
import { defineOperation } from "../operation.ts";
import { GitDiff, MessageText, Name, Uuid } from "../schemas.ts";

export const logStep = defineOperation({
  id: "logStep",
  audience: "agent",
  kind: "mutation",
  description:
    "Log a step of your work so your user can follow along, and receive what they wrote to you since your last step. Call it before every significant action (reading code, editing a file, running a command), describing what you are about to do in one sentence. Omit agent_instance_id on your first call to start a session and reuse the returned id on every later call. If user_feedback is not empty, read it first and follow it before going on: it is your user steering you. If interrupted is true, the user interrupted you from the dashboard: stop the current task at once and call ask_question to ask what to do next.",
  input: z.object({
    agent_instance_id: Uuid.optional(),
    step_description: MessageText,
    agent_type: Name.optional(),
    git_diff: GitDiff.optional(),
  }),
  output: z.object({
    success: z.literal(true),
    agent_instance_id: Uuid,
    step_number: z.number().int(),
    user_feedback: z.array(z.string()),
    /** The user interrupted you: stop the current task and ask what to do next. */
    interrupted: z.boolean(),
  }),
  mcp: { tool: "log_step", context: ["agent_type", "git_diff"] },
  // No idempotency key: a repeat could store a second step.
  retry: "unsafe",
});
