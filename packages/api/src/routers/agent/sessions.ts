import * as core from "@omnara/core";
import type { AgentHandlers } from "../../handlers.ts";

export const agentSessionHandlers = {
  registerInstance: ({ ctx, input }) => core.registerInstance(ctx.deps, ctx.agent, input),
  heartbeat: ({ ctx, input }) => core.heartbeat(ctx.deps, ctx.agent, input),
  endSession: ({ ctx, input }) => core.endSession(ctx.deps, ctx.agent, input),
  verifyKey: ({ ctx }) => core.verifyKey(ctx.deps, ctx.agent),
  waitForControl: ({ ctx, input, signal }) => core.waitForControl(ctx.deps, ctx.agent, input, signal),
} satisfies Partial<AgentHandlers>;
