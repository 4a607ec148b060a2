import type { OperationInput, OperationOutput } from "./operation.ts";
import type { AgentOperations } from "./registry.ts";

export interface CallOptions {
  signal?: AbortSignal;
}

/**
 * Every agent operation as a typed function. The SDK implements it over the wire and the
 * server in-process; the MCP server is written against it, so it runs on either.
 */
export type AgentApi = {
  [K in keyof AgentOperations]: (
    input: OperationInput<AgentOperations[K]>,
    options?: CallOptions,
  ) => Promise<OperationOutput<AgentOperations[K]>>;
};
