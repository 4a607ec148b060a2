import type { UserEvent } from "@omnara/contracts";
import type { QueryClient } from "@tanstack/react-query";
import { deliveryPage } from "../control/use-delivery.ts";
import type { useTRPC } from "../lib/trpc.ts";
import { applyCounts, patchHeartbeats, patchInstanceLists } from "./cache-patches.ts";

type Trpc = ReturnType<typeof useTRPC>;

/** At most one call per `ms`, at its end. */
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
 * Applies live events to the query cache. Events carry whole rows and the stream sends the counts
 * after status changes, so lists, cards and counts are patched in place: nothing is refetched per
 * event. Queries are fetched again only when the stream says so (a fresh connection, a resync)
 * or when a patch cannot know the answer (a new agent type, a card that lost a row).
 */
export function createEventApplier(queryClient: QueryClient, trpc: Trpc): (event: UserEvent) => void {
  const refetchAll = () => void queryClient.invalidateQueries(trpc.pathFilter());
  const refetchTeams = () => {
    void queryClient.invalidateQueries(trpc.listTeams.pathFilter());
    void queryClient.invalidateQueries(trpc.getTeam.pathFilter());
  };
  const refetchCards = throttle(300, () => void queryClient.invalidateQueries(trpc.listAgentTypes.pathFilter()));
  // A whole agent type shared with a team arrives as one access event per instance, and a loaded
  // server's stream can hand a burst over in pieces: the lists are asked for once per burst.
  const refetchShared = throttle(300, () => {
    void queryClient.invalidateQueries(trpc.listInstances.pathFilter());
    void queryClient.invalidateQueries(trpc.getTeam.pathFilter());
  });
  // The git diff travels with agent messages but not in events (it can be a megabyte).
  const diffRefreshers = new Map<string, () => void>();
  const refreshDiff = (id: string) => {
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
    switch (event.type) {
      case "connected":
        // A resumed stream replays what was missed; a fresh one starts now, so fetch what is older.
        // Team changes are live only (not replayed): the team queries answer anew on every connection.
        if (!event.resumed) refetchAll();
        else refetchTeams();
        return;
      case "teams":
        refetchTeams();
        return;
      case "resync":
        refetchAll();
        return;
      case "access":
        // An instance shared with the user arrived or left: the lists, its page and the team pages
        // (what is shared with a team, or the team itself when the user left it) answer anew.
        refetchShared();
        void queryClient.invalidateQueries(
          trpc.getInstance.queryFilter({ agent_instance_id: event.agent_instance_id }),
        );
        return;
      case "summary":
        if (!applyCounts(queryClient, trpc, event.summary, event.awaiting_by_agent_type)) refetchCards();
        return;
      case "heartbeats":
        patchHeartbeats(
          queryClient,
          trpc,
          new Map(event.heartbeats.map((beat) => [beat.agent_instance_id, beat.last_heartbeat_at])),
        );
        return;
      case "message":
      case "instance": {
        const { instance } = event;
        queryClient.setQueryData(trpc.getInstance.queryKey({ agent_instance_id: instance.id }), (old) => {
          if (!old) return old;
          if (event.type !== "message") return { ...old, ...instance };
          const { message } = event;
          // A message seen again was changed (a step turned into a question): replace it.
          const messages = old.messages.some((m) => m.id === message.id)
            ? old.messages.map((m) => (m.id === message.id ? message : m))
            : [...old.messages, message];
          return { ...old, ...instance, messages };
        });
        if (event.type === "message" && event.message.sender_type === "AGENT") refreshDiff(instance.id);
        // Where the user's messages stand (queued → delivered, cancelled) moves with the instance's
        // messages and with an agent's read handing them over, which is an instance event: the
        // page that shows it (if open) reads it again, once per event, never on a timer.
        void queryClient.invalidateQueries(trpc.listMessages.queryFilter(deliveryPage(instance.id)));
        if (!patchInstanceLists(queryClient, trpc, instance)) refetchCards();
        return;
      }
    }
  };
}
