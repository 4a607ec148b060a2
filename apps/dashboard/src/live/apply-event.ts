import type { UserEvent } from "@omnara/contracts";
import type { QueryClient } from "@tanstack/react-query";
import type { useTRPC } from "../lib/trpc.ts";

type Trpc = ReturnType<typeof useTRPC>;

/** At most one call per `ms`, at its end: a chatty agent does not refetch lists per message. */
function throttle(ms: number, run: () => void): () => void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  return () => {
    if (timer !== undefined) return;
    timer = setTimeout(() => {
      timer = undefined;
      run();
    }, ms);
  };
}

/**
 * Applies live events to the query cache. The open chat gets each message at once from the
 * event itself; lists and counts, whose order and totals depend on many rows, are refetched
 * (only those on screen, at most a few times a second).
 */
export function createEventApplier(queryClient: QueryClient, trpc: Trpc): (event: UserEvent) => void {
  const refreshLists = throttle(300, () => {
    for (const filter of [
      trpc.getSummary.pathFilter(),
      trpc.listAgentTypes.pathFilter(),
      trpc.listInstances.pathFilter(),
    ]) {
      void queryClient.invalidateQueries(filter);
    }
  });
  // The git diff travels with agent messages but not in events (it can be a megabyte).
  const diffRefreshers = new Map<string, () => void>();
  const refreshDetail = (id: string) => {
    let refresh = diffRefreshers.get(id);
    if (!refresh) {
      refresh = throttle(
        1500,
        () => void queryClient.invalidateQueries(trpc.getInstance.queryFilter({ agent_instance_id: id })),
      );
      diffRefreshers.set(id, refresh);
    }
    refresh();
  };

  return (event) => {
    if (event.type === "connected") {
      // Whatever changed while no stream was open is fetched again; chats merge, never drop.
      void queryClient.invalidateQueries(trpc.pathFilter());
      return;
    }
    const { instance } = event;
    const key = trpc.getInstance.queryKey({ agent_instance_id: instance.id });
    queryClient.setQueryData(key, (old) => {
      if (!old) return old;
      if (event.type !== "message" || old.messages.some((m) => m.id === event.message.id))
        return { ...old, ...instance };
      return { ...old, ...instance, messages: [...old.messages, event.message] };
    });
    if (event.type === "message" && event.message.sender_type === "AGENT") refreshDetail(instance.id);
    refreshLists();
  };
}
