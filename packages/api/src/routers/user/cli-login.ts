import * as core from "@omnara/core";
import type { UserHandlers } from "../../handlers.ts";

/** The dashboard's half of the device-code sign-in: the signed-in user confirms the code. */
export const userCliLoginHandlers = {
  describeCliLogin: ({ ctx, input }) => core.describeCliLogin(ctx.deps, ctx.user, input),
  confirmCliLogin: ({ ctx, input }) => core.confirmCliLogin(ctx.deps, ctx.user, input),
} satisfies Partial<UserHandlers>;
