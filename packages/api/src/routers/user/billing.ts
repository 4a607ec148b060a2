import * as core from "@omnara/core";
import type { UserHandlers } from "../../handlers.ts";

export const userBillingHandlers = {
  getBilling: ({ ctx }) => core.getBilling(ctx.deps, ctx.user),
  createCheckoutSession: ({ ctx, input }) => core.createCheckoutSession(ctx.deps, ctx.user, input),
  createPortalSession: ({ ctx }) => core.createPortalSession(ctx.deps, ctx.user),
} satisfies Partial<UserHandlers>;
