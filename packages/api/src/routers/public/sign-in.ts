import * as core from "@omnara/core";
import type { PublicHandlers } from "../../handlers.ts";

/** Local accounts: sign up (when allowed) and sign in for a session token. */
export const publicSignInHandlers = {
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
