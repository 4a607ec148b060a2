import type { NotificationChannel } from "@omnara/contracts";
import { type Db, schema } from "@omnara/db";
import { eq } from "drizzle-orm";
import type { DeliveryRow } from "./claim.ts";
import type { DeliveryTarget, Providers, SendResult } from "./providers/provider.ts";

const { notificationDeliveries: deliveries, notificationDevices: devices, notificationLog: log } = schema;
type DeviceRow = typeof devices.$inferSelect;

export interface DeliverOptions {
  db: Db;
  now: () => Date;
  providers: Providers;
  /** Wait before retry n (1-based index into the list); past its end the delivery fails for good. */
  retryDelaysMs: readonly number[];
  /** A provider that hangs is treated as a transient failure after this long. */
  sendTimeoutMs: number;
}

/** Sends one claimed delivery and records the attempt; never throws for a provider's failure. */
export async function deliver(options: DeliverOptions, delivery: DeliveryRow): Promise<void> {
  const [device] = delivery.deviceId
    ? await options.db.select().from(devices).where(eq(devices.id, delivery.deviceId))
    : [];
  const target = targetOf(delivery, device);
  const result: SendResult = target
    ? await send(options, target, delivery)
    : { ok: false, code: "REJECTED", reason: "the device was removed before it could be sent to" };
  const now = options.now();
  const retryIn =
    !result.ok && result.code === "TRANSIENT" ? retryDelay(options, delivery.attempts, result) : undefined;
  const [job] = await options.db
    .select({ agentInstanceId: schema.notificationJobs.agentInstanceId, count: schema.notificationJobs.count })
    .from(schema.notificationJobs)
    .where(eq(schema.notificationJobs.id, delivery.jobId));
  await options.db.transaction(async (tx) => {
    await tx.insert(log).values({
      userId: delivery.userId,
      jobId: delivery.jobId,
      agentInstanceId: job?.agentInstanceId ?? delivery.content.agentInstanceId,
      event: delivery.content.event,
      channel: delivery.channel,
      deviceId: device?.id ?? null,
      deviceName: device?.name ?? null,
      outcome: result.ok ? "sent" : "failed",
      reason: result.ok ? null : result.code === "INVALID_TOKEN" ? `${result.reason} (device removed)` : result.reason,
      attempt: delivery.attempts,
      willRetry: retryIn !== undefined,
      count: job?.count ?? delivery.content.count,
      createdAt: now,
    });
    await tx
      .update(deliveries)
      .set(
        retryIn === undefined
          ? { done: true, leaseUntil: null }
          : { nextAttemptAt: new Date(now.getTime() + retryIn), leaseUntil: null },
      )
      .where(eq(deliveries.id, delivery.id));
    if (!device) return;
    if (result.ok) {
      await tx.update(devices).set({ lastSentAt: now }).where(eq(devices.id, device.id));
    } else if (result.code === "INVALID_TOKEN") {
      // The provider says this token will never work again: stop sending to it.
      await tx.delete(devices).where(eq(devices.id, device.id));
    } else {
      await tx
        .update(devices)
        .set({ lastFailureAt: now, lastFailureReason: result.reason })
        .where(eq(devices.id, device.id));
    }
  });
}

function targetOf(delivery: DeliveryRow, device: DeviceRow | undefined): DeliveryTarget | undefined {
  if (delivery.channel === "email")
    return delivery.emailAddress ? { channel: "email", address: delivery.emailAddress } : undefined;
  if (!device) return undefined;
  if (device.channel === "web_push") {
    return device.webPushKeys ? { channel: "web_push", endpoint: device.token, keys: device.webPushKeys } : undefined;
  }
  return { channel: device.channel, token: device.token };
}

/** Narrows the provider to the target's channel, so each gets only its own kind of target. */
function send(options: DeliverOptions, target: DeliveryTarget, delivery: DeliveryRow): Promise<SendResult> {
  const { providers } = options;
  const missing = (channel: NotificationChannel): Promise<SendResult> =>
    Promise.resolve({ ok: false, code: "REJECTED", reason: `${channel} is not configured on this server` });
  const attempt = (): Promise<SendResult> => {
    switch (target.channel) {
      case "apns":
        return providers.apns ? providers.apns.send(target, delivery.content) : missing(target.channel);
      case "fcm":
        return providers.fcm ? providers.fcm.send(target, delivery.content) : missing(target.channel);
      case "web_push":
        return providers.web_push ? providers.web_push.send(target, delivery.content) : missing(target.channel);
      case "email":
        return providers.email ? providers.email.send(target, delivery.content) : missing(target.channel);
    }
  };
  return withTimeout(attempt(), options.sendTimeoutMs);
}

async function withTimeout(sending: Promise<SendResult>, ms: number): Promise<SendResult> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<SendResult>((resolve) => {
    timer = setTimeout(() => resolve({ ok: false, code: "TRANSIENT", reason: `no answer within ${ms} ms` }), ms);
  });
  try {
    return await Promise.race([
      sending.catch(
        (error: unknown): SendResult => ({
          ok: false,
          code: "TRANSIENT",
          reason: error instanceof Error ? error.message : String(error),
        }),
      ),
      timeout,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** Backoff for the attempt that just failed, or undefined when the attempts are used up. */
function retryDelay(options: DeliverOptions, attempts: number, result: SendResult): number | undefined {
  const planned = options.retryDelaysMs[attempts - 1];
  if (planned === undefined) return undefined;
  const asked = !result.ok && result.retryAfterSeconds ? result.retryAfterSeconds * 1000 : 0;
  return Math.max(planned, asked);
}
