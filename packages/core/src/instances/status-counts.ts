import { nextTick } from "node:process";
import { OFFLINE_AFTER_MS } from "@omnara/contracts";
import type { Db } from "@omnara/db";
import { schema } from "@omnara/db";
import { and, eq, lt, sql } from "drizzle-orm";
import { unionAll } from "drizzle-orm/pg-core";
import type { CoreDeps } from "../deps.ts";

const { agentInstances, instanceCounts } = schema;

export type LiveState = "working" | "waiting" | "offline" | "completed" | "failed";

const stateOf: Record<string, LiveState> = {
  ACTIVE: "working",
  AWAITING_INPUT: "waiting",
  DISCONNECTED: "offline",
  COMPLETED: "completed",
  FAILED: "failed",
};

/** A waiting instance whose agent has gone quiet: counted offline, not waiting for the user. */
const QUIET = "quiet";

/**
 * Past this many rows a user's counts are folded into one row per count: a read of them stays a
 * few hundred index entries, and a fold is one statement every ~128 status changes of the user.
 */
const FOLD_AFTER_ROWS = 256;

export interface StatusCount {
  agentTypeId: string;
  state: LiveState;
  n: number;
}

/**
 * Instance counts by type and state; each instance is in exactly one state, so the counters
 * never overlap. The counts by status are the user's rows of instance_counts (kept by triggers,
 * migration 0019: a sum over a few hundred rows, not a count over the user's instances). A
 * waiting instance whose agent has gone quiet (no heartbeat for OFFLINE_AFTER_MS, the dashboard
 * pill's rule; an open wait or MCP ask keeps beating) counts as offline: those are read from the
 * instances of one status, beside the counts in the same statement. Putting the heartbeat in an
 * index would end HOT updates for every beat.
 */
export function statusCounts(deps: CoreDeps, userId: string): Promise<StatusCount[]> {
  let asked = askedByDeps.get(deps);
  if (!asked) {
    asked = new Map();
    askedByDeps.set(deps, asked);
  }
  const joined = asked.get(userId);
  if (joined) return joined;
  const pending = asked;
  const read = new Promise<void>((resolve) => nextTick(resolve)).then(() => {
    pending.delete(userId);
    return readStatusCounts(deps, userId);
  });
  pending.set(userId, read);
  return read;
}

/**
 * The counts asked for while the current turn's promise jobs run, by deps and user: one
 * statement answers them all (a batched overview's listAgentTypes and getSummary, a user's open
 * streams after one status change). It is sent once the turn's jobs are done, after every call it
 * answers was made, so each sees every write committed before it asked, as its own would have.
 */
const askedByDeps = new WeakMap<CoreDeps, Map<string, Promise<StatusCount[]>>>();

async function readStatusCounts(deps: CoreDeps, userId: string): Promise<StatusCount[]> {
  const cutoff = new Date(deps.now().getTime() - OFFLINE_AFTER_MS);
  const rows = await unionAll(
    deps.db
      .select({
        agentTypeId: instanceCounts.agentTypeId,
        status: sql<string>`${instanceCounts.status}::text`.as("status"),
        n: sql<number>`sum(${instanceCounts.n})::int`.as("n"),
        rows: sql<number>`count(*)::int`.as("rows"),
      })
      .from(instanceCounts)
      .where(eq(instanceCounts.userId, userId))
      .groupBy(instanceCounts.agentTypeId, instanceCounts.status),
    deps.db
      .select({
        agentTypeId: agentInstances.agentTypeId,
        status: sql<string>`${QUIET}::text`.as("status"),
        n: sql<number>`count(*)::int`.as("n"),
        rows: sql<number>`0`.as("rows"),
      })
      .from(agentInstances)
      .where(
        and(
          eq(agentInstances.userId, userId),
          eq(agentInstances.status, "AWAITING_INPUT"),
          lt(agentInstances.lastHeartbeatAt, cutoff),
        ),
      )
      .groupBy(agentInstances.agentTypeId),
  );
  if (rows.reduce((total, row) => total + row.rows, 0) > FOLD_AFTER_ROWS) await foldCounts(deps.db, userId);
  return rows.flatMap((row): StatusCount[] => {
    if (row.status === QUIET) {
      // Moved from waiting to offline.
      return [
        { agentTypeId: row.agentTypeId, state: "waiting", n: -row.n },
        { agentTypeId: row.agentTypeId, state: "offline", n: row.n },
      ];
    }
    const state = stateOf[row.status];
    return state && row.n !== 0 ? [{ agentTypeId: row.agentTypeId, state, n: row.n }] : [];
  });
}

/**
 * Replaces the user's count rows by one per count (none for a count of 0), in one statement.
 * Rows appended meanwhile are not in its snapshot and stay; a fold racing another skips the
 * rows the other deleted (read committed), so it re-adds only what it took: sums never change.
 */
export async function foldCounts(db: Db, userId: string): Promise<void> {
  await db.execute(sql`
    with gone as (
      delete from instance_counts where user_id = ${userId}::uuid returning agent_type_id, status, n
    )
    insert into instance_counts (user_id, agent_type_id, status, n)
    select ${userId}::uuid, agent_type_id, status, sum(n) from gone group by agent_type_id, status having sum(n) <> 0`);
}
