import { limits } from "@omnara/contracts";
import { type McpServerOptions, waitRoundSeconds } from "./server.ts";

/**
 * The server flags of `omnara mcp` as a command-line parser hands them over, before checking.
 * The key and the server address are the CLI's business (flag, environment, stored login).
 */
export interface StdioFlags {
  permissionTool?: boolean | undefined;
  agentInstanceId?: string | undefined;
  /** `--client-type`, or else `OMNARA_CLIENT_TYPE`: the caller resolves the fallback. */
  clientType?: string | undefined;
  /** As typed: checked here, so the flag and the HTTP `wait_round_seconds` share one rule. */
  waitRoundSeconds?: string | undefined;
}

export class UsageError extends Error {
  override name = "UsageError";
}

/** Checks `omnara mcp`'s flags and turns them into server options; throws `UsageError`. */
export function stdioServerOptions(flags: StdioFlags): McpServerOptions {
  const seconds = flags.waitRoundSeconds === undefined ? undefined : waitRoundSeconds(flags.waitRoundSeconds);
  if (flags.waitRoundSeconds !== undefined && seconds === undefined) {
    throw new UsageError(`--wait-round-seconds must be a whole number from 1 to ${limits.maxWaitSeconds}.`);
  }
  return {
    permissionTool: flags.permissionTool ?? false,
    agentInstanceId: flags.agentInstanceId,
    agentType: flags.clientType,
    ...(seconds === undefined ? {} : { waitRoundSeconds: seconds }),
  };
}
