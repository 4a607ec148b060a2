import type { ErrorCode, FieldIssue } from "@omnara/contracts";

/** The one error type of the domain. Surfaces map `code` to HTTP, tRPC and MCP errors. */
export class DomainError extends Error {
  override name = "DomainError";

  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly issues?: FieldIssue[],
    /** For TOO_MANY_REQUESTS: when to try again (the Retry-After header). */
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
  }
}

export const notFound = (what: string): DomainError =>
  new DomainError("NOT_FOUND", `${what} was not found, or it belongs to another account.`);
