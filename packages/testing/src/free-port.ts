import { createServer } from "node:net";

/**
 * Ports below Linux's ephemeral range (32768 up): the kernel hands none of them to a listen on
 * port 0 or to an outgoing connection, which hundreds of tests on this machine make every second.
 * A port from that range, free when checked, could be taken by one of them before the server
 * binds it, or while it is down for a restart (seconds: a cluster's outage, a killed server's
 * migrations), and the restart then fails on a port in use.
 */
const PORTS = { from: 20_000, to: 32_000 };

const listensOn = (port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const server = createServer();
    server.once("error", () => resolve(false));
    server.listen(port, "127.0.0.1", () => server.close(() => resolve(true)));
  });

/**
 * A TCP port nothing listens on now, for a server that must come back on the same port after a
 * restart (a throwaway cluster's outage, a killed server): port 0 would give an ephemeral one.
 */
export async function freePort(): Promise<number> {
  for (let tries = 0; tries < 50; tries++) {
    const port = PORTS.from + Math.floor(Math.random() * (PORTS.to - PORTS.from));
    if (await listensOn(port)) return port;
  }
  throw new Error(`no free port between ${PORTS.from} and ${PORTS.to}`);
}
