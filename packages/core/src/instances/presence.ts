import { OFFLINE_AFTER_MS } from "@omnara/contracts";
import type { AgentCaller, CoreDeps } from "../deps.ts";
import { heartbeat } from "./lifecycle.ts";

/** Well inside the offline window, so a waiting agent never looks gone between two beats. */
const BEAT_MS = Math.floor(OFFLINE_AFTER_MS / 3);

/**
 * An agent blocked in a wait (a long-poll, an MCP ask_question round) is alive: it beats now and
 * every BEAT_MS until the wait ends, like the heartbeat call it cannot make while blocked. Only
 * "offline" means nothing was heard and nothing is waiting.
 */
export function beatWhileWaiting(deps: CoreDeps, caller: AgentCaller, instanceId: string): () => void {
  const beat = () => {
    heartbeat(deps, caller, { agent_instance_id: instanceId }).catch(() => {
      // Presence is best effort: a failed beat must not fail the wait it accompanies.
    });
  };
  beat();
  const timer = setInterval(beat, BEAT_MS);
  timer.unref();
  return () => clearInterval(timer);
}
