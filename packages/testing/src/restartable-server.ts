import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createTestDatabase, type DatabaseKind } from "./databases.ts";
import { freePort } from "./free-port.ts";
import { startTestServer, type TestServer, type TestServerOptions } from "./server.ts";

export interface RestartableTestServer {
  /** The process serving now; replaced by `restart()`. */
  readonly current: TestServer;
  /** Stays the same across restarts (same host and port). */
  readonly url: string;
  /** Stops the server (cutting open requests) and starts a new one on the same port and data. */
  restart(): Promise<TestServer>;
  close(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

/**
 * A server that can be restarted with its data kept: PGlite persisted under a data dir (not in
 * memory), or one Postgres database shared by both processes. For "the server went away while a
 * client waited" tests.
 */
export async function startRestartableTestServer(
  kind: DatabaseKind,
  options: Pick<TestServerOptions, "env" | "notifications"> = {},
): Promise<RestartableTestServer> {
  const dataDir = mkdtempSync(join(tmpdir(), "omnara-restart-"));
  const database = await createTestDatabase(kind);
  const env = { ...options.env, OMNARA_PGLITE_MEMORY: "false" };
  const notifications = options.notifications ? { notifications: options.notifications } : {};
  // Not port 0: the restart must bind the same port again, and an ephemeral one can be taken
  // by any connection on the machine while the server is down.
  const port = String(await freePort());
  let current = await startTestServer(kind, { env: { ...env, PORT: port }, dataDir, database, ...notifications });
  const url = current.url;
  const close = async () => {
    await current.close();
    await database.drop();
    rmSync(dataDir, { recursive: true, force: true });
  };
  return {
    get current() {
      return current;
    },
    url,
    async restart() {
      await current.close();
      current = await startTestServer(kind, { env: { ...env, PORT: port }, dataDir, database, ...notifications });
      return current;
    },
    close,
    [Symbol.asyncDispose]: close,
  };
}
