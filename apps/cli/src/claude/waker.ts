import type { HookAnswer } from "./hook-input.ts";

/**
 * The background hook that can wake Claude: at most one per session is held, the newest (a new
 * turn's replaces the last turn's, which exits quietly). Delivering a reply ends it with exit
 * code 2 and the reply on stderr, which Claude Code queues as Claude's next input.
 */
export class WakerSlot {
  #current: { resolve: (answer: HookAnswer) => void } | undefined;
  readonly #onAttach: () => void;

  /** `onAttach` runs when a waker arrives, so a reply that waited for one is handed over. */
  constructor(onAttach: () => void) {
    this.#onAttach = onAttach;
  }

  get ready(): boolean {
    return this.#current !== undefined;
  }

  /** Holds the hook until a reply is delivered, a newer waker arrives, or Claude Code drops it. */
  attach(aborted: AbortSignal): Promise<HookAnswer> {
    this.#current?.resolve({ exitCode: 0 });
    return new Promise<HookAnswer>((resolve) => {
      const slot = { resolve };
      this.#current = slot;
      const release = () => {
        if (this.#current === slot) this.#current = undefined;
        resolve({ exitCode: 0 });
      };
      aborted.addEventListener("abort", release, { once: true });
      slot.resolve = (answer) => {
        aborted.removeEventListener("abort", release);
        if (this.#current === slot) this.#current = undefined;
        resolve(answer);
      };
      queueMicrotask(this.#onAttach);
    });
  }

  /** Wakes Claude with the reply; false when no waker is running (the caller keeps the reply). */
  deliver(reply: string): boolean {
    const current = this.#current;
    if (!current) return false;
    current.resolve({ exitCode: 2, stderr: reply });
    return true;
  }

  /** The session ended: the waker exits without waking anyone. */
  close(): void {
    this.#current?.resolve({ exitCode: 0 });
  }
}
