import type { NotificationChannel, OperationOutput, userOperations } from "@omnara/contracts";
import { schema } from "@omnara/db";
import { eq } from "drizzle-orm";
import type { Caller, CoreDeps } from "../deps.ts";

const { notificationJobs, notificationDevices, notificationCapabilities, notificationSettings } = schema;
type Op = typeof userOperations;

/** Queues a test to every registered device (and email when on); the dispatcher logs each result. */
export async function sendTestNotification(
  deps: CoreDeps,
  caller: Caller,
): Promise<OperationOutput<Op["sendTestNotification"]>> {
  const devices = await deps.db
    .select({ channel: notificationDevices.channel })
    .from(notificationDevices)
    .where(eq(notificationDevices.userId, caller.userId));
  const [settings] = await deps.db
    .select({ emailEnabled: notificationSettings.emailEnabled })
    .from(notificationSettings)
    .where(eq(notificationSettings.userId, caller.userId));
  const [caps] = await deps.db.select().from(notificationCapabilities).where(eq(notificationCapabilities.id, "server"));
  const emailOn =
    (settings?.emailEnabled ?? schema.defaultNotificationSettings.emailEnabled) &&
    (caps?.channels.includes("email") ?? false);
  const channels = new Set<NotificationChannel>(devices.map((device) => device.channel));
  if (emailOn) channels.add("email");

  const now = deps.now();
  const [job] = await deps.db
    .insert(notificationJobs)
    .values({
      userId: caller.userId,
      event: "test",
      allowPush: true,
      allowEmail: emailOn,
      runAt: now,
      createdAt: now,
    })
    .returning({ id: notificationJobs.id });
  if (!job) throw new Error("test notification insert returned no row");
  deps.doorbell.ring();
  return { notification_id: job.id, channels: [...channels] };
}
