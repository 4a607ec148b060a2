import { type AgentApi, type CallOptions, limits, type Operation, agentOperations as ops } from "@omnara/contracts";
import type { z } from "zod";
import { toOmnaraError } from "./error-mapping.ts";
import { OmnaraError, TimeoutError, ValidationError } from "./errors.ts";
import { newId } from "./ids.ts";
import { backoffDelay, mayRetry, type Repeatability, type RetryPolicy } from "./retry.ts";
import { abortReason, linkSignals, sleep } from "./signals.ts";
import { createTransport, type TransportConfig } from "./transport.ts";

export interface AgentApiConfig extends TransportConfig {
  retry: RetryPolicy;
  /** Per attempt, for every call except waits (which get their own wait time plus a margin). */
  requestTimeoutMs: number;
}

/** A long-poll may answer up to this much after its timeout_seconds (server, proxy and network slack). */
const WAIT_MARGIN_MS = 15_000;

const flattenIssues = (error: z.ZodError) =>
  error.issues.map((issue) => ({ path: issue.path.map(String).join("."), message: issue.message }));

/**
 * Every agent operation over the wire, typed from the contracts: input is checked before it is
 * sent (a ValidationError with field paths, no round trip), transient failures are retried with
 * backoff, and the answer is parsed with the operation's output schema.
 */
export function createAgentApi(config: AgentApiConfig): AgentApi {
  const transport = createTransport(config);

  // Generic over the schemas (not the operation) so the parsed output keeps its exact type.
  async function call<I extends z.ZodType, O extends z.ZodType>(
    op: Operation<string, "agent", I, O>,
    input: z.input<I>,
    options: CallOptions | undefined,
    repeatability: Repeatability,
    timeoutMs: number,
  ): Promise<z.output<O>> {
    const checked = op.input.safeParse(input);
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
    const raw = await attempt(op.id, input, options?.signal, repeatability, timeoutMs, op.kind);
    const output = op.output.safeParse(raw);
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
    operation: string,
    input: unknown,
    callerSignal: AbortSignal | undefined,
    repeatability: Repeatability,
    timeoutMs: number,
    kind: Operation["kind"],
  ): Promise<unknown> {
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
      if (retry >= policy.maxRetries || !mayRetry(error, repeatability)) {
        if (retry > 0) {
          error.attempts = retry + 1;
          error.message = `${error.message} (gave up after ${retry + 1} attempts)`;
        }
        throw error;
      }
      await sleep(backoffDelay(policy, retry, error), callerSignal);
    }
  }

  const timeout = config.requestTimeoutMs;
  const waitTimeout = (seconds: number | undefined) => (seconds ?? limits.defaultWaitSeconds) * 1000 + WAIT_MARGIN_MS;

  // Listed one by one so each gets its retry rule; `AgentApi` makes a missing operation a type error.
  return {
    // The key is chosen once per call, so every retry of it stores at most one message.
    sendMessage: (input, options) =>
      call(ops.sendMessage, { ...input, idempotency_key: input.idempotency_key ?? newId() }, options, "safe", timeout),
    waitForReply: (input, options) =>
      call(
        ops.waitForReply,
        input,
        options,
        "safe",
        waitTimeout(Number(input.timeout_seconds ?? limits.defaultWaitSeconds)),
      ),
    getPendingMessages: (input, options) => call(ops.getPendingMessages, input, options, "safe", timeout),
    requestInput: (input, options) => call(ops.requestInput, input, options, "safe", timeout),
    sendUserMessage: (input, options) =>
      call(
        ops.sendUserMessage,
        { ...input, idempotency_key: input.idempotency_key ?? newId() },
        options,
        "safe",
        timeout,
      ),
    heartbeat: (input, options) => call(ops.heartbeat, input, options, "safe", timeout),
    endSession: (input, options) => call(ops.endSession, input, options, "safe", timeout),
    registerInstance: (input, options) => call(ops.registerInstance, input, options, "safe", timeout),
    verifyKey: (input, options) => call(ops.verifyKey, input, options, "safe", timeout),
    // Omnara's MCP-style tools. Neither takes an idempotency key, so a retry could store a second
    // step or question; asking again with question_id only resumes the wait, so that is safe.
    logStep: (input, options) => call(ops.logStep, input, options, "unsafe", timeout),
    askQuestion: (input, options) =>
      call(
        ops.askQuestion,
        input,
        options,
        input.question_id ? "safe" : "unsafe",
        waitTimeout(Number(input.wait_seconds ?? limits.defaultWaitSeconds)),
      ),
  };
}
