import { ValidationError } from "./errors.ts";

/** Choices offered with a question: a list (rendered as buttons), or yes/no. */
export type Choices = readonly string[] | "yes/no";

/**
 * Omnara's dashboard renders these markers as buttons:
 * `[OPTIONS]\n1. a\n2. b\n[/OPTIONS]` for a list, a trailing `[YES/NO]` for yes/no.
 */
export function formatQuestion(question: string, choices: Choices | undefined): string {
  if (choices === undefined) return question;
  if (choices === "yes/no") return `${question} [YES/NO]`;
  if (choices.length === 0) return question;
  const issues = choices.flatMap((choice, index) =>
    choice.trim() === "" || /[\r\n]/.test(choice)
      ? [{ path: `options.${index}`, message: "must be one non-empty line" }]
      : [],
  );
  if (issues.length > 0) {
    throw new ValidationError("BAD_REQUEST", "ask: each option must be one non-empty line.", {
      operation: "ask",
      issues,
    });
  }
  const list = choices.map((choice, index) => `${index + 1}. ${choice.trim()}`).join("\n");
  return `${question}\n\n[OPTIONS]\n${list}\n[/OPTIONS]`;
}

/** The option a reply picks: its text (any case) or its number; for yes/no, "yes" or "no". */
export function matchChoice(reply: string, choices: Choices | undefined): string | undefined {
  const text = reply.trim().toLowerCase().replace(/[.!]$/, "");
  if (choices === undefined) return undefined;
  if (choices === "yes/no") {
    if (text === "yes" || text === "y") return "yes";
    if (text === "no" || text === "n") return "no";
    return undefined;
  }
  const byText = choices.find((choice) => choice.trim().toLowerCase() === text);
  if (byText !== undefined) return byText;
  const number = /^\d+$/.test(text) ? Number(text) : Number.NaN;
  return choices[number - 1];
}
