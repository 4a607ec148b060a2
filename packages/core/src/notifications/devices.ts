import {
  type NotificationDevice,
  OmnaraError,
  type OperationArgs,
  type OperationOutput,
  type userOperations,
} from "@omnara/contracts";
import { schema } from "@omnara/db";
import { and, desc, eq } from "drizzle-orm";
import type { Caller, CoreDeps } from "../deps.ts";
import { notFound } from "../not-found.ts";
import { iso, isoOrNull } from "../serialize.ts";

const { notificationDevices } = schema;
type Op = typeof userOperations;
type DeviceRow = typeof notificationDevices.$inferSelect;

/** Enough of a token to tell two devices apart in a list, and no more. */
const tokenHint = (token: string): string => `…${token.slice(-8)}`;

const toDevice = (row: DeviceRow): NotificationDevice => ({
  id: row.id,
  channel: row.channel,
  name: row.name,
  token_hint: tokenHint(row.token),
  created_at: iso(row.createdAt),
  last_sent_at: isoOrNull(row.lastSentAt),
  last_failure_at: isoOrNull(row.lastFailureAt),
  last_failure_reason: row.lastFailureReason,
});

export async function registerNotificationDevice(
  deps: CoreDeps,
  caller: Caller,
  input: OperationArgs<Op["registerNotificationDevice"]>,
): Promise<OperationOutput<Op["registerNotificationDevice"]>> {
  const token = input.channel === "web_push" ? input.subscription?.endpoint : input.token;
  // The contract's refinement guarantees these; the check keeps the types honest.
  if (!token) throw new OmnaraError("BAD_REQUEST", "Send token (APNs, FCM) or subscription (Web Push).");
  const webPushKeys = input.channel === "web_push" ? (input.subscription?.keys ?? null) : null;
  const values = { userId: caller.userId, channel: input.channel, token, webPushKeys, name: input.name ?? null };
  // The token identifies the device: re-registering (after an app reinstall or a sign-in as
  // someone else) updates that one row, so a phone never gets two copies or another's alerts.
  const [row] = await deps.db
    .insert(notificationDevices)
    .values(values)
    .onConflictDoUpdate({
      target: [notificationDevices.channel, notificationDevices.token],
      set: { ...values, lastFailureAt: null, lastFailureReason: null },
    })
    .returning();
  if (!row) throw new Error("device upsert returned no row");
  return toDevice(row);
}

export async function listNotificationDevices(
  deps: CoreDeps,
  caller: Caller,
): Promise<OperationOutput<Op["listNotificationDevices"]>> {
  const rows = await deps.db
    .select()
    .from(notificationDevices)
    .where(eq(notificationDevices.userId, caller.userId))
    .orderBy(desc(notificationDevices.createdAt));
  return rows.map(toDevice);
}

export async function removeNotificationDevice(
  deps: CoreDeps,
  caller: Caller,
  input: OperationArgs<Op["removeNotificationDevice"]>,
): Promise<OperationOutput<Op["removeNotificationDevice"]>> {
  const removed = await deps.db
    .delete(notificationDevices)
    .where(and(eq(notificationDevices.id, input.id), eq(notificationDevices.userId, caller.userId)))
    .returning({ id: notificationDevices.id });
  if (removed.length === 0) throw notFound(`Notification device ${input.id}`);
  return { success: true };
}
