import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, realpathSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { newUserWithKey } from "@omnara/testing";
import { type CliProcess, runCli, startCli } from "./cli-process.ts";

type User = Awaited<ReturnType<typeof newUserWithKey>>;

/** A git repository with one commit, for a daemon's project. */
export function gitProject(prefix = "omnara-daemon-project-"): string {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), prefix)));
  const git = (...args: string[]) => execFileSync("git", args, { cwd: dir, stdio: "pipe" });
  git("init", "-q", "-b", "main");
  writeFileSync(join(dir, "README.md"), "# a project\n");
  git("add", ".");
  git("-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-q", "-m", "first");
  return dir;
}

/** `omnara daemon login` confirmed by the user as the dashboard would: the machine's key in ~/.omnara/daemon.json. */
export async function daemonLogin(serverUrl: string, user: User, env: NodeJS.ProcessEnv, name: string): Promise<void> {
  const login = startCli(["--base-url", serverUrl, "daemon", "login", "--json", "--name", name], env);
  const [, code] = await login.waitForOutput(/confirm the code ([A-Z0-9]{4}-[A-Z0-9]{4})/);
  const described = await user.user.describeCliLogin.query({ user_code: String(code) });
  if (described.kind !== "machine") throw new Error(`the sign-in asks for a ${described.kind} key`);
  await user.user.confirmCliLogin.mutate({ user_code: String(code) });
  const exit = await login.exited;
  if (exit !== 0) throw new Error(`daemon login exited ${exit}: ${login.stderr()}`);
}

export async function addProject(env: NodeJS.ProcessEnv, path: string, extra: string[] = []): Promise<void> {
  const added = await runCli(["daemon", "add-project", path, "--json", ...extra], env);
  if (added.code !== 0) throw new Error(`add-project failed: ${added.stderr}${added.stdout}`);
}

/** The daemon polling every second; resolves once it says it is online. */
export async function startDaemon(env: NodeJS.ProcessEnv, timeoutMs = 60_000): Promise<CliProcess> {
  const daemon = startCli(["daemon", "run", "--poll-seconds", "1"], env);
  await daemon.waitForOutput(/online at/, timeoutMs);
  return daemon;
}

/** The sessions a daemon under `home` started (~/.omnara/daemon-sessions.json). */
export const daemonSessions = (home: string): { agent_instance_id: string; pid: number; ended: boolean }[] => {
  const path = join(home, ".omnara", "daemon-sessions.json");
  return existsSync(path) ? JSON.parse(readFileSync(path, "utf8")) : [];
};

/**
 * Sessions outlive their daemon by design: a test ends whatever its daemon left running, as the
 * daemon's stop does (TERM to the group: `omnara claude` forwards it and closes; a KILL of the
 * outer pty would leave the processes inside it running). Tests of Claude Code sessions use
 * claudeHome's disposer instead, which ends every process of the test's HOME.
 */
export function killSessions(home: string): void {
  for (const session of daemonSessions(home)) {
    try {
      process.kill(-session.pid, "SIGTERM");
    } catch {
      // Gone already.
    }
  }
}
