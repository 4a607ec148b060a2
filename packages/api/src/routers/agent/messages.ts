import * as core from "@omnara/core";
import type { AgentHandlers, AgentKeyFirstHandlers } from "../../handlers.ts";

/** A message checks its key in its own statement (agentKeyFirstProcedure). */
export const agentKeyFirstMessageHandlers = {
  sendMessage: ({ ctx, input }) => core.sendMessage(ctx.deps, ctx.agentKey, input),
} satisfies Partial<AgentKeyFirstHandlers>;

export const agentMessageHandlers = {
  waitForReply: ({ ctx, input, signal }) => core.waitForReply(ctx.deps, ctx.agent, input, signal),
  getPendingMessages: ({ ctx, input }) => core.getPendingMessages(ctx.deps, ctx.agent, input),
  requestInput: ({ ctx, input }) => core.requestInput(ctx.deps, ctx.agent, input),
  sendUserMessage: ({ ctx, input }) => core.sendUserMessage(ctx.deps, ctx.agent, input),
} satisfies Partial<AgentHandlers>;
