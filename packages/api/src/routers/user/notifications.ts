import * as core from "@omnara/core";
import type { UserHandlers } from "../../handlers.ts";

/** Devices, preferences, the delivery log, test sends and presence (which suppresses pushes). */
export const userNotificationHandlers = {
  registerNotificationDevice: ({ ctx, input }) => core.registerNotificationDevice(ctx.deps, ctx.user, input),
  listNotificationDevices: ({ ctx }) => core.listNotificationDevices(ctx.deps, ctx.user),
  removeNotificationDevice: ({ ctx, input }) => core.removeNotificationDevice(ctx.deps, ctx.user, input),
  getNotificationSettings: ({ ctx }) => core.getNotificationSettings(ctx.deps, ctx.user),
  updateNotificationSettings: ({ ctx, input }) => core.updateNotificationSettings(ctx.deps, ctx.user, input),
  listNotificationLog: ({ ctx, input }) => core.listNotificationLog(ctx.deps, ctx.user, input),
  sendTestNotification: ({ ctx }) => core.sendTestNotification(ctx.deps, ctx.user),
  reportPresence: ({ ctx, input }) => core.reportPresence(ctx.deps, ctx.access, input),
} satisfies Partial<UserHandlers>;
