import type { AddressInfo } from "node:net";
import type { Config } from "@omnara/config";
import {
  type CoreDeps,
  createDoorbell,
  createLocalUserAuthenticator,
  createSupabaseUserAuthenticator,
  createUserAuthenticator,
  EXPIRE_STARTS_EVERY_MS,
  expireStartRequests,
  FEED_PRUNE_EVERY_MS,
  loadOrCreateSecrets,
  type PasswordResetDelivery,
  pruneFeed,
  resetLink,
  unseal,
} from "@omnara/core";
import { createDb, type Database } from "@omnara/db";
import { billingDeps, createApp, createHttpServer, redactForLog } from "@omnara/http";
import { createMailer, createProviders, type Dispatcher, type Providers, startDispatcher } from "@omnara/notify";
import { repositoryDashboardDir } from "./repository-dashboard.ts";

export interface RunningServer {
  /** Base URL, e.g. http://127.0.0.1:8080 */
  url: string;
  port: number;
  database: Database;
  deps: CoreDeps;
  /** Sends queued notifications; undefined when this process does not dispatch. */
  notifications: Dispatcher | undefined;
  close(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

export interface ServerOptions {
  /** Where unexpected errors go (already redacted): the entry that starts the server decides. */
  log: (error: unknown) => void;
  /** Lines meant for the operator (a password-reset link when SMTP is off); default: `log`. */
  notice?: (line: string) => void;
  notifications?: NotificationOptions;
  /** An in-memory PGlite starts from this migrated data directory instead of initdb (tests). */
  pgliteSnapshot?: Blob;
}

export interface NotificationOptions {
  /** Used instead of the providers the configuration describes (tests route them to local servers). */
  providers?: Providers;
  /** false: this process queues notifications but sends none (another process does). */
  dispatch?: boolean;
  retryDelaysMs?: readonly number[];
  /** Webhook retry waits (tests shorten them). */
  webhookRetryDelaysMs?: readonly number[];
  /** The dispatcher's sweep without a wake (tests that count its passes lengthen it). */
  sweepMs?: number;
}

/**
 * The composition root: the whole platform in one process — database (migrated), bus, secrets,
 * notification dispatcher, HTTP API, dashboard — wired from the configuration. `npm start`,
 * `omnara serve` and the tests all start it through here.
 */
export async function createServer(config: Config, options: ServerOptions): Promise<RunningServer> {
  const log = (error: unknown) => options.log(redactForLog(error));
  const database = await createDb({
    url: config.databaseUrl,
    dataDir: config.pgliteInMemory ? undefined : config.dataDir,
    snapshot: options.pgliteSnapshot,
    log,
  });
  const deps: CoreDeps = {
    db: database.db,
    bus: database.bus,
    secrets: loadOrCreateSecrets(config.dataDir),
    now: () => new Date(),
    billing: config.billing ? billingDeps(config.billing) : undefined,
    doorbell: createDoorbell(),
    machineAsleepAfterMs: config.machineAsleepAfterMs,
    machineStartExpiresAfterMs: config.machineStartExpiresAfterMs,
    githubApiUrl: config.webhooks.githubApiUrl,
  };
  const notifications =
    options.notifications?.dispatch === false
      ? undefined
      : await startDispatcher({
          db: database.db,
          bus: database.bus,
          providers:
            options.notifications?.providers ??
            createProviders(config.notifications, { dataDir: config.dataDir, publicUrl: config.publicUrl }),
          dedupeWindowSeconds: config.notifications.dedupeWindowSeconds,
          publicUrl: config.publicUrl,
          log,
          ...(options.notifications?.retryDelaysMs ? { retryDelaysMs: options.notifications.retryDelaysMs } : {}),
          ...(options.notifications?.sweepMs ? { sweepMs: options.notifications.sweepMs } : {}),
          webhooks: {
            allowPrivate: config.webhooks.allowPrivate,
            unseal: (value) => unseal(deps.secrets, value),
            ...(options.notifications?.webhookRetryDelaysMs
              ? { retryDelaysMs: options.notifications.webhookRetryDelaysMs }
              : {}),
          },
        });
  const stopDoorbell = deps.doorbell.listen(() => notifications?.wake());
  // The change feed only serves resuming streams: each user's oldest rows are pruned.
  const feedPruning = setInterval(() => void pruneFeed(deps.db).catch(log), FEED_PRUNE_EVERY_MS);
  feedPruning.unref();
  // A start request to an asleep machine fails in time on the dashboard, with nobody reading it.
  const startExpiry = setInterval(() => void expireStartRequests(deps).catch(log), EXPIRE_STARTS_EVERY_MS);
  startExpiry.unref();
  // Known once listening; reset links use OMNARA_PUBLIC_URL when set.
  let baseUrl = config.publicUrl ?? "";
  const app = createApp({
    deps,
    userAuth: createUserAuthenticator(
      createLocalUserAuthenticator(deps),
      config.supabase
        ? { issuer: config.supabase.issuer, authenticator: createSupabaseUserAuthenticator(deps, config.supabase) }
        : undefined,
    ),
    supabase: config.supabase ? { url: config.supabase.url, anonKey: config.supabase.anonKey } : undefined,
    passwordReset: passwordResetDelivery(config, {
      notice: options.notice ?? options.log,
      log,
      baseUrl: () => baseUrl,
    }),
    role: config.role,
    rateLimitPerMinute: config.rateLimitPerMinute,
    publicRateLimitPerMinute: config.publicRateLimitPerMinute,
    allowSignup: config.allowSignup,
    databaseKind: database.kind,
    trustProxy: config.trustProxy,
    publicUrl: config.publicUrl,
    dashboardDir: config.dashboardDir ?? repositoryDashboardDir(),
    log,
  });
  const trusted: unknown = app.get("trust proxy fn");
  const server = createHttpServer(app, {
    maxConnectionsPerAddress: config.maxConnectionsPerAddress,
    exempt: (address) => typeof trusted === "function" && trusted(address, 0) === true,
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(config.port, config.host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const host = config.host.includes(":") ? `[${config.host}]` : config.host;
  baseUrl = `http://${host === "0.0.0.0" ? "127.0.0.1" : host}:${port}`;
  const close = async () => {
    server.closeIdleConnections();
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    // Open waits are cut: clients retry against the next process, with the reply kept in the db.
    setTimeout(() => server.closeAllConnections(), 2_000).unref();
    await closed;
    stopDoorbell();
    clearInterval(feedPruning);
    clearInterval(startExpiry);
    await notifications?.close();
    await database.close();
  };
  return {
    url: baseUrl,
    port,
    database,
    deps,
    notifications,
    close,
    [Symbol.asyncDispose]: close,
  };
}

/** Reset links by SMTP when email is configured; otherwise printed for the operator to pass on. */
function passwordResetDelivery(
  config: Config,
  out: { notice: (line: string) => void; log: (error: unknown) => void; baseUrl: () => string },
): PasswordResetDelivery {
  const smtp = config.notifications.smtp;
  const mailer = smtp ? createMailer(smtp) : undefined;
  return {
    log: out.log,
    send: async (to, token) => {
      const link = resetLink(config.publicUrl ?? out.baseUrl(), token);
      if (!mailer) {
        out.notice(`Password reset asked for ${to} (SMTP is off, so nothing was mailed): ${link}`);
        return;
      }
      await mailer.send({
        to,
        subject: "Reset your Omnara password",
        text: [
          "Someone (hopefully you) asked to reset the password of this Omnara account.",
          "",
          `Set a new password: ${link}`,
          "",
          "The link works once, for an hour. If you did not ask, ignore this email.",
          "",
        ].join("\n"),
      });
    },
  };
}
