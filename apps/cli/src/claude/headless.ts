import { randomUUID } from "node:crypto";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { cliScriptPath } from "../package-files.ts";

/** The options part of Claude's arguments: after `--` come prompt words only. */
const optionsOf = (args: readonly string[]): readonly string[] => {
  const end = args.indexOf("--");
  return end < 0 ? args : args.slice(0, end);
};

const has = (args: readonly string[], flag: string): boolean =>
  optionsOf(args).some((arg) => arg === flag || arg.startsWith(`${flag}=`));

export const isPrintMode = (args: readonly string[]): boolean =>
  optionsOf(args).some((arg) => arg === "-p" || arg === "--print");

/**
 * `claude -p` shows no permission dialog, so no PermissionRequest hook runs: a tool that needs
 * permission is refused unless `--permission-prompt-tool` names an MCP tool to ask. We attach
 * `omnara mcp --permission-tool` as that tool, bound to this run's instance (Claude's session id,
 * chosen here with --session-id), so the question shows in the same conversation. The user's own
 * --permission-prompt-tool, or a resumed session, is left as it is.
 */
export function headlessArgs(
  args: readonly string[],
  runtimeDir: string,
  auth: { apiKey: string; baseUrl: string },
): string[] {
  if (!isPrintMode(args) || has(args, "--permission-prompt-tool")) return [...args];
  const resumes = has(args, "--resume") || has(args, "-r") || has(args, "--continue") || has(args, "-c");
  const extra: string[] = [];
  let sessionId: string | undefined;
  if (has(args, "--session-id")) {
    const index = args.indexOf("--session-id");
    sessionId = index >= 0 ? args[index + 1] : undefined;
  } else if (!resumes) {
    sessionId = randomUUID();
    extra.push("--session-id", sessionId);
  }
  const mcpArgs = [
    cliScriptPath(),
    "mcp",
    "--permission-tool",
    ...(sessionId ? ["--agent-instance-id", sessionId] : []),
  ];
  const configPath = join(runtimeDir, "mcp.json");
  // A file (mode 0600), not an argument: the key must not show in `ps`.
  writeFileSync(
    configPath,
    JSON.stringify({
      mcpServers: {
        omnara: {
          type: "stdio",
          command: process.execPath,
          args: mcpArgs,
          env: { OMNARA_API_KEY: auth.apiKey, OMNARA_BASE_URL: auth.baseUrl, OMNARA_CLIENT_TYPE: "Claude Code" },
        },
      },
    }),
    { mode: 0o600 },
  );
  return [...extra, "--mcp-config", configPath, "--permission-prompt-tool", "mcp__omnara__approve", ...args];
}
