import { type ChildProcess, spawn } from "node:child_process";
import { closeSync, mkdirSync, openSync } from "node:fs";
import { join } from "node:path";
import { homeDataDir } from "@omnara/config";
import type { MachineCommand } from "@omnara/contracts";
import { CliError } from "../cli-error.ts";
import { inheritedEnv } from "../env.ts";
import { cliScriptPath } from "../package-files.ts";
import { ProcessTree, type TreeMark } from "../process-tree.ts";
import { readDaemonSessions, type StoredProject, type StoredSession, writeDaemonSessions } from "./daemon-config.ts";
import { createWorktree, removeWorktree } from "./worktrees.ts";

type StartCommand = Extract<MachineCommand, { kind: "start" }>;

/** How long a stopped session has to end on SIGTERM (`omnara claude` completing its instance). */
const STOP_GRACE_MS = 10_000;
/** Then how long what it left running has on SIGTERM before SIGKILL. */
const LEFTOVER_GRACE_MS = 3_000;
/** Every process of a session inherits it, so its stop finds even those that left the tree. */
const sessionMark = (id: string): TreeMark => ({ name: "OMNARA_DAEMON_SESSION", value: id });

/**
 * The one command line the PTY runs, the same for every session: what varies (the prompt above
 * all) comes in as environment variables and is expanded inside double quotes, so no text from
 * the server is ever parsed as shell. `--` ends Claude's options: a prompt starting with dashes
 * stays a prompt.
 */
const LINUX_COMMAND =
  'stty cols 120 rows 40 2>/dev/null; exec "$OMNARA_SESSION_NODE" "$OMNARA_SESSION_CLI" claude --session-id "$OMNARA_SESSION_ID" -- "$OMNARA_SESSION_PROMPT"';

export interface RunnerOptions {
  /** The daemon's machine key and server: each session reports with them. */
  apiKey: string;
  baseUrl: string;
  log: (line: string) => void;
  /** A session's process ended by itself (not stopped, not attached). */
  onEnded: (session: StoredSession, exitCode: number) => void;
}

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return typeof error === "object" && error !== null && "code" in error && error.code === "EPERM";
  }
};

/** Claude Code wants a terminal: util-linux `script` (Linux) or BSD `script` (macOS) gives it one. */
function ptyCommand(session: { id: string; prompt: string }): {
  file: string;
  args: string[];
  env: Record<string, string>;
} {
  const cli = cliScriptPath();
  if (process.platform === "linux") {
    return {
      file: "script",
      args: ["-qfec", LINUX_COMMAND, "/dev/null"],
      env: {
        SHELL: "/bin/sh",
        OMNARA_SESSION_NODE: process.execPath,
        OMNARA_SESSION_CLI: cli,
        OMNARA_SESSION_ID: session.id,
        OMNARA_SESSION_PROMPT: session.prompt,
      },
    };
  }
  if (process.platform === "darwin") {
    // BSD script takes the command as arguments: no shell at all.
    return {
      file: "script",
      args: ["-q", "/dev/null", process.execPath, cli, "claude", "--session-id", session.id, "--", session.prompt],
      env: {},
    };
  }
  throw new CliError("NOT_AVAILABLE", `Starting sessions needs Linux or macOS, not ${process.platform}.`);
}

/**
 * The sessions this daemon runs: each is `omnara claude` (so it behaves as one started by hand)
 * in a pseudo-terminal, in its own process group, with its screen written to a log. They outlive
 * the daemon: a restarted daemon adopts the ones still alive from daemon-sessions.json.
 */
export class SessionRunner {
  readonly #sessions = new Map<string, StoredSession>();
  readonly #children = new Map<string, ChildProcess>();

  constructor(readonly options: RunnerOptions) {
    for (const stored of readDaemonSessions()) this.#sessions.set(stored.agent_instance_id, stored);
    this.#save();
  }

  #save(): void {
    writeDaemonSessions([...this.#sessions.values()]);
  }

  /** Whether this daemon ever started the session (a repeated start command is then not run twice). */
  has(id: string): boolean {
    return this.#sessions.has(id);
  }

  /** A session's process ended: kept (marked ended) while it has a worktree to remove later. */
  #ended(session: StoredSession, exitCode: number): void {
    if (session.worktree_path) this.#sessions.set(session.agent_instance_id, { ...session, ended: true });
    else this.#sessions.delete(session.agent_instance_id);
    this.#save();
    if (!session.attached) this.options.onEnded(session, exitCode);
  }

