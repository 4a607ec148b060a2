import type { FieldIssue, OmnaraErrorCode } from "./errors.ts";
import type { PlanLimit } from "./plans.ts";

export interface OmnaraErrorDetails {
  /** HTTP status of the server's answer, when there was one. */
  status?: number | undefined;
  /** The operation that failed, e.g. `sendMessage`. */
  operation?: string | undefined;
  /** The fields that failed validation. */
  issues?: FieldIssue[] | undefined;
  /** For TOO_MANY_REQUESTS: when to try again (the Retry-After header). */
  retryAfterMs?: number | undefined;
  /** How many attempts were made before giving up (retries included). */
  attempts?: number | undefined;
  /** For PAYMENT_REQUIRED: the plan's monthly limit, what was used, where to upgrade. */
  planLimit?: PlanLimit | undefined;
  cause?: unknown;
}

/**
 * The one error type of every layer: the domain throws it, the surfaces map its `code` to
 * HTTP, tRPC and MCP, and the SDK throws it (or a subclass) to its callers.
 */
export class OmnaraError extends Error {
  override name = "OmnaraError";
  readonly code: OmnaraErrorCode;
  readonly status: number | undefined;
  readonly operation: string | undefined;
  readonly issues: FieldIssue[] | undefined;
  readonly retryAfterMs: number | undefined;
  readonly planLimit: PlanLimit | undefined;
  /** How many attempts were made, when a client retried before giving up. */
  attempts: number | undefined;

  constructor(code: OmnaraErrorCode, message: string, details: OmnaraErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.code = code;
    this.status = details.status;
    this.operation = details.operation;
    this.issues = details.issues;
    this.retryAfterMs = details.retryAfterMs;
    this.attempts = details.attempts;
    this.planLimit = details.planLimit;
  }
}
