import { randomUUID } from "node:crypto";
import { mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { newUserWithKey, rest, type TestServer } from "@omnara/testing";
import type { BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { dashboardDir } from "../scripts/ensure-built.ts";
import { type DashboardSession, openDashboard, skipBrowser } from "./support/browser.ts";
import { optionsQuestion, sampleDiff, sampleSteps } from "./support/sample-work.ts";

const screenshots = resolve(dashboardDir, "../../docs/screenshots");
const WAIT = { timeout: 10_000 };

describe.skipIf(skipBrowser)("the dashboard in Chromium, against a real server", () => {
  let dashboard: DashboardSession | undefined;
  let server: TestServer;
  let context: BrowserContext;
  let page: Page;
  let apiKey = "";
  const instanceId = randomUUID();

  /** The scripted agent: plain HTTP, as curl or Python would send it. */
  const agentSays = async (body: Record<string, unknown>) => {
    const response = await rest(server.url, "POST", "/api/v1/messages/agent", { token: apiKey, body });
    expect(response.status).toBe(200);
    return String(response.body["message_id"]);
  };
  const agentWaits = (afterMessageId: string) =>
    rest(
      server.url,
      "GET",
      `/api/v1/messages/wait?agent_instance_id=${instanceId}&after_message_id=${afterMessageId}&timeout_seconds=20`,
      {
        token: apiKey,
      },
    );
  const shoot = async (name: string) => {
    for (const [label, viewport] of [
      ["desktop", { width: 1280, height: 800 }],
      ["mobile", { width: 390, height: 844 }],
    ] as const) {
      await page.setViewportSize(viewport);
      // Let layout settle at the new size before the shot (a frame, not a sleep).
      await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
      await page.screenshot({ path: join(screenshots, `${name}-${label}.png`) });
    }
    await page.setViewportSize({ width: 1280, height: 800 });
  };

  beforeAll(async () => {
    mkdirSync(screenshots, { recursive: true });
    dashboard = await openDashboard(WAIT.timeout);
    ({ server, context, page } = dashboard);
  }, 120_000);

  afterAll(async () => {
    await dashboard?.close();
  });

  test("sign up, then create an API key on the onboarding page", async () => {
    await page.goto(`${server.url}/`);
    await page.waitForURL(/\/sign-in$/);
    await page.getByRole("link", { name: "Create an account" }).click();
    await page.getByLabel("Name (optional)").fill("Ada");
    await page.getByLabel("Email").fill(`ada-${randomUUID()}@example.com`);
    await page.getByLabel("Password").fill("correct horse battery");
    await page.getByRole("button", { name: "Create account" }).click();
    await page.waitForURL(/\/onboarding$/);

    await page.getByRole("button", { name: "Create my API key" }).click();
    apiKey = (await page.getByTestId("new-api-key").textContent()) ?? "";
    expect(apiKey.length).toBeGreaterThan(20);
    // The setup lines carry the real key and this server's URL.
    await expect
      .poll(() => page.getByTestId("setup-claude-code").textContent())
      .toContain(`${server.url}/mcp --header "Authorization: Bearer ${apiKey}"`);
    const verified = await rest(server.url, "GET", "/api/v1/auth/verify", { token: apiKey });
    expect(verified.status).toBe(200);
  });

  test("a step logged by an agent appears on the overview without a reload", async () => {
    await page.getByRole("link", { name: "Overview" }).first().click();
    await page.getByText("No agents yet").waitFor();
    await page.getByTestId("connection").first().and(page.locator('[data-state="live"]')).waitFor();
    await agentSays({
      agent_instance_id: instanceId,
      agent_type: "Claude Code",
      name: "Fix coupon totals",
      content: sampleSteps[0],
      git_diff: sampleDiff,
    });
    const item = page.locator(`[data-instance-id="${instanceId}"]`);
    await item.waitFor();
    await expect.poll(() => item.textContent()).toContain("Reading the repository");
  });

  test("a question with options shows buttons; clicking one answers the waiting agent", async () => {
    await page.locator(`[data-instance-id="${instanceId}"]`).click();
    await page.waitForURL(new RegExp(`/instances/${instanceId}$`));
    await page.getByTestId("instance-title").filter({ hasText: "Fix coupon totals" }).waitFor();

    for (const step of sampleSteps.slice(1))
      await agentSays({ agent_instance_id: instanceId, content: step, git_diff: sampleDiff });
    const questionId = await agentSays({
      agent_instance_id: instanceId,
      content: optionsQuestion,
      requires_user_input: true,
    });
    const waiting = agentWaits(questionId);

    await page.locator(`[data-message-id="${questionId}"]`).waitFor();
    await page.getByTestId("instance-status").getByText("Waiting for you").waitFor();
    // The markers are scrubbed from the text and become buttons.
    expect(await page.locator(`[data-message-id="${questionId}"]`).textContent()).not.toContain("[OPTIONS]");
    await shoot("instance-detail");

    await page.getByTestId("choice").filter({ hasText: "Staging" }).click();
    const answered = await waiting;
    expect(answered.body).toMatchObject({ status: "replied", messages: [{ content: "Staging", sender_type: "USER" }] });
    await page.getByTestId("instance-status").getByText("Active").waitFor();
    await expect.poll(() => page.getByTestId("choice").count()).toBe(0);
  });

  test("the composer: Shift+Enter adds a line, Enter sends", async () => {
    const questionId = await agentSays({
      agent_instance_id: instanceId,
      content: "Anything to add to the release notes? [YES/NO]",
      requires_user_input: true,
    });
    const waiting = agentWaits(questionId);
    await page.getByTestId("choice").filter({ hasText: "Yes" }).waitFor();
    const composer = page.getByTestId("composer");
    await composer.click();
    await composer.pressSequentially("Mention the coupon fix");
    await composer.press("Shift+Enter");
    await composer.pressSequentially("and thank the reporter");
    await composer.press("Enter");
    const answered = await waiting;
    expect(answered.body).toMatchObject({
      status: "replied",
      messages: [{ content: "Mention the coupon fix\nand thank the reporter" }],
    });
    expect(await composer.inputValue()).toBe("");
  });

  test("the git diff panel lists files and shows a file's diff", async () => {
    await page.getByTestId("changes-tab").click();
    const panel = page.getByTestId("diff-panel");
    await panel.getByRole("button", { name: /invoice\.test\.ts/ }).click();
    await expect
      .poll(() => panel.getByTestId("diff-file").textContent())
      .toContain("expect(totalOf(invoice)).toBe(90);");
    await panel.getByRole("button", { name: /invoice\.ts/ }).click();
    await shoot("instance-changes");
  });

  test("overview: waiting instances first and highlighted, with a 'waiting on me' filter", async () => {
    const other = randomUUID();
    await agentSays({
      agent_instance_id: other,
      agent_type: "Cursor",
      name: "Refactor auth",
      content: "Split `session.ts` into three files.",
    });
    await agentSays({
      agent_instance_id: other,
      content: "Rename `getUser` to `loadUser` everywhere? [YES/NO]",
      requires_user_input: true,
    });
    const done = randomUUID();
    await agentSays({
      agent_instance_id: done,
      agent_type: "Cursor",
      name: "Bump dependencies",
      content: "All 31 packages are up to date.",
    });
    await rest(server.url, "POST", "/api/v1/sessions/end", { token: apiKey, body: { agent_instance_id: done } });

    await page.goto(`${server.url}/`);
    const waitingItem = page.locator(`[data-instance-id="${other}"]`);
    await waitingItem.waitFor();
    expect(await waitingItem.getAttribute("class")).toContain("is-waiting");
    await expect.poll(() => page.getByTestId("stat-waiting").textContent()).toContain("1");
    // The card of the type with someone waiting comes first.
    await expect.poll(() => page.getByTestId("agent-type-card").first().textContent()).toContain("cursor");
    await shoot("overview");

    await page.getByRole("button", { name: /Waiting on me/ }).click();
    await expect.poll(() => page.getByTestId("instance-item").count()).toBe(1);
    await page.getByRole("button", { name: "All agents" }).click();

    await page.getByRole("link", { name: "Instances" }).first().click();
    await page.getByRole("link", { name: "All", exact: true }).click();
    await expect.poll(() => page.getByTestId("instance-item").count()).toBe(3);
    await shoot("instances");
  });

  test("another user's instance URL shows not found", async () => {
    const bob = await newUserWithKey(server.url, "bob");
    const bobs = randomUUID();
    await bob.agent.sendMessage.mutate({
      agent_instance_id: bobs,
      agent_type: "secret agent",
      content: "bob's private work",
    });
    await page.goto(`${server.url}/instances/${bobs}`);
    await page.getByTestId("not-found").waitFor();
    expect(await page.content()).not.toContain("private work");
  });

  test("API keys: created with an expiry and shown once; a revoked key leaves the list and is refused", async () => {
    await page.goto(`${server.url}/api-keys`);
    await page.getByLabel("Name").fill("CI runner");
    await page.getByLabel("Expires").selectOption("30");
    await page.getByRole("button", { name: "Create key" }).click();
    const ciKey = (await page.getByTestId("new-api-key").textContent()) ?? "";
    expect((await rest(server.url, "GET", "/api/v1/auth/verify", { token: ciKey })).status).toBe(200);
    const row = page.getByTestId("api-key").filter({ hasText: "CI runner" });
    await row.waitFor();
    expect(await row.textContent()).toContain("Last used");
    await shoot("api-keys");

    await row.getByRole("button", { name: "Revoke CI runner" }).click();
    await page.getByRole("button", { name: "Revoke key" }).click();
    await row.waitFor({ state: "detached" });
    const refused = await rest(server.url, "GET", "/api/v1/auth/verify", { token: ciKey });
    expect(refused.status).toBe(401);
    expect(await page.getByTestId("api-key").filter({ hasText: "First agent" }).count()).toBe(1);
  });

  test("installable: a manifest with icons and an active service worker", async () => {
    const manifest = await rest(server.url, "GET", "/manifest.webmanifest");
    expect(manifest.status).toBe(200);
    expect(manifest.body).toMatchObject({ display: "standalone", start_url: "/" });
    const sizes = (manifest.body["icons"] as { sizes: string }[]).map((icon) => icon.sizes);
    expect(sizes).toEqual(expect.arrayContaining(["192x192", "512x512"]));
    const scope = await page.evaluate(async () => (await navigator.serviceWorker.ready).active?.state);
    expect(scope).toBe("activated");
  });

  test("going offline shows the reconnecting banner; coming back resumes the live stream", async () => {
    await page.goto(`${server.url}/instances/${instanceId}`);
    await page.locator('[data-testid="connection"][data-state="live"]').first().waitFor();
    await context.setOffline(true);
    await page.getByTestId("reconnecting-banner").waitFor();
    await context.setOffline(false);
    await page.getByTestId("reconnecting-banner").waitFor({ state: "detached" });
    const id = await agentSays({ agent_instance_id: instanceId, content: "Deployed to staging." });
    await page.locator(`[data-message-id="${id}"]`).waitFor();
  });
});
