import type { Machine, MachineAgent } from "@omnara/contracts";
import { schema } from "@omnara/db";
import { and, desc, eq, inArray } from "drizzle-orm";
import type { Caller, CoreDeps } from "../deps.ts";
import { iso, isoOrNull } from "../serialize.ts";
import { expireStartRequests } from "./expire-starts.ts";

const { apiKeys, machineCommands, machineProjects, machineSessions, machines, users } = schema;

/** Online until a daemon has not polled for this long (OMNARA_MACHINE_ASLEEP_SECONDS). */
export const DEFAULT_ASLEEP_AFTER_MS = 60_000;
const ENDED_SESSIONS_SHOWN = 10;
const REQUESTS_SHOWN = 20;

const isLive = (state: string): boolean => state === "RUNNING" || state === "STARTING";
const agentOf = (agent: string): MachineAgent => (agent === "claude" ? "claude" : "claude");

export async function listMachines(deps: CoreDeps, caller: Caller): Promise<Machine[]> {
  // Exact on every read, whenever the server's sweep last ran.
  await expireStartRequests(deps, { userId: caller.userId });
  const rows = await deps.db
    .select({ machine: machines, revokedAt: apiKeys.revokedAt, expiresAt: apiKeys.expiresAt })
    .from(machines)
    .innerJoin(apiKeys, eq(apiKeys.id, machines.apiKeyId))
    .where(eq(machines.userId, caller.userId))
    .orderBy(desc(machines.lastSeenAt));
  if (rows.length === 0) return [];
  const ids = rows.map((row) => row.machine.id);
  const [projects, sessions, requests] = await Promise.all([
    deps.db.select().from(machineProjects).where(inArray(machineProjects.machineId, ids)).orderBy(machineProjects.name),
    deps.db
      .select()
      .from(machineSessions)
      .where(inArray(machineSessions.machineId, ids))
      .orderBy(desc(machineSessions.createdAt)),
    deps.db
      .select({ command: machineCommands, email: users.email })
      .from(machineCommands)
      .leftJoin(users, eq(users.id, machineCommands.userId))
      .where(and(inArray(machineCommands.machineId, ids), eq(machineCommands.userId, caller.userId)))
      .orderBy(desc(machineCommands.createdAt))
      .limit(REQUESTS_SHOWN * ids.length),
  ]);
  const now = deps.now().getTime();
  const asleepAfter = deps.machineAsleepAfterMs ?? DEFAULT_ASLEEP_AFTER_MS;
  return rows.map(({ machine, revokedAt, expiresAt }) => {
    const revoked = revokedAt !== null || (expiresAt !== null && expiresAt.getTime() <= now);
    const online = now - machine.lastSeenAt.getTime() < asleepAfter;
    const own = sessions.filter((s) => s.machineId === machine.id);
    const live = own.filter((s) => isLive(s.state));
    const ended = own.filter((s) => !isLive(s.state)).slice(0, ENDED_SESSIONS_SHOWN);
    return {
      id: machine.id,
      name: machine.name,
      os: machine.os,
      version: machine.version,
      status: revoked ? "revoked" : online ? "online" : "asleep",
      last_seen_at: iso(machine.lastSeenAt),
      created_at: iso(machine.createdAt),
      api_key_id: machine.apiKeyId,
      projects: projects
        .filter((p) => p.machineId === machine.id)
        .map((p) => ({ id: p.id, path: p.path, name: p.name, is_git: p.isGit, worktree_root: p.worktreeRoot })),
      sessions: [...live, ...ended].map((s) => ({
        agent_instance_id: s.agentInstanceId,
        project_id: s.projectId,
        agent: agentOf(s.agent),
        branch: s.branch,
        worktree_path: s.worktreePath,
        state: s.state,
        error: s.error,
        created_at: iso(s.createdAt),
        ended_at: isoOrNull(s.endedAt),
      })),
      requests: requests
        .filter((r) => r.command.machineId === machine.id)
        .slice(0, REQUESTS_SHOWN)
        .map(({ command, email }) => ({
          id: command.id,
          kind: command.kind,
          agent_instance_id: command.agentInstanceId,
          requested_by: email,
          user_agent: command.userAgent,
          client_address: command.clientAddress,
          created_at: iso(command.createdAt),
          delivered_at: isoOrNull(command.deliveredAt),
          done_at: isoOrNull(command.doneAt),
          outcome: command.outcome,
        })),
    };
  });
}
