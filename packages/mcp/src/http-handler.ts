import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { AuthInfo } from "@modelcontextprotocol/sdk/server/auth/types.js";
import { StreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/streamableHttp.js";
import { isInitializeRequest } from "@modelcontextprotocol/sdk/types.js";
import { type AgentApi, OmnaraError } from "@omnara/contracts";
import { invalidRequests } from "./request-validation.ts";
import { createMcpServer, type McpServerOptions, waitRoundSeconds } from "./server.ts";

export interface McpHttpOptions {
  /** Who a bearer token belongs to, or undefined to refuse it with 401. Checked on every request. */
  authenticate(token: string): Promise<AuthInfo | undefined>;
  /** The agent API acting as the caller; built per tool call from `extra.authInfo`. */
  apiFor(auth: AuthInfo): AgentApi;
  /** A session with no request for this long is closed (its approvals forgotten). */
  idleSessionMs?: number;
}

export interface McpHttpHandler {
  handle(req: IncomingMessage, res: ServerResponse): Promise<void>;
  close(): Promise<void>;
}

interface Session {
  transport: StreamableHTTPServerTransport;
  /** Sessions belong to the account that opened them; other accounts get "not found". */
  clientId: string;
  openRequests: number;
  lastSeen: number;
}

const bearer = (header: string | undefined): string | undefined => header?.match(/^Bearer\s+(\S+)\s*$/i)?.[1];

function sendJsonRpcError(res: ServerResponse, status: number, code: number, message: string): void {
  if (status === 401) res.setHeader("WWW-Authenticate", 'Bearer realm="omnara"');
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify({ jsonrpc: "2.0", error: { code, message }, id: null }));
}

const truthy = (value: string | null | undefined): boolean => value === "1" || value === "true";

/** Per-session options a client sets on its URL or headers (as `claude mcp add --header`). */
function sessionOptions(
  req: IncomingMessage,
): Pick<McpServerOptions, "permissionTool" | "agentInstanceId" | "waitRoundSeconds"> {
  const url = new URL(req.url ?? "/", "http://localhost");
  const header = (name: string) => {
    const value = req.headers[name];
    return Array.isArray(value) ? value[0] : value;
  };
  return {
    permissionTool: truthy(url.searchParams.get("permission_tool")) || truthy(header("x-omnara-permission-tool")),
    agentInstanceId: url.searchParams.get("agent_instance_id") ?? header("x-omnara-agent-instance-id"),
    waitRoundSeconds: waitRoundSeconds(url.searchParams.get("wait_round_seconds") ?? ""),
  };
}

/**
 * MCP over streamable HTTP, one stateful session per client (so the client info, the
 * session's agent instance and its approvals live across calls). Every request must carry the
 * API key as a Bearer token; it reaches each tool as `extra.authInfo`.
 */
export function createMcpHttpHandler(options: McpHttpOptions): McpHttpHandler {
  const sessions = new Map<string, Session>();
  const idleMs = options.idleSessionMs ?? 2 * 60 * 60 * 1000;
  const sweeper = setInterval(
    () => {
      const now = Date.now();
      for (const session of sessions.values()) {
        if (session.openRequests === 0 && now - session.lastSeen > idleMs) void session.transport.close();
      }
    },
    Math.min(idleMs, 60_000),
  );
  sweeper.unref();

  async function open(req: IncomingMessage, auth: AuthInfo): Promise<StreamableHTTPServerTransport> {
    const transport: StreamableHTTPServerTransport = new StreamableHTTPServerTransport({
      sessionIdGenerator: randomUUID,
      onsessioninitialized: (id) => {
        sessions.set(id, { transport, clientId: auth.clientId, openRequests: 0, lastSeen: Date.now() });
      },
    });
    transport.onclose = () => {
      if (transport.sessionId) sessions.delete(transport.sessionId);
    };
    const apiFor = (caller: AuthInfo | undefined): AgentApi => {
      // Unreachable through handle(), which refuses requests without a valid key.
      if (!caller) throw new OmnaraError("UNAUTHORIZED", "This MCP request carried no API key.");
      return options.apiFor(caller);
    };
    const server = createMcpServer(apiFor, sessionOptions(req));
    await server.connect(transport);
    return transport;
  }

  async function handle(req: IncomingMessage & { auth?: AuthInfo }, res: ServerResponse, body: unknown): Promise<void> {
    const token = bearer(req.headers.authorization);
    const auth = token ? await options.authenticate(token) : undefined;
    if (!auth) {
      return sendJsonRpcError(
        res,
        401,
        -32001,
        "Missing, invalid, expired or revoked API key. Send it as 'Authorization: Bearer <key>'.",
      );
    }
    req.auth = auth;
    const invalid = invalidRequests(body);
    if (invalid.length > 0) {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify(Array.isArray(body) ? invalid : invalid[0]));
      return;
    }
    const sessionId = req.headers["mcp-session-id"];
    if (typeof sessionId === "string") {
      const session = sessions.get(sessionId);
      if (!session || session.clientId !== auth.clientId) {
        return sendJsonRpcError(res, 404, -32001, "Session not found; start a new one with initialize.");
      }
      session.openRequests += 1;
      session.lastSeen = Date.now();
      try {
        await session.transport.handleRequest(req, res, body);
      } finally {
        session.openRequests -= 1;
        session.lastSeen = Date.now();
      }
      return;
    }
    if (req.method !== "POST" || !isInitializeRequest(body)) {
      return sendJsonRpcError(res, 400, -32000, "No mcp-session-id: the first request must be initialize.");
    }
    const transport = await open(req, auth);
    await transport.handleRequest(req, res, body);
  }

  return {
    handle: async (req, res) => {
      const body = req.method === "POST" ? await readJson(req) : undefined;
      if (body instanceof Error) return sendJsonRpcError(res, 400, -32700, body.message);
      await handle(req, res, body);
    },
    close: async () => {
      clearInterval(sweeper);
      await Promise.all([...sessions.values()].map((session) => session.transport.close()));
    },
  };
}

const MAX_BODY_BYTES = 4 * 1024 * 1024;

/** The request body as JSON; the transport is given it parsed, to tell initialize apart. */
async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    size += buffer.length;
    if (size > MAX_BODY_BYTES) return new Error("Request body is larger than allowed.");
    chunks.push(buffer);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString("utf8"));
  } catch {
    return new Error("Request body is not valid JSON.");
  }
}
