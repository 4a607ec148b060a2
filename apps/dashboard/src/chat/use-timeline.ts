import type { Message } from "@omnara/contracts";
import { useCallback, useEffect, useState } from "react";
import { errorMessage, useTRPCClient } from "../lib/trpc.ts";

const byTime = (a: Message, b: Message) => Date.parse(a.created_at) - Date.parse(b.created_at);

/** Adds messages by id; a message seen again replaces its earlier copy, nothing is dropped. */
function merge(current: readonly Message[], incoming: readonly Message[]): Message[] {
  if (incoming.every((m) => current.some((c) => c.id === m.id))) return current as Message[];
  const all = new Map(current.map((m) => [m.id, m]));
  for (const message of incoming) all.set(message.id, message);
  // Array.prototype.sort is stable: equal timestamps keep the order they arrived in.
  return [...all.values()].sort(byTime);
}

/**
 * One chat's messages: the newest page from getInstance (kept current by the live stream),
 * plus older pages fetched on scroll. Every source is merged by id, so a refetch that returns
 * only the newest page never hides history already on screen. Mount one per instance (keyed by id).
 */
export function useTimeline(
  instanceId: string,
  latest: readonly Message[] | undefined,
  latestHasMore: boolean | undefined,
) {
  const client = useTRPCClient();
  const [messages, setMessages] = useState<Message[]>([]);
  const [hasOlder, setHasOlder] = useState<boolean | undefined>(undefined);
  const [loadingOlder, setLoadingOlder] = useState(false);
  const [olderError, setOlderError] = useState<string>();

  useEffect(() => {
    if (latest) setMessages((current) => merge(current, latest));
  }, [latest]);

  useEffect(() => {
    // Only the first page says whether history goes further back; later refetches do not.
    if (latestHasMore !== undefined) setHasOlder((known) => known ?? latestHasMore);
  }, [latestHasMore]);

  const oldest = messages[0]?.id;
  const loadOlder = useCallback(async () => {
    if (!oldest || loadingOlder) return;
    setLoadingOlder(true);
    setOlderError(undefined);
    try {
      const page = await client.listMessages.query({
        agent_instance_id: instanceId,
        before_message_id: oldest,
        limit: 50,
      });
      setMessages((current) => merge(current, page.messages));
      setHasOlder(page.has_more);
    } catch (error) {
      setOlderError(errorMessage(error));
    } finally {
      setLoadingOlder(false);
    }
  }, [client, instanceId, oldest, loadingOlder]);

  const add = useCallback((message: Message) => setMessages((current) => merge(current, [message])), []);

  return { messages, hasOlder: hasOlder ?? false, loadingOlder, olderError, loadOlder, add };
}
