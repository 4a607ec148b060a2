import { onProcessExit } from "./runtime-env.ts";
import { unrefTimer } from "./signals.ts";

const running = new Set<Heartbeat>();
let exitHookInstalled = false;

// One exit hook for all sessions (not one listener each, which would trip Node's leak warning).
const stopAllOnExit = () => {
  if (exitHookInstalled) return;
  exitHookInstalled = onProcessExit(() => {
    for (const heartbeat of running) heartbeat.stop();
  });
};

/**
 * Calls `beat` every `intervalMs` until stopped. Each beat is scheduled after the previous one
 * settles, so a slow server never sees overlapping beats; the timer never keeps a process alive.
 */
export class Heartbeat {
  #timer: ReturnType<typeof setTimeout> | undefined;
  #stopped = false;

  constructor(
    private readonly beat: () => Promise<unknown>,
    private readonly intervalMs: number,
    private readonly onError: (error: unknown) => void,
  ) {}

  start(): void {
    if (this.intervalMs <= 0 || this.#stopped) return;
    running.add(this);
    stopAllOnExit();
    this.#schedule();
  }

  stop(): void {
    this.#stopped = true;
    running.delete(this);
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  get active(): boolean {
    return running.has(this);
  }

  #schedule(): void {
    this.#timer = setTimeout(async () => {
      try {
        await this.beat();
      } catch (error) {
        if (!this.#stopped) this.onError(error);
      }
      if (!this.#stopped) this.#schedule();
    }, this.intervalMs);
    unrefTimer(this.#timer);
  }
}
