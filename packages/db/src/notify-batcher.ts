import type { BusEvent } from "./bus.ts";

// NOTIFY payloads must stay under 8000 bytes; leave room for multi-byte characters.
const MAX_PAYLOAD_CHARS = 7000;

/**
 * Postgres serializes the commits of every transaction that sends NOTIFY (one global queue lock
 * held across the WAL flush), so one NOTIFY per write caps writes at the disk's fsync rate. This
 * coalesces: while one NOTIFY is in flight, later events queue and go out together in the next.
 */
export class NotifyBatcher {
  #queue: { events: readonly BusEvent[]; resolve: () => void; reject: (error: unknown) => void }[] = [];
  #running = false;

  constructor(private readonly send: (payloads: string[]) => Promise<void>) {}

  publish(events: readonly BusEvent[]): Promise<void> {
    if (events.length === 0) return Promise.resolve();
    return new Promise((resolve, reject) => {
      this.#queue.push({ events, resolve, reject });
      if (!this.#running) void this.#drain();
    });
  }

  async #drain(): Promise<void> {
    this.#running = true;
    while (this.#queue.length > 0) {
      const batch = this.#queue.splice(0);
      try {
        await this.send(chunkPayloads(batch.flatMap((entry) => entry.events)));
        for (const entry of batch) entry.resolve();
      } catch (error) {
        for (const entry of batch) entry.reject(error);
      }
    }
    this.#running = false;
  }
}

/** JSON arrays of events, each small enough for one NOTIFY. */
export function chunkPayloads(events: readonly BusEvent[]): string[] {
  const payloads: string[] = [];
  let current: string[] = [];
  let size = 2;
  for (const event of events) {
    const json = JSON.stringify(event);
    if (current.length > 0 && size + json.length + 1 > MAX_PAYLOAD_CHARS) {
      payloads.push(`[${current.join(",")}]`);
      current = [];
      size = 2;
    }
    current.push(json);
    size += json.length + 1;
  }
  if (current.length > 0) payloads.push(`[${current.join(",")}]`);
  return payloads;
}
