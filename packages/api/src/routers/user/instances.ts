import { userOperations as ops } from "@omnara/contracts";
import * as core from "@omnara/core";
import { userProcedure } from "../../trpc.ts";

export const userInstanceProcedures = {
  listAgentTypes: userProcedure
    .input(ops.listAgentTypes.input)
    .output(ops.listAgentTypes.output)
    .query(({ ctx, input }) => core.listAgentTypes(ctx.deps, ctx.user, input)),

  listInstances: userProcedure
    .input(ops.listInstances.input)
    .output(ops.listInstances.output)
    .query(({ ctx, input }) => core.listInstances(ctx.deps, ctx.user, input)),

  getSummary: userProcedure
    .input(ops.getSummary.input)
    .output(ops.getSummary.output)
    .query(({ ctx }) => core.getSummary(ctx.deps, ctx.user)),

  getInstance: userProcedure
    .input(ops.getInstance.input)
    .output(ops.getInstance.output)
    .query(({ ctx, input }) => core.getInstance(ctx.deps, ctx.user, input)),

  markCompleted: userProcedure
    .input(ops.markCompleted.input)
    .output(ops.markCompleted.output)
    .mutation(({ ctx, input }) => core.markCompleted(ctx.deps, ctx.user, input)),

  renameInstance: userProcedure
    .input(ops.renameInstance.input)
    .output(ops.renameInstance.output)
    .mutation(({ ctx, input }) => core.renameInstance(ctx.deps, ctx.user, input)),

  deleteInstance: userProcedure
    .input(ops.deleteInstance.input)
    .output(ops.deleteInstance.output)
    .mutation(({ ctx, input }) => core.deleteInstance(ctx.deps, ctx.user, input)),
};
