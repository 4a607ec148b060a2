import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadConfig } from "@omnara/config";
import { createServer, type NotificationOptions, type RunningServer } from "@omnara/server";
import { createTestDatabase, type DatabaseKind, type TestDatabase } from "./databases.ts";
import { testPgliteSnapshot } from "./pglite-snapshot.ts";

export interface TestServer extends RunningServer {
  testDatabase: TestDatabase;
  dataDir: string;
  /** What the server logged as unexpected (internal) errors, in order. */
  loggedErrors: unknown[];
  /** Lines the server printed for its operator (e.g. a reset link without SMTP), in order. */
  notices: string[];
}

export interface TestServerOptions {
  env?: Record<string, string>;
  /** Reuse a database (for several servers on one Postgres). */
  database?: TestDatabase;
  dataDir?: string;
  /** Notification providers and dispatch (notify tests route providers to local servers). */
  notifications?: NotificationOptions;
}

/** A real server on a free port over a fresh database; close() drops the database. */
export async function startTestServer(kind: DatabaseKind, options: TestServerOptions = {}): Promise<TestServer> {
  const testDatabase = options.database ?? (await createTestDatabase(kind));
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), "omnara-test-"));
  const config = loadConfig({
    PORT: "0",
    HOST: "127.0.0.1",
    OMNARA_DATA_DIR: dataDir,
    OMNARA_PGLITE_MEMORY: "true",
    OMNARA_RATE_LIMIT_PER_MINUTE: "0",
    OMNARA_AUTH_RATE_LIMIT_PER_MINUTE: "0",
    ...(testDatabase.url ? { DATABASE_URL: testDatabase.url } : {}),
    ...options.env,
  });
  const errors: unknown[] = [];
  const notices: string[] = [];
  const server = await createServer(config, {
    log: (error) => errors.push(error),
    notice: (line) => notices.push(line),
    ...(options.notifications ? { notifications: options.notifications } : {}),
    ...(config.pgliteInMemory && !config.databaseUrl ? { pgliteSnapshot: await testPgliteSnapshot() } : {}),
  });
  const close = async () => {
    await server.close();
    if (!options.database) await testDatabase.drop();
    if (!options.dataDir) rmSync(dataDir, { recursive: true, force: true });
  };
  return { ...server, testDatabase, dataDir, loggedErrors: errors, notices, close, [Symbol.asyncDispose]: close };
}
