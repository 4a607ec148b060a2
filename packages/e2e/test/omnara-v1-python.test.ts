import { spawn, spawnSync } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import {
  describeEachDatabase,
  inheritedEnv,
  newUserWithKey,
  startTestServer,
  type TestServer,
  testEnv,
} from "@omnara/testing";
import { afterAll, beforeAll, describe, expect, test } from "vitest";

/**
 * Omnara v1's Python clients against a real server: test/compat/scenarios.py runs a mirror of
 * its SDK (same requests, same strict dataclasses) and the exact requests of its Claude Code
 * wrapper and n8n node, comparing whole response field sets.
 */
const compatDir = join(dirname(fileURLToPath(import.meta.url)), "compat");
const hasPython = spawnSync("python3", ["-c", "import requests"], { stdio: "ignore" }).status === 0;
if (!hasPython && testEnv.ci) throw new Error("python3 with requests is required on CI for the Omnara v1 suite");
if (!hasPython) console.warn("SKIPPED: Omnara v1 Python compatibility suite (python3 with requests not found)");

const scenarioNames = hasPython
  ? spawnSync("python3", ["-c", "import scenarios; print('\\n'.join(scenarios.SCENARIOS))"], {
      cwd: compatDir,
      env: inheritedEnv({ OMNARA_URL: "-", OMNARA_API_KEY: "-", OMNARA_SESSION: "-", OMNARA_OTHER_API_KEY: "-" }),
      encoding: "utf8",
    })
      .stdout.trim()
      .split("\n")
  : [];

interface ScenarioResult {
  scenario: string;
  ok: boolean;
  error?: string;
  trace?: string;
}

function runScenarios(env: Record<string, string>): Promise<Map<string, ScenarioResult>> {
  return new Promise((resolve, reject) => {
    const child = spawn("python3", ["scenarios.py"], { cwd: compatDir, env: inheritedEnv(env) });
    let out = "";
    let err = "";
    child.stdout.on("data", (chunk: Buffer) => {
      out += chunk.toString();
    });
    child.stderr.on("data", (chunk: Buffer) => {
      err += chunk.toString();
    });
    const timer = setTimeout(() => child.kill("SIGKILL"), 120_000);
    child.on("error", reject);
    child.on("close", () => {
      clearTimeout(timer);
      const results = new Map<string, ScenarioResult>();
      for (const line of out.split("\n").filter(Boolean)) {
        const result = JSON.parse(line) as ScenarioResult;
        results.set(result.scenario, result);
      }
      if (results.size === 0) reject(new Error(`scenarios.py printed nothing: ${err}`));
      else resolve(results);
    });
  });
}

const suite = hasPython
  ? describeEachDatabase
  : (name: string, body: (kind: "pglite") => void) => describe.skip(name, () => body("pglite"));

suite("Omnara v1 Python SDK, Claude Code wrapper and n8n node, unchanged", (kind) => {
  let server: TestServer;
  let results: Map<string, ScenarioResult>;
  beforeAll(async () => {
    // The n8n scenario's stand-in listens on 127.0.0.1, as a local n8n would.
    server = await startTestServer(kind, { env: { OMNARA_WEBHOOK_ALLOW_PRIVATE: "true" } });
    const me = await newUserWithKey(server.url, "py");
    const other = await newUserWithKey(server.url, "other");
    results = await runScenarios({
      OMNARA_URL: server.url,
      OMNARA_API_KEY: me.apiKey,
      OMNARA_SESSION: me.sessionToken,
      OMNARA_OTHER_API_KEY: other.apiKey,
    });
  }, 150_000);
  afterAll(() => server.close());

  test.each(scenarioNames)("%s", (name) => {
    const result = results.get(name);
    expect(result, `${name} did not run`).toBeDefined();
    expect(result?.ok ? "ok" : `${result?.error}\n${result?.trace}`).toBe("ok");
  });
});
