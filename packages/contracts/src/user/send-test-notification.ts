import { z } from "zod";
import { NotificationChannel } from "../notifications.ts";
import { defineOperation } from "../operation.ts";
import { Uuid } from "../schemas.ts";

export const sendTestNotification = defineOperation({
  id: "sendTestNotification",
  audience: "user",
  access: "account",
  kind: "mutation",
  description:
    "Send a test notification to every registered device and, if email is on, to the account's email, ignoring quiet hours and the rate limit. It is sent in the background: follow it with listNotificationLog({ notification_id }).",
  input: z.object({}),
  output: z.object({ notification_id: Uuid, channels: z.array(NotificationChannel) }),
  rest: { method: "POST", path: "/api/v1/notifications/test", status: 201 },
});
