import { userOperations } from "@omnara/contracts";
import { proceduresFor } from "../../from-contract.ts";
import { router, userProcedure } from "../../trpc.ts";
import { userAccountHandlers } from "./account.ts";
import { userBillingHandlers } from "./billing.ts";
import { userCliLoginHandlers } from "./cli-login.ts";
import { userEventHandlers } from "./events.ts";
import { userInstanceHandlers } from "./instances.ts";
import { userMachineHandlers } from "./machines.ts";
import { userMessageHandlers, userMessageOwnerFirst } from "./messages.ts";
import { userNotificationHandlers } from "./notifications.ts";
import { userTeamHandlers } from "./teams.ts";
import { userWebhookHandlers } from "./webhooks.ts";

/** The read path and replies: what a signed-in user calls from the dashboard. */
export const userRouter = router(
  proceduresFor(
    userProcedure,
    userOperations,
    {
      ...userInstanceHandlers,
      ...userMessageHandlers,
      ...userAccountHandlers,
      ...userCliLoginHandlers,
      ...userNotificationHandlers,
      ...userEventHandlers,
      ...userBillingHandlers,
      ...userWebhookHandlers,
      ...userMachineHandlers,
      ...userTeamHandlers,
    },
    userMessageOwnerFirst,
  ),
);
