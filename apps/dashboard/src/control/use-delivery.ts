import type { Message } from "@omnara/contracts";
import { useQuery } from "@tanstack/react-query";
import { useMemo } from "react";
import { useTRPC } from "../lib/trpc.ts";

export type Delivery = NonNullable<Message["delivery"]>;

const PAGE = 30;

/** The newest page of an instance's messages, where the delivery state of the user's recent ones is read. */
export const deliveryPage = (instanceId: string) => ({ agent_instance_id: instanceId, limit: PAGE });

/**
 * The delivery state of the user's recent messages (queued → delivered, or cancelled), read from
 * the newest page. The live stream reads it again when the instance changes: a new message, or an
 * agent's read handing queued messages over (an instance event; see live/apply-event.ts).
 */
export function useDelivery(instanceId: string) {
  const trpc = useTRPC();
  const page = useQuery(trpc.listMessages.queryOptions(deliveryPage(instanceId)));
  const { refetch } = page;
  const messages = page.data?.messages;
  const queued = useMemo(() => (messages ?? []).filter((m) => m.delivery === "queued"), [messages]);
  return { queued, refetch };
}

/** The freshest delivery state of one message: the page `useDelivery` keeps, shared through the cache. */
export function useDeliveryOf(message: Message): Delivery | undefined {
  const trpc = useTRPC();
  const fresh = useQuery(
    trpc.listMessages.queryOptions(deliveryPage(message.agent_instance_id), {
      enabled: message.sender_type === "USER",
      select: (page) => page.messages.find((m) => m.id === message.id)?.delivery,
    }),
  );
  return fresh.data ?? message.delivery;
}
