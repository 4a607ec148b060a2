import { neverReachedServer } from "./error-mapping.ts";
import { NetworkError, type OmnaraError, RateLimitError, ServerError, TimeoutError } from "./errors.ts";

/** How failed requests are retried. All numbers are per call. */
export interface RetryOptions {
  /** Retries after the first attempt. Default 8 (about 45 s of backoff: enough to ride out a server restart). */
  maxRetries?: number;
  /** First backoff delay. Default 250 ms. */
  minDelayMs?: number;
  /** Longest backoff delay. Default 10 000 ms. A server's Retry-After is honoured even when longer. */
  maxDelayMs?: number;
}

export type RetryPolicy = Required<RetryOptions>;

export const defaultRetryPolicy: RetryPolicy = { maxRetries: 8, minDelayMs: 250, maxDelayMs: 10_000 };

export const noRetries: RetryPolicy = { maxRetries: 0, minDelayMs: 0, maxDelayMs: 0 };

/**
 * Whether a call may be repeated: "safe" calls (reads, idempotent writes, writes with an
 * idempotency key) on any transient failure; "unsafe" ones only when the server surely never
 * saw the request (connection refused) or refused it before doing anything (429).
 */
export type Repeatability = "safe" | "unsafe";

export const isTransient = (error: OmnaraError): boolean =>
  error instanceof NetworkError ||
  error instanceof RateLimitError ||
  error instanceof ServerError ||
  error instanceof TimeoutError;

export function mayRetry(error: OmnaraError, repeatability: Repeatability): boolean {
  if (!isTransient(error)) return false;
  if (repeatability === "safe") return true;
  return error instanceof RateLimitError || (error instanceof NetworkError && neverReachedServer(error));
}

/** Capped exponential backoff with equal jitter; a server's Retry-After wins when given. */
export function backoffDelay(policy: RetryPolicy, retry: number, error?: OmnaraError): number {
  if (error instanceof RateLimitError && error.retryAfterMs !== undefined) {
    return error.retryAfterMs + Math.random() * policy.minDelayMs;
  }
  const ceiling = Math.min(policy.maxDelayMs, policy.minDelayMs * 2 ** retry);
  return ceiling / 2 + (Math.random() * ceiling) / 2;
}
