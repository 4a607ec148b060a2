import { readFileSync } from "node:fs";

/** The setup lines of packages/mcp/README.md, so the tests connect exactly as users are told to. */
const README = readFileSync(new URL("../../README.md", import.meta.url), "utf8");

export const README_API_KEY = "YOUR_API_KEY";
export const README_BASE_URL = "http://localhost:8080";

/** Shell words, with "double" and 'single' quotes, as a shell would split these simple lines. */
export const shellWords = (line: string): string[] =>
  [...line.matchAll(/"([^"]*)"|'([^']*)'|(\S+)/g)].map((match) => match[1] ?? match[2] ?? match[3] ?? "");

const line = (prefix: string): string => {
  const found = README.split("\n").find((text) => text.startsWith(prefix));
  if (!found) throw new Error(`README.md has no line starting with "${prefix}"`);
  return found;
};

/** `claude mcp add omnara -- npx omnara mcp …`: the words after `npx omnara`. */
export function claudeStdioArgs(): string[] {
  const words = shellWords(line("claude mcp add omnara -- npx omnara mcp"));
  return words.slice(words.indexOf("omnara", words.indexOf("npx")) + 1);
}

/** `claude mcp add --transport http omnara <url> --header "<name>: <value>"`. */
export function claudeHttpSetup(): { url: string; headers: Record<string, string> } {
  const words = shellWords(line("claude mcp add --transport http omnara"));
  const url = words[words.indexOf("omnara") + 1] ?? "";
  const header = words[words.indexOf("--header") + 1] ?? "";
  const [name = "", ...value] = header.split(":");
  return { url, headers: { [name]: value.join(":").trim() } };
}

/** The "`omnara mcp` flags" table: each flag with its environment variable, if any. */
export function stdioFlagTable(): { flag: string; env: string | undefined }[] {
  const section = README.split("## `omnara mcp` flags")[1]?.split("\n## ")[0] ?? "";
  return [...section.matchAll(/^\| `(--[a-z-]+)` \| (?:`([A-Z_]+)`)? *\|/gm)].map((match) => ({
    flag: match[1] ?? "",
    env: match[2],
  }));
}

/** Every JSON config block and `code --add-mcp` payload in the README. */
export function jsonConfigs(): unknown[] {
  const blocks = [...README.matchAll(/```json\n([\s\S]*?)```/g)].map((match) => match[1] ?? "");
  const addMcp = shellWords(line("code --add-mcp"))[2] ?? "";
  return [...blocks, addMcp].map((text) => JSON.parse(text));
}

/** Puts a real key and server address into a README value. */
export const filledIn = (text: string, apiKey: string, baseUrl: string): string =>
  text.replaceAll(README_API_KEY, apiKey).replaceAll(README_BASE_URL, baseUrl);
