import { type agentOperations, MachineCommand, type OperationArgs, type OperationOutput } from "@omnara/contracts";
import { schema } from "@omnara/db";
import { and, asc, eq, gt, inArray, isNull, ne, notInArray, or } from "drizzle-orm";
import type { AgentCaller, CoreDeps } from "../deps.ts";
import { waitForEvent } from "../wait-for-event.ts";
import { expireStartRequests, startCutoff } from "./expire-starts.ts";
import { type MachineRow, machineOfKey } from "./machine-key.ts";

const { agentInstances, machineCommands, machineSessions, machines } = schema;
type Op = typeof agentOperations.pollMachine;
type Output = OperationOutput<Op>;
type CommandRow = typeof machineCommands.$inferSelect;

/** A stored command as the daemon receives it; a row whose payload no longer parses is skipped. */
function toCommand(row: CommandRow): MachineCommand | undefined {
  const parsed = MachineCommand.safeParse({
    ...row.payload,
    id: row.id,
    kind: row.kind,
    agent_instance_id: row.agentInstanceId,
  });
  return parsed.success ? parsed.data : undefined;
}

/** Sessions the server thought running that the daemon no longer runs have ended. */
async function reconcile(deps: CoreDeps, machine: MachineRow, running: readonly string[]): Promise<void> {
  await deps.db
    .update(machineSessions)
    .set({ state: "ENDED", endedAt: deps.now() })
    .where(
      and(
        eq(machineSessions.machineId, machine.id),
        eq(machineSessions.state, "RUNNING"),
        ...(running.length > 0 ? [notInArray(machineSessions.agentInstanceId, [...running])] : []),
      ),
    );
}

/**
 * What the machine's daemon is to do now. Stale starts are expired first; a command not yet
 * picked up is claimed (`deliveredAt`) only while it is neither picked up nor done, the same
 * conditions expire-starts.ts requires, so a claim and an expiry racing on one request leave it
 * either delivered or expired. A command already picked up comes back until it is reported done.
 */
export async function claimMachineCommands(deps: CoreDeps, machine: MachineRow): Promise<Output | undefined> {
  await expireStartRequests(deps, { machineId: machine.id });
  const rows = await deps.db
    .select()
    .from(machineCommands)
    .where(and(eq(machineCommands.machineId, machine.id), isNull(machineCommands.doneAt)))
    .orderBy(asc(machineCommands.createdAt), asc(machineCommands.id));
  const deleted = await deps.db
    .select({ id: machineSessions.agentInstanceId })
    .from(machineSessions)
    .innerJoin(agentInstances, eq(agentInstances.id, machineSessions.agentInstanceId))
    .where(
      and(
        eq(machineSessions.machineId, machine.id),
        isNull(machineSessions.removedAt),
        eq(agentInstances.status, "DELETED"),
      ),
    );
  const fresh = rows.filter((row) => row.deliveredAt === null).map((row) => row.id);
  const claimed =
    fresh.length === 0
      ? []
      : await deps.db
          .update(machineCommands)
          .set({ deliveredAt: deps.now() })
          .where(
            and(
              inArray(machineCommands.id, fresh),
              isNull(machineCommands.deliveredAt),
              isNull(machineCommands.doneAt),
              // A start past its lifetime is never claimed, whoever expires it.
              or(ne(machineCommands.kind, "start"), gt(machineCommands.createdAt, startCutoff(deps))),
            ),
          )
          .returning({ id: machineCommands.id });
  const mine = new Set(claimed.map((row) => row.id));
  const commands = rows
    .filter((row) => row.deliveredAt !== null || mine.has(row.id))
    .flatMap((row) => toCommand(row) ?? []);
  if (commands.length === 0 && deleted.length === 0) return undefined;
  return { commands, deleted: deleted.map((row) => row.id) };
}

/**
 * The daemon's long-poll: it marks the machine seen and its sessions reconciled, then waits on
 * the bus for a command or a deletion (subscribe first, then read). Commands come back until
 * they are reported done, so a daemon that died holding one gets it again when it returns.
 */
export async function pollMachine(
  deps: CoreDeps,
  caller: AgentCaller,
  input: OperationArgs<Op>,
  signal?: AbortSignal,
): Promise<Output> {
  const machine = await machineOfKey(deps, caller);
  await deps.db.update(machines).set({ lastSeenAt: deps.now() }).where(eq(machines.id, machine.id));
  await reconcile(deps, machine, input.running);
  const outcome = await waitForEvent({
    bus: deps.bus,
    topic: { userId: machine.userId },
    wakesOn: (event) =>
      (event.type === "machine" && event.agentInstanceId === machine.id) ||
      (event.type === "instance" && event.status === "DELETED"),
    check: () => claimMachineCommands(deps, machine),
    deadline: Date.now() + input.timeout_seconds * 1000,
    signal,
  });
  return outcome ?? { commands: [], deleted: [] };
}
