/**
 * The text markers agents already put in questions (Omnara's `questionParser.ts`): a question
 * ending in `[YES/NO]` is answered Yes or No, and an `[OPTIONS]` block lists numbered choices.
 * The markers are taken out of the text shown; the choices become buttons that reply with
 * the choice's text.
 */
export interface ParsedQuestion {
  /** The message without its markers, for display. */
  text: string;
  choices: string[];
  kind: "yes-no" | "options" | "none";
}

const YES_NO = /\s*\[YES\/NO\]\s*$/i;
const OPTIONS = /\[OPTIONS\]([\s\S]*?)\[\/OPTIONS\]/i;
/** "1. Deploy", "2) Roll back", "- Wait", "* Skip" */
const OPTION_LINE = /^\s*(?:\d+[.)]|[-*•])\s+(.+?)\s*$/;

export function parseQuestion(content: string): ParsedQuestion {
  const options = OPTIONS.exec(content);
  if (options) {
    const choices = (options[1] ?? "")
      .split("\n")
      .map((line) => OPTION_LINE.exec(line)?.[1] ?? line.trim())
      .filter((choice) => choice.length > 0);
    const text = content.replace(OPTIONS, "").replace(YES_NO, "").trim();
    if (choices.length > 0) return { text, choices, kind: "options" };
    return { text, choices: [], kind: "none" };
  }
  if (YES_NO.test(content)) {
    return { text: content.replace(YES_NO, "").trim(), choices: ["Yes", "No"], kind: "yes-no" };
  }
  return { text: content, choices: [], kind: "none" };
}
