import type { Bus, BusEvent, BusTopic } from "@omnara/db";

/** More distinct instances than this beating between two flushes is a stream that fell behind. */
const MAX_PENDING_HEARTBEATS = 5_000;

/**
 * What a live stream holds between reads, bounded by construction: a "the feed moved" flag (the
 * rows themselves stay in the database until the stream reads them) and the newest heartbeat per
 * instance. A slow client therefore costs no memory here; it only falls behind in the feed, and
 * past the replay bound it is told to resync.
 */
export class StreamSignals {
  #dirty = true;
  #overflowed = false;
  #beats = new Map<string, string>();
  #accessChanged = false;
  #teamsChanged = false;
  #wake: (() => void) | undefined;
  /**
   * The consumer went away. Kept as a flag: an abort that lands while the stream is between
   * waits (reading the feed, or held at a yield) finds no wake to call, and the wait after it
   * would otherwise sleep to the next safety re-read, holding its subscriptions for 30 s.
   */
  #aborted = false;
  readonly #stops: (() => void)[];
  readonly #bus: Bus;
  #followed: (() => void)[] = [];

  constructor(bus: Bus, topic: BusTopic, userId: string, signal: AbortSignal | undefined) {
    this.#bus = bus;
    const poke = () => this.#poke();
    this.#stops = [
      bus.subscribe(topic, (event) => {
        // Any share of an instance's stream changing makes that stream check its own access.
        if (event.type === "access") {
          this.#accessChanged = true;
          this.#poke();
          return;
        }
        if (event.userId !== userId) return;
        this.#hear(event);
      }),
      // Events published while the bus was reconnecting may never arrive: re-read the feed.
      bus.onReconnect(poke),
    ];
    if (signal) {
      const abort = () => {
        this.#aborted = true;
        this.#wake?.();
      };
      signal.addEventListener("abort", abort, { once: true });
      this.#stops.push(() => signal.removeEventListener("abort", abort));
    }
  }

  #poke(): void {
    this.#dirty = true;
    this.#wake?.();
  }

  #hear(event: BusEvent): void {
    // A revoked credential is the procedure's business (it ends the call), not the feed's.
    // Nor is a machine's command: that wakes its daemon's poll, not the screens.
    if (event.type === "credentialRevoked" || event.type === "machine") return;
    if (event.type === "teams") {
      this.#teamsChanged = true;
      this.#wake?.();
      return;
    }
    if (event.type !== "heartbeat") {
      this.#poke();
      return;
    }
    this.#beats.delete(event.agentInstanceId);
    this.#beats.set(event.agentInstanceId, event.at);
    if (this.#beats.size > MAX_PENDING_HEARTBEATS) {
      this.#beats.clear();
      this.#overflowed = true;
      this.#poke();
    }
    this.#wake?.();
  }

  /**
   * Also hears these instances (shared with the user: their events name their owner), instead of
   * those followed before. Call it before reading the feed, so nothing falls in between.
   */
  follow(instanceIds: readonly string[]): void {
    for (const stop of this.#followed) stop();
    this.#followed = instanceIds.map((agentInstanceId) =>
      this.#bus.subscribe({ agentInstanceId }, (event) => {
        if (event.type !== "access") this.#hear(event);
      }),
    );
  }

  /** Whether the user gained or lost a shared instance since the last call (follow again). */
  takeAccessChanged(): boolean {
    const changed = this.#accessChanged;
    this.#accessChanged = false;
    return changed;
  }

  /** Whether the user's teams changed since the last call (a live-only event, not in the feed). */
  takeTeamsChanged(): boolean {
    const changed = this.#teamsChanged;
    this.#teamsChanged = false;
    return changed;
  }

  /** Whether the feed may have moved since the last call. */
  takeDirty(): boolean {
    const dirty = this.#dirty;
    this.#dirty = false;
    return dirty;
  }

  /** Heartbeats were dropped for want of room: the client must resync. */
  takeOverflow(): boolean {
    const overflowed = this.#overflowed;
    this.#overflowed = false;
    return overflowed;
  }

  get hasBeats(): boolean {
    return this.#beats.size > 0;
  }

  takeBeats(): { agent_instance_id: string; last_heartbeat_at: string }[] {
    const beats = [...this.#beats].map(([agent_instance_id, last_heartbeat_at]) => ({
      agent_instance_id,
      last_heartbeat_at,
    }));
    this.#beats.clear();
    return beats;
  }

  /** Resolves on the next signal, or after `ms` with nothing new; at once when aborted. */
  next(ms: number): Promise<void> {
    if (this.#dirty || this.#teamsChanged || this.#aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      const self = this;
      function done() {
        clearTimeout(timer);
        self.#wake = undefined;
        resolve();
      }
      this.#wake = done;
    });
  }

  close(): void {
    for (const stop of [...this.#stops, ...this.#followed]) stop();
    this.#wake?.();
  }
}
