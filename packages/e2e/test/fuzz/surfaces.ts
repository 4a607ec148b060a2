import type { Operation } from "@omnara/contracts";

/** What came back for one probe: the HTTP status and the raw body text. */
export interface Outcome {
  status: number;
  body: string;
  /** The client gave up waiting (a valid long wait, or a hang). */
  timedOut?: boolean;
}

export interface RawRequest {
  method: string;
  /** Path and query, already encoded as they go on the wire. */
  path: string;
  headers?: Record<string, string>;
  body?: string | Uint8Array;
}

const REQUEST_TIMEOUT_MS = 4_000;

/** Sends bytes as given, reading at most the first events of a stream. */
export async function send(base: string, request: RawRequest): Promise<Outcome> {
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), REQUEST_TIMEOUT_MS);
  try {
    const response = await fetch(`${base}${request.path}`, {
      method: request.method,
      headers: request.headers,
      body: request.body,
      signal: abort.signal,
    });
    const streaming = response.headers.get("content-type")?.includes("text/event-stream");
    const body = streaming ? await firstEvents(response, abort) : await response.text();
    return { status: response.status, body };
  } catch (error) {
    if (abort.signal.aborted) return { status: 0, body: "", timedOut: true };
    throw error;
  } finally {
    clearTimeout(timer);
  }
}

/** An SSE stream's opening (its first two events or 1 s), then the stream is dropped. */
async function firstEvents(response: Response, abort: AbortController): Promise<string> {
  const reader = response.body?.getReader();
  if (!reader) return "";
  const decoder = new TextDecoder();
  let text = "";
  const stop = setTimeout(() => abort.abort(), 1_000);
  try {
    while ((text.match(/\n\n/g)?.length ?? 0) < 2) {
      const chunk = await reader.read();
      if (chunk.done) break;
      text += decoder.decode(chunk.value, { stream: true });
      // A JSON-RPC answer over SSE is complete after its one message.
      if (text.includes('"jsonrpc"') && text.includes("\n\n")) break;
    }
  } catch {
    // The stop timer cut a stream that stayed quiet: what arrived is the answer.
  } finally {
    clearTimeout(stop);
    await reader.cancel().catch(() => {});
  }
  return text;
}

/** Percent-encodes UTF-8 bytes (a lone surrogate becomes U+FFFD, as a browser sends it). */
export const encodePathValue = (value: unknown): string =>
  [...Buffer.from(typeof value === "string" ? value : (JSON.stringify(value) ?? ""), "utf8")]
    .map((byte) =>
      /[A-Za-z0-9\-_.~]/.test(String.fromCharCode(byte))
        ? String.fromCharCode(byte)
        : `%${byte.toString(16).toUpperCase().padStart(2, "0")}`,
    )
    .join("");

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

const queryText = (value: unknown): string => (typeof value === "string" ? value : (JSON.stringify(value) ?? ""));

const json = (token: string | undefined): Record<string, string> => ({
  "content-type": "application/json",
  ...(token ? { authorization: `Bearer ${token}` } : {}),
});

/**
 * The operation called over REST as curl would: path fields in the path (taken from `pathFrom`
 * when the input is not an object), GET and DELETE fields in the query, the rest as a JSON body.
 */
export function restRequest(
  op: Operation,
  input: unknown,
  token: string | undefined,
  pathFrom: Record<string, unknown>,
): RawRequest | undefined {
  const binding = op.rest;
  if (!binding) return undefined;
  const fields = isRecord(input) ? input : {};
  const inPath = new Set<string>();
  const path = binding.path.replace(/\{(\w+)\}/g, (_, name: string) => {
    inPath.add(name);
    return encodePathValue(name in fields ? fields[name] : pathFrom[name]);
  });
  const rest = Object.entries(fields).filter(([name]) => !inPath.has(name));
  if (binding.method === "GET" || binding.method === "DELETE") {
    const query = new URLSearchParams(
      rest.map(([name, value]): [string, string] => [name, queryText(value)]),
    ).toString();
    return { method: binding.method, path: query ? `${path}?${query}` : path, headers: json(token) };
  }
  const body = isRecord(input) ? Object.fromEntries(rest) : input;
  return { method: binding.method, path, headers: json(token), body: JSON.stringify(body) ?? "null" };
}

/** The operation called over tRPC as its HTTP link does: GET ?input= for queries and streams. */
export function trpcRequest(op: Operation, input: unknown, token: string | undefined): RawRequest {
  const base = `/api/trpc/${op.audience}/${op.id}`;
  const text = JSON.stringify(input) ?? "null";
  if (op.kind === "mutation") return { method: "POST", path: base, headers: json(token), body: text };
  const headers = { ...json(token), ...(op.kind === "subscription" ? { accept: "text/event-stream" } : {}) };
  return { method: "GET", path: `${base}?input=${encodeURIComponent(text)}`, headers };
}

/** One JSON-RPC message out of a streamable-HTTP answer (JSON, or the first SSE `data:` line). */
export function jsonRpcMessage(body: string): Record<string, unknown> | undefined {
  const data = body.includes("data:")
    ? body
        .split("\n")
        .find((line) => line.startsWith("data:"))
        ?.slice(5)
    : body;
  try {
    const value: unknown = JSON.parse(data ?? "");
    return isRecord(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

export interface McpSession {
  headers: Record<string, string>;
  nextId(): number;
}

const MCP_ACCEPT = "application/json, text/event-stream";

/** Opens an MCP session over streamable HTTP as an editor does: initialize, then initialized. */
export async function openMcpSession(base: string, apiKey: string): Promise<McpSession> {
  const headers = { ...json(apiKey), accept: MCP_ACCEPT };
  const init = await fetch(`${base}/mcp?wait_round_seconds=1`, {
    method: "POST",
    headers,
    body: JSON.stringify({
      jsonrpc: "2.0",
      id: 0,
      method: "initialize",
      params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "fuzz", version: "1" } },
    }),
  });
  await init.text();
  const sessionId = init.headers.get("mcp-session-id");
  if (!sessionId) throw new Error(`MCP initialize failed with ${init.status}`);
  const sessionHeaders = { ...headers, "mcp-session-id": sessionId, "mcp-protocol-version": "2025-06-18" };
  const initialized = await fetch(`${base}/mcp`, {
    method: "POST",
    headers: sessionHeaders,
    body: JSON.stringify({ jsonrpc: "2.0", method: "notifications/initialized" }),
  });
  await initialized.text();
  let id = 1;
  return { headers: sessionHeaders, nextId: () => id++ };
}

/** A tools/call as an MCP client sends it; `message` overrides the whole JSON-RPC message. */
export function mcpRequest(session: McpSession, message: unknown): RawRequest {
  return { method: "POST", path: "/mcp", headers: session.headers, body: JSON.stringify(message) ?? "null" };
}

export const toolCall = (session: McpSession, tool: string, args: unknown): Record<string, unknown> => ({
  jsonrpc: "2.0",
  id: session.nextId(),
  method: "tools/call",
  params: { name: tool, arguments: args },
});