  /** The sessions whose processes are alive; adopted ones found dead are ended here. */
  running(): string[] {
    for (const [id, session] of this.#sessions) {
      if (!session.ended && !this.#children.has(id) && !alive(session.pid)) this.#ended(session, 0);
    }
    return [...this.#sessions.values()].filter((session) => !session.ended).map((s) => s.agent_instance_id);
  }

  async start(command: StartCommand, project: StoredProject): Promise<StoredSession> {
    let worktreePath: string | null = null;
    if (command.worktree) {
      if (!project.is_git || !project.worktree_root) {
        throw new CliError("INVALID_ARGUMENT", `${project.path} is not a git repository.`);
      }
      worktreePath = await createWorktree(project.path, project.worktree_root, command.worktree.branch);
    }
    const cwd = worktreePath ?? project.path;
    const pty = ptyCommand({ id: command.agent_instance_id, prompt: command.prompt });
    const logs = join(homeDataDir(), "logs");
    mkdirSync(logs, { recursive: true, mode: 0o700 });
    const screen = openSync(join(logs, `daemon-session-${command.agent_instance_id}.log`), "a", 0o600);
    const child = spawn(pty.file, pty.args, {
      cwd,
      detached: true,
      stdio: ["ignore", screen, screen],
      env: inheritedEnv({
        ...pty.env,
        OMNARA_API_KEY: this.options.apiKey,
        OMNARA_BASE_URL: this.options.baseUrl,
        [sessionMark(command.agent_instance_id).name]: command.agent_instance_id,
      }),
    });
    closeSync(screen);
    const pid = await new Promise<number>((resolve, reject) => {
      child.once("spawn", () => resolve(child.pid ?? -1));
      child.once("error", reject);
    });
    const session: StoredSession = {
      agent_instance_id: command.agent_instance_id,
      pid,
      cwd,
      project_path: project.path,
      branch: command.worktree?.branch ?? null,
      worktree_path: worktreePath,
      attached: false,
      ended: false,
    };
    this.#sessions.set(session.agent_instance_id, session);
    this.#children.set(session.agent_instance_id, child);
    this.#save();
    this.options.log(`session ${session.agent_instance_id} started (pid ${pid}) in ${cwd}`);
    child.once("exit", (code, signal) => {
      this.#children.delete(session.agent_instance_id);
      this.options.log(`session ${session.agent_instance_id} exited (${code ?? signal})`);
      const current = this.#sessions.get(session.agent_instance_id);
      if (current) this.#ended(current, code ?? 1);
    });
    return session;
  }

  /**
   * Ends everything the session started: the PTY, `omnara claude`, Claude Code and what Claude ran
   * (a Bash tool's command, a dev server: in sessions of their own, so no process group holds
   * them all). The session goes first, as before: SIGTERM to the PTY's group, which passes it on
   * in order (`omnara claude` ends Claude and completes the instance; signalled all at once, it
   * could die with its terminal before completing it). What is left once the PTY is gone,
   * found before, gets SIGTERM, then SIGKILL; the whole group SIGKILL if the PTY outlives the grace.
   */
  async stop(id: string): Promise<void> {
    const session = this.#sessions.get(id);
    if (!session || session.ended) return;
    const started = Date.now();
    const tree = new ProcessTree([session.pid], sessionMark(id));
    const signalGroup = (signal: NodeJS.Signals) => {
      try {
        process.kill(-session.pid, signal);
      } catch {
        // Gone already.
      }
    };
    signalGroup("SIGTERM");
    const deadline = Date.now() + STOP_GRACE_MS;
    while (alive(session.pid) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
    if (alive(session.pid)) signalGroup("SIGKILL");
    try {
      const { killed } = await tree.end(LEFTOVER_GRACE_MS);
      const forced = killed ? ` (${killed} needed SIGKILL)` : "";
      this.options.log(`session ${id} stopped: its processes gone in ${Date.now() - started} ms${forced}`);
    } catch (error) {
      this.options.log(`session ${id}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  /** The instance was deleted: its process is ended and its worktree removed. */
  async remove(id: string): Promise<void> {
    const session = this.#sessions.get(id);
    if (!session) return;
    await this.stop(id);
    if (session.worktree_path) await removeWorktree(session.project_path, session.worktree_path);
    this.#sessions.delete(id);
    this.#save();
  }

  /** `omnara attach`: the daemon lets go of the session (its end is not reported as the session's end). */
  markAttached(id: string): StoredSession | undefined {
    const session = this.#sessions.get(id);
    if (!session) return undefined;
    session.attached = true;
    this.#save();
    return session;
  }
}
