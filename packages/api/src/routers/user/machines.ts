import * as core from "@omnara/core";
import type { UserHandlers } from "../../handlers.ts";

export const userMachineHandlers = {
  listMachines: ({ ctx }) => core.listMachines(ctx.deps, ctx.user),
  startMachineSession: ({ ctx, input }) => core.startMachineSession(ctx.deps, ctx.user, input),
  stopMachineSession: ({ ctx, input }) => core.stopMachineSession(ctx.deps, ctx.user, input),
} satisfies Partial<UserHandlers>;
