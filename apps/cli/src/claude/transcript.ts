import { open } from "node:fs/promises";
import { z } from "zod";

/** One content block of an assistant entry: text, a tool use, or something not mirrored. */
export type AssistantBlock =
  | { kind: "text"; key: string; text: string }
  | { kind: "tool_use"; key: string; id: string; name: string; input: Record<string, unknown> };

const Block = z.union([
  z.object({ type: z.literal("text"), text: z.string() }),
  z.object({ type: z.literal("tool_use"), id: z.string(), name: z.string(), input: z.record(z.string(), z.unknown()) }),
  z.looseObject({ type: z.string() }),
]);

const Entry = z.looseObject({
  type: z.string(),
  uuid: z.string().optional(),
  isSidechain: z.boolean().optional(),
  message: z.looseObject({ content: z.union([z.string(), z.array(Block)]) }).optional(),
});

/**
 * Reads Claude Code's JSONL transcript incrementally: each call returns the assistant blocks of
 * the complete lines written since the last call. Subagent (sidechain) entries are skipped.
 */
export class TranscriptReader {
  #offset = 0;
  #partial = "";

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

  async readNew(): Promise<AssistantBlock[]> {
    const handle = await open(this.path, "r").catch(() => undefined);
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

function parseLine(line: string): AssistantBlock[] {
  if (line.trim() === "") return [];
  let json: unknown;
  try {
    json = JSON.parse(line);
  } catch {
    return [];
  }
  const entry = Entry.safeParse(json);
  if (!entry.success || entry.data.type !== "assistant" || entry.data.isSidechain) return [];
  const content = entry.data.message?.content;
  if (!Array.isArray(content)) return [];
  const uuid = entry.data.uuid ?? "";
  return content.flatMap((block, index): AssistantBlock[] => {
    const key = `${uuid}:${index}`;
    if (block.type === "text" && "text" in block && typeof block.text === "string") {
      return block.text.trim() ? [{ kind: "text", key, text: block.text }] : [];
    }
    const tool = z
      .object({
        type: z.literal("tool_use"),
        id: z.string(),
        name: z.string(),
        input: z.record(z.string(), z.unknown()),
      })
      .safeParse(block);
    return tool.success
      ? [{ kind: "tool_use", key, id: tool.data.id, name: tool.data.name, input: tool.data.input }]
      : [];
  });
}
