import * as core from "@omnara/core";
import type { UserHandlers } from "../../handlers.ts";

export const userMessageHandlers = {
  listMessages: ({ ctx, input }) => core.listMessages(ctx.deps, ctx.user, input),
  reply: ({ ctx, input }) => core.reply(ctx.deps, ctx.user, input),
} satisfies Partial<UserHandlers>;
