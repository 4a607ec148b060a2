import { type ChildProcess, execFile, spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { once } from "node:events";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { ProcessTree, type TreeMark } from "../process-tree.ts";

const quote = (value: string): string => `'${value.replaceAll("'", `'\\''`)}'`;
const ESC = "\x1b";
/** How long Claude Code has to exit on the stop's SIGINT before what is left is ended. */
const CLAUDE_EXIT_MS = 5_000;
/** Then how long what it left running has on SIGTERM before SIGKILL. */
const LEFTOVER_GRACE_MS = 3_000;

/** Claude Code running in this terminal, and what Omnara may do to it from the dashboard. */
export interface ClaudeTerminal {
  child: ChildProcess;
  /** Interrupts the current turn as Esc at the keyboard would; false when this terminal cannot. */
  interrupt(): boolean;
  /**
   * Ends Claude Code (as Ctrl+C twice would), then every process it started that is still
   * running (a Bash tool's command, a dev server); resolves once they are all gone.
   */
  stop(): Promise<void>;
  /** Puts the terminal back as it was. */
  restore(): void;
}

interface Spawn {
  command: string;
  args: string[];
  env: Record<string, string | undefined>;
  /** Where the pty's name and Claude's pid are written. */
  runtimeDir: string;
}

/**
 * Starts Claude Code. In an interactive terminal it runs on a pseudo-terminal of ours, made by the
 * system's `script` (util-linux on Linux, BSD script on macOS: no native module), with the
 * keyboard passed through byte for byte, so Omnara can type Esc into it: the interrupt Claude Code
 * itself offers, which no hook can trigger mid-stream. The size follows the real terminal (set on
 * the pty with stty, which signals Claude as a resize does). Without a terminal (pipes, `-p`) or
 * without `script`, Claude inherits stdio as before and the interrupt is unavailable.
 */
export function startClaude(spawnArgs: Spawn, interactive: boolean): ClaudeTerminal {
  // Claude's processes inherit the mark: the stop finds those that left its tree (see ProcessTree).
  const mark: TreeMark = { name: "OMNARA_CLAUDE_RUN", value: randomUUID() };
  const env = { ...spawnArgs.env, [mark.name]: mark.value };
  const stdin = process.stdin;
  const script = ["/usr/bin/script", "/bin/script"].find((path) => existsSync(path));
  const linux = process.platform === "linux";
  if (!interactive || !stdin.isTTY || !script || (!linux && process.platform !== "darwin")) {
    const child = spawn(spawnArgs.command, spawnArgs.args, { stdio: "inherit", env });
    let stopping: Promise<void> | undefined;
    const stop = () => {
      stopping ??= endClaude(child, child.pid, mark);
      return stopping;
    };
    return { child, interrupt: () => false, stop, restore: () => {} };
  }
  const ttyFile = join(spawnArgs.runtimeDir, "pty");
  const pidFile = join(spawnArgs.runtimeDir, "claude.pid");
  const size = () => `cols ${process.stdout.columns || 80} rows ${process.stdout.rows || 24}`;
  // The shell records the pty and its own pid, sizes the pty, then becomes Claude Code.
  const inner = `tty > ${quote(ttyFile)}; echo $$ > ${quote(pidFile)}; stty ${size()} 2>/dev/null; exec ${[spawnArgs.command, ...spawnArgs.args].map(quote).join(" ")}`;
  const child = linux
    ? spawn(script, ["-qfec", inner, "/dev/null"], { stdio: ["pipe", "inherit", "inherit"], env })
    : spawn(script, ["-q", "/dev/null", "/bin/sh", "-c", inner], {
        stdio: ["pipe", "inherit", "inherit"],
        env,
      });
  stdin.setRawMode(true);
  const forward = (data: Buffer) => child.stdin?.write(data);
  stdin.on("data", forward);
  stdin.resume();
  const resize = () => {
    const pty = readTrimmed(ttyFile);
    if (!pty) return;
    execFile("stty", [linux ? "-F" : "-f", pty, ...size().split(" ")], () => {});
  };
  process.stdout.on("resize", resize);
  let restored = false;
  let stopping: Promise<void> | undefined;
  return {
    child,
    interrupt: () => {
      if (!child.stdin?.writable) return false;
      child.stdin.write(ESC);
      return true;
    },
    stop: () => {
      const pid = Number(readTrimmed(pidFile));
      stopping ??= endClaude(child, Number.isInteger(pid) && pid > 0 ? pid : undefined, mark);
      return stopping;
    },
    restore: () => {
      if (restored) return;
      restored = true;
      stdin.off("data", forward);
      process.stdout.off("resize", resize);
      if (stdin.isTTY) stdin.setRawMode(false);
      stdin.pause();
    },
  };
}

/**
 * SIGINT ends Claude Code cleanly (it prints how to resume; the pty closes with it); what it
 * started and left running, found before it exits, is ended after it (TERM, then KILL).
 */
async function endClaude(child: ChildProcess, claudePid: number | undefined, mark: TreeMark): Promise<void> {
  const tree = new ProcessTree([child.pid ?? -1, claudePid ?? -1], mark);
  const sent = claudePid !== undefined && sendSignal(claudePid, "SIGINT");
  if (!sent) child.kill("SIGTERM");
  if (child.exitCode === null && child.signalCode === null) {
    await Promise.race([once(child, "exit"), new Promise((resolve) => setTimeout(resolve, CLAUDE_EXIT_MS).unref())]);
  }
  await tree.end(LEFTOVER_GRACE_MS);
}

function sendSignal(pid: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(pid, signal);
    return true;
  } catch {
    return false;
  }
}

function readTrimmed(path: string): string | undefined {
  try {
    return readFileSync(path, "utf8").trim() || undefined;
  } catch {
    return undefined;
  }
}
