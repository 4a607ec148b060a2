import { EventEmitter } from "node:events";

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
    }
  | { type: "instance"; userId: string; agentInstanceId: string; status: string }
  | { type: "heartbeat"; userId: string; agentInstanceId: string }
  /**
   * A CLI sign-in (`omnara login`) was confirmed or denied. It names no user's instance: userId is
   * empty so no dashboard stream takes it, and agentInstanceId carries the sign-in's id.
   */
  | { type: "cliLogin"; userId: ""; agentInstanceId: string };

export type BusHandler = (event: BusEvent) => void;

/** Fan-out of changes to every server process sharing the database. */
export interface Bus {
  /** Publishes events together (one NOTIFY on Postgres). */
  publish(events: readonly BusEvent[]): Promise<void>;
  /** Returns the function that unsubscribes. */
  subscribe(handler: BusHandler): () => void;
  /**
   * Calls `handler` each time the bus listens again after losing its connection: events published
   * in between may never arrive, so every waiter re-checks and every stream backfills. Returns the
   * function that unsubscribes.
   */
  onReconnect(handler: () => void): () => void;
  close(): Promise<void>;
}

export const BUS_CHANNEL = "omnara_events";

/** Delivers to local subscribers; the in-process bus and the Postgres bus share it. */
export class LocalFanout {
  readonly #emitter = new EventEmitter();

  constructor() {
    // Every waiting agent and open dashboard stream is a listener.
    this.#emitter.setMaxListeners(0);
  }

  deliver(event: BusEvent): void {
    this.#emitter.emit("event", event);
  }

  subscribe(handler: BusHandler): () => void {
    this.#emitter.on("event", handler);
    return () => this.#emitter.off("event", handler);
  }

  reconnected(): void {
    this.#emitter.emit("reconnect");
  }

  onReconnect(handler: () => void): () => void {
    this.#emitter.on("reconnect", handler);
    return () => this.#emitter.off("reconnect", handler);
  }
}

/** For the embedded database: one process, so events never leave it. */
export function createMemoryBus(): Bus {
  const fanout = new LocalFanout();
  return {
    publish: async (events) => {
      for (const event of events) fanout.deliver(event);
    },
    subscribe: (handler) => fanout.subscribe(handler),
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
