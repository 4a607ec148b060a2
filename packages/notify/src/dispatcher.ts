import type { NotificationChannel } from "@omnara/contracts";
import { type Bus, type BusEvent, type Db, schema } from "@omnara/db";
import { claimDueDeliveries, claimDueJobs, nextDueAt } from "./claim.ts";
import { deliver } from "./deliver.ts";
import { planJob } from "./plan.ts";
import type { Providers } from "./providers/provider.ts";
import { pruneOld } from "./retention.ts";
import { claimDueWebhooks, deliverWebhook, nextWebhookDueAt } from "./webhooks/webhook-queue.ts";

export interface DispatcherOptions {
  db: Db;
  bus: Bus;
  providers: Providers;
  dedupeWindowSeconds: number;
  /** For links that open an instance in the dashboard. */
  publicUrl?: string | undefined;
  log: (error: unknown) => void;
  now?: () => Date;
  /** Waits before each retry of a transient failure; its length is the number of retries. */
  retryDelaysMs?: readonly number[];
  /** The longest sleep without a wake: picks up other processes' deferred work and lost wakes. */
  sweepMs?: number;
  sendTimeoutMs?: number;
  webhooks?: WebhookDispatchOptions;
}

export interface WebhookDispatchOptions {
  /** Deliveries to loopback, link-local and private addresses (OMNARA_WEBHOOK_ALLOW_PRIVATE). */
  allowPrivate: boolean;
  /** Waits before each retry; its length is the number of retries. */
  retryDelaysMs?: readonly number[];
  timeoutMs?: number;
  /** Opens sealed header values (core's unseal with the server's secrets). */
  unseal?: (value: string) => string;
}

export interface Dispatcher {
  /** Look for due work now (coalesced: many wakes while busy cause one more pass). */
  wake(): void;
  /** Resolves when no pass is running (tests and shutdown). */
  idle(): Promise<void>;
  /** Called after every pass over the queue; returns the function that stops it. */
  onPass(listener: () => void): () => void;
  close(): Promise<void>;
}

const DEFAULT_RETRY_DELAYS_MS = [5_000, 30_000, 120_000, 600_000, 1_800_000];
/** About a day of tries: a receiver down overnight (n8n being upgraded) still gets its call. */
export const WEBHOOK_RETRY_DELAYS_MS = [
  5_000,
  30_000,
  120_000,
  600_000,
  1_800_000,
  3_600_000,
  3 * 3_600_000,
  6 * 3_600_000,
  12 * 3_600_000,
];
export const WEBHOOK_TIMEOUT_MS = 10_000;
const BATCH = 20;
const LEASE_MS = 60_000;
const PRUNE_EVERY_MS = 3600_000;

/** Events after whose commit a notification job or a webhook delivery may be waiting. */
const announcesJob = (event: BusEvent): boolean =>
  (event.type === "message" && event.queuedJobs !== false) ||
  (event.type === "instance" && (event.status === "COMPLETED" || event.status === "FAILED"));

/**
 * Delivers queued notifications: woken by the change bus (LISTEN/NOTIFY on Postgres) after the
 * writes that queue jobs, and by a timer set to the next due retry or rate-limit window, with a
 * slow sweep as the fallback. No tight polling loop.
 */
