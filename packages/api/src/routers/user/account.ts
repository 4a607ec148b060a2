import * as core from "@omnara/core";
import type { UserHandlers } from "../../handlers.ts";

export const userAccountHandlers = {
  me: ({ ctx }) => core.me(ctx.deps, ctx.user),
  signOut: ({ ctx }) => core.signOut(ctx.deps, ctx.sessionToken),
  listSessions: ({ ctx }) => core.listSessions(ctx.deps, ctx.user, ctx.sessionToken),
  revokeSession: ({ ctx, input }) => core.revokeSession(ctx.deps, ctx.user, input),
  signOutEverywhere: ({ ctx }) => core.signOutEverywhere(ctx.deps, ctx.user),
  changePassword: ({ ctx, input }) => core.changePassword(ctx.deps, ctx.user, ctx.sessionToken, input),
  createApiKey: ({ ctx, input }) => core.createApiKey(ctx.deps, ctx.user, input),
  listApiKeys: ({ ctx }) => core.listApiKeys(ctx.deps, ctx.user),
  revokeApiKey: ({ ctx, input }) => core.revokeApiKey(ctx.deps, ctx.user, input),
  listAudit: ({ ctx, input }) => core.listAudit(ctx.deps, ctx.user, input),
} satisfies Partial<UserHandlers>;
