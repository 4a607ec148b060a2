import type { Metadata } from "@omnara/contracts";
import { summarizeToolUse } from "./summarize.ts";

/** A tool's output is shown up to this size; the rest is counted, not sent. */
export const TOOL_OUTPUT_CHARS = 4_000;

/** Tools that change files: mirrored once their result is known, so a failed write shows as failed. */
export const WRITING_TOOLS: ReadonlySet<string> = new Set(["Edit", "MultiEdit", "Write", "NotebookEdit"]);

export interface ToolUse {
  id: string;
  name: string;
  input: Record<string, unknown>;
}

export interface ToolResult {
  isError: boolean;
  text: string;
}

const clipOutput = (text: string): string => {
  if (text.length <= TOOL_OUTPUT_CHARS) return text;
  return `${text.slice(0, TOOL_OUTPUT_CHARS)}\n… ${text.length - TOOL_OUTPUT_CHARS} more characters not shown`;
};

/** A fence longer than any backtick run in the text, so output never closes it early. */
function fenced(text: string): string {
  const longest = Math.max(2, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = "`".repeat(longest + 1);
  return `${fence}text\n${text}\n${fence}`;
}

/** Bash failures start with "Exit code N" in 2.1.197's tool_result. */
const exitCodeOf = (text: string): number | undefined => {
  const match = /^Exit code (\d+)/.exec(text.trim());
  return match ? Number(match[1]) : undefined;
};

/** Tool errors come wrapped as <tool_use_error>…</tool_use_error>; the dashboard shows the inside. */
const unwrap = (text: string): string =>
  text.replace(/^\s*<tool_use_error>([\s\S]*)<\/tool_use_error>\s*$/, "$1").trim();

/**
 * The dashboard message for a tool's result: a one-line status (the dashboard collapses the
 * output under it), then the output, bounded. Metadata carries what the badge needs.
 */
export function toolResultMessage(
  use: ToolUse | undefined,
  result: ToolResult,
  toolUseId: string,
): { content: string; metadata: Metadata } {
  const name = use?.name ?? "Tool";
  const text = unwrap(result.text);
  const exitCode = result.isError ? exitCodeOf(text) : name === "Bash" ? 0 : undefined;
  const status = result.isError
    ? `${name} failed${exitCode !== undefined ? ` (exit code ${exitCode})` : ""}`
    : `${name} output`;
  const metadata: Metadata = {
    kind: "tool_result",
    tool_use_id: toolUseId,
    tool_name: name,
    is_error: result.isError,
    ...(exitCode !== undefined ? { exit_code: exitCode } : {}),
    output_chars: text.length,
  };
  return { content: text ? `${status}\n${fenced(clipOutput(text))}` : `${status} (no output)`, metadata };
}

/**
 * A write tool's message once its result is in: the change as a diff when it succeeded, the
 * error without the diff when it failed (nothing was written).
 */
export function writeMessage(use: ToolUse, result: ToolResult): { content: string; metadata: Metadata } {
  if (!result.isError) {
    return {
      content: summarizeToolUse(use.name, use.input),
      metadata: { kind: "tool_use", tool_name: use.name, tool_use_id: use.id, is_error: false } satisfies Metadata,
    };
  }
  const path = typeof use.input["file_path"] === "string" ? use.input["file_path"] : "";
  const text = unwrap(result.text);
  return {
    content: `${use.name} \`${path}\` failed, nothing was written\n${fenced(clipOutput(text))}`,
    metadata: {
      kind: "tool_result",
      tool_name: use.name,
      tool_use_id: use.id,
      is_error: true,
      output_chars: text.length,
    } satisfies Metadata,
  };
}
