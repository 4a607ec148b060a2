import { LIVE_WITHIN_MS } from "@omnara/testing";

/** What a fake gateway received, with a way to wait for the next arrivals (no sleeps). */
export class Inbox<T> {
  readonly items: T[] = [];
  #waiters: (() => void)[] = [];

  push(item: T): void {
    this.items.push(item);
    for (const wake of this.#waiters.splice(0)) wake();
  }

  /** Resolves once `count` items (matching `filter`, if given) have arrived; fails after `timeoutMs`. */
  async waitFor(
    count: number,
    timeoutMs = 2 * LIVE_WITHIN_MS,
    filter: (item: T) => boolean = () => true,
  ): Promise<T[]> {
    const deadline = Date.now() + timeoutMs;
    while (this.items.filter(filter).length < count) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`expected ${count} deliveries, got ${this.items.filter(filter).length}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.#waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    return this.items.filter(filter).slice(0, count);
  }
}
