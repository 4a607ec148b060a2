import {
  type FieldIssue,
  OmnaraError,
  type OmnaraErrorCode,
  type OmnaraErrorDetails,
  type PlanLimit,
} from "@omnara/contracts";

export { type ClientErrorCode, OmnaraError, type OmnaraErrorCode, type PlanLimit } from "@omnara/contracts";

export interface ErrorDetails extends OmnaraErrorDetails {
  /** For an `ask` that timed out: the question, to keep waiting with `session.requestInput(questionId)`. */
  questionId?: string | undefined;
}

/** The API key is missing, wrong, expired or revoked (401), or may not do this (403). */
export class AuthenticationError extends OmnaraError {
  override name = "AuthenticationError";
}

/** The instance or message does not exist, or belongs to another account. */
export class NotFoundError extends OmnaraError {
  override name = "NotFoundError";
}

/** The input was rejected; `issues` says which field and why. Fix the input: retrying won't help. */
export class ValidationError extends OmnaraError {
  override name = "ValidationError";
  override readonly issues: FieldIssue[];

  constructor(code: OmnaraErrorCode, message: string, details: OmnaraErrorDetails = {}) {
    super(code, message, details);
    this.issues = details.issues ?? [];
  }
}

/** Too many requests for this API key; retried automatically, thrown when retries ran out. */
export class RateLimitError extends OmnaraError {
  override name = "RateLimitError";
}

/** A deadline passed: `ask` got no reply within `timeoutMs`, or a request got no answer in time. */
export class TimeoutError extends OmnaraError {
  override name = "TimeoutError";
  /** Set when an `ask` timed out: pass it to `session.requestInput` to keep waiting for that reply. */
  readonly questionId: string | undefined;

  constructor(code: OmnaraErrorCode, message: string, details: ErrorDetails = {}) {
    super(code, message, details);
    this.questionId = details.questionId;
  }
}

/** The server could not be reached; retried automatically, thrown when retries ran out. */
export class NetworkError extends OmnaraError {
  override name = "NetworkError";
}

/** The server failed (5xx); retried automatically, thrown when retries ran out. */
export class ServerError extends OmnaraError {
  override name = "ServerError";
}

/** The user ended the session (marked it completed or deleted it): no reply will come. */
export class SessionEndedError extends OmnaraError {
  override name = "SessionEndedError";
  /** The question that will not be answered. */
  readonly questionId: string | undefined;

  constructor(code: OmnaraErrorCode, message: string, details: ErrorDetails = {}) {
    super(code, message, details);
    this.questionId = details.questionId;
  }
}

/** The user interrupted the agent's current turn: the reason `session.signal` aborts with. */
export class InterruptedError extends OmnaraError {
  override name = "InterruptedError";
}

/**
 * The account's plan allows no more new instances this month (402 PAYMENT_REQUIRED). Instances
 * started earlier keep working; `upgradeUrl` is where to upgrade. Not retried.
 */
export class PaymentRequiredError extends OmnaraError {
  override name = "PaymentRequiredError";
  /** New instances the plan allows per calendar month. */
  readonly limit: number | undefined;
  /** Instances started this month. */
  readonly used: number | undefined;
  readonly upgradeUrl: string | undefined;

  constructor(code: OmnaraErrorCode, message: string, details: OmnaraErrorDetails = {}) {
    super(code, message, details);
    this.limit = details.planLimit?.limit;
    this.used = details.planLimit?.used;
    this.upgradeUrl = details.planLimit?.upgrade_url;
  }
}

export const isPlanLimit = (value: Partial<PlanLimit>): value is PlanLimit =>
  value.limit !== undefined && value.used !== undefined && value.upgrade_url !== undefined;
