import * as core from "@omnara/core";
import type { UserHandlers } from "../../handlers.ts";

/** Event webhooks, their delivery log (n8n resume calls and launches too), the signing secret, launch targets. */
export const userWebhookHandlers = {
  listWebhooks: ({ ctx }) => core.listWebhooks(ctx.deps, ctx.user),
  createWebhook: ({ ctx, input }) => core.createWebhook(ctx.deps, ctx.user, input),
  updateWebhook: ({ ctx, input }) => core.updateWebhook(ctx.deps, ctx.user, input),
  deleteWebhook: ({ ctx, input }) => core.deleteWebhook(ctx.deps, ctx.user, input),
  sendTestWebhook: ({ ctx, input }) => core.sendTestWebhook(ctx.deps, ctx.user, input),
  listWebhookDeliveries: ({ ctx, input }) => core.listWebhookDeliveries(ctx.deps, ctx.user, input),
  replayWebhookDelivery: ({ ctx, input }) => core.replayWebhookDelivery(ctx.deps, ctx.user, input),
  getLaunchTarget: ({ ctx, input }) => core.getLaunchTarget(ctx.deps, ctx.user, input),
  setLaunchTarget: ({ ctx, input }) => core.setLaunchTarget(ctx.deps, ctx.user, input),
  deleteLaunchTarget: ({ ctx, input }) => core.deleteLaunchTarget(ctx.deps, ctx.user, input),
  launchAgent: ({ ctx, input }) => core.launchAgent(ctx.deps, ctx.user, input),
  getWebhookSigningSecret: ({ ctx }) => core.getWebhookSigningSecret(ctx.deps, ctx.user),
  rotateWebhookSigningSecret: ({ ctx }) => core.rotateWebhookSigningSecret(ctx.deps, ctx.user),
} satisfies Partial<UserHandlers>;
