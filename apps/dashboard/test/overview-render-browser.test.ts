import { randomUUID } from "node:crypto";
import { newUserWithKey, rest, type TestServer } from "@omnara/testing";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { type DashboardSession, openDashboard, skipBrowser } from "./support/browser.ts";
import { firstSeen, longTasksSince, pageNow, recordRendering } from "./support/long-tasks.ts";

const INSTANCES = 200;
const AGENT_TYPES = ["Claude Code", "Cursor", "Codex", "Aider", "Release bot"];
/**
 * A guard against a render that grows badly with the list (one task for all 200 rows measured
 * 73–149 ms on a quiet 2-core machine and 201 ms once under load), not a performance figure:
 * those are printed below and belong in the bench. RAIL's 100 ms budget, with room for CI.
 */
const LONG_TASK_BOUND_MS = 500;

describe.skipIf(skipBrowser)("the overview of 200 instances renders without jank", () => {
  let server: TestServer;
  let dashboard: DashboardSession | undefined;
  let page: Page;
  const figures: Record<string, unknown> = {};

  beforeAll(async () => {
    dashboard = await openDashboard(15_000);
    ({ server, page } = dashboard);
    const owner = await newUserWithKey(server.url, "fleet");
    // Seeded as agents report: one HTTP call per instance, all at once; every tenth asks a question.
    const seeded = performance.now();
    const statuses = await Promise.all(
      Array.from({ length: INSTANCES }, async (_, i) => {
        const response = await rest(server.url, "POST", "/api/v1/messages/agent", {
          token: owner.apiKey,
          body: {
            agent_instance_id: randomUUID(),
            agent_type: AGENT_TYPES[i % AGENT_TYPES.length],
            name: `Task ${i + 1}: refactor module ${i + 1}`,
            content:
              i % 10 === 0 ? `Ship change ${i + 1} now? [YES/NO]` : `Step ${i + 1}: tests pass (**${i} files**).`,
            requires_user_input: i % 10 === 0,
          },
        });
        return response.status;
      }),
    );
    expect(statuses.every((status) => status === 200)).toBe(true);
    figures["seedMs"] = Math.round(performance.now() - seeded);

    await dashboard.context.addInitScript(
      (token: string) => localStorage.setItem("omnara.session", token),
      owner.sessionToken,
    );
    await recordRendering(page, {
      overview: ".agent-grid [data-testid=instance-item]",
      instances: ".instance-table [data-testid=instance-item]",
    });
  }, 180_000);

  afterAll(async () => {
    console.log(`[render figures, ${INSTANCES} instances]`, JSON.stringify(figures));
    await dashboard?.close();
  });

  test("overview: first render and long tasks from navigation on", async () => {
    await page.goto(`${server.url}/`);
    await expect.poll(() => page.getByTestId("agent-type-card").count()).toBe(AGENT_TYPES.length);
    await expect.poll(() => page.getByTestId("stat-waiting").textContent()).toContain(String(INSTANCES / 10));
    expect(await page.evaluate(() => window.omnaraRenderLog?.supported)).toBe(true);
    const overview = {
      firstRenderMs: Math.round((await firstSeen(page, "overview")) ?? Number.NaN),
      ...(await longTasksSince(page)),
    };
    figures["overview"] = overview;
    expect(overview.longestTaskMs).toBeLessThan(LONG_TASK_BOUND_MS);
  });

  test("instances list: first render after a click, then all 200 rows", async () => {
    const clicked = await pageNow(page);
    await page.getByRole("link", { name: "Instances" }).first().click();
    const rows = page.locator(".instance-table [data-testid=instance-item]");
    await rows.first().waitFor();
    const list = {
      firstRenderMs: Math.round(((await firstSeen(page, "instances")) ?? Number.NaN) - clicked),
      ...(await longTasksSince(page, clicked)),
    };
    figures["instancesList"] = list;
    expect(list.longestTaskMs).toBeLessThan(LONG_TASK_BOUND_MS);

    // Every page of the list, so all 200 rows are in the document at once.
    const loading = await pageNow(page);
    while ((await rows.count()) < INSTANCES) {
      const shown = await rows.count();
      await page.getByRole("button", { name: "Load more" }).click();
      await expect.poll(() => rows.count()).toBeGreaterThan(shown);
    }
    const all = { rows: await rows.count(), ...(await longTasksSince(page, loading)) };
    figures["instancesAllRows"] = all;
    expect(all.longestTaskMs).toBeLessThan(LONG_TASK_BOUND_MS);
  });

  test("a row's dialog opens on demand and gives focus back when cancelled", async () => {
    const rename = page.getByRole("button", { name: /^Rename / }).last();
    await rename.scrollIntoViewIfNeeded();
    await rename.click();
    await page.getByRole("dialog", { name: "Rename instance" }).waitFor();
    await page.getByRole("button", { name: "Cancel" }).click();
    await page.getByRole("dialog").waitFor({ state: "detached" });
    expect(await rename.evaluate((button) => button === document.activeElement)).toBe(true);
  });

  test("a cold load of the full instances list", async () => {
    await page.goto(`${server.url}/instances?tab=all`);
    await page.locator(".instance-table [data-testid=instance-item]").first().waitFor();
    const cold = {
      firstRenderMs: Math.round((await firstSeen(page, "instances")) ?? Number.NaN),
      ...(await longTasksSince(page)),
    };
    figures["instancesColdLoad"] = cold;
    expect(cold.longestTaskMs).toBeLessThan(LONG_TASK_BOUND_MS);
  });
});
