import { type Context, callOperation } from "@omnara/api";
import type { Operation } from "@omnara/contracts";
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

/**
 * The REST API, generated from the contracts: one route per operation with a `rest` binding,
 * each running the operation's tRPC procedure so auth, limits and validation are the same.
 */
export function createRestRouter(
  operations: readonly Operation[],
  createContext: (req: Request) => Context,
  log: (error: unknown) => void,
): Router {
  const router = Router();
  for (const op of operations) {
    const binding = op.rest;
    if (!binding) continue;
    const method = binding.method.toLowerCase() as "get" | "post" | "put" | "patch" | "delete";
    router[method](expressPath(binding.path), async (req: Request, res: Response) => {
      // A long wait ends when the client goes away, instead of holding a listener.
      const abort = new AbortController();
      res.on("close", () => abort.abort());
      try {
        const output = await callOperation(createContext(req), op, restInput(req), abort.signal);
        res.status(binding.status ?? 200).json(output);
      } catch (error) {
        if (!res.headersSent && !res.destroyed) sendThrown(res, error, log);
      }
    });
  }
  return router;
}
