import * as core from "@omnara/core";
import type { V1Handlers } from "../../handlers.ts";

/** v1 message paths: the same core calls as ours; the v1 output schemas give v1's shapes. */
export const v1MessageHandlers = {
  v1SendMessage: ({ ctx, input }) => core.sendMessage(ctx.deps, ctx.agent, input),
  v1GetPendingMessages: ({ ctx, input }) => core.getPendingMessages(ctx.deps, ctx.agent, input),
  v1RequestInput: ({ ctx, input }) => core.requestInput(ctx.deps, ctx.agent, input, { semantics: "v1" }),
  v1SendUserMessage: ({ ctx, input }) => core.sendUserMessage(ctx.deps, ctx.agent, input),
} satisfies Partial<V1Handlers>;
