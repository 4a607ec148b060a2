import { z } from "zod";
import { limits } from "../limits.ts";
import { defineOperation } from "../operation.ts";
import { GitDiff, MessageText, Name, Uuid } from "../schemas.ts";

export const askQuestion = defineOperation({
  id: "askQuestion",
  audience: "agent",
  kind: "mutation",
  description:
    "Ask your user a question and wait for the answer; they are notified and answer from the Omnara dashboard or phone. Use it whenever you need a decision, a clarification or an approval instead of guessing, and always before ending the session to confirm the work is done. Offer choices as a block: [OPTIONS]\\n1. First\\n2. Second\\n[/OPTIONS]. The call blocks until the answer arrives; status 'ended' means the user closed the session (marked it completed or deleted it) and no answer will come: stop and do not ask again; status 'interrupted' means the user interrupted you: drop the current task and ask them what to do next. To keep waiting on a question you already asked (say, after your client gave up on a long wait), pass its question_id: it is not asked again.",
  input: z.object({
    agent_instance_id: Uuid,
    question_text: MessageText,
    question_id: Uuid.optional(),
    agent_type: Name.optional(),
    git_diff: GitDiff.optional(),
    wait_seconds: z.coerce.number().int().min(0).max(limits.maxWaitSeconds).default(limits.defaultWaitSeconds),
  }),
  output: z.object({
    /**
     * 'waiting' when wait_seconds passed with no answer: call again with question_id. 'ended'
     * when the session is over (the user marked it completed or deleted it): no answer will come.
     * 'interrupted' when the user interrupted the agent from the dashboard.
     */
    status: z.enum(["answered", "waiting", "ended", "interrupted"]),
    agent_instance_id: Uuid,
    question_id: Uuid,
    /** The user's reply (several replies joined by blank lines); null while waiting. */
    answer: z.string().nullable(),
  }),
  mcp: { tool: "ask_question", context: ["agent_type", "wait_seconds", "git_diff"], resume: ["question_id"] },
  // A repeat without question_id could ask twice; with it, it only resumes the wait.
  retry: { safeWith: "question_id" },
  waits: { seconds: "wait_seconds" },
});
