import { Fanout } from "./fanout.ts";

/**
 * What changed, as small as NOTIFY's 8 KB payload allows: ids only, readers re-query.
 * Each event names the owning user so subscribers can filter without a lookup.
 */
export type BusEvent =
  | {
      type: "message";
      userId: string;
      agentInstanceId: string;
      messageId: string;
      senderType: "AGENT" | "USER";
      requiresUserInput: boolean;
      /**
       * False when the writer queued no notification job and no webhook delivery with it: the
       * notification dispatchers need not wake (most agent steps). Absent means it may have.
       */
      queuedJobs?: boolean;
    }
  | { type: "instance"; userId: string; agentInstanceId: string; status: string }
  /** `at` is the new last_heartbeat_at (ISO), so screens update without a query. */
  | { type: "heartbeat"; userId: string; agentInstanceId: string; at: string }
  /**
   * A CLI sign-in (`omnara login`) was confirmed or denied. It names no user's instance: userId is
   * empty so no dashboard stream takes it, and agentInstanceId carries the sign-in's id.
   */
  | { type: "cliLogin"; userId: ""; agentInstanceId: string }
  /**
   * One of the user's credentials (a session or an API key) was revoked: every open stream and
   * wait of that user, on every process, checks that its own credential still holds.
   */
  | { type: "credentialRevoked"; userId: string; agentInstanceId: "" }
  /**
   * A machine has something new to do (a start or stop was asked): its daemon's poll wakes.
   * agentInstanceId carries the machine's id; userId is the machine's owner.
   */
  | { type: "machine"; userId: string; agentInstanceId: string }
  /** An instance was shared with the user (userId is the recipient), or no longer is. */
  | { type: "access"; userId: string; agentInstanceId: string }
  /**
   * The user's teams changed: an invite to them or to a team of theirs, a membership, a role, a
   * team's end. Live only (no feed row): a stream that reconnects reads the teams again anyway.
   */
  | { type: "teams"; userId: string; agentInstanceId: "" };

export type BusHandler = (event: BusEvent) => void;

/**
 * Whose events a subscriber hears: one user's (a dashboard stream), one instance's (a waiting
 * agent; a CLI sign-in's id for cliLogin events), or all of them (the notification dispatcher).
 */
export type BusTopic = { userId: string } | { agentInstanceId: string } | { all: true };

/** Fan-out of changes to every server process sharing the database. */
export interface Bus {
  /** Publishes events together (one NOTIFY on Postgres). */
  publish(events: readonly BusEvent[]): Promise<void>;
  /** Returns the function that unsubscribes. Handlers must not throw. */
  subscribe(topic: BusTopic, handler: BusHandler): () => void;
  /**
   * Calls `handler` each time the bus listens again after losing its connection: events published
   * in between may never arrive, so every waiter re-checks and every stream backfills. Returns the
   * function that unsubscribes.
   */
  onReconnect(handler: () => void): () => void;
  /**
   * Postgres only: the channel a writer's own statement may NOTIFY on with `pg_notify(channel,
   * payload)`, a JSON array of events as publish sends. They reach every process (this one too,
   * through its LISTEN) at the write's commit, with no round trip or commit flush of their own.
   * Undefined where events must go through publish (the embedded database).
   */
  readonly notifyChannel?: string | undefined;
  close(): Promise<void>;
}

export const BUS_CHANNEL = "omnara_events";

/** For the embedded database: one process, so events never leave it. */
export function createMemoryBus(): Bus {
  const fanout = new Fanout();
  return {
    publish: async (events) => {
      for (const event of events) fanout.deliver(event);
    },
    subscribe: (topic, handler) => fanout.subscribe(topic, handler),
    // Nothing can be missed in one process.
    onReconnect: (handler) => fanout.onReconnect(handler),
    close: async () => {},
  };
}

const isBusEvent = (value: unknown): value is BusEvent =>
  typeof value === "object" && value !== null && "type" in value && "userId" in value && "agentInstanceId" in value;

/** A NOTIFY payload is a JSON array of events; anything else on the channel is ignored. */
export function parseBusEvents(payload: string): BusEvent[] {
  try {
    const value: unknown = JSON.parse(payload);
    return Array.isArray(value) ? value.filter(isBusEvent) : [];
  } catch {
    return [];
  }
}
