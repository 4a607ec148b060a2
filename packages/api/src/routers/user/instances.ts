import * as core from "@omnara/core";
import type { UserHandlers } from "../../handlers.ts";

export const userInstanceHandlers = {
  listAgentTypes: ({ ctx, input }) => core.listAgentTypes(ctx.deps, ctx.user, input),
  listInstances: ({ ctx, input }) => core.listInstances(ctx.deps, ctx.user, input),
  getSummary: ({ ctx }) => core.getSummary(ctx.deps, ctx.user),
  getInstance: ({ ctx, input }) => core.getInstance(ctx.deps, ctx.user, input),
  markCompleted: ({ ctx, input }) => core.markCompleted(ctx.deps, ctx.user, input),
  renameInstance: ({ ctx, input }) => core.renameInstance(ctx.deps, ctx.user, input),
  deleteInstance: ({ ctx, input }) => core.deleteInstance(ctx.deps, ctx.user, input),
} satisfies Partial<UserHandlers>;
