import * as core from "@omnara/core";
import type { PublicHandlers } from "../../handlers.ts";

/** The CLI's half of the device-code sign-in: it holds the device code and waits. */
export const publicCliLoginHandlers = {
  startCliLogin: ({ ctx, input }) => core.startCliLogin(ctx.deps, input),
  pollCliLogin: ({ ctx, input, signal }) => core.pollCliLogin(ctx.deps, input, signal),
} satisfies Partial<PublicHandlers>;
