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
  /** `--git-diff`: attach the working tree's diff to each step and question (the CLI reads git). */
  gitDiff?: boolean | undefined;
  /** `--disable-tools`: only the approve tool (with --permission-tool), as Omnara v1. */
  disableTools?: boolean | undefined;
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
    disableTools: flags.disableTools ?? false,
    ...(seconds === undefined ? {} : { waitRoundSeconds: seconds }),
  };
}
