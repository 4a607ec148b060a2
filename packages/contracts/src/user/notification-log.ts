import { z } from "zod";
import { limits } from "../limits.ts";
import { NotificationLogEntry } from "../notifications.ts";
import { defineOperation } from "../operation.ts";
import { PageLimit, Uuid } from "../schemas.ts";

export const listNotificationLog = defineOperation({
  id: "listNotificationLog",
  audience: "user",
  access: { instance: "read", optional: true },
  kind: "query",
  description:
    "The delivery log, newest first: every attempt to notify (channel, device, outcome sent / suppressed / no_devices / failed with the provider's reason, whether it will be retried). Filter by notification_id to follow one notification, e.g. a test.",
  input: z.object({
    notification_id: Uuid.optional(),
    agent_instance_id: Uuid.optional(),
    limit: PageLimit.default(limits.pageSize),
  }),
  output: z.object({ entries: z.array(NotificationLogEntry) }),
  rest: { method: "GET", path: "/api/v1/notifications/log" },
});
