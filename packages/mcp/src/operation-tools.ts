import type { McpServer, RegisteredTool } from "@modelcontextprotocol/sdk/server/mcp.js";
import { hasInputField, limits, type McpContextField } from "@omnara/contracts";
import { callInRounds } from "./call-in-rounds.ts";
import { mcpOperations, modelInputSchema } from "./mcp-operations.ts";
import { toolErrorResult } from "./operation-error.ts";
import type { ToolCall, ToolExtra } from "./tool-context.ts";

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

async function contextValue(field: McpContextField, call: ToolCall): Promise<string | number | undefined> {
  if (field === "agent_type") return call.agentType;
  if (field === "wait_seconds") return call.waitRoundSeconds;
  const diff = await call.gitDiff();
  if (diff === undefined || diff.length <= limits.gitDiffChars) return diff;
  const note = "\n… diff cut at Omnara's size limit\n";
  return diff.slice(0, limits.gitDiffChars - note.length) + note;
}

/**
 * One tool per agent operation marked `mcp`, generated from its contract: name, description,
 * input schema (less the fields the server fills in) and output schema. The handler fills the
 * context fields, defaults agent_instance_id to the session's, calls the operation (in rounds
 * when it waits) and answers with the output as JSON text and as structured content.
 */
export function registerOperationTools(server: McpServer, start: (extra: ToolExtra) => ToolCall): RegisteredTool[] {
  return mcpOperations.map(({ key, op, binding }) =>
    server.registerTool(
      binding.tool,
      { description: op.description, inputSchema: modelInputSchema(op, binding), outputSchema: op.output },
      async (args, extra) => {
        const call = start(extra);
        const input: Record<string, unknown> = { ...(isRecord(args) ? args : {}) };
        for (const field of binding.context ?? []) {
          const value = await contextValue(field, call);
          if (value !== undefined) input[field] = value;
        }
        if (
          input["agent_instance_id"] === undefined &&
          call.session.instanceId &&
          hasInputField(op, "agent_instance_id")
        ) {
          input["agent_instance_id"] = call.session.instanceId;
        }
        try {
          const output = await callInRounds(call, key, input);
          if (!isRecord(output)) throw new Error(`${op.id} answered with no object.`);
          if (typeof output["agent_instance_id"] === "string") {
            call.session.instanceId = output["agent_instance_id"];
            call.session.reported = true;
          }
          return { content: [{ type: "text", text: JSON.stringify(output) }], structuredContent: output };
        } catch (error) {
          return toolErrorResult(error);
        }
      },
    ),
  );
}
