import { fieldIssues, httpStatusOf, publicMessage, toPublicError } from "@omnara/api";
import { type ErrorBody, type ErrorCode, isErrorCode } from "@omnara/contracts";
import { DomainError } from "@omnara/core";
import { getTRPCErrorFromUnknown } from "@trpc/server";
import type { ErrorRequestHandler, Response } from "express";

/** One JSON error body for every REST failure. `detail` keeps Omnara v1 clients readable. */
export function sendError(
  res: Response,
  code: ErrorCode,
  message: string,
  extra: Partial<ErrorBody["error"]> = {},
): void {
  const body: ErrorBody & { detail: string } = { error: { code, message, ...extra }, detail: message };
  res.status(httpStatusOf(code)).json(body);
}

export function sendThrown(res: Response, thrown: unknown, log: (error: unknown) => void): void {
  const raw = getTRPCErrorFromUnknown(thrown);
  const error = toPublicError(raw) ?? raw;
  if (error.code === "INTERNAL_SERVER_ERROR") log(thrown);
  const cause = error.cause;
  if (cause instanceof DomainError && cause.retryAfterSeconds) {
    res.setHeader("Retry-After", String(cause.retryAfterSeconds));
  }
  const issues = fieldIssues(cause);
  const code = isErrorCode(error.code) ? error.code : "INTERNAL_SERVER_ERROR";
  sendError(res, code, publicMessage(error), issues ? { issues } : {});
}

/** Express's own failures (bad JSON, body over the limit) in the same shape, never a stack. */
export const expressErrorHandler =
  (log: (error: unknown) => void): ErrorRequestHandler =>
  (error: unknown, _req, res, next) => {
    if (res.headersSent) return next(error);
    const type = typeof error === "object" && error !== null && "type" in error ? error.type : undefined;
    if (type === "entity.too.large") return sendError(res, "PAYLOAD_TOO_LARGE", "Request body is larger than allowed.");
    if (type === "entity.parse.failed") return sendError(res, "BAD_REQUEST", "Request body is not valid JSON.");
    log(error);
    sendError(res, "INTERNAL_SERVER_ERROR", "Something went wrong on the server. It was logged; try again.");
  };
