import type { Message } from "@omnara/contracts";
import { useQuery } from "@tanstack/react-query";
import { useEffect, useMemo } from "react";
import { useTRPC } from "../lib/trpc.ts";

export type Delivery = NonNullable<Message["delivery"]>;

/** How often the newest page is read again while a message of the user's is still queued. */
const QUEUED_REFRESH_MS = 1_500;
const PAGE = 30;

/**
 * The delivery state of the user's recent messages (queued → delivered, or cancelled), read from
 * the newest page: no event says when an agent's read hands a message over, so the page is read
 * again while one is queued, and whenever the instance changes (`changedAt`).
 */
export function useDelivery(instanceId: string, changedAt: number) {
  const trpc = useTRPC();
  const page = useQuery(
    trpc.listMessages.queryOptions(
      { agent_instance_id: instanceId, limit: PAGE },
      {
        refetchInterval: (query) =>
          query.state.data?.messages.some((m) => m.delivery === "queued") ? QUEUED_REFRESH_MS : false,
      },
    ),
  );
  const { refetch } = page;
  useEffect(() => {
    if (changedAt > 0) void refetch();
  }, [changedAt, refetch]);
  const messages = page.data?.messages;
  const queued = useMemo(() => (messages ?? []).filter((m) => m.delivery === "queued"), [messages]);
  return { queued, refetch };
}

/** The freshest delivery state of one message: the page `useDelivery` keeps, shared through the cache. */
export function useDeliveryOf(message: Message): Delivery | undefined {
  const trpc = useTRPC();
  const fresh = useQuery(
    trpc.listMessages.queryOptions(
      { agent_instance_id: message.agent_instance_id, limit: PAGE },
      {
        enabled: message.sender_type === "USER",
        select: (page) => page.messages.find((m) => m.id === message.id)?.delivery,
      },
    ),
  );
  return fresh.data ?? message.delivery;
}
