import { userOperations as ops } from "@omnara/contracts";
import * as core from "@omnara/core";
import { userProcedure } from "../../trpc.ts";

export const userAccountProcedures = {
  me: userProcedure
    .input(ops.me.input)
    .output(ops.me.output)
    .query(({ ctx }) => core.getProfile(ctx.deps, ctx.user)),

  signOut: userProcedure
    .input(ops.signOut.input)
    .output(ops.signOut.output)
    .mutation(({ ctx }) => core.signOut(ctx.deps, ctx.sessionToken)),

  createApiKey: userProcedure
    .input(ops.createApiKey.input)
    .output(ops.createApiKey.output)
    .mutation(({ ctx, input }) => core.createApiKey(ctx.deps, ctx.user, input)),

  listApiKeys: userProcedure
    .input(ops.listApiKeys.input)
    .output(ops.listApiKeys.output)
    .query(({ ctx }) => core.listApiKeys(ctx.deps, ctx.user)),

  revokeApiKey: userProcedure
    .input(ops.revokeApiKey.input)
    .output(ops.revokeApiKey.output)
    .mutation(({ ctx, input }) => core.revokeApiKey(ctx.deps, ctx.user, input)),
};
