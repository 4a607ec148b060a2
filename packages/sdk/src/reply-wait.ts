import type { AgentApi, Message } from "@omnara/contracts";
import { OmnaraError } from "./errors.ts";
import { backoffDelay, isTransient, type RetryPolicy } from "./retry.ts";
import { abortReason, linkSignals, sleep } from "./signals.ts";

export interface ReplyWait {
  api: AgentApi;
  instanceId: string;
  afterMessageId: string;
  /** No deadline when undefined: wait until a reply or an abort. */
  timeoutMs: number | undefined;
  signal: AbortSignal | undefined;
  longPollSeconds: number;
  retry: RetryPolicy;
}

/**
 * Long-polls until the user replies after `afterMessageId`; resolves with the replies, with
 * "ended" when the session was ended under the wait, "interrupted" when the user interrupted it, or with undefined at the deadline. The server keeps every reply and returns all of them after the
 * question on each poll, so a poll cut by a dropped connection or a server restart is simply
 * made again, for as long as the deadline allows: no reply is lost.
 */
export async function waitForReplies(wait: ReplyWait): Promise<Message[] | "ended" | "interrupted" | undefined> {
  const deadlineAt = wait.timeoutMs === undefined ? Number.POSITIVE_INFINITY : Date.now() + wait.timeoutMs;
  const deadline = new AbortController();
  // Past 2^31-1 ms timers fire at once; such deadlines are left to the loop's own check.
  const timer =
    wait.timeoutMs !== undefined && wait.timeoutMs <= 2_147_483_647
      ? setTimeout(() => deadline.abort(), wait.timeoutMs)
      : undefined;
  const linked = linkSignals(wait.signal, deadline.signal);
  let failures = 0;
  try {
    for (;;) {
      const remainingMs = deadlineAt - Date.now();
      if (remainingMs <= 0) return undefined;
      try {
        const result = await wait.api.waitForReply(
          {
            agent_instance_id: wait.instanceId,
            after_message_id: wait.afterMessageId,
            timeout_seconds: Math.min(wait.longPollSeconds, Math.ceil(remainingMs / 1000)),
          },
          { signal: linked.signal },
        );
        failures = 0;
        if (result.status === "replied" && result.messages.length > 0) return result.messages;
        if (result.status === "ended" || result.status === "interrupted") return result.status;
      } catch (error) {
        if (wait.signal?.aborted) throw abortReason(wait.signal);
        if (deadline.signal.aborted) return undefined;
        // The API layer already retried with backoff; a longer outage is waited out up to the deadline.
        if (!(error instanceof OmnaraError) || !isTransient(error)) throw error;
        failures += 1;
        try {
          await sleep(backoffDelay(wait.retry, Math.min(failures, 6), error), linked.signal);
        } catch {
          if (wait.signal?.aborted) throw abortReason(wait.signal);
          return undefined;
        }
      }
    }
  } finally {
    if (timer !== undefined) clearTimeout(timer);
    linked.dispose();
  }
}
