import { errorCodes, type FieldIssue, isErrorCode, OmnaraError, type PlanLimit } from "@omnara/contracts";
import { TRPCError } from "@trpc/server";

interface IssueLike {
  path?: readonly PropertyKey[];
  message: string;
  code?: string;
  params?: { tooBig?: boolean };
}

const hasIssues = (value: unknown): value is { issues: IssueLike[] } =>
  typeof value === "object" && value !== null && "issues" in value && Array.isArray(value.issues);

/** zod issues flattened to dotted paths; the field path is what a caller needs to fix input. */
export function fieldIssues(cause: unknown): FieldIssue[] | undefined {
  if (cause instanceof OmnaraError) return cause.issues;
  if (!hasIssues(cause)) return undefined;
  return cause.issues.map((issue) => ({
    path: (issue.path ?? []).map(String).join("."),
    message: issue.message,
  }));
}

/** Input that is only wrong by being too large is a 413: the caller must send less, not fix it. */
const isTooLarge = (cause: unknown): boolean =>
  hasIssues(cause) &&
  cause.issues.length > 0 &&
  cause.issues.every((issue) => issue.code === "too_big" || issue.params?.tooBig === true);

/** Rewrites errors into the codes callers see. Returns undefined when the error is fine as is. */
export function toPublicError(error: TRPCError): TRPCError | undefined {
  const cause = error.cause;
  if (cause instanceof OmnaraError && isErrorCode(cause.code) && error.code !== cause.code) {
    return new TRPCError({ code: cause.code, message: cause.message, cause });
  }
  if (error.code === "BAD_REQUEST" && isTooLarge(cause)) {
    return new TRPCError({ code: "PAYLOAD_TOO_LARGE", message: "Input is larger than allowed.", cause });
  }
  return undefined;
}

export const httpStatusOf = (code: string): number => (isErrorCode(code) ? errorCodes[code] : 500);

/** Messages safe to show a client: internal errors say nothing of their cause. */
export function publicMessage(error: TRPCError): string {
  if (error.code === "INTERNAL_SERVER_ERROR" && !(error.cause instanceof OmnaraError)) {
    return "Something went wrong on the server. It was logged; try again.";
  }
  // A OmnaraError's message already says what to do; zod's would be a raw issue dump.
  if (error.code === "BAD_REQUEST" && !(error.cause instanceof OmnaraError) && hasIssues(error.cause)) {
    return "Invalid input; see issues.";
  }
  return error.message;
}

/** For TOO_MANY_REQUESTS: whole seconds to wait (the Retry-After header), if the error says. */
export const retryAfterSecondsOf = (cause: unknown): number | undefined =>
  cause instanceof OmnaraError && cause.retryAfterMs ? Math.ceil(cause.retryAfterMs / 1000) : undefined;

/** For PAYMENT_REQUIRED: the plan's limit, what was used and where to upgrade, if the error says. */
export const planLimitOf = (cause: unknown): PlanLimit | undefined =>
  cause instanceof OmnaraError ? cause.planLimit : undefined;
