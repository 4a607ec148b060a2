import { type AgentOperations, agentOperations, type McpBinding, type Operation } from "@omnara/contracts";
import { z } from "zod";

export type AgentOperationKey = keyof AgentOperations;

export interface McpOperation {
  key: AgentOperationKey;
  op: Operation;
  binding: McpBinding;
}

const isAgentOperationKey = (key: string): key is AgentOperationKey => Object.hasOwn(agentOperations, key);

/** The agent operations marked `mcp`, in registry order: each one is a tool. */
export const mcpOperations: readonly McpOperation[] = Object.keys(agentOperations)
  .filter(isAgentOperationKey)
  .flatMap((key) => {
    const op: Operation = agentOperations[key];
    return op.mcp ? [{ key, op, binding: op.mcp }] : [];
  });

/** The schema the model sees: the operation's input without the fields the server fills in. */
export function modelInputSchema(op: Operation, binding: McpBinding): z.ZodType {
  const hidden = binding.context ?? [];
  if (hidden.length === 0 || !(op.input instanceof z.ZodObject)) return op.input;
  const shape = Object.fromEntries(
    Object.entries(op.input.shape).filter(([field]) => !hidden.some((h) => h === field)),
  );
  return z.object(shape);
}

/** True when the operation's input has the field, so the server may fill it in. */
export const hasInputField = (op: Operation, field: string): boolean =>
  op.input instanceof z.ZodObject && Object.hasOwn(op.input.shape, field);
