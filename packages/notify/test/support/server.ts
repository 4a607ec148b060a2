import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadConfig } from "@omnara/config";
import { type NotificationOptions, type RunningServer, startServer } from "@omnara/http";
import { createTestDatabase, type DatabaseKind, type TestDatabase } from "@omnara/testing";

export interface NotifyServer extends RunningServer {
  testDatabase: TestDatabase;
  dataDir: string;
  errors: unknown[];
  /** Resolves once `check` holds, re-checking after each dispatcher pass; fails after the deadline. */
  until<T>(check: () => Promise<T | undefined>, timeoutMs?: number): Promise<T>;
}

export interface NotifyServerOptions {
  env?: Record<string, string>;
  notifications?: NotificationOptions;
  /** Reuse a database and data dir (a restart); the first server's close() keeps them. */
  database?: TestDatabase;
  dataDir?: string;
  /** Keep PGlite on disk under dataDir, so a second server on the same dataDir finds the queue. */
  persistent?: boolean;
}

/**
 * startTestServer with the notification options of startServer: tests give providers that
 * trust the local gateways' certificate.
 */
export async function startNotifyServer(kind: DatabaseKind, options: NotifyServerOptions = {}): Promise<NotifyServer> {
  const testDatabase = options.database ?? (await createTestDatabase(kind));
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), "omnara-notify-"));
  const config = loadConfig({
    PORT: "0",
    HOST: "127.0.0.1",
    OMNARA_DATA_DIR: dataDir,
    OMNARA_PGLITE_MEMORY: options.persistent ? "false" : "true",
    OMNARA_RATE_LIMIT_PER_MINUTE: "0",
    OMNARA_AUTH_RATE_LIMIT_PER_MINUTE: "0",
    OMNARA_NOTIFY_DEDUPE_SECONDS: "0",
    OMNARA_PUBLIC_URL: "https://omnara.example.com",
    ...(testDatabase.url ? { DATABASE_URL: testDatabase.url } : {}),
    ...options.env,
  });
  const errors: unknown[] = [];
  const server = await startServer(config, {
    log: (error) => errors.push(error),
    ...(options.notifications ? { notifications: options.notifications } : {}),
  });
  const close = async () => {
    await server.close();
    if (!options.database) await testDatabase.drop();
    if (!options.dataDir) rmSync(dataDir, { recursive: true, force: true });
  };
  const until = async <T>(check: () => Promise<T | undefined>, timeoutMs = 10_000): Promise<T> => {
    const dispatcher = server.notifications;
    if (!dispatcher) throw new Error("this server does not dispatch notifications");
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      await dispatcher.idle();
      const value = await check();
      if (value !== undefined) return value;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`condition not met within ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(left, 250));
        const stop = dispatcher.onPass(() => {
          stop();
          clearTimeout(timer);
          resolve();
        });
      });
    }
  };
  return { ...server, testDatabase, dataDir, errors, until, close, [Symbol.asyncDispose]: close };
}
