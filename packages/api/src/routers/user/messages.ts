import * as core from "@omnara/core";
import type { UserHandlers } from "../../handlers.ts";

export const userMessageHandlers = {
  listMessages: ({ ctx, input }) => core.listMessages(ctx.deps, ctx.access, input),
  reply: ({ ctx, input }) => core.reply(ctx.deps, ctx.access, input),
  cancelQueuedMessage: ({ ctx, input }) => core.cancelQueuedMessage(ctx.deps, ctx.access, input),
} satisfies Partial<UserHandlers>;
