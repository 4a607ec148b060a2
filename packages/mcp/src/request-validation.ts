import type { Transport } from "@modelcontextprotocol/sdk/shared/transport.js";
import {
  ClientRequestSchema,
  ErrorCode,
  type JSONRPCMessage,
  type MessageExtraInfo,
} from "@modelcontextprotocol/sdk/types.js";
import type { FieldIssue } from "@omnara/contracts";
import type { z } from "zod";

/** The schema of each request a client may send, by method (initialize, tools/call, ...). */
const requestSchemas = new Map<string, z.ZodType>(
  ClientRequestSchema.options.map((schema) => [schema.shape.method.value, schema]),
);

export interface JsonRpcErrorResponse {
  jsonrpc: "2.0";
  id: string | number;
  error: { code: number; message: string; data: { issues: FieldIssue[] } };
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/**
 * A request whose params do not fit its method gets -32602 "invalid params" with the field
 * paths, as JSON-RPC says. Left to the SDK it would be -32603 (internal error) carrying zod's
 * raw issue dump, which tells a client neither that the fault is its own nor what to fix.
 * Returns undefined for anything that is not a known request with bad params.
 */
export function invalidParams(message: unknown): JsonRpcErrorResponse | undefined {
  if (!isRecord(message) || typeof message["method"] !== "string") return undefined;
  const id = message["id"];
  if (typeof id !== "string" && typeof id !== "number") return undefined;
  const schema = requestSchemas.get(message["method"]);
  const parsed = schema?.safeParse(message);
  if (!parsed || parsed.success) return undefined;
  const issues = parsed.error.issues.map((issue) => ({
    path: issue.path.map(String).join("."),
    message: issue.message,
  }));
  const summary = issues.map((issue) => `${issue.path || "(request)"}: ${issue.message}`).join("; ");
  return {
    jsonrpc: "2.0",
    id,
    error: {
      code: ErrorCode.InvalidParams,
      message: `Invalid params for ${message["method"]}: ${summary}`,
      data: { issues },
    },
  };
}

/** The invalid-params answers for a message or a batch; empty when every request is well formed. */
export function invalidRequests(body: unknown): JsonRpcErrorResponse[] {
  const messages = Array.isArray(body) ? body : [body];
  return messages.flatMap((message) => invalidParams(message) ?? []);
}

/**
 * Answers malformed requests on a connected transport before its server sees them: for stdio,
 * which has no HTTP layer in front to do it (the HTTP endpoint checks each body the same way).
 */
export function answerInvalidRequests(transport: Transport): void {
  const handle = transport.onmessage;
  transport.onmessage = <T extends JSONRPCMessage>(message: T, extra?: MessageExtraInfo) => {
    const invalid = invalidParams(message);
    if (invalid) void transport.send(invalid).catch(() => {});
    else handle?.(message, extra);
  };
}
