/** What an "allow for the rest of the session" answer covers, and how the user sees it. */
export interface ApprovalScope {
  key: string;
  label: string;
  /** False for commands that could smuggle a second command past an earlier approval. */
  reusable: boolean;
}

// `git status && rm -rf ~` must not ride on an approval of `git status`.
const SHELL_CONTROL = /[;&|`<>\n]|\$\(/;

/**
 * A Bash command is approved by its prefix: the program, plus its subcommand when it has one
 * (`git push`, `npm test`, `ls`), as Claude Code's own `Bash(git push:*)` rules read. Any other
 * tool is approved by name.
 */
export function approvalScope(toolName: string, input: Record<string, unknown>): ApprovalScope {
  if (toolName !== "Bash" || typeof input["command"] !== "string") {
    return { key: toolName, label: toolName, reusable: true };
  }
  const words = input["command"].trim().split(/\s+/);
  const [program = "", sub] = words;
  const prefix = sub && /^[\w.:-]+$/.test(sub) && !sub.startsWith("-") ? `${program} ${sub}` : program;
  return { key: `Bash:${prefix}`, label: `Bash(${prefix}:*)`, reusable: !SHELL_CONTROL.test(input["command"]) };
}

/** Approvals given "for the rest of the session", kept in memory for one MCP session. */
export class Approvals {
  readonly #granted = new Set<string>();

  allows(scope: ApprovalScope): boolean {
    return scope.reusable && this.#granted.has(scope.key);
  }

  grant(scope: ApprovalScope): void {
    this.#granted.add(scope.key);
  }
}

export type Decision = { kind: "once" } | { kind: "session" } | { kind: "deny"; message: string };

/**
 * Reads the user's answer to the [OPTIONS] block: the option's number or its text (dashboards
 * send the text of the chosen button). Anything else is a denial that carries the user's words
 * to the model, as Omnara did, so "no, run the tests first" steers the agent.
 */
export function decisionOf(answer: string): Decision {
  const text = answer.trim();
  const plain = text
    .toLowerCase()
    .replace(/^([1-3])[.)]?\s*/, "$1 ")
    .trim();
  if (/^2\b/.test(plain) || plain.startsWith("yes, and") || plain === "always") return { kind: "session" };
  if (/^1\b/.test(plain) || ["yes", "y", "allow", "approve", "ok"].includes(plain)) return { kind: "once" };
  if (/^3\b/.test(plain) || ["no", "n", "deny"].includes(plain)) {
    return { kind: "deny", message: "The user denied permission for this tool call." };
  }
  return { kind: "deny", message: text };
}
