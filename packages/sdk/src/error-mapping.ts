import { ErrorData, errorCodes, type FieldIssue, isErrorCode } from "@omnara/contracts";
import { isTRPCClientError } from "@trpc/client";
import { z } from "zod";
import {
  AuthenticationError,
  type ErrorDetails,
  isPlanLimit,
  NetworkError,
  NotFoundError,
  OmnaraError,
  type OmnaraErrorCode,
  PaymentRequiredError,
  RateLimitError,
  ServerError,
  TimeoutError,
  ValidationError,
} from "./errors.ts";
import { NonJsonResponseError, parseRetryAfter } from "./transport.ts";

const ResponseMeta = z.object({ response: z.instanceof(Response) });

const codeForStatus = (status: number): OmnaraErrorCode => {
  for (const [code, codeStatus] of Object.entries(errorCodes)) {
    if (codeStatus === status && isErrorCode(code)) return code;
  }
  return status >= 500 ? "INTERNAL_SERVER_ERROR" : "BAD_REQUEST";
};

const describeIssues = (issues: FieldIssue[] | undefined): string =>
  issues && issues.length > 0 ? ` (${issues.map((i) => `${i.path || "input"}: ${i.message}`).join("; ")})` : "";

/** The right subclass for a code, with a message that says what to do next. */
export function errorFor(code: OmnaraErrorCode, serverMessage: string, details: ErrorDetails): OmnaraError {
  const op = details.operation ? `${details.operation}: ` : "";
  switch (code) {
    case "UNAUTHORIZED":
    case "FORBIDDEN":
      return new AuthenticationError(
        code,
        `${op}${serverMessage} Check the apiKey option (or OMNARA_API_KEY); create a key in the Omnara dashboard if this one was revoked or expired.`,
        details,
      );
    case "NOT_FOUND":
      return new NotFoundError(
        code,
        `${op}${serverMessage} Check the id, and that this API key belongs to the same account.`,
        details,
      );
    case "BAD_REQUEST":
    case "PARSE_ERROR":
    case "UNPROCESSABLE_CONTENT":
    case "PAYLOAD_TOO_LARGE":
      return new ValidationError(code, `${op}${serverMessage}${describeIssues(details.issues)}`, details);
    case "TOO_MANY_REQUESTS":
      return new RateLimitError(
        code,
        `${op}${serverMessage} Slow down, or raise the server's OMNARA_RATE_LIMIT_PER_MINUTE.`,
        details,
      );
    case "PAYMENT_REQUIRED":
      return new PaymentRequiredError(code, `${op}${serverMessage}`, details);
    case "TIMEOUT":
      return new TimeoutError(code, `${op}${serverMessage}`, details);
    case "NETWORK_ERROR":
      return new NetworkError(code, `${op}${serverMessage}`, details);
    default:
      if (details.status !== undefined && details.status >= 500) {
        return new ServerError(
          code,
          `${op}${serverMessage} The SDK retried; if it persists, check the server's log.`,
          details,
        );
      }
      return new OmnaraError(code, `${op}${serverMessage}`, details);
  }
}

const causeCode = (error: unknown): string | undefined => {
  for (let current: unknown = error, depth = 0; current instanceof Error && depth < 4; depth += 1) {
    if ("code" in current && typeof current.code === "string") return current.code;
    current = current.cause;
  }
  return undefined;
};

/** Failures where the request surely never reached the server, so even a non-idempotent call may be retried. */
export const neverReachedServer = (error: OmnaraError): boolean => {
  const code = causeCode(error.cause);
  return code === "ECONNREFUSED" || code === "ENOTFOUND" || code === "EAI_AGAIN";
};

export interface MappingContext {
  operation: string;
  baseUrl: string;
}

/** Turns whatever the transport threw into a typed OmnaraError. */
export function toOmnaraError(error: unknown, context: MappingContext): OmnaraError {
  if (error instanceof OmnaraError) return error;
  const { operation } = context;
  if (isTRPCClientError(error)) {
    const data = ErrorData.safeParse(error.data);
    if (data.success) {
      const meta = ResponseMeta.safeParse(error.meta);
      const header = meta.success ? parseRetryAfter(meta.data.response.headers.get("retry-after")) : undefined;
      const seconds = data.data.retryAfterSeconds;
      const code = isErrorCode(data.data.code) ? data.data.code : "INTERNAL_SERVER_ERROR";
      return errorFor(code, error.message, {
        operation,
        status: data.data.httpStatus,
        issues: data.data.issues,
        retryAfterMs: seconds === undefined ? header : seconds * 1000,
        planLimit: isPlanLimit(data.data) ? data.data : undefined,
        cause: error,
      });
    }
    const cause = error.cause;
    if (cause instanceof NonJsonResponseError) {
      return errorFor(codeForStatus(cause.status), `The server answered HTTP ${cause.status}.`, {
        operation,
        status: cause.status,
        retryAfterMs: cause.retryAfterMs,
        cause,
      });
    }
    return errorFor(
      "NETWORK_ERROR",
      `Could not reach the Omnara server at ${context.baseUrl} (${cause instanceof Error ? cause.message : error.message}). Check baseUrl (or OMNARA_BASE_URL) and that the server is running.`,
      { operation, cause: cause ?? error },
    );
  }
  return new OmnaraError("NETWORK_ERROR", `${operation}: ${error instanceof Error ? error.message : String(error)}`, {
    operation,
    cause: error,
  });
}
