import { fileURLToPath } from "node:url";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { getDefaultEnvironment, StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { claudeHttpSetup, claudeStdioArgs, filledIn } from "./readme-setup.ts";

export type TransportName = "stdio" | "http";
export const transportNames: readonly TransportName[] = ["stdio", "http"];

export interface ConnectOptions {
  permissionTool?: boolean;
  /** The MCP client name sent in initialize; the server turns it into the agent type. */
  clientName?: string;
  /** Short rounds so progress arrives within a test's patience. */
  waitRoundSeconds?: number;
}

export interface Connected extends AsyncDisposable {
  client: Client;
  close(): Promise<void>;
}

const PACKAGE_DIR = fileURLToPath(new URL("../..", import.meta.url));
// What `npx omnara` runs: the CLI's bin from this repository (spawned by path, not imported, so
// the MCP package still depends on no app).
export const OMNARA_BIN = fileURLToPath(new URL("../../../../apps/cli/bin/omnara.js", import.meta.url));

/** The README's stdio line, run as a child process speaking MCP on its stdin and stdout. */
function stdioTransport(baseUrl: string, apiKey: string, options: ConnectOptions): StdioClientTransport {
  const args = claudeStdioArgs().map((word) => filledIn(word, apiKey, baseUrl));
  if (options.permissionTool) args.push("--permission-tool");
  args.push("--wait-round-seconds", String(options.waitRoundSeconds ?? 1));
  return new StdioClientTransport({
    command: process.execPath,
    args: [OMNARA_BIN, ...args],
    cwd: PACKAGE_DIR,
    env: getDefaultEnvironment(),
    stderr: "pipe",
  });
}

/** The README's HTTP line: the /mcp URL with the key as a Bearer header. */
function httpTransport(baseUrl: string, apiKey: string, options: ConnectOptions): StreamableHTTPClientTransport {
  const setup = claudeHttpSetup();
  const url = new URL(filledIn(setup.url, apiKey, baseUrl));
  if (options.permissionTool) url.searchParams.set("permission_tool", "1");
  url.searchParams.set("wait_round_seconds", String(options.waitRoundSeconds ?? 1));
  const headers = Object.fromEntries(Object.entries(setup.headers).map(([k, v]) => [k, filledIn(v, apiKey, baseUrl)]));
  return new StreamableHTTPClientTransport(url, { requestInit: { headers } });
}

/** An official MCP client connected to the server over one transport. */
export async function connectMcp(
  transport: TransportName,
  baseUrl: string,
  apiKey: string,
  options: ConnectOptions = {},
): Promise<Connected> {
  const client = new Client({ name: options.clientName ?? "claude-code", version: "1.0.0" });
  await client.connect(
    transport === "stdio" ? stdioTransport(baseUrl, apiKey, options) : httpTransport(baseUrl, apiKey, options),
  );
  const close = () => client.close();
  return { client, close, [Symbol.asyncDispose]: close };
}
