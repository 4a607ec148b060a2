import { open } from "node:fs/promises";
import { z } from "zod";

/**
 * What Omnara mirrors from Claude Code's JSONL transcript: assistant text and tool uses, the
 * results Claude Code sent back for them (the `user` entries' tool_result blocks), and the marks
 * it writes when the user interrupts ("[Request interrupted by user]", "… for tool use"), which no
 * hook reports.
 */
export type TranscriptItem =
  | { kind: "text"; key: string; text: string }
  | { kind: "tool_use"; key: string; id: string; name: string; input: Record<string, unknown> }
  | { kind: "tool_result"; key: string; toolUseId: string; isError: boolean; rejected: boolean; text: string }
  | { kind: "interrupted"; key: string; forToolUse: boolean };

const ToolUse = z.object({
  type: z.literal("tool_use"),
  id: z.string(),
  name: z.string(),
  input: z.record(z.string(), z.unknown()),
});
const ToolResult = z.object({
  type: z.literal("tool_result"),
  tool_use_id: z.string(),
  is_error: z.boolean().optional(),
  content: z.union([z.string(), z.array(z.looseObject({ type: z.string(), text: z.string().optional() }))]).optional(),
});
const Text = z.object({ type: z.literal("text"), text: z.string() });

const Entry = z.looseObject({
  type: z.string(),
  uuid: z.string().optional(),
  isSidechain: z.boolean().optional(),
  /** Claude Code's own record of a tool's outcome; a string "User rejected tool use" for a terminal "No". */
  toolUseResult: z.unknown().optional(),
  message: z.looseObject({ content: z.union([z.string(), z.array(z.looseObject({ type: z.string() }))]) }).optional(),
});

const INTERRUPTED = "[Request interrupted by user";

/**
 * Reads the transcript incrementally: each call returns the items of the complete lines written
 * since the last call. Subagent (sidechain) entries are skipped.
 */
export class TranscriptReader {
  #offset = 0;
  #partial = "";
  /** The file was there at the last read: Claude Code keeps one (no `--no-session-persistence`). */
  exists = false;

  constructor(readonly path: string) {}

  /** Starts after what is already there (a resumed session: its history is not re-sent). */
  async skipExisting(): Promise<void> {
    const handle = await open(this.path, "r").catch(() => undefined);
    if (!handle) return;
    try {
      this.#offset = (await handle.stat()).size;
    } finally {
      await handle.close();
    }
  }

  async readNew(): Promise<TranscriptItem[]> {
    const handle = await open(this.path, "r").catch(() => undefined);
    this.exists = handle !== undefined;
    if (!handle) return [];
    let text: string;
    try {
      const size = (await handle.stat()).size;
      if (size <= this.#offset) return [];
      const buffer = Buffer.alloc(size - this.#offset);
      await handle.read(buffer, 0, buffer.length, this.#offset);
      this.#offset = size;
      text = this.#partial + buffer.toString("utf8");
    } finally {
      await handle.close();
    }
    const lines = text.split("\n");
    // The last piece is a line still being written (or "" after a newline).
    this.#partial = lines.pop() ?? "";
    return lines.flatMap(parseLine);
  }
}

function resultText(content: z.infer<typeof ToolResult>["content"]): string {
  if (content === undefined) return "";
  if (typeof content === "string") return content;
  return content.map((block) => (block.type === "text" ? (block.text ?? "") : `[${block.type}]`)).join("\n");
}

function parseLine(line: string): TranscriptItem[] {
  if (line.trim() === "") return [];
  let json: unknown;
  try {
    json = JSON.parse(line);
  } catch {
    return [];
  }
  const entry = Entry.safeParse(json);
  if (!entry.success || entry.data.isSidechain) return [];
  const { type, uuid = "", toolUseResult } = entry.data;
  const content = entry.data.message?.content;
  if (type === "assistant" && Array.isArray(content)) {
    return content.flatMap((raw, index): TranscriptItem[] => {
      const key = `${uuid}:${index}`;
      const text = Text.safeParse(raw);
      if (text.success) return text.data.text.trim() ? [{ kind: "text", key, text: text.data.text }] : [];
      const tool = ToolUse.safeParse(raw);
      return tool.success
        ? [{ kind: "tool_use", key, id: tool.data.id, name: tool.data.name, input: tool.data.input }]
        : [];
    });
  }
  if (type !== "user") return [];
  if (typeof content === "string") {
    return content.startsWith(INTERRUPTED)
      ? [{ kind: "interrupted", key: `${uuid}:0`, forToolUse: content.includes("for tool use") }]
      : [];
  }
  if (!Array.isArray(content)) return [];
  return content.flatMap((raw, index): TranscriptItem[] => {
    const key = `${uuid}:${index}`;
    const result = ToolResult.safeParse(raw);
    if (result.success) {
      return [
        {
          kind: "tool_result",
          key,
          toolUseId: result.data.tool_use_id,
          isError: result.data.is_error === true,
          rejected: toolUseResult === "User rejected tool use",
          text: resultText(result.data.content),
        },
      ];
    }
    const text = Text.safeParse(raw);
    if (text.success && text.data.text.startsWith(INTERRUPTED)) {
      return [{ kind: "interrupted", key, forToolUse: text.data.text.includes("for tool use") }];
    }
    return [];
  });
}
