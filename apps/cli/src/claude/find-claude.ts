import { accessSync, constants } from "node:fs";
import { homedir } from "node:os";
import { delimiter, join } from "node:path";
import { CliError } from "../cli-error.ts";
import type { CliEnv } from "../env.ts";

const executable = (path: string): boolean => {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
};

/**
 * The user's Claude Code: OMNARA_CLAUDE_PATH, then `claude` on PATH, then the places its own
 * installers use (the original Omnara missed ~/.claude/local/claude, its issue #53).
 */
export function findClaude(env: CliEnv): string {
  if (env.claudePath) {
    if (executable(env.claudePath)) return env.claudePath;
    throw new CliError("CLAUDE_NOT_FOUND", `OMNARA_CLAUDE_PATH is ${env.claudePath}, which is not an executable file.`);
  }
  const candidates = [
    ...env.path
      .split(delimiter)
      .filter(Boolean)
      .map((dir) => join(dir, "claude")),
    join(homedir(), ".claude", "local", "claude"),
    join(homedir(), ".local", "bin", "claude"),
  ];
  const found = candidates.find(executable);
  if (found) return found;
  throw new CliError(
    "CLAUDE_NOT_FOUND",
    "Claude Code is not installed (no `claude` on PATH).",
    "Install it with `npm install -g @anthropic-ai/claude-code`, or set OMNARA_CLAUDE_PATH to its executable.",
  );
}
