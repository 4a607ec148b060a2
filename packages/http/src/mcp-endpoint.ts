import { type Context, callOperation, fieldIssues, planLimitOf, publicMessage, toPublicError } from "@omnara/api";
import { isErrorCode, OmnaraError } from "@omnara/contracts";
import { authenticateApiKey, type CoreDeps } from "@omnara/core";
import { agentApiFrom, createMcpHttpHandler } from "@omnara/mcp";
import { getTRPCErrorFromUnknown } from "@trpc/server";
import type { RequestHandler } from "express";

/** A procedure's failure as the MCP tools report it: public code, message and field issues. */
function operationError(thrown: unknown, log: (error: unknown) => void): OmnaraError {
  const raw = getTRPCErrorFromUnknown(thrown);
  const error = toPublicError(raw) ?? raw;
  if (error.code === "INTERNAL_SERVER_ERROR") log(thrown);
  const code = isErrorCode(error.code) ? error.code : "INTERNAL_SERVER_ERROR";
  return new OmnaraError(code, publicMessage(error), {
    issues: fieldIssues(error.cause),
    planLimit: planLimitOf(error.cause),
  });
}

/**
 * `/mcp`: MCP over streamable HTTP. The API key is checked at the door on every request, and
 * each tool call runs the agent procedures in-process as that key (auth, limits, validation).
 */
export function mcpEndpoint(
  deps: CoreDeps,
  contextFor: (token: string) => Context,
  log: (error: unknown) => void,
): RequestHandler {
  const handler = createMcpHttpHandler({
    authenticate: async (token) => {
      const agent = await authenticateApiKey(deps, token);
      return agent ? { token, clientId: agent.userId, scopes: ["agent"] } : undefined;
    },
    apiFor: (auth) =>
      agentApiFrom(async (op, input, options) => {
        try {
          return await callOperation(contextFor(auth.token), op, input, options?.signal);
        } catch (error) {
          throw operationError(error, log);
        }
      }),
  });
  return (req, res, next) => {
    handler.handle(req, res).catch(next);
  };
}
