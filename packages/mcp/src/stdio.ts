import type { Readable, Writable } from "node:stream";
import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import type { AgentApi } from "@omnara/contracts";
import { answerInvalidRequests } from "./request-validation.ts";
import { createMcpServer, type McpServerOptions, newSessionState } from "./server.ts";

const DISCONNECT_TIMEOUT_MS = 1_500;

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
  const session = newSessionState(serverOptions);
  const server = createMcpServer(api, serverOptions, session);
  const transport = new StdioServerTransport(stdin, stdout);
  await server.connect(transport);
  answerInvalidRequests(transport);
  return {
    server,
    close: async () => {
      // The editor went away: its instance shows DISCONNECTED instead of working or waiting
      // forever (the server keeps a finished session finished). Bounded, so exit is never held up.
      if (session.reported && session.instanceId) {
        await api
          .endSession(
            { agent_instance_id: session.instanceId, status: "DISCONNECTED" },
            { signal: AbortSignal.timeout(DISCONNECT_TIMEOUT_MS) },
          )
          .catch(() => {});
      }
      await server.close();
    },
  };
}
