import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, realpathSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { eventually, type newUserWithKey, testEnv } from "@omnara/testing";
import { onTestFailed, onTestFinished } from "vitest";
import { type CliProcess, omnaraBin, startCli } from "./cli-process.ts";
import { killEverythingWithHome } from "./process-table.ts";

const require = createRequire(import.meta.url);
/** The Claude Code pinned in package.json (its npm package ships the native binary). */
export const claudeBinary = join(
  dirname(require.resolve("@anthropic-ai/claude-code/package.json")),
  "bin",
  "claude.exe",
);
const DUMMY_KEY = "sk-ant-omnara-test-key";

/**
 * The deadline of a wait on Claude Code itself: its start (a large binary), a hook (one process
 * per event), its next request. Seconds alone, far more on two loaded cores (CI failed twice on
 * 20 and 30 s limits): generous, since a deadline here catches a hang, not slowness.
 */
export const CLAUDE_WAIT_MS = 90_000;

/** `eventually` with the deadline of a wait on Claude Code (what it mirrors comes through its hooks). */
export const claudeEventually = <T>(what: string, check: () => T | Promise<T>) =>
  eventually(what, check, CLAUDE_WAIT_MS);

export const bash = (id: string, command: string) => ({
  type: "tool_use" as const,
  id,
  name: "Bash",
  input: { command, description: "Run node" },
});

/**
 * A home with Claude Code's first-run screens answered (theme, this key, trusting the folder) and a
 * git project. Disposed (`await using`: before the servers it was declared after) and again when
 * the test finishes (also on a timeout, which never reaches the disposal), it kills every process
 * still running with this HOME: whatever the test left (Claude Code, `omnara claude`, `script`, a
 * daemon and its sessions, the commands Claude ran), also those reparented away from its children.
 */
export function claudeHome(): { home: string; project: string } & AsyncDisposable {
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
  onTestFinished(() => killEverythingWithHome(home));
  return { home, project, [Symbol.asyncDispose]: () => killEverythingWithHome(home) };
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

/** Resolves true once `check` holds, false at the deadline; never rejects. */
async function until(check: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  return true;
}

/**
 * Quits Claude Code as a user does, with Ctrl+C twice, and resolves with the exit code. The second
 * must come within about 800 ms of the first or Claude asks again, and a first one may only
 * interrupt a running hook ("What should Claude do instead?"): under load either happens, so the
 * pair is typed again until the process exits.
 */
export async function quitClaude(terminal: CliProcess, timeoutMs = CLAUDE_WAIT_MS): Promise<number> {
  let code: number | undefined;
  void terminal.exited.then((exitCode) => {
    code = exitCode;
  });
  const deadline = Date.now() + timeoutMs;
  const ctrlC = () => terminal.child.stdin?.write("\x03");
  while (code === undefined) {
    if (Date.now() > deadline) throw new Error(`Claude Code did not exit on Ctrl+C within ${timeoutMs} ms`);
    const mark = terminal.stdout().length;
    ctrlC();
    // Typed as soon as Claude says "again", and unasked a little later: it may not have drawn it yet.
    await until(() => code !== undefined || /again/i.test(screenText(terminal.stdout().slice(mark))), 500);
    if (code !== undefined) break;
    ctrlC();
    await until(() => code !== undefined, 3_000);
  }
  return code;
}

/**
 * Runs `read` every `ms` (what a failing test prints about the instance) until disposed. Its
 * failures are ignored, so a call still in flight when the server closes cannot surface as an
 * unhandled rejection. Declare it after the server (`using`): it is disposed first.
 */
export function keepReading(read: () => Promise<void>, ms = 500): Disposable {
  let inFlight = false;
  const timer = setInterval(() => {
    if (inFlight) return;
    inFlight = true;
    read()
      .catch(() => {})
      .finally(() => {
        inFlight = false;
      });
  }, ms);
  return { [Symbol.dispose]: () => clearInterval(timer) };
}

/**
 * On failure, prints the fake API's request count, the user's newest instance (status and
 * messages, read every 500 ms while the test runs) and the end of the screen: a wait that times
 * out says which state it was stuck in. Call it in the test; declare it after the server (`using`).
 */
export function reportOnFailure(
  user: Awaited<ReturnType<typeof newUserWithKey>>["user"],
  fake: { requests: readonly unknown[] },
  terminal: CliProcess,
): Disposable {
  let shown = "";
  onTestFailed(() => {
    console.log(`requests: ${fake.requests.length}\n${shown}\nscreen:\n${screenText(terminal.stdout().slice(-6000))}`);
  });
  return keepReading(async () => {
    const id = (await user.listInstances.query({})).instances[0]?.id;
    if (!id) return;
    const d = await user.getInstance.query({ agent_instance_id: id });
    shown = `${d.status}\n${d.messages.map((m) => `${m.sender_type} ${m.content.slice(0, 200)}`).join("\n")}`;
  });
}
