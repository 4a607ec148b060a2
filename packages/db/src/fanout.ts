import type { BusEvent, BusHandler, BusTopic } from "./bus.ts";

interface Subscription {
  readonly handler: BusHandler;
}

/**
 * Delivers each event to the subscribers that asked for its user or its instance, and to the few
 * that take everything. Subscribing and unsubscribing are O(1) and an event costs what its own
 * audience costs, not the size of the process: 10 000 waiting agents do not slow one dashboard.
 * (An EventEmitter visits every listener per event and removes one by a linear scan.)
 */
export class Fanout {
  readonly #byUser = new Map<string, Set<Subscription>>();
  readonly #byInstance = new Map<string, Set<Subscription>>();
  readonly #all = new Set<Subscription>();
  readonly #reconnects = new Set<{ readonly handler: () => void }>();

  /**
   * A waiting agent hears first: its wake is the one someone is timing (the reply's sender), and
   * the queries a handler starts go to the pool in the order they are called.
   */
  deliver(event: BusEvent): void {
    visit(this.#byInstance.get(event.agentInstanceId), event);
    if (event.userId) visit(this.#byUser.get(event.userId), event);
    visit(this.#all, event);
  }

  subscribe(topic: BusTopic, handler: BusHandler): () => void {
    const subscription: Subscription = { handler };
    if ("all" in topic) {
      this.#all.add(subscription);
      return () => this.#all.delete(subscription);
    }
    const [index, key] = "userId" in topic ? [this.#byUser, topic.userId] : [this.#byInstance, topic.agentInstanceId];
    let set = index.get(key);
    if (!set) {
      set = new Set();
      index.set(key, set);
    }
    set.add(subscription);
    return () => {
      const current = index.get(key);
      if (!current?.delete(subscription)) return;
      if (current.size === 0) index.delete(key);
    };
  }

  /** The bus listens again after a lost connection: every waiter and stream re-reads. */
  reconnected(): void {
    for (const { handler } of this.#reconnects) handler();
  }

  onReconnect(handler: () => void): () => void {
    const subscription = { handler };
    this.#reconnects.add(subscription);
    return () => this.#reconnects.delete(subscription);
  }

  /** Subscriptions held, for the bench and for tests that check nothing leaks. */
  get size(): number {
    let n = this.#all.size;
    for (const set of this.#byUser.values()) n += set.size;
    for (const set of this.#byInstance.values()) n += set.size;
    return n;
  }
}

function visit(subscriptions: ReadonlySet<Subscription> | undefined, event: BusEvent): void {
  if (!subscriptions) return;
  for (const { handler } of subscriptions) handler(event);
}
