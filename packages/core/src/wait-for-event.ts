import type { Bus, BusEvent } from "@omnara/db";

export interface WaitForEventOptions<T> {
  bus: Bus;
  /** Which events may have changed the answer of `check`. */
  wakesOn: (event: BusEvent) => boolean;
  /** Reads the current state: a result ends the wait, undefined keeps waiting. */
  check: () => Promise<T | undefined>;
  /** Epoch ms after which the wait gives up. */
  deadline: number;
  signal?: AbortSignal | undefined;
}

/**
 * Waits on the change bus, never by polling. It subscribes before the first `check`, so a change
 * stored between a check and the wait still wakes it; an event during a check re-checks at once.
 * Returns undefined at the deadline or on abort.
 */
export async function waitForEvent<T>(options: WaitForEventOptions<T>): Promise<T | undefined> {
  let wake: () => void = () => {};
  let woken = false;
  const unsubscribe = options.bus.subscribe((event) => {
    if (!options.wakesOn(event)) return;
    woken = true;
    wake();
  });
  try {
    for (;;) {
      woken = false;
      const result = await options.check();
      if (result !== undefined) return result;
      const remaining = options.deadline - Date.now();
      if (remaining <= 0 || options.signal?.aborted) return undefined;
      if (woken) continue;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, remaining);
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
    unsubscribe();
  }
}
