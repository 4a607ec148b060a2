import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, test } from "vitest";
import { startCli } from "./cli-process.ts";
import { isolatedEnv } from "./test-env.ts";

test("omnara serve starts the platform, answers on its port, and stops on SIGTERM", async () => {
  const dataDir = mkdtempSync(join(tmpdir(), "omnara-serve-"));
  const serve = startCli(["serve", "--port", "0", "--data-dir", dataDir, "--json"], isolatedEnv({}).env);
  const [, url] = await serve.waitForOutput(/"url": "(http:\/\/[^"]+)"/, 60_000);
  const health = await fetch(`${url}/healthz`);
  expect(health.status).toBe(200);
  const signup = await fetch(`${url}/api/v1/auth/signup`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ email: "serve@example.com", password: "long enough password" }),
  });
  expect(signup.status).toBe(201);
  serve.child.kill("SIGTERM");
  expect(await serve.exited).toBe(0);
}, 90_000);
