import type { NotificationLogEntry, OperationArgs, OperationOutput, userOperations } from "@omnara/contracts";
import { schema } from "@omnara/db";
import { and, desc, eq, type SQL } from "drizzle-orm";
import type { Caller, CoreDeps } from "../deps.ts";
import { iso } from "../serialize.ts";

const { notificationLog } = schema;
type Op = typeof userOperations;

const toEntry = (row: typeof notificationLog.$inferSelect): NotificationLogEntry => ({
  id: row.id,
  created_at: iso(row.createdAt),
  notification_id: row.jobId,
  agent_instance_id: row.agentInstanceId,
  event: row.event,
  channel: row.channel,
  device_id: row.deviceId,
  device_name: row.deviceName,
  outcome: row.outcome,
  reason: row.reason,
  attempt: row.attempt,
  will_retry: row.willRetry,
  count: row.count,
});

export async function listNotificationLog(
  deps: CoreDeps,
  caller: Caller,
  input: OperationArgs<Op["listNotificationLog"]>,
): Promise<OperationOutput<Op["listNotificationLog"]>> {
  const filters: SQL[] = [eq(notificationLog.userId, caller.userId)];
  if (input.notification_id) filters.push(eq(notificationLog.jobId, input.notification_id));
  // An instance the caller may not read was refused before this (its access rule), as NOT_FOUND.
  if (input.agent_instance_id) filters.push(eq(notificationLog.agentInstanceId, input.agent_instance_id));
  const rows = await deps.db
    .select()
    .from(notificationLog)
    .where(and(...filters))
    .orderBy(desc(notificationLog.seq))
    .limit(input.limit);
  return { entries: rows.map(toEntry) };
}
