import { join } from "node:path";
import express, { type Router } from "express";

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
