import { publicOperations as ops } from "@omnara/contracts";
import * as core from "@omnara/core";
import { publicProcedure } from "../../trpc.ts";

/** The CLI's half of the device-code sign-in: it holds the device code and waits. */
export const publicCliLoginProcedures = {
  startCliLogin: publicProcedure
    .input(ops.startCliLogin.input)
    .output(ops.startCliLogin.output)
    .mutation(({ ctx, input }) => core.startCliLogin(ctx.deps, input)),

  pollCliLogin: publicProcedure
    .input(ops.pollCliLogin.input)
    .output(ops.pollCliLogin.output)
    .mutation(({ ctx, input, signal }) => core.pollCliLogin(ctx.deps, input, signal)),
};
