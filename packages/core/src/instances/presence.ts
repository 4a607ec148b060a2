import { instanceStatuses, OFFLINE_AFTER_MS } from "@omnara/contracts";
import { type BusEvent, type Db, schema } from "@omnara/db";
import { and, inArray } from "drizzle-orm";
import type { AgentCaller, CoreDeps } from "../deps.ts";
import { heartbeat } from "./lifecycle.ts";
import { transitions } from "./status-machine.ts";

/** Well inside the offline window, so a waiting agent never looks gone between two beats. */
const BEAT_MS = Math.floor(OFFLINE_AFTER_MS / 3);
/** Beats due within this window are written together. */
const FLUSH_MS = 200;
/** Instances per UPDATE (each id is one bind parameter). */
const CHUNK = 1_000;

/** The statuses a heartbeat leaves as they are (the status machine's table says which). */
const KEPT_BY_HEARTBEAT = instanceStatuses.filter((status) => transitions[status].heartbeat === status);

/**
 * The beats of every agent waiting in this process, written together. One transaction per beat
 * was 500 commits a second at 10 000 waiting agents, more than the database could flush: beats
 * and with them every other write queued behind the pool (measured by the capacity bench). A
 * flush is one conditional UPDATE per 1 000 instances whose status a heartbeat keeps (the same
 * rule as the status machine's, applied atomically by the WHERE clause) and one publish; the few
 * a heartbeat would move (DISCONNECTED → ACTIVE) or refuse take the one-by-one path.
 */
class PresenceBeats {
  readonly #due = new Map<string, AgentCaller>();
  #timer: NodeJS.Timeout | undefined;

  constructor(private readonly deps: CoreDeps) {}

  add(caller: AgentCaller, instanceId: string): void {
    this.#due.set(instanceId, caller);
    if (this.#timer) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      void this.#flush();
    }, FLUSH_MS);
    this.#timer.unref();
  }

  async #flush(): Promise<void> {
    const due = [...this.#due];
    this.#due.clear();
    for (let start = 0; start < due.length; start += CHUNK) {
      const chunk = new Map(due.slice(start, start + CHUNK));
      // Presence is best effort: a failed flush (the database away) waits for the next beats.
      const beaten = await this.#write(chunk).catch(() => undefined);
      if (!beaten) continue;
      for (const [instanceId, caller] of chunk) {
        if (beaten.has(instanceId)) continue;
        heartbeat(this.deps, caller, { agent_instance_id: instanceId }).catch(() => {});
      }
    }
  }

  async #write(chunk: Map<string, AgentCaller>): Promise<Set<string>> {
    const { agentInstances } = schema;
    const now = this.deps.now();
    const rows = await this.deps.db
      .update(agentInstances)
      .set({ lastHeartbeatAt: now })
      .where(and(inArray(agentInstances.id, [...chunk.keys()]), inArray(agentInstances.status, KEPT_BY_HEARTBEAT)))
      .returning({ id: agentInstances.id, userId: agentInstances.userId });
    const at = now.toISOString();
    // Waits beat only instances they loaded as their caller's; the user id comes from the row.
    const events: BusEvent[] = rows.map((row) => ({
      type: "heartbeat",
      userId: row.userId,
      agentInstanceId: row.id,
      at,
    }));
    await this.deps.bus.publish(events);
    return new Set(rows.map((row) => row.id));
  }
}

const beatsByDb = new WeakMap<Db, PresenceBeats>();

/**
 * An agent blocked in a wait (a long-poll, an MCP ask_question round) is alive: it beats now and
 * every BEAT_MS until the wait ends, like the heartbeat call it cannot make while blocked. Only
 * "offline" means nothing was heard and nothing is waiting.
 */
export function beatWhileWaiting(deps: CoreDeps, caller: AgentCaller, instanceId: string): () => void {
  let beats = beatsByDb.get(deps.db);
  if (!beats) {
    beats = new PresenceBeats(deps);
    beatsByDb.set(deps.db, beats);
  }
  const batch = beats;
  const beat = () => batch.add(caller, instanceId);
  beat();
  const timer = setInterval(beat, BEAT_MS);
  timer.unref();
  return () => clearInterval(timer);
}
