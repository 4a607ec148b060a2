import { OmnaraError } from "@omnara/contracts";
import type { Db } from "@omnara/db";
import { schema } from "@omnara/db";
import { and, asc, eq, gt } from "drizzle-orm";
import { findMessage } from "./queries.ts";

const { messages } = schema;

const quote = (text: string): string => {
  const line = text.trim().split("\n")[0] ?? "";
  return line.length > 120 ? `${line.slice(0, 119)}…` : line;
};

/**
 * A reply that names the question it answers is refused once that question is closed: the first
 * answer wins (another tab, another device, or the agent's own terminal), and the late one is
 * told who answered, and what. Call it inside the reply's transaction, after the instance row is
 * locked, so two answers racing are serialised and the second sees the first.
 */
export async function assertQuestionOpen(tx: Db, instanceId: string, questionId: string): Promise<void> {
  const question = await findMessage(tx, questionId);
  if (!question || question.agentInstanceId !== instanceId || question.senderType !== "AGENT") {
    throw new OmnaraError("NOT_FOUND", `Question ${questionId} was not found on this instance.`);
  }
  const [next] = await tx
    .select()
    .from(messages)
    .where(and(eq(messages.agentInstanceId, instanceId), gt(messages.seq, question.seq)))
    .orderBy(asc(messages.seq))
    .limit(1);
  if (!question.requiresUserInput && !next) {
    throw new OmnaraError("CONFLICT", "This message is not a question; reply without question_id.");
  }
  if (!next) return;
  const kind = next.messageMetadata?.["kind"];
  const answered =
    next.senderType === "USER"
      ? `Already answered by you (on another device or tab): ${quote(next.content)}`
      : kind === "answered_in_terminal"
        ? `Already ${quote(next.content).replace(/^Answered/, "answered")}`
        : `This question is closed: the agent has moved on (${quote(next.content)})`;
  throw new OmnaraError("CONFLICT", answered);
}
