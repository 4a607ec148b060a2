import * as core from "@omnara/core";
import type { AgentHandlers } from "../../handlers.ts";

/** What a machine's daemon calls with its machine key. */
export const agentMachineHandlers = {
  registerMachine: ({ ctx, input }) => core.registerMachine(ctx.deps, ctx.agent, input),
  pollMachine: ({ ctx, input, signal }) => core.pollMachine(ctx.deps, ctx.agent, input, signal),
  reportMachineSession: ({ ctx, input }) => core.reportMachineSession(ctx.deps, ctx.agent, input),
} satisfies Partial<AgentHandlers>;