export async function startDispatcher(options: DispatcherOptions): Promise<Dispatcher> {
  const now = options.now ?? (() => new Date());
  const channels = new Set(Object.keys(options.providers).filter(isChannel));
  const planOptions = {
    db: options.db,
    now,
    dedupeWindowMs: options.dedupeWindowSeconds * 1000,
    channels,
    publicUrl: options.publicUrl,
  };
  const deliverOptions = {
    db: options.db,
    now,
    providers: options.providers,
    retryDelaysMs: options.retryDelaysMs ?? DEFAULT_RETRY_DELAYS_MS,
    sendTimeoutMs: options.sendTimeoutMs ?? 30_000,
  };
  const webhookOptions = {
    db: options.db,
    now,
    allowPrivate: options.webhooks?.allowPrivate ?? false,
    timeoutMs: options.webhooks?.timeoutMs ?? WEBHOOK_TIMEOUT_MS,
    retryDelaysMs: options.webhooks?.retryDelaysMs ?? WEBHOOK_RETRY_DELAYS_MS,
    unseal: options.webhooks?.unseal,
  };
  const sweepMs = options.sweepMs ?? 30_000;
  await publishCapabilities(options.db, options, [...channels]);

  let closed = false;
  let again = false;
  let running: Promise<void> | undefined;
  let timer: NodeJS.Timeout | undefined;
  let prunedAt = 0;
  const passListeners = new Set<() => void>();

  const pass = async (): Promise<void> => {
    if (now().getTime() - prunedAt >= PRUNE_EVERY_MS) {
      prunedAt = now().getTime();
      await pruneOld(options.db, now());
    }
    const lease = () => new Date(now().getTime() + LEASE_MS);
    for (;;) {
      const ids = await claimDueJobs(options.db, now(), lease(), BATCH);
      for (const id of ids) await planJob(planOptions, id);
      if (ids.length < BATCH) break;
    }
    for (;;) {
      const claimed = await claimDueDeliveries(options.db, now(), lease(), BATCH);
      await Promise.all(claimed.map((delivery) => deliver(deliverOptions, delivery)));
      if (claimed.length < BATCH) break;
    }
    for (;;) {
      const claimed = await claimDueWebhooks(options.db, now(), lease(), BATCH);
      await Promise.all(claimed.map((delivery) => deliverWebhook(webhookOptions, delivery)));
      if (claimed.length < BATCH) break;
    }
  };

  const schedule = async (): Promise<void> => {
    const times = [await nextDueAt(options.db), await nextWebhookDueAt(options.db)].filter(
      (at): at is Date => at !== undefined,
    );
    const due = times.length > 0 ? new Date(Math.min(...times.map((at) => at.getTime()))) : undefined;
    const wait = due ? Math.min(Math.max(due.getTime() - now().getTime(), 0), sweepMs) : sweepMs;
    if (closed) return;
    clearTimeout(timer);
    timer = setTimeout(wake, wait);
    // A pending timer must not keep a finished process (or test) alive.
    timer.unref();
  };

  const drain = async (): Promise<void> => {
    while (again && !closed) {
      again = false;
      try {
        await pass();
        await schedule();
      } catch (error) {
        options.log(error);
        if (!closed) {
          clearTimeout(timer);
          timer = setTimeout(wake, Math.min(sweepMs, 5_000));
          timer.unref();
        }
      }
      for (const listener of passListeners) listener();
    }
  };

  function wake(): void {
    if (closed) return;
    again = true;
    running ??= drain().finally(() => {
      running = undefined;
      if (again) wake();
    });
  }

  const unsubscribe = options.bus.subscribe({ all: true }, (event) => {
    if (announcesJob(event)) wake();
  });
  // Jobs queued before a restart (or while no dispatcher ran) go out now.
  wake();

  return {
    wake,
    idle: async () => {
      while (running) await running;
    },
    onPass: (listener) => {
      passListeners.add(listener);
      return () => passListeners.delete(listener);
    },
    close: async () => {
      closed = true;
      unsubscribe();
      clearTimeout(timer);
      while (running) await running;
      await Promise.all(Object.values(options.providers).map((provider) => provider.close()));
    },
  };
}

const channelNames: ReadonlySet<string> = new Set<NotificationChannel>(["apns", "fcm", "web_push", "email"]);
const isChannel = (key: string): key is NotificationChannel => channelNames.has(key);

/** Tells user procedures (which hold no providers) what this server can deliver. */
async function publishCapabilities(db: Db, options: DispatcherOptions, channels: NotificationChannel[]): Promise<void> {
  const values = {
    channels,
    webPushPublicKey: options.providers.web_push?.publicKey ?? null,
    dedupeWindowSeconds: options.dedupeWindowSeconds,
    updatedAt: new Date(),
  };
  await db
    .insert(schema.notificationCapabilities)
    .values({ id: "server", ...values })
    .onConflictDoUpdate({ target: schema.notificationCapabilities.id, set: values });
}
