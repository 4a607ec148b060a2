import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { testEnv } from "@omnara/testing";
import { dashboardDir } from "../../scripts/ensure-built.ts";

/** The real `omnara` entry point, run as a user runs it (tsx, no build step). */
export const omnaraBin = join(dashboardDir, "../cli/bin/omnara.js");

/** A clean environment with its own HOME, so the test never touches the developer's ~/.omnara. */
export function isolatedHome(): { env: NodeJS.ProcessEnv; home: string } {
  const home = mkdtempSync(join(tmpdir(), "omnara-dashboard-cli-"));
  return { env: { PATH: testEnv.path, HOME: home }, home };
}

export interface OmnaraProcess {
  child: ChildProcess;
  output: () => string;
  /** Resolves with the first match in stdout + stderr, or rejects at the deadline. */
  waitForOutput: (pattern: RegExp, timeoutMs?: number) => Promise<RegExpMatchArray>;
  /** The exit code, or a rejection if the process is still running at the deadline. */
  exitCode: (timeoutMs?: number) => Promise<number>;
}

/** Fails `promise` with a message naming `what` if it does not settle within `ms`. */
export function withDeadline<T>(promise: Promise<T>, ms: number, what: string | (() => string)): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const name = typeof what === "string" ? what : what();
      reject(new Error(`timed out after ${ms} ms waiting for ${name}`));
    }, ms);
  });
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}

export function startOmnara(args: string[], env: NodeJS.ProcessEnv): OmnaraProcess {
  const child = spawn(process.execPath, [omnaraBin, ...args], { env, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  const listeners = new Set<() => void>();
  const append = (chunk: Buffer) => {
    output += chunk.toString("utf8");
    for (const listener of listeners) listener();
  };
  child.stdout?.on("data", append);
  child.stderr?.on("data", append);
  const exited = once(child, "exit").then(([code]) => (typeof code === "number" ? code : 1));

  const waitForOutput = (pattern: RegExp, timeoutMs = 20_000) => {
    let check = () => {};
    const matched = new Promise<RegExpMatchArray>((resolve) => {
      check = () => {
        const match = output.match(pattern);
        if (match) resolve(match);
      };
      listeners.add(check);
      check();
    });
    return withDeadline(matched, timeoutMs, () => `output matching ${pattern}; got:\n${output}`).finally(() =>
      listeners.delete(check),
    );
  };
  const exitCode = (timeoutMs = 20_000) => withDeadline(exited, timeoutMs, `omnara ${args.join(" ")} to exit`);
  return { child, output: () => output, waitForOutput, exitCode };
}
