import { type Context, callOperation, fieldIssues, planLimitOf, publicMessage, toPublicError } from "@omnara/api";
import { isErrorCode, OmnaraError } from "@omnara/contracts";
import { type AgentCaller, authenticateApiKey, type CoreDeps } from "@omnara/core";
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
  contextFor: (token: string, agent: AgentCaller | undefined) => Context,
  log: (error: unknown) => void,
): RequestHandler {
  // The agent each request's key was checked as, so its tool call does not check it again.
  const agents = new WeakMap<object, AgentCaller>();
  const handler = createMcpHttpHandler({
    authenticate: async (token) => {
      const agent = await authenticateApiKey(deps, token);
      if (!agent) return undefined;
      const auth = { token, clientId: agent.userId, scopes: ["agent"] };
      agents.set(auth, agent);
      return auth;
    },
    apiFor: (auth) =>
      agentApiFrom(async (op, input, options) => {
        try {
          return await callOperation(contextFor(auth.token, agents.get(auth)), op, input, options?.signal);
        } catch (error) {
          throw operationError(error, log);
        }
      }),
  });
  return (req, res, next) => {
    handler.handle(req, res).catch(next);
  };
}
