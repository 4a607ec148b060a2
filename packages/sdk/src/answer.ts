import type { Message } from "@omnara/contracts";
import { type Choices, matchChoice } from "./question.ts";

/** The user's answer to a question. */
export interface Answer {
  /** The reply text; several messages sent before the agent woke are joined by blank lines. */
  text: string;
  /** The user's messages as stored, oldest first; empty when `isDefault`. */
  messages: Message[];
  /** The id of the question (the agent message that asked). */
  questionId: string;
  /** The option the reply picks (by text or number; "yes"/"no" for yes/no questions), if any. */
  option: string | undefined;
  /** True when no reply came in time and `defaultAnswer` was used. */
  isDefault: boolean;
  /**
   * True when the user interrupted the agent (from the dashboard) instead of answering: `text` is
   * empty. Stop the current task; the next `ask` waits for what the user wants instead.
   */
  interrupted: boolean;
}

export function answerFrom(questionId: string, messages: Message[], choices: Choices | undefined): Answer {
  const text = messages.map((m) => m.content).join("\n\n");
  return { text, messages, questionId, option: matchChoice(text, choices), isDefault: false, interrupted: false };
}

export function defaultAnswer(questionId: string, text: string, choices: Choices | undefined): Answer {
  return { text, messages: [], questionId, option: matchChoice(text, choices), isDefault: true, interrupted: false };
}

export function interruptedAnswer(questionId: string): Answer {
  return { text: "", messages: [], questionId, option: undefined, isDefault: false, interrupted: true };
}
