import type { AuthInfo } from "@modelcontextprotocol/sdk/server/auth/types.js";
import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import type { RequestHandlerExtra } from "@modelcontextprotocol/sdk/shared/protocol.js";
import type { ServerNotification, ServerRequest } from "@modelcontextprotocol/sdk/types.js";
import type { AgentApi } from "@omnara/contracts";
import { agentTypeOf } from "./agent-type.ts";
import type { Approvals } from "./approvals.ts";

export type ToolExtra = RequestHandlerExtra<ServerRequest, ServerNotification>;

/** The agent API a tool call acts through: fixed (stdio, the SDK) or per caller (HTTP). */
export type AgentApiSource = AgentApi | ((auth: AuthInfo | undefined) => AgentApi);

/** What one MCP session remembers between tool calls. */
export interface SessionState {
  /** The agent instance of this session: from --agent-instance-id, then the last one used. */
  instanceId: string | undefined;
  /** Whether a tool of this session has reported into `instanceId` (so closing may disconnect it). */
  reported: boolean;
  readonly approvals: Approvals;
}

export interface ServerSettings {
  apiSource: AgentApiSource;
  /** Agent type from a flag or env; else the X-Client-Type header, else the MCP client info. */
  agentType: string | undefined;
  /** Longest wait of one round of a waiting tool, in seconds. */
  waitRoundSeconds: number;
  gitDiff?: (() => Promise<string | undefined>) | undefined;
}

/** Everything a tool handler needs for one call. */
export interface ToolCall {
  api: AgentApi;
  agentType: string;
  signal: AbortSignal;
  session: SessionState;
  waitRoundSeconds: number;
  /** The working tree's diff now, when the server attaches one. */
  gitDiff(): Promise<string | undefined>;
  /** Sends a progress notification if the client asked for them (sent a progressToken). */
  progress(step: number, message: string): Promise<void>;
}

const firstHeader = (value: string | string[] | undefined): string | undefined =>
  Array.isArray(value) ? value[0] : value;

export function toolCall(
  server: McpServer,
  settings: ServerSettings,
  session: SessionState,
  extra: ToolExtra,
): ToolCall {
  const source = settings.apiSource;
  return {
    api: typeof source === "function" ? source(extra.authInfo) : source,
    agentType: agentTypeOf({
      override: settings.agentType,
      header: firstHeader(extra.requestInfo?.headers["x-client-type"]),
      clientName: server.server.getClientVersion()?.name,
    }),
    signal: extra.signal,
    session,
    waitRoundSeconds: settings.waitRoundSeconds,
    gitDiff: async () => settings.gitDiff?.(),
    progress: async (step, message) => {
      const progressToken = extra._meta?.progressToken;
      if (progressToken === undefined) return;
      await extra.sendNotification({
        method: "notifications/progress",
        params: { progressToken, progress: step, message },
      });
    },
  };
}
