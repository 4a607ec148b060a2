import * as core from "@omnara/core";
import type { AgentHandlers } from "../../handlers.ts";

/** Omnara's MCP tool operations (log_step, ask_question), callable over every surface. */
export const agentMcpToolHandlers = {
  logStep: ({ ctx, input }) => core.logStep(ctx.deps, ctx.agent, input),
  askQuestion: ({ ctx, input, signal }) => core.askQuestion(ctx.deps, ctx.agent, input, signal),
} satisfies Partial<AgentHandlers>;
