import {
  type DatabaseKind,
  LIVE_WITHIN_MS,
  type NotificationOptions,
  startTestServer,
  type TestServer,
} from "@omnara/testing";

export interface NotifyServer extends TestServer {
  errors: unknown[];
  /** Resolves once `check` holds, re-checking after each dispatcher pass; fails after the deadline. */
  until<T>(check: () => Promise<T | undefined>, timeoutMs?: number): Promise<T>;
}

export interface NotifyServerOptions {
  env?: Record<string, string>;
  notifications?: NotificationOptions;
  /** Reuse a database and data dir (a restart); the first server's close() keeps them. */
  database?: TestServer["testDatabase"];
  dataDir?: string;
  /** Keep PGlite on disk under dataDir, so a second server on the same dataDir finds the queue. */
  persistent?: boolean;
}

/**
 * startTestServer with notifications sent at once to a public URL: tests give providers that
 * trust the local gateways' certificate.
 */
export async function startNotifyServer(kind: DatabaseKind, options: NotifyServerOptions = {}): Promise<NotifyServer> {
  const server = await startTestServer(kind, {
    env: {
      OMNARA_PGLITE_MEMORY: options.persistent ? "false" : "true",
      OMNARA_NOTIFY_DEDUPE_SECONDS: "0",
      OMNARA_PUBLIC_URL: "https://omnara.example.com",
      ...options.env,
    },
    ...(options.database ? { database: options.database } : {}),
    ...(options.dataDir ? { dataDir: options.dataDir } : {}),
    ...(options.notifications ? { notifications: options.notifications } : {}),
  });
  const until = async <T>(check: () => Promise<T | undefined>, timeoutMs = 2 * LIVE_WITHIN_MS): Promise<T> => {
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
  return { ...server, errors: server.loggedErrors, until };
}
