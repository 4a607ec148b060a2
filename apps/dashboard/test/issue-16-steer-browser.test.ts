import { randomUUID } from "node:crypto";
import { eventually, newUserWithKey, rest, type TestServer } from "@omnara/testing";
import type { BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { type DashboardSession, openDashboard, skipBrowser } from "./support/browser.ts";

const WAIT = { timeout: 10_000 };

/**
 * Issue 16 in the browser: while the agent works, Interrupt reaches it (its wait answers
 * interrupted), a message sent meanwhile shows queued and can be cancelled, another shows
 * delivered once the agent reads it, and Stop ends the session.
 */
describe.skipIf(skipBrowser)("interrupt, queued messages and stop in Chromium", () => {
  let dashboard: DashboardSession | undefined;
  let server: TestServer;
  let context: BrowserContext;
  let page: Page;
  let owner: Awaited<ReturnType<typeof newUserWithKey>>;
  const instanceId = randomUUID();

  beforeAll(async () => {
    dashboard = await openDashboard(WAIT.timeout);
    ({ server, context, page } = dashboard);
    owner = await newUserWithKey(server.url, "steer");
    await context.addInitScript((token: string) => localStorage.setItem("omnara.session", token), owner.sessionToken);
  }, 120_000);

  afterAll(async () => {
    await dashboard?.close();
  });

  test("Interrupt, a queued message cancelled, one delivered, then Stop", async () => {
    const step = await owner.agent.sendMessage.mutate({
      agent_instance_id: instanceId,
      agent_type: "Steered bot",
      name: "Long job",
      content: "Working on the migration",
    });
    await page.goto(`${server.url}/instances/${instanceId}`);
    await page.getByTestId("interrupt").waitFor(WAIT);

    // Interrupt: the agent's control wait hears it.
    const control = rest(server.url, "GET", `/api/v1/agent-instances/${instanceId}/control?timeout_seconds=30`, {
      token: owner.apiKey,
    });
    await page.getByTestId("interrupt").click();
    expect((await control).body["control"]).toBe("interrupt");

    // Two messages while it works: both queued; one is cancelled.
    const composer = page.locator("textarea").last();
    for (const text of ["also update the docs", "never mind the docs"]) {
      await composer.fill(text);
      await composer.press("Enter");
    }
    const queued = page.getByTestId("queued-message");
    await expect.poll(() => queued.count(), WAIT).toBe(2);
    await page.getByRole("button", { name: "Cancel queued message never mind the docs" }).click();
    await expect.poll(() => queued.count(), WAIT).toBe(1);

    // The agent's next step takes the one left: it shows delivered, the other cancelled.
    const next = await owner.agent.sendMessage.mutate({ agent_instance_id: instanceId, content: "Next step" });
    expect(next.queued_user_messages.map((m) => m.content)).toEqual(["also update the docs"]);
    expect(step.message_id).not.toBe(next.message_id);
    await expect.poll(() => queued.count(), WAIT).toBe(0);
    const delivery = (text: string) =>
      page.locator('[data-sender="USER"]', { hasText: text }).getByTestId("delivery").getAttribute("data-delivery");
    await expect.poll(() => delivery("also update the docs"), WAIT).toBe("delivered");
    await expect.poll(() => delivery("never mind the docs"), WAIT).toBe("cancelled");

    // Stop: the session is completed and the buttons go away.
    await page.getByTestId("stop").click();
    await eventually("completed", async () =>
      (await owner.user.getInstance.query({ agent_instance_id: instanceId })).status === "COMPLETED" ? true : undefined,
    );
    await page.getByTestId("interrupt").waitFor({ state: "detached", ...WAIT });
  }, 120_000);
});
