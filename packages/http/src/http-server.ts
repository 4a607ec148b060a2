import { createServer, type RequestListener, type Server } from "node:http";
import type { Socket } from "node:net";

/**
 * How long a client may take to send a request. Node's request timeout covers the request line,
 * headers and body and stops once the body is in, so long-polls and SSE streams (whose requests
 * are short) run on their own bounds: limits.maxWaitSeconds per wait, SSE pings every 15 s.
 * 20 s for a body of at most ~2.3 MB asks a client for ~120 kB/s, which any agent has.
 */
export const serverTimeouts = {
  headersMs: 10_000,
  requestMs: 20_000,
  /** How often Node checks the two above; its default (30 s) would let a socket live 50 s. */
  checkEveryMs: 1_000,
  /** Idle keep-alive sockets: long enough for an agent's next call, not forever. */
  keepAliveMs: 75_000,
} as const;

export interface HttpServerOptions {
  /** Open sockets allowed from one peer address; 0 for no cap. */
  maxConnectionsPerAddress: number;
  /** Peers exempt from the cap: trusted proxies carry many clients on one address. */
  exempt: (address: string) => boolean;
}

/**
 * The HTTP server with the bounds one slow or greedy client must not be able to exceed: a
 * trickled request is cut at the request timeout, and one address cannot hold more than its
 * share of file descriptors, so /healthz and everyone else keep being served.
 */
export function createHttpServer(app: RequestListener, options: HttpServerOptions): Server {
  const server = createServer(
    {
      headersTimeout: serverTimeouts.headersMs,
      requestTimeout: serverTimeouts.requestMs,
      connectionsCheckingInterval: serverTimeouts.checkEveryMs,
      keepAliveTimeout: serverTimeouts.keepAliveMs,
    },
    app,
  );
  if (options.maxConnectionsPerAddress > 0) capConnections(server, options);
  return server;
}

function capConnections(server: Server, options: HttpServerOptions): void {
  const open = new Map<string, number>();
  server.on("connection", (socket: Socket) => {
    const address = socket.remoteAddress;
    if (!address || options.exempt(address)) return;
    const count = (open.get(address) ?? 0) + 1;
    if (count > options.maxConnectionsPerAddress) {
      refuse(socket, options.maxConnectionsPerAddress);
      return;
    }
    open.set(address, count);
    socket.once("close", () => {
      const left = (open.get(address) ?? 1) - 1;
      if (left > 0) open.set(address, left);
      else open.delete(address);
    });
  });
}

/** How long a refused socket may take to read its answer before it is cut. */
const REFUSED_LINGER_MS = 1_000;

/**
 * Over the cap: a coded 429 written before a byte of the request is read (the cheapest answer
 * to a flood that a client can still tell from a network fault), then the socket is closed. What
 * the client sends meanwhile is read and dropped: closing with unread bytes would reset the
 * connection, and the client would see ECONNRESET instead of the answer.
 */
function refuse(socket: Socket, cap: number): void {
  const message = `Too many open connections from this address (at most ${cap}); close some and retry.`;
  const body = JSON.stringify({ error: { code: "TOO_MANY_REQUESTS", message }, detail: message });
  socket.on("error", () => {});
  socket.resume();
  socket.end(
    `HTTP/1.1 429 Too Many Requests\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nretry-after: 1\r\nconnection: close\r\n\r\n${body}`,
  );
  setTimeout(() => socket.destroy(), REFUSED_LINGER_MS).unref();
}
