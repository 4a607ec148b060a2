import type { Answer, Choices } from "@omnara/sdk";
import {
  AskUserQuestionInput,
  askedQuestionChoices,
  askedQuestionText,
  askUserQuestionDecision,
  terminalAnswers,
} from "./ask-user-question.ts";
import type { HookAnswer, PermissionRequest } from "./hook-input.ts";
import { permissionChoices, permissionDecision, permissionQuestion } from "./permission.ts";
import { planChoices, planDecision, planQuestion } from "./plan-approval.ts";

/** A terminal dialog Claude Code shows, as the dashboard asks it and as its answer goes back. */
export interface ClaudePrompt {
  toolName: string;
  /** Asked one after another (AskUserQuestion may hold up to four questions). */
  questions: { text: string; options: Choices }[];
  decide: (answers: Answer[]) => HookAnswer;
  /** How the dashboard reads a terminal answer that let the tool run, and one that refused it. */
  allowedInTerminal: string;
  deniedInTerminal: string;
}

/** The dashboard version of the dialog behind a PermissionRequest hook. */
export function promptFor(request: PermissionRequest): ClaudePrompt {
  if (request.tool_name === "AskUserQuestion") {
    const parsed = AskUserQuestionInput.safeParse(request.tool_input);
    if (parsed.success) {
      const { questions } = parsed.data;
      return {
        toolName: request.tool_name,
        questions: questions.map((question, index) => ({
          text: askedQuestionText(question, index, questions.length),
          options: askedQuestionChoices(question),
        })),
        decide: (answers) =>
          askUserQuestionDecision(
            request.tool_input,
            Object.fromEntries(questions.map((q, i) => [q.question, answers[i]?.option ?? answers[i]?.text ?? ""])),
          ),
        allowedInTerminal: "answered",
        deniedInTerminal: "declined to answer",
      };
    }
  }
  if (request.tool_name === "ExitPlanMode") {
    return {
      toolName: request.tool_name,
      questions: [{ text: planQuestion(request.tool_input), options: planChoices }],
      decide: ([answer]) => planDecision(answer?.option, answer?.text ?? ""),
      allowedInTerminal: "plan approved",
      deniedInTerminal: "keep planning",
    };
  }
  return {
    toolName: request.tool_name,
    questions: [{ text: permissionQuestion(request), options: permissionChoices }],
    decide: ([answer]) => permissionDecision(request, answer?.option, answer?.text ?? ""),
    allowedInTerminal: "allowed",
    deniedInTerminal: "denied",
  };
}

/** What PostToolUse tells about a terminal answer, for tools whose answer is their result. */
export function terminalOutcome(toolName: string, response: unknown): string | undefined {
  if (toolName === "AskUserQuestion") return terminalAnswers(response);
  return undefined;
}
