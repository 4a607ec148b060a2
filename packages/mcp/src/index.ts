export { agentApiFrom, type InvokeOperation } from "./agent-api-from.ts";
export { agentTypeOf } from "./agent-type.ts";
export { APPROVE_TOOL } from "./approve-tool.ts";
export { createMcpHttpHandler, type McpHttpHandler, type McpHttpOptions } from "./http-handler.ts";
export { mcpOperations } from "./mcp-operations.ts";
export { createMcpServer, DEFAULT_WAIT_ROUND_SECONDS, type McpServerOptions } from "./server.ts";
export { type RunningStdioServer, runStdioServer, type StdioServerOptions } from "./stdio.ts";
export { type StdioFlags, stdioServerOptions, UsageError } from "./stdio-options.ts";
export type { AgentApiSource } from "./tool-context.ts";
