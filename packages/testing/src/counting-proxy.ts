import { createServer, type Server, Socket } from "node:net";
import { listenOnLoopback, throughProxy } from "./local-proxy.ts";

export interface CountingProxy {
  port: number;
  /** The target URL with its host and port replaced by the proxy's. */
  url(targetUrl: string): string;
  /**
   * Round trips so far: the times a client sent something after the server had answered since its
   * last send. Statements a client pipelines share one; a statement sent after another's answer
   * counts one more; and so does every intermediate wait inside one statement (a Parse + Describe
   * + Flush whose answer the client needs before it binds). So this is the number of times a
   * caller waited on the database, whatever the statements were.
   */
  readonly roundTrips: number;
  /** The SQL text of every statement parsed since the last call, in order (and forgets them). */
  takeStatements(): string[];
  /**
   * With `timeline: true`, what crossed the wire since the last call (and forgets it): each
   * statement a client bound or sent, each answer's end (ReadyForQuery) and each NOTIFY delivered,
   * stamped with performance.now() in this process.
   */
  takeTimeline(): WireEvent[];
  close(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

export interface WireEvent {
  at: number;
  /** Which client connection (numbered as they opened). */
  connection: number;
  /** "statement": a Bind or simple Query sent; "ready": an answer ended; "notify": a NOTIFY arrived. */
  kind: "statement" | "ready" | "notify";
  /** The statement's SQL, or the NOTIFY's payload. */
  text: string;
}

/** Reads frontend messages as they stream past; calls `onMessage(type, body)` for each. */
function messageReader(onMessage: (type: string, body: Buffer) => void, started = false): (chunk: Buffer) => void {
  let pending: Buffer = Buffer.alloc(0);
  // The client's startup message is the only one without a type byte (backend messages all have one).
  return (chunk) => {
    pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
    for (;;) {
      if (!started) {
        if (pending.length < 4) return;
        const length = pending.readUInt32BE(0);
        if (pending.length < length) return;
        pending = pending.subarray(length);
        started = true;
        continue;
      }
      if (pending.length < 5) return;
      const length = pending.readUInt32BE(1);
      if (pending.length < 1 + length) return;
      onMessage(String.fromCharCode(pending[0] ?? 0), pending.subarray(5, 1 + length));
      pending = pending.subarray(1 + length);
    }
  };
}

const cString = (body: Buffer, from: number): string => {
  const end = body.indexOf(0, from);
  return body.toString("utf8", from, end < 0 ? body.length : end);
};

/**
 * A TCP proxy in front of Postgres that counts what its clients ask of the database: for the
 * bench's "round trips per operation", measured on the wire rather than inferred from the code.
 */
export async function startCountingProxy(
  target: { host: string; port: number },
  options: { timeline?: boolean } = {},
): Promise<CountingProxy> {
  const open = new Set<Socket>();
  let roundTrips = 0;
  let statements: string[] = [];
  let timeline: WireEvent[] = [];
  let connections = 0;
  // Prepared statements are parsed once per connection and bound by name afterwards.
  const connectionReaders = () => {
    const parsed = new Map<string, string>();
    const connection = ++connections;
    const record = (kind: WireEvent["kind"], text: string) => {
      if (options.timeline) timeline.push({ at: performance.now(), connection, kind, text });
    };
    const fromClient = messageReader((type, body) => {
      if (type === "Q") {
        statements.push(cString(body, 0));
        record("statement", cString(body, 0));
      } else if (type === "P") {
        const name = cString(body, 0);
        parsed.set(name, cString(body, Buffer.byteLength(name) + 1));
      } else if (type === "B") {
        const portal = cString(body, 0);
        const text = parsed.get(cString(body, Buffer.byteLength(portal) + 1)) ?? "?";
        statements.push(text);
        record("statement", text);
      }
    });
    const fromServer = options.timeline
      ? messageReader((type, body) => {
          if (type === "Z") record("ready", "");
          // NotificationResponse: pid (4 bytes), channel, payload.
          else if (type === "A") record("notify", cString(body, 4 + Buffer.byteLength(cString(body, 4)) + 1));
        }, true)
      : () => {};
    return { fromClient, fromServer };
  };
  const server: Server = createServer((client) => {
    const upstream = new Socket();
    open.add(client);
    open.add(upstream);
    const read = connectionReaders();
    // The client's first send (its startup) is a round trip like any other; only deltas are read.
    let serverAnswered = true;
    client.on("data", (chunk: Buffer) => {
      if (serverAnswered) roundTrips += 1;
      serverAnswered = false;
      read.fromClient(chunk);
      upstream.write(chunk);
    });
    upstream.on("data", (chunk: Buffer) => {
      serverAnswered = true;
      read.fromServer(chunk);
      client.write(chunk);
    });
    const end = () => {
      open.delete(client);
      open.delete(upstream);
      client.destroy();
      upstream.destroy();
    };
    client.on("error", end).on("close", end);
    upstream.on("error", end).on("close", end);
    upstream.connect(target.port, target.host);
  });
  const port = await listenOnLoopback(server);
  const close = async () => {
    for (const socket of open) socket.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  return {
    port,
    url: (targetUrl) => throughProxy(targetUrl, port),
    get roundTrips() {
      return roundTrips;
    },
    takeStatements: () => {
      const taken = statements;
      statements = [];
      return taken;
    },
    takeTimeline: () => {
      const taken = timeline;
      timeline = [];
      return taken;
    },
    close,
    [Symbol.asyncDispose]: close,
  };
}
