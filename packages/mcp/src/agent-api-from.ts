import {
  type AgentApi,
  type CallOptions,
  type Operation,
  type OperationInput,
  type OperationOutput,
  agentOperations as ops,
} from "@omnara/contracts";
import { z } from "zod";

/** Runs one operation somewhere (in-process through its procedure, or over the wire). */
export type InvokeOperation = (op: Operation, input: unknown, options?: CallOptions) => Promise<unknown>;

/**
 * An `AgentApi` from one generic invoker; each answer is parsed with the operation's output
 * schema, which also gives it its type. Listed key by key because TypeScript cannot build a
 * mapped object generically without a cast: `AgentApi` makes a missing operation a type error.
 */
export function agentApiFrom(invoke: InvokeOperation): AgentApi {
  const call = async <Op extends Operation>(
    op: Op,
    input: OperationInput<Op>,
    options: CallOptions | undefined,
  ): Promise<OperationOutput<Op>> => z.parse<Op["output"]>(op.output, await invoke(op, input, options));
  return {
    sendMessage: (input, options) => call(ops.sendMessage, input, options),
    waitForReply: (input, options) => call(ops.waitForReply, input, options),
    getPendingMessages: (input, options) => call(ops.getPendingMessages, input, options),
    requestInput: (input, options) => call(ops.requestInput, input, options),
    sendUserMessage: (input, options) => call(ops.sendUserMessage, input, options),
    heartbeat: (input, options) => call(ops.heartbeat, input, options),
    endSession: (input, options) => call(ops.endSession, input, options),
    registerInstance: (input, options) => call(ops.registerInstance, input, options),
    verifyKey: (input, options) => call(ops.verifyKey, input, options),
    logStep: (input, options) => call(ops.logStep, input, options),
    askQuestion: (input, options) => call(ops.askQuestion, input, options),
  };
}
