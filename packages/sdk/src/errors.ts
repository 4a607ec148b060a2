import type { ErrorCode, FieldIssue } from "@omnara/contracts";

/** Codes of failures the SDK detects itself, beside the server's codes. */
export type ClientErrorCode =
  /** The server could not be reached, or the connection dropped before an answer. */
  | "NETWORK_ERROR"
  /** The server answered with something this SDK version does not understand. */
  | "INVALID_RESPONSE"
  /** The client was constructed without a usable apiKey or baseUrl. */
  | "INVALID_CONFIG"
  /** A call on a session after `end()` or after its signal aborted. */
  | "SESSION_CLOSED"
  /** The user ended the session (marked it completed or deleted it) while the agent waited. */
  | "SESSION_ENDED";

export type OmnaraErrorCode = ErrorCode | ClientErrorCode;

export interface OmnaraErrorDetails {
  /** HTTP status of the server's answer, when there was one. */
  status?: number | undefined;
  /** The agent operation that failed, e.g. `sendMessage`. */
  operation?: string | undefined;
  issues?: FieldIssue[] | undefined;
  retryAfterMs?: number | undefined;
  /** How many attempts were made before giving up (retries included). */
  attempts?: number | undefined;
  /** For an `ask` that timed out: the question, to keep waiting with `session.requestInput(questionId)`. */
  questionId?: string | undefined;
  cause?: unknown;
}

/** Every error the SDK throws. Switch on `code`, or use `instanceof` on a subclass. */
export class OmnaraError extends Error {
  override name = "OmnaraError";
  readonly code: OmnaraErrorCode;
  readonly status: number | undefined;
  readonly operation: string | undefined;
  /** How many attempts were made, when the SDK retried before giving up. */
  attempts: number | undefined;

  constructor(code: OmnaraErrorCode, message: string, details: OmnaraErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.code = code;
    this.status = details.status;
    this.operation = details.operation;
    this.attempts = details.attempts;
  }
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
  readonly issues: FieldIssue[];

  constructor(code: OmnaraErrorCode, message: string, details: OmnaraErrorDetails = {}) {
    super(code, message, details);
    this.issues = details.issues ?? [];
  }
}

/** Too many requests for this API key; retried automatically, thrown when retries ran out. */
export class RateLimitError extends OmnaraError {
  override name = "RateLimitError";
  /** When the server said to try again, in milliseconds. */
  readonly retryAfterMs: number | undefined;

  constructor(code: OmnaraErrorCode, message: string, details: OmnaraErrorDetails = {}) {
    super(code, message, details);
    this.retryAfterMs = details.retryAfterMs;
  }
}

/** A deadline passed: `ask` got no reply within `timeoutMs`, or a request got no answer in time. */
export class TimeoutError extends OmnaraError {
  override name = "TimeoutError";
  /** Set when an `ask` timed out: pass it to `session.requestInput` to keep waiting for that reply. */
  readonly questionId: string | undefined;

  constructor(code: OmnaraErrorCode, message: string, details: OmnaraErrorDetails = {}) {
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

  constructor(code: OmnaraErrorCode, message: string, details: OmnaraErrorDetails = {}) {
    super(code, message, details);
    this.questionId = details.questionId;
  }
}
