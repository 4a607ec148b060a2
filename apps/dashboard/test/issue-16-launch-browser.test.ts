import { randomUUID } from "node:crypto";
import { newUserWithKey, startWebhookReceiver, type TestServer, type WebhookReceiver } from "@omnara/testing";
import type { BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { type DashboardSession, openDashboard, skipBrowser } from "./support/browser.ts";

const WAIT = { timeout: 10_000 };

/** Issue 16, item 4 in the browser: a launch target set in Settings, then Start with its field. */
describe.skipIf(skipBrowser)("launch an agent from Settings in Chromium", () => {
  let dashboard: DashboardSession | undefined;
  let server: TestServer;
  let context: BrowserContext;
  let page: Page;
  let receiver: WebhookReceiver;
  let owner: Awaited<ReturnType<typeof newUserWithKey>>;

  beforeAll(async () => {
    receiver = await startWebhookReceiver();
    dashboard = await openDashboard(WAIT.timeout, { env: { OMNARA_WEBHOOK_ALLOW_PRIVATE: "true" } });
    ({ server, context, page } = dashboard);
    owner = await newUserWithKey(server.url, "launch");
    await owner.agent.sendMessage.mutate({ agent_instance_id: randomUUID(), agent_type: "Nightly", content: "hi" });
    await context.addInitScript((token: string) => localStorage.setItem("omnara.session", token), owner.sessionToken);
  }, 120_000);

  afterAll(async () => {
    await dashboard?.close();
    await receiver.close();
  });

  test("configure a custom URL target, then Start sends the templated body", async () => {
    await page.goto(`${server.url}/settings`);
    await page.getByTestId("launch-url").fill(`${receiver.url}/go`);
    await page.getByTestId("launch-template").fill('{"task": "{{task}}", "agent": "{{agent_type}}"}');
    await page.getByTestId("launch-fields").fill("task");
    await page.getByRole("button", { name: "Save launch target" }).click();
    await page.getByTestId("start-field-task").fill("refresh the caches");
    await page.getByTestId("start").click();
    await page.getByTestId("started").waitFor(WAIT);
    const [got] = await receiver.waitFor(1);
    expect(JSON.parse(got?.body ?? "{}")).toEqual({ task: "refresh the caches", agent: "nightly" });
  }, 60_000);
});
