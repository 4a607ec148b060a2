import { statSync } from "node:fs";
import { hostname, platform, release } from "node:os";
import type { MachineCommand } from "@omnara/contracts";
import { AuthenticationError, Omnara, OmnaraError } from "@omnara/sdk";
import { CliError } from "../cli-error.ts";
import { version } from "../version.ts";
import { daemonConfigPath, readDaemonConfig, type StoredProject } from "./daemon-config.ts";
import { SessionRunner } from "./session-runner.ts";

export interface DaemonOptions {
  apiKey: string;
  baseUrl: string;
  /** How long each poll waits for a command (the server's wait; default 25 s). */
  pollSeconds: number;
  log: (line: string) => void;
  /** Ends the daemon (SIGTERM, SIGINT); its sessions keep running and are adopted on restart. */
  signal: AbortSignal;
}

const MIN_BACKOFF_MS = 500;
const MAX_BACKOFF_MS = 30_000;

const describe = (error: unknown): string => (error instanceof Error ? error.message : String(error));
const configStamp = (): number => {
  try {
    return statSync(daemonConfigPath()).mtimeMs;
  } catch {
    return 0;
  }
};

/**
 * The daemon: registers the machine and its projects, then holds one long-poll open at a time
 * (outbound only: no port is opened) that reports the sessions alive and brings back commands.
 * A failed poll is retried with doubling backoff, capped at 30 s; a refused key (revoked) ends
 * every session and the daemon.
 */
export async function runDaemon(options: DaemonOptions): Promise<number> {
  const { log, signal } = options;
  const omnara = new Omnara({
    apiKey: options.apiKey,
    baseUrl: options.baseUrl,
    heartbeatIntervalMs: 0,
    retry: { maxRetries: 2, minDelayMs: 250, maxDelayMs: 2000 },
    onBackgroundError: (error) => log(`background: ${error.message}`),
  });
  const api = omnara.api;
  const report = (input: Parameters<typeof api.reportMachineSession>[0]) =>
    api.reportMachineSession(input).catch((error: unknown) => log(`report failed: ${describe(error)}`));
  const runner = new SessionRunner({
    apiKey: options.apiKey,
    baseUrl: options.baseUrl,
    log,
    onEnded: (session) => void report({ agent_instance_id: session.agent_instance_id, state: "ENDED" }),
  });

  let projects = new Map<string, StoredProject>();
  let stamp = -1;
  const register = async () => {
    stamp = configStamp();
    const config = readDaemonConfig();
    const registered = await api.registerMachine({
      name: config.machine_name ?? hostname(),
      os: `${platform()} ${release()}`,
      version,
      projects: config.projects,
    });
    projects = new Map(
      registered.projects.flatMap((p) => {
        const stored = config.projects.find((candidate) => candidate.path === p.path);
        return stored ? [[p.id, stored] as const] : [];
      }),
    );
    return registered;
  };

  const handle = async (command: MachineCommand) => {
    const id = command.agent_instance_id;
    if (command.kind === "stop") {
      await runner.stop(id);
      await report({ agent_instance_id: id, command_id: command.id, state: "ENDED" });
      return;
    }
    // Delivered again (this daemon died before saying it ran): started once only.
    if (runner.has(id)) {
      await report({ agent_instance_id: id, command_id: command.id, state: "RUNNING" });
      return;
    }
    const project = projects.get(command.project_id);
    if (!project) {
      const error = "This project is not registered on the machine any more.";
      await report({ agent_instance_id: id, command_id: command.id, state: "FAILED", error });
      return;
    }
    try {
      const session = await runner.start(command, project);
      const worktree = session.worktree_path ? { worktree_path: session.worktree_path } : {};
      await report({ agent_instance_id: id, command_id: command.id, state: "RUNNING", ...worktree });
    } catch (error) {
      log(`session ${id} could not start: ${describe(error)}`);
      await report({ agent_instance_id: id, command_id: command.id, state: "FAILED", error: describe(error) });
    }
  };

  let failures = 0;
  let online = false;
  while (!signal.aborted) {
    try {
      if (stamp !== configStamp()) {
        const registered = await register();
        log(`registered as machine ${registered.machine_id} with ${registered.projects.length} project(s)`);
      }
      if (!online) {
        online = true;
        log(`online at ${options.baseUrl}`);
      }
      const result = await api.pollMachine(
        { running: runner.running(), timeout_seconds: options.pollSeconds },
        { signal },
      );
      failures = 0;
      for (const command of result.commands) await handle(command);
      for (const id of result.deleted) {
        await runner.remove(id).catch((error: unknown) => log(`cleanup of ${id} failed: ${describe(error)}`));
        await report({ agent_instance_id: id, state: "REMOVED" });
      }
    } catch (error) {
      if (signal.aborted) break;
      if (error instanceof AuthenticationError || (error instanceof OmnaraError && error.code === "FORBIDDEN")) {
        log(`the server refused this machine's key (revoked?): ${error.message}`);
        await Promise.all(runner.running().map((id) => runner.stop(id)));
        throw new CliError(
          "BAD_API_KEY",
          "The server refused the machine key: it was revoked or is not a machine key.",
          "Run `omnara daemon login` to sign this machine in again.",
        );
      }
      online = false;
      // Back online, the machine registers again before it polls: the server may have lost it.
      stamp = -1;
      failures += 1;
      const delay = Math.min(MAX_BACKOFF_MS, MIN_BACKOFF_MS * 2 ** Math.min(failures - 1, 10));
      const jittered = delay / 2 + Math.random() * (delay / 2);
      log(`offline (${describe(error)}); retrying in ${Math.round(jittered)} ms`);
      await new Promise((resolve) => {
        const timer = setTimeout(resolve, jittered);
        signal.addEventListener("abort", () => {
          clearTimeout(timer);
          resolve(undefined);
        });
      });
    }
  }
  return 0;
}
