import { fieldIssues, httpStatusOf, planLimitOf, publicMessage, retryAfterSecondsOf, toPublicError } from "@omnara/api";
import { type ErrorBody, type ErrorCode, isErrorCode, type PlanLimit } from "@omnara/contracts";
import { getTRPCErrorFromUnknown } from "@trpc/server";
import { TRPC_ERROR_CODES_BY_KEY } from "@trpc/server/rpc";
import type { ErrorRequestHandler, Response } from "express";

/** One JSON error body (`ErrorBody`) for every REST failure. */
export function sendError(
  res: Response,
  code: ErrorCode,
  message: string,
  extra: Partial<ErrorBody["error"]> = {},
  planLimit?: PlanLimit,
): void {
  // `detail` is what Omnara v1 clients show: for invalid input, each field and why.
  const detail =
    extra.issues?.length && message === "Invalid input; see issues."
      ? extra.issues.map((issue) => `${issue.path || "body"}: ${issue.message}`).join("; ")
      : message;
  const body: ErrorBody = {
    error: { code, message, ...extra },
    detail,
    // Over a plan's limit the body also reads {code, limit, used, upgrade_url} at the top.
    ...(planLimit && code === "PAYMENT_REQUIRED" ? { code, ...planLimit } : {}),
  };
  res.status(httpStatusOf(code)).json(body);
}

/** An error in tRPC's own response shape, for refusals made before a request reaches tRPC. */
export function sendTrpcError(res: Response, code: ErrorCode, message: string): void {
  const status = httpStatusOf(code);
  res
    .status(status)
    .json({ error: { message, code: TRPC_ERROR_CODES_BY_KEY[code], data: { code, httpStatus: status } } });
}

/** A JSON-RPC error for the MCP endpoint; the id is unknown before the body is read. */
export function sendJsonRpcError(res: Response, status: number, code: number, message: string): void {
  res.status(status).json({ jsonrpc: "2.0", error: { code, message }, id: null });
}

export function sendThrown(res: Response, thrown: unknown, log: (error: unknown) => void): void {
  const raw = getTRPCErrorFromUnknown(thrown);
  const error = toPublicError(raw) ?? raw;
  if (error.code === "INTERNAL_SERVER_ERROR") log(thrown);
  const cause = error.cause;
  const retryAfter = retryAfterSecondsOf(cause);
  if (retryAfter) res.setHeader("Retry-After", String(retryAfter));
  const issues = fieldIssues(cause);
  const code = isErrorCode(error.code) ? error.code : "INTERNAL_SERVER_ERROR";
  sendError(res, code, publicMessage(error), issues ? { issues } : {}, planLimitOf(cause));
}

const field = (error: unknown, name: string): unknown =>
  typeof error === "object" && error !== null && name in error ? Reflect.get(error, name) : undefined;

/** Express's and body-parser's refusals by their `type`, in words a client can act on. */
const knownRefusals: Record<string, [ErrorCode, string]> = {
  "entity.too.large": ["PAYLOAD_TOO_LARGE", "Request body is larger than allowed."],
  "entity.parse.failed": ["BAD_REQUEST", "Request body is not valid JSON."],
  "entity.verify.failed": ["BAD_REQUEST", "Request body is not valid JSON."],
  "request.size.invalid": ["BAD_REQUEST", "Request body is shorter than its Content-Length."],
  "request.aborted": ["BAD_REQUEST", "The request was aborted before its body arrived."],
  "charset.unsupported": ["UNSUPPORTED_MEDIA_TYPE", "Send JSON in UTF-8."],
  "encoding.unsupported": ["UNSUPPORTED_MEDIA_TYPE", "Send the body uncompressed."],
};

const codeForStatus = (status: number): ErrorCode =>
  status === 413 ? "PAYLOAD_TOO_LARGE" : status === 415 ? "UNSUPPORTED_MEDIA_TYPE" : "BAD_REQUEST";

/**
 * Express's own failures (bad JSON, body over the limit, a path that is not %-encoded UTF-8) in
 * the same shape, never a stack. Whatever express marks as the client's fault (a 4xx status)
 * stays a 4xx; only the rest is logged as ours.
 */
export const expressErrorHandler =
  (log: (error: unknown) => void): ErrorRequestHandler =>
  (error: unknown, _req, res, next) => {
    if (res.headersSent) return next(error);
    const type = field(error, "type");
    const known = typeof type === "string" ? knownRefusals[type] : undefined;
    if (known) return sendError(res, ...known);
    const status = field(error, "status");
    if (typeof status === "number" && status >= 400 && status < 500) {
      const message =
        error instanceof URIError || /decode param/i.test(String(field(error, "message")))
          ? "The URL is not valid %-encoded UTF-8."
          : "The request is malformed.";
      return sendError(res, codeForStatus(status), message);
    }
    log(error);
    sendError(res, "INTERNAL_SERVER_ERROR", "Something went wrong on the server. It was logged; try again.");
  };
