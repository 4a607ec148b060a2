import { agentOperations } from "./agent/index.ts";
import type { Operation, OperationInput, OperationOutput } from "./operation.ts";
import type { AgentOperations } from "./registry.ts";

export interface CallOptions {
  signal?: AbortSignal;
}

export type AgentOperationKey = keyof AgentOperations;

/**
 * Every agent operation as a typed function. The SDK implements it over the wire and the
 * server in-process; the MCP server is written against it, so it runs on either.
 */
export type AgentApi = {
  [K in AgentOperationKey]: (
    input: OperationInput<AgentOperations[K]>,
    options?: CallOptions,
  ) => Promise<OperationOutput<AgentOperations[K]>>;
};

/** Runs one agent operation, whichever it is; the operation types its input and output. */
export type CallAgentOperation = <Op extends Operation>(
  op: Op,
  input: OperationInput<Op>,
  options?: CallOptions,
) => Promise<OperationOutput<Op>>;

const isAgentOperationKey = (key: string): key is AgentOperationKey => Object.hasOwn(agentOperations, key);

/** The agent operations' keys, in registry order. */
export const agentOperationKeys: readonly AgentOperationKey[] =
  Object.keys(agentOperations).filter(isAgentOperationKey);

/**
 * Checks that every operation has a method. TypeScript cannot tie a generic key to its own
 * method type in a built object, so the check is at run time: each method is made from its key.
 */
const isAgentApi = (api: Record<string, unknown>): api is AgentApi =>
  agentOperationKeys.every((key) => typeof api[key] === "function");

/** An `AgentApi` with one method per registry entry, each running `call` with its operation. */
export function agentApiOf(call: CallAgentOperation): AgentApi {
  const methodFor =
    <K extends AgentOperationKey>(key: K) =>
    (input: OperationInput<AgentOperations[K]>, options?: CallOptions) =>
      call(agentOperations[key], input, options);
  const api: Record<string, unknown> = Object.fromEntries(agentOperationKeys.map((key) => [key, methodFor(key)]));
  if (!isAgentApi(api)) throw new Error("agentApiOf: an agent operation has no method.");
  return api;
}
