import { userOperations as ops } from "@omnara/contracts";
import * as core from "@omnara/core";
import { userProcedure } from "../../trpc.ts";

/** The dashboard's half of the device-code sign-in: the signed-in user confirms the code. */
export const userCliLoginProcedures = {
  describeCliLogin: userProcedure
    .input(ops.describeCliLogin.input)
    .output(ops.describeCliLogin.output)
    .query(({ ctx, input }) => core.describeCliLogin(ctx.deps, ctx.user, input)),

  confirmCliLogin: userProcedure
    .input(ops.confirmCliLogin.input)
    .output(ops.confirmCliLogin.output)
    .mutation(({ ctx, input }) => core.confirmCliLogin(ctx.deps, ctx.user, input)),
};
