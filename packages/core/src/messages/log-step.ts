import { randomUUID } from "node:crypto";
import type { agentOperations, OperationArgs, OperationOutput } from "@omnara/contracts";
import { schema } from "@omnara/db";
import { and, count, eq } from "drizzle-orm";
import type { AgentCaller, CoreDeps } from "../deps.ts";
import { sendMessage } from "./send-message.ts";

const { messages } = schema;
type Op = typeof agentOperations.logStep;

/**
 * Omnara's log_step: a progress message that starts the session when no id is given, and
 * hands back what the user wrote since the agent last read (marked read by the send).
 */
export async function logStep(
  deps: CoreDeps,
  caller: AgentCaller,
  input: OperationArgs<Op>,
): Promise<OperationOutput<Op>> {
  const sent = await sendMessage(deps, caller, {
    agent_instance_id: input.agent_instance_id ?? randomUUID(),
    agent_type: input.agent_type,
    content: input.step_description,
    requires_user_input: false,
  });
  // Steps are the agent's messages that are not questions, as Omnara numbers them.
  const [steps] = await deps.db
    .select({ n: count() })
    .from(messages)
    .where(
      and(
        eq(messages.agentInstanceId, sent.agent_instance_id),
        eq(messages.senderType, "AGENT"),
        eq(messages.requiresUserInput, false),
      ),
    );
  return {
    success: true,
    agent_instance_id: sent.agent_instance_id,
    step_number: steps?.n ?? 1,
    user_feedback: sent.queued_user_messages.map((message) => message.content),
  };
}
