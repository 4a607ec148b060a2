import type { AgentApi } from "@omnara/contracts";
import { OmnaraError } from "./errors.ts";
import { backoffDelay, isTransient, type RetryPolicy } from "./retry.ts";
import { sleep } from "./signals.ts";

export interface ControlWatch {
  api: AgentApi;
  instanceId: string;
  longPollSeconds: number;
  retry: RetryPolicy;
  /** Aborted when the session closes: the watch ends quietly. */
  signal: AbortSignal;
  onInterrupt: () => void;
  onStop: () => void;
  onError: (error: OmnaraError) => void;
}

/**
 * Long-polls the user's controls while the session is open, so an interrupt reaches an agent
 * that is busy and calls nothing (the server pushes it; one held request per session). A stop
 * ends the watch; so does an error that a retry cannot fix (reported, never thrown).
 */
export async function watchControl(watch: ControlWatch): Promise<void> {
  let failures = 0;
  while (!watch.signal.aborted) {
    try {
      const { control } = await watch.api.waitForControl(
        { agent_instance_id: watch.instanceId, timeout_seconds: watch.longPollSeconds },
        { signal: watch.signal },
      );
      failures = 0;
      if (control === "interrupt") watch.onInterrupt();
      if (control === "stop") {
        watch.onStop();
        return;
      }
    } catch (error) {
      if (watch.signal.aborted) return;
      if (!(error instanceof OmnaraError) || !isTransient(error)) {
        if (error instanceof OmnaraError) watch.onError(error);
        return;
      }
      failures += 1;
      try {
        await sleep(backoffDelay(watch.retry, Math.min(failures, 6), error), watch.signal);
      } catch {
        return;
      }
    }
  }
}
