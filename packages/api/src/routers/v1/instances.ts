import * as core from "@omnara/core";
import type { V1Handlers } from "../../handlers.ts";

export const v1InstanceHandlers = {
  v1RegisterInstance: ({ ctx, input }) => core.registerInstance(ctx.deps, ctx.agent, input),
  v1Heartbeat: ({ ctx, input }) => core.heartbeat(ctx.deps, ctx.agent, input),
  v1EndSession: ({ ctx, input }) => core.endSession(ctx.deps, ctx.agent, input),
  v1VerifyKey: ({ ctx }) => core.verifyKey(ctx.deps, ctx.agent),
  v1ReadInstance: ({ ctx, input }) => core.readInstance(ctx.deps, ctx.agent, input),
  v1EndInstance: ({ ctx, input }) => core.endInstance(ctx.deps, ctx.agent, input),
} satisfies Partial<V1Handlers>;
