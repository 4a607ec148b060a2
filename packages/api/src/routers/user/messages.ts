import * as core from "@omnara/core";
import type { UserHandlers, UserOwnerFirst } from "../../handlers.ts";

export const userMessageHandlers = {
  listMessages: ({ ctx, input }) => core.listMessages(ctx.deps, ctx.access, input),
  reply: ({ ctx, input }) => core.reply(ctx.deps, ctx.access, input),
  cancelQueuedMessage: ({ ctx, input }) => core.cancelQueuedMessage(ctx.deps, ctx.access, input),
} satisfies Partial<UserHandlers>;

/** The owner's reply and message page in one statement each, before the access check (see …AsOwner). */
export const userMessageOwnerFirst = {
  listMessages: ({ ctx, input }) => core.listMessagesAsOwner(ctx.deps, ctx.user, input),
  reply: ({ ctx, input }) => core.replyAsOwner(ctx.deps, ctx.user, input),
} satisfies UserOwnerFirst;
