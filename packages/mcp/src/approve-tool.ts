import { randomUUID } from "node:crypto";
import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { agentOperations } from "@omnara/contracts";
import { z } from "zod";
import { approvalScope, decisionOf } from "./approvals.ts";
import { callInRounds } from "./call-in-rounds.ts";
import { toolErrorResult } from "./operation-error.ts";
import type { ToolCall, ToolExtra } from "./tool-context.ts";

export const APPROVE_TOOL = "approve";

const ApproveInput = z.object({
  tool_name: z.string().min(1).describe("The tool Claude Code wants to run, e.g. Bash or Edit."),
  input: z.record(z.string(), z.unknown()).describe("The tool's input, as Claude Code will run it."),
  tool_use_id: z.string().optional(),
});

/** Claude Code's permission result, returned as the tool's JSON text. */
type PermissionResult =
  | { behavior: "allow"; updatedInput: Record<string, unknown> }
  | { behavior: "deny"; message: string };

const result = (permission: PermissionResult): CallToolResult => ({
  content: [{ type: "text", text: JSON.stringify(permission) }],
});

const MAX_DETAIL_CHARS = 4000;

function details(toolName: string, input: Record<string, unknown>): string {
  if (toolName === "Bash" && typeof input["command"] === "string") return input["command"];
  const json = JSON.stringify(input, null, 2);
  return json.length > MAX_DETAIL_CHARS ? `${json.slice(0, MAX_DETAIL_CHARS)}\n…` : json;
}

const askQuestion = agentOperations.askQuestion;

/**
 * Claude Code's `--permission-prompt-tool`: asks the user on Omnara whether a tool may run,
 * with the choices allow once, allow for the rest of the session, or deny. It is a composition
 * of ask_question (same rounds, progress and cancellation), so it has no operation of its own.
 */
export function registerApproveTool(server: McpServer, start: (extra: ToolExtra) => ToolCall): void {
  server.registerTool(
    APPROVE_TOOL,
    {
      description:
        "Ask the user for permission to run a tool, from the Omnara dashboard or phone. Made for Claude Code's --permission-prompt-tool: the answer is Claude Code's permission result as JSON, behavior 'allow' with updatedInput or 'deny' with the user's message.",
      inputSchema: ApproveInput,
    },
    async ({ tool_name, input }, extra) => {
      const call = start(extra);
      const scope = approvalScope(tool_name, input);
      if (call.session.approvals.allows(scope)) return result({ behavior: "allow", updatedInput: input });
      const instanceId = call.session.instanceId ?? randomUUID();
      call.session.instanceId = instanceId;
      const question = [
        `Allow ${tool_name}?`,
        details(tool_name, input),
        `[OPTIONS]\n1. Yes\n2. Yes, and allow ${scope.label} for the rest of this session\n3. No\n[/OPTIONS]`,
      ].join("\n\n");
      try {
        const answered = askQuestion.output.parse(
          await callInRounds(call, "askQuestion", {
            agent_instance_id: instanceId,
            question_text: question,
            agent_type: call.agentType,
            wait_seconds: call.waitRoundSeconds,
          }),
        );
        if (answered.answer === null) throw new Error("ask_question ended without an answer.");
        const decision = decisionOf(answered.answer);
        if (decision.kind === "deny") return result({ behavior: "deny", message: decision.message });
        if (decision.kind === "session") call.session.approvals.grant(scope);
        return result({ behavior: "allow", updatedInput: input });
      } catch (error) {
        return toolErrorResult(error);
      }
    },
  );
}
