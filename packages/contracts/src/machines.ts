import { z } from "zod";
import { IsoDateTime, MessageText, Name, Uuid } from "./schemas.ts";

/**
 * The agents a daemon can start. Claude Code now; each new kind (Codex, a command registered on
 * the machine) is one more value here and one more argument builder in the daemon.
 */
export const MachineAgent = z.enum(["claude"]);
export type MachineAgent = z.infer<typeof MachineAgent>;

/** An absolute directory on the user's machine. */
export const ProjectPath = z.string().min(1).max(4096).startsWith("/", "must be an absolute path");

/**
 * A branch name as `git check-ref-format --branch` accepts it, narrowed further (letters, digits,
 * `._/-`, no leading dash, no `..`, `//`, `@{`, trailing `/`, `.` or `.lock`): it becomes a
 * directory name and an argument, never a shell word. The daemon checks it with git again.
 */
export const BranchName = z
  .string()
  .trim()
  .min(1)
  .max(200)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._/-]*$/, "letters, digits and . _ / - only, starting with a letter or digit")
  .refine((b) => !b.includes("..") && !b.includes("//") && !b.endsWith("/") && !b.endsWith("."), "not a branch name")
  .refine((b) => !b.endsWith(".lock") && !b.split("/").some((part) => part.startsWith(".")), "not a branch name");

export const MachineProjectSpec = z.object({
  path: ProjectPath,
  name: Name,
  is_git: z.boolean(),
  /** Where new worktrees are created; null when the project is not a git repository. */
  worktree_root: ProjectPath.nullable(),
});

export const MachineProject = MachineProjectSpec.extend({ id: Uuid });
export type MachineProject = z.infer<typeof MachineProject>;

/** EXPIRED: the machine did not pick the start up in time (OMNARA_MACHINE_START_EXPIRES_SECONDS); it never runs. */
export const MachineSessionState = z.enum(["STARTING", "RUNNING", "ENDED", "FAILED", "EXPIRED"]);

export const MachineSession = z.object({
  agent_instance_id: Uuid,
  project_id: Uuid.nullable(),
  agent: MachineAgent,
  branch: z.string().nullable(),
  worktree_path: z.string().nullable(),
  state: MachineSessionState,
  error: z.string().nullable(),
  created_at: IsoDateTime,
  ended_at: IsoDateTime.nullable(),
});

/** One start or stop a user asked for: the record of who asked, from which device, when. */
export const MachineRequest = z.object({
  id: Uuid,
  kind: z.enum(["start", "stop"]),
  agent_instance_id: Uuid,
  requested_by: z.string().nullable(),
  user_agent: z.string().nullable(),
  client_address: z.string().nullable(),
  created_at: IsoDateTime,
  delivered_at: IsoDateTime.nullable(),
  done_at: IsoDateTime.nullable(),
  /** "ok", "expired" (a start no daemon picked up in time), or why the daemon refused or failed it. */
  outcome: z.string().nullable(),
});

/** Online: polled within the asleep threshold. Asleep: not since. Revoked: its key was revoked. */
export const MachineStatus = z.enum(["online", "asleep", "revoked"]);

export const Machine = z.object({
  id: Uuid,
  name: z.string(),
  os: z.string(),
  version: z.string(),
  status: MachineStatus,
  last_seen_at: IsoDateTime,
  created_at: IsoDateTime,
  /** The machine's key: revoking it (here or under API keys) revokes the machine. */
  api_key_id: Uuid,
  projects: z.array(MachineProject),
  /** Running sessions first, then the most recent ended ones. */
  sessions: z.array(MachineSession),
  /** The latest start and stop requests. */
  requests: z.array(MachineRequest),
});
export type Machine = z.infer<typeof Machine>;

/** What a daemon is asked to do. It builds every argument itself from these fields. */
export const MachineCommand = z.discriminatedUnion("kind", [
  z.object({
    id: Uuid,
    kind: z.literal("start"),
    agent_instance_id: Uuid,
    project_id: Uuid,
    agent: MachineAgent,
    prompt: MessageText,
    worktree: z.object({ branch: BranchName }).nullable(),
  }),
  z.object({ id: Uuid, kind: z.literal("stop"), agent_instance_id: Uuid }),
]);
export type MachineCommand = z.infer<typeof MachineCommand>;
