import type { Message } from "@omnara/contracts";
import { useCallback, useEffect, useRef, useState } from "react";
import { errorCode, useTRPCClient } from "../lib/trpc.ts";

export interface QueuedReply {
  content: string;
  /** Sent with every try: the server stores one message however many tries reach it. */
  key: string;
  questionId: string | undefined;
}

/** How often a queued reply is tried again while the browser says it is online. */
const RETRY_EVERY_MS = 5_000;

/** The reply may not have been stored (the network, a restart, a rate limit): try again later. */
function retryable(error: unknown): boolean {
  const code = errorCode(error);
  return (
    code === undefined ||
    code === "TOO_MANY_REQUESTS" ||
    code === "INTERNAL_SERVER_ERROR" ||
    code === "SERVICE_UNAVAILABLE" ||
    code === "BAD_GATEWAY" ||
    code === "GATEWAY_TIMEOUT"
  );
}

const newKey = (): string =>
  typeof crypto.randomUUID === "function"
    ? `dashboard-${crypto.randomUUID()}`
    : `dashboard-${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;

/**
 * Replies with an idempotency key each. One that failed for want of a connection is kept, in
 * order, and sent again when the browser is back online (and every few seconds meanwhile) with
 * the same key, so a try whose answer was lost on the way back is not stored twice. A refusal
 * (too long, already answered, no access) is not retried: it is the caller's error to show.
 */
export function useReply(instanceId: string, onSent: (message: Message) => void) {
  const client = useTRPCClient();
  const queue = useRef<QueuedReply[]>([]);
  const [queued, setQueued] = useState<readonly QueuedReply[]>([]);
  const [error, setError] = useState<unknown>();
  const [sending, setSending] = useState(false);
  const busy = useRef(false);
  const sent = useRef(onSent);
  sent.current = onSent;

  const post = useCallback(
    (reply: QueuedReply) =>
      client.reply.mutate({
        agent_instance_id: instanceId,
        content: reply.content,
        idempotency_key: reply.key,
        ...(reply.questionId ? { question_id: reply.questionId } : {}),
      }),
    [client, instanceId],
  );

  /** Sends what is queued, oldest first; stops at the first that still cannot get through. */
  const flush = useCallback(async () => {
    if (busy.current) return;
    busy.current = true;
    setSending(true);
    try {
      while (queue.current.length > 0) {
        const [next] = queue.current;
        if (!next) break;
        try {
          sent.current(await post(next));
          setError(undefined);
        } catch (failure) {
          setError(failure);
          if (retryable(failure)) break;
        }
        queue.current = queue.current.slice(1);
        setQueued(queue.current);
      }
    } finally {
      busy.current = false;
      setSending(false);
    }
  }, [post]);

  /**
   * Resolves once the reply is stored or queued for a retry (the composer may clear); rejects
   * when the server refused it, so the text stays to be fixed.
   */
  const send = useCallback(
    async (content: string, questionId?: string): Promise<void> => {
      const reply: QueuedReply = { content, key: newKey(), questionId };
      if (busy.current || queue.current.length > 0) {
        queue.current = [...queue.current, reply];
        setQueued(queue.current);
        void flush();
        return;
      }
      busy.current = true;
      setSending(true);
      let cutOff = false;
      try {
        const message = await post(reply);
        setError(undefined);
        sent.current(message);
      } catch (failure) {
        setError(failure);
        if (!retryable(failure)) throw failure;
        cutOff = true;
        queue.current = [reply, ...queue.current];
        setQueued(queue.current);
      } finally {
        busy.current = false;
        setSending(false);
        // What was typed while this one was on its way follows it now, unless the connection is
        // gone: then the retry timer takes the whole queue, this one first.
        if (!cutOff && queue.current.length > 0) void flush();
      }
    },
    [post, flush],
  );

  const waiting = queued.length > 0;
  useEffect(() => {
    if (!waiting) return;
    const retry = () => {
      if (navigator.onLine) void flush();
    };
    window.addEventListener("online", retry);
    const timer = setInterval(retry, RETRY_EVERY_MS);
    return () => {
      window.removeEventListener("online", retry);
      clearInterval(timer);
    };
  }, [waiting, flush]);

  const discard = useCallback(() => {
    queue.current = [];
    setQueued([]);
    setError(undefined);
  }, []);

  return { send, sending, queued, error, retryNow: flush, discard };
}
