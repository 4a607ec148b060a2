import { createServer, type Server, Socket } from "node:net";
import { listenOnLoopback, throughProxy } from "./local-proxy.ts";

export interface ResettingProxy {
  port: number;
  /** The target URL with its host and port replaced by the proxy's. */
  url(targetUrl: string): string;
  /**
   * While on, every connection is reset (TCP RST) at the first byte its client sends after the
   * startup message: the moment postgres.js sends the first query of a new connection. Turning it
   * on also resets every open connection, as an outage does.
   */
  hostile(on: boolean): void;
  /** Connections reset so far at their first query (not those cut when hostility began). */
  readonly resets: number;
  close(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

/**
 * A TCP proxy in front of a Postgres server that can reset connections at a chosen point of the
 * protocol: for faults that an outage of the whole server only hits by chance. The server itself
 * is never touched.
 */
export async function startResettingProxy(target: { host: string; port: number }): Promise<ResettingProxy> {
  const open = new Set<{ client: Socket; upstream: Socket }>();
  let hostile = false;
  let resets = 0;
  const reset = (pair: { client: Socket; upstream: Socket }) => {
    open.delete(pair);
    pair.client.resetAndDestroy();
    pair.upstream.resetAndDestroy();
  };
  const server: Server = createServer((client) => {
    const upstream = new Socket();
    const pair = { client, upstream };
    open.add(pair);
    // The startup message is the only one without a type byte: a 4-byte length, then its body.
    let startupLeft: number | undefined;
    client.on("data", (chunk: Buffer) => {
      let rest = chunk;
      if (startupLeft === undefined && rest.length >= 4) startupLeft = rest.readUInt32BE(0);
      if (startupLeft !== undefined && startupLeft > 0) {
        const taken = Math.min(startupLeft, rest.length);
        startupLeft -= taken;
        upstream.write(rest.subarray(0, taken));
        rest = rest.subarray(taken);
      }
      if (rest.length === 0) return;
      if (hostile) {
        resets += 1;
        reset(pair);
      } else upstream.write(rest);
    });
    upstream.on("data", (chunk: Buffer) => client.write(chunk));
    const end = () => {
      open.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    client.on("error", end).on("close", end);
    upstream.on("error", end).on("close", end);
    upstream.connect(target.port, target.host);
  });
  const port = await listenOnLoopback(server);
  const close = async () => {
    for (const pair of open) reset(pair);
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  return {
    port,
    url: (targetUrl) => throughProxy(targetUrl, port),
    hostile: (on) => {
      hostile = on;
      if (on) for (const pair of [...open]) reset(pair);
    },
    get resets() {
      return resets;
    },
    close,
    [Symbol.asyncDispose]: close,
  };
}
