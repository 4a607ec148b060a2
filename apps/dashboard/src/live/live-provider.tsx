import { useQueryClient } from "@tanstack/react-query";
import { createContext, type ReactNode, useContext, useEffect, useState } from "react";
import { session } from "../lib/session.ts";
import { errorCode, useTRPC, useTRPCClient } from "../lib/trpc.ts";
import { createEventApplier } from "./apply-event.ts";

/** "connecting" before the first event; "reconnecting" after a live stream dropped. */
export type LiveState = "connecting" | "live" | "reconnecting";

const LiveContext = createContext<LiveState>("connecting");
export const useLiveState = (): LiveState => useContext(LiveContext);

/**
 * One SSE stream per tab for all of the user's changes. tRPC's link reconnects by itself and
 * resumes from the last event id; when the browser says it is back online the stream is
 * reopened at once (from the same id) rather than after the EventSource's backoff.
 */
export function LiveProvider({ children }: { children: ReactNode }) {
  const client = useTRPCClient();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [state, setState] = useState<LiveState>("connecting");

  useEffect(() => {
    const apply = createEventApplier(queryClient, trpc);
    let lastEventId: string | undefined;
    let everLive = false;
    let subscription: { unsubscribe: () => void } | undefined;
    let retry: ReturnType<typeof setTimeout> | undefined;

    const connect = () => {
      clearTimeout(retry);
      subscription?.unsubscribe();
      subscription = client.events.subscribe(lastEventId ? { lastEventId } : {}, {
        onData: ({ id, data }) => {
          lastEventId = id;
          everLive = true;
          setState("live");
          apply(data);
        },
        onConnectionStateChange: (change) => {
          if (change.state === "connecting" && everLive) setState("reconnecting");
        },
        onError: (error) => {
          if (errorCode(error) === "UNAUTHORIZED") return session.clear("expired");
          // A position the server does not accept (a server from before the feed): start afresh.
          if (errorCode(error) === "BAD_REQUEST") lastEventId = undefined;
          // An error the link does not retry by itself (it ended the stream): try again soon.
          setState("reconnecting");
          retry = setTimeout(connect, 5_000);
        },
      });
    };
    const offline = () => setState("reconnecting");
    const online = () => connect();
    connect();
    window.addEventListener("offline", offline);
    window.addEventListener("online", online);
    return () => {
      window.removeEventListener("offline", offline);
      window.removeEventListener("online", online);
      clearTimeout(retry);
      subscription?.unsubscribe();
    };
  }, [client, trpc, queryClient]);

  return <LiveContext value={state}>{children}</LiveContext>;
}
