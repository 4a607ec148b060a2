import { bearerToken, type Context, callOperation } from "@omnara/api";
import type { Operation } from "@omnara/contracts";
import { claimedAudience } from "@omnara/core";
import { type Request, type Response, Router } from "express";
import { sendThrown } from "./errors.ts";

/** `/api/v1/agent-instances/{agent_instance_id}` → `/api/v1/agent-instances/:agent_instance_id` */
export const expressPath = (path: string): string => path.replace(/\{(\w+)\}/g, ":$1");

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/** Path parameters win over body fields, which win over query parameters. */
function restInput(req: Request): Record<string, unknown> {
  const query = isRecord(req.query) ? req.query : {};
  const body = isRecord(req.body) ? req.body : {};
  return { ...query, ...body, ...req.params };
}

type Method = "get" | "post" | "put" | "patch" | "delete";

/** Operations by route. A route has one operation per audience (v1 shares a few with users). */
function routes(operations: readonly Operation[]): Map<string, Operation[]> {
  const byRoute = new Map<string, Operation[]>();
  for (const op of operations) {
    if (!op.rest) continue;
    const key = `${op.rest.method} ${op.rest.path}`;
    byRoute.set(key, [...(byRoute.get(key) ?? []), op]);
  }
  return byRoute;
}

/**
 * The operation a request means: the one for the kind of token it carries (an agent key or a
 * user session), else the first; that operation's own auth then accepts or refuses the token.
 */
function pick(candidates: readonly Operation[], req: Request): Operation | undefined {
  if (candidates.length === 1) return candidates[0];
  const token = bearerToken(req.headers.authorization);
  const audience = token ? claimedAudience(token) : undefined;
  return candidates.find((op) => op.audience === audience) ?? candidates[0];
}

/**
 * The REST API, generated from the contracts: one route per operation with a `rest` binding,
 * each running the operation's tRPC procedure so auth, limits and validation are the same.
 */
/** The caller's bucket after this call: its size, whole tokens left, seconds until it is full. */
function setRateLimitHeaders(res: Response, ctx: Context): void {
  const decision = ctx.rateLimitSeen.decision;
  if (!decision || res.headersSent) return;
  res.setHeader("X-RateLimit-Limit", String(decision.limit));
  res.setHeader("X-RateLimit-Remaining", String(decision.remaining));
  res.setHeader("X-RateLimit-Reset", String(decision.resetSeconds));
}

export function createRestRouter(
  operations: readonly Operation[],
  createContext: (req: Request) => Context,
  log: (error: unknown) => void,
): Router {
  const router = Router();
  for (const candidates of routes(operations).values()) {
    const binding = candidates[0]?.rest;
    if (!binding) continue;
    const method = binding.method.toLowerCase() as Method;
    router[method](expressPath(binding.path), async (req: Request, res: Response) => {
      const op = pick(candidates, req);
      if (!op) return;
      // A long wait ends when the client goes away, instead of holding a listener. Only then:
      // every response closes, and an abort builds a DOMException (1 % of the server's CPU). A
      // call that does not wait has no use for the signal, nor for its listener (1.5 %).
      const abort = op.waits ? new AbortController() : undefined;
      if (abort) {
        res.on("close", () => {
          if (!res.writableFinished) abort.abort();
        });
      }
      const ctx = createContext(req);
      try {
        const output = await callOperation(ctx, op, restInput(req), abort?.signal);
        setRateLimitHeaders(res, ctx);
        res.status(op.rest?.status ?? 200).json(output);
      } catch (error) {
        if (res.headersSent || res.destroyed) return;
        setRateLimitHeaders(res, ctx);
        sendThrown(res, error, log);
      }
    });
  }
  return router;
}
