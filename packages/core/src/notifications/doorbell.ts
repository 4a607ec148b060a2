/**
 * Wakes this process's dispatcher for jobs that no bus event announces (test notifications).
 * Jobs caused by messages and status changes are announced by the bus after their commit.
 * One per server (in CoreDeps), so two servers in one process never ring each other.
 */
export interface Doorbell {
  ring(): void;
  /** Returns the function that stops listening. */
  listen(listener: () => void): () => void;
}

export function createDoorbell(): Doorbell {
  const listeners = new Set<() => void>();
  return {
    ring: () => {
      for (const listener of listeners) listener();
    },
    listen: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
