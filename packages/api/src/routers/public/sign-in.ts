import * as core from "@omnara/core";
import type { Context } from "../../context.ts";
import type { PublicHandlers } from "../../handlers.ts";

const resetDelivery = (ctx: Context): core.PasswordResetDelivery => {
  if (!ctx.passwordReset) throw new Error("password reset delivery is not configured");
  return ctx.passwordReset;
};

/** Local accounts: sign up (when allowed) and sign in for a session token. */
export const publicSignInHandlers = {
  requestPasswordReset: ({ ctx, input }) => core.requestPasswordReset(ctx.deps, input, resetDelivery(ctx)),
  resetPassword: ({ ctx, input }) =>
    core.resetPassword(ctx.deps, input, { userAgent: ctx.userAgent, clientAddress: ctx.clientAddress }),
  authConfig: ({ ctx }) => core.authConfig(ctx.supabase, { allowSignup: ctx.allowSignup }),
  signUp: ({ ctx, input }) =>
    core.signUp(
      ctx.deps,
      input,
      { allowSignup: ctx.allowSignup },
      { userAgent: ctx.userAgent, clientAddress: ctx.clientAddress },
    ),
  signIn: ({ ctx, input }) =>
    core.signIn(ctx.deps, input, { userAgent: ctx.userAgent, clientAddress: ctx.clientAddress }),
} satisfies Partial<PublicHandlers>;
