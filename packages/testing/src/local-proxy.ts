import type { Server } from "node:net";

/** Listens on a free loopback port; returns it. */
export async function listenOnLoopback(server: Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  return typeof address === "object" && address ? address.port : 0;
}

/** `targetUrl` with its host and port replaced by a local proxy's. */
export function throughProxy(targetUrl: string, port: number): string {
  const url = new URL(targetUrl);
  url.hostname = "127.0.0.1";
  url.port = String(port);
  return url.toString();
}
