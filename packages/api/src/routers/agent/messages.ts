import * as core from "@omnara/core";
import type { AgentHandlers } from "../../handlers.ts";

export const agentMessageHandlers = {
  sendMessage: ({ ctx, input }) => core.sendMessage(ctx.deps, ctx.agent, input),
  waitForReply: ({ ctx, input, signal }) => core.waitForReply(ctx.deps, ctx.agent, input, signal),
  getPendingMessages: ({ ctx, input }) => core.getPendingMessages(ctx.deps, ctx.agent, input),
  requestInput: ({ ctx, input }) => core.requestInput(ctx.deps, ctx.agent, input),
  sendUserMessage: ({ ctx, input }) => core.sendUserMessage(ctx.deps, ctx.agent, input),
} satisfies Partial<AgentHandlers>;
