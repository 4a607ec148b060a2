import type { Bus, BusEvent, BusTopic } from "@omnara/db";

/**
 * Bus events for one subscriber as an async iterable, buffered from the moment of the call:
 * a stream subscribes first and reads the database second, so nothing falls in between.
 * Iteration ends when `signal` aborts (the client went away).
 */
export function busQueue(
  bus: Bus,
  topic: BusTopic,
  keep: (event: BusEvent) => boolean,
  signal: AbortSignal | undefined,
): AsyncIterable<BusEvent> & { close(): void } {
  const buffer: BusEvent[] = [];
  let wake: (() => void) | undefined;
  let closed = false;
  const unsubscribe = bus.subscribe(topic, (event) => {
    if (!keep(event)) return;
    buffer.push(event);
    wake?.();
  });
  const close = () => {
    closed = true;
    unsubscribe();
    wake?.();
  };
  signal?.addEventListener("abort", close, { once: true });

  async function* iterate(): AsyncGenerator<BusEvent> {
    try {
      while (!closed) {
        const next = buffer.shift();
        if (next) {
          yield next;
          continue;
        }
        await new Promise<void>((resolve) => {
          wake = resolve;
        });
        wake = undefined;
      }
    } finally {
      close();
      signal?.removeEventListener("abort", close);
    }
  }
  return { [Symbol.asyncIterator]: iterate, close };
}
