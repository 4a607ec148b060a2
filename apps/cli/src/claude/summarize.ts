import { basename } from "node:path";

/**
 * How a tool use reads on the dashboard: the command for Bash, a diff for Edit and Write, a
 * checklist for todos, one line for the rest. The original Omnara's formatting, minus scraping.
 */
export function summarizeToolUse(name: string, input: Record<string, unknown>): string {
  const text = (key: string): string => {
    const value = input[key];
    return typeof value === "string" ? value : "";
  };
  switch (name) {
    case "Bash": {
      const description = text("description");
      return `${description ? `${description}\n` : ""}\`\`\`bash\n$ ${text("command")}\n\`\`\``;
    }
    case "Edit":
      return `Edit \`${text("file_path")}\`\n${fenced(diff(text("file_path"), [[text("old_string"), text("new_string")]]))}`;
    case "MultiEdit": {
      const edits = Array.isArray(input["edits"]) ? input["edits"] : [];
      const pairs = edits.flatMap((edit): [string, string][] =>
        edit && typeof edit === "object"
          ? [[String(Reflect.get(edit, "old_string") ?? ""), String(Reflect.get(edit, "new_string") ?? "")]]
          : [],
      );
      return `Edit \`${text("file_path")}\` (${pairs.length} changes)\n${fenced(diff(text("file_path"), pairs))}`;
    }
    case "Write": {
      const lines = text("content").split("\n");
      return `Write \`${text("file_path")}\` (${lines.length} lines)\n${fenced(diff(text("file_path"), [["", text("content")]]))}`;
    }
    case "TodoWrite":
      return todoList(input["todos"]);
    case "Read":
      return `Read \`${text("file_path")}\``;
    case "Glob":
    case "Grep":
      return `Search \`${text("pattern")}\`${text("path") ? ` in \`${text("path")}\`` : ""}`;
    case "WebFetch":
      return `Fetch ${text("url")}`;
    case "WebSearch":
      return `Web search: ${text("query")}`;
    case "Task":
    case "Agent":
      return `Subagent: ${text("description") || text("prompt").slice(0, 200)}`;
    default: {
      const json = JSON.stringify(input);
      return `${name}${json && json !== "{}" ? ` ${json.length > 500 ? `${json.slice(0, 500)}…` : json}` : ""}`;
    }
  }
}

const MAX_DIFF_LINES = 400;

function diff(path: string, pairs: [string, string][]): string {
  const name = basename(path) || path;
  const out = [`--- a/${name}`, `+++ b/${name}`];
  for (const [before, after] of pairs) {
    out.push("@@");
    if (before) out.push(...before.split("\n").map((line) => `-${line}`));
    if (after) out.push(...after.split("\n").map((line) => `+${line}`));
  }
  if (out.length > MAX_DIFF_LINES)
    return [...out.slice(0, MAX_DIFF_LINES), `… ${out.length - MAX_DIFF_LINES} more lines`].join("\n");
  return out.join("\n");
}

const fenced = (body: string): string => `\`\`\`diff\n${body}\n\`\`\``;

function todoList(todos: unknown): string {
  if (!Array.isArray(todos)) return "Todo list updated";
  const marks: Record<string, string> = { completed: "[x]", in_progress: "[~]", pending: "[ ]" };
  const lines = todos.flatMap((todo) => {
    if (!todo || typeof todo !== "object") return [];
    const status = String(Reflect.get(todo, "status") ?? "pending");
    return [`- ${marks[status] ?? "[ ]"} ${String(Reflect.get(todo, "content") ?? "")}`];
  });
  return `Todo list\n${lines.join("\n")}`;
}
