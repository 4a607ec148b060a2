import { router } from "../../trpc.ts";
import { userAccountProcedures } from "./account.ts";
import { userCliLoginProcedures } from "./cli-login.ts";
import { userEventProcedures } from "./events.ts";
import { userInstanceProcedures } from "./instances.ts";
import { userMessageProcedures } from "./messages.ts";
import { userNotificationProcedures } from "./notifications.ts";

/** The read path and replies: what a signed-in user calls from the dashboard. */
export const userRouter = router({
  ...userInstanceProcedures,
  ...userMessageProcedures,
  ...userAccountProcedures,
  ...userCliLoginProcedures,
  ...userNotificationProcedures,
  ...userEventProcedures,
});
