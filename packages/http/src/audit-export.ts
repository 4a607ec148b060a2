import { bearerToken } from "@omnara/api";
import { type AuditEntry, OmnaraError } from "@omnara/contracts";
import {
  auditCsvColumns,
  auditCsvLine,
  type CoreDeps,
  exportAudit,
  type RateLimit,
  type UserAuthenticator,
} from "@omnara/core";
import { type Request, type Response, Router } from "express";
import { sendError } from "./errors.ts";

interface AuditExportDeps {
  deps: CoreDeps;
  userAuth: UserAuthenticator;
  rateLimiter: RateLimit;
  log: (error: unknown) => void;
}

async function writeAll(res: Response, entries: AsyncIterable<AuditEntry>, format: "csv" | "json"): Promise<void> {
  if (format === "csv") {
    res.write(`${auditCsvColumns.join(",")}\r\n`);
    for await (const entry of entries) res.write(auditCsvLine(entry));
    return;
  }
  res.write("[");
  let first = true;
  for await (const entry of entries) {
    res.write(`${first ? "" : ","}\n${JSON.stringify(entry)}`);
    first = false;
  }
  res.write("\n]\n");
}

/**
 * GET /api/v1/audit/export?format=csv|json: the signed-in user's whole audit (listAudit's
 * entries, newest first) as a download, streamed a page at a time.
 */
export function auditExportRoute(options: AuditExportDeps): Router {
  const route = Router();
  route.get("/api/v1/audit/export", (req: Request, res: Response) => {
    const run = async (): Promise<void> => {
      const format = req.query["format"] ?? "json";
      if (format !== "csv" && format !== "json") {
        sendError(res, "BAD_REQUEST", "format must be csv or json.", {
          issues: [{ path: "format", message: "must be csv or json" }],
        });
        return;
      }
      const token = bearerToken(req.headers.authorization);
      const user = token ? await options.userAuth.authenticate(token) : undefined;
      if (!user) {
        sendError(res, "UNAUTHORIZED", "Sign in first: missing or expired session.");
        return;
      }
      const decision = await options.rateLimiter.take(`user:${user.userId}`);
      if (decision.retryAfterSeconds > 0) {
        res.setHeader("Retry-After", String(decision.retryAfterSeconds));
        sendError(res, "TOO_MANY_REQUESTS", `Rate limit reached; retry in ${decision.retryAfterSeconds} s.`);
        return;
      }
      const day = new Date().toISOString().slice(0, 10);
      res.status(200);
      res.setHeader("Content-Type", format === "csv" ? "text/csv; charset=utf-8" : "application/json; charset=utf-8");
      res.setHeader("Content-Disposition", `attachment; filename="omnara-audit-${day}.${format}"`);
      res.setHeader("Cache-Control", "no-store");
      await writeAll(res, exportAudit(options.deps, user), format);
      res.end();
    };
    run().catch((error: unknown) => {
      options.log(error instanceof OmnaraError ? error.message : error);
      if (!res.headersSent) sendError(res, "INTERNAL_SERVER_ERROR", "The audit could not be exported.");
      else res.destroy();
    });
  });
  return route;
}
