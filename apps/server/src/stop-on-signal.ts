import type { RunningServer } from "./create-server.ts";

/**
 * Resolves once SIGINT or SIGTERM has drained and closed the server (open waits are cut after
 * 2 s; their clients retry against the next process). `announce` is told when draining starts.
 */
export function stopOnSignal(server: RunningServer, announce: (signal: NodeJS.Signals) => void): Promise<void> {
  return new Promise((resolve) => {
    let stopping = false;
    const stop = (signal: NodeJS.Signals) => {
      if (stopping) return;
      stopping = true;
      announce(signal);
      void server.close().then(resolve);
    };
    process.on("SIGINT", stop);
    process.on("SIGTERM", stop);
  });
}
