import { publicOperations as ops } from "@omnara/contracts";
import * as core from "@omnara/core";
import { publicProcedure, router } from "../../trpc.ts";
import { publicCliLoginProcedures } from "./cli-login.ts";

export const publicRouter = router({
  signUp: publicProcedure
    .input(ops.signUp.input)
    .output(ops.signUp.output)
    .mutation(({ ctx, input }) => core.signUp(ctx.deps, input, { allowSignup: ctx.allowSignup })),

  signIn: publicProcedure
    .input(ops.signIn.input)
    .output(ops.signIn.output)
    .mutation(({ ctx, input }) => core.signIn(ctx.deps, input)),

  ...publicCliLoginProcedures,
});
