import { randomUUID } from "node:crypto";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { plans } from "@omnara/contracts";
import { type DatabaseKind, describeEachDatabase, FakeStripe, newUserWithKey, startTestServer } from "@omnara/testing";
import { expect, onTestFailed, test } from "vitest";
import { claudeEnv, claudeHome } from "./claude-terminal.ts";
import { omnaraBin, startCli } from "./cli-process.ts";
import { FakeAnthropic } from "./fake-anthropic.ts";
import { isolatedEnv } from "./test-env.ts";

const LIMIT = plans.free.instancesPerMonth;
const PUBLIC_URL = "http://omnara.test";
const UPGRADE_URL = `${PUBLIC_URL}/billing`;

/** A server with billing on and a user who has started the whole free allowance this month. */
async function atTheLimit(stripe: FakeStripe, kind: DatabaseKind = "pglite") {
  const server = await startTestServer(kind, { env: stripe.env(PUBLIC_URL) });
  const alice = await newUserWithKey(server.url, "cli");
  for (let i = 0; i < LIMIT; i += 1) {
    await alice.agent.sendMessage.mutate({ agent_instance_id: randomUUID(), agent_type: "cli", content: `run ${i}` });
  }
  return { server, alice };
}

describeEachDatabase("omnara mcp at the limit", (kind) => {
  test("the tool error names the limit and the upgrade link", async () => {
    await using stripe = await FakeStripe.start();
    const { server, alice } = await atTheLimit(stripe, kind);
    await using _server = server;
    const client = new Client({ name: "claude-code", version: "1.0.0" });
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: [omnaraBin, "mcp", "--api-key", alice.apiKey, "--base-url", server.url],
      env: isolatedEnv().env as Record<string, string>,
      stderr: "pipe",
    });
    await client.connect(transport);
    try {
      const result = await client.callTool({ name: "log_step", arguments: { step_description: "one more" } });
      expect(result.isError).toBe(true);
      const text = JSON.stringify(result.content);
      expect(text).toContain("PAYMENT_REQUIRED");
      expect(text).toContain(`${LIMIT} of ${LIMIT}`);
      expect(text).toContain(UPGRADE_URL);
      expect(result.structuredContent).toMatchObject({
        error: { code: "PAYMENT_REQUIRED", limit: LIMIT, used: LIMIT, upgrade_url: UPGRADE_URL },
      });
    } finally {
      await client.close();
    }
  }, 60_000);
});

test("omnara claude at the limit says so on the terminal with the upgrade link; Claude still runs", async () => {
  await using stripe = await FakeStripe.start();
  const { server, alice } = await atTheLimit(stripe);
  await using _server = server;
  const { home, project } = claudeHome();
  await using fake = await FakeAnthropic.start([
    { blocks: [{ type: "text", text: "Hello there." }], stop: "end_turn" },
  ]);
  const run = startCli(
    ["claude", "-p", "say hello"],
    claudeEnv(home, fake.url, alice.apiKey, server.url),
    undefined,
    project,
  );
  run.child.stdin?.end();
  onTestFailed(() => {
    console.log(`claude -p output:\n${run.stdout()}\n${run.stderr()}`);
  });
  expect(await run.exited).toBe(0);
  expect(run.stdout()).toContain("Hello there.");
  const notices = run
    .stderr()
    .split("\n")
    .filter((line) => line.includes("not mirrored"));
  expect(notices).toHaveLength(1);
  expect(notices[0]).toContain(`${LIMIT} of ${LIMIT} agent instances this month`);
  expect(notices[0]).toContain(UPGRADE_URL);
  const listed = await alice.user.listInstances.query({});
  expect(listed.instances).toHaveLength(LIMIT);
}, 90_000);
