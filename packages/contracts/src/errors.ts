import { z } from "zod";
import { PlanLimit } from "./plans.ts";

/**
 * Error codes, named as tRPC names them, with the HTTP status each maps to.
 * One table for every surface: tRPC, REST, MCP and the SDK.
 */
export const errorCodes = {
  PARSE_ERROR: 400,
  BAD_REQUEST: 400,
  UNAUTHORIZED: 401,
  PAYMENT_REQUIRED: 402,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  METHOD_NOT_SUPPORTED: 405,
  TIMEOUT: 408,
  CONFLICT: 409,
  PRECONDITION_FAILED: 412,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  UNPROCESSABLE_CONTENT: 422,
  TOO_MANY_REQUESTS: 429,
  CLIENT_CLOSED_REQUEST: 499,
  INTERNAL_SERVER_ERROR: 500,
  SERVICE_UNAVAILABLE: 503,
} as const;

export type ErrorCode = keyof typeof errorCodes;

export const isErrorCode = (value: unknown): value is ErrorCode =>
  typeof value === "string" && Object.hasOwn(errorCodes, value);

const errorCodeNames: readonly ErrorCode[] = Object.keys(errorCodes).filter(isErrorCode);

/** Codes of failures a client detects itself, beside the server's codes. */
export type ClientErrorCode =
  /** The server could not be reached, or the connection dropped before an answer. */
  | "NETWORK_ERROR"
  /** The server answered with something this client's version does not understand. */
  | "INVALID_RESPONSE"
  /** The client was constructed without a usable apiKey or baseUrl. */
  | "INVALID_CONFIG"
  /** A call on a session after `end()` or after its signal aborted. */
  | "SESSION_CLOSED"
  /** The user ended the session (marked it completed or deleted it) while the agent waited. */
  | "SESSION_ENDED"
  /** The user interrupted the agent's current turn from the dashboard (the reason `session.signal` carries). */
  | "INTERRUPTED";

export type OmnaraErrorCode = ErrorCode | ClientErrorCode;

/** A field that failed validation: where (dotted path) and why. */
export const FieldIssue = z.object({ path: z.string(), message: z.string() });
export type FieldIssue = z.infer<typeof FieldIssue>;

/**
 * The JSON body of every REST error. `detail` repeats the message where Omnara's v1 clients
 * (the Python SDK, the n8n node) read it.
 */
export const ErrorBody = z.object({
  error: z.object({ code: z.enum(errorCodeNames), message: z.string(), issues: z.array(FieldIssue).optional() }),
  detail: z.string(),
  /** PAYMENT_REQUIRED only: the code and the plan's limit at the top level, `{code, limit, used, upgrade_url}`. */
  code: z.literal("PAYMENT_REQUIRED").optional(),
  ...PlanLimit.partial().shape,
});
export type ErrorBody = z.infer<typeof ErrorBody>;

/** The `data` of a tRPC error from an Omnara server (set by its error formatter). */
export const ErrorData = z.object({
  code: z.string(),
  httpStatus: z.number().optional(),
  path: z.string().optional(),
  issues: z.array(FieldIssue).optional(),
  /** For TOO_MANY_REQUESTS: when to try again. */
  retryAfterSeconds: z.number().optional(),
  /** For PAYMENT_REQUIRED: the plan's limit, what was used, where to upgrade. */
  ...PlanLimit.partial().shape,
});
export type ErrorData = z.infer<typeof ErrorData>;
