import { randomUUID } from "node:crypto";
import {
  type agentOperations,
  OmnaraError,
  type OperationArgs,
  type OperationOutput,
  type userOperations,
} from "@omnara/contracts";
import { type BusEvent, schema } from "@omnara/db";
import { and, eq, isNull } from "drizzle-orm";
import { recordAudit } from "../audit/audit.ts";
import type { AgentCaller, Caller, CoreDeps } from "../deps.ts";
import { recordFeed } from "../events/feed.ts";
import { createInstance } from "../instances/create-instance.ts";
import { endSession } from "../instances/lifecycle.ts";
import { notFound } from "../not-found.ts";
import { machineOfKey } from "./machine-key.ts";

const { apiKeys, machineCommands, machineProjects, machineSessions, machines } = schema;

/** The agent type each machine agent reports as (the one `omnara claude` uses). */
const agentTypeOf = { claude: "Claude Code" } as const;

async function ownedLiveMachine(deps: CoreDeps, caller: Caller, machineId: string) {
  const [row] = await deps.db
    .select({ machine: machines, revokedAt: apiKeys.revokedAt, expiresAt: apiKeys.expiresAt })
    .from(machines)
    .innerJoin(apiKeys, eq(apiKeys.id, machines.apiKeyId))
    .where(and(eq(machines.id, machineId), eq(machines.userId, caller.userId)));
  if (!row) throw notFound("Machine");
  if (row.revokedAt || (row.expiresAt && row.expiresAt <= deps.now())) {
    throw new OmnaraError("CONFLICT", "This machine's key was revoked: sign its daemon in again to use it.");
  }
  return row.machine;
}

/**
 * Creates the instance at once (the dashboard shows it while the machine starts the agent) and
 * the start command the daemon's poll receives, in one transaction; the command is the record
 * of who asked, from which device.
 */
export async function startMachineSession(
  deps: CoreDeps,
  caller: Caller,
  input: OperationArgs<typeof userOperations.startMachineSession>,
): Promise<OperationOutput<typeof userOperations.startMachineSession>> {
  const machine = await ownedLiveMachine(deps, caller, input.machine_id);
  const [project] = await deps.db
    .select()
    .from(machineProjects)
    .where(and(eq(machineProjects.id, input.project_id), eq(machineProjects.machineId, machine.id)));
  if (!project) throw notFound("Project");
  if (input.worktree && !project.isGit) {
    throw new OmnaraError("BAD_REQUEST", `${project.path} is not a git repository: start it without a worktree.`);
  }
  const id = randomUUID();
  const branch = input.worktree?.branch ?? null;
  const started = await deps.db.transaction(async (tx) => {
    const created = await createInstance(
      tx,
      deps,
      { userId: caller.userId, apiKeyId: machine.apiKeyId },
      {
        id,
        agentType: agentTypeOf[input.agent],
        name: branch ? `${project.name} (${branch})` : project.name,
        metadata: { cwd: project.path, machine: machine.name, claude_session_id: id, ...(branch ? { branch } : {}) },
        lastHeartbeatAt: deps.now(),
      },
    );
    if (!created) throw new OmnaraError("CONFLICT", "The session could not be created; try again.");
    await recordFeed(tx, [
      { type: "instance", userId: caller.userId, agentInstanceId: id, status: created.row.status },
    ]);
    await tx
      .insert(machineSessions)
      .values({ agentInstanceId: id, machineId: machine.id, projectId: project.id, agent: input.agent, branch });
    const [command] = await tx
      .insert(machineCommands)
      .values({
        machineId: machine.id,
        userId: caller.userId,
        kind: "start",
        agentInstanceId: id,
        payload: { project_id: project.id, agent: input.agent, prompt: input.prompt, worktree: input.worktree ?? null },
        userAgent: caller.device?.userAgent?.slice(0, 500) ?? null,
        clientAddress: caller.device?.clientAddress ?? null,
      })
      .returning({ id: machineCommands.id });
    if (!command) throw new OmnaraError("INTERNAL_SERVER_ERROR", "The start request could not be stored.");
    await recordAudit(tx, {
      actor: caller,
      ownerId: caller.userId,
      action: "instance.launch",
      target: { type: "instance", id },
      detail: { machine: machine.name, project: project.path, agent: input.agent, branch },
      at: deps.now(),
    });
    return { id: command.id, announced: created.events };
  });
  const events: BusEvent[] = [
    { type: "instance", userId: caller.userId, agentInstanceId: id, status: "ACTIVE" },
    { type: "machine", userId: caller.userId, agentInstanceId: machine.id },
    ...started.announced,
  ];
  await deps.bus.publish(events);
  return { agent_instance_id: id, command_id: started.id };
}

