import { z } from "zod";
import type { HookAnswer } from "./hook-input.ts";

/** Claude Code's AskUserQuestion input (2.1.197): 1–4 questions, each with 2–4 labelled options. */
const Question = z.looseObject({
  question: z.string(),
  header: z.string().optional(),
  multiSelect: z.boolean().optional(),
  options: z.array(z.looseObject({ label: z.string(), description: z.string().optional() })).default([]),
});
export const AskUserQuestionInput = z.looseObject({ questions: z.array(Question).min(1) });
export type AskedQuestion = z.infer<typeof Question>;

/** One option per line, as the dashboard's buttons need (labels are short; newlines flattened). */
const oneLine = (text: string): string => text.replace(/\s+/g, " ").trim();

/** The dashboard question for one of Claude's questions: its options as buttons, free text allowed. */
export function askedQuestionText(question: AskedQuestion, index: number, total: number): string {
  const lines = [
    `Claude asks${total > 1 ? ` (${index + 1} of ${total})` : ""}${question.header ? ` · ${question.header}` : ""}:`,
    question.question,
  ];
  const described = question.options.filter((option) => option.description);
  if (described.length > 0) {
    lines.push("", ...described.map((option) => `- **${oneLine(option.label)}**: ${option.description ?? ""}`));
  }
  lines.push(
    "",
    question.multiSelect
      ? "Pick one, or reply with several labels separated by commas, or write your own answer."
      : "Pick one, or write your own answer.",
  );
  return lines.join("\n");
}

export const askedQuestionChoices = (question: AskedQuestion): string[] =>
  question.options.map((option) => oneLine(option.label)).filter(Boolean);

/**
 * The PermissionRequest answer that fills in AskUserQuestion's `answers` (question text → answer;
 * Claude Code joins multi-select arrays with ", " itself), so the tool returns the user's choice.
 */
export function askUserQuestionDecision(input: Record<string, unknown>, answers: Record<string, string>): HookAnswer {
  return {
    exitCode: 0,
    stdout: JSON.stringify({
      hookSpecificOutput: {
        hookEventName: "PermissionRequest",
        decision: { behavior: "allow", updatedInput: { ...input, answers } },
      },
    }),
  };
}

/** How an answer given in the terminal reads on the dashboard, from PostToolUse's tool_response. */
export function terminalAnswers(response: unknown): string {
  const parsed = z.looseObject({ answers: z.record(z.string(), z.string()) }).safeParse(response);
  if (!parsed.success) return "answered";
  return Object.entries(parsed.data.answers)
    .map(([question, answer]) => `${question} → ${answer}`)
    .join("; ");
}
