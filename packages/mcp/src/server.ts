import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { limits } from "@omnara/contracts";
import { Approvals } from "./approvals.ts";
import { registerApproveTool } from "./approve-tool.ts";
import { registerOperationTools } from "./operation-tools.ts";
import { type AgentApiSource, type SessionState, type ToolExtra, toolCall } from "./tool-context.ts";

export interface McpServerOptions {
  /** Adds the `approve` tool for Claude Code's --permission-prompt-tool. Off by default. */
  permissionTool?: boolean;
  /** The agent instance tools use when the model names none (and `approve` always uses). */
  agentInstanceId?: string | undefined;
  /** The agent type to report, over the X-Client-Type header and the MCP client info. */
  agentType?: string | undefined;
  /**
   * Longest wait of one round of a waiting tool, in seconds: a progress notification follows
   * each round. Keep it under clients' request timeouts (60 s in the official SDKs).
   */
  waitRoundSeconds?: number;
  /**
   * Omnara v1's `--disable-tools`: no log_step, ask_question or end_session, only `approve`
   * (with permissionTool), for Claude Code runs that report by other means.
   */
  disableTools?: boolean;
  /** The working tree's diff, attached to every log_step and ask_question (`--git-diff`). */
  gitDiff?: (() => Promise<string | undefined>) | undefined;
}

export const DEFAULT_WAIT_ROUND_SECONDS = 25;

/** What one MCP session starts with: the instance it was told to use, no approvals yet. */
export const newSessionState = (options: McpServerOptions): SessionState => ({
  instanceId: options.agentInstanceId,
  reported: false,
  approvals: new Approvals(),
});

/** A round length given as text (a flag, a URL parameter), or undefined when it is not valid. */
export function waitRoundSeconds(text: string): number | undefined {
  const seconds = Number(text);
  return Number.isInteger(seconds) && seconds >= 1 && seconds <= limits.maxWaitSeconds ? seconds : undefined;
}

const INSTRUCTIONS =
  "Omnara lets your user follow and steer your work from the web or their phone. Call log_step before each significant action and follow any user_feedback it returns; use ask_question instead of guessing whenever you need a decision; call end_session when the task is done.";

/**
 * An MCP server whose tools are generated from the agent contracts marked `mcp`, acting through
 * an `AgentApi`: the SDK's over the wire (stdio), or an in-process one per caller (HTTP). One
 * server serves one MCP session and remembers its agent instance and approvals.
 */
export function createMcpServer(
  apiSource: AgentApiSource,
  options: McpServerOptions = {},
  session: SessionState = newSessionState(options),
): McpServer {
  const server = new McpServer({ name: "omnara", version: "0.1.0" }, { instructions: INSTRUCTIONS });
  const settings = {
    apiSource,
    agentType: options.agentType,
    waitRoundSeconds: options.waitRoundSeconds ?? DEFAULT_WAIT_ROUND_SECONDS,
    gitDiff: options.gitDiff,
  };
  const start = (extra: ToolExtra) => toolCall(server, settings, session, extra);
  const tools = registerOperationTools(server, start);
  // Registered and then disabled, as v1's FastMCP server did: tools/list leaves them out and a
  // call is refused.
  if (options.disableTools) for (const tool of tools) tool.disable();
  if (options.permissionTool) registerApproveTool(server, start);
  return server;
}
