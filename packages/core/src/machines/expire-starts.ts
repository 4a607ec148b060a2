import type { BusEvent } from "@omnara/db";
import { schema } from "@omnara/db";
import { and, eq, isNull, lte, type SQL } from "drizzle-orm";
import type { CoreDeps } from "../deps.ts";
import { applyInstanceEvent, transitions } from "../instances/status-machine.ts";
import { enqueueNotification } from "../notifications/enqueue.ts";

const { agentInstances, machineCommands, machineSessions } = schema;

/** How long a start request waits for its machine by default (OMNARA_MACHINE_START_EXPIRES_SECONDS). */
export const DEFAULT_START_EXPIRES_AFTER_MS = 10 * 60_000;

/** How often the server expires stale start requests (each read of a machine's list does too). */
export const EXPIRE_STARTS_EVERY_MS = 15_000;

/** Every start request older than this instant and not picked up is stale. */
export const startCutoff = (deps: CoreDeps): Date =>
  new Date(deps.now().getTime() - (deps.machineStartExpiresAfterMs ?? DEFAULT_START_EXPIRES_AFTER_MS));

const minutes = (ms: number): string => {
  const m = Math.round(ms / 60_000);
  return m >= 1 ? `${m} minute${m === 1 ? "" : "s"}` : `${Math.round(ms / 1000)} seconds`;
};

/**
 * Expires the start requests no daemon picked up in time (the machine was asleep), of one machine
 * or a user's, or of all: the request is done with outcome "expired", its session EXPIRED and its instance
 * FAILED, in one transaction. The claim in poll-machine.ts takes only requests with no
 * `deliveredAt` and no `doneAt`, as this does, so each request is either picked up or expired,
 * never both (Postgres re-checks both conditions on the locked row; PGlite runs one at a time).
 * A request once picked up never expires here: the daemon may be starting it.
 */
export async function expireStartRequests(
  deps: CoreDeps,
  scope: { machineId?: string; userId?: string } = {},
): Promise<number> {
  const now = deps.now();
  const conditions: (SQL | undefined)[] = [
    eq(machineCommands.kind, "start"),
    isNull(machineCommands.deliveredAt),
    isNull(machineCommands.doneAt),
    lte(machineCommands.createdAt, startCutoff(deps)),
    scope.machineId ? eq(machineCommands.machineId, scope.machineId) : undefined,
    scope.userId ? eq(machineCommands.userId, scope.userId) : undefined,
  ];
  const error = `The machine did not pick this start up within ${minutes(deps.machineStartExpiresAfterMs ?? DEFAULT_START_EXPIRES_AFTER_MS)} (it was asleep or offline), so it will not start. Start it again.`;
  const events = await deps.db.transaction(async (tx) => {
    const expired = await tx
      .update(machineCommands)
      .set({ doneAt: now, outcome: "expired" })
      .where(and(...conditions))
      .returning({
        userId: machineCommands.userId,
        machineId: machineCommands.machineId,
        agentInstanceId: machineCommands.agentInstanceId,
      });
    const published: BusEvent[] = [];
    for (const request of expired) {
      await tx
        .update(machineSessions)
        .set({ state: "EXPIRED", endedAt: now, error })
        .where(
          and(eq(machineSessions.agentInstanceId, request.agentInstanceId), eq(machineSessions.state, "STARTING")),
        );
      const [instance] = await tx
        .select()
        .from(agentInstances)
        .where(eq(agentInstances.id, request.agentInstanceId))
        .for("update");
      published.push({ type: "machine", userId: request.userId, agentInstanceId: request.machineId });
      // Deleted (or ended) meanwhile: nothing is waiting on it any more.
      if (!instance || typeof transitions[instance.status].endFailed !== "string") continue;
      const applied = await applyInstanceEvent(tx, { userId: instance.userId, instanceId: instance.id }, "endFailed", {
        locked: instance,
        patch: (before, to) => (to === before.status ? {} : { endedAt: now }),
      });
      if (applied.after.status !== applied.before.status) {
        await enqueueNotification(
          tx,
          { kind: "session_end", userId: instance.userId, agentInstanceId: instance.id, status: applied.after.status },
          now,
        );
      }
      published.push(...applied.events);
    }
    return published;
  });
  if (events.length > 0) await deps.bus.publish(events);
  return events.filter((event) => event.type === "machine").length;
}
