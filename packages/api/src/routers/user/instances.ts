import * as core from "@omnara/core";
import type { UserHandlers } from "../../handlers.ts";

export const userInstanceHandlers = {
  listAgentTypes: ({ ctx, input }) => core.listAgentTypes(ctx.deps, ctx.user, input),
  listInstances: ({ ctx, input }) => core.listInstances(ctx.deps, ctx.user, input),
  getSummary: ({ ctx }) => core.getSummary(ctx.deps, ctx.user),
  getInstance: ({ ctx, input }) => core.getInstance(ctx.deps, ctx.access, input),
  markCompleted: ({ ctx, input }) => core.markCompleted(ctx.deps, ctx.access, input),
  interruptInstance: ({ ctx, input }) => core.interruptInstance(ctx.deps, ctx.access, input),
  stopInstance: ({ ctx, input }) => core.stopInstance(ctx.deps, ctx.access, input),
  renameInstance: ({ ctx, input }) => core.renameInstance(ctx.deps, ctx.access, input),
  deleteInstance: ({ ctx, input }) => core.deleteInstance(ctx.deps, ctx.access, input),
  shareInstance: ({ ctx, input }) => core.shareInstance(ctx.deps, ctx.access, input),
  listShares: ({ ctx, input }) => core.listShares(ctx.deps, ctx.access, input),
  revokeShare: ({ ctx, input }) => core.revokeShare(ctx.deps, ctx.access, input),
} satisfies Partial<UserHandlers>;
