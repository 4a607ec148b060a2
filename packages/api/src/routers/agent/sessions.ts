import { agentOperations as ops } from "@omnara/contracts";
import * as core from "@omnara/core";
import { agentProcedure } from "../../trpc.ts";

export const agentSessionProcedures = {
  registerInstance: agentProcedure
    .input(ops.registerInstance.input)
    .output(ops.registerInstance.output)
    .mutation(({ ctx, input }) => core.registerInstance(ctx.deps, ctx.agent, input)),

  heartbeat: agentProcedure
    .input(ops.heartbeat.input)
    .output(ops.heartbeat.output)
    .mutation(({ ctx, input }) => core.heartbeat(ctx.deps, ctx.agent, input)),

  endSession: agentProcedure
    .input(ops.endSession.input)
    .output(ops.endSession.output)
    .mutation(({ ctx, input }) => core.endSession(ctx.deps, ctx.agent, input)),

  verifyKey: agentProcedure
    .input(ops.verifyKey.input)
    .output(ops.verifyKey.output)
    .query(({ ctx }) => core.verifyKey(ctx.deps, ctx.agent)),
};
