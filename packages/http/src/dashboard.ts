import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import express, { type Router } from "express";

/** The dashboard built in this repository, if it has been built. */
export function defaultDashboardDir(): string | undefined {
  const here = dirname(fileURLToPath(import.meta.url));
  const dir = resolve(here, "../../../apps/dashboard/dist");
  return existsSync(join(dir, "index.html")) ? dir : undefined;
}

/** Static assets, and index.html for every other GET so client-side routes load. */
export function serveDashboard(dir: string): Router {
  const router = express.Router();
  router.use(express.static(dir, { index: false, maxAge: "1h" }));
  router.get(/^(?!\/api\/|\/mcp|\/openapi\.json|\/healthz).*/, (_req, res) => {
    res.setHeader("Cache-Control", "no-cache");
    res.sendFile(join(dir, "index.html"));
  });
  return router;
}
