import { randomUUID } from "node:crypto";
import type { agentOperations, OperationArgs, OperationOutput } from "@omnara/contracts";
import type { AgentCaller, CoreDeps } from "../deps.ts";
import { storeAgentMessage } from "./send-message.ts";

type Op = typeof agentOperations.logStep;

/** What a model reading only the feedback learns of an interrupt. */
export const INTERRUPTED_FEEDBACK =
  "The user interrupted you from the Omnara dashboard: stop the current task now and call ask_question to ask what to do next.";

/**
 * Omnara's log_step: a progress message that starts the session when no id is given, and
 * hands back what the user wrote since the agent last read (marked read by the send).
 */
export async function logStep(
  deps: CoreDeps,
  caller: AgentCaller,
  input: OperationArgs<Op>,
): Promise<OperationOutput<Op>> {
  const { output: sent, stepNumber } = await storeAgentMessage(deps, caller, {
    agent_instance_id: input.agent_instance_id ?? randomUUID(),
    agent_type: input.agent_type,
    content: input.step_description,
    requires_user_input: false,
    ...(input.git_diff !== undefined ? { git_diff: input.git_diff } : {}),
  });
  return {
    success: true,
    agent_instance_id: sent.agent_instance_id,
    step_number: stepNumber,
    user_feedback: [
      ...sent.queued_user_messages.map((message) => message.content),
      ...(sent.interrupted ? [INTERRUPTED_FEEDBACK] : []),
    ],
    interrupted: sent.interrupted === true,
  };
}
