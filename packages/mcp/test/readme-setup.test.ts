import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { expect, test } from "vitest";
import { OMNARA_BIN } from "./support/mcp-clients.ts";
import {
  claudeHttpSetup,
  claudeStdioArgs,
  jsonConfigs,
  README_API_KEY,
  README_BASE_URL,
  stdioFlagTable,
} from "./support/readme-setup.ts";

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/** The one server entry of a Cursor (`mcpServers`), VS Code (`servers`) or `code --add-mcp` config. */
const entryOf = (config: unknown): Record<string, unknown> => {
  if (!isRecord(config)) throw new Error("config is not an object");
  const servers = config["mcpServers"] ?? config["servers"];
  const entry = isRecord(servers) ? servers["omnara"] : config;
  if (!isRecord(entry)) throw new Error(`no omnara entry in ${JSON.stringify(config)}`);
  return entry;
};

test("the README's Claude Code lines use the key, the server and /mcp", () => {
  expect(claudeStdioArgs()).toEqual(["mcp", "--api-key", README_API_KEY, "--base-url", README_BASE_URL]);
  expect(claudeHttpSetup()).toEqual({
    url: `${README_BASE_URL}/mcp`,
    headers: { Authorization: `Bearer ${README_API_KEY}` },
  });
});

test("the README's Cursor and VS Code configs say the same as the Claude Code lines the tests run", () => {
  const entries = jsonConfigs().map(entryOf);
  expect(entries.length).toBeGreaterThanOrEqual(4);
  for (const entry of entries) {
    if ("command" in entry) {
      expect(entry).toMatchObject({ command: "npx", args: ["omnara", ...claudeStdioArgs()] });
    } else {
      const { url, headers } = claudeHttpSetup();
      expect(entry).toMatchObject({ url, headers });
    }
  }
});

test("every flag and variable of the README's `omnara mcp` table is the real CLI's", async () => {
  const { stdout } = await promisify(execFile)(process.execPath, [OMNARA_BIN, "mcp", "--help"]);
  const table = stdioFlagTable();
  expect(table.map((row) => row.flag)).toEqual([
    "--api-key",
    "--base-url",
    "--permission-tool",
    "--agent-instance-id",
    "--client-type",
    "--wait-round-seconds",
    "--git-diff",
    "--disable-tools",
  ]);
  for (const { flag, env } of table) {
    expect(stdout).toContain(flag);
    if (env) expect(stdout).toContain(env);
  }
});
