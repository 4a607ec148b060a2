import { runStdioServer, type StdioFlags, stdioServerOptions, UsageError } from "@omnara/mcp";
import { Omnara } from "@omnara/sdk";
import { resolveAgentAuth, type ServerOptions } from "../agent-auth.ts";
import { gitDiffSinceStart } from "../claude/git-diff.ts";
import { CliError } from "../cli-error.ts";
import type { CliEnv } from "../env.ts";

export type McpOptions = ServerOptions & StdioFlags;

/**
 * The stdio MCP server (from @omnara/mcp) for Claude Desktop, Cursor and other MCP clients; its
 * tools act through the SDK. Runs until the client closes stdin.
 */
export async function mcp(options: McpOptions, env: CliEnv): Promise<number> {
  const serverOptions = checkedFlags({ ...options, clientType: options.clientType ?? env.clientType });
  const auth = resolveAgentAuth(options, env);
  const gitDiff = options.gitDiff ? await gitDiffSinceStart(process.cwd()) : undefined;
  const running = await runStdioServer({
    ...serverOptions,
    gitDiff,
    api: new Omnara({ apiKey: auth.apiKey, baseUrl: auth.baseUrl }).api,
  });
  // Editors end the server by closing stdin, or with SIGTERM when they quit.
  await new Promise<void>((resolve) => {
    process.stdin.once("end", resolve);
    process.stdin.once("close", resolve);
    process.once("SIGTERM", resolve);
  });
  await running.close();
  return 0;
}

function checkedFlags(flags: StdioFlags) {
  try {
    return stdioServerOptions(flags);
  } catch (error) {
    if (error instanceof UsageError) {
      throw new CliError("INVALID_ARGUMENT", error.message, "Run `omnara mcp --help` for the flags.");
    }
    throw error;
  }
}
