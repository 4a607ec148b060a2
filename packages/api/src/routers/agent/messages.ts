import { agentOperations as ops } from "@omnara/contracts";
import * as core from "@omnara/core";
import { agentProcedure } from "../../trpc.ts";

export const agentMessageProcedures = {
  sendMessage: agentProcedure
    .input(ops.sendMessage.input)
    .output(ops.sendMessage.output)
    .mutation(({ ctx, input }) => core.sendAgentMessage(ctx.deps, ctx.agent, input)),

  waitForReply: agentProcedure
    .input(ops.waitForReply.input)
    .output(ops.waitForReply.output)
    .query(({ ctx, input, signal }) => core.waitForReply(ctx.deps, ctx.agent, input, signal)),

  getPendingMessages: agentProcedure
    .input(ops.getPendingMessages.input)
    .output(ops.getPendingMessages.output)
    .query(({ ctx, input }) => core.getPendingMessages(ctx.deps, ctx.agent, input)),

  requestInput: agentProcedure
    .input(ops.requestInput.input)
    .output(ops.requestInput.output)
    .mutation(({ ctx, input }) => core.requestInput(ctx.deps, ctx.agent, input)),

  sendUserMessage: agentProcedure
    .input(ops.sendUserMessage.input)
    .output(ops.sendUserMessage.output)
    .mutation(({ ctx, input }) => core.mirrorUserMessage(ctx.deps, ctx.agent, input)),
};
