import { userOperations as ops } from "@omnara/contracts";
import * as core from "@omnara/core";
import { userProcedure } from "../../trpc.ts";

export const userMessageProcedures = {
  listMessages: userProcedure
    .input(ops.listMessages.input)
    .output(ops.listMessages.output)
    .query(({ ctx, input }) => core.listMessages(ctx.deps, ctx.user, input)),

  reply: userProcedure
    .input(ops.reply.input)
    .output(ops.reply.output)
    .mutation(({ ctx, input }) => core.replyToInstance(ctx.deps, ctx.user, input)),
};
