import type { Message } from "@omnara/contracts";
import { Markdown } from "../components/markdown.tsx";

/** A tool's result as the CLI mirrors it (metadata kind "tool_result"): status line, then output. */
export function isToolResult(message: Message): boolean {
  return message.sender_type === "AGENT" && message.message_metadata?.["kind"] === "tool_result";
}

/**
 * Collapsed by default: one line with a badge (failed / exit code / ok), the output behind it.
 * Logs and command output are long; the conversation stays readable.
 */
export function ToolResult({ message }: { message: Message }) {
  const meta = message.message_metadata ?? {};
  const failed = meta["is_error"] === true;
  const exitCode = typeof meta["exit_code"] === "number" ? meta["exit_code"] : undefined;
  const [status = "", ...rest] = message.content.split("\n");
  const badge = failed
    ? exitCode !== undefined
      ? `exit ${exitCode}`
      : "failed"
    : exitCode !== undefined
      ? `exit ${exitCode}`
      : "ok";
  const body = rest.join("\n").trim();
  return (
    <details className={`tool-result ${failed ? "is-failed" : ""}`} data-testid="tool-result">
      <summary>
        <span className={`badge ${failed ? "badge-danger" : "badge-ok"}`} data-testid="tool-result-badge">
          {badge}
        </span>
        <span className="tool-result-status">{status}</span>
      </summary>
      {body ? <Markdown text={body} /> : <p className="subtle">No output.</p>}
    </details>
  );
}
