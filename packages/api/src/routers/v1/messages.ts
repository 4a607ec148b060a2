import * as core from "@omnara/core";
import type { V1Handlers, V1KeyFirstHandlers } from "../../handlers.ts";

/** A message checks its key in its own statement (agentKeyFirstProcedure), as ours does. */
export const v1KeyFirstMessageHandlers = {
  v1SendMessage: ({ ctx, input }) => core.sendMessage(ctx.deps, ctx.agentKey, input),
} satisfies Partial<V1KeyFirstHandlers>;

/** v1 message paths: the same core calls as ours; the v1 output schemas give v1's shapes. */
export const v1MessageHandlers = {
  v1GetPendingMessages: ({ ctx, input }) => core.getPendingMessages(ctx.deps, ctx.agent, input),
  v1RequestInput: ({ ctx, input }) => core.requestInput(ctx.deps, ctx.agent, input, { semantics: "v1" }),
  v1SendUserMessage: ({ ctx, input }) => core.sendUserMessage(ctx.deps, ctx.agent, input),
} satisfies Partial<V1Handlers>;
