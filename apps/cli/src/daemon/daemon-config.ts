import { chmodSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { homeDataDir } from "@omnara/config";
import { z } from "zod";

/**
 * `~/.omnara/daemon.json`: the machine key `omnara daemon login` received, the server it belongs
 * to, and the projects the user added. Written by the daemon's commands, read by the daemon; kept
 * apart from credentials.json so `omnara logout` never signs the machine out, and the reverse.
 */
export const daemonConfigPath = (): string => join(homeDataDir(), "daemon.json");
/** The sessions the running daemon started: written by it alone, read again when it restarts. */
export const daemonSessionsPath = (): string => join(homeDataDir(), "daemon-sessions.json");

export const StoredProject = z.object({
  path: z.string(),
  name: z.string(),
  is_git: z.boolean(),
  worktree_root: z.string().nullable(),
});
export type StoredProject = z.infer<typeof StoredProject>;

const DaemonConfig = z.object({
  api_key: z.string().min(1).optional(),
  base_url: z.string().optional(),
  email: z.string().nullish(),
  key_name: z.string().nullish(),
  machine_name: z.string().optional(),
  projects: z.array(StoredProject).default([]),
});
export type DaemonConfig = z.infer<typeof DaemonConfig>;

export const StoredSession = z.object({
  agent_instance_id: z.string(),
  pid: z.number().int(),
  cwd: z.string(),
  project_path: z.string(),
  branch: z.string().nullable(),
  worktree_path: z.string().nullable(),
  /** Set while `omnara attach` has the session in a terminal: its end is not the session's end. */
  attached: z.boolean().default(false),
  /** Its process ended; kept until the instance is deleted, to remove its worktree then. */
  ended: z.boolean().default(false),
});
export type StoredSession = z.infer<typeof StoredSession>;
const Sessions = z.array(StoredSession);

function readJson(path: string): unknown {
  try {
    return JSON.parse(readFileSync(path, "utf8"));
  } catch {
    return undefined;
  }
}

/** Owner-only (dir 0700, file 0600), replaced atomically. */
function writeJson(path: string, value: unknown): void {
  const dir = dirname(path);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700);
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(value, null, 2)}\n`, { mode: 0o600 });
  chmodSync(temporary, 0o600);
  renameSync(temporary, path);
}

export function readDaemonConfig(path = daemonConfigPath()): DaemonConfig {
  const parsed = DaemonConfig.safeParse(readJson(path) ?? {});
  return parsed.success ? parsed.data : { projects: [] };
}

export const writeDaemonConfig = (value: DaemonConfig, path = daemonConfigPath()): void => writeJson(path, value);

export function readDaemonSessions(path = daemonSessionsPath()): StoredSession[] {
  const parsed = Sessions.safeParse(readJson(path) ?? []);
  return parsed.success ? parsed.data : [];
}

export const writeDaemonSessions = (sessions: readonly StoredSession[], path = daemonSessionsPath()): void =>
  writeJson(path, sessions);
