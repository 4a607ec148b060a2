import { type agentOperations, OmnaraError, type OperationArgs, type OperationOutput } from "@omnara/contracts";
import type { AgentCaller, CoreDeps } from "../deps.ts";
import { loadOwnedInstance } from "../instances/owned-instance.ts";
import { findMessage } from "./queries.ts";
import { sendMessage } from "./send-message.ts";
import { waitForReply } from "./wait-for-reply.ts";

type Op = typeof agentOperations.askQuestion;

/** The question to wait on: a new one, or an earlier one named by question_id (resuming). */
async function questionId(deps: CoreDeps, caller: AgentCaller, input: OperationArgs<Op>): Promise<string> {
  if (!input.question_id) {
    const sent = await sendMessage(deps, caller, {
      agent_instance_id: input.agent_instance_id,
      agent_type: input.agent_type,
      content: input.question_text,
      requires_user_input: true,
      ...(input.git_diff !== undefined ? { git_diff: input.git_diff } : {}),
    });
    return sent.message_id;
  }
  const instance = await loadOwnedInstance(deps.db, caller.userId, input.agent_instance_id);
  const question = await findMessage(deps.db, input.question_id);
  if (!question || question.agentInstanceId !== instance.id || question.senderType !== "AGENT") {
    throw new OmnaraError("NOT_FOUND", `Question ${input.question_id} was not found in this agent instance.`, {
      issues: [{ path: "question_id", message: "not a question of this agent instance" }],
    });
  }
  return question.id;
}

/**
 * Omnara's ask_question, in rounds: asks (or resumes), then waits at most wait_seconds on the
 * same server-push wait as waitForReply. A caller that wants to wait longer calls again with
 * question_id, so no single request is held open for hours.
 */
export async function askQuestion(
  deps: CoreDeps,
  caller: AgentCaller,
  input: OperationArgs<Op>,
  signal?: AbortSignal,
): Promise<OperationOutput<Op>> {
  const id = await questionId(deps, caller, input);
  const waited = await waitForReply(
    deps,
    caller,
    { agent_instance_id: input.agent_instance_id, after_message_id: id, timeout_seconds: input.wait_seconds },
    signal,
  );
  const base = { agent_instance_id: waited.agent_instance_id, question_id: id };
  if (waited.status === "timeout") return { ...base, status: "waiting", answer: null };
  if (waited.status === "ended") return { ...base, status: "ended", answer: null };
  if (waited.status === "interrupted") return { ...base, status: "interrupted", answer: null };
  return { ...base, status: "answered", answer: waited.messages.map((message) => message.content).join("\n\n") };
}
