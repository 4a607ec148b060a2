import {
  type AgentOperationKey,
  agentOperationKeys,
  agentOperations,
  type McpBinding,
  type Operation,
} from "@omnara/contracts";
import { z } from "zod";

export interface McpOperation {
  key: AgentOperationKey;
  op: Operation;
  binding: McpBinding;
}

/** The agent operations marked `mcp`, in registry order: each one is a tool. */
export const mcpOperations: readonly McpOperation[] = agentOperationKeys.flatMap((key) => {
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
