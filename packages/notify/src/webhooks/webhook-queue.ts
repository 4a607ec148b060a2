import { type Db, schema } from "@omnara/db";
import { and, asc, eq, inArray, isNull, lt, lte, or, sql } from "drizzle-orm";
import { type PostResult, postWebhook } from "./post-webhook.ts";
import { signatureHeader, signWebhook } from "./signature.ts";

const { webhookDeliveries: deliveries, webhookAttempts: attempts, webhookEndpoints: endpoints } = schema;
export type WebhookDeliveryRow = typeof deliveries.$inferSelect;

export interface WebhookQueueOptions {
  db: Db;
  now: () => Date;
  allowPrivate: boolean;
  timeoutMs: number;
  /** Wait before retry n (1-based); past its end the delivery fails for good. */
  retryDelaysMs: readonly number[];
  /** Opens header values stored sealed (a launch's GitHub token); values that are not sealed pass as they are. */
  unseal?: ((value: string) => string) | undefined;
}

/** Leases, as the notification deliveries (see claim.ts): no transaction spans the HTTP call. */
export async function claimDueWebhooks(
  db: Db,
  now: Date,
  leaseUntil: Date,
  limit: number,
): Promise<WebhookDeliveryRow[]> {
  const due = db
    .select({ id: deliveries.id })
    .from(deliveries)
    .where(
      and(
        eq(deliveries.state, "pending"),
        lte(deliveries.nextAttemptAt, now),
        or(isNull(deliveries.leaseUntil), lt(deliveries.leaseUntil, now)),
      ),
    )
    .orderBy(asc(deliveries.nextAttemptAt))
    .limit(limit)
    .for("update", { skipLocked: true });
  return db
    .update(deliveries)
    .set({ leaseUntil, attempts: sql`${deliveries.attempts} + 1` })
    .where(inArray(deliveries.id, due))
    .returning();
}

export async function nextWebhookDueAt(db: Db): Promise<Date | undefined> {
  const [row] = await db
    .select({
      at: sql<
        string | null
      >`min(greatest(${deliveries.nextAttemptAt}, coalesce(${deliveries.leaseUntil}, ${deliveries.nextAttemptAt})))`,
    })
    .from(deliveries)
    .where(eq(deliveries.state, "pending"));
  return typeof row?.at === "string" ? new Date(row.at) : undefined;
}

/** The user's signing secret, created (by the database) on first use. */
export async function webhookSecret(db: Db, userId: string): Promise<string> {
  await db.insert(schema.webhookSecrets).values({ userId }).onConflictDoNothing();
  const [row] = await db
    .select({ secret: schema.webhookSecrets.secret })
    .from(schema.webhookSecrets)
    .where(eq(schema.webhookSecrets.userId, userId));
  if (!row) throw new Error(`no webhook secret for user ${userId}`);
  return row.secret;
}

/** Why an event delivery may no longer go out (its endpoint was deleted or paused), if so. */
async function endpointRefusal(db: Db, delivery: WebhookDeliveryRow): Promise<string | undefined> {
  if (delivery.event === "n8n_resume" || delivery.event === "launch") return undefined;
  if (!delivery.endpointId) return "the webhook was deleted";
  const [endpoint] = await db
    .select({ enabled: endpoints.enabled })
    .from(endpoints)
    .where(eq(endpoints.id, delivery.endpointId));
  if (!endpoint) return "the webhook was deleted";
  return endpoint.enabled || delivery.event === "test" ? undefined : "the webhook is paused";
}

/** Sends one claimed delivery, signed, and records the attempt; never throws for the receiver's failure. */
export async function deliverWebhook(options: WebhookQueueOptions, delivery: WebhookDeliveryRow): Promise<void> {
  const refusal = await endpointRefusal(options.db, delivery);
  const result: PostResult = refusal
    ? { ok: false, status: null, error: refusal, responseExcerpt: null, durationMs: 0, retry: false }
    : await postWebhook(
        {
          url: delivery.url,
          body: delivery.body,
          headers: await headersFor(options, delivery),
        },
        { allowPrivate: options.allowPrivate, timeoutMs: options.timeoutMs },
      );
  const now = options.now();
  const planned = options.retryDelaysMs[delivery.attempts - 1];
  const retryIn = !result.ok && result.retry ? planned : undefined;
  await options.db.transaction(async (tx) => {
    await tx.insert(attempts).values({
      deliveryId: delivery.id,
      attempt: delivery.attempts,
      status: result.status,
      error: result.error,
      responseExcerpt: result.responseExcerpt,
      durationMs: result.durationMs,
      createdAt: now,
    });
    const next = result.ok
      ? { state: "delivered" as const, deliveredAt: now }
      : retryIn === undefined
        ? { state: "failed" as const }
        : { nextAttemptAt: new Date(now.getTime() + retryIn) };
    await tx
      .update(deliveries)
      .set({ ...next, leaseUntil: null })
      .where(eq(deliveries.id, delivery.id));
    if (result.ok && delivery.event === "n8n_resume" && delivery.questionMessageId) {
      // As Omnara v1 recorded it on the question, for clients that read the metadata.
      const mark = JSON.stringify({ webhook_triggered: true, webhook_response_status: result.status });
      await tx
        .update(schema.messages)
        .set({ messageMetadata: sql`coalesce(${schema.messages.messageMetadata}, '{}'::jsonb) || ${mark}::jsonb` })
        .where(eq(schema.messages.id, delivery.questionMessageId));
    }
  });
}

async function headersFor(options: WebhookQueueOptions, delivery: WebhookDeliveryRow): Promise<Record<string, string>> {
  const secret = await webhookSecret(options.db, delivery.userId);
  const timestamp = Math.floor(options.now().getTime() / 1000);
  return {
    "Content-Type": "application/json",
    "User-Agent": "Omnara-Webhooks/1",
    "X-Omnara-Event": delivery.event,
    // The same on every attempt of one delivery: receivers deduplicate on it.
    "X-Omnara-Delivery": delivery.id,
    ...Object.fromEntries(
      Object.entries(delivery.headers).map(([name, value]) => [name, options.unseal ? options.unseal(value) : value]),
    ),
    [signatureHeader]: signWebhook(secret, delivery.body, timestamp),
  };
}
