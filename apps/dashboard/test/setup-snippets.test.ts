import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { newUserWithKey, startTestServer, type TestServer } from "@omnara/testing";
import { afterAll, beforeAll, expect, test } from "vitest";
import { z } from "zod";
import { type Snippet, setupSnippets } from "../src/lib/setup-snippets.ts";
import { isolatedHome, omnaraBin, startOmnara } from "./support/omnara-cli.ts";

/**
 * The onboarding's lines, run as written (with this server and a real key): the CLI lines through
 * the omnara CLI, every MCP config through the official MCP client, the curl line through bash.
 * `npx -y omnara@latest` stands for the published CLI; here it is this repository's.
 */

const run = promisify(execFile);
const PUBLISHED_CLI = ["npx", "-y", "omnara@latest"];

let server: TestServer;
let alice: Awaited<ReturnType<typeof newUserWithKey>>;
let snippets: Snippet[];
beforeAll(async () => {
  server = await startTestServer("pglite");
  alice = await newUserWithKey(server.url, "alice");
  snippets = setupSnippets(server.url, alice.apiKey);
});
afterAll(() => server.close());

const blocksOf = (id: string) => {
  const snippet = snippets.find((s) => s.id === id);
  if (!snippet) throw new Error(`no ${id} snippet`);
  return snippet.blocks.map((block) => block.code);
};

/** Shell words of a one-line command, with "double" and 'single' quotes. */
const words = (line: string): string[] =>
  [...line.matchAll(/"([^"]*)"|'([^']*)'|(\S+)/g)].map((match) => match[1] ?? match[2] ?? match[3] ?? "");

/** The omnara arguments of a line that runs the published CLI. */
function cliArgs(line: string): string[] {
  const all = words(line);
  expect(all.slice(0, PUBLISHED_CLI.length)).toEqual(PUBLISHED_CLI);
  return all.slice(PUBLISHED_CLI.length);
}

const HttpServer = z.object({ url: z.string(), headers: z.record(z.string(), z.string()) });
const StdioServer = z.object({ command: z.literal("npx"), args: z.array(z.string()) });

async function toolsOver(transport: StdioClientTransport | StreamableHTTPClientTransport): Promise<string[]> {
  const client = new Client({ name: "onboarding-test", version: "1.0.0" });
  await client.connect(transport);
  try {
    return (await client.listTools()).tools.map((tool) => tool.name).sort();
  } finally {
    await client.close();
  }
}

const httpTools = ({ url, headers }: z.infer<typeof HttpServer>) =>
  toolsOver(new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers } }));

const stdioTools = ({ args }: z.infer<typeof StdioServer>) => {
  const { env } = isolatedHome();
  return toolsOver(
    new StdioClientTransport({
      command: process.execPath,
      args: [omnaraBin, ...cliArgs(["npx", ...args].join(" "))],
      env: z.record(z.string(), z.string()).parse(env),
      stderr: "pipe",
    }),
  );
};

const TOOLS = ["ask_question", "end_session", "log_step"];

test("Claude Code: `omnara login` as shown signs the machine in; the HTTP MCP line connects", async () => {
  const [login = "", claude = "", mcpAdd = ""] = blocksOf("claude-code");
  const { env } = isolatedHome();
  const signIn = startOmnara(cliArgs(login), env);
  const [, code] = await signIn.waitForOutput(/confirm the code ([A-Z0-9]{4}-[A-Z0-9]{4})/);
  await alice.user.confirmCliLogin.mutate({ user_code: String(code) });
  expect(await signIn.exitCode()).toBe(0);
  expect(cliArgs(claude)).toEqual(["claude"]);

  const add = words(mcpAdd);
  expect(add.slice(0, 5)).toEqual(["claude", "mcp", "add", "--transport", "http"]);
  const [name = "", ...value] = (add[add.indexOf("--header") + 1] ?? "").split(":");
  const url = add[add.indexOf("omnara") + 1] ?? "";
  expect(await httpTools({ url, headers: { [name]: value.join(":").trim() } })).toEqual(TOOLS);
}, 60_000);

test("Cursor, VS Code and Windsurf: each config connects over HTTP and over stdio", async () => {
  const [cursorHttp = "", cursorStdio = ""] = blocksOf("cursor");
  const cursor = (text: string) => z.object({ mcpServers: z.object({ omnara: z.unknown() }) }).parse(JSON.parse(text));
  expect(await httpTools(HttpServer.parse(cursor(cursorHttp).mcpServers.omnara))).toEqual(TOOLS);
  expect(await stdioTools(StdioServer.parse(cursor(cursorStdio).mcpServers.omnara))).toEqual(TOOLS);

  const [addMcp = "", vscodeStdio = ""] = blocksOf("vscode");
  const added = words(addMcp);
  expect(added.slice(0, 2)).toEqual(["code", "--add-mcp"]);
  const vscodeHttp = HttpServer.extend({ name: z.literal("omnara"), type: z.literal("http") }).parse(
    JSON.parse(added[2] ?? ""),
  );
  expect(await httpTools(vscodeHttp)).toEqual(TOOLS);
  const vscode = z.object({ servers: z.object({ omnara: StdioServer.extend({ type: z.literal("stdio") }) }) });
  expect(await stdioTools(vscode.parse(JSON.parse(vscodeStdio)).servers.omnara)).toEqual(TOOLS);

  const [windsurfHttp = "", windsurfStdio = ""] = blocksOf("windsurf");
  // Windsurf names a remote server's address serverUrl, not url.
  const windsurf = z.object({
    mcpServers: z.object({ omnara: z.object({ serverUrl: z.string(), headers: z.record(z.string(), z.string()) }) }),
  });
  const { serverUrl, headers } = windsurf.parse(JSON.parse(windsurfHttp)).mcpServers.omnara;
  expect(await httpTools({ url: serverUrl, headers })).toEqual(TOOLS);
  expect(await stdioTools(StdioServer.parse(cursor(windsurfStdio).mcpServers.omnara))).toEqual(TOOLS);
}, 90_000);

test("REST: the curl lines run in bash, with no uuidgen on PATH, and start an instance", async () => {
  const [curl = ""] = blocksOf("curl");
  expect(curl).not.toContain("uuidgen");
  const { stdout } = await run("bash", ["-c", `set -euo pipefail\n${curl}`], {
    env: { PATH: "/usr/bin:/bin", HOME: isolatedHome().home },
  });
  const sent = z.object({ success: z.literal(true), agent_instance_id: z.uuid() }).parse(JSON.parse(stdout));
  const instance = await alice.user.getInstance.query({ agent_instance_id: sent.agent_instance_id });
  expect(instance).toMatchObject({ agent_type_name: "my-agent", latest_message: "Hello from curl" });
});
