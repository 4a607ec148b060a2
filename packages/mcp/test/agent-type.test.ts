import { expect, test } from "vitest";
import { agentTypeOf } from "../src/agent-type.ts";

test("agent type: flag/env, else X-Client-Type, else the MCP client name in Omnara's words", () => {
  expect(agentTypeOf({ override: "my-bot", header: "cursor", clientName: "claude-code" })).toBe("my-bot");
  expect(agentTypeOf({ header: "windsurf", clientName: "claude-code" })).toBe("windsurf");
  expect(agentTypeOf({ clientName: "claude-code" })).toBe("claude-code");
  expect(agentTypeOf({ clientName: "cursor-vscode" })).toBe("cursor");
  expect(agentTypeOf({ clientName: "Visual Studio Code" })).toBe("vscode");
  expect(agentTypeOf({ clientName: "roo-code" })).toBe("roo-cline");
  expect(agentTypeOf({ clientName: "My Client" })).toBe("my client");
  expect(agentTypeOf({})).toBe("unknown");
});
