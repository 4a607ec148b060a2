import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import type { Progress } from "@modelcontextprotocol/sdk/types.js";

type CallResult = Awaited<ReturnType<Client["callTool"]>>;

/** The text of a tool result's first content block. */
export function textOf(result: CallResult): string {
  const content = Array.isArray(result.content) ? result.content : [];
  const first: unknown = content[0];
  return typeof first === "object" && first !== null && "text" in first && typeof first.text === "string"
    ? first.text
    : "";
}

/** Collects progress notifications and resolves `first` on the first one. */
export function progressWatcher() {
  const seen: Progress[] = [];
  let resolveFirst: () => void = () => {};
  const first = new Promise<void>((resolve) => {
    resolveFirst = resolve;
  });
  return {
    seen,
    first,
    onprogress: (progress: Progress) => {
      seen.push(progress);
      resolveFirst();
    },
  };
}

/** The agent_instance_id a tool answered with. */
export function instanceIdOf(result: CallResult): string {
  const content: unknown = result.structuredContent;
  const id =
    typeof content === "object" && content !== null && "agent_instance_id" in content
      ? content.agent_instance_id
      : undefined;
  if (typeof id !== "string") throw new Error(`no agent_instance_id in ${JSON.stringify(result)}`);
  return id;
}
