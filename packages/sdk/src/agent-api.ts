import {
  type AgentApi,
  agentApiOf,
  type CallOptions,
  hasInputField,
  limits,
  type Operation,
  type OperationOutput,
  type RetryClass,
  retryClassOf,
  waitSecondsOf,
} from "@omnara/contracts";
import { z } from "zod";
import { toOmnaraError } from "./error-mapping.ts";
import { OmnaraError, TimeoutError, ValidationError } from "./errors.ts";
import { newId } from "./ids.ts";
import { backoffDelay, mayRetry, type RetryPolicy } from "./retry.ts";
import { abortReason, linkSignals, sleep } from "./signals.ts";
import { createTransport, type TransportConfig } from "./transport.ts";

export interface AgentApiConfig extends TransportConfig {
  retry: RetryPolicy;
  /** Per attempt, for every call except waits (which get their own wait time plus a margin). */
  requestTimeoutMs: number;
}

/** A long-poll may answer up to this much after its timeout_seconds (server, proxy and network slack). */
const WAIT_MARGIN_MS = 15_000;

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null;

const flattenIssues = (error: z.ZodError) =>
  error.issues.map((issue) => ({ path: issue.path.map(String).join("."), message: issue.message }));

/**
 * Every agent operation over the wire, typed from the contracts: input is checked before it is
 * sent (a ValidationError with field paths, no round trip), transient failures are retried with
 * backoff, and the answer is parsed with the operation's output schema.
 */
export function createAgentApi(config: AgentApiConfig): AgentApi {
  const transport = createTransport(config);

  async function call<Op extends Operation>(
    op: Op,
    // Checked against op.input before anything is sent.
    input: unknown,
    options: CallOptions | undefined,
    retryClass: RetryClass,
    timeoutMs: number,
  ): Promise<OperationOutput<Op>> {
    const checked = z.safeParse(op.input, input);
    if (!checked.success) {
      const issues = flattenIssues(checked.error);
      throw new ValidationError(
        "BAD_REQUEST",
        `${op.id}: invalid input (${issues.map((i) => `${i.path || "input"}: ${i.message}`).join("; ")}).`,
        {
          operation: op.id,
          issues,
        },
      );
    }
    const raw = await attempt(op, input, options?.signal, retryClass, timeoutMs);
    const output = z.safeParse<Op["output"]>(op.output, raw);
    if (!output.success) {
      throw new OmnaraError(
        "INVALID_RESPONSE",
        `${op.id}: the server's answer does not match this SDK's contract (${flattenIssues(output.error)
          .map((i) => i.path)
          .join(", ")}). Use an @omnara/sdk version that matches the server.`,
        { operation: op.id },
      );
    }
    return output.data;
  }

  async function attempt(
    op: Operation,
    input: unknown,
    callerSignal: AbortSignal | undefined,
    retryClass: RetryClass,
    timeoutMs: number,
  ): Promise<unknown> {
    const { id: operation, kind } = op;
    const policy = config.retry;
    for (let retry = 0; ; retry += 1) {
      if (callerSignal?.aborted) throw abortReason(callerSignal);
      const deadline = new AbortController();
      const timer = setTimeout(() => deadline.abort(), timeoutMs);
      const linked = linkSignals(callerSignal, deadline.signal);
      let error: OmnaraError;
      try {
        return await transport(kind, operation, input, linked.signal);
      } catch (thrown) {
        if (callerSignal?.aborted) throw abortReason(callerSignal);
        error = deadline.signal.aborted
          ? new TimeoutError("TIMEOUT", `${operation}: no answer from ${config.baseUrl} within ${timeoutMs} ms.`, {
              operation,
              cause: thrown,
            })
          : toOmnaraError(thrown, { operation, baseUrl: config.baseUrl });
      } finally {
        clearTimeout(timer);
        linked.dispose();
      }
      if (retry >= policy.maxRetries || !mayRetry(error, retryClass)) {
        if (retry > 0) {
          error.attempts = retry + 1;
          error.message = `${error.message} (gave up after ${retry + 1} attempts)`;
        }
        throw error;
      }
      await sleep(backoffDelay(policy, retry, error), callerSignal);
    }
  }

  const waitTimeout = (seconds: number) => seconds * 1000 + WAIT_MARGIN_MS;

  // Each operation's retry class and wait come from its contract. An operation that takes an
  // idempotency_key gets one chosen here, once per call, so every retry of it stores at most one row.
  return agentApiOf((op, input, options) => {
    const given: unknown = input;
    const keyed = hasInputField(op, "idempotency_key") && isRecord(given) && given["idempotency_key"] === undefined;
    const sent = keyed ? { ...given, idempotency_key: newId() } : input;
    const waitSeconds = waitSecondsOf(op, input, limits.defaultWaitSeconds);
    const timeoutMs = waitSeconds === undefined ? config.requestTimeoutMs : waitTimeout(waitSeconds);
    return call(op, sent, options, retryClassOf(op, input), timeoutMs);
  });
}