/** Asks the machine running the session to end its process (the caller owns the instance). */
export async function stopMachineSession(
  deps: CoreDeps,
  caller: Caller,
  input: OperationArgs<typeof userOperations.stopMachineSession>,
): Promise<OperationOutput<typeof userOperations.stopMachineSession>> {
  const [session] = await deps.db
    .select()
    .from(machineSessions)
    .where(eq(machineSessions.agentInstanceId, input.agent_instance_id));
  if (!session) throw new OmnaraError("NOT_FOUND", "This instance was not started on a machine.");
  if (session.state === "ENDED" || session.state === "FAILED" || session.state === "EXPIRED") {
    throw new OmnaraError("CONFLICT", "This session has ended already.");
  }
  const command = await deps.db.transaction(async (tx) => {
    const [inserted] = await tx
      .insert(machineCommands)
      .values({
        machineId: session.machineId,
        userId: caller.userId,
        kind: "stop",
        agentInstanceId: session.agentInstanceId,
        payload: {},
        userAgent: caller.device?.userAgent?.slice(0, 500) ?? null,
        clientAddress: caller.device?.clientAddress ?? null,
      })
      .returning({ id: machineCommands.id });
    if (!inserted) throw new OmnaraError("INTERNAL_SERVER_ERROR", "The stop request could not be stored.");
    await recordAudit(tx, {
      actor: caller,
      ownerId: caller.userId,
      action: "instance.stop",
      target: { type: "instance", id: session.agentInstanceId },
      detail: { machine_session: true },
      at: deps.now(),
    });
    return inserted;
  });
  await deps.bus.publish([{ type: "machine", userId: caller.userId, agentInstanceId: session.machineId }]);
  return { command_id: command.id };
}

type Report = OperationArgs<typeof agentOperations.reportMachineSession>;

/** The daemon says what became of a session; a named command is done with it. */
export async function reportMachineSession(
  deps: CoreDeps,
  caller: AgentCaller,
  input: Report,
): Promise<{ success: true }> {
  const machine = await machineOfKey(deps, caller);
  const now = deps.now();
  const where = and(
    eq(machineSessions.agentInstanceId, input.agent_instance_id),
    eq(machineSessions.machineId, machine.id),
  );
  const [session] = await deps.db.select().from(machineSessions).where(where);
  if (!session) throw notFound("Machine session");
  const ended = session.state === "ENDED" || session.state === "FAILED" || session.state === "EXPIRED";
  if (session.state === "EXPIRED" && input.state === "RUNNING") {
    throw new OmnaraError("CONFLICT", "This start expired before the machine picked it up: it must not run.");
  }
  const patch =
    input.state === "RUNNING"
      ? { state: "RUNNING" as const, ...(input.worktree_path ? { worktreePath: input.worktree_path } : {}) }
      : input.state === "REMOVED"
        ? { removedAt: now, ...(ended ? {} : { state: "ENDED" as const, endedAt: now }) }
        : { state: input.state, endedAt: now, error: input.error ?? null };
  await deps.db.update(machineSessions).set(patch).where(where);
  if (input.command_id) {
    await deps.db
      .update(machineCommands)
      .set({ doneAt: now, outcome: input.error ?? "ok" })
      .where(
        and(
          eq(machineCommands.id, input.command_id),
          eq(machineCommands.machineId, machine.id),
          isNull(machineCommands.doneAt),
        ),
      );
  }
  // A start that never ran leaves no instance waiting for an agent that will not come.
  if (input.state === "FAILED" && !ended) {
    await endSession(deps, caller, { agent_instance_id: input.agent_instance_id, status: "FAILED" }).catch(
      (error: unknown) => {
        if (!(error instanceof OmnaraError)) throw error;
      },
    );
  }
  return { success: true };
}
