import { type AgentApi, agentApiOf, type CallOptions, type Operation } from "@omnara/contracts";
import { z } from "zod";

/** Runs one operation somewhere (in-process through its procedure, or over the wire). */
export type InvokeOperation = (op: Operation, input: unknown, options?: CallOptions) => Promise<unknown>;

/** An `AgentApi` from one generic invoker; each answer is parsed with the operation's output schema. */
export function agentApiFrom(invoke: InvokeOperation): AgentApi {
  return agentApiOf(async (op, input, options) =>
    z.parse<(typeof op)["output"]>(op.output, await invoke(op, input, options)),
  );
}
