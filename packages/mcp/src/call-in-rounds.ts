import { type AgentOperationKey, agentOperations, OmnaraError, type OperationInput } from "@omnara/contracts";
import type { ToolCall } from "./tool-context.ts";

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

const isWaiting = (output: unknown): boolean => isRecord(output) && output["status"] === "waiting";

/** Copies the binding's resume fields from a "waiting" answer into the next call's input. */
const resumeFrom = (output: unknown, fields: readonly string[]): Record<string, unknown> =>
  isRecord(output) ? Object.fromEntries(fields.filter((f) => output[f] !== undefined).map((f) => [f, output[f]])) : {};

/** Validates the input against the operation's schema; the type guard lets one generic call type-check. */
function isInputOf<K extends AgentOperationKey>(key: K, input: unknown): input is OperationInput<AgentOperationsOf<K>> {
  return agentOperations[key].input.safeParse(input).success;
}
type AgentOperationsOf<K extends AgentOperationKey> = (typeof agentOperations)[K];

async function callOnce<K extends AgentOperationKey>(
  call: ToolCall,
  key: K,
  input: Record<string, unknown>,
): Promise<unknown> {
  if (!isInputOf(key, input)) {
    const parsed = agentOperations[key].input.safeParse(input);
    const issues = parsed.error?.issues.map((issue) => ({
      path: issue.path.map(String).join("."),
      message: issue.message,
    }));
    throw new OmnaraError("BAD_REQUEST", "Invalid arguments; see issues.", { issues });
  }
  return call.api[key](input, { signal: call.signal });
}

/**
 * Calls an operation for a tool. An operation whose MCP binding has `resume` waits in rounds: a
 * "waiting" answer is followed by a progress notification and the next round, which carries
 * the resume fields, until an answer comes or the client cancels (the signal ends the round in
 * flight, on the server too).
 */
export async function callInRounds(
  call: ToolCall,
  key: AgentOperationKey,
  input: Record<string, unknown>,
): Promise<unknown> {
  const started = Date.now();
  let next = input;
  for (let round = 1; ; round += 1) {
    const output = await callOnce(call, key, next);
    const resume = agentOperations[key].mcp?.resume;
    if (!resume || !isWaiting(output)) return output;
    call.signal.throwIfAborted();
    const seconds = Math.round((Date.now() - started) / 1000);
    await call.progress(round, `Waiting for the user to answer (${seconds} s so far).`);
    next = { ...next, ...resumeFrom(output, resume) };
  }
}
