import { userOperations as ops } from "@omnara/contracts";
import * as core from "@omnara/core";
import { userProcedure } from "../../trpc.ts";

/** Devices, preferences, the delivery log, test sends and presence (which suppresses pushes). */
export const userNotificationProcedures = {
  registerNotificationDevice: userProcedure
    .input(ops.registerNotificationDevice.input)
    .output(ops.registerNotificationDevice.output)
    .mutation(({ ctx, input }) => core.registerNotificationDevice(ctx.deps, ctx.user, input)),

  listNotificationDevices: userProcedure
    .input(ops.listNotificationDevices.input)
    .output(ops.listNotificationDevices.output)
    .query(({ ctx }) => core.listNotificationDevices(ctx.deps, ctx.user)),

  removeNotificationDevice: userProcedure
    .input(ops.removeNotificationDevice.input)
    .output(ops.removeNotificationDevice.output)
    .mutation(({ ctx, input }) => core.removeNotificationDevice(ctx.deps, ctx.user, input)),

  getNotificationSettings: userProcedure
    .input(ops.getNotificationSettings.input)
    .output(ops.getNotificationSettings.output)
    .query(({ ctx }) => core.getNotificationSettings(ctx.deps, ctx.user)),

  updateNotificationSettings: userProcedure
    .input(ops.updateNotificationSettings.input)
    .output(ops.updateNotificationSettings.output)
    .mutation(({ ctx, input }) => core.updateNotificationSettings(ctx.deps, ctx.user, input)),

  listNotificationLog: userProcedure
    .input(ops.listNotificationLog.input)
    .output(ops.listNotificationLog.output)
    .query(({ ctx, input }) => core.listNotificationLog(ctx.deps, ctx.user, input)),

  sendTestNotification: userProcedure
    .input(ops.sendTestNotification.input)
    .output(ops.sendTestNotification.output)
    .mutation(({ ctx }) => core.sendTestNotification(ctx.deps, ctx.user)),

  reportPresence: userProcedure
    .input(ops.reportPresence.input)
    .output(ops.reportPresence.output)
    .mutation(({ ctx, input }) => core.reportPresence(ctx.deps, ctx.user, input)),
};
