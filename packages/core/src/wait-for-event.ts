import { type Bus, type BusEvent, type BusTopic, isConnectionError } from "@omnara/db";

/**
 * The slow re-check of every wait. Events are the fast path; this bounds what an event lost in a
 * way nobody foresaw can cost (seconds, not the rest of a long wait).
 */
export const SAFETY_RECHECK_MS = 30_000;

/** After a check failed for want of the database, the next one is tried this soon (doubling to 2 s). */
const RETRY_CHECK_MS = 100;

export interface WaitForEventOptions<T> {
  bus: Bus;
  /** Whose events to hear: the bus delivers only these, so a wait costs nothing to others. */
  topic: BusTopic;
  /** Which of the topic's events may have changed the answer of `check`. */
  wakesOn: (event: BusEvent) => boolean;
  /** Reads the current state: a result ends the wait, undefined keeps waiting. */
  check: () => Promise<T | undefined>;
  /** Epoch ms after which the wait gives up. */
  deadline: number;
  signal?: AbortSignal | undefined;
  /** Overrides SAFETY_RECHECK_MS (tests). */
  recheckMs?: number;
}

/**
 * Waits on the change bus. It subscribes before the first `check`, so a change stored between a
 * check and the wait still wakes it; an event during a check re-checks at once. When the bus
 * listens again after a lost connection (events may have been missed) it re-checks too, and
 * every SAFETY_RECHECK_MS regardless. A check that fails because the database cannot be reached
 * (an outage, a restart) is tried again until the deadline: a wait outlives the fault.
 * Returns undefined at the deadline or on abort.
 */
export async function waitForEvent<T>(options: WaitForEventOptions<T>): Promise<T | undefined> {
  let wake: () => void = () => {};
  let woken = false;
  const poke = () => {
    woken = true;
    wake();
  };
  const unsubscribe = options.bus.subscribe(options.topic, (event) => {
    if (options.wakesOn(event)) poke();
  });
  const stopReconnect = options.bus.onReconnect(poke);
  const recheckMs = options.recheckMs ?? SAFETY_RECHECK_MS;
  try {
    let failures = 0;
    for (;;) {
      // An abandoned wait (the client went away) reads nothing more: at 10 000 waits, a last check
      // each was 27 s of queries when they all ended at once (the capacity bench).
      if (options.signal?.aborted) return undefined;
      woken = false;
      let result: T | undefined;
      try {
        result = await options.check();
        failures = 0;
      } catch (error) {
        if (!isConnectionError(error) || Date.now() >= options.deadline) throw error;
        failures += 1;
      }
      if (result !== undefined) return result;
      const remaining = options.deadline - Date.now();
      if (remaining <= 0 || options.signal?.aborted) return undefined;
      if (woken && failures === 0) continue;
      const pause = failures > 0 ? Math.min(RETRY_CHECK_MS * 2 ** (failures - 1), 2000) : recheckMs;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, Math.min(remaining, pause));
        function done() {
          clearTimeout(timer);
          options.signal?.removeEventListener("abort", done);
          resolve();
        }
        wake = done;
        options.signal?.addEventListener("abort", done, { once: true });
      });
      wake = () => {};
    }
  } finally {
    stopReconnect();
    unsubscribe();
  }
}
