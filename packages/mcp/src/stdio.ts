import type { Readable, Writable } from "node:stream";
import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import type { AgentApi } from "@omnara/contracts";
import { createMcpServer, type McpServerOptions } from "./server.ts";

export interface StdioServerOptions extends McpServerOptions {
  /** The agent API to act through: `new Omnara({ apiKey, baseUrl }).api` from @omnara/sdk. */
  api: AgentApi;
  stdin?: Readable;
  stdout?: Writable;
}

export interface RunningStdioServer {
  server: McpServer;
  close(): Promise<void>;
}

/**
 * The MCP server over stdio, as `omnara mcp` runs it beside an editor: every tool call goes
 * through the given API, so notifications, waits and retries are the SDK's.
 */
export async function runStdioServer(options: StdioServerOptions): Promise<RunningStdioServer> {
  const { api, stdin, stdout, ...serverOptions } = options;
  const server = createMcpServer(api, serverOptions);
  await server.connect(new StdioServerTransport(stdin, stdout));
  return { server, close: () => server.close() };
}
