import { agentOperations as ops } from "@omnara/contracts";
import * as core from "@omnara/core";
import { agentProcedure } from "../../trpc.ts";

/** Omnara's MCP tool operations (log_step, ask_question), callable over every surface. */
export const agentMcpToolProcedures = {
  logStep: agentProcedure
    .input(ops.logStep.input)
    .output(ops.logStep.output)
    .mutation(({ ctx, input }) => core.logStep(ctx.deps, ctx.agent, input)),

  askQuestion: agentProcedure
    .input(ops.askQuestion.input)
    .output(ops.askQuestion.output)
    .mutation(({ ctx, input, signal }) => core.askQuestion(ctx.deps, ctx.agent, input, signal)),
};
