import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, realpathSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { testEnv } from "@omnara/testing";
import { type CliProcess, omnaraBin, startCli } from "./cli-process.ts";

const require = createRequire(import.meta.url);
/** The Claude Code pinned in package.json (its npm package ships the native binary). */
export const claudeBinary = join(
  dirname(require.resolve("@anthropic-ai/claude-code/package.json")),
  "bin",
  "claude.exe",
);
const DUMMY_KEY = "sk-ant-omnara-test-key";

export const bash = (id: string, command: string) => ({
  type: "tool_use" as const,
  id,
  name: "Bash",
  input: { command, description: "Run node" },
});

/** A home with Claude Code's first-run screens answered (theme, this key, trusting the folder) and a git project. */
export function claudeHome(): { home: string; project: string } {
  const home = mkdtempSync(join(tmpdir(), "omnara-claude-home-"));
  const project = realpathSync(mkdtempSync(join(tmpdir(), "omnara-claude-project-")));
  execFileSync("git", ["init", "-q"], { cwd: project });
  writeFileSync(
    join(home, ".claude.json"),
    JSON.stringify({
      hasCompletedOnboarding: true,
      theme: "dark",
      customApiKeyResponses: { approved: [DUMMY_KEY.slice(-20)], rejected: [] },
      projects: { [project]: { hasTrustDialogAccepted: true, hasCompletedProjectOnboarding: true } },
    }),
  );
  mkdirSync(join(home, ".claude"), { recursive: true });
  return { home, project };
}

export function claudeEnv(home: string, fakeUrl: string, apiKey: string, serverUrl: string): NodeJS.ProcessEnv {
  return {
    PATH: testEnv.path,
    HOME: home,
    TERM: "xterm-256color",
    ANTHROPIC_BASE_URL: fakeUrl,
    ANTHROPIC_API_KEY: DUMMY_KEY,
    DISABLE_AUTOUPDATER: "1",
    CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: "1",
    OMNARA_CLAUDE_PATH: claudeBinary,
    OMNARA_API_KEY: apiKey,
    OMNARA_BASE_URL: serverUrl,
  };
}

/**
 * `omnara claude` (with the real Claude Code) in a pseudo-terminal (util-linux `script`); the
 * test types like a user.
 */
export function startClaudeTerminal(
  project: string,
  env: NodeJS.ProcessEnv,
  claudeArgs: string[] = [],
): CliProcess & { type: (text: string) => void } {
  const args = claudeArgs.map((arg) => `'${arg.replaceAll("'", `'\\''`)}'`).join(" ");
  const inner = `cd '${project}' && stty cols 120 rows 40 && exec '${process.execPath}' '${omnaraBin}' claude ${args}`;
  const terminal = startCli(["-qfec", inner, "/dev/null"], env, ["script"]);
  return { ...terminal, type: (text: string) => void terminal.child.stdin?.write(text) };
}

const ESC = String.fromCharCode(27);
const BEL = String.fromCharCode(7);
const CSI = new RegExp(`${ESC}\\[[0-9;?]*[ -/]*[@-~]`, "g");
const OSC = new RegExp(`${ESC}[\\]P][^${BEL}${ESC}]*(${BEL}|${ESC}\\\\)`, "g");

/** Terminal output as plain text to match on: escape sequences and all spacing dropped (Ink moves the cursor between words). */
export const screenText = (output: string): string => output.replace(CSI, "").replace(OSC, "").replace(/\s+/g, "");
