import { useEffect } from "react";
import { useTRPCClient } from "../lib/trpc.ts";

const TTL_SECONDS = 60;
/** Renewed well before it lapses, so a slow request never opens a gap. */
const RENEW_MS = 40_000;

/** One id per tab: a second tab closing must not end this one's presence. */
const tabId = (): string => {
  const existing = sessionStorage.getItem("omnara.tab");
  if (existing) return existing;
  const id = crypto.randomUUID();
  sessionStorage.setItem("omnara.tab", id);
  return id;
};

/**
 * While this chat is on screen and the tab is visible, the server holds back notifications
 * for it: the user is already watching.
 */
export function usePresence(instanceId: string, watching: boolean): void {
  const client = useTRPCClient();
  useEffect(() => {
    if (!watching) return;
    const client_id = tabId();
    const report = (visible: boolean) => {
      // Best effort: a lost report only means a notification the user did not need.
      client.reportPresence
        .mutate({ agent_instance_id: instanceId, visible, client_id, ttl_seconds: TTL_SECONDS })
        .catch(() => {});
    };
    const update = () => report(document.visibilityState === "visible");
    update();
    const timer = setInterval(() => {
      if (document.visibilityState === "visible") report(true);
    }, RENEW_MS);
    document.addEventListener("visibilitychange", update);
    return () => {
      clearInterval(timer);
      document.removeEventListener("visibilitychange", update);
      report(false);
    };
  }, [client, instanceId, watching]);
}
