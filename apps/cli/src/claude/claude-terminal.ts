import { type ChildProcess, execFile, spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";

const quote = (value: string): string => `'${value.replaceAll("'", `'\\''`)}'`;
const ESC = "\x1b";

/** Claude Code running in this terminal, and what Omnara may do to it from the dashboard. */
export interface ClaudeTerminal {
  child: ChildProcess;
  /** Interrupts the current turn as Esc at the keyboard would; false when this terminal cannot. */
  interrupt(): boolean;
  /** Ends Claude Code (as Ctrl+C twice would). */
  stop(): void;
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
  const stdin = process.stdin;
  const script = ["/usr/bin/script", "/bin/script"].find((path) => existsSync(path));
  const linux = process.platform === "linux";
  if (!interactive || !stdin.isTTY || !script || (!linux && process.platform !== "darwin")) {
    const child = spawn(spawnArgs.command, spawnArgs.args, { stdio: "inherit", env: spawnArgs.env });
    return { child, interrupt: () => false, stop: () => child.kill("SIGINT"), restore: () => {} };
  }
  const ttyFile = join(spawnArgs.runtimeDir, "pty");
  const pidFile = join(spawnArgs.runtimeDir, "claude.pid");
  const size = () => `cols ${process.stdout.columns || 80} rows ${process.stdout.rows || 24}`;
  // The shell records the pty and its own pid, sizes the pty, then becomes Claude Code.
  const inner = `tty > ${quote(ttyFile)}; echo $$ > ${quote(pidFile)}; stty ${size()} 2>/dev/null; exec ${[spawnArgs.command, ...spawnArgs.args].map(quote).join(" ")}`;
  const child = linux
    ? spawn(script, ["-qfec", inner, "/dev/null"], { stdio: ["pipe", "inherit", "inherit"], env: spawnArgs.env })
    : spawn(script, ["-q", "/dev/null", "/bin/sh", "-c", inner], {
        stdio: ["pipe", "inherit", "inherit"],
        env: spawnArgs.env,
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
  return {
    child,
    interrupt: () => {
      if (!child.stdin?.writable) return false;
      child.stdin.write(ESC);
      return true;
    },
    stop: () => {
      const pid = Number(readTrimmed(pidFile));
      // SIGINT ends Claude Code cleanly (it prints how to resume); the pty closes with it.
      if (Number.isInteger(pid) && pid > 0) {
        try {
          process.kill(pid, "SIGINT");
          return;
        } catch {
          // Already gone: end the pty's owner too.
        }
      }
      child.kill("SIGTERM");
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

function readTrimmed(path: string): string | undefined {
  try {
    return readFileSync(path, "utf8").trim() || undefined;
  } catch {
    return undefined;
  }
}
